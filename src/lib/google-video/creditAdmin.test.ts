// The admin's credit tools: debounced search, form idempotency keys, allowance ids and rows.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	ALLOWANCE_ID,
	allowanceRows,
	allowancesToSave,
	createFormKey,
	debounce,
	isNonZeroWhole,
	newAllowanceId,
	newAllowanceRow,
	slugify,
	targetName
} from './creditAdmin';

afterEach(() => {
	vi.useRealTimers();
});

describe('debounce', () => {
	it('calls once, with the last arguments, after the calls stop', () => {
		vi.useFakeTimers();
		const fn = vi.fn();
		const search = debounce(fn, 300);
		search('a');
		vi.advanceTimersByTime(200);
		search('ab');
		vi.advanceTimersByTime(299);
		expect(fn).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(fn).toHaveBeenCalledTimes(1);
		expect(fn).toHaveBeenCalledWith('ab');
	});

	it('drops a pending call when cancelled', () => {
		vi.useFakeTimers();
		const fn = vi.fn();
		const search = debounce(fn, 100);
		search('x');
		search.cancel();
		vi.advanceTimersByTime(500);
		expect(fn).not.toHaveBeenCalled();
	});
});

describe('createFormKey', () => {
	const counter = () => {
		let n = 0;
		return () => `k${++n}`;
	};

	it('keeps the key while the same form is submitted again', () => {
		const keys = createFormKey(counter());
		const form = { amount: 7, reason: 'launch', group_id: 'g1' };
		expect(keys.keyFor(form)).toBe('k1');
		expect(keys.keyFor({ ...form })).toBe('k1');
	});

	it('gives a new key when the form changes, and after a success', () => {
		const keys = createFormKey(counter());
		expect(keys.keyFor({ amount: 7 })).toBe('k1');
		expect(keys.keyFor({ amount: 8 })).toBe('k2');
		keys.reset();
		expect(keys.keyFor({ amount: 8 })).toBe('k3');
	});

	it('uses random UUIDs by default, which the server takes as keys', () => {
		const key = createFormKey().keyFor({ amount: 1 });
		expect(key).toMatch(/^[A-Za-z0-9_.:-]{1,80}$/);
	});
});

describe('isNonZeroWhole', () => {
	it('takes whole non-zero numbers only', () => {
		expect(isNonZeroWhole(5)).toBe(true);
		expect(isNonZeroWhole(-3)).toBe(true);
		expect(isNonZeroWhole(0)).toBe(false);
		expect(isNonZeroWhole(1.5)).toBe(false);
		expect(isNonZeroWhole(null)).toBe(false);
		expect(isNonZeroWhole('5')).toBe(false);
	});
});

describe('allowance ids', () => {
	it('slugs names to ASCII letters, digits and dashes', () => {
		expect(slugify('Night Shift (EU)')).toBe('night-shift-eu');
		expect(slugify('Équipe été')).toBe('equipe-ete');
		expect(slugify('学生')).toBe('');
		expect(slugify('a very long group name indeed', 12)).toBe('a-very-long');
	});

	it('names the target and the period, with a random part, unlike the ids taken', () => {
		const randoms = ['abc123', 'abc123', 'def456'];
		const random = () => randoms.shift()!;
		expect(newAllowanceId('Students', 'month', [], () => 'abc123')).toBe('students-month-abc123');
		expect(newAllowanceId('Students', 'month', ['students-month-abc123'], random)).toBe('students-month-def456');
		expect(newAllowanceId('学生', 'day', [], () => 'x1')).toBe('group-day-x1');
	});

	it('always fits what the server takes', () => {
		const id = newAllowanceId('x'.repeat(100), 'week');
		expect(id).toMatch(ALLOWANCE_ID);
		expect(newAllowanceId('All users', 'month')).toMatch(/^all-users-month-[0-9a-f]{6}$/);
	});
});

describe('allowance rows', () => {
	const groups = [{ id: 'g1', name: 'Students', members: 2 }];
	const nameOf = (id: string) => targetName(id, groups, 'All users');

	it('round-trip the stored allowances', () => {
		const stored = [
			{ id: 'all-month-a1', group_id: null, mode: 'top_up' as const, amount: 100, period: 'month' as const },
			{ id: 'students-day-b2', group_id: 'g1', mode: 'add' as const, amount: 5, period: 'day' as const }
		];
		const rows = allowanceRows(stored);
		expect(rows[0].group_id).toBe('');
		expect(allowancesToSave(rows, nameOf)).toEqual({ ok: true, value: stored });
		expect(allowanceRows(undefined)).toEqual([]);
	});

	it('gives new rows an id once, kept on the next save', () => {
		const rows = [newAllowanceRow(), { ...newAllowanceRow(), group_id: 'g1', amount: 3, period: 'week' as const }];
		rows[0].amount = 50;
		const first = allowancesToSave(rows, nameOf, () => 'r1');
		expect(first).toEqual({
			ok: true,
			value: [
				{ id: 'all-users-month-r1', group_id: null, mode: 'top_up', amount: 50, period: 'month' },
				{ id: 'students-week-r1', group_id: 'g1', mode: 'top_up', amount: 3, period: 'week' }
			]
		});
		expect(rows.map((r) => r.id)).toEqual(['all-users-month-r1', 'students-week-r1']);
		// A retry (or a later save) sends the same ids, even once the target or period changed.
		rows[1].period = 'day';
		const again = allowancesToSave(rows, nameOf, () => 'r2');
		expect(again.ok && again.value.map((a) => a.id)).toEqual(['all-users-month-r1', 'students-week-r1']);
	});

	it('names the first row whose credits are not a whole number of 1 or more', () => {
		const ok = { ...newAllowanceRow(), id: 'a', amount: 5 };
		expect(allowancesToSave([ok, { ...ok, id: 'b', amount: 0 }], nameOf)).toEqual({ ok: false, row: 2 });
		expect(allowancesToSave([{ ...ok, amount: null }], nameOf)).toEqual({ ok: false, row: 1 });
		expect(allowancesToSave([{ ...ok, amount: 2.5 }], nameOf)).toEqual({ ok: false, row: 1 });
	});

	it('names the target: every user, a known group, or the id of a group that is gone', () => {
		expect(targetName(null, groups, 'All users')).toBe('All users');
		expect(targetName('g1', groups, 'All users')).toBe('Students');
		expect(targetName('gone', groups, 'All users')).toBe('gone');
	});
});
