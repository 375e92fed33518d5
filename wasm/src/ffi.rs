//! C ABI for the geometry kernels. Inputs are f64/u8 arrays in linear memory; results of unknown size go to
//! one result buffer that JS reads through `hl_result_ptr`/`hl_result_len` right after the call (it is
//! overwritten by the next call). Kernels return a count ≥ 0 or a negative status (see ERR_*).

use crate::interface::{build, FilmSpec, InterfaceError, Part, StrainMode, SubstrateSpec};
use crate::layer::{extract_layer, LayerError};
use crate::slab::{make_slab, SlabError, SlabParams};
use crate::zsl::{dedupe, sort_matches, twist_scan, twist_search, zsl_search, Match, SearchParams};

pub const ERR_NULL: i32 = -1;
pub const ERR_SINGULAR: i32 = -2;
pub const ERR_MILLER: i32 = -3;
pub const ERR_TOO_MANY_ATOMS: i32 = -4;
pub const ERR_PARAM: i32 = -5;
pub const ERR_NOT_LAYERED: i32 = -6;
pub const ERR_NO_ATOMS: i32 = -7;
pub const ERR_TERMINATION: i32 = -8;

static mut RESULT: Vec<f64> = Vec::new();

fn result() -> &'static mut Vec<f64> {
    // Single-threaded wasm: one caller at a time.
    unsafe { &mut *std::ptr::addr_of_mut!(RESULT) }
}

#[no_mangle]
pub extern "C" fn hl_result_ptr() -> *const f64 {
    result().as_ptr()
}

#[no_mangle]
pub extern "C" fn hl_result_len() -> usize {
    result().len()
}

unsafe fn slice<'a, T>(p: *const T, n: usize) -> Option<&'a [T]> {
    if p.is_null() && n > 0 {
        None
    } else if n == 0 {
        Some(&[])
    } else {
        Some(std::slice::from_raw_parts(p, n))
    }
}

/// Record layout of one match (MATCH_RECORD f64s): film_m[4], sub_m[4], film_sl[4], sub_sl[4], area,
/// d[4], twist, stretch[4], principal[2], vec_strain[2], angle_mismatch, mirror.
pub const MATCH_RECORD: usize = 32;

fn push_match(out: &mut Vec<f64>, m: &Match) {
    out.extend(m.film_m.iter().map(|&x| x as f64));
    out.extend(m.sub_m.iter().map(|&x| x as f64));
    out.extend_from_slice(&[m.film_sl[0][0], m.film_sl[0][1], m.film_sl[1][0], m.film_sl[1][1]]);
    out.extend_from_slice(&[m.sub_sl[0][0], m.sub_sl[0][1], m.sub_sl[1][0], m.sub_sl[1][1]]);
    out.push(m.area);
    out.extend_from_slice(&m.d);
    out.push(m.twist);
    out.extend_from_slice(&m.stretch);
    out.extend_from_slice(&m.principal);
    out.extend_from_slice(&m.vec_strain);
    out.push(m.angle_mismatch);
    out.push(if m.mirror { 1.0 } else { 0.0 });
}

fn read_params(p: &[f64]) -> Option<SearchParams> {
    let sp = SearchParams { max_area: p[0], max_area_ratio_tol: p[1], max_length_tol: p[2], max_angle_tol: p[3], angle_relative: p[4] != 0.0, robust: p[9] != 0.0 };
    let ok = sp.max_area.is_finite() && sp.max_area > 0.0 && sp.max_length_tol >= 0.0 && sp.max_angle_tol >= 0.0 && sp.max_area_ratio_tol >= 0.0;
    if ok {
        Some(sp)
    } else {
        None
    }
}

fn basis(p: &[f64]) -> [[f64; 2]; 2] {
    [[p[0], p[1]], [p[2], p[3]]]
}

type Lattices = ([[f64; 2]; 2], [[f64; 2]; 2]);

/// Shared input checks of the search kernels: non-null, finite non-singular lattices, sane tolerances, and a
/// bound on the work (the enumeration grows with (max_area / cell area)²).
fn match_inputs<'a>(lat: *const f64, params: *const f64) -> Result<(Lattices, SearchParams, &'a [f64]), i32> {
    let (lat, p) = match unsafe { (slice(lat, 8), slice(params, 10)) } {
        (Some(l), Some(p)) => (l, p),
        _ => return Err(ERR_NULL),
    };
    let sp = read_params(p).ok_or(ERR_PARAM)?;
    let (film, sub) = (basis(&lat[0..4]), basis(&lat[4..8]));
    let area_f = (film[0][0] * film[1][1] - film[0][1] * film[1][0]).abs();
    let area_s = (sub[0][0] * sub[1][1] - sub[0][1] * sub[1][0]).abs();
    if !(area_f > 1e-6 && area_s > 1e-6) || lat.iter().any(|x| !x.is_finite()) {
        return Err(ERR_SINGULAR);
    }
    if sp.max_area / area_f.min(area_s) > 5000.0 {
        return Err(ERR_PARAM);
    }
    Ok(((film, sub), sp, p))
}

/// Coincidence search. `lat`: film a, b then substrate a, b (8 f64, Å). `params`: max_area (Å²),
/// area_ratio_tol, length_tol, angle_tol, angle_relative (0/1), dedupe (0/1), mode (0 = ZSL, 1 = twist),
/// twist (rad), limit, robust (0/1). Returns the number of match records.
#[no_mangle]
pub extern "C" fn hl_match(lat: *const f64, params: *const f64) -> i32 {
    let ((film, sub), sp, p) = match match_inputs(lat, params) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let limit = if p[8] >= 1.0 && p[8].is_finite() { p[8].min(1e6) as usize } else { 1000 };
    let mut ms = if p[6] == 1.0 {
        if !p[7].is_finite() {
            return ERR_PARAM;
        }
        twist_search(film, sub, p[7], &sp, limit)
    } else {
        let mut v = zsl_search(film, sub, &sp, usize::MAX);
        sort_matches(&mut v);
        v
    };
    if p[5] != 0.0 {
        ms = dedupe(ms);
    }
    ms.truncate(limit);
    let out = result();
    out.clear();
    for m in ms.iter() {
        push_match(out, m);
    }
    ms.len() as i32
}

/// Best match per twist angle: `steps` records of 1 + MATCH_RECORD f64 (first: 1 if found, else 0).
#[no_mangle]
pub extern "C" fn hl_twist_scan(lat: *const f64, params: *const f64, from: f64, to: f64, steps: u32) -> i32 {
    let ((film, sub), sp, _) = match match_inputs(lat, params) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if !(from.is_finite() && to.is_finite()) || steps == 0 || steps > 1_000_000 {
        return ERR_PARAM;
    }
    let out = result();
    out.clear();
    for m in twist_scan(film, sub, from, to, steps as usize, &sp) {
        match m {
            Some(m) => {
                out.push(1.0);
                push_match(out, &m);
            }
            None => out.extend(std::iter::repeat(0.0).take(1 + MATCH_RECORD)),
        }
    }
    steps as i32
}

/// Slab. params: h, k, l, layers, min_thickness (Å), vacuum (Å), termination, fixed_layers, max_atoms.
/// Result: [natoms, planes_per_repeat, n_terminations, repeat_height, n_planes, 0, 0, 0], basis (9 ints),
/// cell (9), then per atom x, y, z, Z, layer, fixed.
#[no_mangle]
pub extern "C" fn hl_slab(cell: *const f64, pos: *const f64, numbers: *const u8, n: usize, params: *const f64) -> i32 {
    let (cell, pos, numbers, p) = match unsafe { (slice(cell, 9), slice(pos, 3 * n), slice(numbers, n), slice(params, 10)) } {
        (Some(c), Some(x), Some(z), Some(p)) => (c, x, z, p),
        _ => return ERR_NULL,
    };
    if p.iter().any(|x| !x.is_finite()) || p[3] < 0.0 || p[6] < 0.0 || p[7] < 0.0 || p[8] < 1.0 || p[0..3].iter().any(|x| x.abs() > 1000.0) {
        return ERR_PARAM;
    }
    let sp = SlabParams {
        hkl: [p[0] as i64, p[1] as i64, p[2] as i64],
        layers: p[3] as usize,
        min_thickness: p[4],
        vacuum: p[5],
        termination: p[6] as usize,
        fixed_layers: p[7] as usize,
        max_atoms: p[8] as usize,
    };
    let bulk = crate::slab::Bulk { cell, positions: pos, numbers };
    let s = match make_slab(&bulk, &sp) {
        Ok(s) => s,
        Err(e) => {
            return match e {
                SlabError::ZeroMiller => ERR_MILLER,
                SlabError::SingularCell => ERR_SINGULAR,
                SlabError::NoAtoms => ERR_NO_ATOMS,
                SlabError::TooManyAtoms(k) => {
                    result().clear();
                    result().push(k as f64);
                    ERR_TOO_MANY_ATOMS
                }
                SlabError::BadTermination(k) => {
                    result().clear();
                    result().push(k as f64);
                    ERR_TERMINATION
                }
                SlabError::BadParameter => ERR_PARAM,
            }
        }
    };
    let out = result();
    out.clear();
    let na = s.numbers.len();
    out.extend_from_slice(&[na as f64, s.planes_per_repeat as f64, s.n_terminations as f64, s.repeat_height, s.n_planes as f64, 0.0, 0.0, 0.0]);
    for r in s.basis.iter() {
        out.extend(r.iter().map(|&x| x as f64));
    }
    out.extend_from_slice(&s.cell);
    for i in 0..na {
        out.extend_from_slice(&[s.positions[3 * i], s.positions[3 * i + 1], s.positions[3 * i + 2], s.numbers[i] as f64, s.layer[i] as f64, if s.fixed[i] { 1.0 } else { 0.0 }]);
    }
    na as i32
}

/// 2D layer. Result: [natoms, thickness, n_components, ranks… (8 slots)], cell (9), per atom x, y, z, Z, source.
#[no_mangle]
pub extern "C" fn hl_layer(cell: *const f64, pos: *const f64, numbers: *const u8, radii: *const f64, n: usize, pbc_mask: u32, flip: u32, vacuum: f64) -> i32 {
    let (cell, pos, numbers, radii) = match unsafe { (slice(cell, 9), slice(pos, 3 * n), slice(numbers, n), slice(radii, n)) } {
        (Some(c), Some(x), Some(z), Some(r)) => (c, x, z, r),
        _ => return ERR_NULL,
    };
    if !(vacuum >= 0.0 && vacuum.is_finite()) {
        return ERR_PARAM;
    }
    let pbc = [pbc_mask & 1 != 0, pbc_mask & 2 != 0, pbc_mask & 4 != 0];
    match extract_layer(cell, pos, numbers, radii, pbc, flip != 0, vacuum) {
        Ok(l) => {
            let out = result();
            out.clear();
            let na = l.numbers.len();
            out.extend_from_slice(&[na as f64, l.thickness, l.component_ranks.len() as f64]);
            for k in 0..8 {
                out.push(l.component_ranks.get(k).map_or(-1.0, |&r| r as f64));
            }
            out.extend_from_slice(&l.cell);
            for i in 0..na {
                out.extend_from_slice(&[l.positions[3 * i], l.positions[3 * i + 1], l.positions[3 * i + 2], l.numbers[i] as f64, l.source[i] as f64]);
            }
            na as i32
        }
        Err(LayerError::NotLayered(r)) => {
            result().clear();
            result().push(r as f64);
            ERR_NOT_LAYERED
        }
        Err(LayerError::NoAtoms) => ERR_NO_ATOMS,
        Err(LayerError::SingularCell) => ERR_SINGULAR,
        Err(LayerError::TooManyAtoms) => ERR_TOO_MANY_ATOMS,
    }
}

/// Interface. `input` (len f64s): vacuum, mode (0 film, 1 shared), max_atoms, n_films;
/// substrate: a(2), b(2), sub_m(4), n, then n × (x, y, z, Z, layer, fixed);
/// each film: a(2), b(2), film_m(4), z_sep, shift(2), n, then n × (x, y, z, Z).
/// Result: [natoms, n_films], cell (9), substrate map (4), film maps (4 each), per atom x, y, z, Z, role, layer, fixed.
#[no_mangle]
pub extern "C" fn hl_interface(input: *const f64, len: usize) -> i32 {
    let d = match unsafe { slice(input, len) } {
        Some(d) => d,
        None => return ERR_NULL,
    };
    match parse_and_build(d) {
        Ok(n) => n,
        Err(e) => e,
    }
}

fn parse_and_build(d: &[f64]) -> Result<i32, i32> {
    let mut k = 0usize;
    let mut take = |m: usize| -> Result<&[f64], i32> {
        if k + m > d.len() {
            return Err(ERR_PARAM);
        }
        let s = &d[k..k + m];
        k += m;
        Ok(s)
    };
    let head = take(4)?;
    let (vacuum, mode, max_atoms, nf) = (head[0], head[1], head[2], head[3]);
    if !(nf >= 1.0 && nf <= 16.0) || !(max_atoms >= 1.0) {
        return Err(ERR_PARAM);
    }
    let int4 = |s: &[f64]| -> Result<[i64; 4], i32> {
        if s.iter().any(|x| x.fract() != 0.0 || x.abs() > 1e6) {
            return Err(ERR_PARAM);
        }
        Ok([s[0] as i64, s[1] as i64, s[2] as i64, s[3] as i64])
    };
    let s = take(9)?;
    let (sa, sb, sm, ns) = ([s[0], s[1]], [s[2], s[3]], int4(&s[4..8])?, s[8] as usize);
    let satoms = take(6 * ns)?;
    let mut spos = Vec::with_capacity(3 * ns);
    let mut snum = Vec::with_capacity(ns);
    let mut slayer = Vec::with_capacity(ns);
    let mut sfixed = Vec::with_capacity(ns);
    for i in 0..ns {
        let a = &satoms[6 * i..6 * i + 6];
        spos.extend_from_slice(&a[0..3]);
        snum.push(a[3] as u8);
        slayer.push(a[4] as u32);
        sfixed.push(a[5] != 0.0);
    }
    let mut films_raw = Vec::new();
    for _ in 0..(nf as usize) {
        let f = take(12)?;
        let (fa, fb, fm, z, sh, n) = ([f[0], f[1]], [f[2], f[3]], int4(&f[4..8])?, f[8], [f[9], f[10]], f[11] as usize);
        let at = take(4 * n)?;
        let mut pos = Vec::with_capacity(3 * n);
        let mut num = Vec::with_capacity(n);
        for i in 0..n {
            pos.extend_from_slice(&at[4 * i..4 * i + 3]);
            num.push(at[4 * i + 3] as u8);
        }
        films_raw.push((fa, fb, fm, z, sh, pos, num));
    }
    let sub = SubstrateSpec { slab: Part { a: sa, b: sb, positions: &spos, numbers: &snum }, layer: &slayer, fixed: &sfixed, sub_m: sm };
    let films: Vec<FilmSpec> = films_raw
        .iter()
        .map(|(fa, fb, fm, z, sh, pos, num)| FilmSpec { film: Part { a: *fa, b: *fb, positions: pos, numbers: num }, film_m: *fm, z_sep: *z, shift: *sh })
        .collect();
    let mode = if mode == 1.0 { StrainMode::Shared } else { StrainMode::Film };
    let r = build(&sub, &films, mode, vacuum, max_atoms.min(1e9) as usize).map_err(|e| match e {
        InterfaceError::SingularMatrix => ERR_SINGULAR,
        InterfaceError::TooManyAtoms(k) => {
            result().clear();
            result().push(k as f64);
            ERR_TOO_MANY_ATOMS
        }
        InterfaceError::BadParameter => ERR_PARAM,
        InterfaceError::NoAtoms => ERR_NO_ATOMS,
    })?;
    let out = result();
    out.clear();
    let n = r.numbers.len();
    out.extend_from_slice(&[n as f64, r.film_maps.len() as f64]);
    out.extend_from_slice(&r.cell);
    out.extend_from_slice(&r.substrate_map);
    for m in r.film_maps.iter() {
        out.extend_from_slice(m);
    }
    for i in 0..n {
        out.extend_from_slice(&[r.positions[3 * i], r.positions[3 * i + 1], r.positions[3 * i + 2], r.numbers[i] as f64, r.role[i] as f64, r.layer[i] as f64, if r.fixed[i] { 1.0 } else { 0.0 }]);
    }
    Ok(n as i32)
}

/// Force-field energy and forces. Tables: species index per atom (u8), pair parameters A, C, R0, d (4 × nspec²).
/// Result: [energy, pairs, forces (3n)]. Returns the number of atoms.
#[no_mangle]
pub extern "C" fn hl_ff_energy_forces(cell: *const f64, pos: *const f64, group: *const u8, species: *const u8, n: usize, pp: *const f64, nspec: usize, cutoff: f64) -> i32 {
    let s = match unsafe { ff_system(cell, pos, group, species, n, pp, nspec, cutoff) } {
        Some(s) => s,
        None => return ERR_NULL,
    };
    if !(cutoff > 0.0 && cutoff.is_finite()) {
        return ERR_PARAM;
    }
    let mut forces = vec![0.0; 3 * n];
    let (e, pairs) = crate::ff::energy_forces(&s, Some(&mut forces));
    let out = result();
    out.clear();
    out.push(e);
    out.push(pairs as f64);
    out.extend_from_slice(&forces);
    n as i32
}

/// Energies for rigid displacements of group `moved`: `nshift` × (dx, dy, dz). Result: energies.
#[no_mangle]
pub extern "C" fn hl_ff_energies_for_shifts(cell: *const f64, pos: *const f64, group: *const u8, species: *const u8, n: usize, pp: *const f64, nspec: usize, cutoff: f64, moved: u32, shifts: *const f64, nshift: usize) -> i32 {
    let s = match unsafe { ff_system(cell, pos, group, species, n, pp, nspec, cutoff) } {
        Some(s) => s,
        None => return ERR_NULL,
    };
    let sh = match unsafe { slice(shifts, 3 * nshift) } {
        Some(v) => v,
        None => return ERR_NULL,
    };
    if !(cutoff > 0.0 && cutoff.is_finite()) || moved > 255 {
        return ERR_PARAM;
    }
    let e = crate::ff::energies_for_shifts(&s, moved as u8, sh);
    let out = result();
    out.clear();
    out.extend_from_slice(&e);
    nshift as i32
}

#[allow(clippy::too_many_arguments)]
unsafe fn ff_system<'a>(cell: *const f64, pos: *const f64, group: *const u8, species: *const u8, n: usize, pp: *const f64, nspec: usize, cutoff: f64) -> Option<crate::ff::System<'a>> {
    let cell = slice(cell, 9)?;
    let pos = slice(pos, 3 * n)?;
    let group = slice(group, n)?;
    let species = slice(species, n)?;
    let pp = slice(pp, 4 * nspec * nspec)?;
    if species.iter().any(|&k| k as usize >= nspec) {
        return None;
    }
    Some(crate::ff::System { cell, pos, group, species, nspec, pp, cutoff })
}
