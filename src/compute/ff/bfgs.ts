/**
 * Quasi-Newton minimisation of a few rigid-body coordinates (x, y, z per film, Å) for the pre-relaxation on
 * tabulated layers: BFGS on the inverse Hessian (Nocedal & Wright, Numerical Optimization, 2nd ed., §6.1) with
 * a backtracking (Armijo) line search. A rigid film has three degrees of freedom, so BFGS needs tens of
 * evaluations where FIRE needs hundreds; each step is capped so it stays in the basin it started in.
 */

/** Energy (eV) and force = −gradient (eV/Å) at coordinates q. */
export type RigidEval = (q: Float64Array) => Promise<{ e: number; f: Float64Array }>;

export interface BfgsOptions {
  /** Stop when every body's force (norm of its 3 components) is at most this (eV/Å). */
  fmax: number;
  maxSteps: number;
  /** Largest move of any coordinate in one step (Å). */
  maxStep: number;
  /**
   * Initial inverse Hessian (Å²/eV): its diagonal (one per coordinate, 1 / curvature where it is known) or the
   * whole symmetric positive-definite matrix (m², row-major) where couplings are known.
   */
  h0: Float64Array;
  /** The evaluation at q0 when the caller already has it (saves one call). */
  first?: { e: number; f: Float64Array };
}

export interface BfgsResult {
  q: Float64Array;
  e: number;
  f: Float64Array;
  steps: number;
  /** Energy and force evaluations, the start included unless given as `first`. */
  evaluations: number;
}

/**
 * Inverse of the symmetric 2×2 matrix [[a, b], [b, c]] with each eigenvalue λ replaced by max(|λ|, floor):
 * positive definite, so a Newton step on it goes downhill also from a saddle or a maximum. Returns
 * [xx, xy, yy] of the inverse.
 */
export function inversePositive2(a: number, b: number, c: number, floor: number): [number, number, number] {
  const mid = 0.5 * (a + c), rad = Math.hypot(0.5 * (a - c), b);
  const [l1, l2] = [mid + rad, mid - rad].map((l) => Math.max(Math.abs(l), floor));
  // Eigenvector of λ₁ = mid + rad: (cos θ, sin θ) with tan 2θ = 2b / (a − c).
  const th = 0.5 * Math.atan2(2 * b, a - c);
  const [co, si] = [Math.cos(th), Math.sin(th)];
  return [co * co / l1 + si * si / l2, co * si * (1 / l1 - 1 / l2), si * si / l1 + co * co / l2];
}

/** Largest per-body force norm (bodies are consecutive triples). */
export function maxBodyForce(f: Float64Array): number {
  let m = 0;
  for (let k = 0; k < f.length; k += 3) m = Math.max(m, Math.hypot(f[k], f[k + 1], f[k + 2]));
  return m;
}

export async function bfgsMinimise(at: RigidEval, q0: Float64Array, o: BfgsOptions, progress?: (step: number) => void): Promise<BfgsResult> {
  const m = q0.length;
  const H = new Float64Array(m * m);
  if (o.h0.length !== m && o.h0.length !== m * m) throw new Error(`bfgsMinimise: h0 has ${o.h0.length} values for ${m} coordinates (needs ${m} or ${m * m})`);
  const reset = () => {
    if (o.h0.length === m * m) return H.set(o.h0);
    H.fill(0);
    for (let k = 0; k < m; k++) H[k * m + k] = o.h0[k];
  };
  reset();
  let q = q0.slice();
  let cur = o.first ?? (await at(q));
  let evaluations = o.first ? 0 : 1, steps = 0;
  const d = new Float64Array(m), s = new Float64Array(m), y = new Float64Array(m), Hy = new Float64Array(m);
  for (; steps < o.maxSteps && maxBodyForce(cur.f) > o.fmax; steps++) {
    // Direction H·f (f = −g); if it is not downhill the curvature model is wrong: start it again.
    let slope = 0;
    for (let tries = 0; tries < 2; tries++) {
      slope = 0;
      for (let i = 0; i < m; i++) {
        let v = 0;
        for (let j = 0; j < m; j++) v += H[i * m + j] * cur.f[j];
        d[i] = v;
        slope += v * cur.f[i];
      }
      if (slope > 0) break;
      reset();
    }
    let big = 0;
    for (let i = 0; i < m; i++) big = Math.max(big, Math.abs(d[i]));
    if (big > o.maxStep) {
      for (let i = 0; i < m; i++) d[i] *= o.maxStep / big;
      slope *= o.maxStep / big;
    }
    // Backtracking: accept the first step that lowers E by a fraction of what the slope promises.
    let alpha = 1;
    let next = cur, qn = q;
    for (let k = 0; k < 20; k++) {
      qn = Float64Array.from(q, (x, i) => x + alpha * d[i]);
      next = await at(qn);
      evaluations++;
      if (next.e <= cur.e - 1e-4 * alpha * slope) break;
      alpha *= 0.5;
    }
    if (next.e > cur.e) break; // no lower energy along a downhill direction: at the tolerance of the energy
    let sy = 0;
    for (let i = 0; i < m; i++) {
      s[i] = qn[i] - q[i];
      y[i] = cur.f[i] - next.f[i]; // y = g_new − g_old
      sy += s[i] * y[i];
    }
    if (sy > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, written out: H − ρ(s Hyᵀ + Hy sᵀ) + (ρ² yᵀHy + ρ) s sᵀ.
      const rho = 1 / sy;
      let yHy = 0;
      for (let i = 0; i < m; i++) {
        let v = 0;
        for (let j = 0; j < m; j++) v += H[i * m + j] * y[j];
        Hy[i] = v;
        yHy += y[i] * v;
      }
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) H[i * m + j] += -rho * (s[i] * Hy[j] + Hy[i] * s[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
    q = qn;
    cur = next;
    progress?.(steps + 1);
  }
  return { q, e: cur.e, f: cur.f, steps, evaluations };
}
