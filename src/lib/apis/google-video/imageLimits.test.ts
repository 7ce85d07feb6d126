// Image limits read from the models as GET /models describes them (no copy of the catalogue here).
import { describe, expect, it } from 'vitest';
import {
	imageRoleChoices,
	imageRoleDescription,
	imageRoleName,
	imageSlotLabels,
	imageSlotsOf,
	maxImagesOf,
	validateImageRoles,
	validateImages
} from './imageLimits';
import type { ImageRole, ImageSlot, VideoModel } from './types';

/** A model shaped like an entry of GET /models. */
const videoModel = (id: string, maxImages: number, role: ImageRole | null, slots: ImageSlot[]): VideoModel => ({
	id,
	name: id,
	provider: 'relay',
	can_cancel: false,
	kind: maxImages ? 'image' : 'text',
	max_images: maxImages,
	image_role: role,
	image_role_label: null,
	price: 100,
	enabled: true,
	capabilities: {
		aspect_ratios: [],
		durations: [],
		default_duration: 8,
		resolutions: [],
		negative_prompt: false,
		seed: false,
		generate_audio: false,
		image_slots: slots
	},
	pricing: { base: 100, per_second: 0, resolutions: {} }
});

// As the relay provider declares them (backend model_spec: image_slots from the image role).
const veo3 = videoModel('veo3', 0, null, []);
const proFrames = videoModel('veo3-pro-frames', 1, 'first_frame', ['first_frame']);
const fastFrames = videoModel('veo3-fast-frames', 1, 'first_frame', ['first_frame']);
const firstLast = videoModel('veo2-fast-frames', 2, 'first_last_frame', ['first_frame', 'last_frame']);
const components = videoModel('veo2-fast-components', 3, 'components', ['reference', 'reference', 'reference']);
// Vertex AI's reference model: up to 3 reference images, or one style image.
const withStyle = videoModel('vertex/veo-2.0-generate-001:references', 3, 'components_or_style', [
	'reference',
	'reference',
	'reference',
	'style_reference'
]);

describe('image limits', () => {
	it.each([
		[proFrames, 1, ['first_frame']],
		[fastFrames, 1, ['first_frame']],
		[firstLast, 2, ['first_frame', 'last_frame']],
		[components, 3, ['reference', 'reference', 'reference']],
		[veo3, 0, []],
		[undefined, 0, []]
	])('%# takes %i image(s) as %j', (model, max, slots) => {
		expect(maxImagesOf(model)).toBe(max);
		expect(imageSlotsOf(model)).toEqual(slots);
	});

	it('follows what the server says, not a list of known ids', () => {
		const newModel = videoModel('veo9-keyframes', 2, 'first_last_frame', ['first_frame', 'last_frame']);
		expect(maxImagesOf(newModel)).toBe(2);
		expect(validateImages(newModel, ['a', 'b'])).toEqual({ ok: true });
		// The same id with other capabilities gets other limits.
		expect(maxImagesOf({ ...proFrames, max_images: 0, capabilities: { ...proFrames.capabilities, image_slots: [] } })).toBe(0);
	});

	it('names each slot', () => {
		expect(imageSlotLabels(proFrames)).toEqual(['first frame']);
		expect(imageSlotLabels(firstLast)).toEqual(['first frame', 'last frame']);
		expect(imageSlotLabels(components)).toEqual(['component 1', 'component 2', 'component 3']);
		expect(imageSlotLabels(veo3)).toEqual([]);
		expect(imageSlotLabels(undefined)).toEqual([]);
		// Slots the server did not name are numbered.
		expect(imageSlotLabels(videoModel('x', 2, null, []))).toEqual(['image 1', 'image 2']);
	});

	it('translates the slot labels with the function given', () => {
		const t = (key: string, vars: Record<string, unknown> = {}) => `<${key}|${vars.n ?? ''}>`;
		expect(imageSlotLabels(firstLast, t)).toEqual(['<first frame|>', '<last frame|>']);
		expect(imageSlotLabels(components, t)[2]).toBe('<component {{n}}|3>');
	});

	it('describes the roles', () => {
		expect(imageRoleDescription(proFrames)).toBe('1 image: the first frame');
		expect(imageRoleDescription(firstLast)).toMatch(/first frame, then last frame/);
		expect(imageRoleDescription(components)).toBe('up to 3 images: reference elements (components)');
		expect(imageRoleDescription(veo3)).toMatch(/no images/);
		expect(imageRoleDescription(videoModel('mixed', 2, null, ['first_frame', 'reference']))).toBe(
			'up to 2 images: first frame, component 1'
		);
	});
});

describe('validateImages', () => {
	it('accepts lists within the limit', () => {
		expect(validateImages(proFrames, ['a'])).toEqual({ ok: true });
		expect(validateImages(firstLast, ['a', 'b'])).toEqual({ ok: true });
		expect(validateImages(components, ['a', 'b', 'c'])).toEqual({ ok: true });
		expect(validateImages(veo3, [])).toEqual({ ok: true });
	});

	it('refuses too many images with a clear message', () => {
		const check = validateImages(fastFrames, ['a', 'b']);
		expect(check.ok).toBe(false);
		if (check.ok) return;
		expect(check.reason).toBe('too_many');
		expect(check.message).toBe(
			'veo3-fast-frames accepts at most 1 image (1 image: the first frame); you added 2. Remove 1.'
		);
		const four = validateImages(components, ['a', 'b', 'c', 'd']);
		expect(!four.ok && four.message).toMatch(/at most 3 images .*you added 4\. Remove 1\./);
	});

	it('refuses an image model without images', () => {
		const check = validateImages(firstLast, []);
		expect(!check.ok && check.reason).toBe('none');
		expect(!check.ok && check.message).toMatch(/needs at least 1 image/);
	});

	it('refuses images for a text model (or no model)', () => {
		const check = validateImages(veo3, ['a']);
		expect(!check.ok && check.reason).toBe('not_image_model');
		expect(!check.ok && check.message).toMatch(/^veo3 .*takes no images/);
		expect(validateImages(undefined, ['a']).ok).toBe(false);
	});
});

describe('image roles', () => {
	it('are chosen only where position cannot say them', () => {
		expect(imageRoleChoices(withStyle)).toEqual(['reference', 'style_reference']);
		expect(imageRoleChoices(components)).toEqual([]);
		expect(imageRoleChoices(firstLast)).toEqual([]);
		expect(imageRoleChoices(proFrames)).toEqual([]);
		expect(imageRoleChoices(veo3)).toEqual([]);
		expect(imageRoleChoices(undefined)).toEqual([]);
		// The positional slots stop at max_images: the style slot is reached only by choosing it.
		expect(imageSlotsOf(withStyle)).toEqual(['reference', 'reference', 'reference']);
	});

	it('are named, translated with the function given', () => {
		expect(['first_frame', 'last_frame', 'reference', 'style_reference'].map((r) => imageRoleName(r as ImageSlot))).toEqual([
			'first frame',
			'last frame',
			'reference image',
			'style image'
		]);
		expect(imageRoleName('style_reference', (k) => `<${k}>`)).toBe('<style image>');
	});

	it('mention the style image in the description', () => {
		expect(imageRoleDescription(withStyle)).toBe('up to 3 images: reference elements (components), or 1 style image');
	});

	it('are checked against the slots of the model', () => {
		expect(validateImageRoles(withStyle, ['reference', 'reference', 'reference'])).toEqual({ ok: true });
		expect(validateImageRoles(withStyle, ['style_reference'])).toEqual({ ok: true });
		const twoStyles = validateImageRoles(withStyle, ['style_reference', 'style_reference']);
		expect(twoStyles).toMatchObject({ ok: false, reason: 'role_count', role: 'style_reference', max: 1 });
		expect(!twoStyles.ok && twoStyles.message).toBe(
			'vertex/veo-2.0-generate-001:references takes at most 1 style image; you chose 2.'
		);
		expect(validateImageRoles(withStyle, ['reference', 'style_reference'])).toMatchObject({ ok: false, reason: 'style_mix' });
		expect(validateImageRoles(firstLast, ['last_frame'])).toMatchObject({ ok: false, reason: 'last_without_first' });
		expect(validateImageRoles(components, ['style_reference'])).toMatchObject({ ok: false, reason: 'role_count', max: 0 });
	});
});
