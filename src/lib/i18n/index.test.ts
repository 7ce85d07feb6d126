// Language detection, interpolation, and that every string the components translate has Chinese.
import { describe, expect, it } from 'vitest';
import { detectLang, translate } from './index';
import zh from './zh';

// Every component's source text, read through Vite (no Node APIs needed).
const SOURCES = import.meta.glob(['../../**/*.svelte'], { query: '?raw', import: 'default', eager: true }) as Record<
	string,
	string
>;

// Helpers that take the components' translate function (e.g. imageSlotLabels(model, $i18n.t)) and
// call it as t('English key', ...).
const HELPERS = import.meta.glob(['../apis/**/*.ts', '!../apis/**/*.test.ts'], {
	query: '?raw',
	import: 'default',
	eager: true
}) as Record<string, string>;

/** Literal keys passed to $i18n.t(...), plus the labels the components translate indirectly. */
const usedKeys = () => {
	const keys = new Set<string>();
	const patterns = [
		/\$i18n\.t\('((?:[^'\\]|\\.)*)'/g,
		/\{@render (?:number|text)\('[^']+', '([^']+)'/g,
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
	it('follows navigator.language unless the user chose a language', () => {
		expect(detectLang(null, 'zh-CN')).toBe('zh');
		expect(detectLang(null, 'zh-TW')).toBe('zh');
		expect(detectLang(null, 'en-GB')).toBe('en');
		expect(detectLang(null, undefined)).toBe('en');
		expect(detectLang('en', 'zh-CN')).toBe('en');
		expect(detectLang('zh', 'en-US')).toBe('zh');
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
