// The signed-in user's token and credit balance, shared by the tabs.
import { writable } from 'svelte/store';
import { getCredits } from '$lib/apis/google-video';

export const token = typeof window === 'undefined' ? '' : (localStorage.getItem('token') ?? '');
export const credits = writable<number | null>(null);

export const refreshCredits = async () => {
	try {
		credits.set((await getCredits(token)).credits);
	} catch (e) {
		console.warn('google video: could not load credits', e);
	}
};

/** <video src> and download links cannot send the Authorization header, but the host accepts its
 * `token` cookie. Open WebUI's sign-in sets it HttpOnly; if it is missing (e.g. it expired while the
 * localStorage token did not), mirror the token into it. The browser refuses this write when an
 * HttpOnly cookie of that name exists, so a real sign-in cookie is never replaced. */
export const ensureTokenCookie = () => {
	if (!token) return;
	const secure = location.protocol === 'https:' ? '; Secure' : '';
	document.cookie = `token=${encodeURIComponent(token)}; path=/; SameSite=Lax${secure}`;
};
