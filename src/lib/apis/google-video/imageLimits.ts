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

/** The roles a person can give each image when position alone cannot say which slot it takes: a
 * model with a style-image slot (or more slots than images, e.g. up to 3 reference images or one
 * style image). Every distinct role of its slots, in slot order; empty when images simply take the
 * slots in order (first frame, then last frame; or reference images). */
export const imageRoleChoices = (model: ImageModel | null | undefined): ImageSlot[] => {
	const all = model?.capabilities?.image_slots ?? [];
	if (!maxImagesOf(model) || (!all.includes('style_reference') && all.length <= maxImagesOf(model))) return [];
	return [...new Set(all)];
};

/** The name of one role, e.g. 'style image'. Pass `$i18n.t` for a translated name. */
export const imageRoleName = (role: ImageSlot, t: Translate = english): string => {
	if (role === 'first_frame') return t('first frame');
	if (role === 'last_frame') return t('last frame');
	if (role === 'style_reference') return t('style image');
	return t('reference image');
};

export type RoleCheck =
	| { ok: true }
	| { ok: false; reason: 'role_count'; role: ImageSlot; max: number; message: string }
	| { ok: false; reason: 'style_mix' | 'last_without_first'; message: string };

/** Checks the roles chosen for a model's images (see imageRoleChoices): no role more often than the
 * model has that slot, a style image alone (Google refuses a style image with reference images), and
 * no last frame without a first frame. */
export const validateImageRoles = (model: ImageModel | null | undefined, roles: readonly ImageSlot[]): RoleCheck => {
	const slots = model?.capabilities?.image_slots ?? [];
	const id = model?.id ?? 'This model';
	for (const role of new Set(roles)) {
		const max = slots.filter((s) => s === role).length;
		const n = roles.filter((r) => r === role).length;
		if (n > max)
			return {
				ok: false,
				reason: 'role_count',
				role,
				max,
				message: `${id} takes at most ${max} ${imageRoleName(role)}${max === 1 ? '' : 's'}; you chose ${n}.`
			};
	}
	if (roles.includes('style_reference') && roles.some((r) => r !== 'style_reference'))
		return { ok: false, reason: 'style_mix', message: 'A style image cannot be combined with other images; use one or the other.' };
	if (roles.includes('last_frame') && !roles.includes('first_frame'))
		return { ok: false, reason: 'last_without_first', message: 'A last frame needs a first frame.' };
	return { ok: true };
};

/** One sentence saying how many images the model takes and what they are. */
export const imageRoleDescription = (model: ImageModel | null | undefined): string => {
	const max = maxImagesOf(model);
	const slots = imageSlotsOf(model);
	if (max === 0) return 'no images (text to video)';
	if (max === 1 && slots[0] === 'first_frame') return '1 image: the first frame';
	if (slots.length === 2 && slots[0] === 'first_frame' && slots[1] === 'last_frame')
		return 'up to 2 images: first frame, then last frame';
	const style = (model?.capabilities?.image_slots ?? []).includes('style_reference') ? ', or 1 style image' : '';
	if (slots.length === max && slots.every((s) => s === 'reference'))
		return `up to ${max} images: reference elements (components)${style}`;
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
