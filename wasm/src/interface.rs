//! Interface assembly: a substrate slab repeated to its supercell, one or more 2D films repeated to theirs,
//! each mapped in-plane onto the interface cell (rotation + strain), stacked at a z-separation, shifted by a
//! registry, inside a cell with vacuum.
//!
//! z-separation (Å) = mean z of the film's lowest atomic plane − mean z of the plane below it (the substrate's
//! top plane, or the previous film's top plane).

use crate::lattice2d::{map_between, M2, V2};

/// Atoms within this height (Å) of a film's lowest (highest) atom form its bottom (top) plane.
pub const PLANE_TOL: f64 = 0.3;

pub struct Part<'a> {
    /// In-plane lattice vectors a, b (Å; z components ignored) and atoms.
    pub a: V2,
    pub b: V2,
    pub positions: &'a [f64],
    pub numbers: &'a [u8],
}

pub struct FilmSpec<'a> {
    pub film: Part<'a>,
    /// Film supercell = film_m · (a, b) rows; it is mapped onto the interface cell.
    pub film_m: [i64; 4],
    /// Å, see module doc.
    pub z_sep: f64,
    /// Registry shift in fractions of the interface cell vectors.
    pub shift: [f64; 2],
}

pub struct SubstrateSpec<'a> {
    pub slab: Part<'a>,
    pub layer: &'a [u32],
    pub fixed: &'a [bool],
    pub sub_m: [i64; 4],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrainMode {
    /// The film takes all the strain (default).
    Film,
    /// Film and substrate meet halfway (each lattice deformed half-way towards the other).
    Shared,
    /// The substrate takes all the strain: its supercell is mapped onto the film's (rotated) supercell.
    Substrate,
}

#[derive(Debug)]
pub struct Interface {
    pub cell: [f64; 9],
    pub positions: Vec<f64>,
    pub numbers: Vec<u8>,
    /// 0 = substrate, k = k-th film (1-based).
    pub role: Vec<u32>,
    /// Substrate: slab plane index (0 = bottom); films: plane index from the film's bottom.
    pub layer: Vec<u32>,
    pub fixed: Vec<bool>,
    /// Per film: the in-plane map actually applied to its supercell (row-major 2x2, column vectors).
    pub film_maps: Vec<M2>,
    /// Map applied to the substrate (identity unless strain is shared).
    pub substrate_map: M2,
}

#[derive(Debug, PartialEq, Eq)]
pub enum InterfaceError {
    SingularMatrix,
    TooManyAtoms(usize),
    BadParameter,
    NoAtoms,
}

fn det2(m: [i64; 4]) -> i64 {
    m[0] * m[3] - m[1] * m[2]
}

fn sl(m: [i64; 4], a: V2, b: V2) -> (V2, V2) {
    let f = |i: i64, j: i64| [i as f64 * a[0] + j as f64 * b[0], i as f64 * a[1] + j as f64 * b[1]];
    (f(m[0], m[1]), f(m[2], m[3]))
}

/// Repeats a 2D-periodic part into the supercell (a', b') = m·(a, b). Returns positions and source indices.
fn supercell2d(p: &Part, m: [i64; 4]) -> (V2, V2, Vec<f64>, Vec<usize>) {
    let (na, nb) = sl(m, p.a, p.b);
    let d = na[0] * nb[1] - na[1] * nb[0];
    let n = p.numbers.len();
    let det = det2(m).abs() as usize;
    // Old lattice translations i·a + j·b needed: corners of the new cell in old coordinates.
    let corners = [[0i64, 0], [m[0], m[1]], [m[2], m[3]], [m[0] + m[2], m[1] + m[3]]];
    let (imin, imax) = (corners.iter().map(|c| c[0]).min().unwrap() - 1, corners.iter().map(|c| c[0]).max().unwrap() + 1);
    let (jmin, jmax) = (corners.iter().map(|c| c[1]).min().unwrap() - 1, corners.iter().map(|c| c[1]).max().unwrap() + 1);
    let mut pos = Vec::with_capacity(3 * n * det);
    let mut src = Vec::with_capacity(n * det);
    let pd = p.a[0] * p.b[1] - p.a[1] * p.b[0];
    for k in 0..n {
        let (x, y, z) = (p.positions[3 * k], p.positions[3 * k + 1], p.positions[3 * k + 2]);
        // Fold into the original cell first.
        let u = (x * p.b[1] - y * p.b[0]) / pd;
        let v = (p.a[0] * y - p.a[1] * x) / pd;
        let (u0, v0) = (u - u.floor(), v - v.floor());
        for i in imin..=imax {
            for j in jmin..=jmax {
                let (uu, vv) = (u0 + i as f64, v0 + j as f64);
                let cx = uu * p.a[0] + vv * p.b[0];
                let cy = uu * p.a[1] + vv * p.b[1];
                let s = (cx * nb[1] - cy * nb[0]) / d;
                let t = (na[0] * cy - na[1] * cx) / d;
                let eps = 1e-9;
                if s >= -eps && s < 1.0 - eps && t >= -eps && t < 1.0 - eps {
                    pos.extend_from_slice(&[cx, cy, z]);
                    src.push(k);
                }
            }
        }
    }
    (na, nb, pos, src)
}

fn apply(m: M2, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[1] * y, m[2] * x + m[3] * y)
}

fn plane_mean(zs: impl Iterator<Item = f64> + Clone, bottom: bool) -> f64 {
    let ext = if bottom { zs.clone().fold(f64::INFINITY, f64::min) } else { zs.clone().fold(f64::NEG_INFINITY, f64::max) };
    let sel: Vec<f64> = zs.filter(|z| (z - ext).abs() <= PLANE_TOL).collect();
    sel.iter().sum::<f64>() / sel.len() as f64
}

pub fn build(sub: &SubstrateSpec, films: &[FilmSpec], mode: StrainMode, vacuum: f64, max_atoms: usize) -> Result<Interface, InterfaceError> {
    if !(vacuum >= 0.0 && vacuum.is_finite()) {
        return Err(InterfaceError::BadParameter);
    }
    if det2(sub.sub_m) == 0 || films.iter().any(|f| det2(f.film_m) == 0) {
        return Err(InterfaceError::SingularMatrix);
    }
    if sub.slab.numbers.is_empty() || films.iter().any(|f| f.film.numbers.is_empty()) {
        return Err(InterfaceError::NoAtoms);
    }
    if films.iter().any(|f| !(f.z_sep.is_finite() && f.shift[0].is_finite() && f.shift[1].is_finite())) {
        return Err(InterfaceError::BadParameter);
    }
    // Count before allocating.
    let total = det2(sub.sub_m).unsigned_abs() as usize * sub.slab.numbers.len()
        + films.iter().map(|f| det2(f.film_m).unsigned_abs() as usize * f.film.numbers.len()).sum::<usize>();
    if total > max_atoms {
        return Err(InterfaceError::TooManyAtoms(total));
    }
    let (sa, sb, mut spos, ssrc) = supercell2d(&sub.slab, sub.sub_m);
    // Target lattice: the substrate supercell, or halfway (shared) / all the way (substrate) towards the first
    // film's rotated supercell.
    let (mut ta, mut tb) = (sa, sb);
    let mut substrate_map: M2 = [1.0, 0.0, 0.0, 1.0];
    if mode != StrainMode::Film {
        let w = if mode == StrainMode::Shared { 0.5 } else { 1.0 };
        let f = &films[0];
        let (fa, fb) = sl(f.film_m, f.film.a, f.film.b);
        let d = map_between(fa, fb, sa, sb).ok_or(InterfaceError::SingularMatrix)?;
        let (theta, _) = crate::lattice2d::polar(d);
        let (c, s) = (theta.cos(), theta.sin());
        let rot = |v: V2| [c * v[0] - s * v[1], s * v[0] + c * v[1]];
        let (ra, rb) = (rot(fa), rot(fb));
        ta = [sa[0] + w * (ra[0] - sa[0]), sa[1] + w * (ra[1] - sa[1])];
        tb = [sb[0] + w * (rb[0] - sb[0]), sb[1] + w * (rb[1] - sb[1])];
        substrate_map = map_between(sa, sb, ta, tb).ok_or(InterfaceError::SingularMatrix)?;
        for k in 0..spos.len() / 3 {
            let (x, y) = apply(substrate_map, spos[3 * k], spos[3 * k + 1]);
            spos[3 * k] = x;
            spos[3 * k + 1] = y;
        }
    }
    let mut positions = spos;
    let mut numbers: Vec<u8> = ssrc.iter().map(|&k| sub.slab.numbers[k]).collect();
    let mut role = vec![0u32; numbers.len()];
    let mut layer: Vec<u32> = ssrc.iter().map(|&k| sub.layer[k]).collect();
    let mut fixed: Vec<bool> = ssrc.iter().map(|&k| sub.fixed[k]).collect();
    let top_layer = *layer.iter().max().unwrap();
    let mut below_top: f64 = {
        let zs: Vec<f64> = (0..layer.len()).filter(|&i| layer[i] == top_layer).map(|i| positions[3 * i + 2]).collect();
        zs.iter().sum::<f64>() / zs.len() as f64
    };
    let mut film_maps = Vec::new();
    for (fi, f) in films.iter().enumerate() {
        let (fa, fb, fpos, fsrc) = supercell2d(&f.film, f.film_m);
        let d = map_between(fa, fb, ta, tb).ok_or(InterfaceError::SingularMatrix)?;
        film_maps.push(d);
        let zs = (0..fsrc.len()).map(|k| fpos[3 * k + 2]);
        let zbot = plane_mean(zs.clone(), true);
        let dz = below_top + f.z_sep - zbot;
        let sx = f.shift[0] * ta[0] + f.shift[1] * tb[0];
        let sy = f.shift[0] * ta[1] + f.shift[1] * tb[1];
        // Plane index inside the film, from its bottom (planes separated by more than PLANE_TOL).
        let mut zsorted: Vec<f64> = zs.clone().collect();
        zsorted.sort_by(|x, y| x.partial_cmp(y).unwrap());
        let mut planes: Vec<f64> = Vec::new();
        for z in zsorted {
            if planes.last().map_or(true, |&l| z - l > PLANE_TOL) {
                planes.push(z);
            }
        }
        for k in 0..fsrc.len() {
            let (x, y) = apply(d, fpos[3 * k], fpos[3 * k + 1]);
            let z = fpos[3 * k + 2];
            positions.extend_from_slice(&[x + sx, y + sy, z + dz]);
            numbers.push(f.film.numbers[fsrc[k]]);
            role.push(fi as u32 + 1);
            layer.push(planes.iter().rposition(|&p| z >= p - PLANE_TOL).unwrap_or(0) as u32);
            fixed.push(false);
        }
        below_top = plane_mean(zs, false) + dz;
    }
    // Vertical extent, vacuum split evenly; wrap in-plane.
    let n = numbers.len();
    let zmin = (0..n).map(|i| positions[3 * i + 2]).fold(f64::INFINITY, f64::min);
    let zmax = (0..n).map(|i| positions[3 * i + 2]).fold(f64::NEG_INFINITY, f64::max);
    let det = ta[0] * tb[1] - ta[1] * tb[0];
    for i in 0..n {
        let (x, y) = (positions[3 * i], positions[3 * i + 1]);
        let u = (x * tb[1] - y * tb[0]) / det;
        let v = (ta[0] * y - ta[1] * x) / det;
        let (mut u, mut v) = (u - u.floor(), v - v.floor());
        if u >= 1.0 - 1e-12 {
            u = 0.0;
        }
        if v >= 1.0 - 1e-12 {
            v = 0.0;
        }
        positions[3 * i] = u * ta[0] + v * tb[0];
        positions[3 * i + 1] = u * ta[1] + v * tb[1];
        positions[3 * i + 2] += 0.5 * vacuum - zmin;
    }
    Ok(Interface {
        cell: [ta[0], ta[1], 0.0, tb[0], tb[1], 0.0, 0.0, 0.0, zmax - zmin + vacuum],
        positions,
        numbers,
        role,
        layer,
        fixed,
        film_maps,
        substrate_map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_strained_film_at_the_requested_separation() {
        let h = 0.75f64.sqrt();
        // Substrate: one hexagonal plane per layer, 2 layers, a = 2.885; film: graphene-like, a = 2.46.
        let sa = 2.885;
        let spos = vec![0.0, 0.0, 10.0, 0.5 * sa, sa * h / 3.0, 12.355];
        let sub = SubstrateSpec {
            slab: Part { a: [sa, 0.0], b: [-0.5 * sa, h * sa], positions: &spos, numbers: &[79, 79] },
            layer: &[0, 1],
            fixed: &[true, false],
            sub_m: [1, 0, 0, 1],
        };
        let fa = 2.46;
        let fpos = vec![0.0, 0.0, 5.0, 0.5 * fa, fa * h / 3.0, 5.0];
        let film = FilmSpec { film: Part { a: [fa, 0.0], b: [-0.5 * fa, h * fa], positions: &fpos, numbers: &[6, 6] }, film_m: [1, 0, 0, 1], z_sep: 3.3, shift: [0.25, 0.0] };
        let r = build(&sub, &[film], StrainMode::Film, 15.0, 1000).unwrap();
        assert_eq!(r.numbers.len(), 4);
        let zs: Vec<f64> = (0..4).map(|i| r.positions[3 * i + 2]).collect();
        assert!((zs[2] - zs[1] - 3.3).abs() < 1e-9);
        assert!((r.cell[8] - (2.355 + 3.3 + 15.0)).abs() < 1e-9);
        assert!((zs[0] - 7.5).abs() < 1e-9);
        // The film is stretched to the substrate lattice: D = (2.885 / 2.46)·I.
        let d = r.film_maps[0];
        assert!((d[0] - sa / fa).abs() < 1e-12 && d[1].abs() < 1e-12 && (d[3] - sa / fa).abs() < 1e-12);
        assert_eq!(r.role, vec![0, 0, 1, 1]);
        assert_eq!(r.fixed, vec![true, false, false, false]);
        let too_many = build(&sub, &[FilmSpec { film: Part { a: [fa, 0.0], b: [-0.5 * fa, h * fa], positions: &fpos, numbers: &[6, 6] }, film_m: [30, 0, 0, 30], z_sep: 3.0, shift: [0.0, 0.0] }], StrainMode::Film, 15.0, 100);
        assert_eq!(too_many.unwrap_err(), InterfaceError::TooManyAtoms(2 + 1800));
        // Substrate strained: the cell is the film's (a = 2.46), the film map is the identity, the substrate's a·I.
        let f2 = FilmSpec { film: Part { a: [fa, 0.0], b: [-0.5 * fa, h * fa], positions: &fpos, numbers: &[6, 6] }, film_m: [1, 0, 0, 1], z_sep: 3.3, shift: [0.0, 0.0] };
        let s = build(&sub, &[f2], StrainMode::Substrate, 15.0, 1000).unwrap();
        assert!((s.cell[0] - fa).abs() < 1e-12 && s.cell[1].abs() < 1e-12);
        let (d, m) = (s.film_maps[0], s.substrate_map);
        assert!((d[0] - 1.0).abs() < 1e-12 && d[1].abs() < 1e-12 && (d[3] - 1.0).abs() < 1e-12);
        assert!((m[0] - fa / sa).abs() < 1e-12 && (m[3] - fa / sa).abs() < 1e-12);
    }
}
