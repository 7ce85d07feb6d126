// The studio's decisions: which models it offers for a mode and which it picks first, what stops a
// submit before any request (and how to say it), what a submit sends, and which task updates it takes.
import {
	imageRoleName,
	validateImageRoles,
	validateImages,
	type ImageCheck,
	type ImageInput,
	type ImageModel,
	type ImageSlot,
	type RoleCheck,
	type SubmitForm,
	type Task,
	type TaskType,
	type Translate,
	type UserConfig,
	type VideoModel,
	type VideoParameters
} from '$lib/apis/google-video';
import { isSeedValid, MAX_SEED, type ParameterChoices } from './parameters';
import { isFinished } from './progress';
import { isAffordable } from './quote';

export type Mode = 'text' | 'image';

export const taskTypeOf = (mode: Mode): TaskType => (mode === 'text' ? 'text_to_video' : 'image_to_video');

/** The models offered for a mode: enabled ones whose provider is configured (the API lists the
 * others too, but they cannot run yet). */
export const offeredModels = <M extends Pick<VideoModel, 'enabled' | 'available' | 'kind'>>(models: readonly M[], mode: Mode): M[] =>
	models.filter((m) => m.enabled && m.available !== false && m.kind === mode);

/** The model picked for a mode: the admin's default for it when offered, else the first offered. */
export const defaultModelId = (
	offered: readonly Pick<VideoModel, 'id'>[],
	config: Pick<UserConfig, 'default_text_model' | 'default_image_model'> | null,
	mode: Mode
): string => {
	const preferred = mode === 'text' ? config?.default_text_model : config?.default_image_model;
	return offered.find((m) => m.id === preferred)?.id ?? offered[0]?.id ?? '';
};

type Failed<C> = Exclude<C, { ok: true }>;
/** Why a submit is refused before any request, in the order it is checked. */
export type SubmitProblem =
	| { reason: 'prompt' | 'model' | 'seed' }
	| { reason: 'images'; check: Failed<ImageCheck>; model: string; max: number; count: number }
	| { reason: 'roles'; check: Failed<RoleCheck>; model: string }
	| { reason: 'price'; price: number; balance: number };

export interface SubmitDraft {
	prompt: string;
	/** The selected model's id ('' when none is offered) and the model itself. */
	model: string;
	selected: ImageModel | undefined;
	mode: Mode;
	images: readonly { role?: ImageSlot }[];
	/** The roles the images can be given (empty: they take the model's slots in order). */
	roleChoices: readonly ImageSlot[];
	/** Whether the model takes a seed, and the one chosen. */
	seedOffered: boolean;
	seed: ParameterChoices['seed'];
	price: number | null;
	balance: number | null;
}

/** Everything that can be checked here, checked before any request is made. */
export const submitProblem = (d: SubmitDraft): SubmitProblem | null => {
	if (!d.prompt.trim()) return { reason: 'prompt' };
	if (!d.model) return { reason: 'model' };
	if (d.mode === 'image') {
		const check = validateImages(d.selected, d.images);
		if (!check.ok) return { reason: 'images', check, model: d.model, max: d.selected?.max_images ?? 0, count: d.images.length };
	}
	if (d.roleChoices.length) {
		const check = validateImageRoles(
			d.selected,
			d.images.map((i) => i.role ?? d.roleChoices[0])
		);
		if (!check.ok) return { reason: 'roles', check, model: d.model };
	}
	if (d.seedOffered && !isSeedValid(d.seed)) return { reason: 'seed' };
	if (!isAffordable(d.price, d.balance)) return { reason: 'price', price: d.price!, balance: d.balance! };
	return null;
};

/** A refused submit in words; pass `$i18n.t` (the image checks' own English messages are kept
 * for the cases without a sentence of their own). */
export const problemText = (p: SubmitProblem, t: Translate): string => {
	switch (p.reason) {
		case 'prompt':
			return t('Enter a prompt.');
		case 'model':
			return t('No model is available.');
		case 'images':
			if (p.check.reason === 'too_many')
				return t('{{model}} accepts at most {{max}} image(s); you added {{n}}. Remove {{extra}} before generating.', {
					model: p.model,
					max: p.max,
					n: p.count,
					extra: p.count - p.max
				});
			if (p.check.reason === 'none') return t('{{model}} needs at least one image.', { model: p.model });
			return p.check.message;
		case 'roles':
			if (p.check.reason === 'role_count')
				return t('{{model}} takes at most {{max}} image(s) as {{role}}.', {
					model: p.model,
					max: p.check.max,
					role: imageRoleName(p.check.role, t)
				});
			if (p.check.reason === 'style_mix') return t('A style image cannot be combined with other images; use one or the other.');
			return p.check.message;
		case 'seed':
			return t('The seed must be a whole number from 0 to {{max}}.', { max: MAX_SEED });
		case 'price':
			return t('This model costs {{price}} credits but your balance is {{balance}}.', { price: p.price, balance: p.balance });
	}
};

/** How an uploaded image is sent: where roles are chosen it names its slot (the first role when
 * none was chosen); otherwise images take the slots in order. */
export const imageInput = (url: string, role: ImageSlot | undefined, roleChoices: readonly ImageSlot[]): ImageInput =>
	roleChoices.length ? { image: url, role: role ?? roleChoices[0] } : url;

/** The submit's form: the trimmed prompt, the model, the parameters set, a new idempotency key, and
 * the price on the screen as a ceiling (an admin may change prices meanwhile; no price, no ceiling). */
export const submitForm = (
	s: { prompt: string; model: string; enhance: boolean; parameters: VideoParameters; price: number | null },
	idempotencyKey: string
): SubmitForm => ({
	prompt: s.prompt.trim(),
	model: s.model,
	enhance_prompt: s.enhance,
	...s.parameters,
	idempotency_key: idempotencyKey,
	...(s.price !== null ? { max_credits: s.price } : {})
});

/** An update that was on its way before the task ended (e.g. a progress push overtaken by the
 * answer to a cancel) never brings it back to life. */
export const isStaleUpdate = (current: Pick<Task, 'id' | 'status'> | null, update: Pick<Task, 'id' | 'status'>): boolean =>
	current?.id === update.id && isFinished(current) && !isFinished(update);
