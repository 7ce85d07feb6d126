// The signed-in user's token and credit balance, shared by the tabs.
import { writable } from 'svelte/store';
import { getCredits } from '$lib/apis/google-video';

export const token = typeof window === 'undefined' ? '' : (localStorage.getItem('token') ?? '');
/** The balance; null until the first answer arrives. */
export const credits = writable<number | null>(null);
/** Why the balance could not be loaded ('' when it could, or has not been asked yet). */
export const creditsError = writable('');

// Each write of the balance gets a number, so an answer to an older request (e.g. a refresh that
// was already on its way when a submit returned the new balance) never overwrites a newer value.
let version = 0;

/** Sets the balance from an answer that is known to be current (e.g. a submit's). */
export const setCredits = (value: number) => {
	version++;
	credits.set(value);
	creditsError.set('');
};

export const refreshCredits = async () => {
	const asked = ++version;
	try {
		const value = (await getCredits(token)).credits;
		if (asked !== version) return;
		credits.set(value);
		creditsError.set('');
	} catch (e) {
		console.warn('google video: could not load credits', e);
		if (asked === version) creditsError.set(`${e}`);
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
