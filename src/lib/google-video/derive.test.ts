// Remix / extend: which tasks offer them, the quote that prices them, the origin line, the keys.
import { describe, expect, it } from 'vitest';
import zh from '$lib/i18n/zh';
import type { Task, VideoModel } from '$lib/apis/google-video';
import { createKeyKeeper, derivableOperations, deriveQuoteForm, originLabel, sourceName } from './derive';

const model = (operations?: VideoModel['capabilities']['operations'], enabled = true) =>
	({ enabled, capabilities: { operations } }) as Pick<VideoModel, 'enabled' | 'capabilities'>;

describe('derivableOperations', () => {
	it('offers what the model lists, for a finished video only', () => {
		expect(derivableOperations({ status: 'SUCCESS' }, model(['remix']))).toEqual(['remix']);
		expect(derivableOperations({ status: 'SUCCESS' }, model(['extend', 'remix']))).toEqual(['remix', 'extend']);
		expect(derivableOperations({ status: 'IN_PROGRESS' }, model(['remix']))).toEqual([]);
		expect(derivableOperations({ status: 'FAILURE' }, model(['extend']))).toEqual([]);
	});

	it('offers nothing without the model, for a disabled one, or one without operations', () => {
		expect(derivableOperations({ status: 'SUCCESS' }, undefined)).toEqual([]);
		expect(derivableOperations({ status: 'SUCCESS' }, model(['remix'], false))).toEqual([]);
		expect(derivableOperations({ status: 'SUCCESS' }, model(undefined))).toEqual([]);
		expect(derivableOperations({ status: 'SUCCESS' }, model([]))).toEqual([]);
	});
});

describe('deriveQuoteForm', () => {
	it("prices the source's model with its duration and resolution", () => {
		expect(
			deriveQuoteForm({
				model: 'openai/sora-2',
				task_type: 'text_to_video',
				parameters: { duration_seconds: 8, resolution: '720p', aspect_ratio: '16:9', seed: 3 }
			})
		).toEqual({ model: 'openai/sora-2', task_type: 'text_to_video', duration_seconds: 8, resolution: '720p' });
	});

	it('leaves out what the source did not set', () => {
		expect(
			deriveQuoteForm({ model: 'gemini/veo-3.1-generate-preview:frames', task_type: 'image_to_video', parameters: {} })
		).toEqual({ model: 'gemini/veo-3.1-generate-preview:frames', task_type: 'image_to_video' });
		expect(
			deriveQuoteForm({ model: 'veo3', task_type: 'text_to_video', parameters: null as unknown as Task['parameters'] })
		).toEqual({ model: 'veo3', task_type: 'text_to_video' });
	});
});

describe('origin', () => {
	it('names remixes and extensions, not generations', () => {
		expect(originLabel({ operation: 'remix', source_task_id: 's1' })).toBe('Remix of');
		expect(originLabel({ operation: 'extend', source_task_id: 's1' })).toBe('Extension of');
		expect(originLabel({ operation: 'generate', source_task_id: null })).toBeNull();
		expect(originLabel({ operation: 'remix', source_task_id: null })).toBeNull();
		expect(originLabel({})).toBeNull();
		expect('Remix of' in zh && 'Extension of' in zh).toBe(true);
	});

	it('names the source by its prompt when known, else by its id', () => {
		expect(sourceName('0123456789abcdef', { prompt: '  a red   fox ' })).toBe('“a red fox”');
		expect(sourceName('0123456789abcdef', { prompt: 'x'.repeat(50) }, 10)).toBe(`“${'x'.repeat(9)}…”`);
		expect(sourceName('0123456789abcdef', null)).toBe('01234567…');
		expect(sourceName('short')).toBe('short');
	});
});

describe('createKeyKeeper', () => {
	it('keeps the key for the same request, a new one for another or after a success', () => {
		let n = 0;
		const keys = createKeyKeeper(() => `k${++n}`);
		expect(keys.keyFor('remix\na')).toBe('k1');
		expect(keys.keyFor('remix\na')).toBe('k1'); // a retry
		expect(keys.keyFor('remix\nb')).toBe('k2'); // another prompt
		expect(keys.keyFor('extend\nb')).toBe('k3'); // another operation
		keys.reset();
		expect(keys.keyFor('extend\nb')).toBe('k4');
	});
});
