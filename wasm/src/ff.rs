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
fn pair(p: &[f64], r: f64) -> (f64, f64) {
    let (a, c, r0, d) = (p[0], p[1], p[2], p[3]);
    let ir2 = 1.0 / (r * r);
    let ir6 = ir2 * ir2 * ir2;
    let rep = a * ir6 * ir6;
    if d == 0.0 {
        return (rep - c * ir6, (-12.0 * rep + 6.0 * c * ir6) / r);
    }
    let f = 1.0 / (1.0 + (-d * (r / r0 - 1.0)).exp());
    let df = d / r0 * f * (1.0 - f);
    (rep - c * ir6 * f, (-12.0 * rep + 6.0 * c * ir6 * f) / r - c * ir6 * df)
}

/// Cell list over fractional in-plane coordinates wrapped into [0, 1).
struct Bins {
    na: i64,
    nb: i64,
    /// Neighbour bin reach along a and b.
    ka: i64,
    kb: i64,
    start: Vec<usize>,
    atoms: Vec<usize>,
    /// Wrapped Cartesian positions.
    w: Vec<f64>,
}

fn bins(cell: &[f64], pos: &[f64], rc: f64) -> Bins {
    let (ax, ay, bx, by) = (cell[0], cell[1], cell[3], cell[4]);
    let det = ax * by - ay * bx;
    let ha = det.abs() / (bx * bx + by * by).sqrt(); // spacing of planes of constant u
    let hb = det.abs() / (ax * ax + ay * ay).sqrt();
    // Bins about half a cutoff wide (fewer wasted distance checks than rc-wide ones), capped for huge cells.
    let na = ((2.0 * ha / rc).floor() as i64).max(1).min(256);
    let nb = ((2.0 * hb / rc).floor() as i64).max(1).min(256);
    let ka = (rc * na as f64 / ha).ceil() as i64;
    let kb = (rc * nb as f64 / hb).ceil() as i64;
    let n = pos.len() / 3;
    let mut w = pos.to_vec();
    let mut bin_of = vec![0usize; n];
    let mut count = vec![0usize; (na * nb) as usize + 1];
    for i in 0..n {
        let (x, y) = (pos[3 * i], pos[3 * i + 1]);
        let u = (x * by - y * bx) / det;
        let v = (ax * y - ay * x) / det;
        let (fu, fv) = (u.floor(), v.floor());
        w[3 * i] = x - fu * ax - fv * bx;
        w[3 * i + 1] = y - fu * ay - fv * by;
        let p = (((u - fu) * na as f64) as i64).max(0).min(na - 1);
        let q = (((v - fv) * nb as f64) as i64).max(0).min(nb - 1);
        bin_of[i] = (p * nb + q) as usize;
        count[bin_of[i] + 1] += 1;
    }
    for k in 1..count.len() {
        count[k] += count[k - 1];
    }
    let start = count.clone();
    let mut fill = count;
    let mut atoms = vec![0usize; n];
    for i in 0..n {
        atoms[fill[bin_of[i]]] = i;
        fill[bin_of[i]] += 1;
    }
    Bins { na, nb, ka, kb, start, atoms, w }
}

/// Energy (eV), forces (eV/Å, 3 per atom, accumulated into `forces` when given) and the number of pair terms.
pub fn energy_forces(s: &System, mut forces: Option<&mut [f64]>) -> (f64, usize) {
    let n = s.group.len();
    let rc = s.cutoff;
    let c = s.cell;
    let b = bins(c, s.pos, rc);
    let w = &b.w;
    let ns = s.nspec;
    let mut shift_e = vec![0.0; ns * ns];
    let mut shift_f = vec![0.0; ns * ns];
    for k in 0..ns * ns {
        let (e, f) = pair(&s.pp[4 * k..4 * k + 4], rc);
        shift_e[k] = e;
        shift_f[k] = f;
    }
    let mut energy = 0.0;
    let mut pairs = 0usize;
    for i in 0..n {
        if s.group[i] == 0 {
            continue; // the substrate is never the higher group of a pair
        }
        let u = (w[3 * i] * c[4] - w[3 * i + 1] * c[3]) / (c[0] * c[4] - c[1] * c[3]);
        let v = (c[0] * w[3 * i + 1] - c[1] * w[3 * i]) / (c[0] * c[4] - c[1] * c[3]);
        let pi = ((u * b.na as f64) as i64).max(0).min(b.na - 1);
        let qi = ((v * b.nb as f64) as i64).max(0).min(b.nb - 1);
        for dp in -b.ka..=b.ka {
            let pp = pi + dp;
            let ia = pp.div_euclid(b.na);
            let p = pp.rem_euclid(b.na);
            for dq in -b.kb..=b.kb {
                let qq = qi + dq;
                let ib = qq.div_euclid(b.nb);
                let q = qq.rem_euclid(b.nb);
                let ox = ia as f64 * c[0] + ib as f64 * c[3];
                let oy = ia as f64 * c[1] + ib as f64 * c[4];
                let bin = (p * b.nb + q) as usize;
                for &j in &b.atoms[b.start[bin]..b.start[bin + 1]] {
                    if s.group[i] <= s.group[j] {
                        continue;
                    }
                    let dx = w[3 * j] + ox - w[3 * i];
                    let dy = w[3 * j + 1] + oy - w[3 * i + 1];
                    let dz = w[3 * j + 2] - w[3 * i + 2];
                    let r2 = dx * dx + dy * dy + dz * dz;
                    if r2 >= rc * rc {
                        continue;
                    }
                    let k = s.species[i] as usize * ns + s.species[j] as usize;
                    let r = r2.sqrt();
                    let (e, de) = pair(&s.pp[4 * k..4 * k + 4], r);
                    energy += e - shift_e[k] - (r - rc) * shift_f[k];
                    if let Some(f) = forces.as_deref_mut() {
                        let g = (de - shift_f[k]) / r;
                        f[3 * i] += g * dx;
                        f[3 * i + 1] += g * dy;
                        f[3 * i + 2] += g * dz;
                        f[3 * j] -= g * dx;
                        f[3 * j + 1] -= g * dy;
                        f[3 * j + 2] -= g * dz;
                    }
                    pairs += 1;
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
