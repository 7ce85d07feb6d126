// When an ended task is announced (once, and only if it ended while the page was open), what is
// said in both languages, and when the browser is asked to show a notification.
import { describe, expect, it } from 'vitest';
import { translate } from '$lib/i18n';
import type { TaskStatus } from '$lib/apis/google-video';
import { createEndTracker, endMessage, notifyState, wantsBrowserNotification } from './notify';

const START = 1_700_000_000;
const task = (id: string, status: TaskStatus, completed_at: number | null = null) => ({
	id,
	status,
	completed_at,
	updated_at: completed_at ?? START
});

describe('createEndTracker', () => {
	it('announces a task heard of running when it ends, once', () => {
		const tracker = createEndTracker(START);
		expect(tracker.update(task('a', 'SUBMITTED'))).toBe(false);
		expect(tracker.update(task('a', 'IN_PROGRESS'))).toBe(false);
		expect(tracker.running()).toEqual(['a']);
		expect(tracker.update(task('a', 'SUCCESS', START + 30))).toBe(true);
		expect(tracker.update(task('a', 'SUCCESS', START + 30))).toBe(false); // the poll after the push
		expect(tracker.running()).toEqual([]);
	});

	it('announces an end first heard of only if it came after the page opened', () => {
		const tracker = createEndTracker(START, 60);
		expect(tracker.update(task('new', 'FAILURE', START + 5))).toBe(true);
		expect(tracker.update(task('edge', 'SUCCESS', START - 30))).toBe(true); // within the clocks' slack
		expect(tracker.update(task('old', 'SUCCESS', START - 3600))).toBe(false);
		expect(tracker.update(task('old', 'SUCCESS', START - 3600))).toBe(false);
	});

	it('never announces what was known when the page opened, but does a known running task that ends', () => {
		const tracker = createEndTracker(START);
		tracker.know(task('done', 'SUCCESS', START));
		tracker.know(task('busy', 'QUEUED'));
		expect(tracker.update(task('done', 'SUCCESS', START))).toBe(false);
		expect(tracker.running()).toEqual(['busy']);
		expect(tracker.update(task('busy', 'CANCELLED', START + 9))).toBe(true);
	});

	it('does not go back on an end already heard of', () => {
		const tracker = createEndTracker(START);
		tracker.update(task('a', 'IN_PROGRESS'));
		expect(tracker.update(task('a', 'FAILURE', START + 1))).toBe(true);
		expect(tracker.update(task('a', 'IN_PROGRESS'))).toBe(false); // a late, older state
		expect(tracker.update(task('a', 'FAILURE', START + 1))).toBe(false);
	});

	it('stops following a forgotten task', () => {
		const tracker = createEndTracker(START);
		tracker.update(task('gone', 'IN_PROGRESS'));
		tracker.forget('gone');
		expect(tracker.running()).toEqual([]);
	});
});

describe('endMessage', () => {
	const en = (key: string, vars?: Record<string, unknown>) => translate('en', key, vars);
	const zh = (key: string, vars?: Record<string, unknown>) => translate('zh', key, vars);
	const ended = (status: TaskStatus, fail_reason: string | null = null, credits_refunded = 0) =>
		({ status, fail_reason, credits_refunded }) as Parameters<typeof endMessage>[0];

	it('says the video is ready, or why it failed and what came back', () => {
		expect(endMessage(ended('SUCCESS'), en)).toBe('Your video is ready');
		expect(endMessage(ended('FAILURE', 'Content policy', 20), en)).toBe('The video failed: Content policy (20 credits refunded)');
		expect(endMessage(ended('FAILURE', 'Timed out'), en)).toBe('The video failed: Timed out');
		expect(endMessage(ended('FAILURE', '  '), en)).toBe('The video failed: unknown reason');
		expect(endMessage(ended('CANCELLED', null, 5), en)).toBe('The video was cancelled (5 credits refunded)');
		expect(endMessage(ended('CANCELLED'), en)).toBe('The video was cancelled');
	});

	it('says it in Chinese too', () => {
		expect(endMessage(ended('SUCCESS'), zh)).toBe('你的视频已生成');
		expect(endMessage(ended('FAILURE', 'Content policy', 20), zh)).toBe('视频生成失败：Content policy（已退还 20 积分）');
		expect(endMessage(ended('FAILURE', null), zh)).toBe('视频生成失败：未知原因');
		expect(endMessage(ended('CANCELLED', null, 5), zh)).toBe('视频已取消（已退还 5 积分）');
		expect(endMessage(ended('CANCELLED'), zh)).toBe('视频已取消');
	});
});

describe('browser notifications', () => {
	it('are on only when asked for here and allowed by the browser', () => {
		expect(notifyState(null, 'on')).toBe('unsupported');
		expect(notifyState('denied', 'on')).toBe('blocked');
		expect(notifyState('granted', 'on')).toBe('on');
		expect(notifyState('granted', 'off')).toBe('off');
		expect(notifyState('granted', null)).toBe('off');
		expect(notifyState('default', 'on')).toBe('off'); // the permission was reset in the browser
	});

	it('are shown only to a user who is not looking at the page', () => {
		expect(wantsBrowserNotification('on', true, true)).toBe(false);
		expect(wantsBrowserNotification('on', false, false)).toBe(true);
		expect(wantsBrowserNotification('on', true, false)).toBe(true);
		expect(wantsBrowserNotification('off', false, false)).toBe(false);
		expect(wantsBrowserNotification('blocked', false, false)).toBe(false);
	});
});
