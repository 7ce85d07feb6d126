// The studio's price: the server's quote (POST /quote) for the model and the priced parameters,
// asked after a short pause with only the answer to the latest question kept, and what the shown
// price says. A quote and a refusal carry the key of the settings they belong to (quoteKey).
import type { Quote, QuoteForm, TaskType, VideoModel, VideoParameters } from '$lib/apis/google-video';

/** A quote is asked this long after the last change of the model or a priced parameter. */
export const QUOTE_DEBOUNCE_MS = 250;

/** The quote's question: the model, the task type and the priced parameters (duration, resolution). */
export const quoteForm = (model: string, taskType: TaskType, parameters: VideoParameters): QuoteForm => {
	const form: QuoteForm = { model, task_type: taskType };
	if (parameters.duration_seconds !== undefined) form.duration_seconds = parameters.duration_seconds;
	if (parameters.resolution !== undefined) form.resolution = parameters.resolution;
	return form;
};

/** The key of a question: its form as JSON (sent as it is). */
export const quoteKey = (form: QuoteForm): string => JSON.stringify(form);

export type KeyedQuote = Quote & { key: string };
export type QuoteRefusal = { key: string; message: string };
/** none: no question (nothing to price yet); ready: the quote is for these settings; refused: the
 * server named no price for them; updating: their quote is on its way. */
export type QuoteStatus = 'none' | 'ready' | 'refused' | 'updating';

export const quoteStatus = (key: string, quote: KeyedQuote | null, refusal: QuoteRefusal | null): QuoteStatus => {
	if (!key) return 'none';
	if (quote?.key === key) return 'ready';
	if (refusal?.key === key) return 'refused';
	return 'updating';
};

/** Unknown (no quote, or no balance) counts as affordable: the server checks it on submit. */
export const isAffordable = (price: number | null, balance: number | null): boolean =>
	price === null || balance === null || balance >= price;

/** A model whose duration or resolution adds to its base price (its label says "from"). */
export const hasPriceExtras = (m: Pick<VideoModel, 'pricing'>): boolean =>
	!!m.pricing && (m.pricing.per_second > 0 || Object.values(m.pricing.resolutions ?? {}).some((v) => v > 0));

/** Asks `fetch(key)` `delayMs` after it is called and hands on the answer (or the error) only when
 * no later question was asked meanwhile. Each call returns the cancel of its wait (an effect's
 * cleanup): a question replaced before its time is never sent. */
export const createQuoteAsker = <T>(
	fetch: (key: string) => Promise<T>,
	delayMs: number,
	onAnswer: (key: string, answer: T) => void,
	onError: (key: string, error: unknown) => void
) => {
	let asked = 0;
	return (key: string): (() => void) => {
		const question = ++asked;
		const timer = setTimeout(async () => {
			try {
				const answer = await fetch(key);
				if (question === asked) onAnswer(key, answer);
			} catch (e) {
				if (question === asked) onError(key, e);
			}
		}, delayMs);
		return () => clearTimeout(timer);
	};
};
