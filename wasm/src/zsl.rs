//! Coincident-supercell search between a film lattice and a substrate surface lattice (both 2D, Å).
//!
//! Two modes:
//! - `zsl_search`: the Zur–McGill algorithm as pymatgen implements it (all supercells up to a maximum area
//!   via Hermite normal forms, Zur reduction, vector-length and angle tolerances); the twist of each match
//!   is whatever the supercells imply.
//! - `twist_search`: supercells at a prescribed twist θ: substrate lattice vectors whose rotated film
//!   counterpart is a near lattice vector, paired into the smallest low-strain cell.
//! Every match carries the proper (det > 0) in-plane map D taking the film supercell onto the substrate
//! supercell, its polar decomposition D = R(twist)·U, and the principal strains of U − 1.

use crate::lattice2d::*;

#[derive(Clone, Copy, Debug)]
pub struct SearchParams {
    /// Largest substrate supercell area (Å²).
    pub max_area: f64,
    /// pymatgen's max_area_ratio_tol: |A_f/A_s − j/i| bound when pairing area multiples (ZSL mode).
    pub max_area_ratio_tol: f64,
    /// Relative vector-length tolerance (ZSL) or largest principal strain (twist mode).
    pub max_length_tol: f64,
    /// Angle tolerance: relative (pymatgen) when `angle_relative`, else absolute radians.
    pub max_angle_tol: f64,
    pub angle_relative: bool,
    /// Beyond pymatgen: when the Zur-reduced bases of a supercell pair do not line up (a reduction tie, or
    /// a mirror), also try re-pairing the substrate basis by small unimodular matrices. Finds every
    /// pymatgen match and the ones its basis choice hides.
    pub robust: bool,
}

#[derive(Clone, Debug)]
pub struct Match {
    /// Film supercell vectors = film_m · (film basis rows): [m00, m01, m10, m11].
    pub film_m: [i64; 4],
    /// Substrate supercell vectors = sub_m · (substrate basis rows).
    pub sub_m: [i64; 4],
    pub film_sl: [V2; 2],
    pub sub_sl: [V2; 2],
    /// Substrate supercell area (Å²).
    pub area: f64,
    /// D with D·film_sl[k] = sub_sl[k] (row-major, acts on column vectors).
    pub d: M2,
    /// Rotation part of D (radians, counter-clockwise).
    pub twist: f64,
    /// Symmetric stretch U of D = R·U; the film's strain tensor is U − 1.
    pub stretch: M2,
    /// Principal strains (eigenvalues of U − 1), ascending.
    pub principal: [f64; 2],
    /// pymatgen's per-vector strains |s_k|/|f_k| − 1 and angle mismatch (relative or radians).
    pub vec_strain: [f64; 2],
    pub angle_mismatch: f64,
    /// No proper (det > 0) map within tolerance: the film would have to be mirrored.
    pub mirror: bool,
}

impl Match {
    pub fn max_strain(&self) -> f64 {
        self.principal[0].abs().max(self.principal[1].abs())
    }
}

fn factors(n: i64) -> Vec<i64> {
    (1..=n).filter(|x| n % x == 0).collect()
}

/// pymatgen's gen_sl_transform_matrices: upper-triangular HNFs [[i, j], [0, n/i]], 0 ≤ j < n/i.
fn hnfs(n: i64) -> Vec<[i64; 4]> {
    let mut out = Vec::new();
    for i in factors(n) {
        for j in 0..(n / i) {
            out.push([i, j, 0, n / i]);
        }
    }
    out
}

fn apply(m: [i64; 4], b: [V2; 2]) -> [V2; 2] {
    let (a0, a1, a2, a3) = (m[0] as f64, m[1] as f64, m[2] as f64, m[3] as f64);
    [[a0 * b[0][0] + a1 * b[1][0], a0 * b[0][1] + a1 * b[1][1]], [a2 * b[0][0] + a3 * b[1][0], a2 * b[0][1] + a3 * b[1][1]]]
}

/// Integer coefficients of v in basis b (rounded; the caller knows v is a lattice vector).
fn int_coords(b: [V2; 2], v: V2) -> [i64; 2] {
    let c = coords(b[0], b[1], v).unwrap_or([0.0, 0.0]);
    [c[0].round() as i64, c[1].round() as i64]
}

/// Fills D, twist, stretch and principal strains for a film → substrate supercell pairing.
fn finish(film_m: [i64; 4], sub_m: [i64; 4], film_sl: [V2; 2], sub_sl: [V2; 2], vec_strain: [f64; 2], angle_mismatch: f64) -> Option<Match> {
    let d = map_between(film_sl[0], film_sl[1], sub_sl[0], sub_sl[1])?;
    let det = d[0] * d[3] - d[1] * d[2];
    let (twist, stretch) = polar(d);
    let e = sym_eigen(stretch);
    Some(Match {
        film_m,
        sub_m,
        film_sl,
        sub_sl,
        area: cross(sub_sl[0], sub_sl[1]).abs(),
        d,
        twist,
        stretch,
        principal: [e[0] - 1.0, e[1] - 1.0],
        vec_strain,
        angle_mismatch,
        mirror: det <= 0.0,
    })
}

/// Unimodular 2x2 integer matrices with det −1 and entries in {−1, 0, 1}: the re-pairings that turn an
/// improper (mirror) pairing into a proper one when the lattice allows it.
fn improper_unimodular() -> Vec<[i64; 4]> {
    let mut out = Vec::new();
    for a in -1..=1 {
        for b in -1..=1 {
            for c in -1..=1 {
                for d in -1..=1 {
                    if a * d - b * c == -1 {
                        out.push([a, b, c, d]);
                    }
                }
            }
        }
    }
    out
}

fn mul_int(u: [i64; 4], m: [i64; 4]) -> [i64; 4] {
    [u[0] * m[0] + u[1] * m[2], u[0] * m[1] + u[1] * m[3], u[2] * m[0] + u[3] * m[2], u[2] * m[1] + u[3] * m[3]]
}

/// Unimodular 2x2 integer matrices (det ±1) with entries in {−1, 0, 1}.
fn all_unimodular() -> Vec<[i64; 4]> {
    let mut out = Vec::new();
    for a in -1i64..=1 {
        for b in -1..=1 {
            for c in -1..=1 {
                for d in -1..=1 {
                    if (a * d - b * c).abs() == 1 {
                        out.push([a, b, c, d]);
                    }
                }
            }
        }
    }
    out
}

/// Zur–McGill search (pymatgen's ZSLGenerator, unidirectional). Returns every pairing pymatgen returns, in
/// order of increasing area multiple; pairings that need a mirror are re-paired to a proper map when one
/// exists within `2·max_length_tol`, otherwise flagged `mirror`.
pub fn zsl_search(film: [V2; 2], sub: [V2; 2], p: &SearchParams, limit: usize) -> Vec<Match> {
    let fa = cross(film[0], film[1]).abs();
    let sa = cross(sub[0], sub[1]).abs();
    let mut out = Vec::new();
    if !(fa > 1e-9 && sa > 1e-9 && p.max_area > 0.0) {
        return out;
    }
    let imax = (p.max_area / fa).ceil() as i64;
    let jmax = (p.max_area / sa).ceil() as i64;
    let mut sets: Vec<(i64, i64)> = Vec::new();
    // Robust mode: the area ratio may differ by as much as the allowed strains permit.
    let ratio_tol = if p.robust { p.max_area_ratio_tol.max((1.0 + p.max_length_tol).powi(2) - 1.0 + 1e-9) } else { p.max_area_ratio_tol };
    for ii in 1..imax {
        for jj in 1..jmax {
            let r1 = (fa / sa - jj as f64 / ii as f64).abs() < ratio_tol;
            let r2 = (sa / fa - ii as f64 / jj as f64).abs() < ratio_tol;
            if r1 || r2 {
                sets.push((ii, jj));
            }
        }
    }
    sets.sort_by_key(|&(i, j)| (i * j, i));
    let fix = improper_unimodular();
    let repair = all_unimodular();
    let mut cache_f: Vec<Option<Vec<([i64; 4], [V2; 2])>>> = vec![None; imax.max(1) as usize + 1];
    let mut cache_s: Vec<Option<Vec<([i64; 4], [V2; 2])>>> = vec![None; jmax.max(1) as usize + 1];
    let reduced = |n: i64, basis: [V2; 2]| -> Vec<([i64; 4], [V2; 2])> {
        hnfs(n)
            .into_iter()
            .map(|h| {
                let v = apply(h, basis);
                let (a, b) = reduce_zsl(v[0], v[1]);
                let ca = int_coords(basis, a);
                let cb = int_coords(basis, b);
                ([ca[0], ca[1], cb[0], cb[1]], [a, b])
            })
            .collect()
    };
    for (ii, jj) in sets {
        if cache_f[ii as usize].is_none() {
            cache_f[ii as usize] = Some(reduced(ii, film));
        }
        if cache_s[jj as usize].is_none() {
            cache_s[jj as usize] = Some(reduced(jj, sub));
        }
        let fl = cache_f[ii as usize].as_ref().unwrap();
        let sl = cache_s[jj as usize].as_ref().unwrap();
        for (fm, f) in fl.iter() {
            let fang = angle(f[0], f[1]);
            let (n0, n1) = (norm(f[0]), norm(f[1]));
            for (sm, s) in sl.iter() {
                let check = |s0: V2, s1: V2| -> Option<(f64, f64, f64)> {
                    let e0 = norm(s0) / n0 - 1.0;
                    if e0.abs() > p.max_length_tol {
                        return None;
                    }
                    let e1 = norm(s1) / n1 - 1.0;
                    if e1.abs() > p.max_length_tol {
                        return None;
                    }
                    let sang = angle(s0, s1);
                    let am = if p.angle_relative { sang / fang - 1.0 } else { sang - fang };
                    if am.abs() > p.max_angle_tol {
                        return None;
                    }
                    Some((e0, e1, am))
                };
                let direct = check(s[0], s[1]);
                let mut m = match direct {
                    Some((e0, e1, am)) => match finish(*fm, *sm, *f, *s, [e0, e1], am) {
                        Some(m) => m,
                        None => continue,
                    },
                    None => {
                        if !p.robust {
                            continue;
                        }
                        // Re-pair the substrate basis: the best proper pairing that meets the tolerances.
                        let mut best: Option<Match> = None;
                        for u in repair.iter() {
                            let s2 = apply(*u, *s);
                            if let Some((e0, e1, am)) = check(s2[0], s2[1]) {
                                let smu = mul_int(*u, *sm);
                                if let Some(c) = finish(*fm, smu, *f, s2, [e0, e1], am) {
                                    if !c.mirror && best.as_ref().map_or(true, |b| c.max_strain() < b.max_strain()) {
                                        best = Some(c);
                                    }
                                }
                            }
                        }
                        match best {
                            Some(b) => b,
                            None => continue,
                        }
                    }
                };
                if m.mirror {
                    // Try other bases of the substrate supercell lattice that make the map proper.
                    let mut best: Option<Match> = None;
                    for u in fix.iter() {
                        let s2 = apply(*u, *s);
                        let smu = mul_int(*u, *sm);
                        if let Some(c) = finish(*fm, smu, *f, s2, m.vec_strain, m.angle_mismatch) {
                            if !c.mirror && best.as_ref().map_or(true, |b| c.max_strain() < b.max_strain()) {
                                best = Some(c);
                            }
                        }
                    }
                    if let Some(b) = best {
                        if b.max_strain() <= 2.0 * p.max_length_tol {
                            m = b;
                        }
                    }
                }
                // S and −S span the same supercell; pick the sign that keeps |twist| ≤ 90° (a film rotated by
                // 180° is a different structure unless the film is centrosymmetric, so report the smaller turn).
                if !m.mirror && m.twist.abs() > std::f64::consts::FRAC_PI_2 + 1e-12 {
                    let neg = [[-m.sub_sl[0][0], -m.sub_sl[0][1]], [-m.sub_sl[1][0], -m.sub_sl[1][1]]];
                    let sm2 = [-m.sub_m[0], -m.sub_m[1], -m.sub_m[2], -m.sub_m[3]];
                    if let Some(c) = finish(m.film_m, sm2, m.film_sl, neg, m.vec_strain, m.angle_mismatch) {
                        m = c;
                    }
                }
                out.push(m);
                if out.len() >= limit {
                    return out;
                }
            }
        }
    }
    out
}

/// Supercells at a prescribed twist θ (radians; film rotated counter-clockwise onto the substrate).
/// Candidate substrate lattice vectors s get the nearest film lattice vector f to R(−θ)·s; pairs of
/// candidates spanning at most `max_area` are kept when the map's principal strains are within
/// `max_length_tol` and its rotation within `max_angle_tol` (radians) of θ. Sorted by area, then strain.
pub fn twist_search(film: [V2; 2], sub: [V2; 2], theta: f64, p: &SearchParams, limit: usize) -> Vec<Match> {
    let cands = twist_candidates(film, sub, theta, p);
    let mut out = pair_candidates(&cands, film, sub, theta, p, limit, false);
    sort_matches(&mut out);
    out.truncate(limit);
    out
}

/// Best match (smallest area, then smallest strain) per angle from `from` to `to` (radians) in `steps` steps.
pub fn twist_scan(film: [V2; 2], sub: [V2; 2], from: f64, to: f64, steps: usize, p: &SearchParams) -> Vec<Option<Match>> {
    let lattice = substrate_vectors(film, sub, p);
    (0..steps)
        .map(|k| {
            let theta = if steps > 1 { from + (to - from) * k as f64 / (steps - 1) as f64 } else { from };
            let cands = candidates_from(&lattice, film, theta, p);
            let mut v = pair_candidates(&cands, film, sub, theta, p, 1, true);
            sort_matches(&mut v);
            v.into_iter().next()
        })
        .collect()
}

struct Cand {
    s: V2,
    sij: [i64; 2],
    f: V2,
    fij: [i64; 2],
    len: f64,
}

/// Substrate lattice vectors that can be the shorter vector (or the longer one) of a reduced supercell of
/// area ≤ max_area: lengths up to max_area / (sin 60° · shortest lattice vector), upper half plane.
fn substrate_vectors(_film: [V2; 2], sub: [V2; 2], p: &SearchParams) -> Vec<(V2, [i64; 2], f64)> {
    let (a, b) = reduce_gauss(sub[0], sub[1]);
    let smin = norm(a);
    let lmax = p.max_area / (0.866 * smin) + 1e-9;
    let area = cross(a, b).abs();
    // Bounds on coefficients: |i| ≤ lmax·|b|/area, |j| ≤ lmax·|a|/area (heights of the cell).
    let imax = (lmax * norm(b) / area).ceil() as i64 + 1;
    let jmax = (lmax * norm(a) / area).ceil() as i64 + 1;
    let mut out = Vec::new();
    for i in -imax..=imax {
        for j in -jmax..=jmax {
            if i == 0 && j == 0 {
                continue;
            }
            let v = [i as f64 * a[0] + j as f64 * b[0], i as f64 * a[1] + j as f64 * b[1]];
            let l = norm(v);
            // One of ±v suffices as a first vector; keep the upper half plane.
            if l <= lmax && (v[1] > 1e-12 || (v[1].abs() <= 1e-12 && v[0] > 0.0)) {
                // Express in the caller's substrate basis.
                let c = int_coords(sub, v);
                out.push((v, c, l));
            }
        }
    }
    out.sort_by(|x, y| x.2.partial_cmp(&y.2).unwrap());
    out
}

fn candidates_from(lattice: &[(V2, [i64; 2], f64)], film: [V2; 2], theta: f64, p: &SearchParams) -> Vec<Cand> {
    let (c, s) = (theta.cos(), theta.sin());
    let mut out = Vec::new();
    for &(v, ij, l) in lattice {
        // Film vector that, rotated by θ, should land on v.
        let back = [c * v[0] + s * v[1], -s * v[0] + c * v[1]];
        let x = match coords(film[0], film[1], back) {
            Some(x) => x,
            None => return out,
        };
        let (m, n) = (x[0].round(), x[1].round());
        let f = [m * film[0][0] + n * film[1][0], m * film[0][1] + n * film[1][1]];
        let err = norm(sub(f, back)) / l;
        if err <= p.max_length_tol {
            out.push(Cand { s: v, sij: ij, f, fij: [m as i64, n as i64], len: l });
        }
    }
    out
}

fn twist_candidates(film: [V2; 2], sub: [V2; 2], theta: f64, p: &SearchParams) -> Vec<Cand> {
    let lattice = substrate_vectors(film, sub, p);
    candidates_from(&lattice, film, theta, p)
}

fn pair_candidates(cands: &[Cand], _film: [V2; 2], _sub: [V2; 2], theta: f64, p: &SearchParams, limit: usize, best_only: bool) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    let mut best_area = f64::INFINITY;
    for (ia, a) in cands.iter().enumerate() {
        // The shorter vector of a reduced cell of area ≤ A is at most sqrt(A / sin 60°) long.
        if a.len * a.len * 0.866 > p.max_area + 1e-9 {
            break;
        }
        for b in cands.iter().skip(ia + 1) {
            if a.len * b.len * 0.866 > p.max_area.min(if best_only { best_area } else { f64::INFINITY }) + 1e-9 {
                break;
            }
            // Both orientations of b (the list holds one of ±v).
            for sign in [1.0, -1.0] {
                let bs = [sign * b.s[0], sign * b.s[1]];
                let bf = [sign * b.f[0], sign * b.f[1]];
                let area = cross(a.s, bs);
                if area <= 1e-9 || area > p.max_area + 1e-9 || cross(a.f, bf) <= 1e-9 {
                    continue;
                }
                if best_only && area > best_area + 1e-9 {
                    continue;
                }
                let sg = sign as i64;
                let m = match finish(
                    [a.fij[0], a.fij[1], sg * b.fij[0], sg * b.fij[1]],
                    [a.sij[0], a.sij[1], sg * b.sij[0], sg * b.sij[1]],
                    [a.f, bf],
                    [a.s, bs],
                    [a.len / norm(a.f) - 1.0, b.len / norm(bf) - 1.0],
                    angle(a.s, bs) - angle(a.f, bf),
                ) {
                    Some(m) => m,
                    None => continue,
                };
                let dtw = (m.twist - theta + std::f64::consts::PI).rem_euclid(2.0 * std::f64::consts::PI) - std::f64::consts::PI;
                if m.mirror || m.max_strain() > p.max_length_tol || dtw.abs() > p.max_angle_tol {
                    continue;
                }
                if best_only {
                    if area < best_area - 1e-9 || out.first().map_or(true, |o| area <= o.area + 1e-9 && m.max_strain() < o.max_strain()) {
                        best_area = area;
                        out.clear();
                        out.push(m);
                    }
                } else {
                    out.push(m);
                    if out.len() >= limit * 20 {
                        return out;
                    }
                }
            }
        }
    }
    out
}

/// Sort by area, then largest |principal strain|, then |twist|.
pub fn sort_matches(v: &mut Vec<Match>) {
    v.sort_by(|x, y| {
        (x.area, x.max_strain(), x.twist.abs())
            .partial_cmp(&(y.area, y.max_strain(), y.twist.abs()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

/// Removes matches equivalent by lattice symmetry: same film and substrate area multiples, same area and
/// the same principal strains (the invariants a point-group operation leaves unchanged). Keeps the one with
/// the smallest |twist|. Expects a sorted list and keeps its order.
pub fn dedupe(v: Vec<Match>) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    for m in v {
        let nf = (m.film_m[0] * m.film_m[3] - m.film_m[1] * m.film_m[2]).abs();
        let ns = (m.sub_m[0] * m.sub_m[3] - m.sub_m[1] * m.sub_m[2]).abs();
        let dup = out.iter_mut().find(|o| {
            let of = (o.film_m[0] * o.film_m[3] - o.film_m[1] * o.film_m[2]).abs();
            let os = (o.sub_m[0] * o.sub_m[3] - o.sub_m[1] * o.sub_m[2]).abs();
            of == nf
                && os == ns
                && o.mirror == m.mirror
                && (o.area - m.area).abs() <= 1e-6 * m.area
                && (o.principal[0] - m.principal[0]).abs() <= 1e-7
                && (o.principal[1] - m.principal[1]).abs() <= 1e-7
        });
        match dup {
            Some(o) => {
                if m.twist.abs() < o.twist.abs() - 1e-9 {
                    *o = m;
                }
            }
            None => out.push(m),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(a: f64) -> [V2; 2] {
        [[a, 0.0], [-0.5 * a, 0.75f64.sqrt() * a]]
    }
    fn params() -> SearchParams {
        SearchParams { max_area: 200.0, max_area_ratio_tol: 0.09, max_length_tol: 0.03, max_angle_tol: 0.01, angle_relative: true, robust: false }
    }

    #[test]
    fn identical_lattices_match_at_area_one_without_strain() {
        let m = zsl_search(hex(2.5), hex(2.5), &params(), 1000);
        assert!(!m.is_empty());
        let first = &m[0];
        assert!((first.area - cross(hex(2.5)[0], hex(2.5)[1]).abs()).abs() < 1e-9);
        assert!(first.max_strain() < 1e-12);
        assert!(!first.mirror);
    }

    #[test]
    fn strain_reported_equals_the_map_applied() {
        // Graphene (2.46) on a 3x3 / 2x2-like hexagonal substrate: D maps film SL to substrate SL exactly.
        let ms = zsl_search(hex(2.46), hex(2.885), &params(), 1000);
        assert!(!ms.is_empty());
        for m in ms.iter().filter(|m| !m.mirror) {
            for k in 0..2 {
                let v = mat_vec(m.d, m.film_sl[k]);
                assert!((v[0] - m.sub_sl[k][0]).abs() < 1e-9 && (v[1] - m.sub_sl[k][1]).abs() < 1e-9);
            }
            // Film SL = film_m · film basis, substrate SL = sub_m · substrate basis.
            let f = apply(m.film_m, hex(2.46));
            let s = apply(m.sub_m, hex(2.885));
            for k in 0..2 {
                for c in 0..2 {
                    assert!((f[k][c] - m.film_sl[k][c]).abs() < 1e-9);
                    assert!((s[k][c] - m.sub_sl[k][c]).abs() < 1e-9);
                }
            }
            // Areas agree within the strain: A_s = det(D)·A_f.
            let af = cross(m.film_sl[0], m.film_sl[1]).abs();
            let det = m.d[0] * m.d[3] - m.d[1] * m.d[2];
            assert!((m.area - det * af).abs() < 1e-9 * m.area);
        }
    }

    #[test]
    fn twist_search_finds_the_sqrt7_moire_of_graphene_on_itself() {
        // Twisted bilayer graphene: commensurate angle 21.787° has a √7×√7 cell.
        let theta = 21.786789f64.to_radians();
        let p = SearchParams { max_area: 60.0, max_area_ratio_tol: 0.0, max_length_tol: 1e-6, max_angle_tol: 1e-4, angle_relative: false, robust: false };
        let ms = twist_search(hex(2.46), hex(2.46), theta, &p, 10);
        assert!(!ms.is_empty());
        let a1 = cross(hex(2.46)[0], hex(2.46)[1]).abs();
        assert!((ms[0].area / a1 - 7.0).abs() < 1e-6, "area ratio {}", ms[0].area / a1);
        assert!((ms[0].twist - theta).abs() < 1e-5);
    }

    #[test]
    fn twist_scan_returns_one_entry_per_angle() {
        let p = SearchParams { max_area: 100.0, max_area_ratio_tol: 0.0, max_length_tol: 0.02, max_angle_tol: 0.002, angle_relative: false, robust: false };
        let scan = twist_scan(hex(2.46), hex(2.885), 0.0, 60f64.to_radians(), 61, &p);
        assert_eq!(scan.len(), 61);
        assert!(scan.iter().any(|m| m.is_some()));
        for m in scan.iter().flatten() {
            assert!(m.max_strain() <= 0.02 + 1e-12 && m.area <= 100.0 + 1e-9);
        }
    }
}
