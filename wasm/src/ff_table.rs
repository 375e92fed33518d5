//! Tabulated rigid-layer potentials: the wasm twin of src/compute/ff/table.ts and tabulated.ts (which define
//! the right answer and document the scheme). A layer's potential for each species above it is tabulated over
//! its primitive surface cell (found in TypeScript) × height: V and ∂V/∂z at the nodes, turned into periodic
//! cubic B-spline coefficients in the plane, cubic Hermite in height. Below the lowest height the exact sum
//! over the layer's atoms answers; above the cutoff V = 0. Energies eV, lengths Å.

use std::collections::HashMap;

/// Most folded planes (distinct species × heights above one layer) an in-plane scan builds.
const MAX_PLANES: usize = 256;

/// The layer's atoms in one primitive cell and the pair parameters against each tabulated species.
pub struct ExactLayer {
    pub p1: [f64; 2],
    pub p2: [f64; 2],
    /// x, y (wrapped into the primitive cell), z per basis atom.
    pub xyz: Vec<f64>,
    /// A, C, R0, d, E(rc), E'(rc) per (species, basis atom): 6 · (s · nb + b).
    pub pp: Vec<f64>,
    pub nb: usize,
    pub m1: i64,
    pub m2: i64,
    pub cutoff: f64,
}

pub struct Table {
    pub exact: ExactLayer,
    pub top: f64,
    pub h0: f64,
    pub dz: f64,
    pub nu: usize,
    pub nv: usize,
    pub nz: usize,
    pub ns: usize,
    /// B-spline coefficients of (V, ∂V/∂z), index 2 · (((s · nv + j) · nu + i) · nz + k): heights innermost, so
    /// a lookup's two levels share cache lines.
    pub data: Vec<f64>,
}

/// In-plane neighbours of (x, y): (dx, dy, z, basis index) of every image closer than the cutoff in the plane.
fn column(l: &ExactLayer, x: f64, y: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let rc2 = l.cutoff * l.cutoff;
    for b in 0..l.nb {
        for i in -l.m1..=l.m1 {
            for j in -l.m2..=l.m2 {
                let dx = l.xyz[3 * b] + i as f64 * l.p1[0] + j as f64 * l.p2[0] - x;
                let dy = l.xyz[3 * b + 1] + i as f64 * l.p1[1] + j as f64 * l.p2[1] - y;
                if dx * dx + dy * dy < rc2 {
                    out.extend_from_slice(&[dx, dy, l.xyz[3 * b + 2], b as f64]);
                }
            }
        }
    }
    out
}

/// Exact (V, ∂V/∂x, ∂V/∂y, ∂V/∂z) at height z over a column, for tabulated species s.
fn column_sum(l: &ExactLayer, col: &[f64], s: usize, z: f64) -> [f64; 4] {
    let (mut e, mut gx, mut gy, mut gz) = (0.0, 0.0, 0.0, 0.0);
    let rc = l.cutoff;
    for c in col.chunks_exact(4) {
        let (dx, dy, dz) = (c[0], c[1], c[2] - z);
        let r2 = dx * dx + dy * dy + dz * dz;
        if r2 >= rc * rc {
            continue;
        }
        let r = r2.sqrt();
        let q = 6 * (s * l.nb + c[3] as usize);
        let p = &l.pp[q..q + 6];
        let ir6 = 1.0 / (r2 * r2 * r2);
        let rep = p[0] * ir6 * ir6;
        let (pe, de) = if p[3] == 0.0 {
            (rep - p[1] * ir6, (-12.0 * rep + 6.0 * p[1] * ir6) / r)
        } else {
            let f = 1.0 / (1.0 + (-p[3] * (r / p[2] - 1.0)).exp());
            (rep - p[1] * ir6 * f, (-12.0 * rep + 6.0 * p[1] * ir6 * f) / r - p[1] * ir6 * (p[3] / p[2]) * f * (1.0 - f))
        };
        e += pe - p[4] - (r - rc) * p[5];
        let g = -(de - p[5]) / r;
        gx += g * dx;
        gy += g * dy;
        gz += g * dz;
    }
    [e, gx, gy, gz]
}

/// Exact value and gradient at any point, the layer as built.
pub fn exact_point(l: &ExactLayer, s: usize, x: f64, y: f64, z: f64) -> [f64; 4] {
    let det = l.p1[0] * l.p2[1] - l.p1[1] * l.p2[0];
    let fu = ((x * l.p2[1] - y * l.p2[0]) / det).floor();
    let fv = ((l.p1[0] * y - l.p1[1] * x) / det).floor();
    let col = column(l, x - fu * l.p1[0] - fv * l.p2[0], y - fu * l.p1[1] - fv * l.p2[1]);
    column_sum(l, &col, s, z)
}

/// Periodic cubic B-spline prefilter taps √3·z₁^|k|, z₁ = √3 − 2 (Unser 1999), |k| ≤ 24.
fn taps() -> [f64; 25] {
    let z1 = 3f64.sqrt() - 2.0;
    let mut t = [0.0; 25];
    for (k, x) in t.iter_mut().enumerate() {
        *x = 3f64.sqrt() * z1.powi(k as i32);
    }
    t
}

/// Samples → B-spline coefficients along one periodic line of `n` values at data[at(i)].
fn prefilter_line(data: &mut [f64], n: usize, at: &dyn Fn(usize) -> usize, t: &[f64; 25], x: &mut Vec<f64>) {
    x.clear();
    x.extend((0..n).map(|i| data[at(i)]));
    let ni = n as i64;
    for i in 0..n {
        let mut c = t[0] * x[i];
        for (k, tk) in t.iter().enumerate().skip(1) {
            let (a, b) = ((((i as i64 - k as i64) % ni) + ni) % ni, (i + k) % n);
            c += tk * (x[a as usize] + x[b]);
        }
        data[at(i)] = c;
    }
}

impl Table {
    /// Builds the table (the work is checked in TypeScript before this is called).
    #[allow(clippy::too_many_arguments)]
    pub fn build(exact: ExactLayer, ns: usize, top: f64, h0: f64, dz: f64, nu: usize, nv: usize, nz: usize) -> Table {
        let mut data = vec![0.0; 2 * ns * nz * nv * nu];
        for j in 0..nv {
            for i in 0..nu {
                let (fu, fv) = (i as f64 / nu as f64, j as f64 / nv as f64);
                let col = column(&exact, fu * exact.p1[0] + fv * exact.p2[0], fu * exact.p1[1] + fv * exact.p2[1]);
                for s in 0..ns {
                    for k in 0..nz {
                        let g = column_sum(&exact, &col, s, top + h0 + k as f64 * dz);
                        let q = 2 * (((s * nv + j) * nu + i) * nz + k);
                        data[q] = g[0];
                        data[q + 1] = g[3];
                    }
                }
            }
        }
        let t = taps();
        let mut tmp = Vec::new();
        for s in 0..ns {
            for k in 0..nz {
                for f in 0..2 {
                    let at = |j: usize, i: usize| 2 * (((s * nv + j) * nu + i) * nz + k) + f;
                    for j in 0..nv {
                        prefilter_line(&mut data, nu, &|i| at(j, i), &t, &mut tmp);
                    }
                    for i in 0..nu {
                        prefilter_line(&mut data, nv, &|j| at(j, i), &t, &mut tmp);
                    }
                }
            }
        }
        Table { exact, top, h0, dz, nu, nv, nz, ns, data }
    }

    /// (V, ∂V/∂x, ∂V/∂y, ∂V/∂z) for tabulated species s at (x, y, z) in the layer's frame as built.
    pub fn lookup(&self, s: usize, x: f64, y: f64, z: f64) -> [f64; 4] {
        let h = z - self.top;
        if h >= self.exact.cutoff {
            return [0.0; 4];
        }
        if h < self.h0 {
            return exact_point(&self.exact, s, x, y, z);
        }
        let (p1, p2, det) = (self.exact.p1, self.exact.p2, self.det());
        let Grid { gu, gv, iu, iv, kz, t: tz } = self.grid(x, y, h);
        let (wu, du) = bspline(gu - iu as f64);
        let (wv, dv) = bspline(gv - iv as f64);
        // Stencil columns, wrapped once here rather than per tap.
        let mut cu = [0usize; 4];
        let mut cv = [0usize; 4];
        for a in 0..4 {
            cu[a] = (iu + self.nu + a - 1) % self.nu;
            cv[a] = (iv + self.nv + a - 1) % self.nv;
        }
        // acc[6·l + 3·f + c]: level l ∈ {kz, kz+1}, field f ∈ {V, ∂V/∂z}, c ∈ {value, ∂/∂gu, ∂/∂gv}.
        let mut acc = [0.0f64; 12];
        for b in 0..4 {
            let row = (s * self.nv + cv[b]) * self.nu;
            // Per row: the four fields (V, Vz at both levels), weighted by wu and by du.
            let mut rw = [0.0f64; 4];
            let mut rd = [0.0f64; 4];
            for a in 0..4 {
                let q = 2 * ((row + cu[a]) * self.nz + kz);
                let f = &self.data[q..q + 4];
                for m in 0..4 {
                    rw[m] += wu[a] * f[m];
                    rd[m] += du[a] * f[m];
                }
            }
            for (m, o) in [0usize, 3, 6, 9].iter().enumerate() {
                acc[*o] += rw[m] * wv[b];
                acc[o + 1] += rd[m] * wv[b];
                acc[o + 2] += rw[m] * dv[b];
            }
        }
        let out = hermite(tz, self.dz, &acc);
        let (eu, ev) = (out[1] * self.nu as f64, out[2] * self.nv as f64);
        [out[0], (eu * p2[1] - ev * p1[1]) / det, (-eu * p2[0] + ev * p1[0]) / det, out[3]]
    }
}

/// Where a point falls in a table: grid coordinates (gu, gv) and their node (iu, iv) in the plane, the
/// lower height level kz and the fraction t towards the next one.
struct Grid {
    gu: f64,
    gv: f64,
    iu: usize,
    iv: usize,
    kz: usize,
    t: f64,
}

impl Table {
    fn det(&self) -> f64 {
        let (p1, p2) = (self.exact.p1, self.exact.p2);
        p1[0] * p2[1] - p1[1] * p2[0]
    }

    /// The grid cell of (x, y) at height h (Å above the layer's top, h0 ≤ h < cutoff).
    fn grid(&self, x: f64, y: f64, h: f64) -> Grid {
        let (p1, p2, det) = (self.exact.p1, self.exact.p2, self.det());
        let fu = (x * p2[1] - y * p2[0]) / det;
        let fv = (p1[0] * y - p1[1] * x) / det;
        let gu = (fu - fu.floor()) * self.nu as f64;
        let gv = (fv - fv.floor()) * self.nv as f64;
        let hz = (h - self.h0) / self.dz;
        let kz = (hz.floor() as usize).min(self.nz - 2);
        Grid { gu, gv, iu: gu.floor() as usize, iv: gv.floor() as usize, kz, t: hz - kz as f64 }
    }

    /// V alone (eV) at (x, y, z): `lookup`'s value without the gradient, for energy-only scans.
    pub fn value(&self, s: usize, x: f64, y: f64, z: f64) -> f64 {
        let h = z - self.top;
        if h >= self.exact.cutoff {
            return 0.0;
        }
        if h < self.h0 {
            return exact_point(&self.exact, s, x, y, z)[0];
        }
        let Grid { gu, gv, iu, iv, kz, t } = self.grid(x, y, h);
        let (t2, t3) = (t * t, t * t * t);
        let hw = [2.0 * t3 - 3.0 * t2 + 1.0, (t3 - 2.0 * t2 + t) * self.dz, -2.0 * t3 + 3.0 * t2, (t3 - t2) * self.dz];
        let wu = bspline(gu - iu as f64).0;
        let wv = bspline(gv - iv as f64).0;
        let mut e = 0.0;
        for (b, wvb) in wv.iter().enumerate() {
            let row = (s * self.nv + (iv + self.nv + b - 1) % self.nv) * self.nu;
            let mut r = 0.0;
            for (a, wua) in wu.iter().enumerate() {
                let q = 2 * ((row + (iu + self.nu + a - 1) % self.nu) * self.nz + kz);
                let f = &self.data[q..q + 4];
                r += wua * (hw[0] * f[0] + hw[1] * f[1] + hw[2] * f[2] + hw[3] * f[3]);
            }
            e += wvb * r;
        }
        e
    }
}

impl Table {
    /// The in-plane B-spline coefficients of V at one height (Hermite in height folded in): nv × nu values,
    /// or None below h0 / at or above the cutoff (where `value` answers without the table).
    pub fn plane_at(&self, s: usize, z: f64) -> Option<Vec<f64>> {
        let h = z - self.top;
        if h < self.h0 || h >= self.exact.cutoff {
            return None;
        }
        let hz = (h - self.h0) / self.dz;
        let kz = (hz.floor() as usize).min(self.nz - 2);
        let t = hz - kz as f64;
        let (t2, t3) = (t * t, t * t * t);
        let hw = [2.0 * t3 - 3.0 * t2 + 1.0, (t3 - 2.0 * t2 + t) * self.dz, -2.0 * t3 + 3.0 * t2, (t3 - t2) * self.dz];
        let n = self.nu * self.nv;
        Some((0..n).map(|ji| {
            let q = 2 * ((s * n + ji) * self.nz + kz);
            let f = &self.data[q..q + 4];
            hw[0] * f[0] + hw[1] * f[1] + hw[2] * f[2] + hw[3] * f[3]
        }).collect())
    }

    /// V at (x, y) from a plane of `plane_at` (same value as `value` at that height).
    #[inline]
    pub fn plane_value(&self, plane: &[f64], x: f64, y: f64) -> f64 {
        let (p1, p2) = (self.exact.p1, self.exact.p2);
        let det = p1[0] * p2[1] - p1[1] * p2[0];
        let fu = (x * p2[1] - y * p2[0]) / det;
        let fv = (p1[0] * y - p1[1] * x) / det;
        let gu = (fu - fu.floor()) * self.nu as f64;
        let gv = (fv - fv.floor()) * self.nv as f64;
        let (iu, iv) = (gu.floor() as usize, gv.floor() as usize);
        let wu = bspline(gu - iu as f64).0;
        let wv = bspline(gv - iv as f64).0;
        let mut cu = [0usize; 4];
        for (a, c) in cu.iter_mut().enumerate() {
            *c = (iu + self.nu + a - 1) % self.nu;
        }
        let mut e = 0.0;
        for (b, wvb) in wv.iter().enumerate() {
            let row = &plane[((iv + self.nv + b - 1) % self.nv) * self.nu..];
            e += wvb * (wu[0] * row[cu[0]] + wu[1] * row[cu[1]] + wu[2] * row[cu[2]] + wu[3] * row[cu[3]]);
        }
        e
    }
}

impl RigidSet {
    /// Energies of in-plane scans: when every shift has the same z, each atom keeps its height in every
    /// configuration, so atoms at one (species, height) share one folded plane (`plane_at`) and a lookup costs
    /// 16 coefficients. Returns None when the shifts' z differ (the general path answers).
    pub fn energies_in_plane(&self, tables: &[Option<Table>], group: &[u8], d: &[f64], moved: &[u8], shifts: &[f64]) -> Option<Vec<f64>> {
        let m = shifts.len() / 3;
        let sz = if m > 0 { shifts[2] } else { 0.0 };
        if (0..m).any(|k| shifts[3 * k + 2] != sz) {
            return None;
        }
        let mut out = vec![0.0; m];
        for (g, tab) in self.tables.iter().enumerate() {
            let t = match tab.and_then(|k| tables.get(k).and_then(|x| x.as_ref())) {
                Some(t) => t,
                None => continue,
            };
            let gg = group[self.first[g]];
            let mg = moved[g] as f64;
            let mut planes: Vec<Option<Vec<f64>>> = Vec::new();
            let mut key_of: HashMap<(usize, u64), usize> = HashMap::new();
            for &(i, s) in &self.upper[g] {
                if group[i] == gg {
                    continue;
                }
                let li = self.layer[i] as usize;
                let rel = moved[li] as f64 - mg; // how much of each shift moves atom i relative to layer g
                let x0 = self.reference[3 * i] + d[3 * li] - d[3 * g];
                let y0 = self.reference[3 * i + 1] + d[3 * li + 1] - d[3 * g + 1];
                let z = self.reference[3 * i + 2] + d[3 * li + 2] - d[3 * g + 2] + rel * sz;
                let p = *key_of.entry((s, z.to_bits())).or_insert_with(|| {
                    planes.push(t.plane_at(s, z));
                    planes.len() - 1
                });
                // Atoms at many different heights (a corrugated film): folding planes no longer pays.
                if planes.len() > MAX_PLANES {
                    return None;
                }
                for (k, e) in out.iter_mut().enumerate() {
                    let (x, y) = (x0 + rel * shifts[3 * k], y0 + rel * shifts[3 * k + 1]);
                    *e += match &planes[p] {
                        Some(plane) => t.plane_value(plane, x, y),
                        None => t.value(s, x, y, z),
                    };
                }
            }
        }
        Some(out)
    }
}

/// Atoms of one (species, height, motion relative to the layer below) plane of a z-scan: their in-plane positions.
struct ZPlane {
    s: usize,
    z: f64,
    rel: f64,
    xy: Vec<(f64, f64)>,
}

impl RigidSet {
    /// Energies of z-scans: when every shift has the same in-plane part, each atom keeps its in-plane position
    /// in every configuration, so the atoms of one (species, height) plane fold into one grid of summed
    /// B-spline weights (16 per atom, accumulated once) and a configuration costs one Hermite per grid node
    /// instead of 16 per atom. Planes with fewer atoms than nodes / 16 are looked up atom by atom, and so is
    /// any plane at a height below h0 (exact sum). Returns None when the shifts' in-plane parts differ.
    pub fn energies_along_z(&self, tables: &[Option<Table>], group: &[u8], d: &[f64], moved: &[u8], shifts: &[f64]) -> Option<Vec<f64>> {
        let m = shifts.len() / 3;
        let (sx, sy) = if m > 0 { (shifts[0], shifts[1]) } else { (0.0, 0.0) };
        if (0..m).any(|k| shifts[3 * k] != sx || shifts[3 * k + 1] != sy) {
            return None;
        }
        let mut out = vec![0.0; m];
        for (g, tab) in self.tables.iter().enumerate() {
            let t = match tab.and_then(|k| tables.get(k).and_then(|x| x.as_ref())) {
                Some(t) => t,
                None => continue,
            };
            let gg = group[self.first[g]];
            let mg = moved[g] as f64;
            let nodes = t.nu * t.nv;
            let mut planes: Vec<ZPlane> = Vec::new();
            let mut key_of: HashMap<(usize, u64, u64), usize> = HashMap::new();
            for &(i, s) in &self.upper[g] {
                if group[i] == gg {
                    continue;
                }
                let li = self.layer[i] as usize;
                let rel = moved[li] as f64 - mg;
                let x = self.reference[3 * i] + d[3 * li] - d[3 * g] + rel * sx;
                let y = self.reference[3 * i + 1] + d[3 * li + 1] - d[3 * g + 1] + rel * sy;
                let z = self.reference[3 * i + 2] + d[3 * li + 2] - d[3 * g + 2];
                let p = *key_of.entry((s, z.to_bits(), rel.to_bits())).or_insert_with(|| {
                    planes.push(ZPlane { s, z, rel, xy: Vec::new() });
                    planes.len() - 1
                });
                planes[p].xy.push((x, y));
            }
            let mut w = vec![0.0; nodes];
            for ZPlane { s, z: z0, rel, xy: atoms } in &planes {
                let fold = 16 * atoms.len() >= nodes;
                if fold {
                    w.iter_mut().for_each(|x| *x = 0.0);
                    for &(x, y) in atoms {
                        t.spread(&mut w, x, y);
                    }
                }
                for (k, e) in out.iter_mut().enumerate() {
                    let z = z0 + rel * shifts[3 * k + 2];
                    let h = z - t.top;
                    if h >= t.exact.cutoff {
                        continue;
                    }
                    *e += if fold && h >= t.h0 { t.folded_value(*s, &w, h) } else { atoms.iter().map(|&(x, y)| t.value(*s, x, y, z)).sum() };
                }
            }
        }
        Some(out)
    }
}

impl Table {
    /// Adds the 16 in-plane B-spline weights of (x, y) into `w` (nv × nu nodes), as `value` applies them.
    fn spread(&self, w: &mut [f64], x: f64, y: f64) {
        let Grid { gu, gv, iu, iv, .. } = self.grid(x, y, self.h0);
        let wu = bspline(gu - iu as f64).0;
        let wv = bspline(gv - iv as f64).0;
        for (b, wvb) in wv.iter().enumerate() {
            let row = ((iv + self.nv + b - 1) % self.nv) * self.nu;
            for (a, wua) in wu.iter().enumerate() {
                w[row + (iu + self.nu + a - 1) % self.nu] += wvb * wua;
            }
        }
    }

    /// Σ over nodes of w × (V at height h, h0 ≤ h < cutoff, Hermite between levels): the energy of the atoms
    /// whose weights `spread` summed into w.
    fn folded_value(&self, s: usize, w: &[f64], h: f64) -> f64 {
        let hz = (h - self.h0) / self.dz;
        let kz = (hz.floor() as usize).min(self.nz - 2);
        let t = hz - kz as f64;
        let (t2, t3) = (t * t, t * t * t);
        let hw = [2.0 * t3 - 3.0 * t2 + 1.0, (t3 - 2.0 * t2 + t) * self.dz, -2.0 * t3 + 3.0 * t2, (t3 - t2) * self.dz];
        let n = self.nu * self.nv;
        let mut e = 0.0;
        for (ji, &wn) in w.iter().enumerate() {
            if wn != 0.0 {
                let q = 2 * ((s * n + ji) * self.nz + kz);
                let f = &self.data[q..q + 4];
                e += wn * (hw[0] * f[0] + hw[1] * f[1] + hw[2] * f[2] + hw[3] * f[3]);
            }
        }
        e
    }
}

/// Uniform cubic B-spline weights and derivatives at t for nodes −1, 0, 1, 2.
#[inline(always)]
fn bspline(t: f64) -> ([f64; 4], [f64; 4]) {
    let (t2, s) = (t * t, 1.0 - t);
    let t3 = t2 * t;
    (
        [s * s * s / 6.0, (3.0 * t3 - 6.0 * t2 + 4.0) / 6.0, (-3.0 * t3 + 3.0 * t2 + 3.0 * t + 1.0) / 6.0, t3 / 6.0],
        [-0.5 * s * s, 1.5 * t2 - 2.0 * t, -1.5 * t2 + t + 0.5, 0.5 * t2],
    )
}

/// Cubic Hermite in height over two levels of (V, ∂/∂gu, ∂/∂gv) and their ∂/∂z twins.
#[inline(always)]
fn hermite(t: f64, dz: f64, acc: &[f64; 12]) -> [f64; 4] {
    let (t2, t3) = (t * t, t * t * t);
    let (h00, h10, h01, h11) = (2.0 * t3 - 3.0 * t2 + 1.0, t3 - 2.0 * t2 + t, -2.0 * t3 + 3.0 * t2, t3 - t2);
    let mut out = [0.0; 4];
    for c in 0..3 {
        out[c] = h00 * acc[c] + h10 * dz * acc[3 + c] + h01 * acc[6 + c] + h11 * dz * acc[9 + c];
    }
    out[3] = (6.0 * t2 - 6.0 * t) / dz * acc[0] + (3.0 * t2 - 4.0 * t + 1.0) * acc[3] + (-6.0 * t2 + 6.0 * t) / dz * acc[6] + (3.0 * t2 - 2.0 * t) * acc[9];
    out
}

/// The rigid layers of one system and their tables: atoms' reference positions, layer, species per table.
pub struct RigidSet {
    pub reference: Vec<f64>,
    pub layer: Vec<u8>,
    /// Per layer: the table (index into the table registry) or none.
    pub tables: Vec<Option<usize>>,
    /// Per layer: the tabulated species index of each atom (−1: not tabulated).
    pub spec: Vec<Vec<i32>>,
    pub first: Vec<usize>,
    pub count: Vec<usize>,
    /// Per layer: (atom, tabulated species) of every atom of a higher layer, built by `index`.
    pub upper: Vec<Vec<(usize, usize)>>,
}

impl RigidSet {
    /// Fills `upper` from `layer` and `spec`.
    pub fn index(&mut self) {
        self.upper = (0..self.tables.len())
            .map(|g| (0..self.layer.len()).filter(|&i| self.layer[i] as usize > g && self.spec[g][i] >= 0).map(|i| (i, self.spec[g][i] as usize)).collect())
            .collect();
    }

    /// Interlayer energy with layers displaced by d (3 per layer); pairs in the same `group` do not count.
    /// Adds forces (upper atoms exact, each layer's reaction spread evenly) when `forces` is given.
    pub fn energy(&self, tables: &[Option<Table>], group: &[u8], d: &[f64], mut forces: Option<&mut [f64]>) -> f64 {
        let n = self.layer.len();
        let mut energy = 0.0;
        for (g, tab) in self.tables.iter().enumerate() {
            let t = match tab.and_then(|k| tables.get(k).and_then(|x| x.as_ref())) {
                Some(t) => t,
                None => continue,
            };
            let gg = group[self.first[g]];
            let (gx, gy, gz) = (d[3 * g], d[3 * g + 1], d[3 * g + 2]);
            let mut r = [0.0; 3];
            for &(i, s) in &self.upper[g] {
                if group[i] == gg {
                    continue;
                }
                let li = self.layer[i] as usize;
                let x = self.reference[3 * i] + d[3 * li] - gx;
                let y = self.reference[3 * i + 1] + d[3 * li + 1] - gy;
                let z = self.reference[3 * i + 2] + d[3 * li + 2] - gz;
                match forces.as_deref_mut() {
                    Some(f) => {
                        let v = t.lookup(s, x, y, z);
                        energy += v[0];
                        for c in 0..3 {
                            f[3 * i + c] -= v[c + 1];
                            r[c] += v[c + 1];
                        }
                    }
                    None => energy += t.value(s, x, y, z),
                }
            }
            if let Some(f) = forces.as_deref_mut() {
                let k = self.count[g] as f64;
                for i in 0..n {
                    if self.layer[i] as usize == g {
                        for c in 0..3 {
                            f[3 * i + c] += r[c] / k;
                        }
                    }
                }
            }
        }
        energy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One atom per primitive cell of a square 2.5 Å lattice, Lennard-Jones against species 0.
    fn square() -> Table {
        let (a, c, rc) = (1000.0f64, 10.0f64, 8.0f64);
        let ir6 = 1.0 / rc.powi(6);
        let (ec, fc) = (a * ir6 * ir6 - c * ir6, (-12.0 * a * ir6 * ir6 + 6.0 * c * ir6) / rc);
        let l = ExactLayer { p1: [2.5, 0.0], p2: [0.0, 2.5], xyz: vec![0.3, 0.4, 0.0], pp: vec![a, c, 0.0, 0.0, ec, fc], nb: 1, m1: 5, m2: 5, cutoff: rc };
        Table::build(l, 1, 0.0, 1.5, 0.05, 24, 24, 135)
    }

    #[test]
    fn tabulated_matches_the_exact_sum_between_nodes() {
        let t = square();
        for &(x, y, z) in &[(0.11, 0.93, 2.7), (1.7, -3.2, 3.4), (4.9, 2.2, 5.5)] {
            let (v, e) = (t.lookup(0, x, y, z), exact_point(&t.exact, 0, x, y, z));
            assert!((t.value(0, x, y, z) - v[0]).abs() < 1e-13 * v[0].abs().max(1.0));
            assert!((v[0] - e[0]).abs() < 1e-5 * e[0].abs() + 1e-9, "{:?} vs {:?}", v, e);
            let fm = e[1].abs().max(e[2].abs()).max(e[3].abs());
            for c in 1..4 {
                assert!((v[c] - e[c]).abs() < 1e-3 * fm, "{:?} vs {:?}", v, e);
            }
        }
    }

    #[test]
    fn in_plane_scans_fold_heights_and_agree_with_the_general_path() {
        let t = square();
        // Three atoms of layer 1 above layer 0, two at one height, one below h0 (exact sum).
        let mut set = RigidSet {
            reference: vec![0.0, 0.0, 0.0, 0.3, 0.2, 3.1, 1.4, 0.9, 3.1, 2.0, 2.2, 1.3],
            layer: vec![0, 1, 1, 1],
            tables: vec![Some(0), None],
            spec: vec![vec![-1, 0, 0, 0], vec![-1; 4]],
            first: vec![0, 1],
            count: vec![1, 3],
            upper: Vec::new(),
        };
        set.index();
        let tabs = vec![Some(t)];
        let (group, d, moved) = ([0u8, 1, 1, 1], [0.0; 6], [0u8, 1]);
        let shifts = [0.0, 0.0, 0.2, 0.7, -1.1, 0.2, 3.3, 0.4, 0.2];
        let fast = set.energies_in_plane(&tabs, &group, &d, &moved, &shifts).unwrap();
        for k in 0..3 {
            let dk = [0.0, 0.0, 0.0, shifts[3 * k], shifts[3 * k + 1], shifts[3 * k + 2]];
            let e = set.energy(&tabs, &group, &dk, None);
            assert!((fast[k] - e).abs() < 1e-12 * e.abs().max(1.0), "{} vs {}", fast[k], e);
        }
        assert!(set.energies_in_plane(&tabs, &group, &d, &moved, &[0.0, 0.0, 0.0, 0.0, 0.0, 0.1]).is_none());
    }

    #[test]
    fn z_scans_fold_planes_and_agree_with_the_general_path() {
        let t = square();
        // 40 atoms of layer 1 in one plane (folded: 16 · 40 ≥ 24²), one at another height (looked up alone),
        // one below h0 (exact sum), and one of layer 2, which the shifts do not move (constant energy).
        let mut reference = vec![0.0, 0.0, 0.0];
        let mut layer = vec![0u8];
        for k in 0..40 {
            reference.extend_from_slice(&[0.37 * k as f64, 0.11 * (k * k) as f64 % 2.5, 3.1]);
            layer.push(1);
        }
        reference.extend_from_slice(&[1.4, 0.9, 3.6, 2.0, 2.2, 1.3, 0.5, 0.5, 5.2]);
        layer.extend_from_slice(&[1, 1, 2]);
        let n = layer.len();
        let mut set = RigidSet {
            reference,
            layer: layer.clone(),
            tables: vec![Some(0), None, None],
            spec: vec![(0..n).map(|i| if i == 0 { -1 } else { 0 }).collect(), vec![-1; n], vec![-1; n]],
            first: vec![0, 1, n - 1],
            count: vec![1, n - 2, 1],
            upper: Vec::new(),
        };
        set.index();
        let tabs = vec![Some(t)];
        let group: Vec<u8> = layer.clone();
        let (d, moved) = ([0.0, 0.0, 0.0, 0.1, -0.2, 0.05, 0.0, 0.0, 0.0], [0u8, 1, 0]);
        // Heights through the table, into the exact region (below h0) and above the cutoff.
        let zs = [-1.0, -0.3, 0.0, 0.02, 0.45, 1.7, 6.0];
        let shifts: Vec<f64> = zs.iter().flat_map(|&z| vec![0.3, -0.4, z]).collect();
        let fast = set.energies_along_z(&tabs, &group, &d, &moved, &shifts).unwrap();
        for (k, &z) in zs.iter().enumerate() {
            let dk = [0.0, 0.0, 0.0, 0.1 + 0.3, -0.2 - 0.4, 0.05 + z, 0.0, 0.0, 0.0];
            let e = set.energy(&tabs, &group, &dk, None);
            assert!((fast[k] - e).abs() < 1e-12 * e.abs().max(1.0), "z {}: {} vs {}", z, fast[k], e);
        }
        assert!(set.energies_along_z(&tabs, &group, &d, &moved, &[0.0, 0.0, 0.0, 0.1, 0.0, 0.0]).is_none());
    }

    #[test]
    fn periodic_zero_above_cutoff_exact_below_h0() {
        let t = square();
        let (a, b) = (t.lookup(0, 0.7, 0.2, 3.0), t.lookup(0, 0.7 + 5.0, 0.2 - 2.5, 3.0));
        for c in 0..4 {
            assert!((a[c] - b[c]).abs() < 1e-12);
        }
        assert_eq!(t.lookup(0, 0.7, 0.2, 8.0), [0.0; 4]);
        assert_eq!(t.lookup(0, 0.7, 0.2, 1.2), exact_point(&t.exact, 0, 0.7, 0.2, 1.2));
    }
}
