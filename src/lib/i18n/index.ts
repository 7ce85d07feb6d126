// Tiny i18n in the host's style ($i18n.t('English text')): English strings are the keys, so a
// missing translation falls back to readable English. `{{name}}` placeholders are filled from vars.
import { derived, writable } from 'svelte/store';
import zh from './zh';

export type Lang = 'en' | 'zh';
export const LANGS: { id: Lang; label: string }[] = [
	{ id: 'en', label: 'English' },
	{ id: 'zh', label: '中文' }
];

const STORAGE_KEY = 'google-video.lang';
const dictionaries: Record<Lang, Record<string, string>> = { en: {}, zh };

export const detectLang = (saved: string | null, navigatorLang: string | undefined): Lang => {
	if (saved === 'en' || saved === 'zh') return saved;
	return (navigatorLang ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
};

export const translate = (lang: Lang, key: string, vars: Record<string, unknown> = {}): string =>
	(dictionaries[lang][key] ?? key).replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name] ?? ''));

const initial =
	typeof window === 'undefined' ? 'en' : detectLang(localStorage.getItem(STORAGE_KEY), navigator.language);

export const lang = writable<Lang>(initial);

export const setLang = (value: Lang) => {
	lang.set(value);
	localStorage.setItem(STORAGE_KEY, value);
	document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en';
};

export const i18n = derived(lang, ($lang) => ({
	lang: $lang,
	t: (key: string, vars?: Record<string, unknown>) => translate($lang, key, vars)
}));
