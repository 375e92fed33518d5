//! Surface slabs from a bulk crystal for any Miller plane (hkl of the given cell).
//!
//! The oriented unit cell (OUC) has two in-plane lattice vectors (Gauss-reduced) and one out-of-plane vector
//! that steps a single lattice plane, so it has the bulk's volume. It is rotated to a along x, b in the xy
//! plane, surface normal along +z (the +hkl side is the top). Atomic planes are atoms at equal height within
//! `PLANE_TOL`; a slab is N consecutive planes ending at a chosen top plane (its termination), placed in a
//! cell with c along z and the vacuum split evenly above and below.

use crate::intmat::{gcd, plane_basis};

/// Atoms within this height (Å) of each other belong to one atomic plane.
pub const PLANE_TOL: f64 = 0.1;

#[derive(Debug, Clone)]
pub struct Bulk<'a> {
    pub cell: &'a [f64],      // 9, rows a, b, c (Å)
    pub positions: &'a [f64], // 3N Cartesian (Å)
    pub numbers: &'a [u8],
}

#[derive(Debug, Clone, Copy)]
pub struct SlabParams {
    pub hkl: [i64; 3],
    /// Number of atomic planes; 0 means "use min_thickness".
    pub layers: usize,
    /// Minimum distance (Å) between the bottom and top planes, when layers == 0.
    pub min_thickness: f64,
    pub vacuum: f64,
    /// Which distinct termination (0-based, in the order `terminations` lists them) is on top.
    pub termination: usize,
    /// How many bottom planes are fixed (selective dynamics F F F).
    pub fixed_layers: usize,
    pub max_atoms: usize,
}

#[derive(Debug, Clone)]
pub struct Slab {
    pub cell: [f64; 9],
    pub positions: Vec<f64>,
    pub numbers: Vec<u8>,
    /// Plane index of each atom, 0 = bottom.
    pub layer: Vec<u32>,
    pub fixed: Vec<bool>,
    /// Planes per OUC repeat, number of distinct terminations, repeat height (Å).
    pub planes_per_repeat: usize,
    pub n_terminations: usize,
    pub repeat_height: f64,
    /// In-plane surface cell (rows, Å) and its integer basis in the bulk cell (rows u1, u2, u3).
    pub basis: [[i64; 3]; 3],
    pub n_planes: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SlabError {
    ZeroMiller,
    SingularCell,
    NoAtoms,
    TooManyAtoms(usize),
    BadTermination(usize),
    BadParameter,
}

fn v3(c: &[f64], k: usize) -> [f64; 3] {
    [c[3 * k], c[3 * k + 1], c[3 * k + 2]]
}
fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
fn lin(u: [i64; 3], cell: &[f64]) -> [f64; 3] {
    let mut r = [0.0; 3];
    for i in 0..3 {
        for k in 0..3 {
            r[k] += u[i] as f64 * cell[3 * i + k];
        }
    }
    r
}
fn scale(a: [f64; 3], s: f64) -> [f64; 3] {
    [a[0] * s, a[1] * s, a[2] * s]
}
fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// Integer Gauss reduction of two in-plane lattice vectors (tracks the integer combinations).
fn reduce_plane(mut u1: [i64; 3], mut u2: [i64; 3], cell: &[f64]) -> ([i64; 3], [i64; 3]) {
    for _ in 0..1000 {
        let (a, b) = (lin(u1, cell), lin(u2, cell));
        if dot(b, b) < dot(a, a) {
            std::mem::swap(&mut u1, &mut u2);
            continue;
        }
        let mu = (dot(a, b) / dot(a, a)).round() as i64;
        if mu == 0 {
            break;
        }
        for k in 0..3 {
            u2[k] -= mu * u1[k];
        }
    }
    (u1, u2)
}

/// The OUC: integer basis rows and its Cartesian vectors rotated to the standard frame.
pub struct Oriented {
    pub basis: [[i64; 3]; 3],
    pub a: [f64; 3],
    pub b: [f64; 3],
    pub c: [f64; 3],
    /// Rotation rows e1, e2, e3 (new Cartesian = R · old Cartesian).
    pub rot: [[f64; 3]; 3],
}

pub fn orient(cell: &[f64], hkl: [i64; 3]) -> Result<Oriented, SlabError> {
    let g = gcd(gcd(hkl[0], hkl[1]), hkl[2]);
    if g == 0 {
        return Err(SlabError::ZeroMiller);
    }
    let r = [hkl[0] / g, hkl[1] / g, hkl[2] / g];
    let vol = dot(v3(cell, 0), cross(v3(cell, 1), v3(cell, 2)));
    if !(vol.abs() > 1e-9) || cell.iter().any(|x| !x.is_finite()) {
        return Err(SlabError::SingularCell);
    }
    let pb = plane_basis(r).ok_or(SlabError::ZeroMiller)?;
    let (mut u1, mut u2) = reduce_plane(pb[0], pb[1], cell);
    let mut u3 = pb[2];
    let (mut a, mut b) = (lin(u1, cell), lin(u2, cell));
    // Step vector as orthogonal as the lattice allows: remove in-plane components by integer combinations.
    let c0 = lin(u3, cell);
    let n = cross(a, b);
    let nn = dot(n, n);
    // Solve c0_inplane = α a + β b via the 2x2 Gram system.
    let (aa, ab, bb) = (dot(a, a), dot(a, b), dot(b, b));
    let (ca, cb) = (dot(c0, a), dot(c0, b));
    let det = aa * bb - ab * ab;
    let alpha = ((ca * bb - cb * ab) / det).round() as i64;
    let beta = ((cb * aa - ca * ab) / det).round() as i64;
    for k in 0..3 {
        u3[k] -= alpha * u1[k] + beta * u2[k];
    }
    let mut c = lin(u3, cell);
    // +hkl side on top: (a × b) must point the same way as the step vector.
    if dot(cross(a, b), c) < 0.0 {
        std::mem::swap(&mut u1, &mut u2);
        std::mem::swap(&mut a, &mut b);
    }
    let _ = nn;
    c = lin(u3, cell);
    let e1 = scale(a, 1.0 / norm(a));
    let n = cross(a, b);
    let e3 = scale(n, 1.0 / norm(n));
    let e2 = cross(e3, e1);
    let rot = [e1, e2, e3];
    let rotv = |v: [f64; 3]| [dot(e1, v), dot(e2, v), dot(e3, v)];
    Ok(Oriented { basis: [u1, u2, u3], a: rotv(a), b: rotv(b), c: rotv(c), rot })
}

fn inv3(m: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let d = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    let mut r = [[0.0; 3]; 3];
    r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / d;
    r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / d;
    r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / d;
    r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / d;
    r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / d;
    r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / d;
    r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / d;
    r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / d;
    r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / d;
    r
}

/// Fractional coordinates (rows of `m` are the basis) of Cartesian v.
fn frac(minv: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    let mut f = [0.0; 3];
    for k in 0..3 {
        f[k] = v[0] * minv[0][k] + v[1] * minv[1][k] + v[2] * minv[2][k];
    }
    f
}

struct Ouc {
    /// In-plane fractional (u, v in [0,1)) and height in [0, d) of each atom, with its plane index.
    atoms: Vec<(f64, f64, f64, u8, usize)>,
    planes: Vec<f64>,
    d: f64,
}

fn build_ouc(bulk: &Bulk, o: &Oriented) -> Result<Ouc, SlabError> {
    let n = bulk.numbers.len();
    if n == 0 {
        return Err(SlabError::NoAtoms);
    }
    let m = [o.a, o.b, o.c];
    let minv = inv3(&m);
    let d = o.c[2];
    let mut atoms = Vec::with_capacity(n);
    for i in 0..n {
        let p = [bulk.positions[3 * i], bulk.positions[3 * i + 1], bulk.positions[3 * i + 2]];
        let r = [dot(o.rot[0], p), dot(o.rot[1], p), dot(o.rot[2], p)];
        let mut f = frac(&minv, r);
        for k in 0..3 {
            f[k] -= f[k].floor();
            if f[k] >= 1.0 - 1e-12 {
                f[k] = 0.0;
            }
        }
        // Height in [0, d); in-plane position from the in-plane lattice only (c's tilt is added per repeat).
        atoms.push((f[0], f[1], f[2] * d, bulk.numbers[i], 0usize));
    }
    // Planes: cluster heights (periodic in d).
    let mut hs: Vec<f64> = atoms.iter().map(|a| a.2).collect();
    hs.sort_by(|x, y| x.partial_cmp(y).unwrap());
    let mut planes: Vec<f64> = Vec::new();
    for h in hs {
        match planes.last() {
            Some(&last) if h - last <= PLANE_TOL => {}
            _ => planes.push(h),
        }
    }
    // Merge a top plane that is really the bottom plane one repeat up.
    if planes.len() > 1 && planes[0] + d - planes[planes.len() - 1] <= PLANE_TOL {
        planes.pop();
    }
    for a in atoms.iter_mut() {
        let mut best = 0;
        let mut bd = f64::INFINITY;
        for (k, &z) in planes.iter().enumerate() {
            let dz = (a.2 - z).abs().min((a.2 - z - d).abs());
            if dz < bd {
                bd = dz;
                best = k;
            }
        }
        if (a.2 - planes[best]).abs() > (a.2 - planes[best] - d).abs() {
            a.2 -= d; // belongs to plane 0 of the next repeat, seen from below
        }
        a.4 = best;
    }
    Ok(Ouc { atoms, planes, d })
}

/// Fingerprint of the surface when plane `top` is on top: species and heights of the top repeat's planes.
fn top_fingerprint(ouc: &Ouc, top: usize) -> Vec<(i64, Vec<u8>)> {
    let l = ouc.planes.len();
    let mut fp = Vec::new();
    for k in 0..l {
        let p = (top + l - k) % l;
        let wraps = if k > top { 1.0 } else { 0.0 };
        let h = ouc.planes[top] - (ouc.planes[p] - wraps * ouc.d);
        let mut sp: Vec<u8> = ouc.atoms.iter().filter(|a| a.4 == p).map(|a| a.3).collect();
        sp.sort_unstable();
        fp.push(((h / 0.01).round() as i64, sp));
    }
    fp
}

/// Distinct terminations: for each, the index of the plane (within the OUC) on top.
pub fn terminations(bulk: &Bulk, hkl: [i64; 3]) -> Result<Vec<usize>, SlabError> {
    let pb = primitive_bulk(bulk, hkl)?;
    let bulk = &Bulk { cell: &pb.cell, positions: &pb.positions, numbers: &pb.numbers };
    let o = orient(bulk.cell, pb.hkl)?;
    let ouc = build_ouc(bulk, &o)?;
    Ok(distinct_tops(&ouc))
}

fn distinct_tops(ouc: &Ouc) -> Vec<usize> {
    let mut seen: Vec<Vec<(i64, Vec<u8>)>> = Vec::new();
    let mut tops = Vec::new();
    for t in 0..ouc.planes.len() {
        let fp = top_fingerprint(ouc, t);
        if !seen.contains(&fp) {
            seen.push(fp);
            tops.push(t);
        }
    }
    tops
}

/// The bulk reduced to a primitive cell, with the Miller indices of the same plane in that cell.
/// A conventional cell (e.g. fcc with 4 atoms) would otherwise give a surface cell 2-4 times too large.
pub struct PrimitiveBulk {
    pub cell: Vec<f64>,
    pub positions: Vec<f64>,
    pub numbers: Vec<u8>,
    pub hkl: [i64; 3],
}

pub fn primitive_bulk(bulk: &Bulk, hkl: [i64; 3]) -> Result<PrimitiveBulk, SlabError> {
    let n = bulk.numbers.len();
    let cm = [[bulk.cell[0], bulk.cell[1], bulk.cell[2]], [bulk.cell[3], bulk.cell[4], bulk.cell[5]], [bulk.cell[6], bulk.cell[7], bulk.cell[8]]];
    let vol = cm[0][0] * (cm[1][1] * cm[2][2] - cm[1][2] * cm[2][1]) - cm[0][1] * (cm[1][0] * cm[2][2] - cm[1][2] * cm[2][0])
        + cm[0][2] * (cm[1][0] * cm[2][1] - cm[1][1] * cm[2][0]);
    if !(vol.abs() > 1e-9) || bulk.cell.iter().any(|x| !x.is_finite()) {
        return Err(SlabError::SingularCell);
    }
    let inv = inv3(&cm);
    let mut fr = Vec::with_capacity(3 * n);
    for i in 0..n {
        let f = frac(&inv, [bulk.positions[3 * i], bulk.positions[3 * i + 1], bulk.positions[3 * i + 2]]);
        fr.extend_from_slice(&f);
    }
    let same = PrimitiveBulk { cell: bulk.cell.to_vec(), positions: bulk.positions.to_vec(), numbers: bulk.numbers.to_vec(), hkl };
    let pc = match crate::primitive::primitive_cell(bulk.cell, &fr, bulk.numbers) {
        Some(pc) => pc,
        None => return Ok(same),
    };
    // Miller indices in the primitive cell: h'_i = Σ_j F_ij h_j with F = primitive vectors in given-cell fractions.
    let pm = [[pc[0], pc[1], pc[2]], [pc[3], pc[4], pc[5]], [pc[6], pc[7], pc[8]]];
    let mut hp = [0.0; 3];
    for i in 0..3 {
        let f = frac(&inv, pm[i]);
        hp[i] = f[0] * hkl[0] as f64 + f[1] * hkl[1] as f64 + f[2] * hkl[2] as f64;
    }
    let mut hi = [0i64; 3];
    let mut found = false;
    for mult in 1..=48 {
        let ok = hp.iter().all(|x| ((x * mult as f64) - (x * mult as f64).round()).abs() < 1e-6);
        if ok {
            for k in 0..3 {
                hi[k] = (hp[k] * mult as f64).round() as i64;
            }
            found = true;
            break;
        }
    }
    if !found {
        return Ok(same);
    }
    let g = gcd(gcd(hi[0], hi[1]), hi[2]);
    if g == 0 {
        return Err(SlabError::ZeroMiller);
    }
    for k in 0..3 {
        hi[k] /= g;
    }
    // Atoms folded into the primitive cell, duplicates (translation images) removed.
    let pinv = inv3(&pm);
    let mut kept: Vec<[f64; 3]> = Vec::new();
    let mut positions = Vec::new();
    let mut numbers = Vec::new();
    for i in 0..n {
        let mut f = frac(&pinv, [bulk.positions[3 * i], bulk.positions[3 * i + 1], bulk.positions[3 * i + 2]]);
        for x in f.iter_mut() {
            *x -= x.floor();
        }
        let dup = kept.iter().zip(numbers.iter()).any(|(g, &z): (&[f64; 3], &u8)| {
            z == bulk.numbers[i] && {
                let d: Vec<f64> = (0..3).map(|k| f[k] - g[k] - (f[k] - g[k]).round()).collect();
                let c = [
                    d[0] * pm[0][0] + d[1] * pm[1][0] + d[2] * pm[2][0],
                    d[0] * pm[0][1] + d[1] * pm[1][1] + d[2] * pm[2][1],
                    d[0] * pm[0][2] + d[1] * pm[1][2] + d[2] * pm[2][2],
                ];
                c[0] * c[0] + c[1] * c[1] + c[2] * c[2] < 1e-6
            }
        });
        if !dup {
            kept.push(f);
            numbers.push(bulk.numbers[i]);
            for k in 0..3 {
                positions.push(f[0] * pm[0][k] + f[1] * pm[1][k] + f[2] * pm[2][k]);
            }
        }
    }
    Ok(PrimitiveBulk { cell: pc.to_vec(), positions, numbers, hkl: hi })
}

pub fn make_slab(bulk: &Bulk, p: &SlabParams) -> Result<Slab, SlabError> {
    if !(p.vacuum >= 0.0 && p.vacuum.is_finite()) || !(p.min_thickness >= 0.0 && p.min_thickness.is_finite()) {
        return Err(SlabError::BadParameter);
    }
    let pb = primitive_bulk(bulk, p.hkl)?;
    let bulk = &Bulk { cell: &pb.cell, positions: &pb.positions, numbers: &pb.numbers };
    let o = orient(bulk.cell, pb.hkl)?;
    let ouc = build_ouc(bulk, &o)?;
    let l = ouc.planes.len();
    let tops = distinct_tops(&ouc);
    let top = *tops.get(p.termination).ok_or(SlabError::BadTermination(tops.len()))?;
    // Heights of planes counted down from the top plane (index 0 = top).
    let plane_height = |k: usize| -> (usize, f64) {
        // k-th plane below the top: OUC plane index and height relative to the top plane.
        let idx = (top + l * (k / l + 1) - k % l) % l;
        let wraps = (k + l - 1 - top) / l; // how many repeats down (0 for planes at or below top in the same repeat)
        let wraps = if k <= top { 0 } else { wraps };
        let h = ouc.planes[idx] - wraps as f64 * ouc.d - ouc.planes[top];
        (idx, h)
    };
    let n_planes = if p.layers > 0 {
        p.layers
    } else {
        let mut k = 0;
        while -plane_height(k).1 < p.min_thickness - 1e-9 {
            k += 1;
            if k > 100_000 {
                return Err(SlabError::BadParameter);
            }
        }
        k + 1
    };
    let per_plane_max = ouc.atoms.iter().fold(vec![0usize; l], |mut acc, a| {
        acc[a.4] += 1;
        acc
    });
    let total: usize = (0..n_planes).map(|k| per_plane_max[plane_height(k).0]).sum();
    if total > p.max_atoms {
        return Err(SlabError::TooManyAtoms(total));
    }
    let (_, h_bottom) = plane_height(n_planes - 1);
    let thickness = -h_bottom;
    let mut positions = Vec::with_capacity(3 * total);
    let mut numbers = Vec::with_capacity(total);
    let mut layer = Vec::with_capacity(total);
    let mut fixed = Vec::with_capacity(total);
    let z0 = 0.5 * p.vacuum + thickness; // height of the top plane
    for k in (0..n_planes).rev() {
        let (idx, h) = plane_height(k);
        // Repeats down from the top plane's repeat: the tilt of c moves atoms in-plane by c_xy per repeat.
        let wraps = ((ouc.planes[idx] - ouc.planes[top] - h) / ouc.d).round();
        for a in ouc.atoms.iter().filter(|a| a.4 == idx) {
            let (mut u, mut v) = (a.0, a.1);
            // In-plane offset of the repeat, in a/b fractions, folded back into the cell.
            let (cu, cv) = inplane_frac(&o, -wraps);
            u = (u + cu).rem_euclid(1.0);
            v = (v + cv).rem_euclid(1.0);
            let x = u * o.a[0] + v * o.b[0];
            let y = u * o.a[1] + v * o.b[1];
            let z = z0 + h + (a.2 - ouc.planes[idx]);
            positions.extend_from_slice(&[x, y, z]);
            numbers.push(a.3);
            let li = (n_planes - 1 - k) as u32;
            layer.push(li);
            fixed.push((li as usize) < p.fixed_layers);
        }
    }
    let cell = [o.a[0], o.a[1], 0.0, o.b[0], o.b[1], 0.0, 0.0, 0.0, thickness + p.vacuum];
    Ok(Slab {
        cell,
        positions,
        numbers,
        layer,
        fixed,
        planes_per_repeat: l,
        n_terminations: tops.len(),
        repeat_height: ouc.d,
        basis: o.basis,
        n_planes,
    })
}

/// In-plane fractional (a, b) components of `n` steps of c.
fn inplane_frac(o: &Oriented, n: f64) -> (f64, f64) {
    let det = o.a[0] * o.b[1] - o.a[1] * o.b[0];
    let (cx, cy) = (o.c[0] * n, o.c[1] * n);
    ((cx * o.b[1] - cy * o.b[0]) / det, (o.a[0] * cy - o.a[1] * cx) / det)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fcc_conv(a: f64) -> (Vec<f64>, Vec<f64>, Vec<u8>) {
        let cell = vec![a, 0.0, 0.0, 0.0, a, 0.0, 0.0, 0.0, a];
        let pos = vec![0.0, 0.0, 0.0, 0.0, a / 2.0, a / 2.0, a / 2.0, 0.0, a / 2.0, a / 2.0, a / 2.0, 0.0];
        (cell, pos, vec![79; 4])
    }
    fn params(hkl: [i64; 3], layers: usize) -> SlabParams {
        SlabParams { hkl, layers, min_thickness: 0.0, vacuum: 15.0, termination: 0, fixed_layers: 2, max_atoms: 100_000 }
    }

    #[test]
    fn fcc_111_is_hexagonal_with_abc_stacking() {
        let (c, p, n) = fcc_conv(4.08);
        let bulk = Bulk { cell: &c, positions: &p, numbers: &n };
        let s = make_slab(&bulk, &params([1, 1, 1], 4)).unwrap();
        let a = 4.08 / 2f64.sqrt();
        // The primitive OUC holds one plane; its tilted c gives the ABC sequence.
        assert_eq!(s.planes_per_repeat, 1);
        assert!((s.repeat_height - 4.08 / 3f64.sqrt()).abs() < 1e-9);
        assert_eq!(s.n_terminations, 1);
        assert_eq!(s.numbers.len(), 4);
        assert!((s.cell[0] - a).abs() < 1e-9);
        assert!(((s.cell[3] * s.cell[3] + s.cell[4] * s.cell[4]).sqrt() - a).abs() < 1e-9);
        // Interplanar spacing a/√3.
        let mut z: Vec<f64> = (0..4).map(|i| s.positions[3 * i + 2]).collect();
        z.sort_by(|x, y| x.partial_cmp(y).unwrap());
        for k in 1..4 {
            assert!((z[k] - z[k - 1] - 4.08 / 3f64.sqrt()).abs() < 1e-9);
        }
        assert_eq!(s.fixed.iter().filter(|&&f| f).count(), 2);
        // ABC: layers 0, 1, 2 at different in-plane sites, layer 3 above layer 0.
        let xy = |l: u32| {
            let i = s.layer.iter().position(|&x| x == l).unwrap();
            let f = crate::lattice2d::coords([s.cell[0], s.cell[1]], [s.cell[3], s.cell[4]], [s.positions[3 * i], s.positions[3 * i + 1]]).unwrap();
            [f[0].rem_euclid(1.0), f[1].rem_euclid(1.0)]
        };
        let close = |p: [f64; 2], q: [f64; 2]| (0..2).all(|k| { let d = p[k] - q[k]; (d - d.round()).abs() < 1e-6 });
        assert!(!close(xy(0), xy(1)) && !close(xy(1), xy(2)) && !close(xy(0), xy(2)));
        assert!(close(xy(0), xy(3)));
        assert!((s.cell[8] - (3.0 * 4.08 / 3f64.sqrt() + 15.0)).abs() < 1e-9);
    }

    #[test]
    fn fcc_100_and_110_have_the_right_cells() {
        let (c, p, n) = fcc_conv(4.0);
        let bulk = Bulk { cell: &c, positions: &p, numbers: &n };
        let s = make_slab(&bulk, &params([1, 0, 0], 4)).unwrap();
        let area = s.cell[0] * s.cell[4] - s.cell[1] * s.cell[3];
        assert!((area - 8.0).abs() < 1e-9); // (a/√2)²
        assert!((s.repeat_height - 2.0).abs() < 1e-9); // a/2
        let s = make_slab(&bulk, &params([1, 1, 0], 4)).unwrap();
        let area = s.cell[0] * s.cell[4] - s.cell[1] * s.cell[3];
        assert!((area - 4.0 * 4.0 / 2f64.sqrt()).abs() < 1e-9); // a × a/√2
        assert!((s.repeat_height - 4.0 / 8f64.sqrt()).abs() < 1e-9); // a/(2√2)
    }

    #[test]
    fn primitive_cell_input_gives_a_slab_with_bulk_density() {
        // Miller indices refer to the given cell; for fcc, primitive (111) happens to be conventional (111).
        let a = 4.0;
        let c = vec![0.0, a / 2.0, a / 2.0, a / 2.0, 0.0, a / 2.0, a / 2.0, a / 2.0, 0.0];
        let p = vec![0.0; 3];
        let n = vec![29u8];
        let bulk = Bulk { cell: &c, positions: &p, numbers: &n };
        let s = make_slab(&bulk, &params([1, 1, 1], 6)).unwrap();
        assert_eq!(s.numbers.len(), 6);
        let area = (s.cell[0] * s.cell[4] - s.cell[1] * s.cell[3]).abs();
        let vol = a * a * a / 4.0;
        assert!((area * s.repeat_height - vol).abs() < 1e-9);
        assert!((area - a * a * 3f64.sqrt() / 4.0).abs() < 1e-9);
    }

    #[test]
    fn thickness_in_angstrom_and_limits() {
        let (c, p, n) = fcc_conv(4.08);
        let bulk = Bulk { cell: &c, positions: &p, numbers: &n };
        let mut q = params([1, 1, 1], 0);
        q.min_thickness = 10.0;
        let s = make_slab(&bulk, &q).unwrap();
        let zs: Vec<f64> = (0..s.numbers.len()).map(|i| s.positions[3 * i + 2]).collect();
        let t = zs.iter().cloned().fold(f64::MIN, f64::max) - zs.iter().cloned().fold(f64::MAX, f64::min);
        assert!(t >= 10.0 - 1e-9 && t < 10.0 + 4.08 / 3f64.sqrt());
        q.layers = 1000;
        q.max_atoms = 100;
        assert_eq!(make_slab(&bulk, &q).unwrap_err(), SlabError::TooManyAtoms(1000));
        assert_eq!(make_slab(&bulk, &params([0, 0, 0], 4)).unwrap_err(), SlabError::ZeroMiller);
    }

    #[test]
    fn rocksalt_111_has_two_terminations() {
        let a = 5.64;
        let c = vec![a, 0.0, 0.0, 0.0, a, 0.0, 0.0, 0.0, a];
        let mut p = Vec::new();
        let mut n = Vec::new();
        for f in [[0.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]] {
            p.extend_from_slice(&[f[0] * a, f[1] * a, f[2] * a]);
            n.push(11);
            p.extend_from_slice(&[(f[0] + 0.5) % 1.0 * a, f[1] * a, f[2] * a]);
            n.push(17);
        }
        let bulk = Bulk { cell: &c, positions: &p, numbers: &n };
        assert_eq!(terminations(&bulk, [1, 1, 1]).unwrap().len(), 2);
        let s0 = make_slab(&bulk, &SlabParams { termination: 0, ..params([1, 1, 1], 4) }).unwrap();
        let s1 = make_slab(&bulk, &SlabParams { termination: 1, ..params([1, 1, 1], 4) }).unwrap();
        let top = |s: &Slab| {
            let i = (0..s.numbers.len()).max_by(|&x, &y| s.positions[3 * x + 2].partial_cmp(&s.positions[3 * y + 2]).unwrap()).unwrap();
            s.numbers[i]
        };
        assert_ne!(top(&s0), top(&s1));
    }
}
