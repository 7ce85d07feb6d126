// Shapes of the module's API responses (backend/open_webui/routers/google_video.py).

export type TaskStatus =
	| 'SUBMITTING'
	| 'NOT_START'
	| 'SUBMITTED'
	| 'QUEUED'
	| 'IN_PROGRESS'
	| 'SUCCESS'
	| 'FAILURE'
	| 'CANCELLED';

export const UNFINISHED_STATUSES: TaskStatus[] = ['SUBMITTING', 'NOT_START', 'SUBMITTED', 'QUEUED', 'IN_PROGRESS'];
export const TERMINAL_STATUSES: TaskStatus[] = ['SUCCESS', 'FAILURE', 'CANCELLED'];
/** Filters GET /history accepts: every status plus RUNNING (all unfinished ones). */
export const HISTORY_FILTERS = ['RUNNING', ...UNFINISHED_STATUSES, ...TERMINAL_STATUSES] as const;

export type ImageRole = 'first_frame' | 'first_last_frame' | 'components' | 'components_or_style';
/** The role of one image position of a model (capabilities.image_slots). */
export type ImageSlot = 'first_frame' | 'last_frame' | 'reference' | 'style_reference';
export type TaskType = 'text_to_video' | 'image_to_video';
/** What a finished video can go on to (capabilities.operations): a new task derived from it. */
export type DeriveOperation = 'remix' | 'extend';
/** How a task came about: a generation, or a remix / extension of an earlier task (source_task_id). */
export type TaskOperation = 'generate' | DeriveOperation;

/** Every unified parameter a model accepts and with which values (GET /models). An empty list or
 * false means the model does not take that parameter: the server answers 422 naming it. */
export interface ModelCapabilities {
	aspect_ratios: string[];
	durations: number[];
	default_duration: number | null;
	resolutions: string[]; // the first is the model's default
	negative_prompt: boolean;
	seed: boolean;
	generate_audio: boolean;
	image_slots: ImageSlot[]; // the role of each image position, in order
	/** The people-in-video policies it takes (e.g. dont_allow, allow_adult); empty: not a parameter.
	 * Optional: servers before the direct providers do not send it. */
	person_generation?: string[];
	/** What a finished video of this model can go on to (POST /task/{id}/remix or /extend). */
	operations?: DeriveOperation[];
}

/** How the admin prices a model: base + per_second × seconds + the resolution's extra. */
export interface ModelPricing {
	base: number;
	per_second: number;
	resolutions: Record<string, number>;
}

/** The unified generation parameters; only the ones set are sent (and only those the model takes). */
export interface VideoParameters {
	aspect_ratio?: string;
	duration_seconds?: number;
	resolution?: string;
	negative_prompt?: string;
	seed?: number;
	generate_audio?: boolean;
	person_generation?: string;
	extra?: Record<string, unknown>;
}

export interface QuoteForm extends VideoParameters {
	model: string;
	task_type: TaskType;
}

/** POST /quote: exactly what a submit with the same parameters charges. */
export interface Quote {
	success: boolean;
	model: string;
	price: number;
	base: number;
	per_second: number;
	seconds: number;
	resolution: string | null;
	resolution_price: number;
	balance: number;
	affordable: boolean;
}

export interface Task {
	id: string;
	user_id: string;
	external_task_id: string | null;
	task_type: TaskType;
	provider: string;
	status: TaskStatus;
	model: string;
	prompt: string;
	enhance_prompt: boolean;
	aspect_ratio: string | null;
	parameters: VideoParameters; // the unified parameters given
	input_images: string[];
	progress: string; // "42%"
	submit_time: number | null;
	start_time: number | null;
	finish_time: number | null;
	video_url: string | null;
	/** A still image of the video (same origin, sent with the host's cookie), when the provider made one. */
	poster_url?: string | null;
	/** generate, or remix / extend of source_task_id (optional: older servers do not send them). */
	operation?: TaskOperation;
	source_task_id?: string | null;
	video_size: number | null;
	video_duration: number | null;
	video_sha256: string | null;
	fail_reason: string | null;
	credits_cost: number;
	credits_refunded: number;
	refunded: boolean;
	idempotency_key: string | null;
	cloud_upload_status: string;
	cloud_video_url: string | null;
	created_at: number;
	updated_at: number;
	completed_at: number | null;
}

export interface VideoModel {
	id: string;
	name: string;
	provider: string;
	can_cancel: boolean;
	kind: 'text' | 'image';
	max_images: number;
	image_role: ImageRole | null;
	image_role_label: string | null;
	price: number; // the base price (see pricing; POST /quote gives the price of a generation)
	enabled: boolean;
	available?: boolean; // false while its provider is not configured
	provider_label?: string;
	capabilities: ModelCapabilities;
	pricing: ModelPricing;
}

export interface ModelsResponse {
	models: VideoModel[];
	text_to_video_models: VideoModel[];
	image_to_video_models: (VideoModel & { maxImages: number; imageType: string | null })[];
}

export interface Health {
	success: boolean;
	service: string;
	status: 'healthy' | 'starting';
	enabled: boolean;
	configured: boolean;
	timestamp: number;
}

/** Editable admin settings; secrets are write-only (empty or missing keeps the stored value). */
export interface ConfigForm {
	enabled: boolean;
	chat_enabled?: boolean; // the chat tool and the "Make a video of this" action are installed
	chat_tool_models?: string[]; // host models whose new chats have the video tool on
	host_link_enabled?: boolean; // a host banner above a new chat links to this page
	base_url: string;
	api_key?: string | null;
	default_text_model: string;
	default_image_model: string;
	default_enhance_prompt: boolean;
	model_credits_config: Record<string, number>;
	disabled_models: string[];
	max_concurrent_tasks: number;
	task_timeout_seconds: number;
	poll_interval_seconds: number;
	relay_max_requests_per_second: number;
	submits_per_minute: number;
	uploads_per_minute: number;
	blocked_words: string[];
	storage_backend: 'local' | 'cos' | 's3';
	storage_prefix: string;
	cos_region: string;
	cos_bucket: string;
	cos_secret_id: string;
	cos_secret_key?: string | null;
	cos_domain: string;
	cos_endpoint: string;
	s3_endpoint_url: string;
	s3_region: string;
	s3_bucket: string;
	s3_access_key_id: string;
	s3_secret_access_key?: string | null;
	max_video_mb: number;
	retention_days: number;
	signed_url_seconds: number;
	/** {model: {per_second, resolutions}}: extras added to the base price (the whole map is replaced). */
	model_pricing?: Record<string, ModelPricingRule>;
	/** {provider: [keys]}: keys of a request's `extra` object passed to that provider. */
	extra_parameters?: Record<string, string[]>;
	/** {provider: {setting: value}} for every provider but the relay; an empty secret keeps the stored one. */
	provider_settings?: Record<string, Record<string, string>>;
	/** Secrets to remove: api_key, cos_secret_key, s3_secret_access_key or "<provider>.<setting>". */
	clear_secrets?: string[];
	/** The admin's own model entries (the whole list is replaced). */
	custom_models?: CustomModel[];
	/** Granted once to each user, the first time they use the module; 0: none. */
	welcome_credits?: number;
	/** Periodic grants per group or to everyone (the whole list is replaced). */
	credit_allowances?: CreditAllowance[];
}

/** How an allowance grants each period: the balance topped up to `amount`, or `amount` more. */
export type AllowanceMode = 'top_up' | 'add';
export type AllowancePeriod = 'day' | 'week' | 'month';

/** A periodic grant (config `credit_allowances`). Its id is part of each grant's idempotency key:
 * it is kept once created (a new id would grant the current period again). */
export interface CreditAllowance {
	id: string; // [A-Za-z0-9_-]{1,40}
	group_id: string | null; // null: every user
	mode: AllowanceMode;
	amount: number; // whole credits, 1 or more
	period: AllowancePeriod;
}

/** An admin's model entry (config `custom_models`): a new model of a registered provider, or the
 * replacement of a declared one with the same id. */
export interface CustomModel {
	id: string;
	provider: string;
	name: string;
	kind: 'text' | 'image';
	default_price: number;
	wire_id?: string;
	max_images?: number;
	image_role?: ImageRole | null;
	aspect_ratios?: string[];
	durations?: number[];
	default_duration?: number | null;
	resolutions?: string[];
	negative_prompt?: boolean;
	seed?: boolean;
	audio?: boolean;
	person_generation?: string[];
	operations?: DeriveOperation[];
}

/** An admin's price extras of one model (config `model_pricing`); integer credits. */
export interface ModelPricingRule {
	per_second: number;
	resolutions: Record<string, number>;
}

/** What GET /config returns: the form without secrets, plus `<secret>_set` and `<secret>_last4`. */
export interface AdminConfig
	extends Omit<
		ConfigForm,
		| 'api_key'
		| 'cos_secret_key'
		| 's3_secret_access_key'
		| 'provider_settings'
		| 'clear_secrets'
		| 'model_pricing'
		| 'extra_parameters'
		| 'custom_models'
	> {
	updated_at: number;
	custom_models?: CustomModel[];
	model_pricing: Record<string, ModelPricingRule>;
	extra_parameters: Record<string, string[]>;
	/** Per provider (not the relay): plain settings as values, secrets only as `<name>_set` / `<name>_last4`. */
	provider_settings: Record<string, Record<string, string | boolean>>;
	api_key_set: boolean;
	api_key_last4: string;
	cos_secret_key_set: boolean;
	cos_secret_key_last4: string;
	s3_secret_access_key_set: boolean;
	s3_secret_access_key_last4: string;
}

export interface UserConfig {
	enabled: boolean;
	default_text_model: string;
	default_image_model: string;
	default_enhance_prompt: boolean;
	model_credits_config: Record<string, number>;
	max_concurrent_tasks: number;
}

/** One setting a provider declares (GET /providers); secret ones are write-only. The optional
 * fields are absent from servers before the direct providers. */
export interface ProviderSetting {
	name: string;
	label: string;
	secret: boolean;
	/** false: the provider works without it (the default, if any, is used). */
	required?: boolean;
	/** What an empty value means. */
	default?: string;
	/** The only values it takes (shown as a select). */
	choices?: string[];
	/** Long text such as a service-account JSON key (shown as a textarea). */
	multiline?: boolean;
	/** One sentence for the admin. */
	help?: string;
}

/** GET /providers: every registered provider, for the admin page. */
export interface ProviderInfo {
	name: string;
	label: string;
	can_cancel: boolean;
	configured: boolean;
	settings: ProviderSetting[];
	models: string[];
}

export interface ConnectionResult {
	success: boolean;
	status: string;
	message: string;
}

export interface Stats {
	success: boolean;
	by_status: Record<string, number>;
	unfinished: number;
	oldest_unfinished: {
		id: string;
		user_id: string;
		status: string;
		model: string;
		created_at: number;
		age_seconds: number;
	} | null;
	stored_videos_by_status: Record<string, number>;
	refunds_since: number;
	refund_count: number;
	refunded_credits: number;
	this_worker: { id: string; polls: number } | null;
}

export interface LedgerEntry {
	id: number;
	user_id: string;
	amount: number;
	balance: number;
	kind: string;
	reason: string;
	task_id?: string | null;
	actor_id?: string | null;
	created_at: number;
}

export type UsageGroupBy = 'user' | 'model' | 'provider' | 'day';

/** GET /usage's query: tasks created in [since, until) (epoch seconds); user_id is for admins. */
export interface UsageQuery {
	group_by?: UsageGroupBy;
	since?: number;
	until?: number;
	user_id?: string;
}

/** One row of the usage report: a user id, model, provider or UTC day (yyyy-mm-dd). */
export interface UsageRow {
	key: string;
	tasks: number;
	successes: number;
	failures: number;
	charged: number;
	refunded: number;
	median_seconds: number | null;
	p95_seconds: number | null;
}

export interface UsageReport {
	success: boolean;
	group_by: UsageGroupBy;
	since: number | null;
	until: number | null;
	rows: UsageRow[];
}

/** A host user as the admin's user picker shows them (GET /admin/users). */
export interface AdminUser {
	id: string;
	name: string;
	email: string;
	role: string;
	balance: number;
}

export interface AdminUsersPage {
	users: AdminUser[];
	total: number;
	page: number;
	limit: number;
}

/** One of the host's groups (GET /admin/groups); members may be unknown (null). */
export interface HostGroup {
	id: string;
	name: string;
	members: number | null;
}

/** POST /credits/bulk: a grant (> 0) or deduction (< 0) for every user or one group's members. */
export interface BulkCreditForm {
	amount: number;
	reason: string;
	group_id?: string | null; // omitted or null: every user
	idempotency_key: string; // [A-Za-z0-9_.:-]{1,80}; a retry with it applies only what is missing
}

export interface BulkCreditResult {
	success: boolean;
	users: number; // targeted
	applied: number;
	replayed: number; // already applied by an earlier request with the same key
	skipped_insufficient: string[]; // user ids whose balance was below the deduction
}

export interface AuditEntry {
	id: number;
	actor_id: string;
	action: string;
	target_user_id?: string | null;
	detail: Record<string, unknown>;
	created_at: number;
}

export interface Page<T> {
	success: boolean;
	entries: T[];
	page: number;
	limit: number;
	total: number;
}

export interface HistoryPage {
	success: boolean;
	tasks: Task[];
	page: number;
	limit: number;
	total: number;
}

/** GET /gallery: a page of the user's tasks, newest first; pass next_cursor back for the next one
 * (null: this was the last page). */
export interface GalleryPage {
	success: boolean;
	tasks: Task[];
	next_cursor: string | null;
}

/** The filters GET /gallery takes; since/until are epoch seconds (until excluded). */
export interface GalleryQuery {
	cursor?: string | null;
	limit?: number; // 1..200, default 48
	q?: string; // searched in the prompt text
	status?: string; // a status or RUNNING (HISTORY_FILTERS)
	model?: string;
	since?: number;
	until?: number;
}

export interface SubmitForm extends VideoParameters {
	prompt: string;
	model?: string;
	enhance_prompt?: boolean;
	idempotency_key?: string;
	/** The price the user was shown: a higher one at submit time is refused (409), nothing charged. */
	max_credits?: number;
}

export interface SubmitResult {
	success: boolean;
	task: Task;
	credits: number;
}

/** POST /task/{id}/remix or /extend: what should change, or happen next. */
export interface DeriveForm {
	prompt: string;
	idempotency_key?: string;
	max_credits?: number; // as in SubmitForm
}

/** An input image of image-to-video: a plain reference takes the model's next slot, `{image, role}` names it. */
export type ImageInput = string | { image: string; role: ImageSlot };

export interface UploadResult {
	success: boolean;
	id: string;
	url: string;
	mime_type: string;
	size: number;
	width: number;
	height: number;
}
