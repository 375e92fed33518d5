/**
 * The colours atoms are drawn in: Jmol's element colours (core/elements), except that when two elements shown
 * together are too close to tell apart (CIELAB ΔE*76 below MIN_DELTA_E, e.g. Jmol's S #ffff30 and Au #ffd123,
 * N #3050f8 and W #2194d6), the heavier one is moved, by the smallest change in lightness and hue that clears
 * every other element shown. The lighter element keeps its Jmol colour because those (C, N, O, S, …) are the
 * ones users recognise. The view and the legend both read `drawnColours`, so the legend shows what is drawn.
 */
import { element } from '../core/elements';

/**
 * Smallest CIELAB ΔE*76 between two elements drawn together. ~2.3 is a just-noticeable difference for flat
 * patches (Sharma, Digital Color Imaging Handbook, 2003); shaded spheres under lighting need far more, and 25
 * keeps Jmol's own S/O/C/H/metal colours as they are while separating S/Au (ΔE ≈ 12) and N/W (ΔE ≈ 24).
 */
export const MIN_DELTA_E = 25;

export type Lab = [number, number, number];

function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

/** '#rrggbb' → CIELAB (D65 white). */
export function hexToLab(hex: string): Lab {
  const v = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => srgbToLinear(c / 255));
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIELAB → '#rrggbb', or null when the colour is outside the sRGB gamut. */
export function labToHex([l, a, b]: Lab): string | null {
  const fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
  const inv = (t: number) => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const x = inv(fx) * 0.95047, y = inv(fy), z = inv(fz) * 1.08883;
  const rgb = [3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z, 0.0557 * x - 0.204 * y + 1.057 * z];
  if (rgb.some((c) => c < -1e-4 || c > 1 + 1e-4)) return null;
  return '#' + rgb.map((c) => Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, c)))).toString(16).padStart(2, '0')).join('');
}

/**
 * CIEDE2000 colour difference between two '#rrggbb' colours (G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000
 * color-difference formula: implementation notes", Color Res. Appl. 30 (2005) 21; kL = kC = kH = 1). CIE76
 * would call N/W (ΔE*76 ≈ 72) very different because it overweights blue chroma; CIEDE2000 does not.
 */
export function deltaE(p: string, q: string): number {
  return deltaE2000(hexToLab(p), hexToLab(q));
}

/** CIEDE2000 between two CIELAB colours. */
export function deltaE2000([l1, a1, b1]: Lab, [l2, a2, b2]: Lab): number {
  const rad = Math.PI / 180;
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(cBar ** 7 / (cBar ** 7 + 25 ** 7)));
  const a1p = (1 + g) * a1, a2p = (1 + g) * a2;
  const c1 = Math.hypot(a1p, b1), c2 = Math.hypot(a2p, b2);
  const hue = (b: number, a: number) => (b === 0 && a === 0 ? 0 : ((Math.atan2(b, a) / rad) + 360) % 360);
  const h1 = hue(b1, a1p), h2 = hue(b2, a2p);
  let dh = 0;
  if (c1 * c2 !== 0) dh = Math.abs(h2 - h1) <= 180 ? h2 - h1 : h2 - h1 > 180 ? h2 - h1 - 360 : h2 - h1 + 360;
  const dL = l2 - l1, dC = c2 - c1, dH = 2 * Math.sqrt(c1 * c2) * Math.sin((dh / 2) * rad);
  const lBar = (l1 + l2) / 2, cpBar = (c1 + c2) / 2;
  let hBar = h1 + h2;
  if (c1 * c2 !== 0) hBar = Math.abs(h1 - h2) <= 180 ? (h1 + h2) / 2 : h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
  const t = 1 - 0.17 * Math.cos((hBar - 30) * rad) + 0.24 * Math.cos(2 * hBar * rad) + 0.32 * Math.cos((3 * hBar + 6) * rad) - 0.2 * Math.cos((4 * hBar - 63) * rad);
  const sL = 1 + (0.015 * (lBar - 50) ** 2) / Math.sqrt(20 + (lBar - 50) ** 2), sC = 1 + 0.045 * cpBar, sH = 1 + 0.015 * cpBar * t;
  const rT = -2 * Math.sqrt(cpBar ** 7 / (cpBar ** 7 + 25 ** 7)) * Math.sin(60 * Math.exp(-(((hBar - 275) / 25) ** 2)) * rad);
  return Math.sqrt((dL / sL) ** 2 + (dC / sC) ** 2 + (dH / sH) ** 2 + rT * (dC / sC) * (dH / sH));
}

/**
 * Candidate shifts (lightness ΔL, hue turn in degrees), mildest first: lightness alone first, since it keeps the
 * hue users associate with the element (a darker gold is still gold); a hue turn only when no lightness clears.
 */
const SHIFTS: [number, number][] = [];
for (const dl of [0, -6, 6, -12, 12, -18, 18, -24, 24, -30, 30, -36, 36, -42, 42, -48])
  for (const dh of [0, -10, 10, -20, 20, -30, 30, -45, 45, -60, 60, -90, 90, 180]) SHIFTS.push([dl, dh]);
SHIFTS.sort((p, q) => Math.abs(p[1]) - Math.abs(q[1]) || Math.abs(p[0]) - Math.abs(q[0]));

/** `hex` with lightness moved by `dl` and hue turned by `dhDeg`, chroma reduced as far as the sRGB gamut needs. */
function shifted(hex: string, dl: number, dhDeg: number): string | null {
  const [l, a, b] = hexToLab(hex);
  const c = Math.hypot(a, b), h = Math.atan2(b, a) + (dhDeg * Math.PI) / 180;
  // A grey has no hue to turn: it moves in lightness only.
  if (c < 5 && dhDeg !== 0) return null;
  const lt = l + dl;
  if (lt < 20 || lt > 97) return null;
  for (let f = 1; f > 0.2; f -= 0.05) {
    const out = labToHex([lt, f * c * Math.cos(h), f * c * Math.sin(h)]);
    if (out) return out;
  }
  return null;
}

export interface DrawnColour {
  z: number;
  /** The colour drawn, '#rrggbb'. */
  color: string;
  /** Jmol's colour, when `color` differs from it. */
  jmol?: string;
}

/**
 * The colour of each element of `zs` (any order, duplicates allowed) as the view draws them together: Jmol's,
 * with the heavier of any too-close pair moved (see the module comment). Deterministic: the same set of
 * elements gives the same colours wherever it is drawn.
 */
export function drawnColours(zs: Iterable<number>): Map<number, DrawnColour> {
  const sorted = [...new Set(zs)].sort((a, b) => a - b);
  const out = new Map<number, DrawnColour>();
  const placed: string[] = [];
  for (const z of sorted) {
    const jmol = element(z).color;
    const clears = (c: string) => placed.every((p) => deltaE(c, p) >= MIN_DELTA_E);
    let color = jmol;
    if (!clears(jmol)) {
      // The mildest shift that clears; if none does (very many elements), the one farthest from its neighbours.
      let best: { c: string; d: number } | null = null;
      for (const [dl, dh] of SHIFTS) {
        const c = shifted(jmol, dl, dh);
        if (!c) continue;
        if (clears(c)) {
          best = { c, d: Infinity };
          break;
        }
        const d = Math.min(...placed.map((p) => deltaE(c, p)));
        if (!best || d > best.d) best = { c, d };
      }
      color = best?.c ?? jmol;
    }
    placed.push(color);
    out.set(z, color === jmol ? { z, color } : { z, color, jmol });
  }
  return out;
}
