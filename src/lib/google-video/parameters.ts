// The studio's generation parameters: what the user chose, and what of it is sent, which is only
// what the selected model takes (its capabilities in GET /models). '' / null / audioDefault mean
// "not set": the model's own default, and nothing is sent.
import type { ModelCapabilities, VideoParameters } from '$lib/apis/google-video';

export const MAX_SEED = 2 ** 32 - 1;

export interface ParameterChoices {
	aspectRatio: string;
	duration: number | '';
	resolution: string;
	negativePrompt: string;
	/** An emptied number input gives null (or undefined): no seed. */
	seed: number | null | undefined;
	/** The audio checkbox is indeterminate (the model's default) until the user chooses. */
	audioDefault: boolean;
	audioOn: boolean;
	personGeneration: string;
}

/** What the parameters read of a model's capabilities (a VideoModel's has it all). */
export type ParameterCaps = Pick<
	ModelCapabilities,
	'aspect_ratios' | 'durations' | 'resolutions' | 'negative_prompt' | 'seed' | 'generate_audio' | 'person_generation'
>;

export const unsetChoices = (): ParameterChoices => ({
	aspectRatio: '',
	duration: '',
	resolution: '',
	negativePrompt: '',
	seed: null,
	audioDefault: true,
	audioOn: false,
	personGeneration: ''
});

/** Drops, in place, a value chosen for one model that the next model does not take. Only the
 * values that must go are written (a write of the same value would still wake the page's effects). */
export const dropUnsupported = (c: ParameterChoices, caps: ParameterCaps): void => {
	if (c.aspectRatio && !caps.aspect_ratios.includes(c.aspectRatio)) c.aspectRatio = '';
	if (c.duration !== '' && !caps.durations.includes(c.duration)) c.duration = '';
	if (c.resolution && !caps.resolutions.includes(c.resolution)) c.resolution = '';
	if (c.personGeneration && !(caps.person_generation ?? []).includes(c.personGeneration)) c.personGeneration = '';
};

export const isSeedSet = (seed: ParameterChoices['seed']): seed is number => seed !== null && seed !== undefined;

/** No seed, or a whole number the providers take (0 to 2^32 - 1). */
export const isSeedValid = (seed: ParameterChoices['seed']): boolean =>
	!isSeedSet(seed) || (Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED);

/** Only the parameters the user set, and only those the model takes. */
export const chosenParameters = (c: ParameterChoices, caps: ParameterCaps | undefined): VideoParameters => {
	const p: VideoParameters = {};
	if (!caps) return p;
	if (c.aspectRatio && caps.aspect_ratios.includes(c.aspectRatio)) p.aspect_ratio = c.aspectRatio;
	if (c.duration !== '' && caps.durations.includes(c.duration)) p.duration_seconds = c.duration;
	if (c.resolution && caps.resolutions.includes(c.resolution)) p.resolution = c.resolution;
	if (caps.negative_prompt && c.negativePrompt.trim()) p.negative_prompt = c.negativePrompt.trim();
	if (caps.seed && isSeedSet(c.seed)) p.seed = c.seed;
	if (caps.generate_audio && !c.audioDefault) p.generate_audio = c.audioOn;
	if (c.personGeneration && (caps.person_generation ?? []).includes(c.personGeneration))
		p.person_generation = c.personGeneration;
	return p;
};
