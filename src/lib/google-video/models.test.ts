// The studio's model picker: models grouped by provider, provider and person_generation names.
import { describe, expect, it } from 'vitest';
import zh from '$lib/i18n/zh';
import { groupByProvider, PERSON_GENERATION_LABELS, PROVIDER_LABELS, personGenerationLabel, providerLabel } from './models';

const m = (id: string, provider: string) => ({ id, provider });

describe('groupByProvider', () => {
	it('groups the known providers in a fixed order, keeping the models in order', () => {
		const groups = groupByProvider([
			m('openai/sora-2', 'openai'),
			m('veo3', 'relay'),
			m('gemini/veo-3.1-generate-preview', 'gemini'),
			m('veo3-fast', 'relay'),
			m('vertex/veo-2.0-generate-001', 'vertex'),
			m('gemini/veo-3.1-generate-preview:frames', 'gemini')
		]);
		expect(groups.map((g) => g.provider)).toEqual(['relay', 'gemini', 'vertex', 'openai']);
		expect(groups.map((g) => g.label)).toEqual([
			'Veo relay',
			'Google Veo (Gemini API)',
			'Google Veo (Vertex AI)',
			'OpenAI-compatible videos'
		]);
		expect(groups[0].models.map((x) => x.id)).toEqual(['veo3', 'veo3-fast']);
		expect(groups[1].models.map((x) => x.id)).toEqual([
			'gemini/veo-3.1-generate-preview',
			'gemini/veo-3.1-generate-preview:frames'
		]);
	});

	it('puts unknown providers last, in the order they appear, named as they are', () => {
		const groups = groupByProvider([m('b1', 'beta'), m('x', 'fake'), m('a1', 'alpha'), m('b2', 'beta')]);
		expect(groups.map((g) => [g.provider, g.label, g.models.length])).toEqual([
			['fake', 'Fake (tests)', 1],
			['beta', 'beta', 2],
			['alpha', 'alpha', 1]
		]);
	});

	it('gives no group for no models', () => {
		expect(groupByProvider([])).toEqual([]);
	});
});

describe('labels', () => {
	it('names providers and person_generation values, unknown ones as they are', () => {
		expect(providerLabel('vertex')).toBe('Google Veo (Vertex AI)');
		expect(providerLabel('acme')).toBe('acme');
		expect(personGenerationLabel('allow_adult')).toBe('Adults only');
		expect(personGenerationLabel('something_new')).toBe('something_new');
	});

	it('has a Chinese translation for every label', () => {
		const labels = [...Object.values(PROVIDER_LABELS), ...Object.values(PERSON_GENERATION_LABELS)];
		expect(labels.filter((l) => !(l in zh))).toEqual([]);
	});
});
