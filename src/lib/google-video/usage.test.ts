// The usage report's helpers: durations, the date range as epoch seconds, totals, CSV file names.
import { describe, expect, it } from 'vitest';
import { dateRange, filenameFromDisposition, formatSeconds, lastDays, localDate, usageTotals } from './usage';

describe('formatSeconds', () => {
	it('shows seconds, minutes and seconds, or hours and minutes', () => {
		expect(formatSeconds(0)).toBe('0s');
		expect(formatSeconds(42.4)).toBe('42s');
		expect(formatSeconds(59.6)).toBe('1m 00s');
		expect(formatSeconds(65)).toBe('1m 05s');
		expect(formatSeconds(3599)).toBe('59m 59s');
		expect(formatSeconds(3720)).toBe('1h 02m');
	});

	it('shows a dash when unknown', () => {
		expect(formatSeconds(null)).toBe('-');
		expect(formatSeconds(undefined)).toBe('-');
		expect(formatSeconds(Number.NaN)).toBe('-');
		expect(formatSeconds(-1)).toBe('-');
	});
});

describe('date range', () => {
	it('turns local dates into [since, until) covering both days', () => {
		const since = new Date(2024, 2, 1).getTime() / 1000;
		const until = new Date(2024, 2, 31).getTime() / 1000;
		expect(dateRange('2024-03-01', '2024-03-30')).toEqual({ since, until });
		expect(dateRange('2024-03-01', '2024-03-01')).toEqual({ since, until: new Date(2024, 2, 2).getTime() / 1000 });
	});

	it('leaves an empty or invalid end open', () => {
		expect(dateRange('', '')).toEqual({});
		expect(dateRange('2024-02-30', '')).toEqual({});
		expect(dateRange('', '2024-03-01')).toEqual({ until: new Date(2024, 2, 2).getTime() / 1000 });
	});

	it('defaults to the last 30 days including today', () => {
		const now = new Date(2024, 2, 15, 13, 30);
		expect(lastDays(30, now)).toEqual({ from: '2024-02-15', to: '2024-03-15' });
		expect(localDate(new Date(2024, 0, 5))).toBe('2024-01-05');
		const { from, to } = lastDays(30, now);
		const { since, until } = dateRange(from, to);
		expect(since! <= now.getTime() / 1000 && now.getTime() / 1000 < until!).toBe(true);
	});
});

describe('usageTotals', () => {
	it('sums tasks and credits', () => {
		const row = { successes: 0, failures: 0, median_seconds: null, p95_seconds: null };
		expect(
			usageTotals([
				{ ...row, key: 'a', tasks: 2, charged: 10, refunded: 5 },
				{ ...row, key: 'b', tasks: 3, charged: 7, refunded: 0 }
			])
		).toEqual({ tasks: 5, charged: 17, refunded: 5 });
		expect(usageTotals([])).toEqual({ tasks: 0, charged: 0, refunded: 0 });
	});
});

describe('filenameFromDisposition', () => {
	it('reads filename= and filename*=, else the fallback', () => {
		expect(filenameFromDisposition('attachment; filename="google-video-ledger.csv"', 'x.csv')).toBe('google-video-ledger.csv');
		expect(filenameFromDisposition('attachment; filename=report.csv', 'x.csv')).toBe('report.csv');
		expect(filenameFromDisposition("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.csv", 'x.csv')).toBe('résumé.csv');
		expect(filenameFromDisposition(null, 'x.csv')).toBe('x.csv');
		expect(filenameFromDisposition('attachment', 'x.csv')).toBe('x.csv');
	});
});
