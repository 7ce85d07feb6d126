// The admin's credit tools: the user picker's debounced search, the idempotency key of a grant
// form, and the credit allowances as edited in the settings form.
import type { AllowanceMode, AllowancePeriod, CreditAllowance, HostGroup } from '$lib/apis/google-video';

export const ALLOWANCE_MODES: AllowanceMode[] = ['top_up', 'add'];
export const ALLOWANCE_PERIODS: AllowancePeriod[] = ['day', 'week', 'month'];
/** What the server takes as an allowance id (it is part of each grant's idempotency key). */
export const ALLOWANCE_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Calls `fn` once the calls have stopped for `ms` (with the last call's arguments); `cancel` drops
 * a pending call (e.g. when the component goes away). */
export const debounce = <A extends unknown[]>(fn: (...args: A) => void, ms: number) => {
	let timer: ReturnType<typeof setTimeout> | null = null;
	const call = (...args: A) => {
		if (timer) clearTimeout(timer);
		timer = setTimeout(() => {
			timer = null;
			fn(...args);
		}, ms);
	};
	call.cancel = () => {
		if (timer) clearTimeout(timer);
		timer = null;
	};
	return call;
};

/** One idempotency key per filled form: the same key while the form is submitted again unchanged
 * (a retry after an error or a lost answer applies it once), a new one once the form changes or
 * after a success (the next submit is a new grant). */
export const createFormKey = (newKey: () => string = () => crypto.randomUUID()) => {
	let current: { form: string; key: string } | null = null;
	return {
		keyFor(form: unknown): string {
			const text = JSON.stringify(form);
			if (!current || current.form !== text) current = { form: text, key: newKey() };
			return current.key;
		},
		reset() {
			current = null;
		}
	};
};

/** A whole number of credits, other than zero (what an adjustment or a bulk grant takes). */
export const isNonZeroWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v !== 0;

/** Lower-case ASCII letters, digits and dashes; '' when nothing of the text is left (e.g. a name in
 * Chinese). */
export const slugify = (text: string, max = 20): string =>
	text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '') // accents, once split from their letters
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, max)
		.replace(/-+$/g, '');

const shortRandom = () => crypto.randomUUID().replace(/-/g, '').slice(0, 6);

/** A new allowance id: the target's slug, the period and a short random part, never one of `taken`. */
export const newAllowanceId = (
	targetName: string,
	period: AllowancePeriod,
	taken: Iterable<string> = [],
	random: () => string = shortRandom
): string => {
	const used = new Set(taken);
	const slug = slugify(targetName) || 'group';
	for (;;) {
		const id = `${slug}-${period}-${random()}`.slice(0, 40);
		if (!used.has(id)) return id;
	}
};

/** An allowance as edited: no id until it is first saved, '' for every user, the amount as typed. */
export interface AllowanceRow {
	id: string;
	group_id: string;
	mode: AllowanceMode;
	amount: number | null | undefined;
	period: AllowancePeriod;
}

export const allowanceRows = (list: readonly CreditAllowance[] | null | undefined): AllowanceRow[] =>
	(list ?? []).map((a) => ({ id: a.id, group_id: a.group_id ?? '', mode: a.mode, amount: a.amount, period: a.period }));

export const newAllowanceRow = (): AllowanceRow => ({ id: '', group_id: '', mode: 'top_up', amount: null, period: 'month' });

/** The name of an allowance's or a grant's target. */
export const targetName = (groupId: string | null | undefined, groups: readonly HostGroup[], everyone: string) =>
	!groupId ? everyone : (groups.find((g) => g.id === groupId)?.name ?? groupId);

export type AllowancesCheck = { ok: true; value: CreditAllowance[] } | { ok: false; row: number };

/** The allowances to save, or the first row (1-based) whose credits are not a whole number of 1 or
 * more. Rows without an id get one (written into the row, so a save retried after an error sends
 * the same id); ids already given are kept. */
export const allowancesToSave = (
	rows: AllowanceRow[],
	nameOf: (groupId: string) => string,
	random?: () => string
): AllowancesCheck => {
	const bad = rows.findIndex((r) => typeof r.amount !== 'number' || !Number.isInteger(r.amount) || r.amount < 1);
	if (bad >= 0) return { ok: false, row: bad + 1 };
	const taken = new Set(rows.map((r) => r.id).filter(Boolean));
	for (const r of rows) {
		if (r.id) continue;
		r.id = newAllowanceId(nameOf(r.group_id), r.period, taken, random);
		taken.add(r.id);
	}
	return {
		ok: true,
		value: rows.map((r) => ({ id: r.id, group_id: r.group_id || null, mode: r.mode, amount: r.amount as number, period: r.period }))
	};
};
