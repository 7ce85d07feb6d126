// How many input images a model takes and what each one is, read from the model as GET /models
// describes it (max_images, capabilities.image_slots), so the page can block a bad submit before
// any request (the server checks again). There is no copy of the catalogue here: a model the
// server adds or changes is shown as the server says.
import type { ImageSlot, VideoModel } from './types';

/** Just what the helpers read from a model (a VideoModel from GET /models has it all). */
export type ImageModel = Pick<VideoModel, 'id' | 'max_images'> & {
	capabilities: Pick<VideoModel['capabilities'], 'image_slots'>;
};

/** Translates an English key with `{{name}}` placeholders; the helpers speak English by default. */
export type Translate = (key: string, vars?: Record<string, unknown>) => string;
const english: Translate = (key, vars = {}) => key.replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name] ?? ''));

/** Text models (and no model at all) take no images. */
export const maxImagesOf = (model: ImageModel | null | undefined): number => model?.max_images ?? 0;

/** The role of each image position, e.g. ['first_frame', 'last_frame']. */
export const imageSlotsOf = (model: ImageModel | null | undefined): ImageSlot[] =>
	(model?.capabilities?.image_slots ?? []).slice(0, maxImagesOf(model));

/** The label of each image slot, e.g. ['first frame', 'last frame'], or ['component 1',
 * 'component 2', 'component 3'] for reference images. Pass `$i18n.t` for translated labels. */
export const imageSlotLabels = (model: ImageModel | null | undefined, t: Translate = english): string[] => {
	const slots = imageSlotsOf(model);
	let reference = 0;
	const labels = slots.map((slot) => {
		if (slot === 'first_frame') return t('first frame');
		if (slot === 'last_frame') return t('last frame');
		return t('component {{n}}', { n: ++reference });
	});
	// A model that says how many images it takes but not their roles: number them.
	for (let i = labels.length; i < maxImagesOf(model); i++) labels.push(t('image {{n}}', { n: i + 1 }));
	return labels;
};

/** One sentence saying how many images the model takes and what they are. */
export const imageRoleDescription = (model: ImageModel | null | undefined): string => {
	const max = maxImagesOf(model);
	const slots = imageSlotsOf(model);
	if (max === 0) return 'no images (text to video)';
	if (max === 1 && slots[0] === 'first_frame') return '1 image: the first frame';
	if (slots.length === 2 && slots[0] === 'first_frame' && slots[1] === 'last_frame')
		return 'up to 2 images: first frame, then last frame';
	if (slots.length === max && slots.every((s) => s === 'reference'))
		return `up to ${max} images: reference elements (components)`;
	return `up to ${max} image${max === 1 ? '' : 's'}: ${imageSlotLabels(model).join(', ')}`;
};

export type ImageCheck = { ok: true } | { ok: false; reason: 'none' | 'too_many' | 'not_image_model'; message: string };

/** Validates an image list for a model; `message` explains the limit in a sentence. */
export const validateImages = (model: ImageModel | null | undefined, images: readonly unknown[]): ImageCheck => {
	const max = maxImagesOf(model);
	const id = model?.id ?? 'This model';
	const n = images.length;
	if (max === 0) {
		return n === 0
			? { ok: true }
			: { ok: false, reason: 'not_image_model', message: `${id} is a text-to-video model and takes no images.` };
	}
	if (n === 0) {
		return { ok: false, reason: 'none', message: `${id} needs at least 1 image (${imageRoleDescription(model)}).` };
	}
	if (n > max) {
		return {
			ok: false,
			reason: 'too_many',
			message: `${id} accepts at most ${max} image${max === 1 ? '' : 's'} (${imageRoleDescription(model)}); you added ${n}. Remove ${n - max}.`
		};
	}
	return { ok: true };
};
