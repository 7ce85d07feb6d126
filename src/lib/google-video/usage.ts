// Helpers of the usage report (Usage.svelte): durations, the date range, totals, CSV file names.
import type { UsageRow } from '$lib/apis/google-video';
import { dayEnd, dayStart } from './gallery';

/** A generation time as "1m 05s" ("42s" under a minute, "1h 02m" from an hour; "-" when unknown). */
export const formatSeconds = (seconds: number | null | undefined): string => {
	if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
	const s = Math.round(seconds);
	const pad = (n: number) => String(n).padStart(2, '0');
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
	return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
};

/** A local date as yyyy-mm-dd (what input type=date holds). */
export const localDate = (date: Date): string =>
	`${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** The last `days` days up to today, both included, as input dates. */
export const lastDays = (days: number, now = new Date()): { from: string; to: string } => {
	const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
	return { from: localDate(start), to: localDate(now) };
};

/** The report's [since, until) in epoch seconds for local dates from..to (both included); an empty
 * or invalid date leaves that end open. */
export const dateRange = (from: string, to: string): { since?: number; until?: number } => {
	const since = dayStart(from);
	const until = dayEnd(to);
	return { ...(since !== null ? { since } : {}), ...(until !== null ? { until } : {}) };
};

/** The sums shown under the table. */
export const usageTotals = (rows: UsageRow[]) =>
	rows.reduce(
		(t, r) => ({ tasks: t.tasks + r.tasks, charged: t.charged + r.charged, refunded: t.refunded + r.refunded }),
		{ tasks: 0, charged: 0, refunded: 0 }
	);

/** The file name of a Content-Disposition header (filename*=UTF-8'' or filename=), else `fallback`. */
export const filenameFromDisposition = (header: string | null | undefined, fallback: string): string => {
	if (!header) return fallback;
	const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
	if (star) {
		try {
			return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
		} catch {
			/* fall through to filename= */
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
	const name = (plain?.[2] ?? plain?.[1] ?? '').trim();
	return name || fallback;
};
