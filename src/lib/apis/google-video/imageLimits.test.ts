// Image limits per model, kept in step with backend/open_webui/utils/google_video/catalog.py.
import { describe, expect, it } from 'vitest';
import { imageLimitOf, imageRoleDescription, imageSlotLabels, maxImagesOf, validateImages } from './imageLimits';

describe('image limits', () => {
	it.each([
		['veo3-pro-frames', 1, 'first_frame'],
		['veo3-fast-frames', 1, 'first_frame'],
		['veo2-fast-frames', 2, 'first_last_frame'],
		['veo2-fast-components', 3, 'components'],
		['veo3', 0, null],
		['veo2-fast', 0, null],
		['no-such-model', 0, null]
	])('%s takes %i image(s) as %s', (model, max, role) => {
		expect(maxImagesOf(model)).toBe(max);
		expect(imageLimitOf(model).role).toBe(role);
	});

	it('names each slot', () => {
		expect(imageSlotLabels('veo3-pro-frames')).toEqual(['first frame']);
		expect(imageSlotLabels('veo2-fast-frames')).toEqual(['first frame', 'last frame']);
		expect(imageSlotLabels('veo2-fast-components')).toEqual(['component 1', 'component 2', 'component 3']);
		expect(imageSlotLabels('veo3')).toEqual([]);
	});

	it('describes the roles', () => {
		expect(imageRoleDescription('veo2-fast-frames')).toMatch(/first frame, then last frame/);
		expect(imageRoleDescription('veo3')).toMatch(/no images/);
	});
});

describe('validateImages', () => {
	it('accepts lists within the limit', () => {
		expect(validateImages('veo3-pro-frames', ['a'])).toEqual({ ok: true });
		expect(validateImages('veo2-fast-frames', ['a', 'b'])).toEqual({ ok: true });
		expect(validateImages('veo2-fast-components', ['a', 'b', 'c'])).toEqual({ ok: true });
		expect(validateImages('veo3', [])).toEqual({ ok: true });
	});

	it('refuses too many images with a clear message', () => {
		const check = validateImages('veo3-fast-frames', ['a', 'b']);
		expect(check.ok).toBe(false);
		if (check.ok) return;
		expect(check.reason).toBe('too_many');
		expect(check.message).toBe(
			'veo3-fast-frames accepts at most 1 image (1 image: the first frame); you added 2. Remove 1.'
		);
		const four = validateImages('veo2-fast-components', ['a', 'b', 'c', 'd']);
		expect(!four.ok && four.message).toMatch(/at most 3 images .*you added 4\. Remove 1\./);
	});

	it('refuses an image model without images', () => {
		const check = validateImages('veo2-fast-frames', []);
		expect(!check.ok && check.reason).toBe('none');
		expect(!check.ok && check.message).toMatch(/needs at least 1 image/);
	});

	it('refuses images for a text model', () => {
		const check = validateImages('veo3', ['a']);
		expect(!check.ok && check.reason).toBe('not_image_model');
		expect(!check.ok && check.message).toMatch(/takes no images/);
	});
});
