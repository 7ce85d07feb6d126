// Tiny i18n in the host's style ($i18n.t('English text')): English strings are the keys, so a
// missing translation falls back to readable English. `{{name}}` placeholders are filled from vars.
import { derived, writable } from 'svelte/store';
import zh from './zh';

export type Lang = 'en' | 'zh';
export const LANGS: { id: Lang; label: string }[] = [
	{ id: 'en', label: 'English' },
	{ id: 'zh', label: '中文' }
];

/** The host's language (Open WebUI keeps i18next's choice there: 'en-US', 'zh-CN', 'zh-TW', ...). */
export const HOST_LOCALE_KEY = 'locale';
/** The page's own key from before it followed the host: read only while the host's key is absent. */
const LEGACY_KEY = 'google-video.lang';
const dictionaries: Record<Lang, Record<string, string>> = { en: {}, zh };

/** Any Chinese locale (zh, zh-CN, zh-TW, zh-Hant-HK) is Chinese; anything else is English. */
export const langOfLocale = (locale: string | null | undefined): Lang =>
	(locale ?? '').trim().toLowerCase().startsWith('zh') ? 'zh' : 'en';

/** The page's language: the host's locale, else the page's old choice, else the browser's. */
export const detectLang = (
	hostLocale: string | null,
	saved: string | null,
	navigatorLang: string | undefined
): Lang => {
	if (hostLocale?.trim()) return langOfLocale(hostLocale);
	if (saved === 'en' || saved === 'zh') return saved;
	return langOfLocale(navigatorLang);
};

/** The host locale that says `value`: the current one when it already does (zh-TW stays zh-TW). */
export const localeFor = (value: Lang, current: string | null): string =>
	current?.trim() && langOfLocale(current) === value ? current : value === 'zh' ? 'zh-CN' : 'en-US';

export const translate = (lang: Lang, key: string, vars: Record<string, unknown> = {}): string =>
	(dictionaries[lang][key] ?? key).replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name] ?? ''));

const stored = () =>
	detectLang(localStorage.getItem(HOST_LOCALE_KEY), localStorage.getItem(LEGACY_KEY), navigator.language);

export const lang = writable<Lang>(typeof window === 'undefined' ? 'en' : stored());

/** The page's switcher: the host follows the choice (its localStorage.locale), as the page follows the host's. */
export const setLang = (value: Lang) => {
	lang.set(value);
	localStorage.setItem(HOST_LOCALE_KEY, localeFor(value, localStorage.getItem(HOST_LOCALE_KEY)));
	localStorage.removeItem(LEGACY_KEY);
	document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en';
};

/** Another tab (e.g. the host's settings) changed the language. */
export const followHostLocale = () =>
	window.addEventListener('storage', (e) => {
		if (e.key === HOST_LOCALE_KEY || e.key === null) lang.set(stored());
	});

export const i18n = derived(lang, ($lang) => ({
	lang: $lang,
	t: (key: string, vars?: Record<string, unknown>) => translate($lang, key, vars)
}));
