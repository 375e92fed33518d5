/**
 * The images the model card (models/MODEL_CARD.md) shows, by the file name the card uses: bundled by Vite as
 * same-origin, hashed assets (precached by the service worker), so the card loads nothing from another origin.
 */
export const CARD_IMAGES: Readonly<Record<string, string>> = {
  'learning-curve.png': new URL('../../models/learning-curve.png', import.meta.url).href,
};
