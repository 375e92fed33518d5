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

/// A bound on the work of one search: candidate supercell pairs (ZSL), or lattice vectors and vector pairs
/// (twist modes). A search that would spend more stops with `Exceeded` instead of running for minutes.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub limit: f64,
    pub used: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exceeded;

impl Budget {
    pub fn new(limit: f64) -> Budget {
        Budget { limit, used: 0.0 }
    }
    pub fn unlimited() -> Budget {
        Budget::new(f64::INFINITY)
    }
    pub fn spend(&mut self, n: f64) -> Result<(), Exceeded> {
        self.used += n;
        if self.used > self.limit {
            Err(Exceeded)
        } else {
            Ok(())
        }
    }
}

/// Work units are ZSL candidate supercell pairs; the twist modes' steps are weighted to cost about the same
/// time per unit (measured with `npm run bench -- match-work`): a lattice vector or vector pair tried is
/// cheap, a match found costs its polar decomposition, storage and dedupe.
pub const VECTOR_COST: f64 = 0.05;
pub const MATCH_COST: f64 = 5.0;

/// Substrate area multiples searched (|det S|, inclusive); `hi` = 0 means no upper bound.
#[derive(Clone, Copy, Debug)]
pub struct Band {
    pub lo: i64,
    pub hi: i64,
}

impl Band {
    pub const ALL: Band = Band { lo: 1, hi: 0 };
    pub fn contains(&self, n: i64) -> bool {
        n >= self.lo && (self.hi <= 0 || n <= self.hi)
    }
}

/// Number of HNFs of determinant n (= σ(n), the sum of its divisors): the supercells of area multiple n.
pub fn n_supercells(n: i64) -> f64 {
    let mut s = 0i64;
    let mut d = 1i64;
    while d * d <= n {
        if n % d == 0 {
            s += d;
            if d * d != n {
                s += n / d;
            }
        }
        d += 1;
    }
    s as f64
}

/// The (film multiple i, substrate multiple j) pairs the ZSL search pairs (pymatgen's area-ratio test), j in
/// `band`, grouped by j ascending and i ascending within a group. For each i only the j near i·A_f/A_s can pass,
/// so this costs O(pairs + i_max), not O(i_max·j_max).
fn area_sets(fa: f64, sa: f64, p: &SearchParams, band: Band) -> Vec<(i64, i64)> {
    let imax = (p.max_area / fa).ceil() as i64;
    let jmax = (p.max_area / sa).ceil() as i64;
    // Robust mode: the area ratio may differ by as much as the allowed strains permit.
    let tol = if p.robust { p.max_area_ratio_tol.max((1.0 + p.max_length_tol).powi(2) - 1.0 + 1e-9) } else { p.max_area_ratio_tol };
    let (q, r) = (fa / sa, sa / fa);
    let mut sets = Vec::new();
    for ii in 1..imax {
        let i = ii as f64;
        // r1: |q − j/i| < tol  ⇔ j ∈ i(q ± tol); r2: |r − i/j| < tol ⇔ j ∈ (i/(r + tol), i/(r − tol)).
        let hi2 = if r > tol { i / (r - tol) } else { f64::INFINITY };
        let lo = ((i * (q - tol)).min(i / (r + tol)).floor() as i64 - 1).max(1).max(band.lo);
        let hi = ((i * (q + tol)).max(hi2).min(jmax as f64).ceil() as i64 + 1).min(jmax - 1);
        let hi = if band.hi > 0 { hi.min(band.hi) } else { hi };
        for jj in lo..=hi {
            let r1 = (q - jj as f64 / i).abs() < tol;
            let r2 = (r - i / jj as f64).abs() < tol;
            if r1 || r2 {
                sets.push((ii, jj));
            }
        }
    }
    sets.sort_by_key(|&(i, j)| (j, i));
    sets
}

/// Candidate supercell pairs the ZSL search examines in `band` (exact: Σ σ(i)·σ(j) over the area sets).
pub fn zsl_work(film: [V2; 2], sub: [V2; 2], p: &SearchParams, band: Band) -> f64 {
    let (fa, sa) = (cross(film[0], film[1]).abs(), cross(sub[0], sub[1]).abs());
    if !(fa > 1e-9 && sa > 1e-9 && p.max_area > 0.0) {
        return 0.0;
    }
    area_sets(fa, sa, p, band).iter().map(|&(i, j)| n_supercells(i) * n_supercells(j)).sum()
}

type Reduced = Vec<([i64; 4], [V2; 2])>;

/// Zur-reduced supercells of area multiple n, with their integer matrices in the given basis.
fn reduced(n: i64, basis: [V2; 2]) -> Reduced {
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
}

/// Zur–McGill search (pymatgen's ZSLGenerator, unidirectional). Returns every pairing pymatgen returns, in
/// order of increasing area multiple; pairings that need a mirror are re-paired to a proper map when one
/// exists within `2·max_length_tol`, otherwise flagged `mirror`.
pub fn zsl_search(film: [V2; 2], sub: [V2; 2], p: &SearchParams, limit: usize) -> Vec<Match> {
    let mut out = Vec::new();
    let _ = zsl_groups(film, sub, p, Band::ALL, &mut Budget::unlimited(), |g| {
        out.extend(g);
        out.len() < limit
    });
    out.truncate(limit);
    out
}

/// The ZSL search in `band`, one group per substrate area multiple (ascending; all matches of a group have
/// the same area), handed to `on_group`, which returns false to stop. Spends σ(i)·σ(j) per area set before
/// examining it, so the budget is the `zsl_work` estimate.
pub fn zsl_groups<F: FnMut(Vec<Match>) -> bool>(film: [V2; 2], sub: [V2; 2], p: &SearchParams, band: Band, budget: &mut Budget, mut on_group: F) -> Result<(), Exceeded> {
    let (fa, sa) = (cross(film[0], film[1]).abs(), cross(sub[0], sub[1]).abs());
    if !(fa > 1e-9 && sa > 1e-9 && p.max_area > 0.0) {
        return Ok(());
    }
    let sets = area_sets(fa, sa, p, band);
    let (fix, repair) = (improper_unimodular(), all_unimodular());
    let mut cache_f: Vec<Option<Reduced>> = vec![None; sets.iter().map(|s| s.0).max().unwrap_or(0) as usize + 1];
    let mut group: Vec<Match> = Vec::new();
    let mut sl: (i64, Reduced) = (0, Vec::new());
    for (k, &(ii, jj)) in sets.iter().enumerate() {
        budget.spend(n_supercells(ii) * n_supercells(jj))?;
        if cache_f[ii as usize].is_none() {
            cache_f[ii as usize] = Some(reduced(ii, film));
        }
        // The substrate supercells of one group are used by that group only.
        if sl.0 != jj {
            sl = (jj, reduced(jj, sub));
        }
        let fl = cache_f[ii as usize].as_ref().unwrap();
        pair_sets(fl, &sl.1, p, &fix, &repair, &mut group);
        if sets.get(k + 1).map_or(true, |n| n.1 != jj) && !on_group(std::mem::take(&mut group)) {
            return Ok(());
        }
    }
    Ok(())
}

/// pymatgen's per-vector length and angle test of a substrate basis (s0, s1) against a film basis.
fn vector_check(p: &SearchParams, n: (f64, f64), fang: f64, s0: V2, s1: V2) -> Option<(f64, f64, f64)> {
    let e0 = norm(s0) / n.0 - 1.0;
    if e0.abs() > p.max_length_tol {
        return None;
    }
    let e1 = norm(s1) / n.1 - 1.0;
    if e1.abs() > p.max_length_tol {
        return None;
    }
    let sang = angle(s0, s1);
    let am = if p.angle_relative { sang / fang - 1.0 } else { sang - fang };
    if am.abs() > p.max_angle_tol {
        return None;
    }
    Some((e0, e1, am))
}

/// The best proper match over re-pairings `us` of the substrate basis (robust mode), given a test.
fn best_repair<C: Fn(V2, V2) -> Option<(f64, f64, f64)>>(fm: [i64; 4], sm: [i64; 4], f: [V2; 2], s: [V2; 2], us: &[[i64; 4]], check: C) -> Option<Match> {
    let mut best: Option<Match> = None;
    for u in us.iter() {
        let s2 = apply(*u, s);
        if let Some((e0, e1, am)) = check(s2[0], s2[1]) {
            if let Some(c) = finish(fm, mul_int(*u, sm), f, s2, [e0, e1], am) {
                if !c.mirror && best.as_ref().map_or(true, |b| c.max_strain() < b.max_strain()) {
                    best = Some(c);
                }
            }
        }
    }
    best
}

/// Every film × substrate supercell pairing of one area set that meets the tolerances, appended to `out`.
fn pair_sets(fl: &Reduced, sl: &Reduced, p: &SearchParams, fix: &[[i64; 4]], repair: &[[i64; 4]], out: &mut Vec<Match>) {
    for (fm, f) in fl.iter() {
        let fang = angle(f[0], f[1]);
        let n = (norm(f[0]), norm(f[1]));
        let check = |s0: V2, s1: V2| vector_check(p, n, fang, s0, s1);
        for (sm, s) in sl.iter() {
            let mut m = match check(s[0], s[1]) {
                Some((e0, e1, am)) => match finish(*fm, *sm, *f, *s, [e0, e1], am) {
                    Some(m) => m,
                    None => continue,
                },
                // Re-pair the substrate basis: the best proper pairing that meets the tolerances.
                None if p.robust => match best_repair(*fm, *sm, *f, *s, repair, check) {
                    Some(b) => b,
                    None => continue,
                },
                None => continue,
            };
            if m.mirror {
                // Try other bases of the substrate supercell lattice that make the map proper.
                let (vs, am) = (m.vec_strain, m.angle_mismatch);
                if let Some(b) = best_repair(*fm, *sm, *f, *s, fix, |_, _| Some((vs[0], vs[1], am))) {
                    if b.max_strain() <= 2.0 * p.max_length_tol {
                        m = b;
                    }
                }
            }
            out.push(smaller_turn(m));
        }
    }
}

/// S and −S span the same supercell; pick the sign that keeps |twist| ≤ 90° (a film rotated by 180° is a
/// different structure unless the film is centrosymmetric, so report the smaller turn).
fn smaller_turn(m: Match) -> Match {
    if !m.mirror && m.twist.abs() > std::f64::consts::FRAC_PI_2 + 1e-12 {
        let neg = [[-m.sub_sl[0][0], -m.sub_sl[0][1]], [-m.sub_sl[1][0], -m.sub_sl[1][1]]];
        let sm2 = [-m.sub_m[0], -m.sub_m[1], -m.sub_m[2], -m.sub_m[3]];
        if let Some(c) = finish(m.film_m, sm2, m.film_sl, neg, m.vec_strain, m.angle_mismatch) {
            return c;
        }
    }
    m
}

/// Supercells at a prescribed twist θ (radians; film rotated counter-clockwise onto the substrate), with
/// substrate area multiple in `band`. Candidate substrate lattice vectors s get the nearest film lattice
/// vector f to R(−θ)·s; pairs of candidates spanning at most `max_area` are kept when the map's principal
/// strains are within `max_length_tol` and its rotation within `max_angle_tol` (radians) of θ. All of them,
/// sorted by area, then strain.
/// With `compact`, symmetry-equivalent matches are merged as they pile up (see `dedupe`), which bounds memory.
pub fn twist_search(film: [V2; 2], sub: [V2; 2], theta: f64, p: &SearchParams, band: Band, compact: bool, budget: &mut Budget) -> Result<Vec<Match>, Exceeded> {
    let sa = cross(sub[0], sub[1]).abs();
    let p = banded(p, sa, band);
    let lattice = substrate_vectors(sub, &p, budget)?;
    let cands = candidates_from(&lattice, film, theta, &p);
    let mut out = pair_candidates(&cands, theta, &p, if compact { Collect::Deduped } else { Collect::All }, budget)?;
    out.retain(|m| band.contains((m.area / sa).round() as i64));
    sort_matches(&mut out);
    Ok(out)
}

/// The search parameters with the area cut to the top of the band (the enumeration is bounded by area).
fn banded(p: &SearchParams, sa: f64, band: Band) -> SearchParams {
    let mut q = *p;
    if band.hi > 0 {
        q.max_area = q.max_area.min((band.hi as f64 + 0.5) * sa);
    }
    q
}

/// Best match (smallest area, then smallest strain) for angles `first..first + count` of the `steps` angles
/// from `from` to `to` (radians, inclusive).
#[allow(clippy::too_many_arguments)]
pub fn twist_scan(film: [V2; 2], sub: [V2; 2], from: f64, to: f64, steps: usize, first: usize, count: usize, p: &SearchParams, budget: &mut Budget) -> Result<Vec<Option<Match>>, Exceeded> {
    let lattice = substrate_vectors(sub, p, budget)?;
    (first..first + count)
        .map(|k| {
            let theta = if steps > 1 { from + (to - from) * k as f64 / (steps - 1) as f64 } else { from };
            budget.spend(VECTOR_COST * lattice.len() as f64)?;
            let cands = candidates_from(&lattice, film, theta, p);
            let mut v = pair_candidates(&cands, theta, p, Collect::Best, budget)?;
            sort_matches(&mut v);
            Ok(v.into_iter().next())
        })
        .collect()
}

/// Work of a twist search before it starts (in VECTOR_COST units): the substrate lattice vectors it enumerates plus an upper bound on
/// the vector pairs it tries (every vector a candidate): Gauss's circle count N(L) ≈ πL²/(2A_s) in the
/// upper half plane, and Σ_a N(A/(sin 60°·|a|)) ≈ (π²A²/(1.5·A_s²))·ln(√(A/sin 60°)/|a|_min), two signs each.
/// For a twist scan (`angles` > 1) only the vectors count per angle: the best-only pruning makes the pair
/// count unknowable beforehand, and the budget stops the scan if it runs over. Matches found are not
/// knowable beforehand either: the budget charges MATCH_COST each as they come.
pub fn twist_work(sub: [V2; 2], p: &SearchParams, band: Band, angles: usize) -> f64 {
    let sa = cross(sub[0], sub[1]).abs();
    if !(sa > 1e-9 && p.max_area > 0.0) {
        return 0.0;
    }
    let p = banded(p, sa, band);
    let (a, _) = reduce_gauss(sub[0], sub[1]);
    let smin = norm(a);
    let lmax = p.max_area / (0.866 * smin);
    let vectors = std::f64::consts::PI * lmax * lmax / (2.0 * sa);
    if angles > 1 {
        return VECTOR_COST * angles as f64 * vectors;
    }
    let pi2 = std::f64::consts::PI * std::f64::consts::PI;
    let pairs = 2.0 * pi2 * p.max_area * p.max_area / (1.5 * sa * sa) * ((p.max_area / 0.866).sqrt() / smin).ln().max(0.0);
    VECTOR_COST * (vectors + pairs)
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
fn substrate_vectors(sub: [V2; 2], p: &SearchParams, budget: &mut Budget) -> Result<Vec<(V2, [i64; 2], f64)>, Exceeded> {
    let (a, b) = reduce_gauss(sub[0], sub[1]);
    let smin = norm(a);
    let lmax = p.max_area / (0.866 * smin) + 1e-9;
    let area = cross(a, b).abs();
    // Bounds on coefficients: |i| ≤ lmax·|b|/area, |j| ≤ lmax·|a|/area (heights of the cell).
    let imax = (lmax * norm(b) / area).ceil() as i64 + 1;
    let jmax = (lmax * norm(a) / area).ceil() as i64 + 1;
    budget.spend(VECTOR_COST * ((2 * imax + 1) * (2 * jmax + 1)) as f64 / 4.0)?;
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
    Ok(out)
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

/// The match a pair of candidates (b with sign) spans, if it is within the tolerances at twist θ.
/// `area_cap` (Å²): the largest area still of interest (max_area, or the best area so far in a scan).
fn candidate_match(a: &Cand, b: &Cand, sign: f64, theta: f64, p: &SearchParams, area_cap: f64) -> Option<Match> {
    let bs = [sign * b.s[0], sign * b.s[1]];
    let bf = [sign * b.f[0], sign * b.f[1]];
    let area = cross(a.s, bs);
    if area <= 1e-9 || area > area_cap + 1e-9 || cross(a.f, bf) <= 1e-9 {
        return None;
    }
    let sg = sign as i64;
    let m = finish(
        [a.fij[0], a.fij[1], sg * b.fij[0], sg * b.fij[1]],
        [a.sij[0], a.sij[1], sg * b.sij[0], sg * b.sij[1]],
        [a.f, bf],
        [a.s, bs],
        [a.len / norm(a.f) - 1.0, b.len / norm(bf) - 1.0],
        angle(a.s, bs) - angle(a.f, bf),
    )?;
    let dtw = (m.twist - theta + std::f64::consts::PI).rem_euclid(2.0 * std::f64::consts::PI) - std::f64::consts::PI;
    if m.mirror || m.max_strain() > p.max_length_tol || dtw.abs() > p.max_angle_tol {
        return None;
    }
    Some(m)
}

/// What pair_candidates keeps: the best match only (a scan), every match, or every match with
/// symmetry-equivalent ones merged whenever the list doubles (memory stays near the number of distinct ones).
#[derive(Clone, Copy, PartialEq)]
enum Collect {
    Best,
    All,
    Deduped,
}

fn pair_candidates(cands: &[Cand], theta: f64, p: &SearchParams, collect: Collect, budget: &mut Budget) -> Result<Vec<Match>, Exceeded> {
    let best_only = collect == Collect::Best;
    let mut compact_at = 100_000;
    let mut out: Vec<Match> = Vec::new();
    let mut best_area = f64::INFINITY;
    for (ia, a) in cands.iter().enumerate() {
        // The shorter vector of a reduced cell of area ≤ A is at most sqrt(A / sin 60°) long.
        if a.len * a.len * 0.866 > p.max_area + 1e-9 {
            break;
        }
        let (mut tried, found) = (0.0, out.len());
        for b in cands.iter().skip(ia + 1) {
            if a.len * b.len * 0.866 > p.max_area.min(if best_only { best_area } else { f64::INFINITY }) + 1e-9 {
                break;
            }
            tried += 2.0;
            // Both orientations of b (the list holds one of ±v).
            for sign in [1.0, -1.0] {
                let m = match candidate_match(a, b, sign, theta, p, p.max_area.min(best_area)) {
                    Some(m) => m,
                    None => continue,
                };
                if !best_only {
                    out.push(m);
                } else if m.area < best_area - 1e-9 || out.first().map_or(true, |o| m.area <= o.area + 1e-9 && m.max_strain() < o.max_strain()) {
                    best_area = m.area;
                    out.clear();
                    out.push(m);
                }
            }
        }
        budget.spend(VECTOR_COST * tried + if best_only { 0.0 } else { MATCH_COST * out.len().saturating_sub(found) as f64 })?;
        if collect == Collect::Deduped && out.len() >= compact_at {
            sort_matches(&mut out);
            out = dedupe(std::mem::take(&mut out));
            compact_at = (2 * out.len()).max(100_000);
        }
    }
    Ok(out)
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
/// the smallest |twist|. Expects a sorted list and keeps its order. Candidates are found through buckets of
/// the principal strains (1e-6 wide, neighbours included, so the 1e-7 test is never cut by a bucket edge):
/// near-linear, where a scan of everything kept was quadratic.
pub fn dedupe(v: Vec<Match>) -> Vec<Match> {
    use std::collections::HashMap;
    let det = |m: &[i64; 4]| (m[0] * m[3] - m[1] * m[2]).abs();
    let key = |m: &Match, d0: i64, d1: i64| (det(&m.film_m), det(&m.sub_m), m.mirror, (m.principal[0] * 1e6).round() as i64 + d0, (m.principal[1] * 1e6).round() as i64 + d1);
    let mut out: Vec<Match> = Vec::new();
    let mut buckets: HashMap<(i64, i64, bool, i64, i64), Vec<usize>> = HashMap::new();
    for m in v {
        let same = |o: &Match| (o.area - m.area).abs() <= 1e-6 * m.area && (o.principal[0] - m.principal[0]).abs() <= 1e-7 && (o.principal[1] - m.principal[1]).abs() <= 1e-7;
        let mut first: Option<usize> = None;
        for d0 in -1..=1 {
            for d1 in -1..=1 {
                for &i in buckets.get(&key(&m, d0, d1)).map_or(&[][..], |b| &b[..]) {
                    if same(&out[i]) && first.map_or(true, |f| i < f) {
                        first = Some(i);
                    }
                }
            }
        }
        match first {
            Some(i) => {
                if m.twist.abs() < out[i].twist.abs() - 1e-9 {
                    // Also file it under its own strains, which may round to another bucket.
                    buckets.entry(key(&m, 0, 0)).or_default().push(i);
                    out[i] = m;
                }
            }
            None => {
                buckets.entry(key(&m, 0, 0)).or_default().push(out.len());
                out.push(m);
            }
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
        let ms = twist_search(hex(2.46), hex(2.46), theta, &p, Band::ALL, true, &mut Budget::unlimited()).unwrap();
        assert!(!ms.is_empty());
        let a1 = cross(hex(2.46)[0], hex(2.46)[1]).abs();
        assert!((ms[0].area / a1 - 7.0).abs() < 1e-6, "area ratio {}", ms[0].area / a1);
        assert!((ms[0].twist - theta).abs() < 1e-5);
    }

    #[test]
    fn twist_scan_returns_one_entry_per_angle() {
        let p = SearchParams { max_area: 100.0, max_area_ratio_tol: 0.0, max_length_tol: 0.02, max_angle_tol: 0.002, angle_relative: false, robust: false };
        let scan = twist_scan(hex(2.46), hex(2.885), 0.0, 60f64.to_radians(), 61, 0, 61, &p, &mut Budget::unlimited()).unwrap();
        assert_eq!(scan.len(), 61);
        assert!(scan.iter().any(|m| m.is_some()));
        for m in scan.iter().flatten() {
            assert!(m.max_strain() <= 0.02 + 1e-12 && m.area <= 100.0 + 1e-9);
        }
    }

    #[test]
    fn area_sets_are_the_pairs_the_exhaustive_ratio_test_keeps() {
        // pymatgen tests every (i, j) with i < i_max, j < j_max; the narrowed loop must keep exactly the same.
        for (af, asub, tol, robust) in [(2.46, 2.885, 0.09, false), (3.19, 2.88, 0.05, true), (5.4, 2.5, 0.2, true), (2.5, 7.9, 0.02, false)] {
            let (f, s) = (hex(af), hex(asub));
            let p = SearchParams { max_area: 300.0, max_area_ratio_tol: tol, max_length_tol: 0.05, max_angle_tol: 0.01, angle_relative: true, robust };
            let (fa, sa) = (cross(f[0], f[1]).abs(), cross(s[0], s[1]).abs());
            let rt = if robust { tol.max(1.05f64.powi(2) - 1.0 + 1e-9) } else { tol };
            let mut want = Vec::new();
            for ii in 1..(p.max_area / fa).ceil() as i64 {
                for jj in 1..(p.max_area / sa).ceil() as i64 {
                    if (fa / sa - jj as f64 / ii as f64).abs() < rt || (sa / fa - ii as f64 / jj as f64).abs() < rt {
                        want.push((ii, jj));
                    }
                }
            }
            want.sort_by_key(|&(i, j)| (j, i));
            assert_eq!(area_sets(fa, sa, &p, Band::ALL), want);
        }
    }

    /// The quadratic dedupe that `dedupe` replaced, as the reference.
    fn dedupe_reference(v: Vec<Match>) -> Vec<Match> {
        let det = |m: &[i64; 4]| (m[0] * m[3] - m[1] * m[2]).abs();
        let mut out: Vec<Match> = Vec::new();
        for m in v {
            let dup = out.iter_mut().find(|o| {
                det(&o.film_m) == det(&m.film_m)
                    && det(&o.sub_m) == det(&m.sub_m)
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

    #[test]
    fn dedupe_keeps_what_the_quadratic_reference_keeps() {
        let p = SearchParams { max_area: 250.0, max_area_ratio_tol: 0.09, max_length_tol: 0.05, max_angle_tol: 0.01, angle_relative: true, robust: true };
        for (f, s) in [(hex(3.19), hex(2.884)), (hex(2.46), hex(2.884)), ([[3.3, 0.0], [0.0, 4.62]], hex(2.884))] {
            let mut v = zsl_search(f, s, &p, usize::MAX);
            sort_matches(&mut v);
            let (a, b) = (dedupe(v.clone()), dedupe_reference(v.clone()));
            assert!(a.len() < v.len());
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b.iter()) {
                assert_eq!((x.film_m, x.sub_m, x.area, x.twist), (y.film_m, y.sub_m, y.area, y.twist));
            }
        }
    }
}
