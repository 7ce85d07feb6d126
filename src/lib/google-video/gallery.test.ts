// The gallery's query from its filters, the filters applied to a task heard of live, pages merged,
// and the card's duration and prompt.
import { describe, expect, it } from 'vitest';
import { formatShortTime } from './format';
import {
	appendPage,
	dayEnd,
	dayStart,
	emptyFilters,
	formatClock,
	GALLERY_PAGE_SIZE,
	galleryQuery,
	hasFilters,
	matchesFilters,
	promptStart,
	rangeReversed,
	type GalleryFilters
} from './gallery';

const filters = (f: Partial<GalleryFilters> = {}): GalleryFilters => ({ ...emptyFilters(), ...f });
const local = (y: number, m: number, d: number) => Math.floor(new Date(y, m - 1, d).getTime() / 1000);

describe('dates', () => {
	it('takes local days: from their start, to the start of the next one', () => {
		expect(dayStart('2026-01-15')).toBe(local(2026, 1, 15));
		expect(dayEnd('2026-01-15')).toBe(local(2026, 1, 16));
		expect(dayEnd('2026-01-15')! - dayStart('2026-01-15')!).toBe(86400);
		expect(dayEnd('2025-12-31')).toBe(local(2026, 1, 1));
		expect(dayEnd('2024-02-28')).toBe(local(2024, 2, 29));
	});

	it('refuses what is not a date', () => {
		for (const bad of ['', '2026-1-5', '2026-02-30', '2026-13-01', 'yesterday', '2026-01-15T00:00'])
			expect([dayStart(bad), dayEnd(bad)]).toEqual([null, null]);
	});

	it('sees a reversed range, and a one-day range as fine', () => {
		expect(rangeReversed({ from: '2026-01-16', to: '2026-01-15' })).toBe(true);
		expect(rangeReversed({ from: '2026-01-15', to: '2026-01-15' })).toBe(false);
		expect(rangeReversed({ from: '2026-01-15', to: '' })).toBe(false);
	});
});

describe('galleryQuery', () => {
	it('asks for the first page with nothing but the page size when no filter is set', () => {
		expect(galleryQuery(filters())).toEqual({ limit: GALLERY_PAGE_SIZE });
		expect(hasFilters(filters())).toBe(false);
		expect(hasFilters(filters({ q: '   ' }))).toBe(false);
	});

	it('sends only what is set, the search trimmed, dates as epoch seconds with the last day included', () => {
		const f = filters({ q: '  red   fox ', status: 'FAILURE', model: 'veo3', from: '2026-01-10', to: '2026-01-15' });
		expect(hasFilters(f)).toBe(true);
		expect(galleryQuery(f, 'abc', 12)).toEqual({
			limit: 12,
			cursor: 'abc',
			q: 'red fox',
			status: 'FAILURE',
			model: 'veo3',
			since: local(2026, 1, 10),
			until: local(2026, 1, 16)
		});
		expect(galleryQuery(filters({ to: '2026-01-15' }))).toEqual({ limit: GALLERY_PAGE_SIZE, until: local(2026, 1, 16) });
	});

	it('cuts the search at the 200 characters the server takes', () => {
		expect(galleryQuery(filters({ q: 'x'.repeat(300) })).q).toHaveLength(200);
	});
});

describe('matchesFilters', () => {
	const task = { prompt: 'A Red fox in the snow', status: 'IN_PROGRESS' as const, model: 'veo3', created_at: local(2026, 1, 15) + 3600 };

	it('matches the prompt in any case, as the server does', () => {
		expect(matchesFilters(task, filters())).toBe(true);
		expect(matchesFilters(task, filters({ q: 'red FOX' }))).toBe(true);
		expect(matchesFilters(task, filters({ q: 'blue fox' }))).toBe(false);
	});

	it('takes RUNNING as every unfinished status', () => {
		expect(matchesFilters(task, filters({ status: 'RUNNING' }))).toBe(true);
		expect(matchesFilters({ ...task, status: 'SUBMITTED' }, filters({ status: 'RUNNING' }))).toBe(true);
		expect(matchesFilters({ ...task, status: 'SUCCESS' }, filters({ status: 'RUNNING' }))).toBe(false);
		expect(matchesFilters(task, filters({ status: 'SUCCESS' }))).toBe(false);
		expect(matchesFilters({ ...task, status: 'FAILURE' }, filters({ status: 'FAILURE' }))).toBe(true);
	});

	it('filters by model and by the days of the range', () => {
		expect(matchesFilters(task, filters({ model: 'veo3' }))).toBe(true);
		expect(matchesFilters(task, filters({ model: 'veo2' }))).toBe(false);
		expect(matchesFilters(task, filters({ from: '2026-01-15', to: '2026-01-15' }))).toBe(true);
		expect(matchesFilters(task, filters({ from: '2026-01-16' }))).toBe(false);
		expect(matchesFilters(task, filters({ to: '2026-01-14' }))).toBe(false);
	});
});

describe('appendPage', () => {
	it('appends the new page without showing a task twice', () => {
		const shown = [{ id: 'c' }, { id: 'b' }];
		expect(appendPage(shown, [{ id: 'b' }, { id: 'a' }])).toEqual([{ id: 'c' }, { id: 'b' }, { id: 'a' }]);
		expect(appendPage([], [{ id: 'a' }])).toEqual([{ id: 'a' }]);
	});
});

describe('card text', () => {
	it('shows durations as a clock', () => {
		expect(formatClock(8)).toBe('0:08');
		expect(formatClock(7.6)).toBe('0:08');
		expect(formatClock(75.4)).toBe('1:15');
		expect(formatClock(3600)).toBe('1:00:00');
		expect(formatClock(3725)).toBe('1:02:05');
		for (const unknown of [null, undefined, NaN, -1]) expect(formatClock(unknown)).toBe('');
	});

	it('shows the start of the prompt on one line', () => {
		expect(promptStart('  a  fox\nin the\tsnow ')).toBe('a fox in the snow');
		expect(promptStart('abcdefghij', 5)).toBe('abcd…');
		expect(promptStart('abcde', 5)).toBe('abcde');
	});
});

describe('formatShortTime', () => {
	const at = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).getTime() / 1000;
	const now = new Date(2026, 5, 1).getTime();

	it('gives the day and time, and the year only for another year', () => {
		expect(formatShortTime(at(2026, 11, 29, 14, 5), 'en', now)).toMatch(/^Nov 29, 2:05\sPM$/u);
		expect(formatShortTime(at(2025, 11, 29, 14, 5), 'en', now)).toMatch(/^Nov 29, 2025, 2:05\sPM$/u);
		expect(formatShortTime(at(2026, 11, 29, 14, 5), 'zh', now)).toContain('11月29日');
		expect(formatShortTime(null)).toBe('-');
	});
});
