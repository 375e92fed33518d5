//! Pairwise force field between the layers of an interface: the wasm twin of src/compute/ff/cpu.ts (which
//! defines the right answer). Pair parameters arrive as tables from TypeScript (one source of parameters):
//! UFF form E = D[(x/r)^12 − 2(x/r)^6], force-shifted at the cutoff. Only pairs in different groups count;
//! periodic images in the a–b plane, none along z.

pub struct System<'a> {
    pub cell: &'a [f64],
    pub pos: &'a [f64],
    pub group: &'a [u8],
    /// Species index of each atom into the n × n tables.
    pub species: &'a [u8],
    pub nspec: usize,
    pub x: &'a [f64],
    pub d: &'a [f64],
    pub cutoff: f64,
}

fn lj(x: f64, d: f64, r: f64) -> (f64, f64) {
    let s6 = (x / r).powi(6);
    let s12 = s6 * s6;
    (d * (s12 - 2.0 * s6), 12.0 * d * (s6 - s12) / r)
}

fn image_ranges(cell: &[f64], cutoff: f64, span: f64) -> (i64, i64) {
    let (ax, ay, bx, by) = (cell[0], cell[1], cell[3], cell[4]);
    let area = (ax * by - ay * bx).abs();
    let ha = area / (bx * bx + by * by).sqrt();
    let hb = area / (ax * ax + ay * ay).sqrt();
    (((cutoff + span) / ha).ceil() as i64, ((cutoff + span) / hb).ceil() as i64)
}

fn span(pos: &[f64]) -> f64 {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for p in pos.chunks_exact(3) {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt()
}

/// Energy (eV), forces (eV/Å, 3 per atom, accumulated into `forces` when given) and the number of pair terms.
pub fn energy_forces(s: &System, mut forces: Option<&mut [f64]>) -> (f64, usize) {
    let n = s.group.len();
    let rc = s.cutoff;
    let (na, nb) = image_ranges(s.cell, rc, span(s.pos));
    let c = s.cell;
    let mut energy = 0.0;
    let mut pairs = 0usize;
    for i in 0..n {
        for j in 0..n {
            if s.group[i] <= s.group[j] {
                continue;
            }
            let k = s.species[i] as usize * s.nspec + s.species[j] as usize;
            let (x, d) = (s.x[k], s.d[k]);
            let (ec, fc) = lj(x, d, rc);
            for ia in -na..=na {
                for ib in -nb..=nb {
                    let dx = s.pos[3 * j] + ia as f64 * c[0] + ib as f64 * c[3] - s.pos[3 * i];
                    let dy = s.pos[3 * j + 1] + ia as f64 * c[1] + ib as f64 * c[4] - s.pos[3 * i + 1];
                    let dz = s.pos[3 * j + 2] - s.pos[3 * i + 2];
                    let r2 = dx * dx + dy * dy + dz * dz;
                    if r2 >= rc * rc {
                        continue;
                    }
                    let r = r2.sqrt();
                    let (e, de) = lj(x, d, r);
                    energy += e - ec - (r - rc) * fc;
                    if let Some(f) = forces.as_deref_mut() {
                        let g = (de - fc) / r;
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
        System { cell: self.cell, pos: self.pos, group: self.group, species: self.species, nspec: self.nspec, x: self.x, d: self.d, cutoff: self.cutoff }
    }
}
impl<'a> Copy for System<'a> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pair_matches_the_closed_form_and_forces_balance() {
        let cell = [40.0, 0.0, 0.0, -20.0, 34.64, 0.0, 0.0, 0.0, 30.0];
        let pos = [0.0, 0.0, 0.0, 0.0, 0.0, 3.7];
        let (x, d) = (3.56, 0.003);
        let s = System { cell: &cell, pos: &pos, group: &[0, 1], species: &[0, 1], nspec: 2, x: &[x, x, x, x], d: &[d, d, d, d], cutoff: 12.0 };
        let mut f = [0.0; 6];
        let (e, n) = energy_forces(&s, Some(&mut f));
        let (e0, _) = lj(x, d, 3.7);
        let (ec, fc) = lj(x, d, 12.0);
        assert_eq!(n, 1);
        assert!((e - (e0 - ec - (3.7 - 12.0) * fc)).abs() < 1e-15);
        for k in 0..3 {
            assert!((f[k] + f[3 + k]).abs() < 1e-15);
        }
        let es = energies_for_shifts(&s, 1, &[0.0, 0.0, 0.0, 0.0, 0.0, 8.4]);
        assert!((es[0] - e).abs() < 1e-15 && es[1].abs() < 1e-15);
    }
}
