import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { followTheme } from './theme';
import { followHostLocale, lang } from '$lib/i18n';
import { ensureTokenCookie } from '$lib/google-video/session';

// The host's own font: Open WebUI serves Inter at /assets/fonts/ on this page's origin (declared
// here rather than in app.css, whose URLs the build would try to resolve). Loaded only if used.
if (typeof FontFace !== 'undefined')
	document.fonts.add(new FontFace('Inter', 'url(/assets/fonts/Inter-Variable.ttf)', { weight: '100 900', display: 'swap' }));

followTheme();
followHostLocale(); // the host's language, as the page follows its theme
ensureTokenCookie();
lang.subscribe((l) => (document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'));

export default mount(App, { target: document.getElementById('app')! });
