// How the studio presents the models of GET /models: grouped by provider (with a readable name for
// each), and the values of the person_generation parameter in words.
import type { VideoModel } from '$lib/apis/google-video';

/** English names of the known providers (translated by the components with $i18n.t). The admin
 * page takes its names from GET /providers; the studio has only the models, so it keeps these. */
export const PROVIDER_LABELS: Record<string, string> = {
	relay: 'Veo relay',
	gemini: 'Google Veo (Gemini API)',
	vertex: 'Google Veo (Vertex AI)',
	openai: 'OpenAI-compatible videos',
	fake: 'Fake (tests)'
};

/** The English name of a provider; an unknown one is shown by its registry name. */
export const providerLabel = (provider: string): string => PROVIDER_LABELS[provider] ?? provider;

export interface ProviderGroup<M> {
	provider: string;
	label: string; // English; translate it for display
	models: M[];
}

/** The models grouped by provider: the known providers in the order of PROVIDER_LABELS, then the
 * others in the order they first appear; within a group the models keep their order. */
export const groupByProvider = <M extends Pick<VideoModel, 'provider'>>(models: readonly M[]): ProviderGroup<M>[] => {
	const groups = new Map<string, M[]>();
	for (const m of models) {
		const provider = m.provider || '';
		if (!groups.has(provider)) groups.set(provider, []);
		groups.get(provider)!.push(m);
	}
	const known = Object.keys(PROVIDER_LABELS);
	const rank = (p: string) => (known.includes(p) ? known.indexOf(p) : known.length);
	return [...groups.keys()]
		.map((provider, order) => ({ provider, order }))
		.sort((a, b) => rank(a.provider) - rank(b.provider) || a.order - b.order)
		.map(({ provider }) => ({ provider, label: providerLabel(provider), models: groups.get(provider)! }));
};

/** English words for the known person_generation values (Google's); others are shown as sent. */
export const PERSON_GENERATION_LABELS: Record<string, string> = {
	dont_allow: 'No people',
	allow_adult: 'Adults only',
	allow_all: 'People of any age'
};

export const personGenerationLabel = (value: string): string => PERSON_GENERATION_LABELS[value] ?? value;
