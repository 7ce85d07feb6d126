// Announces the end of the user's tasks wherever they are in the page: a toast (Toaster.svelte) and,
// when they asked for it and are not looking, a browser notification. Ends are heard from the socket
// and from every poll (progress.ts publishes both); tasks heard of as running are polled here too
// when no push comes, and while the socket is down the running tasks are looked up again now and
// then (a task started in the chat or another tab).
import { writable } from 'svelte/store';
import { getGallery, getTask, type Task } from '$lib/apis/google-video';
import { onTaskUpdate, publishTaskUpdate, socketConnected } from './progress';
import { createEndTracker, NOTIFY_KEY, notifyState, wantsBrowserNotification, type NotifyState } from './notify';

const TICK_MS = 1000;
const POLL_WITHOUT_SOCKET_MS = 2000;
const POLL_WITH_SOCKET_MS = 10000;
const DISCOVER_WITHOUT_SOCKET_MS = 20000;
const MAX_FAILED_POLLS = 5;
const RECENT = 24;
export const TOAST_MS = 15000;
const MAX_TOASTS = 4;

export interface Toast {
	id: number;
	task: Task;
}

export const toasts = writable<Toast[]>([]);
let nextToast = 1;

export const showToast = (task: Task) =>
	toasts.update((list) => [...list.filter((t) => t.task.id !== task.id), { id: nextToast++, task }].slice(-MAX_TOASTS));

export const dismissToast = (id: number) => toasts.update((list) => list.filter((t) => t.id !== id));

/** A request to show one task in the player (from a toast or a notification): the page opens the
 * History tab, whose gallery takes it. */
export const viewRequest = writable<string | null>(null);

/** How many player dialogs are open (modal: the page behind them is inert, toasts go inside them). */
export const openDialogs = writable(0);

export const browserNotifyState = (): NotifyState =>
	notifyState(
		typeof Notification === 'undefined' ? null : Notification.permission,
		typeof localStorage === 'undefined' ? null : localStorage.getItem(NOTIFY_KEY)
	);

/** Shows a browser notification if the user asked for them and is not looking at the page. */
export const notifyBrowser = (title: string, body: string, tag: string, onclick: () => void) => {
	if (!wantsBrowserNotification(browserNotifyState(), document.visibilityState === 'visible', document.hasFocus()))
		return;
	try {
		const n = new Notification(title, { body, tag, icon: '/static/favicon.png' });
		n.onclick = () => {
			window.focus();
			onclick();
			n.close();
		};
	} catch (e) {
		// Some browsers (Android) only show notifications from a service worker.
		console.warn('google video: could not show a notification', e);
	}
};

/** Starts listening; `onEnded` is called once for each task of the user that ends from now on.
 * Returns the stop function. */
export const startNotifier = (token: string, onEnded: (task: Task) => void): (() => void) => {
	const tracker = createEndTracker(Date.now() / 1000);
	const heard = new Map<string, number>(); // task id -> when its state was last heard
	const failures = new Map<string, number>();
	let stopped = false;
	let busy = false;
	let lastDiscovery = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;

	const consider = (task: Task) => {
		heard.set(task.id, Date.now());
		failures.delete(task.id);
		if (tracker.update(task)) onEnded(task);
	};
	const unsubscribe = onTaskUpdate(consider);

	// The user's running tasks and latest ones: at the start only to know them (what had ended
	// before is not news), later (while the socket is down) to hear of ends no push brought.
	const discover = async (announce: boolean) => {
		lastDiscovery = Date.now();
		const [running, recent] = await Promise.all([
			getGallery(token, { status: 'RUNNING', limit: 200 }),
			getGallery(token, { limit: RECENT })
		]);
		for (const task of [...running.tasks, ...recent.tasks]) {
			if (announce) consider(task);
			else {
				tracker.know(task);
				heard.set(task.id, Date.now());
			}
		}
	};

	const poll = async (id: string) => {
		try {
			publishTaskUpdate((await getTask(token, id)).task); // reaches consider and the rest of the page
		} catch (e) {
			heard.set(id, Date.now());
			const n = (failures.get(id) ?? 0) + 1;
			failures.set(id, n);
			if (n >= MAX_FAILED_POLLS) tracker.forget(id); // deleted, or the server keeps refusing it
			console.warn('google video: could not poll a task', e);
		}
	};

	const tick = async () => {
		if (stopped) return;
		if (!busy) {
			busy = true;
			try {
				const live = socketConnected();
				if (!live && Date.now() - lastDiscovery >= DISCOVER_WITHOUT_SOCKET_MS) await discover(true);
				const interval = live ? POLL_WITH_SOCKET_MS : POLL_WITHOUT_SOCKET_MS;
				const due = tracker.running().filter((id) => Date.now() - (heard.get(id) ?? 0) >= interval);
				await Promise.all(due.map(poll));
			} catch (e) {
				console.warn('google video: could not look up running tasks', e);
			} finally {
				busy = false;
			}
		}
		if (!stopped) timer = setTimeout(tick, TICK_MS);
	};

	discover(false)
		.catch((e) => console.warn('google video: could not look up running tasks', e))
		.finally(() => {
			if (!stopped) timer = setTimeout(tick, TICK_MS);
		});

	return () => {
		stopped = true;
		clearTimeout(timer);
		unsubscribe();
	};
};
