/** One film-colour table for the 3D view (tints mixed into film atoms) and the panels (layer swatches). */
export const SUBSTRATE_COLOUR = '#b0b7c3';
export const FILM_TINTS = ['#ff7a00', '#1f9d55', '#8e44ad', '#d81b60'];

/** The colour of layer `role` (0 = substrate, k = film k). */
export function layerColour(role: number): string {
  return role === 0 ? SUBSTRATE_COLOUR : FILM_TINTS[(role - 1) % FILM_TINTS.length];
}
