// The studio's decisions: offered and default models, the checks before a submit, what it sends,
// which task updates it takes.
import { describe, expect, it } from 'vitest';
import type { ImageModel, ImageSlot, Task } from '$lib/apis/google-video';
import { translate } from '$lib/i18n';
import zh from '$lib/i18n/zh';
import { defaultModelId, imageInput, isStaleUpdate, offeredModels, problemText, submitForm, submitProblem, taskTypeOf } from './studio';
import type { SubmitDraft, SubmitProblem } from './studio';

const m = (id: string, kind: 'text' | 'image', over: { enabled?: boolean; available?: boolean } = {}) => ({
	id,
	kind,
	enabled: true,
	...over
});

describe('offeredModels and defaultModelId', () => {
	const models = [
		m('t1', 'text'),
		m('t2', 'text'),
		m('off', 'text', { enabled: false }),
		m('unconfigured', 'text', { available: false }),
		m('i1', 'image')
	];

	it('offers the enabled, configured models of the mode (an old server sends no `available`)', () => {
		expect(offeredModels(models, 'text').map((x) => x.id)).toEqual(['t1', 't2']);
		expect(offeredModels(models, 'image').map((x) => x.id)).toEqual(['i1']);
		expect(offeredModels([{ id: 'old', kind: 'text', enabled: true }], 'text')).toHaveLength(1);
	});

	it("picks the admin's default for the mode when offered, else the first, else none", () => {
		const config = { default_text_model: 't2', default_image_model: 'gone' };
		expect(defaultModelId(offeredModels(models, 'text'), config, 'text')).toBe('t2');
		expect(defaultModelId(offeredModels(models, 'image'), config, 'image')).toBe('i1');
		expect(defaultModelId(offeredModels(models, 'text'), null, 'text')).toBe('t1');
		expect(defaultModelId([], config, 'text')).toBe('');
	});

	it('names the task type of a mode', () => {
		expect(taskTypeOf('text')).toBe('text_to_video');
		expect(taskTypeOf('image')).toBe('image_to_video');
	});
});

describe('submitProblem', () => {
	const imageModel = (slots: ImageSlot[], max: number): ImageModel => ({
		id: 'img',
		max_images: max,
		capabilities: { image_slots: slots }
	});
	const draft = (over: Partial<SubmitDraft> = {}): SubmitDraft => ({
		prompt: 'a cat',
		model: 'veo3',
		selected: imageModel([], 0),
		mode: 'text',
		images: [],
		roleChoices: [],
		seedOffered: true,
		seed: null,
		price: 10,
		balance: 10,
		...over
	});

	it('lets a complete submit through', () => {
		expect(submitProblem(draft())).toBeNull();
		expect(submitProblem(draft({ price: null, balance: null, seedOffered: false, seed: -1 }))).toBeNull();
	});

	it('checks in order: prompt, model, images, roles, seed, balance', () => {
		const everything = draft({
			prompt: '  ',
			model: '',
			mode: 'image',
			selected: imageModel(['reference', 'reference', 'style_reference'], 3),
			images: [],
			roleChoices: ['reference', 'style_reference'],
			seed: 1.5,
			balance: 3
		});
		expect(submitProblem(everything)?.reason).toBe('prompt');
		const next = { ...everything, prompt: 'x' };
		expect(submitProblem(next)?.reason).toBe('model');
		expect(submitProblem({ ...next, model: 'img' })).toMatchObject({ reason: 'images', check: { reason: 'none' } });
		const roles = { ...next, model: 'img', images: [{ role: 'style_reference' as const }, {}] };
		expect(submitProblem(roles)).toMatchObject({ reason: 'roles', check: { reason: 'style_mix' } });
		const seed = { ...roles, images: [{}, {}] };
		expect(submitProblem(seed)?.reason).toBe('seed');
		expect(submitProblem({ ...seed, seed: 4 })).toEqual({ reason: 'price', price: 10, balance: 3 });
	});

	it('counts the images against the model only in image mode, roles only where they are chosen', () => {
		const two = imageModel(['first_frame', 'last_frame'], 2);
		expect(submitProblem(draft({ selected: two, images: [{}, {}, {}] }))).toBeNull();
		expect(submitProblem(draft({ mode: 'image', selected: two, images: [{}, {}, {}] }))).toMatchObject({
			reason: 'images',
			model: 'veo3',
			max: 2,
			count: 3,
			check: { reason: 'too_many' }
		});
		// Without role choices the images take the slots in order: no role check.
		expect(submitProblem(draft({ mode: 'image', selected: two, images: [{ role: 'last_frame' }] }))).toBeNull();
	});

	it('gives an image its first role when none was chosen', () => {
		const refs = imageModel(['reference', 'style_reference'], 1);
		const d = draft({ mode: 'image', model: 'img', selected: refs, roleChoices: ['reference', 'style_reference'] });
		expect(submitProblem({ ...d, images: [{}] })).toBeNull();
		expect(submitProblem({ ...d, images: [{ role: 'style_reference' }] })).toBeNull();
	});
});

describe('problemText', () => {
	const problems: SubmitProblem[] = [
		{ reason: 'prompt' },
		{ reason: 'model' },
		{ reason: 'images', model: 'veo3', max: 2, count: 3, check: { ok: false, reason: 'too_many', message: '' } },
		{ reason: 'images', model: 'veo3', max: 2, count: 0, check: { ok: false, reason: 'none', message: '' } },
		{ reason: 'images', model: 'veo3', max: 0, count: 1, check: { ok: false, reason: 'not_image_model', message: 'takes no images' } },
		{ reason: 'roles', model: 'veo3', check: { ok: false, reason: 'role_count', role: 'style_reference', max: 1, message: '' } },
		{ reason: 'roles', model: 'veo3', check: { ok: false, reason: 'style_mix', message: '' } },
		{ reason: 'roles', model: 'veo3', check: { ok: false, reason: 'last_without_first', message: 'A last frame needs a first frame.' } },
		{ reason: 'seed' },
		{ reason: 'price', price: 12, balance: 3 }
	];

	it('says each problem in a sentence', () => {
		expect(problems.map((p) => problemText(p, (key, vars) => translate('en', key, vars)))).toEqual([
			'Enter a prompt.',
			'No model is available.',
			'veo3 accepts at most 2 image(s); you added 3. Remove 1 before generating.',
			'veo3 needs at least one image.',
			'takes no images',
			'veo3 takes at most 1 image(s) as style image.',
			'A style image cannot be combined with other images; use one or the other.',
			'A last frame needs a first frame.',
			'The seed must be a whole number from 0 to 4294967295.',
			'This model costs 12 credits but your balance is 3.'
		]);
	});

	it('has a Chinese translation for every sentence', () => {
		const keys: string[] = [];
		for (const p of problems)
			problemText(p, (key) => {
				keys.push(key);
				return key;
			});
		expect(keys.length).toBe(9);
		expect(keys.filter((k) => !(k in zh))).toEqual([]);
	});
});

describe('what a submit sends', () => {
	it('sends an image by URL, or with its role where roles are chosen', () => {
		expect(imageInput('u1', 'style_reference', [])).toBe('u1');
		expect(imageInput('u1', 'style_reference', ['reference', 'style_reference'])).toEqual({
			image: 'u1',
			role: 'style_reference'
		});
		expect(imageInput('u1', undefined, ['reference', 'style_reference'])).toEqual({ image: 'u1', role: 'reference' });
	});

	it('caps the charge at the price on the screen, and sends no cap without one', () => {
		const s = { prompt: '  a cat ', model: 'veo3', enhance: true, parameters: { duration_seconds: 8 }, price: 12 };
		const form = submitForm(s, 'key-1');
		expect(form).toEqual({
			prompt: 'a cat',
			model: 'veo3',
			enhance_prompt: true,
			duration_seconds: 8,
			idempotency_key: 'key-1',
			max_credits: 12
		});
		expect(Object.keys(form)).toEqual(['prompt', 'model', 'enhance_prompt', 'duration_seconds', 'idempotency_key', 'max_credits']);
		expect(submitForm({ ...s, price: null }, 'key-2')).not.toHaveProperty('max_credits');
		expect(submitForm({ ...s, price: 0 }, 'key-3').max_credits).toBe(0);
	});
});

describe('isStaleUpdate', () => {
	const t = (id: string, status: Task['status']) => ({ id, status });
	it('never brings a finished task back to life', () => {
		expect(isStaleUpdate(t('a', 'CANCELLED'), t('a', 'IN_PROGRESS'))).toBe(true);
		expect(isStaleUpdate(t('a', 'IN_PROGRESS'), t('a', 'SUCCESS'))).toBe(false);
		expect(isStaleUpdate(t('a', 'SUCCESS'), t('a', 'SUCCESS'))).toBe(false);
		expect(isStaleUpdate(t('a', 'FAILURE'), t('b', 'QUEUED'))).toBe(false);
		expect(isStaleUpdate(null, t('a', 'QUEUED'))).toBe(false);
	});
});
