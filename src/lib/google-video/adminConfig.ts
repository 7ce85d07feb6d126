// The admin page's save: only the fields that differ from the stored config are sent (the server
// keeps the others), provider settings as changed values and typed secrets, and the custom models
// as JSON the admin edits by hand.
import type { CustomModel, ModelPricingRule, ProviderInfo, ProviderSetting, VideoModel } from '$lib/apis/google-video';

/** The relay keeps its settings in the config's own fields (base_url, api_key); every other
 * provider's are in provider_settings. */
export const RELAY = 'relay';

/** The config's own secrets as typed (empty: keep the stored one). */
export interface ConfigSecrets {
	api_key: string;
	cos_secret_key: string;
	s3_secret_access_key: string;
}

/** JSON with object keys sorted, so two values that mean the same compare equal. */
export const canonical = (value: unknown): string =>
	JSON.stringify(value, (_key, v) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
			: v
	) ?? 'undefined';

/** The entries of `form` whose value differs from the stored one. Undefined values are never
 * sent; `always` names entries sent whenever they are present (e.g. typed secrets). */
export const changedFields = <T extends Record<string, unknown>>(
	stored: Record<string, unknown>,
	form: T,
	always: readonly string[] = []
): Partial<T> => {
	const out: Partial<T> = {};
	for (const [key, value] of Object.entries(form)) {
		if (value === undefined) continue;
		if (always.includes(key) || canonical(value) !== canonical(stored[key])) out[key as keyof T] = value as T[keyof T];
	}
	return out;
};

/** Per provider (not the relay), its settings as the page starts editing them: the stored plain
 * values; secrets empty (= keep the stored one). */
export const providerValuesDraft = (
	providers: readonly Pick<ProviderInfo, 'name' | 'settings'>[],
	stored: Record<string, Record<string, string | boolean>> | undefined
): Record<string, Record<string, string>> =>
	Object.fromEntries(
		providers
			.filter((p) => p.name !== RELAY)
			.map((p) => [
				p.name,
				Object.fromEntries(p.settings.map((s) => [s.name, s.secret ? '' : String(stored?.[p.name]?.[s.name] ?? '')]))
			])
	);

/** The typed settings of one provider (what its connection test takes): every plain value, the
 * secrets only when typed and not marked for removal. */
export const typedSettings = (
	provider: Pick<ProviderInfo, 'settings'>,
	typed: Record<string, string> | undefined,
	removing: (setting: string) => boolean
): Record<string, string> => {
	const values = typed ?? {};
	return Object.fromEntries(
		provider.settings
			.filter((s) => !s.secret || (values[s.name] && !removing(s.name)))
			.map((s) => [s.name, values[s.name] ?? ''])
	);
};

/** What the input of one setting is: a select for choices, a textarea for long text. */
export const settingControl = (s: ProviderSetting): 'select' | 'textarea' | 'input' =>
	s.choices?.length ? 'select' : s.multiline ? 'textarea' : 'input';

/** A provider's settings to save: plain values that differ from the stored ones, and secrets only
 * when typed (an empty secret keeps the stored one) and not marked for removal. */
export const providerSettingChanges = (
	provider: Pick<ProviderInfo, 'name' | 'settings'>,
	typed: Record<string, string>,
	stored: Record<string, string | boolean> | undefined,
	removing: (setting: string) => boolean
): Record<string, string> => {
	const out: Record<string, string> = {};
	for (const s of provider.settings) {
		const value = typed[s.name] ?? '';
		if (s.secret) {
			if (value && !removing(s.name)) out[s.name] = value;
		} else if (value.trim() !== String(stored?.[s.name] ?? '').trim()) {
			out[s.name] = value;
		}
	}
	return out;
};

/** The custom models as shown in their textarea: pretty-printed, or empty when there are none (the
 * textarea then shows an example as its placeholder). */
export const formatCustomModels = (models: readonly CustomModel[] | null | undefined): string =>
	models?.length ? JSON.stringify(models, null, 2) : '';

export type CustomModelsParse =
	| { ok: true; value: CustomModel[] }
	| { ok: false; reason: 'syntax'; detail: string }
	| { ok: false; reason: 'not_list' }
	| { ok: false; reason: 'not_object'; entry: number };

/** Reads the textarea: a JSON list of objects (empty text is an empty list). The server checks the
 * entries themselves and answers 422 naming the field. */
export const parseCustomModels = (text: string): CustomModelsParse => {
	if (!text.trim()) return { ok: true, value: [] };
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (e) {
		return { ok: false, reason: 'syntax', detail: e instanceof Error ? e.message : String(e) };
	}
	if (!Array.isArray(value)) return { ok: false, reason: 'not_list' };
	const bad = value.findIndex((m) => !m || typeof m !== 'object' || Array.isArray(m));
	if (bad >= 0) return { ok: false, reason: 'not_object', entry: bad + 1 };
	return { ok: true, value: value as CustomModel[] };
};

/** An example entry, shown as the textarea's placeholder. */
export const CUSTOM_MODEL_EXAMPLE: CustomModel[] = [
	{
		id: 'openai/sora-2-custom',
		provider: 'openai',
		name: 'Sora 2 (custom)',
		kind: 'text',
		default_price: 100,
		wire_id: 'sora-2',
		aspect_ratios: ['16:9', '9:16'],
		durations: [4, 8, 12],
		default_duration: 4,
		resolutions: ['720p'],
		operations: ['remix']
	}
];

/** A price as typed: a number input gives null while empty. */
export type PriceInput = number | null | undefined;

/** One model's extras on top of its base price, as typed. */
export interface PricingDraft {
	per_second: PriceInput;
	resolutions: Record<string, PriceInput>;
}

/** The resolutions a model takes (each may cost an extra). */
export const resolutionsOf = (m: Pick<VideoModel, 'capabilities'>): string[] => m.capabilities?.resolutions ?? [];

/** Per model, its extras as the page starts editing them: the stored ones, 0 where none. */
export const pricingDraft = (
	models: readonly VideoModel[],
	stored: Record<string, Partial<ModelPricingRule>> | undefined
): Record<string, PricingDraft> =>
	Object.fromEntries(
		models.map((m) => {
			const rule: Partial<ModelPricingRule> = stored?.[m.id] ?? {};
			return [
				m.id,
				{
					per_second: rule.per_second ?? 0,
					resolutions: Object.fromEntries(resolutionsOf(m).map((r) => [r, rule.resolutions?.[r] ?? 0]))
				}
			];
		})
	);

const wholeCredits = (v: PriceInput) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The prices that are not whole numbers of credits (0 or more), named for the message: a base
 * price by its model, an extra as `<model> / s` or `<model> <resolution>` (an empty extra is 0). */
export const badPrices = (
	models: readonly Pick<VideoModel, 'id'>[],
	base: Record<string, PriceInput> | undefined,
	pricing: Record<string, PricingDraft>
): string[] => {
	const bad: string[] = [];
	for (const m of models) {
		if (!wholeCredits(base?.[m.id])) bad.push(m.id);
		const p = pricing[m.id];
		if (!p) continue;
		if (p.per_second != null && !wholeCredits(p.per_second)) bad.push(`${m.id} / s`);
		for (const [r, v] of Object.entries(p.resolutions)) if (v != null && !wholeCredits(v)) bad.push(`${m.id} ${r}`);
	}
	return bad;
};

/** model_pricing as the API takes it: only the models with an extra, only the non-zero tiers. */
export const modelPricing = (
	models: readonly Pick<VideoModel, 'id'>[],
	pricing: Record<string, PricingDraft>
): Record<string, ModelPricingRule> => {
	const out: Record<string, ModelPricingRule> = {};
	for (const m of models) {
		const p = pricing[m.id];
		if (!p) continue;
		const per_second = p.per_second ?? 0;
		const resolutions = Object.fromEntries(Object.entries(p.resolutions).filter((e): e is [string, number] => !!e[1]));
		if (per_second || Object.keys(resolutions).length) out[m.id] = { per_second, resolutions };
	}
	return out;
};
