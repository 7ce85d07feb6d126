// Svelte 5 with runes; TypeScript in <script lang="ts"> is stripped by the Svelte compiler itself.
export default { compilerOptions: { runes: true } };
