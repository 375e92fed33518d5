//! Verlet neighbour list for the interlayer pair force field (ff.rs defines the pair terms; the TypeScript
//! reference src/compute/ff/cpu.ts the right answer). Pairs of atoms in different groups within cutoff + skin
//! are listed once, built with ff.rs's cell list, and reused until some atom has moved more than half the skin
//! since the build (then no pair can have crossed into the cutoff unseen), as LAMMPS does (`neigh_modify
//! check yes`). Layout: positions, species and forces as separate arrays (structure of arrays); per listed
//! atom i (the higher group) a run of partners j with an index into a small table of in-plane image offsets.

use crate::ff::{bins, pair, pair_ir, shifted_pair};
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
    /// Any pair with damping (d ≠ 0): else the kernel runs without the damping branch.
    damped: bool,
    /// Slot of i of each run, the run bounds into `partner` (slots: atoms, then ghosts) and the one species of
    /// the run's partners: an atom's partners are split into runs by species, so the SIMD kernel loads a
    /// run's pair parameters once instead of gathering them per pair.
    owner: Vec<u32>,
    start: Vec<u32>,
    run_species: Vec<u32>,
    partner: Vec<u32>,
    /// Ghosts, slots n…: periodic images of atoms (as LAMMPS keeps them), their atom's slot and in-plane
    /// offset (Å); their positions follow the atom's at every evaluation, their forces go back to it.
    ghost_of: Vec<u32>,
    gox: Vec<f64>,
    goy: Vec<f64>,
    pub builds: usize,
    /// Atom of each list slot: slots follow the cell list's order (group, bin, height), so the partners of an
    /// atom are runs of consecutive slots and the gathers below stream through memory.
    perm: Vec<u32>,
    // Scratch by slot, kept between calls.
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
            species: species.iter().map(|&s| s as u32).collect(), // by atom until the first build, then by slot
            tab,
            nspec,
            reference: Vec::new(),
            damped: (0..nspec * nspec).any(|k| pp[4 * k + 3] != 0.0),
            owner: Vec::new(),
            start: vec![0],
            run_species: Vec::new(),
            partner: Vec::new(),
            ghost_of: Vec::new(),
            gox: Vec::new(),
            goy: Vec::new(),
            builds: 0,
            perm: (0..n as u32).collect(),
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
        let species_of: Vec<u32> = self.perm.iter().zip(&self.species).fold(vec![0; n], |mut v, (&a, &sp)| {
            v[a as usize] = sp;
            v
        });
        self.perm = b.atoms.iter().flatten().map(|&i| i as u32).collect();
        let mut slot = vec![0u32; n];
        for (k, &a) in self.perm.iter().enumerate() {
            slot[a as usize] = k as u32;
        }
        self.species = self.perm.iter().map(|&a| species_of[a as usize]).collect();
        let mut ghosts: HashMap<(u32, i64, i64), u32> = HashMap::new();
        self.ghost_of.clear();
        self.gox.clear();
        self.goy.clear();
        self.owner.clear();
        self.start.clear();
        self.start.push(0);
        self.run_species.clear();
        self.partner.clear();
        let ng = b.atoms.len();
        for &i in b.atoms.iter().flatten() {
            let gi = self.group[i] as usize;
            if gi == 0 {
                continue;
            }
            let pi = b.bin[i] as i64 / b.nb;
            let qi = b.bin[i] as i64 % b.nb;
            let (xi, yi, zi) = (b.w[3 * i], b.w[3 * i + 1], b.w[3 * i + 2]);
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
                        // Image of j as seen from i, relative to the unwrapped positions: j itself or a ghost.
                        let (ka, kb) = (ia - wrap[j].0 + wrap[i].0, ib - wrap[j].1 + wrap[i].1);
                        let sj = if ka == 0 && kb == 0 {
                            slot[j]
                        } else {
                            let next = (n + self.ghost_of.len()) as u32;
                            let k = *ghosts.entry((slot[j], ka, kb)).or_insert(next);
                            if k == next {
                                self.ghost_of.push(slot[j]);
                                self.gox.push(ka as f64 * ax + kb as f64 * bx);
                                self.goy.push(ka as f64 * ay + kb as f64 * by);
                            }
                            k
                        };
                        self.partner.push(sj);
                    }
                }
            }
            // i's partners, by species then slot (slots keep the gathers streaming within a run).
            let lo = *self.start.last().unwrap() as usize;
            let species_of_slot = |k: u32, sp: &[u32], ghost_of: &[u32]| if (k as usize) < n { sp[k as usize] } else { sp[ghost_of[k as usize - n] as usize] };
            let (sp, go) = (&self.species, &self.ghost_of);
            self.partner[lo..].sort_unstable_by_key(|&k| (species_of_slot(k, sp, go), k));
            let mut k = lo;
            while k < self.partner.len() {
                let s0 = species_of_slot(self.partner[k], sp, go);
                while k < self.partner.len() && species_of_slot(self.partner[k], sp, go) == s0 {
                    k += 1;
                }
                self.owner.push(slot[i]);
                self.start.push(k as u32);
                self.run_species.push(s0);
            }
        }
        let slots = n + self.ghost_of.len();
        for v in [&mut self.px, &mut self.py, &mut self.pz, &mut self.fx, &mut self.fy, &mut self.fz] {
            v.resize(slots, 0.0);
        }
        let gs: Vec<u32> = self.ghost_of.iter().map(|&k| self.species[k as usize]).collect();
        self.species.extend(gs);
        self.reference = pos.to_vec();
        self.builds += 1;
    }

    /// Energy (eV) and number of pair terms within the cutoff at `pos`, rebuilding first when stale; forces
    /// (eV/Å, 3 per atom) added into `forces` when given.
    pub fn energy_forces(&mut self, pos: &[f64], forces: Option<&mut [f64]>) -> (f64, usize) {
        if self.stale(pos) {
            self.build(pos);
        }
        for (k, &a) in self.perm.iter().enumerate() {
            let a = a as usize;
            self.px[k] = pos[3 * a];
            self.py[k] = pos[3 * a + 1];
            self.pz[k] = pos[3 * a + 2];
        }
        let n = self.perm.len();
        for (g, &k) in self.ghost_of.iter().enumerate() {
            let k = k as usize;
            self.px[n + g] = self.px[k] + self.gox[g];
            self.py[n + g] = self.py[k] + self.goy[g];
            self.pz[n + g] = self.pz[k];
        }
        let damped = self.damped;
        match forces {
            Some(f) => {
                let r = if damped { self.kernel::<true, true>() } else { self.kernel_lj_forces() };
                for (g, &k) in self.ghost_of.iter().enumerate() {
                    let k = k as usize;
                    self.fx[k] += self.fx[n + g];
                    self.fy[k] += self.fy[n + g];
                    self.fz[k] += self.fz[n + g];
                }
                for (k, &a) in self.perm.iter().enumerate() {
                    let a = a as usize;
                    f[3 * a] += self.fx[k];
                    f[3 * a + 1] += self.fy[k];
                    f[3 * a + 2] += self.fz[k];
                }
                r
            }
            None if damped => self.kernel::<false, true>(),
            None => self.kernel::<false, false>(),
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn kernel_lj_forces(&mut self) -> (f64, usize) {
        self.kernel::<true, false>()
    }

    /// The undamped energy+forces kernel two pairs at a time (wasm SIMD, f64x2): the same terms as `kernel`,
    /// lanes beyond the cutoff masked to zero.
    #[cfg(target_arch = "wasm32")]
    fn kernel_lj_forces(&mut self) -> (f64, usize) {
        simd::lj_forces(self)
    }

    fn kernel<const FORCES: bool, const DAMPED: bool>(&mut self) -> (f64, usize) {
        let rc = self.cutoff;
        let rc2 = rc * rc;
        let ns = self.nspec;
        let (px, py, pz) = (&self.px[..], &self.py[..], &self.pz[..]);
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
            for &j in &self.partner[lo..hi] {
                let j = j as usize;
                // In range by construction (build writes slots < atoms + ghosts); checks off in the hot loop.
                let (dx, dy, dz) = unsafe { (px.get_unchecked(j) - xi, py.get_unchecked(j) - yi, pz.get_unchecked(j) - zi) };
                let r2 = dx * dx + dy * dy + dz * dz;
                if r2 >= rc2 {
                    continue;
                }
                let t = unsafe { row.get_unchecked(6 * *sp.get_unchecked(j) as usize..) };
                let r = r2.sqrt();
                let ir = 1.0 / r;
                let (e, g) = shifted_pair(t, r, ir, rc, if DAMPED { pair_ir(&t[..4], r, ir) } else { lj_ir(t[0], t[1], ir) });
                energy += e;
                pairs += 1;
                if FORCES {
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

/// pair_ir without damping (d = 0): E = A/r¹² − C/r⁶ and dE/dr / r.
#[inline(always)]
fn lj_ir(a: f64, c: f64, ir: f64) -> (f64, f64) {
    let ir2 = ir * ir;
    let ir6 = ir2 * ir2 * ir2;
    let rep = a * ir6 * ir6;
    (rep - c * ir6, (-12.0 * rep + 6.0 * c * ir6) * ir2)
}

impl NeighbourList {
    /// The list by atom index, for an evaluation elsewhere (WebGPU, nlist-webgpu.ts): per listed pair
    /// (i, j, ka, kb), atom i (the higher group) and the image of atom j at r_j + ka·a + kb·b, relative to the
    /// positions of the last build (empty before the first).
    pub fn pairs_by_atom(&self) -> Vec<[f64; 4]> {
        let n = self.perm.len();
        let (ax, ay, bx, by) = (self.cell[0], self.cell[1], self.cell[2], self.cell[3]);
        let det = ax * by - ay * bx;
        let mut out = Vec::with_capacity(self.partner.len());
        for (r, &oi) in self.owner.iter().enumerate() {
            let i = self.perm[oi as usize] as f64;
            for &sj in &self.partner[self.start[r] as usize..self.start[r + 1] as usize] {
                let sj = sj as usize;
                if sj < n {
                    out.push([i, self.perm[sj] as f64, 0.0, 0.0]);
                    continue;
                }
                // A ghost: its offset is ka·a + kb·b with integers (build), recovered exactly by rounding.
                let g = sj - n;
                let (ox, oy) = (self.gox[g], self.goy[g]);
                let ka = ((ox * by - oy * bx) / det).round();
                let kb = ((ax * oy - ay * ox) / det).round();
                out.push([i, self.perm[self.ghost_of[g] as usize] as f64, ka, kb]);
            }
        }
        out
    }
}

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

#[cfg(target_arch = "wasm32")]
mod simd {
    use super::NeighbourList;
    use core::arch::wasm32::*;

    /// Pair parameters of a run, splatted: A, C, E(rc), E'(rc), cutoff², cutoff.
    struct Run {
        a: v128,
        c: v128,
        ec: v128,
        fc: v128,
        rc2: v128,
        rc: v128,
    }

    /// Terms of partners j0, j1 of atom (xi, yi, zi) (lane 1 off when !FULL: its partner repeated, terms zeroed):
    /// energy added into ev, force on i into fi, forces on j0, j1 subtracted. Returns the pairs within the cutoff.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn two<const FULL: bool>(q: &Run, j0: usize, j1: usize, pi: &[v128; 3], p: (&[f64], &[f64], &[f64]), f: (&mut [f64], &mut [f64], &mut [f64]), ev: &mut v128, fi: &mut [v128; 3]) -> usize {
        let (px, py, pz) = p;
        let dx = f64x2_sub(f64x2(*px.get_unchecked(j0), *px.get_unchecked(j1)), pi[0]);
        let dy = f64x2_sub(f64x2(*py.get_unchecked(j0), *py.get_unchecked(j1)), pi[1]);
        let dz = f64x2_sub(f64x2(*pz.get_unchecked(j0), *pz.get_unchecked(j1)), pi[2]);
        let r2 = f64x2_add(f64x2_add(f64x2_mul(dx, dx), f64x2_mul(dy, dy)), f64x2_mul(dz, dz));
        let mut mask = f64x2_lt(r2, q.rc2);
        if !FULL {
            mask = v128_and(mask, u64x2(u64::MAX, 0));
        }
        let bits = i64x2_bitmask(mask);
        if bits == 0 {
            return 0;
        }
        // 1/r² and r independently (both wait on r² only), then 1/r = r · 1/r².
        let ir2 = f64x2_div(f64x2_splat(1.0), r2);
        let rr = f64x2_sqrt(r2);
        let ir = f64x2_mul(rr, ir2);
        let ir6 = f64x2_mul(f64x2_mul(ir2, ir2), ir2);
        let rep = f64x2_mul(q.a, f64x2_mul(ir6, ir6));
        let att = f64x2_mul(q.c, ir6);
        let e = f64x2_sub(f64x2_sub(f64x2_sub(rep, att), q.ec), f64x2_mul(f64x2_sub(rr, q.rc), q.fc));
        *ev = f64x2_add(*ev, v128_and(e, mask));
        let de_r = f64x2_mul(f64x2_add(f64x2_mul(f64x2_splat(-12.0), rep), f64x2_mul(f64x2_splat(6.0), att)), ir2);
        let g = v128_and(f64x2_sub(de_r, f64x2_mul(q.fc, ir)), mask);
        let (gx, gy, gz) = (f64x2_mul(g, dx), f64x2_mul(g, dy), f64x2_mul(g, dz));
        fi[0] = f64x2_add(fi[0], gx);
        fi[1] = f64x2_add(fi[1], gy);
        fi[2] = f64x2_add(fi[2], gz);
        let (fx, fy, fz) = f;
        *fx.get_unchecked_mut(j0) -= f64x2_extract_lane::<0>(gx);
        *fy.get_unchecked_mut(j0) -= f64x2_extract_lane::<0>(gy);
        *fz.get_unchecked_mut(j0) -= f64x2_extract_lane::<0>(gz);
        if FULL {
            *fx.get_unchecked_mut(j1) -= f64x2_extract_lane::<1>(gx);
            *fy.get_unchecked_mut(j1) -= f64x2_extract_lane::<1>(gy);
            *fz.get_unchecked_mut(j1) -= f64x2_extract_lane::<1>(gz);
        }
        (bits & 1) as usize + (bits >> 1) as usize
    }

    /// The undamped energy+forces kernel two pairs at a time (f64x2): the same terms as `kernel`, lanes beyond
    /// the cutoff masked to zero; each run's parameters loaded once (runs have one partner species).
    #[target_feature(enable = "simd128")]
    pub fn lj_forces(nl: &mut NeighbourList) -> (f64, usize) {
        let rc = nl.cutoff;
        let ns = nl.nspec;
        let (px, py, pz) = (&nl.px[..], &nl.py[..], &nl.pz[..]);
        let sp = &nl.species[..];
        for v in [&mut nl.fx, &mut nl.fy, &mut nl.fz] {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        let (fx, fy, fz) = (&mut nl.fx[..], &mut nl.fy[..], &mut nl.fz[..]);
        let mut ev = f64x2_splat(0.0);
        let mut pairs = 0usize;
        for (r, &i) in nl.owner.iter().enumerate() {
            let i = i as usize;
            let (lo, hi) = (nl.start[r] as usize, nl.start[r + 1] as usize);
            let pi = [f64x2_splat(px[i]), f64x2_splat(py[i]), f64x2_splat(pz[i])];
            let t = &nl.tab[6 * (sp[i] as usize * ns + nl.run_species[r] as usize)..][..6];
            let q = Run { a: f64x2_splat(t[0]), c: f64x2_splat(t[1]), ec: f64x2_splat(t[4]), fc: f64x2_splat(t[5]), rc2: f64x2_splat(rc * rc), rc: f64x2_splat(rc) };
            let mut fi = [f64x2_splat(0.0); 3];
            let list = &nl.partner[lo..hi];
            // Slots < atoms + ghosts by construction; checks off in the hot loop.
            unsafe {
                let mut k = 0;
                while k + 1 < list.len() {
                    pairs += two::<true>(&q, *list.get_unchecked(k) as usize, *list.get_unchecked(k + 1) as usize, &pi, (px, py, pz), (&mut *fx, &mut *fy, &mut *fz), &mut ev, &mut fi);
                    k += 2;
                }
                if k < list.len() {
                    let j = *list.get_unchecked(k) as usize;
                    pairs += two::<false>(&q, j, j, &pi, (px, py, pz), (&mut *fx, &mut *fy, &mut *fz), &mut ev, &mut fi);
                }
            }
            fx[i] += f64x2_extract_lane::<0>(fi[0]) + f64x2_extract_lane::<1>(fi[0]);
            fy[i] += f64x2_extract_lane::<0>(fi[1]) + f64x2_extract_lane::<1>(fi[1]);
            fz[i] += f64x2_extract_lane::<0>(fi[2]) + f64x2_extract_lane::<1>(fi[2]);
        }
        (f64x2_extract_lane::<0>(ev) + f64x2_extract_lane::<1>(ev), pairs)
    }
}
