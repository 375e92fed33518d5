/**
 * The part of the canvas that no overlay (toolbar, info card, legend, placement bar) covers, so the camera can
 * frame the structure there rather than under them. Rectangles in CSS pixels relative to the canvas.
 */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const area = (r: Rect) => Math.max(0, r.right - r.left) * Math.max(0, r.bottom - r.top);

/**
 * Starting from the whole canvas, each overlay that overlaps what is still free is cut off from the side that
 * keeps the most area (a wide toolbar from the top, a tall narrow legend from the left). Largest overlays first,
 * since they decide the shape; the result never shrinks below a third of the canvas in either direction (an
 * overlay that would leave less is ignored: the structure then draws under it rather than in a sliver).
 */
export function freeArea(width: number, height: number, overlays: readonly Rect[]): Rect {
  let free: Rect = { left: 0, top: 0, right: width, bottom: height };
  const sorted = [...overlays].sort((p, q) => area(q) - area(p));
  for (const o of sorted) {
    if (o.right <= free.left || o.left >= free.right || o.bottom <= free.top || o.top >= free.bottom) continue;
    const cuts: Rect[] = [
      { ...free, top: Math.max(free.top, o.bottom) },
      { ...free, bottom: Math.min(free.bottom, o.top) },
      { ...free, left: Math.max(free.left, o.right) },
      { ...free, right: Math.min(free.right, o.left) },
    ].filter((r) => r.right - r.left >= width / 3 && r.bottom - r.top >= height / 3);
    if (cuts.length) free = cuts.sort((p, q) => area(q) - area(p))[0];
  }
  return free;
}
