/**
 * Registers the service worker (vite-plugin-pwa) so the app works offline after one visit, and announces an
 * update instead of swapping code under the user: the new version activates when they click Reload.
 */
import { registerSW } from 'virtual:pwa-register';

export function setUpOffline(): void {
  if (!('serviceWorker' in navigator)) return;
  const update = registerSW({
    immediate: true,
    onNeedRefresh() {
      const bar = document.getElementById('update');
      if (!bar) return;
      bar.hidden = false;
      document.getElementById('update-now')?.addEventListener('click', () => void update(true), { once: true });
    },
    onOfflineReady() {
      document.body.dataset.offlineReady = 'true';
    },
    onRegisterError(e: unknown) {
      console.warn('service worker registration failed; the app still works online', e);
    },
  });
}
