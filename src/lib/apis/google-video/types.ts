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

export type ImageRole = 'first_frame' | 'first_last_frame' | 'components';

export interface Task {
	id: string;
	user_id: string;
	external_task_id: string | null;
	task_type: 'text_to_video' | 'image_to_video';
	provider: string;
	status: TaskStatus;
	model: string;
	prompt: string;
	enhance_prompt: boolean;
	aspect_ratio: string | null;
	input_images: string[];
	progress: string; // "42%"
	submit_time: number | null;
	start_time: number | null;
	finish_time: number | null;
	video_url: string | null;
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
	price: number;
	enabled: boolean;
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
}

/** What GET /config returns: the form without secrets, plus `<secret>_set` and `<secret>_last4`. */
export interface AdminConfig extends Omit<ConfigForm, 'api_key' | 'cos_secret_key' | 's3_secret_access_key'> {
	updated_at: number;
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

export interface SubmitForm {
	prompt: string;
	model?: string;
	enhance_prompt?: boolean;
	aspect_ratio?: '16:9' | '9:16' | null;
	idempotency_key?: string;
}

export interface SubmitResult {
	success: boolean;
	task: Task;
	credits: number;
}

export interface UploadResult {
	success: boolean;
	id: string;
	url: string;
	mime_type: string;
	size: number;
	width: number;
	height: number;
}
