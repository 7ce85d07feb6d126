// Builds the static UI that the module serves at /google-video/ (see backend/google_video_loader.py).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import tailwindcss from '@tailwindcss/vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
	root: here('./src/google-video'),
	// Relative asset URLs, so the build works under /google-video/ or any other mount point.
	base: './',
	plugins: [tailwindcss(), svelte({ configFile: here('./svelte.config.js') })],
	resolve: { alias: { $lib: here('./src/lib') } },
	build: { outDir: here('./build/google-video'), emptyOutDir: true, chunkSizeWarningLimit: 600 },
	server: {
		host: '127.0.0.1',
		// `npm run dev` against a local Open WebUI (make serve) on port 8080.
		proxy: { '/api': 'http://127.0.0.1:8080', '/ws': { target: 'http://127.0.0.1:8080', ws: true } }
	},
	test: {
		root: here('.'),
		include: ['src/**/*.test.ts'],
		environment: 'node'
	}
});
