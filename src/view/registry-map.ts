/**
 * The registry map: energy over lateral shifts of a film, drawn in the interface cell's real shape (a, b as
 * they are, so a 60° cell is a rhombus), with axes in fractional shift, a colour bar in meV per film atom
 * relative to the minimum, the minimum and the current shift marked; a click reports the shift under it.
 */
export interface RegistryMapData {
  /** Energies (eV) row-major over (i along a, j along b), at shifts base + (i/nx, j/ny). */
  energy: ArrayLike<number>;
  nx: number;
  ny: number;
  /** The film's shift (fractions of a, b) when the scan was made: map shifts are relative to it. */
  base: [number, number];
  /** In-plane cell vectors (Å). */
  a: [number, number];
  b: [number, number];
  /** Atoms of the scanned film (for meV per film atom). */
  filmAtoms: number;
  /** Where the film is now (fractions of a, b). */
  current: [number, number];
}

const M = { left: 30, right: 62, top: 10, bottom: 30 };
const wrap = (x: number) => x - Math.floor(x);

function ramp(t: number): string {
  const mix = (a: number[], b: number[], f: number) => a.map((x, k) => Math.round(x + (b[k] - x) * f));
  const c = t < 0.5 ? mix([68, 1, 84], [33, 145, 140], t * 2) : mix([33, 145, 140], [253, 231, 37], (t - 0.5) * 2); // viridis-like
  return `rgb(${c.join(',')})`;
}

/** Fractional shift → canvas pixel, and back, for this canvas and cell. */
export function mapGeometry(w: number, h: number, a: [number, number], b: [number, number]) {
  const xs = [0, a[0], b[0], a[0] + b[0]], ys = [0, a[1], b[1], a[1] + b[1]];
  const x0 = Math.min(...xs), y0 = Math.min(...ys), bw = Math.max(...xs) - x0, bh = Math.max(...ys) - y0;
  const s = Math.min((w - M.left - M.right) / bw, (h - M.top - M.bottom) / bh);
  const toPx = (u: number, v: number): [number, number] => [M.left + (u * a[0] + v * b[0] - x0) * s, h - M.bottom - (u * a[1] + v * b[1] - y0) * s];
  const det = a[0] * b[1] - a[1] * b[0];
  const toFrac = (px: number, py: number): [number, number] => {
    const x = (px - M.left) / s + x0, y = (h - M.bottom - py) / s + y0;
    return [(x * b[1] - y * b[0]) / det, (a[0] * y - a[1] * x) / det];
  };
  return { toPx, toFrac };
}

/** How much the energy varies over the shifts (meV per film atom): the colour bar's top. */
export function spreadMeV(energy: ArrayLike<number>, filmAtoms: number): number {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < energy.length; k++) (lo = Math.min(lo, energy[k])), (hi = Math.max(hi, energy[k]));
  return ((hi - lo) / Math.max(1, filmAtoms)) * 1000;
}

/** Draws the map; returns the minimum's absolute shift and the colour-bar top (meV per film atom). */
export function registryMap(canvas: HTMLCanvasElement, d: RegistryMapData): { min: [number, number]; maxMeV: number } {
  const ctx = canvas.getContext('2d')!, W = canvas.width, H = canvas.height;
  const { toPx } = mapGeometry(W, H, d.a, d.b);
  let lo = Infinity, hi = -Infinity, kMin = 0;
  for (let k = 0; k < d.energy.length; k++) {
    if (d.energy[k] < lo) (lo = d.energy[k]), (kMin = k);
    hi = Math.max(hi, d.energy[k]);
  }
  const maxMeV = spreadMeV(d.energy, d.filmAtoms);
  ctx.clearRect(0, 0, W, H);
  const quad = (u: number, v: number, du: number, dv: number) => {
    const p = [toPx(u, v), toPx(u + du, v), toPx(u + du, v + dv), toPx(u, v + dv)];
    ctx.beginPath();
    p.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
  };
  ctx.save();
  quad(0, 0, 1, 1);
  ctx.clip();
  const du = 1 / d.nx, dv = 1 / d.ny;
  for (let i = 0; i < d.nx; i++)
    for (let j = 0; j < d.ny; j++) {
      ctx.fillStyle = ramp(hi > lo ? (d.energy[i * d.ny + j] - lo) / (hi - lo) : 0);
      // Each patch centred on its shift (absolute = base + relative), wrapped into the cell; copies fill the edges.
      const u = wrap(d.base[0] + i * du) - du / 2, v = wrap(d.base[1] + j * dv) - dv / 2;
      for (const [ou, ov] of [[0, 0], [-1, 0], [0, -1], [-1, -1], [1, 0], [0, 1], [1, 1]]) {
        quad(u + ou, v + ov, du * 1.02, dv * 1.02);
        ctx.fill();
      }
    }
  ctx.restore();
  // Cell outline and axes in fractional shift.
  ctx.strokeStyle = '#39424e';
  ctx.fillStyle = '#39424e';
  ctx.lineWidth = 1;
  quad(0, 0, 1, 1);
  ctx.stroke();
  ctx.font = '10px sans-serif';
  for (const t of [0, 0.5, 1]) {
    const [xa, ya] = toPx(t, 0), [xb, yb] = toPx(0, t);
    ctx.fillText(String(t), xa - 6, ya + 12);
    if (t) ctx.fillText(String(t), xb - 22, yb + 3);
  }
  const [ax, ay] = toPx(0.5, 0), [bx, by] = toPx(0, 0.5);
  ctx.fillText('shift a', ax - 14, ay + 24);
  ctx.save();
  ctx.translate(bx - 22, by + 16);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('shift b', 0, 0);
  ctx.restore();
  // Colour bar, meV per film atom above the minimum.
  const cx = W - M.right + 14, top = M.top, bottom = H - M.bottom;
  for (let y = top; y < bottom; y++) (ctx.fillStyle = ramp((bottom - y) / (bottom - top))), ctx.fillRect(cx, y, 10, 1);
  ctx.fillStyle = '#39424e';
  ctx.fillText(maxMeV.toPrecision(2), cx + 13, top + 8);
  ctx.fillText('0', cx + 13, bottom);
  // The unit along the bar's right edge: under the bar it ran into the a axis's "1" for a cell as wide as the map.
  ctx.save();
  ctx.translate(W - 3, (top + bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('meV per film atom', 0, 0);
  ctx.restore();
  // The minimum (white dot) and where the film is now (orange ring).
  const min: [number, number] = [wrap(d.base[0] + Math.floor(kMin / d.ny) * du), wrap(d.base[1] + (kMin % d.ny) * dv)];
  const labels: { label: string; left: number; top: number; right: number; bottom: number }[] = [];
  const dot = (p: [number, number], fill: string | null, stroke: string, label: string) => {
    const [x, y] = toPx(p[0], p[1]);
    ctx.beginPath();
    ctx.arc(x, y, 5, 0, 2 * Math.PI);
    if (fill) (ctx.fillStyle = fill), ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = stroke;
    ctx.stroke();
    ctx.fillStyle = '#111';
    // Up-right of the dot, else the first other corner that covers no label drawn before and stays on the
    // canvas: with the film on the minimum, "now" was drawn over "min".
    const w = ctx.measureText(label).width;
    const spots = [[x + 7, y - 5], [x + 7, y + 15], [x - 7 - w, y - 5], [x - 7 - w, y + 15]].map(([lx, by]) => ({ label, left: lx, top: by - 10, right: lx + w, bottom: by }));
    const free = (b: (typeof spots)[number]) => b.left >= 0 && b.right <= W && b.top >= 0 && b.bottom <= H && !labels.some((q) => b.left < q.right && q.left < b.right && b.top < q.bottom && q.top < b.bottom);
    const at = spots.find(free) ?? spots[0];
    // A light halo: the label often sits on the dark end of the colour ramp.
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.strokeText(label, at.left, at.bottom);
    ctx.fillText(label, at.left, at.bottom);
    labels.push(at);
  };
  dot(min, '#ffffff', '#111111', 'min');
  dot([wrap(d.current[0]), wrap(d.current[1])], null, '#ff7a00', 'now');
  canvas.hidden = false;
  // The labels' boxes (canvas px), for checking that none covers another.
  canvas.dataset.labels = JSON.stringify(labels);
  canvas.dataset.range = `0 ${maxMeV}`;
  canvas.dataset.min = min.join(' ');
  canvas.dataset.minPx = toPx(min[0], min[1]).join(' ');
  // The cell outline's corners (shift 0,0 → a → a + b → b), for checking the drawn shape.
  canvas.dataset.corners = JSON.stringify([toPx(0, 0), toPx(1, 0), toPx(1, 1), toPx(0, 1)].map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]));
  return { min, maxMeV };
}
