// The studio's price: the quote's question, what the price line shows, the latest-answer-only asker.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Quote } from '$lib/apis/google-video';
import {
	createQuoteAsker,
	hasPriceExtras,
	isAffordable,
	quoteForm,
	quoteKey,
	quoteStatus,
	type KeyedQuote
} from './quote';

describe('quoteForm', () => {
	it('asks for the model, the task type and only the priced parameters', () => {
		const form = quoteForm('veo3', 'image_to_video', { duration_seconds: 8, resolution: '1080p', aspect_ratio: '16:9', seed: 1 });
		expect(form).toEqual({ model: 'veo3', task_type: 'image_to_video', duration_seconds: 8, resolution: '1080p' });
		expect(quoteKey(form)).toBe('{"model":"veo3","task_type":"image_to_video","duration_seconds":8,"resolution":"1080p"}');
		expect(quoteForm('veo3', 'text_to_video', {})).toEqual({ model: 'veo3', task_type: 'text_to_video' });
	});
});

describe('quoteStatus', () => {
	const quote = (key: string) => ({ key, price: 10 }) as KeyedQuote;
	it('says whether the shown price is for these settings', () => {
		expect(quoteStatus('', quote(''), null)).toBe('none');
		expect(quoteStatus('a', quote('a'), { key: 'a', message: 'no' })).toBe('ready');
		expect(quoteStatus('a', quote('b'), { key: 'a', message: 'no' })).toBe('refused');
		expect(quoteStatus('a', quote('b'), { key: 'b', message: 'no' })).toBe('updating');
		expect(quoteStatus('a', null, null)).toBe('updating');
	});
});

describe('isAffordable', () => {
	it('counts an unknown price or balance as affordable (the server checks on submit)', () => {
		expect(isAffordable(10, 10)).toBe(true);
		expect(isAffordable(10, 9)).toBe(false);
		expect(isAffordable(null, 0)).toBe(true);
		expect(isAffordable(10, null)).toBe(true);
	});
});

describe('hasPriceExtras', () => {
	it('is true when the duration or the resolution adds to the base price', () => {
		expect(hasPriceExtras({ pricing: { base: 5, per_second: 0, resolutions: {} } })).toBe(false);
		expect(hasPriceExtras({ pricing: { base: 5, per_second: 0, resolutions: { '1080p': 0 } } })).toBe(false);
		expect(hasPriceExtras({ pricing: { base: 5, per_second: 1, resolutions: {} } })).toBe(true);
		expect(hasPriceExtras({ pricing: { base: 5, per_second: 0, resolutions: { '1080p': 3 } } })).toBe(true);
	});
});

describe('createQuoteAsker', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	const setup = (fetch: (key: string) => Promise<Quote>) => {
		const answers: [string, number][] = [];
		const errors: [string, string][] = [];
		const ask = createQuoteAsker(
			fetch,
			250,
			(key, a) => answers.push([key, a.price]),
			(key, e) => errors.push([key, `${e}`])
		);
		return { ask, answers, errors };
	};
	const priced = (price: number) => ({ price }) as Quote;

	it('asks after the pause, and not at all when cancelled before', async () => {
		const fetch = vi.fn(async () => priced(10));
		const { ask, answers } = setup(fetch);
		const cancel = ask('a');
		await vi.advanceTimersByTimeAsync(249);
		cancel();
		await vi.advanceTimersByTimeAsync(10);
		expect(fetch).not.toHaveBeenCalled();
		ask('b');
		await vi.advanceTimersByTimeAsync(250);
		expect(fetch).toHaveBeenCalledExactlyOnceWith('b');
		expect(answers).toEqual([['b', 10]]);
	});

	it('hands on only the answer to the latest question', async () => {
		const pending: Record<string, (q: Quote) => void> = {};
		const { ask, answers } = setup((key) => new Promise((resolve) => (pending[key] = resolve)));
		ask('old');
		await vi.advanceTimersByTimeAsync(250);
		ask('new');
		await vi.advanceTimersByTimeAsync(250);
		pending.new(priced(2));
		pending.old(priced(1));
		await vi.advanceTimersByTimeAsync(0);
		expect(answers).toEqual([['new', 2]]);
	});

	it('hands on a refusal with its key, unless a later question was asked', async () => {
		const { ask, answers, errors } = setup(async (key) => {
			throw `no price for ${key}`;
		});
		ask('a');
		await vi.advanceTimersByTimeAsync(250);
		expect(errors).toEqual([['a', 'no price for a']]);
		expect(answers).toEqual([]);
	});
});
