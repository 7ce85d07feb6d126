// Every component compiles without a warning: a warning usually means a real bug (e.g. a local name
// that shadows a rune such as `derived`, which silently turns $derived values into snapshots).
import { describe, expect, it } from 'vitest';
import { compile } from 'svelte/compiler';

const SOURCES = import.meta.glob(['../**/*.svelte', '../../google-video/**/*.svelte'], {
	query: '?raw',
	import: 'default',
	eager: true
}) as Record<string, string>;

describe('components', () => {
	it('are all found', () => {
		expect(Object.keys(SOURCES).length).toBeGreaterThan(10);
	});

	it.each(Object.keys(SOURCES))('%s compiles without warnings', (file) => {
		const { warnings } = compile(SOURCES[file], { runes: true, filename: file });
		expect(warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([]);
	});
});
