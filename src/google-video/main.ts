import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { followTheme } from './theme';
import { lang } from '$lib/i18n';
import { ensureTokenCookie } from '$lib/google-video/session';

followTheme();
ensureTokenCookie();
lang.subscribe((l) => (document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'));

export default mount(App, { target: document.getElementById('app')! });
