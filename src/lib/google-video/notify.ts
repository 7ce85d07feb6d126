// When to announce that a task has ended, what to say, and whether the browser may be asked to show
// a notification too. Pure functions, tested in notify.test.ts; notifier.ts runs them in the page.
import { TERMINAL_STATUSES, type Task, type TaskStatus } from '$lib/apis/google-video';

type Translate = (key: string, vars?: Record<string, unknown>) => string;
type Tracked = Pick<Task, 'id' | 'status' | 'completed_at' | 'updated_at'>;

const ended = (status: string) => TERMINAL_STATUSES.includes(status as TaskStatus);

/** Follows the states heard of each task and says, once per task, when one has just ended: it was
 * heard of unfinished before, or heard of for the first time as ended no earlier than `since`
 * (epoch seconds, the page's start) minus `slack` (clocks differ a little). A task that had ended
 * before the page opened is not news, and neither is the same end heard twice (socket and poll). */
export const createEndTracker = (since: number, slack = 60) => {
	const last = new Map<string, string>();
	const told = new Set<string>();
	return {
		/** Records the task's state; true when its end should be announced now. */
		update(task: Tracked): boolean {
			const previous = last.get(task.id);
			last.set(task.id, task.status);
			if (!ended(task.status) || told.has(task.id)) return false;
			told.add(task.id);
			if (previous !== undefined) return !ended(previous);
			return (task.completed_at ?? task.updated_at ?? 0) >= since - slack;
		},
		/** Records a task's state as already known: an end heard of this way is never announced
		 * (the tasks listed when the page opens). */
		know(task: Tracked) {
			if (!last.has(task.id)) last.set(task.id, task.status);
			if (ended(last.get(task.id)!)) told.add(task.id);
		},
		/** The tasks last heard of as unfinished (to be polled when no push comes). */
		running(): string[] {
			return [...last].filter(([, status]) => !ended(status)).map(([id]) => id);
		},
		/** Stops following a task (e.g. it was deleted). */
		forget(id: string) {
			last.delete(id);
		}
	};
};

/** The announcement of an ended task: "Your video is ready", or why it failed and what came back. */
export const endMessage = (
	task: Pick<Task, 'status' | 'fail_reason' | 'credits_refunded'>,
	t: Translate
): string => {
	const n = task.credits_refunded;
	if (task.status === 'SUCCESS') return t('Your video is ready');
	if (task.status === 'CANCELLED')
		return n > 0 ? t('The video was cancelled ({{n}} credits refunded)', { n }) : t('The video was cancelled');
	const reason = task.fail_reason?.trim() || t('unknown reason');
	return n > 0
		? t('The video failed: {{reason}} ({{n}} credits refunded)', { reason, n })
		: t('The video failed: {{reason}}', { reason });
};

/** localStorage key of the user's choice about browser notifications ('on' | 'off'). */
export const NOTIFY_KEY = 'google-video.notify';

/** unsupported: no Notification API; blocked: the user refused it in the browser; on: asked for
 * and allowed; off: not asked for (or turned off here). */
export type NotifyState = 'unsupported' | 'blocked' | 'on' | 'off';

export const notifyState = (permission: NotificationPermission | null, stored: string | null): NotifyState => {
	if (permission === null) return 'unsupported';
	if (permission === 'denied') return 'blocked';
	return permission === 'granted' && stored === 'on' ? 'on' : 'off';
};

/** A browser notification is for a user who is not looking at the page (the toast is for one who is). */
export const wantsBrowserNotification = (state: NotifyState, visible: boolean, focused: boolean) =>
	state === 'on' && (!visible || !focused);
