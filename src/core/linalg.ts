/**
 * Small dense 3x3 helpers. A matrix is a length-9 array in row-major order; for a cell, rows are the
 * lattice vectors a, b, c (Å), as in ASE.
 */
export type Mat3 = ArrayLike<number>;
export type Vec3 = [number, number, number];

export function det3(m: Mat3): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) -
    m[1] * (m[3] * m[8] - m[5] * m[6]) +
    m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

/** Inverse of a 3x3 matrix; null when |det| is below `eps`. */
export function inv3(m: Mat3, eps = 1e-12): Float64Array | null {
  const d = det3(m);
  if (!(Math.abs(d) > eps)) return null;
  const r = new Float64Array(9);
  r[0] = (m[4] * m[8] - m[5] * m[7]) / d;
  r[1] = (m[2] * m[7] - m[1] * m[8]) / d;
  r[2] = (m[1] * m[5] - m[2] * m[4]) / d;
  r[3] = (m[5] * m[6] - m[3] * m[8]) / d;
  r[4] = (m[0] * m[8] - m[2] * m[6]) / d;
  r[5] = (m[2] * m[3] - m[0] * m[5]) / d;
  r[6] = (m[3] * m[7] - m[4] * m[6]) / d;
  r[7] = (m[1] * m[6] - m[0] * m[7]) / d;
  r[8] = (m[0] * m[4] - m[1] * m[3]) / d;
  return r;
}

/** Product a·b of two 3x3 matrices. */
export function mul3(a: Mat3, b: Mat3): Float64Array {
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  return r;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, ia = 0, ib = 0): number {
  return a[ia] * b[ib] + a[ia + 1] * b[ib + 1] + a[ia + 2] * b[ib + 2];
}

export function cross(a: ArrayLike<number>, b: ArrayLike<number>, ia = 0, ib = 0): Vec3 {
  return [
    a[ia + 1] * b[ib + 2] - a[ia + 2] * b[ib + 1],
    a[ia + 2] * b[ib] - a[ia] * b[ib + 2],
    a[ia] * b[ib + 1] - a[ia + 1] * b[ib],
  ];
}

export function norm(a: ArrayLike<number>, ia = 0): number {
  return Math.sqrt(dot(a, a, ia, ia));
}

/** 2×2 row-major matrices as nested arrays (supercell matrices act on row vectors: vectors = M · basis). */
export type Mat2 = [[number, number], [number, number]];

export function mul2(a: Mat2, b: Mat2): Mat2 {
  return [
    [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
    [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
  ];
}

export function det2(m: Mat2): number {
  return m[0][0] * m[1][1] - m[0][1] * m[1][0];
}

export function inv2(m: Mat2): Mat2 {
  const d = det2(m);
  return [[m[1][1] / d, -m[0][1] / d], [-m[1][0] / d, m[0][0] / d]];
}
