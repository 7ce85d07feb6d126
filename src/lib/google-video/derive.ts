// Remix and extend: which finished tasks can go on to a new task, and what that new task costs
// (the server charges it like its source's generation: the same model, duration and resolution).
import type { DeriveOperation, QuoteForm, Task, VideoModel } from '$lib/apis/google-video';

export const DERIVE_OPERATIONS: DeriveOperation[] = ['remix', 'extend'];

/** The operations offered for a task: a finished video of an enabled model that lists them. */
export const derivableOperations = (
	task: Pick<Task, 'status'>,
	model: Pick<VideoModel, 'enabled' | 'capabilities'> | null | undefined
): DeriveOperation[] => {
	if (task.status !== 'SUCCESS' || !model || model.enabled === false) return [];
	const offered = model.capabilities?.operations ?? [];
	return DERIVE_OPERATIONS.filter((op) => offered.includes(op));
};

/** The quote that prices a remix or extension of `task`: its model, task type and the priced
 * parameters it was generated with. */
export const deriveQuoteForm = (task: Pick<Task, 'model' | 'task_type' | 'parameters'>): QuoteForm => {
	const form: QuoteForm = { model: task.model, task_type: task.task_type };
	const p = task.parameters ?? {};
	if (typeof p.duration_seconds === 'number') form.duration_seconds = p.duration_seconds;
	if (typeof p.resolution === 'string' && p.resolution) form.resolution = p.resolution;
	return form;
};

/** "Remix of" / "Extension of" for a task derived from another; null for a generation. */
export const originLabel = (task: Pick<Task, 'operation' | 'source_task_id'>): string | null => {
	if (!task.source_task_id) return null;
	if (task.operation === 'remix') return 'Remix of';
	if (task.operation === 'extend') return 'Extension of';
	return null;
};

/** A short name of a source task: the start of its prompt when known, else the start of its id. */
export const sourceName = (sourceId: string, source?: Pick<Task, 'prompt'> | null, max = 40): string => {
	const prompt = source?.prompt?.trim().replace(/\s+/g, ' ');
	if (prompt) return prompt.length > max ? `“${prompt.slice(0, max - 1)}…”` : `“${prompt}”`;
	return sourceId.length > 8 ? `${sourceId.slice(0, 8)}…` : sourceId;
};

/** An idempotency key for one remix/extend request: kept while the prompt stays the same (a retry
 * after a lost answer is then not charged twice), a new one when the prompt changes. */
export const createKeyKeeper = (newKey: () => string = () => crypto.randomUUID()) => {
	let current: { prompt: string; key: string } | null = null;
	return {
		keyFor(prompt: string): string {
			if (!current || current.prompt !== prompt) current = { prompt, key: newKey() };
			return current.key;
		},
		/** After a success: the next request is a new one. */
		reset() {
			current = null;
		}
	};
};
