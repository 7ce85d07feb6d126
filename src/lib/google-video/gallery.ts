// The gallery (History tab): its filters as GET /gallery's query, pages merged as they arrive, and
// the few display helpers of a card. Pure functions, tested in gallery.test.ts.
import { UNFINISHED_STATUSES, type GalleryQuery, type Task } from '$lib/apis/google-video';

/** Cards per page: a screenful or two at any width (the server's default). */
export const GALLERY_PAGE_SIZE = 48;
/** How long the search box waits after the last keystroke before it asks. */
export const SEARCH_DEBOUNCE_MS = 300;
/** The status filters the gallery offers (values of GET /gallery's `status`). */
export const GALLERY_STATUSES = ['RUNNING', 'SUCCESS', 'FAILURE', 'CANCELLED'] as const;

export interface GalleryFilters {
	q: string; // searched in the prompt text
	status: string; // '' (all) or one of GALLERY_STATUSES
	model: string; // '' (all) or a model id
	from: string; // '' or a local date, yyyy-mm-dd (input type=date), included
	to: string; // '' or a local date, yyyy-mm-dd, included
}

export const emptyFilters = (): GalleryFilters => ({ q: '', status: '', model: '', from: '', to: '' });

export const hasFilters = (f: GalleryFilters) => Boolean(f.q.trim() || f.status || f.model || f.from || f.to);

const parseDate = (date: string): [number, number, number] | null => {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const check = new Date(y, mo - 1, d);
	return check.getFullYear() === y && check.getMonth() === mo - 1 && check.getDate() === d ? [y, mo, d] : null;
};

/** The start of a local day (yyyy-mm-dd) in epoch seconds; null when empty or not a date. */
export const dayStart = (date: string): number | null => {
	const p = parseDate(date);
	return p ? Math.floor(new Date(p[0], p[1] - 1, p[2]).getTime() / 1000) : null;
};

/** The start of the local day after `date` (the exclusive end of a range that includes `date`). */
export const dayEnd = (date: string): number | null => {
	const p = parseDate(date);
	return p ? Math.floor(new Date(p[0], p[1] - 1, p[2] + 1).getTime() / 1000) : null;
};

/** True when both dates are set and the range is empty (from after to). */
export const rangeReversed = (f: Pick<GalleryFilters, 'from' | 'to'>) => {
	const since = dayStart(f.from);
	const until = dayEnd(f.to);
	return since !== null && until !== null && since >= until;
};

/** GET /gallery's query for these filters: only what is set, dates as epoch seconds. */
export const galleryQuery = (f: GalleryFilters, cursor: string | null = null, limit = GALLERY_PAGE_SIZE): GalleryQuery => {
	const query: GalleryQuery = { limit };
	if (cursor) query.cursor = cursor;
	const q = f.q.trim().replace(/\s+/g, ' ').slice(0, 200);
	if (q) query.q = q;
	if (f.status) query.status = f.status;
	if (f.model) query.model = f.model;
	const since = dayStart(f.from);
	const until = dayEnd(f.to);
	if (since !== null) query.since = since;
	if (until !== null) query.until = until;
	return query;
};

/** Would the server list this task under these filters? (For a task that appears live: a remix
 * started here, or one pushed by the socket.) Mirrors the server: prompt contains q (any case),
 * RUNNING is every unfinished status, created_at in [from, to]. */
export const matchesFilters = (task: Pick<Task, 'prompt' | 'status' | 'model' | 'created_at'>, f: GalleryFilters) => {
	const q = f.q.trim().replace(/\s+/g, ' ').toLowerCase();
	if (q && !task.prompt.toLowerCase().includes(q)) return false;
	if (f.status === 'RUNNING' ? !UNFINISHED_STATUSES.includes(task.status) : f.status && task.status !== f.status)
		return false;
	if (f.model && task.model !== f.model) return false;
	const since = dayStart(f.from);
	const until = dayEnd(f.to);
	if (since !== null && task.created_at < since) return false;
	if (until !== null && task.created_at >= until) return false;
	return true;
};

/** The list with a new page appended: a task already shown (e.g. put at the top live) is not shown twice. */
export const appendPage = <T extends { id: string }>(shown: T[], page: T[]): T[] => {
	const ids = new Set(shown.map((t) => t.id));
	return [...shown, ...page.filter((t) => !ids.has(t.id))];
};

/** A duration as a clock: 8 -> "0:08", 75.4 -> "1:15", 3600 -> "1:00:00"; '' when unknown. */
export const formatClock = (seconds: number | null | undefined): string => {
	if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
	const total = Math.round(seconds);
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = String(total % 60).padStart(2, '0');
	return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

/** The start of a prompt for a card or a title: whitespace collapsed, cut at `max` characters. */
export const promptStart = (prompt: string, max = 160): string => {
	const text = prompt.trim().replace(/\s+/g, ' ');
	return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
};
