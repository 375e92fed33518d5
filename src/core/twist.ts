/**
 * The twist period of a film on a substrate, from their 2D lattices: the set of coincident cells repeats when
 * the film turns by a rotation that maps either lattice onto itself, so the period is the gcd of the two
 * lattices' rotation periods (hexagonal 60°, square 90°, otherwise 180°). Radians inside.
 */
type V2 = readonly [number, number];

/** Rotation period (radians) of the 2D lattice spanned by a and b. */
export function latticeRotationPeriod(a: V2, b: V2, tol = 1e-3): number {
  // Reduce to the shortest basis (Lagrange–Gauss), then compare lengths and the angle.
  let u: [number, number] = [a[0], a[1]], v: [number, number] = [b[0], b[1]];
  const dot = (p: V2, q: V2) => p[0] * q[0] + p[1] * q[1];
  for (let it = 0; it < 100; it++) {
    if (dot(u, u) > dot(v, v)) [u, v] = [v, u];
    const m = Math.round(dot(u, v) / dot(u, u));
    if (m === 0) break;
    v = [v[0] - m * u[0], v[1] - m * u[1]];
  }
  const lu = Math.sqrt(dot(u, u)), lv = Math.sqrt(dot(v, v));
  const cos = Math.abs(dot(u, v)) / (lu * lv);
  if (Math.abs(lu - lv) > tol * lu) return Math.PI;
  if (cos < tol) return Math.PI / 2;
  if (Math.abs(cos - 0.5) < tol) return Math.PI / 3;
  return Math.PI;
}

/** Twist period (radians) of a film lattice on a substrate lattice: gcd of the two rotation periods. */
export function twistPeriod(film: readonly [V2, V2], substrate: readonly [V2, V2]): number {
  const deg = (p: number) => Math.round((p * 180) / Math.PI);
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (gcd(deg(latticeRotationPeriod(film[0], film[1])), deg(latticeRotationPeriod(substrate[0], substrate[1]))) * Math.PI) / 180;
}

/** A twist (radians) reduced into [0, period): the one convention shown everywhere. */
export function reduceTwist(twist: number, period: number): number {
  const t = twist - period * Math.floor(twist / period);
  return t >= period - 1e-9 ? 0 : t;
}
