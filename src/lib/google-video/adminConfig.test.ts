// The admin save: only changed fields, provider settings as changes, custom models as JSON.
import { describe, expect, it } from 'vitest';
import type { ProviderSetting, VideoModel } from '$lib/apis/google-video';
import {
	badPrices,
	canonical,
	changedFields,
	CUSTOM_MODEL_EXAMPLE,
	formatCustomModels,
	modelPricing,
	parseCustomModels,
	pricingDraft,
	providerSettingChanges,
	providerValuesDraft,
	settingControl,
	typedSettings
} from './adminConfig';

describe('changedFields', () => {
	const stored = {
		enabled: true,
		max_concurrent_tasks: 3,
		blocked_words: ['a', 'b'],
		model_pricing: { veo3: { per_second: 2, resolutions: {} } },
		custom_models: []
	};

	it('sends nothing for an unchanged form', () => {
		expect(changedFields(stored, { ...stored, model_pricing: { veo3: { resolutions: {}, per_second: 2 } } })).toEqual({});
	});

	it('sends only the fields that differ, whole', () => {
		expect(
			changedFields(stored, {
				enabled: true,
				max_concurrent_tasks: 5,
				blocked_words: ['a', 'b', 'c'],
				model_pricing: {},
				custom_models: undefined
			})
		).toEqual({ max_concurrent_tasks: 5, blocked_words: ['a', 'b', 'c'], model_pricing: {} });
	});

	it('sends a field the stored config lacks, and the ones named always', () => {
		expect(changedFields(stored, { custom_models: [{ id: 'x' }] })).toEqual({ custom_models: [{ id: 'x' }] });
		expect(changedFields(stored, { enabled: true }, ['enabled'])).toEqual({ enabled: true });
	});

	it('compares objects whatever the order of their keys', () => {
		expect(canonical({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe(canonical({ a: { c: [3, { e: 2, f: 1 }], d: 2 }, b: 1 }));
		expect(canonical([1, 2])).not.toBe(canonical([2, 1]));
		expect(canonical(undefined)).toBe('undefined');
	});
});

describe('provider settings', () => {
	const settings: ProviderSetting[] = [
		{ name: 'service_account_json', label: 'service-account key (JSON)', secret: true, multiline: true },
		{ name: 'location', label: 'location', secret: false, required: false, default: 'us-central1' },
		{ name: 'auth_header', label: 'auth header', secret: false, choices: ['bearer', 'api-key'], default: 'bearer' },
		{ name: 'notes', label: 'notes', secret: false, multiline: true }
	];
	const provider = { name: 'vertex', settings };

	it('picks a control per setting', () => {
		expect(settings.map(settingControl)).toEqual(['textarea', 'input', 'select', 'textarea']);
		expect(settingControl({ name: 'x', label: 'x', secret: false })).toBe('input');
	});

	it('sends changed plain values and typed secrets only', () => {
		const stored = { service_account_json_set: true, service_account_json_last4: 'abcd', location: 'us-central1', auth_header: '' };
		const none = () => false;
		expect(
			providerSettingChanges(provider, { service_account_json: '', location: 'us-central1', auth_header: '', notes: '' }, stored, none)
		).toEqual({});
		expect(
			providerSettingChanges(
				provider,
				{ service_account_json: '{"k":1}', location: 'europe-west4', auth_header: 'api-key', notes: '' },
				stored,
				none
			)
		).toEqual({ service_account_json: '{"k":1}', location: 'europe-west4', auth_header: 'api-key' });
		// A cleared plain value is a change (back to the default).
		expect(providerSettingChanges(provider, { location: '' }, stored, none)).toEqual({ location: '' });
	});

	it('never sends a secret marked for removal', () => {
		expect(
			providerSettingChanges(provider, { service_account_json: 'typed' }, {}, (name) => name === 'service_account_json')
		).toEqual({});
	});

	it('starts from the stored plain values, secrets empty, nothing for the relay', () => {
		const stored = { vertex: { service_account_json_set: true, location: 'europe-west4', auth_header: '' } };
		expect(providerValuesDraft([provider, { name: 'relay', settings: [] }], stored)).toEqual({
			vertex: { service_account_json: '', location: 'europe-west4', auth_header: '', notes: '' }
		});
		expect(providerValuesDraft([provider], undefined).vertex.location).toBe('');
	});

	it('tests every plain value as typed, and the typed secrets not marked for removal', () => {
		const typed = { service_account_json: '{"k":1}', location: '', auth_header: 'api-key' };
		expect(typedSettings(provider, typed, () => false)).toEqual({
			service_account_json: '{"k":1}',
			location: '',
			auth_header: 'api-key',
			notes: ''
		});
		expect(typedSettings(provider, typed, (name) => name === 'service_account_json')).toEqual({
			location: '',
			auth_header: 'api-key',
			notes: ''
		});
		expect(typedSettings(provider, undefined, () => false)).toEqual({ location: '', auth_header: '', notes: '' });
	});
});

describe('custom models JSON', () => {
	it('shows the entries pretty-printed, nothing when there are none', () => {
		expect(formatCustomModels(CUSTOM_MODEL_EXAMPLE)).toBe(JSON.stringify(CUSTOM_MODEL_EXAMPLE, null, 2));
		expect(formatCustomModels([])).toBe('');
		expect(formatCustomModels(undefined)).toBe('');
	});

	it('reads a list of entries, and empty text as none', () => {
		expect(parseCustomModels(formatCustomModels(CUSTOM_MODEL_EXAMPLE))).toEqual({ ok: true, value: CUSTOM_MODEL_EXAMPLE });
		expect(parseCustomModels('  \n')).toEqual({ ok: true, value: [] });
		expect(parseCustomModels('[]')).toEqual({ ok: true, value: [] });
	});

	it('says why text cannot be read', () => {
		const syntax = parseCustomModels('[{"id": "x",}]');
		expect(syntax.ok).toBe(false);
		expect(!syntax.ok && syntax.reason).toBe('syntax');
		expect(!syntax.ok && syntax.reason === 'syntax' && syntax.detail.length).toBeGreaterThan(0);
		expect(parseCustomModels('{"id": "x"}')).toEqual({ ok: false, reason: 'not_list' });
		expect(parseCustomModels('[{"id": "x"}, 3]')).toEqual({ ok: false, reason: 'not_object', entry: 2 });
		expect(parseCustomModels('[[]]')).toEqual({ ok: false, reason: 'not_object', entry: 1 });
		expect(parseCustomModels('[null]')).toEqual({ ok: false, reason: 'not_object', entry: 1 });
	});
});

describe('model prices', () => {
	const model = (id: string, resolutions: string[]) => ({ id, capabilities: { resolutions } }) as unknown as VideoModel;
	const models = [model('veo3', ['720p', '1080p']), model('plain', [])];

	it('starts from the stored extras, 0 where none', () => {
		expect(pricingDraft(models, { veo3: { per_second: 2, resolutions: { '1080p': 5 } } })).toEqual({
			veo3: { per_second: 2, resolutions: { '720p': 0, '1080p': 5 } },
			plain: { per_second: 0, resolutions: {} }
		});
		expect(pricingDraft(models, undefined).veo3).toEqual({ per_second: 0, resolutions: { '720p': 0, '1080p': 0 } });
	});

	it('sends only the models with an extra, only the non-zero tiers (an empty input is 0)', () => {
		const draft = pricingDraft(models, undefined);
		expect(modelPricing(models, draft)).toEqual({});
		draft.veo3.resolutions['1080p'] = 5;
		draft.veo3.resolutions['720p'] = null;
		draft.plain.per_second = 1;
		expect(modelPricing(models, draft)).toEqual({
			veo3: { per_second: 0, resolutions: { '1080p': 5 } },
			plain: { per_second: 1, resolutions: {} }
		});
	});

	it('names the prices that are not whole credits, 0 or more', () => {
		const draft = pricingDraft(models, undefined);
		expect(badPrices(models, { veo3: 10, plain: 0 }, draft)).toEqual([]);
		draft.veo3.per_second = 1.5;
		draft.veo3.resolutions['720p'] = -1;
		draft.veo3.resolutions['1080p'] = null; // empty: 0
		expect(badPrices(models, { veo3: 10, plain: null }, draft)).toEqual(['veo3 / s', 'veo3 720p', 'plain']);
	});
});
