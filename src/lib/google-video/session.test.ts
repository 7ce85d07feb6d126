// The shared balance: an answer to an older request never replaces a newer value, and a failed
// load is reported (so the studio stops waiting for it) instead of leaving the balance pending.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { credits, creditsError, refreshCredits, setCredits } from './session';

type Deferred = { resolve: (r: Response) => void; reject: (e: unknown) => void };
let pending: Deferred[];

const answer = (i: number, value: number) =>
	pending[i].resolve(new Response(JSON.stringify({ success: true, credits: value }), { status: 200 }));

beforeEach(() => {
	pending = [];
	credits.set(null);
	creditsError.set('');
	vi.stubGlobal(
		'fetch',
		vi.fn(() => new Promise<Response>((resolve, reject) => pending.push({ resolve, reject })))
	);
	vi.spyOn(console, 'error').mockImplementation(() => {});
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.unstubAllGlobals();
	vi.restoreAllMocks();
});

describe('credits', () => {
	it('stays null (loading) until the first answer', async () => {
		const done = refreshCredits();
		expect(get(credits)).toBeNull();
		answer(0, 40);
		await done;
		expect(get(credits)).toBe(40);
		expect(get(creditsError)).toBe('');
	});

	it('ignores a refresh that was already on its way when a submit set the balance', async () => {
		const done = refreshCredits();
		setCredits(900); // the submit's answer: newer than the refresh's
		answer(0, 1000);
		await done;
		expect(get(credits)).toBe(900);
	});

	it('keeps the newest of two overlapping refreshes, whatever order they answer in', async () => {
		const first = refreshCredits();
		const second = refreshCredits();
		answer(1, 5);
		answer(0, 7);
		await Promise.all([first, second]);
		expect(get(credits)).toBe(5);
	});

	it('reports a failed load instead of leaving it pending', async () => {
		const done = refreshCredits();
		pending[0].resolve(new Response(JSON.stringify({ detail: 'boom' }), { status: 500 }));
		await done;
		expect(get(credits)).toBeNull();
		expect(get(creditsError)).toContain('boom');
		setCredits(3);
		expect(get(creditsError)).toBe('');
	});
});
