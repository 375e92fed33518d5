import { defineConfig } from 'vite';

/**
 * HTTP headers the production build is served with (`npm start`), and what a static host should send too: the
 * pages' Content-Security-Policy (no other origin, no inline script) plus what a meta tag cannot say
 * (frame-ancestors), no MIME sniffing, no referrer.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
import { VitePWA } from 'vite-plugin-pwa';

// The app is static and local-first: no request leaves the origin. Workers are ES modules (DESIGN.md §7).
// The service worker precaches everything the app needs offline: pages, JS, the geometry wasm, onnxruntime's
// wasm, the ONNX models and the examples; it waits for the user to accept an update (registerType 'prompt').
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0, // .wasm stays a separate, cacheable file
    chunkSizeWarningLimit: 1200,
    // Three pages: the workbench, the screen and the in-app force-field benchmark.
    rolldownOptions: { input: { main: 'index.html', screen: 'screen.html', bench: 'bench.html' } },
  },
  plugins: [
    VitePWA({
      registerType: 'prompt',
      injectRegister: null, // src/ui/offline.ts registers it and announces updates
      includeAssets: ['favicon.svg', 'examples/*'],
      manifest: {
        name: 'heterolab: 2D-material heterostructure workbench',
        short_name: 'heterolab',
        description: 'Build 2D-film / metal-surface interfaces, pre-relax them and estimate binding, in your browser and offline.',
        theme_color: '#1f3b57',
        background_color: '#f4f6f9',
        display: 'standalone',
        start_url: './',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,onnx,svg,png,json,cif,vasp,webmanifest}'],
        // onnxruntime-web's wasm (~12 MB) and the models exceed workbox's 2 MB default.
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, headers: SECURITY_HEADERS },
});
