// The studio's parameters: what is sent of the user's choices, what a new model drops, the seed's range.
import { describe, expect, it } from 'vitest';
import {
	chosenParameters,
	dropUnsupported,
	isSeedValid,
	MAX_SEED,
	unsetChoices,
	type ParameterCaps,
	type ParameterChoices
} from './parameters';

const caps = (over: Partial<ParameterCaps> = {}): ParameterCaps => ({
	aspect_ratios: ['16:9', '9:16'],
	durations: [4, 8],
	resolutions: ['720p', '1080p'],
	negative_prompt: true,
	seed: true,
	generate_audio: true,
	person_generation: ['allow_adult', 'dont_allow'],
	...over
});
const choices = (over: Partial<ParameterChoices> = {}): ParameterChoices => ({ ...unsetChoices(), ...over });

describe('chosenParameters', () => {
	it('sends nothing the user did not set (the model keeps its defaults)', () => {
		expect(chosenParameters(unsetChoices(), caps())).toEqual({});
		expect(chosenParameters(choices({ negativePrompt: '   ', seed: undefined }), caps())).toEqual({});
	});

	it('sends every value the user set that the model takes, the negative prompt trimmed', () => {
		const all = choices({
			aspectRatio: '9:16',
			duration: 8,
			resolution: '1080p',
			negativePrompt: '  no text ',
			seed: 0,
			audioDefault: false,
			audioOn: false,
			personGeneration: 'dont_allow'
		});
		expect(chosenParameters(all, caps())).toEqual({
			aspect_ratio: '9:16',
			duration_seconds: 8,
			resolution: '1080p',
			negative_prompt: 'no text',
			seed: 0,
			generate_audio: false,
			person_generation: 'dont_allow'
		});
	});

	it('leaves out what the model does not take', () => {
		const all = choices({
			aspectRatio: '1:1',
			duration: 6,
			resolution: '4k',
			negativePrompt: 'x',
			seed: 7,
			audioDefault: false,
			audioOn: true,
			personGeneration: 'allow_all'
		});
		const none = caps({ negative_prompt: false, seed: false, generate_audio: false, person_generation: undefined });
		expect(chosenParameters(all, none)).toEqual({});
		expect(chosenParameters(all, undefined)).toEqual({});
	});
});

describe('dropUnsupported', () => {
	it('empties, in place, only the values the next model does not take', () => {
		const c = choices({ aspectRatio: '16:9', duration: 8, resolution: '4k', personGeneration: 'allow_all', seed: 5 });
		dropUnsupported(c, caps({ durations: [5, 10], person_generation: undefined }));
		expect(c).toEqual(choices({ aspectRatio: '16:9', duration: '', resolution: '', personGeneration: '', seed: 5 }));
	});

	it('writes nothing when everything still fits', () => {
		const c = choices({ aspectRatio: '16:9', duration: 4 });
		const written: string[] = [];
		const watched = new Proxy(c, {
			set: (target, key, value) => (written.push(String(key)), Reflect.set(target, key, value))
		});
		dropUnsupported(watched, caps());
		expect(written).toEqual([]);
	});
});

describe('isSeedValid', () => {
	it('takes no seed or a whole number from 0 to 2^32 - 1', () => {
		for (const seed of [null, undefined, 0, 42, MAX_SEED]) expect(isSeedValid(seed), String(seed)).toBe(true);
		for (const seed of [-1, 1.5, MAX_SEED + 1, NaN]) expect(isSeedValid(seed), String(seed)).toBe(false);
		expect(MAX_SEED).toBe(4294967295);
	});
});
