// The API client against a mocked fetch: URL, method, headers, body, and the error it throws.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from './index';

const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
const fail = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

let fetchMock: ReturnType<typeof vi.fn>;

beforeEach(() => {
	fetchMock = vi.fn(async () => ok({ success: true }));
	vi.stubGlobal('fetch', fetchMock);
	vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
	vi.unstubAllGlobals();
	vi.restoreAllMocks();
});

const lastCall = () => {
	const [url, init] = fetchMock.mock.calls.at(-1)! as [string, RequestInit];
	return { url, init, headers: (init?.headers ?? {}) as Record<string, string> };
};

// [name, call, method, url, json body or undefined]
const CASES: [string, () => Promise<unknown>, string, string, unknown][] = [
	['getHealth', () => api.getHealth('tk'), 'GET', '/api/v1/google-video/health', undefined],
	['getModels', () => api.getModels('tk'), 'GET', '/api/v1/google-video/models', undefined],
	['getConfig', () => api.getConfig('tk'), 'GET', '/api/v1/google-video/config', undefined],
	[
		'saveConfig',
		() => api.saveConfig('tk', { enabled: true } as api.ConfigForm),
		'POST',
		'/api/v1/google-video/config',
		{ enabled: true }
	],
	[
		'testConnection',
		() => api.testConnection('tk', { base_url: 'http://r' }),
		'POST',
		'/api/v1/google-video/test-connection',
		{ base_url: 'http://r' }
	],
	[
		'testConnection (another provider)',
		() => api.testConnection('tk', { provider: 'fake', settings: { token: 'fk-1' } }),
		'POST',
		'/api/v1/google-video/test-connection',
		{ provider: 'fake', settings: { token: 'fk-1' } }
	],
	['getProviders', () => api.getProviders('tk'), 'GET', '/api/v1/google-video/providers', undefined],
	[
		'saveConfig (provider settings, prices, removed secrets)',
		() =>
			api.saveConfig('tk', {
				model_pricing: { veo3: { per_second: 2, resolutions: {} } },
				provider_settings: { fake: { token: 'fk-1' } },
				clear_secrets: ['fake.token']
			} as Partial<api.ConfigForm> as api.ConfigForm),
		'POST',
		'/api/v1/google-video/config',
		{
			model_pricing: { veo3: { per_second: 2, resolutions: {} } },
			provider_settings: { fake: { token: 'fk-1' } },
			clear_secrets: ['fake.token']
		}
	],
	['getAdminStats', () => api.getAdminStats('tk'), 'GET', '/api/v1/google-video/admin/stats', undefined],
	[
		'getAuditLog',
		() => api.getAuditLog('tk', { action: 'credits.adjust', page: 2, limit: 5 }),
		'GET',
		'/api/v1/google-video/admin/audit?action=credits.adjust&page=2&limit=5',
		undefined
	],
	[
		'adjustCredits',
		() => api.adjustCredits('tk', 'u1', -5, 'oops'),
		'POST',
		'/api/v1/google-video/credits/adjust',
		{ user_id: 'u1', amount: -5, reason: 'oops' }
	],
	[
		'adjustCredits (with an idempotency key)',
		() => api.adjustCredits('tk', 'u1', 8, 'bonus', 'k-1'),
		'POST',
		'/api/v1/google-video/credits/adjust',
		{ user_id: 'u1', amount: 8, reason: 'bonus', idempotency_key: 'k-1' }
	],
	[
		'searchUsers',
		() => api.searchUsers('tk', { query: 'ann lee', page: 2, limit: 10 }),
		'GET',
		'/api/v1/google-video/admin/users?query=ann+lee&page=2&limit=10',
		undefined
	],
	['searchUsers (everyone)', () => api.searchUsers('tk', { query: '' }), 'GET', '/api/v1/google-video/admin/users', undefined],
	['getGroups', () => api.getGroups('tk'), 'GET', '/api/v1/google-video/admin/groups', undefined],
	[
		'bulkCredits',
		() => api.bulkCredits('tk', { amount: 7, reason: 'launch', group_id: 'g1', idempotency_key: 'k-2' }),
		'POST',
		'/api/v1/google-video/credits/bulk',
		{ amount: 7, reason: 'launch', group_id: 'g1', idempotency_key: 'k-2' }
	],
	[
		'getLedger',
		() => api.getLedger('tk', { user_id: 'u 1', page: 1 }),
		'GET',
		'/api/v1/google-video/credits/ledger?user_id=u+1&page=1',
		undefined
	],
	['getOpenApi', () => api.getOpenApi('tk'), 'GET', '/api/v1/google-video/openapi.json', undefined],
	['getUserConfig', () => api.getUserConfig('tk'), 'GET', '/api/v1/google-video/config/user', undefined],
	['getCredits', () => api.getCredits('tk'), 'GET', '/api/v1/google-video/credits', undefined],
	[
		'getQuote',
		() => api.getQuote('tk', { model: 'fake-video', task_type: 'text_to_video', duration_seconds: 4, resolution: '1080p' }),
		'POST',
		'/api/v1/google-video/quote',
		{ model: 'fake-video', task_type: 'text_to_video', duration_seconds: 4, resolution: '1080p' }
	],
	[
		'textToVideo',
		() => api.textToVideo('tk', { prompt: 'a fox', model: 'veo3' }),
		'POST',
		'/api/v1/google-video/text-to-video',
		{ prompt: 'a fox', model: 'veo3' }
	],
	[
		'imageToVideo',
		() => api.imageToVideo('tk', { prompt: 'spin', model: 'veo3-pro-frames', images: ['/x'] }),
		'POST',
		'/api/v1/google-video/image-to-video',
		{ prompt: 'spin', model: 'veo3-pro-frames', images: ['/x'] }
	],
	[
		'imageToVideo (images with roles, person_generation)',
		() =>
			api.imageToVideo('tk', {
				prompt: 'in this style',
				model: 'vertex/veo-2.0-generate-001:references',
				person_generation: 'dont_allow',
				images: [{ image: '/u1', role: 'style_reference' }]
			}),
		'POST',
		'/api/v1/google-video/image-to-video',
		{
			prompt: 'in this style',
			model: 'vertex/veo-2.0-generate-001:references',
			person_generation: 'dont_allow',
			images: [{ image: '/u1', role: 'style_reference' }]
		}
	],
	[
		'remixTask',
		() => api.remixTask('tk', 't/1', { prompt: 'at night', idempotency_key: 'k1' }),
		'POST',
		'/api/v1/google-video/task/t%2F1/remix',
		{ prompt: 'at night', idempotency_key: 'k1' }
	],
	[
		'extendTask',
		() => api.extendTask('tk', 't1', { prompt: 'then it rains' }),
		'POST',
		'/api/v1/google-video/task/t1/extend',
		{ prompt: 'then it rains' }
	],
	[
		'deriveTask',
		() => api.deriveTask('tk', 't1', 'remix', { prompt: 'p' }),
		'POST',
		'/api/v1/google-video/task/t1/remix',
		{ prompt: 'p' }
	],
	[
		'saveConfig (custom models only)',
		() =>
			api.saveConfig('tk', {
				custom_models: [{ id: 'openai/sora-x', provider: 'openai', name: 'Sora X', kind: 'text', default_price: 5 }]
			}),
		'POST',
		'/api/v1/google-video/config',
		{ custom_models: [{ id: 'openai/sora-x', provider: 'openai', name: 'Sora X', kind: 'text', default_price: 5 }] }
	],
	['getTask', () => api.getTask('tk', 'a/b'), 'GET', '/api/v1/google-video/task/a%2Fb', undefined],
	['deleteTask', () => api.deleteTask('tk', 't1'), 'DELETE', '/api/v1/google-video/task/t1', undefined],
	[
		'getHistory',
		() => api.getHistory('tk', { page: 3, limit: 10, status: 'RUNNING' }),
		'GET',
		'/api/v1/google-video/history?page=3&limit=10&status=RUNNING',
		undefined
	],
	[
		'getGallery',
		() => api.getGallery('tk', { cursor: 'abc123', limit: 48, q: 'red fox', status: 'FAILURE', model: 'veo3', since: 10, until: 20 }),
		'GET',
		'/api/v1/google-video/gallery?cursor=abc123&limit=48&q=red+fox&status=FAILURE&model=veo3&since=10&until=20',
		undefined
	],
	['getGallery (first page, no filter)', () => api.getGallery('tk', { cursor: null, q: '' }), 'GET', '/api/v1/google-video/gallery', undefined],
	['getTaskVideoUrl', () => api.getTaskVideoUrl('tk', 't1'), 'GET', '/api/v1/google-video/task/t1/video-url', undefined]
];

describe('API client requests', () => {
	it.each(CASES)('%s', async (_name, call, method, url, body) => {
		await call();
		const { url: gotUrl, init, headers } = lastCall();
		expect(gotUrl).toBe(url);
		expect(init.method).toBe(method);
		expect(headers.authorization).toBe('Bearer tk');
		expect(headers['Content-Type']).toBe('application/json');
		expect(headers.Accept).toBe('application/json');
		expect(init.body === undefined ? undefined : JSON.parse(init.body as string)).toEqual(body);
	});

	it('omits the Authorization header without a token', async () => {
		await api.getHealth();
		expect(lastCall().headers.authorization).toBeUndefined();
	});

	it('returns the parsed body', async () => {
		fetchMock.mockResolvedValueOnce(ok({ success: true, credits: 42 }));
		await expect(api.getCredits('tk')).resolves.toEqual({ success: true, credits: 42 });
	});

	it('uploads an image as multipart without forcing Content-Type', async () => {
		fetchMock.mockResolvedValueOnce(ok({ success: true, id: 'u1', url: '/api/v1/google-video/uploads/u1' }));
		const res = await api.uploadImage('tk', new Blob(['png'], { type: 'image/png' }), 'a.png');
		const { url, init, headers } = lastCall();
		expect(url).toBe('/api/v1/google-video/upload-image');
		expect(init.method).toBe('POST');
		expect(headers['Content-Type']).toBeUndefined();
		expect(headers.authorization).toBe('Bearer tk');
		const file = (init.body as FormData).get('file') as File;
		expect(file.name).toBe('a.png');
		expect(await file.text()).toBe('png');
		expect(res.id).toBe('u1');
	});

	it('fetches an upload as a Blob with the bearer token', async () => {
		fetchMock.mockResolvedValueOnce(new Response('bytes', { status: 200 }));
		const blob = await api.getUploadBlob('tk', 'u1');
		expect(await blob.text()).toBe('bytes');
		expect(lastCall().url).toBe('/api/v1/google-video/uploads/u1');
		expect(lastCall().headers.authorization).toBe('Bearer tk');
	});

	it('builds video URLs, with ?download=true for the download link', () => {
		expect(api.taskVideoUrl('t1')).toBe('/api/v1/google-video/task/t1/video');
		expect(api.taskVideoUrl('t1', true)).toBe('/api/v1/google-video/task/t1/video?download=true');
	});

	it('returns the providers with their settings and models', async () => {
		const relay = {
			name: 'relay',
			label: 'Veo relay',
			can_cancel: false,
			configured: true,
			settings: [
				{ name: 'base_url', label: 'base URL', secret: false },
				{ name: 'api_key', label: 'API key', secret: true }
			],
			models: ['veo3']
		};
		fetchMock.mockResolvedValueOnce(ok({ providers: [relay] }));
		await expect(api.getProviders('tk')).resolves.toEqual({ providers: [relay] });
	});

	it('reads the signed-in user from the host', async () => {
		fetchMock.mockResolvedValueOnce(ok({ id: 'u1', role: 'admin' }));
		expect((await api.getSessionUser('tk')).role).toBe('admin');
		expect(lastCall().url).toBe('/api/v1/auths/');
	});
});

describe('API client errors', () => {
	it('throws the detail of a refused quote', async () => {
		fetchMock.mockResolvedValueOnce(fail(422, { detail: "resolution: 'veo3' does not take a resolution." }));
		await expect(api.getQuote('tk', { model: 'veo3', task_type: 'text_to_video', resolution: '1080p' })).rejects.toBe(
			"resolution: 'veo3' does not take a resolution."
		);
	});

	it('throws the detail of a refused provider test', async () => {
		fetchMock.mockResolvedValueOnce(fail(400, { detail: 'To test settings other than the saved ones, enter the secrets too.' }));
		await expect(api.testConnection('tk', { provider: 'fake', settings: {} })).rejects.toBe(
			'To test settings other than the saved ones, enter the secrets too.'
		);
	});

	it('throws when a non-admin asks for the providers', async () => {
		fetchMock.mockResolvedValueOnce(fail(401, { detail: 'Unauthorized' }));
		await expect(api.getProviders('tk')).rejects.toBe('Unauthorized');
	});

	it('throws the server detail', async () => {
		fetchMock.mockResolvedValueOnce(fail(402, { detail: 'Not enough credits: this model costs 100.' }));
		await expect(api.textToVideo('tk', { prompt: 'x' })).rejects.toBe('Not enough credits: this model costs 100.');
	});

	it('turns FastAPI validation lists into one sentence', async () => {
		fetchMock.mockResolvedValueOnce(
			fail(422, { detail: [{ loc: ['body', 'amount'], msg: 'Value error, amount must not be zero' }] })
		);
		await expect(api.adjustCredits('tk', 'u', 0, 'r')).rejects.toBe('amount: amount must not be zero');
	});

	it('reports a network failure as "Server connection failed"', async () => {
		fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'));
		await expect(api.getCredits('tk')).rejects.toBe('Server connection failed');
	});

	it('handles an error body that is not JSON', async () => {
		fetchMock.mockResolvedValueOnce(new Response('<html>bad gateway</html>', { status: 502 }));
		await expect(api.getCredits('tk')).rejects.toBe('HTTP 502');
	});

	it('throws the detail of a refused remix', async () => {
		fetchMock.mockResolvedValueOnce(fail(409, { detail: 'Only a finished video can be remixed.' }));
		await expect(api.remixTask('tk', 't1', { prompt: 'x' })).rejects.toBe('Only a finished video can be remixed.');
	});

	it('throws the detail of a refused save of custom models', async () => {
		fetchMock.mockResolvedValueOnce(
			fail(422, {
				detail: [{ loc: ['custom_models', 0], msg: "Value error, unknown provider 'acme'; the providers are relay, gemini" }]
			})
		);
		await expect(api.saveConfig('tk', { custom_models: [] })).rejects.toBe(
			"custom_models.0: unknown provider 'acme'; the providers are relay, gemini"
		);
	});

	it('throws the detail of a failed upload fetch', async () => {
		fetchMock.mockResolvedValueOnce(fail(404, { detail: 'Image not found.' }));
		await expect(api.getUploadBlob('tk', 'nope')).rejects.toBe('Image not found.');
	});
});
