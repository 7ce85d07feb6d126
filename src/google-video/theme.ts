// Follows the host's theme: Open WebUI stores 'dark' | 'light' | 'system' (or variants such as
// 'oled-dark') in localStorage.theme and toggles the `dark` class on <html>.
const media = window.matchMedia('(prefers-color-scheme: dark)');

export const applyTheme = () => {
	const theme = localStorage.getItem('theme') ?? 'system';
	const dark = theme === 'system' ? media.matches : theme.includes('dark');
	document.documentElement.classList.toggle('dark', dark);
};

export const followTheme = () => {
	applyTheme();
	media.addEventListener('change', applyTheme);
	// Another tab (e.g. the host's settings) changed the theme.
	window.addEventListener('storage', (e) => e.key === 'theme' && applyTheme());
};
