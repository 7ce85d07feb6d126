// The admin page's save: only the fields that differ from the stored config are sent (the server
// keeps the others), provider settings as changed values and typed secrets, and the custom models
// as JSON the admin edits by hand.
import type { CustomModel, ProviderInfo, ProviderSetting } from '$lib/apis/google-video';

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
