import { defineConfig } from 'vite';

// The app is static and local-first: no request leaves the origin. Workers are ES modules (DESIGN.md §7).
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0, // .wasm stays a separate, cacheable file
    chunkSizeWarningLimit: 1200,
    // Two pages: the workbench and the in-app force-field benchmark.
    rolldownOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
