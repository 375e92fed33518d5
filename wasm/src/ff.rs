//! Pairwise force field between the layers of an interface: the wasm twin of src/compute/ff/cpu.ts (which
//! defines the right answer). Pair parameters arrive as one table from TypeScript (one source of parameters),
//! four numbers per species pair: E(r) = A/r^12 − C/r^6 · f(r), f = 1/(1 + exp(−d(r/R0 − 1))) (f = 1 when
//! d = 0), force-shifted at the cutoff. Only pairs in different groups count; periodic images in the a–b
//! plane, none along z. Unlike the reference (all pairs × all images), this finds neighbours with a cell list
//! over wrapped fractional coordinates, so the cost grows with N, not N².

pub struct System<'a> {
    pub cell: &'a [f64],
    pub pos: &'a [f64],
    pub group: &'a [u8],
    /// Species index of each atom into the n × n table.
    pub species: &'a [u8],
    pub nspec: usize,
    /// A, C, R0, d per species pair (4 × nspec²).
    pub pp: &'a [f64],
    pub cutoff: f64,
}

#[inline]
pub(crate) fn pair(p: &[f64], r: f64) -> (f64, f64) {
    let (e, de_over_r) = pair_ir(p, r, 1.0 / r);
    (e, de_over_r * r)
}

/// A pair of the smoothed-linear form (LAMMPS lj/smooth/linear): energy shifted by E(rc) and the slope term, and
/// g = (dE/dr)/r with it, from the raw pair (e, dE/dr / r); `t` is a pair-table row [A, C, r0, d, E(rc), E'(rc)].
/// One definition for the exact sum (ff.rs) and the neighbour list (ff_nlist.rs).
#[inline(always)]
pub(crate) fn shifted_pair(t: &[f64], r: f64, ir: f64, rc: f64, raw: (f64, f64)) -> (f64, f64) {
    (raw.0 - t[4] - (r - rc) * t[5], raw.1 - t[5] * ir)
}

/// Energy and dE/dr / r at r, given 1/r (one division per pair in the hot loop).
#[inline(always)]
pub(crate) fn pair_ir(p: &[f64], r: f64, ir: f64) -> (f64, f64) {
    let (a, c, r0, d) = (p[0], p[1], p[2], p[3]);
    let ir2 = ir * ir;
    let ir6 = ir2 * ir2 * ir2;
    let rep = a * ir6 * ir6;
    if d == 0.0 {
        return (rep - c * ir6, (-12.0 * rep + 6.0 * c * ir6) * ir2);
    }
    let f = 1.0 / (1.0 + (-d * (r / r0 - 1.0)).exp());
    let df = d / r0 * f * (1.0 - f);
    (rep - c * ir6 * f, (-12.0 * rep + 6.0 * c * ir6 * f) * ir2 - c * ir6 * df * ir)
}

/// Bin index in 0..n and periodic image of an unwrapped bin index k, without integer division (slow, and this
/// runs once per bin visit; k is never more than a few cells away).
#[inline]
pub(crate) fn wrap_bin(mut k: i64, n: i64) -> (i64, i64) {
    let mut image = 0;
    while k < 0 {
        k += n;
        image -= 1;
    }
    while k >= n {
        k -= n;
        image += 1;
    }
    (k, image)
}

/// Cell list over fractional in-plane coordinates wrapped into [0, 1), one list per group, so an atom only
/// visits atoms of lower groups, and a stencil of bin offsets that can hold a partner within the cutoff.
pub(crate) struct Bins {
    pub(crate) na: i64,
    pub(crate) nb: i64,
    /// Bin offsets (dp, dq) whose nearest points are closer than the cutoff, with that in-plane distance².
    pub(crate) stencil: Vec<(i64, i64, f64)>,
    /// Per group: start index of each bin into `atoms` (na·nb + 1 entries) and the atoms, bin by bin.
    pub(crate) start: Vec<Vec<usize>>,
    pub(crate) atoms: Vec<Vec<usize>>,
    /// Wrapped Cartesian positions and each atom's bin.
    pub(crate) w: Vec<f64>,
    pub(crate) bin: Vec<usize>,
}

/// Distance from the origin to the segment p + t·q, t in [0, 1].
fn seg_dist(px: f64, py: f64, qx: f64, qy: f64) -> f64 {
    let qq = qx * qx + qy * qy;
    let t = if qq > 0.0 { (-(px * qx + py * qy) / qq).max(0.0).min(1.0) } else { 0.0 };
    ((px + t * qx).powi(2) + (py + t * qy).powi(2)).sqrt()
}

pub(crate) fn bins(cell: &[f64], pos: &[f64], group: &[u8], rc: f64) -> Bins {
    let (ax, ay, bx, by) = (cell[0], cell[1], cell[3], cell[4]);
    let det = ax * by - ay * bx;
    let ha = det.abs() / (bx * bx + by * by).sqrt(); // spacing of planes of constant u
    let hb = det.abs() / (ax * ax + ay * ay).sqrt();
    // Bins about a quarter cutoff wide: the pruned stencil then hugs the cutoff circle. Capped for huge cells.
    let na = ((4.0 * ha / rc).floor() as i64).max(1).min(512);
    let nb = ((4.0 * hb / rc).floor() as i64).max(1).min(512);
    let ka = (rc * na as f64 / ha).ceil() as i64;
    let kb = (rc * nb as f64 / hb).ceil() as i64;
    // Offsets between two bins span (dp ± 1)·A + (dq ± 1)·B with A = a/na, B = b/nb; keep those whose
    // parallelogram of differences comes within the cutoff of the origin.
    let (uax, uay, ubx, uby) = (ax / na as f64, ay / na as f64, bx / nb as f64, by / nb as f64);
    let mut stencil = Vec::new();
    for dp in -ka..=ka {
        for dq in -kb..=kb {
            let near = if dp.abs() <= 1 && dq.abs() <= 1 {
                0.0
            } else {
                let (s0, t0) = ((dp - 1) as f64, (dq - 1) as f64);
                let c0x = s0 * uax + t0 * ubx;
                let c0y = s0 * uay + t0 * uby;
                let (a2x, a2y, b2x, b2y) = (2.0 * uax, 2.0 * uay, 2.0 * ubx, 2.0 * uby);
                seg_dist(c0x, c0y, a2x, a2y)
                    .min(seg_dist(c0x, c0y, b2x, b2y))
                    .min(seg_dist(c0x + a2x, c0y + a2y, b2x, b2y))
                    .min(seg_dist(c0x + b2x, c0y + b2y, a2x, a2y))
            };
            if near < rc {
                stencil.push((dp, dq, near * near));
            }
        }
    }
    let n = pos.len() / 3;
    let ng = group.iter().cloned().max().unwrap_or(0) as usize + 1;
    let nbins = (na * nb) as usize;
    let mut w = pos.to_vec();
    let mut bin = vec![0usize; n];
    let mut count = vec![vec![0usize; nbins + 1]; ng];
    for i in 0..n {
        let (x, y) = (pos[3 * i], pos[3 * i + 1]);
        let u = (x * by - y * bx) / det;
        let v = (ax * y - ay * x) / det;
        let (fu, fv) = (u.floor(), v.floor());
        w[3 * i] = x - fu * ax - fv * bx;
        w[3 * i + 1] = y - fu * ay - fv * by;
        let p = (((u - fu) * na as f64) as i64).max(0).min(na - 1);
        let q = (((v - fv) * nb as f64) as i64).max(0).min(nb - 1);
        bin[i] = (p * nb + q) as usize;
        count[group[i] as usize][bin[i] + 1] += 1;
    }
    let mut start = Vec::with_capacity(ng);
    let mut atoms = Vec::with_capacity(ng);
    for c in count.iter_mut() {
        for k in 1..c.len() {
            c[k] += c[k - 1];
        }
        atoms.push(vec![0usize; c[nbins]]);
        start.push(c.clone());
    }
    for i in 0..n {
        let g = group[i] as usize;
        atoms[g][count[g][bin[i]]] = i;
        count[g][bin[i]] += 1;
    }
    // Highest first within a bin: the pair loop stops at the first atom below i too deep to be in reach.
    for g in 0..ng {
        for k in 0..nbins {
            atoms[g][start[g][k]..start[g][k + 1]].sort_by(|&x, &y| pos[3 * y + 2].partial_cmp(&pos[3 * x + 2]).unwrap_or(std::cmp::Ordering::Equal));
        }
    }
    Bins { na, nb, stencil, start, atoms, w, bin }
}

/// Energy (eV), forces (eV/Å, 3 per atom, accumulated into `forces` when given) and the number of pair terms.
pub fn energy_forces(s: &System, forces: Option<&mut [f64]>) -> (f64, usize) {
    match forces {
        Some(f) => kernel::<true>(s, f),
        None => kernel::<false>(s, &mut []),
    }
}

/// The pair loop. Atoms of each group are copied bin by bin into contiguous arrays (structure of arrays), so
/// the innermost loop streams through memory without index indirection or bounds checks.
fn kernel<const FORCES: bool>(s: &System, forces: &mut [f64]) -> (f64, usize) {
    let n = s.group.len();
    let rc = s.cutoff;
    let rc2 = rc * rc;
    let c = s.cell;
    let b = bins(c, s.pos, s.group, rc);
    let w = &b.w;
    let ns = s.nspec;
    // Per species pair: A, C, R0, d, E(rc), E'(rc).
    let mut tab = vec![0.0; 6 * ns * ns];
    for k in 0..ns * ns {
        let p = &s.pp[4 * k..4 * k + 4];
        let (e, f) = pair(p, rc);
        tab[6 * k..6 * k + 6].copy_from_slice(&[p[0], p[1], p[2], p[3], e, f]);
    }
    let ng = b.atoms.len();
    let soa: Vec<(Vec<f64>, Vec<f64>, Vec<f64>, Vec<usize>)> = b
        .atoms
        .iter()
        .map(|list| {
            (
                list.iter().map(|&j| w[3 * j]).collect(),
                list.iter().map(|&j| w[3 * j + 1]).collect(),
                list.iter().map(|&j| w[3 * j + 2]).collect(),
                list.iter().map(|&j| s.species[j] as usize).collect(),
            )
        })
        .collect();
    let mut fsoa: Vec<Vec<f64>> = if FORCES { b.atoms.iter().map(|l| vec![0.0; 3 * l.len()]).collect() } else { Vec::new() };
    let mut energy = 0.0;
    let mut pairs = 0usize;
    for i in 0..n {
        let gi = s.group[i] as usize;
        if gi == 0 {
            continue; // the substrate is never the higher group of a pair
        }
        let pi = b.bin[i] as i64 / b.nb;
        let qi = b.bin[i] as i64 % b.nb;
        let (xi, yi, zi) = (w[3 * i], w[3 * i + 1], w[3 * i + 2]);
        let row = &tab[6 * s.species[i] as usize * ns..][..6 * ns];
        let (mut fx, mut fy, mut fz) = (0.0, 0.0, 0.0);
        for &(dp, dq, near2) in &b.stencil {
            let reach2 = rc2 - near2; // dz² beyond this cannot be within the cutoff from this bin
            let (p, ia) = wrap_bin(pi + dp, b.na);
            let (q, ib) = wrap_bin(qi + dq, b.nb);
            let ox = ia as f64 * c[0] + ib as f64 * c[3] - xi;
            let oy = ia as f64 * c[1] + ib as f64 * c[4] - yi;
            let bin = (p * b.nb + q) as usize;
            for g in 0..gi.min(ng) {
                let (lo, hi) = (b.start[g][bin], b.start[g][bin + 1]);
                if lo == hi {
                    continue;
                }
                let (sx, sy, sz, sp) = &soa[g];
                let mut fj: &mut [f64] = if FORCES { &mut fsoa[g][3 * lo..3 * hi] } else { &mut [] };
                for (k, (((x, y), z), &spj)) in sx[lo..hi].iter().zip(&sy[lo..hi]).zip(&sz[lo..hi]).zip(&sp[lo..hi]).enumerate() {
                    let dx = x + ox;
                    let dy = y + oy;
                    let dz = z - zi;
                    if dz < 0.0 && dz * dz >= reach2 {
                        break; // sorted by z: every later atom is deeper still
                    }
                    let r2 = dx * dx + dy * dy + dz * dz;
                    if r2 >= rc2 {
                        continue;
                    }
                    let t = &row[6 * spj..][..6];
                    let r = r2.sqrt();
                    let ir = 1.0 / r;
                    let (e, gsc) = shifted_pair(t, r, ir, rc, pair_ir(&t[..4], r, ir));
                    energy += e;
                    pairs += 1;
                    if FORCES {
                        fx += gsc * dx;
                        fy += gsc * dy;
                        fz += gsc * dz;
                        let fk = &mut fj[3 * k..3 * k + 3];
                        fk[0] -= gsc * dx;
                        fk[1] -= gsc * dy;
                        fk[2] -= gsc * dz;
                    }
                }
                let _ = &mut fj;
            }
        }
        if FORCES {
            forces[3 * i] += fx;
            forces[3 * i + 1] += fy;
            forces[3 * i + 2] += fz;
        }
    }
    if FORCES {
        for (g, list) in b.atoms.iter().enumerate() {
            for (k, &j) in list.iter().enumerate() {
                for d in 0..3 {
                    forces[3 * j + d] += fsoa[g][3 * k + d];
                }
            }
        }
    }
    (energy, pairs)
}

/// Energies of rigid displacements (dx, dy, dz per configuration) of one group.
pub fn energies_for_shifts(s: &System, moved: u8, shifts: &[f64]) -> Vec<f64> {
    let mut pos = s.pos.to_vec();
    let mut out = Vec::with_capacity(shifts.len() / 3);
    for sh in shifts.chunks_exact(3) {
        for i in 0..s.group.len() {
            for k in 0..3 {
                pos[3 * i + k] = s.pos[3 * i + k] + if s.group[i] == moved { sh[k] } else { 0.0 };
            }
        }
        let sys = System { pos: &pos, ..*s };
        out.push(energy_forces(&sys, None).0);
    }
    out
}

impl<'a> Clone for System<'a> {
    fn clone(&self) -> Self {
        System { cell: self.cell, pos: self.pos, group: self.group, species: self.species, nspec: self.nspec, pp: self.pp, cutoff: self.cutoff }
    }
}
impl<'a> Copy for System<'a> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// All pairs × all images within reach: the slow definition the cell list must agree with.
    fn brute(s: &System) -> f64 {
        let rc = s.cutoff;
        let c = s.cell;
        let mut e = 0.0;
        for i in 0..s.group.len() {
            for j in 0..s.group.len() {
                if s.group[i] <= s.group[j] {
                    continue;
                }
                let k = s.species[i] as usize * s.nspec + s.species[j] as usize;
                let p = &s.pp[4 * k..4 * k + 4];
                let (ec, fc) = pair(p, rc);
                for ia in -30i64..=30 {
                    for ib in -30i64..=30 {
                        let dx = s.pos[3 * j] + ia as f64 * c[0] + ib as f64 * c[3] - s.pos[3 * i];
                        let dy = s.pos[3 * j + 1] + ia as f64 * c[1] + ib as f64 * c[4] - s.pos[3 * i + 1];
                        let dz = s.pos[3 * j + 2] - s.pos[3 * i + 2];
                        let r = (dx * dx + dy * dy + dz * dz).sqrt();
                        if r < rc {
                            e += pair(p, r).0 - ec - (r - rc) * fc;
                        }
                    }
                }
            }
        }
        e
    }

    const LJ: [f64; 4] = [0.003 * 1.06e7, 2.0 * 0.003 * 3.26e3, 0.0, 0.0];

    #[test]
    fn one_pair_matches_the_closed_form_and_forces_balance() {
        let cell = [40.0, 0.0, 0.0, -20.0, 34.64, 0.0, 0.0, 0.0, 30.0];
        let pos = [0.0, 0.0, 0.0, 0.0, 0.0, 3.7];
        let pp: Vec<f64> = LJ.iter().cycle().take(16).cloned().collect();
        let s = System { cell: &cell, pos: &pos, group: &[0, 1], species: &[0, 1], nspec: 2, pp: &pp, cutoff: 12.0 };
        let mut f = [0.0; 6];
        let (e, n) = energy_forces(&s, Some(&mut f));
        let (e0, _) = pair(&LJ, 3.7);
        let (ec, fc) = pair(&LJ, 12.0);
        assert_eq!(n, 1);
        assert!((e - (e0 - ec - (3.7 - 12.0) * fc)).abs() < 1e-15);
        for k in 0..3 {
            assert!((f[k] + f[3 + k]).abs() < 1e-15);
        }
        let es = energies_for_shifts(&s, 1, &[0.0, 0.0, 0.0, 0.0, 0.0, 8.4]);
        assert!((es[0] - e).abs() < 1e-15 && es[1].abs() < 1e-15);
    }

    #[test]
    fn cell_list_agrees_with_all_pairs_for_small_skewed_and_unwrapped_cells() {
        // A 2.9 Å oblique cell (cutoff spans many images), atoms outside the cell, three groups, damping on.
        let d2: [f64; 4] = [20.0e6, 150.0, 3.4, 20.0];
        let pp: Vec<f64> = LJ.iter().chain(d2.iter()).chain(d2.iter()).chain(LJ.iter()).cloned().collect();
        for cell in [[2.9, 0.0, 0.0, 1.1, 2.6, 0.0, 0.0, 0.0, 20.0], [31.0, 0.4, 0.0, -9.0, 27.0, 0.0, 0.0, 0.0, 20.0]] {
            let pos = [0.1, 0.2, 0.0, 5.3, -7.1, 0.4, 1.5, 1.0, 3.3, -3.0, 40.0, 3.1, 0.7, 0.3, 6.5];
            let s = System { cell: &cell, pos: &pos, group: &[0, 0, 1, 1, 2], species: &[0, 1, 0, 1, 1], nspec: 2, pp: &pp, cutoff: 10.0 };
            let (e, _) = energy_forces(&s, None);
            let r = brute(&s);
            assert!((e - r).abs() <= 1e-12 * r.abs().max(1e-9), "{} vs {}", e, r);
        }
    }
}

#[cfg(test)]
mod timing {
    use super::*;

    /// Native timing of the kernel on a synthetic 4,500-atom slab: `cargo test --release timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn kernel_time() {
        let a = 2.88;
        let n = 30;
        let cell = [a * n as f64, 0.0, 0.0, a * n as f64 * 0.5, a * n as f64 * 0.866, 0.0, 0.0, 0.0, 40.0];
        let (mut pos, mut group, mut species) = (vec![], vec![], vec![]);
        for l in 0..5 {
            for i in 0..n {
                for j in 0..n {
                    let (fi, fj) = (i as f64 / n as f64, j as f64 / n as f64);
                    pos.extend_from_slice(&[fi * cell[0] + fj * cell[3] + 0.3 * l as f64, fi * cell[1] + fj * cell[4], 2.35 * l as f64 + if l == 4 { 3.0 } else { 0.0 }]);
                    group.push(if l == 4 { 1u8 } else { 0 });
                    species.push(if l == 4 { 1u8 } else { 0 });
                }
            }
        }
        let pp: Vec<f64> = [2.0e6, 100.0, 0.0, 0.0].iter().cycle().take(16).cloned().collect();
        let s = System { cell: &cell, pos: &pos, group: &group, species: &species, nspec: 2, pp: &pp, cutoff: 12.0 };
        let mut f = vec![0.0; pos.len()];
        let t = std::time::Instant::now();
        let mut pairs = 0;
        for _ in 0..10 {
            pairs = energy_forces(&s, if std::env::var("NOF").is_ok() { None } else { Some(&mut f) }).1;
        }
        let ms = t.elapsed().as_secs_f64() * 100.0;
        println!("{} atoms, {} pairs, {:.2} ms, {:.1} ns/pair", group.len(), pairs, ms, ms * 1e6 / pairs as f64);
    }
}
