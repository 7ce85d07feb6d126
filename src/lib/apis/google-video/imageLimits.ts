// How many input images each model takes and what they mean. Mirrors
// backend/open_webui/utils/google_video/catalog.py so the page can block a bad submit before any
// request (the server checks again). GET /models is authoritative when it is available.
import type { ImageRole } from './types';

export interface ImageLimit {
	maxImages: number;
	role: ImageRole | null;
}

export const IMAGE_LIMITS: Record<string, ImageLimit> = {
	'veo3-pro-frames': { maxImages: 1, role: 'first_frame' },
	'veo3-fast-frames': { maxImages: 1, role: 'first_frame' },
	'veo2-fast-frames': { maxImages: 2, role: 'first_last_frame' },
	'veo2-fast-components': { maxImages: 3, role: 'components' }
};

/** Text models (and unknown ids) take no images. */
export const imageLimitOf = (modelId: string): ImageLimit =>
	IMAGE_LIMITS[modelId] ?? { maxImages: 0, role: null };

export const maxImagesOf = (modelId: string): number => imageLimitOf(modelId).maxImages;

/** The label of each image slot, e.g. ['first frame', 'last frame'] for veo2-fast-frames. */
export const imageSlotLabels = (modelId: string): string[] => {
	const { maxImages, role } = imageLimitOf(modelId);
	if (role === 'first_frame') return ['first frame'];
	if (role === 'first_last_frame') return ['first frame', 'last frame'];
	return Array.from({ length: maxImages }, (_, i) => `component ${i + 1}`);
};

export const imageRoleDescription = (modelId: string): string => {
	const { maxImages, role } = imageLimitOf(modelId);
	if (role === 'first_frame') return '1 image: the first frame';
	if (role === 'first_last_frame') return 'up to 2 images: first frame, then last frame';
	if (role === 'components') return `up to ${maxImages} images: reference elements (components)`;
	return 'no images (text to video)';
};

export type ImageCheck = { ok: true } | { ok: false; reason: 'none' | 'too_many' | 'not_image_model'; message: string };

/** Validates an image list for a model; `message` explains the limit in a sentence. */
export const validateImages = (modelId: string, images: readonly unknown[]): ImageCheck => {
	const { maxImages } = imageLimitOf(modelId);
	const n = images.length;
	if (maxImages === 0) {
		return n === 0
			? { ok: true }
			: { ok: false, reason: 'not_image_model', message: `${modelId} is a text-to-video model and takes no images.` };
	}
	if (n === 0) {
		return { ok: false, reason: 'none', message: `${modelId} needs at least 1 image (${imageRoleDescription(modelId)}).` };
	}
	if (n > maxImages) {
		return {
			ok: false,
			reason: 'too_many',
			message: `${modelId} accepts at most ${maxImages} image${maxImages === 1 ? '' : 's'} (${imageRoleDescription(modelId)}); you added ${n}. Remove ${n - maxImages}.`
		};
	}
	return { ok: true };
};
