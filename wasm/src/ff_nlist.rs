//! Verlet neighbour list for the interlayer pair force field (ff.rs defines the pair terms; the TypeScript
//! reference src/compute/ff/cpu.ts the right answer). Pairs of atoms in different groups within cutoff + skin
//! are listed once, built with ff.rs's cell list, and reused until some atom has moved more than half the skin
//! since the build (then no pair can have crossed into the cutoff unseen), as LAMMPS does (`neigh_modify
//! check yes`). Layout: positions, species and forces as separate arrays (structure of arrays); per listed
//! atom i (the higher group) a run of partners j with an index into a small table of in-plane image offsets.

use crate::ff::{bins, pair, pair_ir};
use std::collections::HashMap;

pub struct NeighbourList {
    pub cutoff: f64,
    pub skin: f64,
    cell: [f64; 4],
    group: Vec<u8>,
    species: Vec<u32>,
    /// Per species pair: A, C, R0, d, E(rc), E'(rc).
    tab: Vec<f64>,
    nspec: usize,
    /// Positions at the last build; empty before the first.
    reference: Vec<f64>,
    /// i of each run, the run bounds into `partner`/`image`.
    owner: Vec<u32>,
    start: Vec<u32>,
    partner: Vec<u32>,
    image: Vec<u16>,
    /// In-plane image offsets (Å), x and y.
    ox: Vec<f64>,
    oy: Vec<f64>,
    pub builds: usize,
    // Scratch, kept between calls.
    px: Vec<f64>,
    py: Vec<f64>,
    pz: Vec<f64>,
    fx: Vec<f64>,
    fy: Vec<f64>,
    fz: Vec<f64>,
}

impl NeighbourList {
    /// `cell`: rows a, b, c (only a, b in-plane used); `pp`: A, C, R0, d per species pair (4 · nspec²).
    pub fn new(cell: &[f64], group: &[u8], species: &[u8], nspec: usize, pp: &[f64], cutoff: f64, skin: f64) -> NeighbourList {
        let mut tab = vec![0.0; 6 * nspec * nspec];
        for k in 0..nspec * nspec {
            let p = &pp[4 * k..4 * k + 4];
            let (e, f) = pair(p, cutoff);
            tab[6 * k..6 * k + 6].copy_from_slice(&[p[0], p[1], p[2], p[3], e, f]);
        }
        let n = group.len();
        NeighbourList {
            cutoff,
            skin,
            cell: [cell[0], cell[1], cell[3], cell[4]],
            group: group.to_vec(),
            species: species.iter().map(|&s| s as u32).collect(),
            tab,
            nspec,
            reference: Vec::new(),
            owner: Vec::new(),
            start: vec![0],
            partner: Vec::new(),
            image: Vec::new(),
            ox: Vec::new(),
            oy: Vec::new(),
            builds: 0,
            px: vec![0.0; n],
            py: vec![0.0; n],
            pz: vec![0.0; n],
            fx: vec![0.0; n],
            fy: vec![0.0; n],
            fz: vec![0.0; n],
        }
    }

    pub fn atoms(&self) -> usize {
        self.group.len()
    }

    /// Pairs in the list (within cutoff + skin at the last build).
    pub fn listed(&self) -> usize {
        self.partner.len()
    }

    /// True when some atom moved more than half the skin since the last build (or there was none).
    pub fn stale(&self, pos: &[f64]) -> bool {
        if self.reference.len() != pos.len() {
            return true;
        }
        let h2 = 0.25 * self.skin * self.skin;
        pos.chunks_exact(3).zip(self.reference.chunks_exact(3)).any(|(p, r)| {
            let (dx, dy, dz) = (p[0] - r[0], p[1] - r[1], p[2] - r[2]);
            dx * dx + dy * dy + dz * dz > h2
        })
    }

    /// Lists every pair of different groups within cutoff + skin at `pos` (unwrapped positions kept: the image
    /// offsets are relative to them, so later moves of any size are seen by `stale`, never mis-imaged).
    pub fn build(&mut self, pos: &[f64]) {
        let reach = self.cutoff + self.skin;
        let reach2 = reach * reach;
        let cell9 = [self.cell[0], self.cell[1], 0.0, self.cell[2], self.cell[3], 0.0, 0.0, 0.0, 1.0];
        let b = bins(&cell9, pos, &self.group, reach);
        let (ax, ay, bx, by) = (self.cell[0], self.cell[1], self.cell[2], self.cell[3]);
        let n = self.group.len();
        // Each atom's wrap into the cell: w = pos − (wa·a + wb·b), integers as in `bins`.
        let wrap: Vec<(i64, i64)> = (0..n)
            .map(|i| {
                let ((x, y), (wx, wy)) = ((pos[3 * i], pos[3 * i + 1]), (b.w[3 * i], b.w[3 * i + 1]));
                let (dx, dy) = (x - wx, y - wy);
                let det = ax * by - ay * bx;
                (((dx * by - dy * bx) / det).round() as i64, ((ax * dy - ay * dx) / det).round() as i64)
            })
            .collect();
        let mut codes: HashMap<(i64, i64), u16> = HashMap::new();
        self.ox.clear();
        self.oy.clear();
        self.owner.clear();
        self.start.clear();
        self.start.push(0);
        self.partner.clear();
        self.image.clear();
        let ng = b.atoms.len();
        for i in 0..n {
            let gi = self.group[i] as usize;
            if gi == 0 {
                continue;
            }
            let pi = b.bin[i] as i64 / b.nb;
            let qi = b.bin[i] as i64 % b.nb;
            let (xi, yi, zi) = (b.w[3 * i], b.w[3 * i + 1], b.w[3 * i + 2]);
            let mut last: ((i64, i64), u16) = ((i64::MIN, 0), 0);
            for &(dp, dq, _) in &b.stencil {
                let (p, ia) = wrap_bin(pi + dp, b.na);
                let (q, ib) = wrap_bin(qi + dq, b.nb);
                let (sx, sy) = (ia as f64 * ax + ib as f64 * bx, ia as f64 * ay + ib as f64 * by);
                let bin = (p * b.nb + q) as usize;
                for g in 0..gi.min(ng) {
                    for &j in &b.atoms[g][b.start[g][bin]..b.start[g][bin + 1]] {
                        let dx = b.w[3 * j] + sx - xi;
                        let dy = b.w[3 * j + 1] + sy - yi;
                        let dz = b.w[3 * j + 2] - zi;
                        if dx * dx + dy * dy + dz * dz >= reach2 {
                            continue;
                        }
                        // Image of j as seen from i, relative to the unwrapped positions.
                        let key = (ia - wrap[j].0 + wrap[i].0, ib - wrap[j].1 + wrap[i].1);
                        let code = if last.0 == key {
                            last.1
                        } else {
                            let next = codes.len() as u16;
                            let c = *codes.entry(key).or_insert(next);
                            if c == next {
                                self.ox.push(key.0 as f64 * ax + key.1 as f64 * bx);
                                self.oy.push(key.0 as f64 * ay + key.1 as f64 * by);
                            }
                            last = (key, c);
                            c
                        };
                        self.partner.push(j as u32);
                        self.image.push(code);
                    }
                }
            }
            if self.partner.len() as u32 > *self.start.last().unwrap() {
                self.owner.push(i as u32);
                self.start.push(self.partner.len() as u32);
            }
        }
        self.reference = pos.to_vec();
        self.builds += 1;
    }

    /// Energy (eV) and number of pair terms within the cutoff at `pos`, rebuilding first when stale; forces
    /// (eV/Å, 3 per atom) added into `forces` when given.
    pub fn energy_forces(&mut self, pos: &[f64], forces: Option<&mut [f64]>) -> (f64, usize) {
        if self.stale(pos) {
            self.build(pos);
        }
        let n = self.group.len();
        for i in 0..n {
            self.px[i] = pos[3 * i];
            self.py[i] = pos[3 * i + 1];
            self.pz[i] = pos[3 * i + 2];
        }
        match forces {
            Some(f) => {
                let r = self.kernel::<true>();
                for i in 0..n {
                    f[3 * i] += self.fx[i];
                    f[3 * i + 1] += self.fy[i];
                    f[3 * i + 2] += self.fz[i];
                }
                r
            }
            None => self.kernel::<false>(),
        }
    }

    fn kernel<const FORCES: bool>(&mut self) -> (f64, usize) {
        let rc = self.cutoff;
        let rc2 = rc * rc;
        let ns = self.nspec;
        let (px, py, pz) = (&self.px[..], &self.py[..], &self.pz[..]);
        let (ox, oy) = (&self.ox[..], &self.oy[..]);
        let sp = &self.species[..];
        if FORCES {
            for v in [&mut self.fx, &mut self.fy, &mut self.fz] {
                v.iter_mut().for_each(|x| *x = 0.0);
            }
        }
        let (fx, fy, fz) = (&mut self.fx[..], &mut self.fy[..], &mut self.fz[..]);
        let mut energy = 0.0;
        let mut pairs = 0usize;
        for (r, &i) in self.owner.iter().enumerate() {
            let i = i as usize;
            let (lo, hi) = (self.start[r] as usize, self.start[r + 1] as usize);
            let (xi, yi, zi) = (px[i], py[i], pz[i]);
            let row = &self.tab[6 * sp[i] as usize * ns..][..6 * ns];
            let (mut fxi, mut fyi, mut fzi) = (0.0, 0.0, 0.0);
            for (&j, &m) in self.partner[lo..hi].iter().zip(&self.image[lo..hi]) {
                let (j, m) = (j as usize, m as usize);
                // In range by construction (build writes j < n and m < images); checks off in the hot loop.
                let (dx, dy, dz) = unsafe { (px.get_unchecked(j) + ox.get_unchecked(m) - xi, py.get_unchecked(j) + oy.get_unchecked(m) - yi, pz.get_unchecked(j) - zi) };
                let r2 = dx * dx + dy * dy + dz * dz;
                if r2 >= rc2 {
                    continue;
                }
                let t = unsafe { row.get_unchecked(6 * *sp.get_unchecked(j) as usize..) };
                let r = r2.sqrt();
                let ir = 1.0 / r;
                let (e, de_r) = pair_ir(&t[..4], r, ir);
                energy += e - t[4] - (r - rc) * t[5];
                pairs += 1;
                if FORCES {
                    let g = de_r - t[5] * ir;
                    fxi += g * dx;
                    fyi += g * dy;
                    fzi += g * dz;
                    unsafe {
                        *fx.get_unchecked_mut(j) -= g * dx;
                        *fy.get_unchecked_mut(j) -= g * dy;
                        *fz.get_unchecked_mut(j) -= g * dz;
                    }
                }
            }
            if FORCES {
                fx[i] += fxi;
                fy[i] += fyi;
                fz[i] += fzi;
            }
        }
        (energy, pairs)
    }
}

use crate::ff::wrap_bin;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ff::{energy_forces, System};

    /// A small oblique cell (cutoff spans many images), atoms outside the cell, three groups, damping on.
    fn case() -> (Vec<f64>, Vec<f64>, Vec<u8>, Vec<u8>, Vec<f64>) {
        let lj: [f64; 4] = [0.003 * 1.06e7, 2.0 * 0.003 * 3.26e3, 0.0, 0.0];
        let d2: [f64; 4] = [20.0e6, 150.0, 3.4, 20.0];
        let pp: Vec<f64> = lj.iter().chain(d2.iter()).chain(d2.iter()).chain(lj.iter()).cloned().collect();
        let cell = vec![2.9, 0.0, 0.0, 1.1, 2.6, 0.0, 0.0, 0.0, 20.0];
        let pos = vec![0.1, 0.2, 0.0, 5.3, -7.1, 0.4, 1.5, 1.0, 3.3, -3.0, 40.0, 3.1, 0.7, 0.3, 6.5];
        (cell, pos, vec![0, 0, 1, 1, 2], vec![0, 1, 0, 1, 1], pp)
    }

    fn exact(cell: &[f64], pos: &[f64], group: &[u8], species: &[u8], pp: &[f64]) -> (f64, Vec<f64>, usize) {
        let s = System { cell, pos, group, species, nspec: 2, pp, cutoff: 10.0 };
        let mut f = vec![0.0; pos.len()];
        let (e, n) = energy_forces(&s, Some(&mut f));
        (e, f, n)
    }

    #[test]
    fn agrees_with_the_cell_list_before_and_after_moves_below_and_above_half_the_skin() {
        let (cell, mut pos, group, species, pp) = case();
        let mut nl = NeighbourList::new(&cell, &group, &species, 2, &pp, 10.0, 1.0);
        for (step, (k, d)) in [(0usize, 0.0), (2, 0.3), (4, 0.45), (3, 0.8), (2, -3.0)].iter().enumerate() {
            pos[3 * k] += d;
            pos[3 * k + 2] += d / 2.0;
            let (e0, f0, n0) = exact(&cell, &pos, &group, &species, &pp);
            let mut f = vec![0.0; pos.len()];
            let (e, n) = nl.energy_forces(&pos, Some(&mut f));
            assert_eq!(n, n0, "step {}", step);
            assert!((e - e0).abs() <= 1e-12 * e0.abs().max(1e-9), "step {}: {} vs {}", step, e, e0);
            let scale = f0.iter().fold(0.0f64, |a, x| a.max(x.abs()));
            for c in 0..f.len() {
                assert!((f[c] - f0[c]).abs() <= 1e-12 * scale);
            }
        }
        // Built at the start; reused after a 0.34 Å move; rebuilt after 0.50 Å (> half the skin), 0.89 and 3.4 Å.
        assert_eq!(nl.builds, 4);
    }
}
