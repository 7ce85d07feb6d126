// Live task updates: the module pushes `google-video:progress` (the task's public dict) to the
// socket.io room user:{id}. Sockets can be blocked by proxies or drop silently, so every watched
// task is also polled: every 2 s while the socket is down, every 10 s as a safety net while it is up.
import { io, type Socket } from 'socket.io-client';
import { getTask, TERMINAL_STATUSES, type Task } from '$lib/apis/google-video';

export const PROGRESS_EVENT = 'google-video:progress';
const POLL_WITHOUT_SOCKET_MS = 2000;
const POLL_WITH_SOCKET_MS = 10000;

type Listener = (task: Task) => void;

let socket: Socket | null = null;
const listeners = new Set<Listener>();

export const isFinished = (task: Pick<Task, 'status'>) => TERMINAL_STATUSES.includes(task.status);
export const progressPercent = (task: Pick<Task, 'progress' | 'status'>) =>
	task.status === 'SUCCESS' ? 100 : Math.max(0, Math.min(100, parseInt(task.progress, 10) || 0));

/** The host's socket.io server accepts only WebSocket, or only long-polling, depending on its
 * ENABLE_WEBSOCKET_SUPPORT; its public /api/config says which (as the host's own layout reads it). */
const hostTransports = async (): Promise<string[]> => {
	try {
		const res = await fetch('/api/config', { headers: { Accept: 'application/json' } });
		const enabled = (await res.json())?.features?.enable_websocket ?? true;
		return enabled ? ['websocket'] : ['polling'];
	} catch {
		return ['websocket'];
	}
};

/** Connects once per page; safe to call repeatedly. */
export const connectSocket = async (token: string): Promise<Socket> => {
	if (socket) return socket;
	const transports = await hostTransports();
	if (socket) return socket;
	socket = io(window.location.origin, {
		path: '/ws/socket.io',
		transports,
		auth: { token },
		reconnection: true,
		reconnectionDelay: 1000,
		reconnectionDelayMax: 5000
	});
	// The host joins the user's room on `user-join`, as its own layout does after connecting.
	socket.on('connect', () => {
		socket?.emit('user-join', { auth: { token } });
		// Exposed for support and the end-to-end tests: is the live channel up or are we polling?
		document.documentElement.dataset.gvSocket = 'connected';
	});
	socket.on('disconnect', () => (document.documentElement.dataset.gvSocket = 'disconnected'));
	socket.on(PROGRESS_EVENT, publishTaskUpdate);
	return socket;
};

export const socketConnected = () => socket?.connected ?? false;

/** Tells every listener a task's new state: each pushed one, and each one a poll brought (so a
 * poll made for one part of the page updates the others too). */
export const publishTaskUpdate = (task: Task) => listeners.forEach((fn) => fn(task));

/** Calls `fn` for every task update heard (any task of this user). Returns the unsubscribe. */
export const onTaskUpdate = (fn: Listener): (() => void) => {
	listeners.add(fn);
	return () => listeners.delete(fn);
};

/** Follows one task until it finishes; returns a stop function. */
export const watchTask = (token: string, taskId: string, onUpdate: Listener): (() => void) => {
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let lastPoll = 0;
	const stop = () => {
		stopped = true;
		clearTimeout(timer);
		unsubscribe();
	};
	const deliver = (task: Task) => {
		if (stopped || task.id !== taskId) return;
		onUpdate(task);
		if (isFinished(task)) stop();
	};
	const unsubscribe = onTaskUpdate(deliver);
	const tick = async () => {
		if (stopped) return;
		const interval = socketConnected() ? POLL_WITH_SOCKET_MS : POLL_WITHOUT_SOCKET_MS;
		if (Date.now() - lastPoll >= interval) {
			lastPoll = Date.now();
			try {
				publishTaskUpdate((await getTask(token, taskId)).task); // reaches deliver too
			} catch (e) {
				console.warn('google video: polling task failed', e);
			}
		}
		if (!stopped) timer = setTimeout(tick, 500);
	};
	lastPoll = Date.now(); // the caller already holds the fresh task from submit
	timer = setTimeout(tick, 500);
	return stop;
};
