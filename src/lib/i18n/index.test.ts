// Language detection, interpolation, and that every string the components translate has Chinese.
import { describe, expect, it } from 'vitest';
import { detectLang, langOfLocale, localeFor, translate } from './index';
import zh from './zh';

// Every component's source text, read through Vite (no Node APIs needed).
const SOURCES = import.meta.glob(['../../**/*.svelte'], { query: '?raw', import: 'default', eager: true }) as Record<
	string,
	string
>;

// Helpers that take the components' translate function (e.g. imageSlotLabels(model, $i18n.t)) and
// call it as t('English key', ...).
const HELPERS = import.meta.glob(
	['../apis/**/*.ts', '../google-video/**/*.ts', '!../apis/**/*.test.ts', '!../google-video/**/*.test.ts'],
	{ query: '?raw', import: 'default', eager: true }
) as Record<string, string>;

/** Literal keys passed to $i18n.t(...), plus the labels the components translate indirectly. */
const usedKeys = () => {
	const keys = new Set<string>();
	const patterns = [
		/\$i18n\.t\('((?:[^'\\]|\\.)*)'/g,
		/label: '([^']+)'/g,
		/\['(?:text|image)', '([^']+)'\]/g
	];
	for (const text of Object.values(SOURCES)) {
		for (const re of patterns) for (const m of text.matchAll(re)) keys.add(m[1]);
	}
	for (const text of Object.values(HELPERS)) {
		for (const m of text.matchAll(/\bt\('((?:[^'\\]|\\.)*)'/g)) keys.add(m[1]);
	}
	return keys;
};

describe('i18n', () => {
	it("follows the host's localStorage.locale: any zh* is Chinese, anything else English", () => {
		for (const locale of ['zh-CN', 'zh-TW', 'zh', 'ZH-hant-HK', ' zh-CN '])
			expect(langOfLocale(locale), locale).toBe('zh');
		for (const locale of ['en-US', 'en-GB', 'fr-FR', 'ja-JP', 'de', '', null, undefined])
			expect(langOfLocale(locale), String(locale)).toBe('en');
		// The host's key wins over the page's old key and the browser.
		expect(detectLang('zh-CN', 'en', 'en-US')).toBe('zh');
		expect(detectLang('en-US', 'zh', 'zh-CN')).toBe('en');
		expect(detectLang('fr-FR', null, 'zh-CN')).toBe('en');
	});

	it("uses the page's old key only while the host's is absent, then the browser", () => {
		expect(detectLang(null, 'zh', 'en-US')).toBe('zh');
		expect(detectLang('', 'en', 'zh-CN')).toBe('en');
		expect(detectLang(null, 'klingon', 'zh-CN')).toBe('zh');
		expect(detectLang(null, null, 'zh-TW')).toBe('zh');
		expect(detectLang(null, null, 'en-GB')).toBe('en');
		expect(detectLang(null, null, undefined)).toBe('en');
	});

	it('writes a host locale for the chosen language, keeping one that already says it', () => {
		expect(localeFor('zh', 'en-US')).toBe('zh-CN');
		expect(localeFor('en', 'zh-CN')).toBe('en-US');
		expect(localeFor('zh', 'zh-TW')).toBe('zh-TW');
		expect(localeFor('en', 'en-GB')).toBe('en-GB');
		expect(localeFor('en', 'fr-FR')).toBe('fr-FR'); // the host's French already shows the page in English
		expect(localeFor('zh', null)).toBe('zh-CN');
		expect(localeFor('en', null)).toBe('en-US');
	});

	it('fills placeholders and falls back to the English key', () => {
		expect(translate('en', 'Refunded {{n}} credits', { n: 5 })).toBe('Refunded 5 credits');
		expect(translate('zh', 'Refunded {{n}} credits', { n: 5 })).toBe('已退还 5 积分');
		expect(translate('zh', 'not a known key')).toBe('not a known key');
	});

	it('has a Chinese translation for every string used in the components', () => {
		const keys = usedKeys();
		expect(keys.size).toBeGreaterThan(100);
		expect(keys).toContain('component {{n}}'); // from imageSlotLabels in the API helpers
		const missing = [...keys].filter((k) => !(k in zh) && !['English', '中文'].includes(k));
		expect(missing).toEqual([]);
	});

	it('keeps the placeholders of each key in its translation', () => {
		for (const [key, value] of Object.entries(zh)) {
			const names = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
			expect(names(value), key).toEqual(names(key));
		}
	});
});
