// Typed client of the module's API (/api/v1/google-video), in the style of Open WebUI's
// src/lib/apis/<area>/index.ts: every call takes the token first and throws the server's
// `detail` message (or 'Server connection failed') so callers can show it as is.
import type {
	AdminConfig,
	AdminUsersPage,
	AuditEntry,
	BulkCreditForm,
	BulkCreditResult,
	ConfigForm,
	ConnectionResult,
	DeriveForm,
	DeriveOperation,
	GalleryPage,
	GalleryQuery,
	Health,
	HistoryPage,
	HostGroup,
	ImageInput,
	LedgerEntry,
	ModelsResponse,
	Page,
	ProviderInfo,
	Quote,
	QuoteForm,
	Stats,
	SubmitForm,
	SubmitResult,
	Task,
	UploadResult,
	UsageQuery,
	UsageReport,
	UserConfig
} from './types';

export * from './types';
export * from './imageLimits';

export const WEBUI_API_BASE_URL = '/api/v1';
export const GOOGLE_VIDEO_API_BASE_URL = `${WEBUI_API_BASE_URL}/google-video`;

type Query = Record<string, string | number | boolean | null | undefined>;

/** FastAPI validation errors put a list in `detail`; turn it into one readable sentence. */
export const errorMessage = (err: unknown): string => {
	const detail = (err as { detail?: unknown } | null)?.detail;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) {
		return detail
			.map((d) => {
				const loc = Array.isArray(d?.loc) ? d.loc.filter((p: unknown) => p !== 'body').join('.') : '';
				const msg = String(d?.msg ?? d).replace(/^Value error, /, '');
				return loc ? `${loc}: ${msg}` : msg;
			})
			.join('; ');
	}
	return 'Server connection failed';
};

const withQuery = (path: string, query?: Query): string => {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query ?? {})) {
		if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
	}
	const qs = params.toString();
	return `${GOOGLE_VIDEO_API_BASE_URL}${path}${qs ? `?${qs}` : ''}`;
};

async function request<T>(
	token: string,
	method: string,
	path: string,
	options: { query?: Query; json?: unknown; form?: FormData } = {}
): Promise<T> {
	const headers: Record<string, string> = { Accept: 'application/json' };
	// Multipart bodies must let the browser set Content-Type with its boundary.
	if (!options.form) headers['Content-Type'] = 'application/json';
	if (token) headers.authorization = `Bearer ${token}`;
	let error: string | null = null;
	const res = await fetch(withQuery(path, options.query), {
		method,
		headers,
		body: options.form ?? (options.json !== undefined ? JSON.stringify(options.json) : undefined)
	})
		.then(async (res) => {
			if (!res.ok) throw await res.json().catch(() => ({ detail: `HTTP ${res.status}` }));
			return res.json();
		})
		.catch((err) => {
			console.error(err);
			error = errorMessage(err);
			return null;
		});
	if (error) throw error;
	return res as T;
}

// Service

export const getHealth = (token: string = '') => request<Health>(token, 'GET', '/health');

export const getModels = (token: string) => request<ModelsResponse>(token, 'GET', '/models');

// Admin

export const getConfig = (token: string) => request<AdminConfig>(token, 'GET', '/config');

/** Changes only the fields sent; the others keep their stored values. */
export const saveConfig = (token: string, form: Partial<ConfigForm>) =>
	request<{ success: boolean; config: AdminConfig }>(token, 'POST', '/config', { json: form });

/** Tests unsaved values when given; otherwise the stored ones. The relay (the default provider)
 * takes `base_url` / `api_key`; other providers take `{provider, settings}`. */
export const testConnection = (
	token: string,
	form: { base_url?: string; api_key?: string; provider?: string; settings?: Record<string, string> } = {}
) => request<ConnectionResult>(token, 'POST', '/test-connection', { json: form });

/** Every registered provider with its declared settings (secrets marked), state and models. */
export const getProviders = (token: string) =>
	request<{ providers: ProviderInfo[] }>(token, 'GET', '/providers');

export const getAdminStats = (token: string) => request<Stats>(token, 'GET', '/admin/stats');

export const getAuditLog = (token: string, query: { action?: string; page?: number; limit?: number } = {}) =>
	request<Page<AuditEntry>>(token, 'GET', '/admin/audit', { query });

/** With an idempotency key, a retry of the same adjustment (e.g. after a lost answer) applies it once. */
export const adjustCredits = (token: string, userId: string, amount: number, reason: string, idempotencyKey?: string) =>
	request<{ success: boolean; user_id: string; balance: number; replayed?: boolean }>(token, 'POST', '/credits/adjust', {
		json: { user_id: userId, amount, reason, ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}) }
	});

/** The host's users whose name or e-mail contains `query` (all when empty), with their balances. */
export const searchUsers = (token: string, query: { query?: string; page?: number; limit?: number } = {}) =>
	request<AdminUsersPage>(token, 'GET', '/admin/users', { query });

/** The host's groups, for group grants and allowances. */
export const getGroups = (token: string) => request<{ groups: HostGroup[] }>(token, 'GET', '/admin/groups');

/** A grant or deduction for every user (no group_id) or one group's members, once per user per key. */
export const bulkCredits = (token: string, form: BulkCreditForm) =>
	request<BulkCreditResult>(token, 'POST', '/credits/bulk', { json: form });

/** Admins may pass user_id (or nothing for everyone); other users always get their own entries. */
export const getLedger = (token: string, query: { user_id?: string; page?: number; limit?: number } = {}) =>
	request<Page<LedgerEntry>>(token, 'GET', '/credits/ledger', { query });

/** Usage per user, model, provider or day; users always get their own, admins everyone's (or user_id's). */
export const getUsage = (token: string, query: UsageQuery = {}) =>
	request<UsageReport>(token, 'GET', '/usage', { query: { ...query } });

/** A CSV export fetched with the bearer token (a plain link would not send it), with the file name
 * the server gives in Content-Disposition. */
export const downloadCsv = async (
	token: string,
	path: '/usage.csv' | '/credits/ledger.csv',
	query: Query = {}
): Promise<{ blob: Blob; disposition: string | null }> => {
	const res = await fetch(withQuery(path, query), {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	}).catch(() => null);
	if (!res) throw 'Server connection failed';
	if (!res.ok) throw errorMessage(await res.json().catch(() => null));
	return { blob: await res.blob(), disposition: res.headers.get('content-disposition') };
};

/** The module's own OpenAPI document (admins only; the host hides its own outside dev mode). */
export const getOpenApi = (token: string) => request<Record<string, unknown>>(token, 'GET', '/openapi.json');

// User

export const getUserConfig = (token: string) => request<UserConfig>(token, 'GET', '/config/user');

export const getCredits = (token: string) =>
	request<{ success: boolean; credits: number }>(token, 'GET', '/credits');

/** The price of a generation with these parameters: exactly what a submit with them charges (422
 * naming the parameter when the model does not take it). */
export const getQuote = (token: string, form: QuoteForm) => request<Quote>(token, 'POST', '/quote', { json: form });

export const textToVideo = (token: string, form: SubmitForm) =>
	request<SubmitResult>(token, 'POST', '/text-to-video', { json: form });

/** `images` are data URIs, http(s) URLs or upload URLs returned by uploadImage; plain strings take
 * the model's image slots in order, `{image, role}` names the slot. */
export const imageToVideo = (token: string, form: SubmitForm & { images: ImageInput[] }) =>
	request<SubmitResult>(token, 'POST', '/image-to-video', { json: form });

export const uploadImage = (token: string, file: Blob, filename = 'image') => {
	const form = new FormData();
	form.append('file', file, filename);
	return request<UploadResult>(token, 'POST', '/upload-image', { form });
};

/** An upload's bytes; <img src> cannot send the Authorization header, so fetch it as a Blob. */
export const getUploadBlob = async (token: string, uploadId: string): Promise<Blob> => {
	const res = await fetch(`${GOOGLE_VIDEO_API_BASE_URL}/uploads/${encodeURIComponent(uploadId)}`, {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	}).catch(() => null);
	if (!res) throw 'Server connection failed';
	if (!res.ok) throw errorMessage(await res.json().catch(() => null));
	return res.blob();
};

export const getTask = (token: string, taskId: string) =>
	request<{ success: boolean; task: Task }>(token, 'GET', `/task/${encodeURIComponent(taskId)}`);

export const cancelTask = (token: string, taskId: string) =>
	request<{ success: boolean; task: Task; credits: number }>(token, 'POST', `/task/${encodeURIComponent(taskId)}/cancel`);

/** A new task that remixes or extends a finished video, charged like its source's generation
 * (only for models whose capabilities.operations name the operation). */
export const deriveTask = (token: string, taskId: string, operation: DeriveOperation, form: DeriveForm) =>
	request<SubmitResult>(token, 'POST', `/task/${encodeURIComponent(taskId)}/${operation}`, { json: form });

export const remixTask = (token: string, taskId: string, form: DeriveForm) => deriveTask(token, taskId, 'remix', form);

export const extendTask = (token: string, taskId: string, form: DeriveForm) => deriveTask(token, taskId, 'extend', form);

export const deleteTask = (token: string, taskId: string) =>
	request<{ success: boolean; message: string }>(token, 'DELETE', `/task/${encodeURIComponent(taskId)}`);

export const getHistory = (token: string, query: { page?: number; limit?: number; status?: string } = {}) =>
	request<HistoryPage>(token, 'GET', '/history', { query });

/** The user's tasks newest first in cursor pages, with prompt search and filters (see GalleryQuery). */
export const getGallery = (token: string, query: GalleryQuery = {}) =>
	request<GalleryPage>(token, 'GET', '/gallery', { query: { ...query } });

/** Same-origin URL of a task's stored video; the browser sends the host's `token` cookie. */
export const taskVideoUrl = (taskId: string, download = false) =>
	withQuery(`/task/${encodeURIComponent(taskId)}/video`, download ? { download: true } : undefined);

/** A URL the player can use directly: signed and short-lived when the video is in cloud storage. */
export const getTaskVideoUrl = (token: string, taskId: string) =>
	request<{ success: boolean; url: string; expires_in: number | null }>(
		token,
		'GET',
		`/task/${encodeURIComponent(taskId)}/video-url`
	);

/** The signed-in host user (GET /api/v1/auths/), used to decide whether to show the Admin tab. */
export const getSessionUser = async (token: string) => {
	const res = await fetch(`${WEBUI_API_BASE_URL}/auths/`, {
		headers: { Accept: 'application/json', authorization: `Bearer ${token}` }
	}).catch(() => null);
	if (!res) throw 'Server connection failed';
	if (!res.ok) throw errorMessage(await res.json().catch(() => null));
	return (await res.json()) as { id: string; name: string; email: string; role: string };
};
