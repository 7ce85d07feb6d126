// Display helpers shared by the tabs.
export const formatTime = (seconds: number | null | undefined, lang = 'en') =>
	seconds ? new Date(seconds * 1000).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US') : '-';

/** A short date and time for a card: "Nov 29, 2:05 PM", with the year when it is not this year's. */
export const formatShortTime = (seconds: number | null | undefined, lang = 'en', now = Date.now()) => {
	if (!seconds) return '-';
	const date = new Date(seconds * 1000);
	const year = date.getFullYear() === new Date(now).getFullYear() ? {} : { year: 'numeric' as const };
	return date.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', {
		...year,
		month: 'short',
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit'
	});
};

export const formatBytes = (bytes: number | null | undefined) => {
	if (!bytes) return '-';
	const units = ['B', 'KB', 'MB', 'GB'];
	let i = 0;
	let n = bytes;
	while (n >= 1024 && i < units.length - 1) {
		n /= 1024;
		i++;
	}
	return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
};

export const formatDuration = (seconds: number) => {
	if (seconds < 60) return `${Math.round(seconds)} s`;
	if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
	return `${(seconds / 3600).toFixed(1)} h`;
};

/** Tailwind classes for a status badge. */
export const statusClass = (status: string) =>
	status === 'SUCCESS'
		? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200'
		: status === 'FAILURE'
			? 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200'
			: status === 'CANCELLED'
				? 'bg-gray-200 text-gray-800 dark:bg-gray-800 dark:text-gray-200'
				: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200';
