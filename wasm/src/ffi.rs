//! C ABI for the geometry kernels. Inputs are f64/u8 arrays in linear memory, parameter vectors passed with
//! their length (checked against the ABI table, `abi.rs`); results of unknown size go to one result buffer
//! that JS reads through `hl_result_ptr`/`hl_result_len` right after the call (it is overwritten by the next
//! call). Kernels return a count ≥ 0 or a negative `abi::Status`. Every layout is in `abi::RECORDS`.

use crate::abi::{offset, size, Status};
use crate::interface::{build, FilmSpec, InterfaceError, Part, StrainMode, SubstrateSpec};
use crate::layer::{extract_layer, LayerError};
use crate::slab::{make_slab, SlabError, SlabParams};
use crate::zsl::{dedupe, sort_matches, twist_scan, twist_search, twist_work, zsl_groups, zsl_work, Band, Budget, Match, SearchParams};

// The status codes under their earlier names (same values as `abi::Status`), for kernels written against them.
pub const ERR_NULL: i32 = Status::Null as i32;
pub const ERR_SINGULAR: i32 = Status::Singular as i32;
pub const ERR_MILLER: i32 = Status::BadMiller as i32;
pub const ERR_TOO_MANY_ATOMS: i32 = Status::TooManyAtoms as i32;
pub const ERR_PARAM: i32 = Status::BadParameter as i32;
pub const ERR_NOT_LAYERED: i32 = Status::NotLayered as i32;
pub const ERR_NO_ATOMS: i32 = Status::NoAtoms as i32;
pub const ERR_TERMINATION: i32 = Status::BadTermination as i32;

static mut RESULT: Vec<f64> = Vec::new();

pub(crate) fn result() -> &'static mut Vec<f64> {
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

pub(crate) unsafe fn slice<'a, T>(p: *const T, n: usize) -> Option<&'a [T]> {
    if p.is_null() && n > 0 {
        None
    } else if n == 0 {
        Some(&[])
    } else {
        Some(std::slice::from_raw_parts(p, n))
    }
}

/// A status with its detail numbers left in the result buffer (the `{0}`, `{1}`, … of its message).
fn fail(st: Status, detail: &[f64]) -> i32 {
    let out = result();
    out.clear();
    out.extend_from_slice(detail);
    st.code()
}

/// A parameter vector of record `name`: refused unless it has exactly the table's length.
fn params<'a>(p: *const f64, len: usize, name: &str) -> Result<&'a [f64], i32> {
    if len != size(name) {
        return Err(fail(Status::ParamLength, &[len as f64, size(name) as f64]));
    }
    unsafe { slice(p, len) }.ok_or(Status::Null.code())
}

/// Field `field` (its first number) of record `rec` in `v`.
fn get(v: &[f64], rec: &str, field: &str) -> f64 {
    v[offset(rec, field)]
}

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

/// A coincidence search request, read from `lattices` and `match_params`.
struct Search {
    film: [[f64; 2]; 2],
    sub: [[f64; 2]; 2],
    sp: SearchParams,
    q: Vec<f64>,
}

impl Search {
    fn flag(&self, f: &str) -> bool {
        get(&self.q, "match_params", f) != 0.0
    }
    fn num(&self, f: &str) -> f64 {
        get(&self.q, "match_params", f)
    }
    fn band(&self) -> Band {
        Band { lo: self.num("band_min").max(1.0) as i64, hi: self.num("band_max") as i64 }
    }
    fn mode(&self) -> i32 {
        self.num("mode") as i32
    }
    fn sub_area(&self) -> f64 {
        (self.sub[0][0] * self.sub[1][1] - self.sub[0][1] * self.sub[1][0]).abs()
    }
    /// Work of this search (see `zsl_work`, `twist_work`) at max area `area` (Å²).
    fn work_at(&self, area: f64) -> f64 {
        let sp = SearchParams { max_area: area, ..self.sp };
        match self.mode() {
            0 => zsl_work_extrapolated(self.film, self.sub, &sp, self.band()),
            1 => twist_work(self.sub, &sp, self.band(), 1),
            _ => twist_work(self.sub, &sp, self.band(), self.num("scan_count").max(1.0) as usize),
        }
    }
    /// The largest max area (Å²) whose work is within the limit (bisection: work grows with the area).
    fn area_within(&self, limit: f64) -> f64 {
        if self.work_at(self.sp.max_area) <= limit {
            return self.sp.max_area;
        }
        let (mut lo, mut hi) = (0.0, self.sp.max_area);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            if self.work_at(mid) <= limit {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }
    /// Refuses (TooMuchWork, with work, limit and the area that fits) before any enumeration starts.
    fn check_work(&self) -> Result<Budget, i32> {
        let (work, limit) = (self.work_at(self.sp.max_area), self.num("max_work"));
        if work > limit {
            return Err(fail(Status::TooMuchWork, &[work.ceil(), limit, self.area_within(limit).floor()]));
        }
        Ok(Budget::new(limit))
    }
}

/// Cells beyond which the ZSL estimate is extrapolated (work ∝ area⁴) instead of counted, so that estimating
/// an absurd area is itself quick (the work at this many cells is already far over any sensible limit).
const ZSL_EXACT_CELLS: f64 = 1000.0;

fn zsl_work_extrapolated(film: [[f64; 2]; 2], sub: [[f64; 2]; 2], sp: &SearchParams, band: Band) -> f64 {
    let cell = (film[0][0] * film[1][1] - film[0][1] * film[1][0]).abs().min((sub[0][0] * sub[1][1] - sub[0][1] * sub[1][0]).abs());
    let cap = ZSL_EXACT_CELLS * cell;
    if sp.max_area <= cap {
        return zsl_work(film, sub, sp, band);
    }
    zsl_work(film, sub, &SearchParams { max_area: cap, ..*sp }, band) * (sp.max_area / cap).powi(4)
}

/// Shared input checks of the search kernels: non-null, finite non-singular lattices, sane tolerances.
fn search_inputs(lat: *const f64, lat_len: usize, q: *const f64, q_len: usize) -> Result<Search, i32> {
    let l = params(lat, lat_len, "lattices")?;
    let q = params(q, q_len, "match_params")?;
    let (film, sub) = ([[l[0], l[1]], [l[2], l[3]]], [[l[4], l[5]], [l[6], l[7]]]);
    let g = |f: &str| get(q, "match_params", f);
    let sp = SearchParams {
        max_area: g("max_area"),
        max_area_ratio_tol: g("area_ratio_tol"),
        max_length_tol: g("length_tol"),
        max_angle_tol: g("angle_tol"),
        angle_relative: g("angle_relative") != 0.0,
        robust: g("robust") != 0.0,
    };
    let s = Search { film, sub, sp, q: q.to_vec() };
    let ok = q.iter().all(|x| x.is_finite()) && sp.max_area > 0.0 && sp.max_length_tol >= 0.0 && sp.max_angle_tol >= 0.0 && sp.max_area_ratio_tol >= 0.0;
    if !ok || !(s.num("max_work") > 0.0) || !(0..=2).contains(&s.mode()) || s.num("limit") < 1.0 {
        return Err(Status::BadParameter.code());
    }
    let area_f = (film[0][0] * film[1][1] - film[0][1] * film[1][0]).abs();
    if !(area_f > 1e-6 && s.sub_area() > 1e-6) || l.iter().any(|x| !x.is_finite()) {
        return Err(Status::Singular.code());
    }
    Ok(s)
}

/// Estimate of a search's work before it runs. `lat`: `lattices` record (Å); `q`: `match_params`.
/// Result: an `estimate` record. Returns 0 or a negative status (bad input).
#[no_mangle]
pub extern "C" fn hl_match_estimate(lat: *const f64, lat_len: usize, q: *const f64, q_len: usize) -> i32 {
    let s = match search_inputs(lat, lat_len, q, q_len) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let limit = s.num("max_work");
    let top = if s.mode() == 0 { (s.sp.max_area / s.sub_area()).ceil() - 1.0 } else { (s.sp.max_area / s.sub_area() + 1e-9).floor() };
    let out = [s.work_at(s.sp.max_area), limit, s.area_within(limit), s.sub_area(), top];
    let r = result();
    r.clear();
    r.extend_from_slice(&out);
    0
}

/// Coincidence search (mode 0 = ZSL over all twists, 1 = at `twist`) in the substrate area-multiple band.
/// Refuses with TooMuchWork before starting when the estimate exceeds `max_work`. Result: `match_head`
/// (total matches after filters and dedupe, records shown ≤ limit), then the `match` records, sorted by area,
/// then strain. Returns the number shown.
#[no_mangle]
pub extern "C" fn hl_match(lat: *const f64, lat_len: usize, q: *const f64, q_len: usize) -> i32 {
    let s = match search_inputs(lat, lat_len, q, q_len) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut budget = match s.check_work() {
        Ok(b) => b,
        Err(e) => return e,
    };
    let limit = s.num("limit").min(1e6) as usize;
    let (mut total, mut shown) = (0usize, Vec::new());
    let mut take = |mut g: Vec<Match>| {
        g.retain(|m| (!s.flag("principal_filter") || m.max_strain() <= s.sp.max_length_tol + 1e-12) && !(s.flag("exclude_mirror") && m.mirror));
        sort_matches(&mut g);
        if s.flag("dedupe") {
            g = dedupe(g);
        }
        total += g.len();
        if shown.len() < limit {
            shown.extend(g);
        }
    };
    let ran = match s.mode() {
        // Groups come in ascending area, so the first `limit` kept are the best overall.
        0 => zsl_groups(s.film, s.sub, &s.sp, s.band(), &mut budget, |g| {
            take(g);
            true
        }),
        1 => twist_search(s.film, s.sub, s.num("twist"), &s.sp, s.band(), s.flag("dedupe"), &mut budget).map(take),
        _ => return Status::BadParameter.code(),
    };
    if ran.is_err() {
        return fail(Status::TooMuchWork, &[budget.used.ceil(), budget.limit, s.area_within(budget.limit).floor()]);
    }
    shown.truncate(limit);
    let out = result();
    out.clear();
    out.extend_from_slice(&[total as f64, shown.len() as f64]);
    debug_assert_eq!(out.len(), size("match_head"));
    for m in shown.iter() {
        push_match(out, m);
    }
    shown.len() as i32
}

/// Best match per twist angle, for angles scan_first..scan_first + scan_count of scan_steps angles from
/// scan_from to scan_to (rad, inclusive). Result: scan_count `scan_entry` records. Returns scan_count.
#[no_mangle]
pub extern "C" fn hl_twist_scan(lat: *const f64, lat_len: usize, q: *const f64, q_len: usize) -> i32 {
    let s = match search_inputs(lat, lat_len, q, q_len) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let (from, to, steps, first, count) = (s.num("scan_from"), s.num("scan_to"), s.num("scan_steps"), s.num("scan_first"), s.num("scan_count"));
    if s.mode() != 2 || !(steps >= 1.0 && steps <= 1e6 && first >= 0.0 && count >= 1.0 && first + count <= steps) {
        return Status::BadParameter.code();
    }
    let mut budget = match s.check_work() {
        Ok(b) => b,
        Err(e) => return e,
    };
    let scan = match twist_scan(s.film, s.sub, from, to, steps as usize, first as usize, count as usize, &s.sp, &mut budget) {
        Ok(v) => v,
        Err(_) => return fail(Status::TooMuchWork, &[budget.used.ceil(), budget.limit, s.area_within(budget.limit).floor()]),
    };
    let out = result();
    out.clear();
    for m in scan {
        match m {
            Some(m) => {
                out.push(1.0);
                push_match(out, &m);
            }
            None => out.extend(std::iter::repeat(0.0).take(size("scan_entry"))),
        }
    }
    count as i32
}

/// Slab of a bulk (cell 9 f64 Å, n positions Å, n atomic numbers). `params`: a `slab_params` record of
/// `params_len` numbers. Result: `slab_head`, then natoms `slab_atom` records. Returns the atom count.
#[no_mangle]
pub extern "C" fn hl_slab(cell: *const f64, pos: *const f64, numbers: *const u8, n: usize, params_ptr: *const f64, params_len: usize) -> i32 {
    let p = match params(params_ptr, params_len, "slab_params") {
        Ok(p) => p,
        Err(e) => return e,
    };
    let (cell, pos, numbers) = match unsafe { (slice(cell, 9), slice(pos, 3 * n), slice(numbers, n)) } {
        (Some(c), Some(x), Some(z)) => (c, x, z),
        _ => return ERR_NULL,
    };
    let g = |f: &str| get(p, "slab_params", f);
    let hkl = [g("h"), g("k"), g("l")];
    if p.iter().any(|x| !x.is_finite()) || g("layers") < 0.0 || g("termination") < 0.0 || g("fixed_layers") < 0.0 || g("max_atoms") < 1.0 || hkl.iter().any(|x| x.abs() > 1000.0) {
        return ERR_PARAM;
    }
    let sp = SlabParams {
        hkl: [hkl[0] as i64, hkl[1] as i64, hkl[2] as i64],
        layers: g("layers") as usize,
        min_thickness: g("min_thickness"),
        vacuum: g("vacuum"),
        termination: g("termination") as usize,
        fixed_layers: g("fixed_layers") as usize,
        max_atoms: g("max_atoms") as usize,
    };
    let bulk = crate::slab::Bulk { cell, positions: pos, numbers };
    let s = match make_slab(&bulk, &sp) {
        Ok(s) => s,
        Err(e) => {
            return match e {
                SlabError::ZeroMiller => ERR_MILLER,
                SlabError::SingularCell => ERR_SINGULAR,
                SlabError::NoAtoms => ERR_NO_ATOMS,
                SlabError::TooManyAtoms(k) => fail(Status::TooManyAtoms, &[k as f64]),
                SlabError::BadTermination(k) => fail(Status::BadTermination, &[k as f64]),
                SlabError::BadParameter => ERR_PARAM,
            }
        }
    };
    let out = result();
    out.clear();
    let na = s.numbers.len();
    out.extend_from_slice(&[na as f64, s.planes_per_repeat as f64, s.n_terminations as f64, s.repeat_height, s.n_planes as f64]);
    for r in s.basis.iter() {
        out.extend(r.iter().map(|&x| x as f64));
    }
    out.extend_from_slice(&s.cell);
    for i in 0..na {
        out.extend_from_slice(&[s.positions[3 * i], s.positions[3 * i + 1], s.positions[3 * i + 2], s.numbers[i] as f64, s.layer[i] as f64, if s.fixed[i] { 1.0 } else { 0.0 }]);
    }
    na as i32
}

/// The first 2D layer of a structure (n atoms; radii Å per atom), in the standard orientation, with
/// `vacuum` Å. Result: `layer_head`, then natoms `layer_atom` records. Returns the atom count.
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
        Err(LayerError::NotLayered(r)) => fail(Status::NotLayered, &[r as f64]),
        Err(LayerError::NoAtoms) => ERR_NO_ATOMS,
        Err(LayerError::SingularCell) => ERR_SINGULAR,
        Err(LayerError::TooManyAtoms) => ERR_TOO_MANY_ATOMS,
    }
}

/// Interface. `input` (len f64s): `iface_params`; `iface_substrate` and its natoms `iface_substrate_atom`s;
/// per film `iface_film` and its natoms `iface_film_atom`s. Result: `iface_head`, n_films `iface_film_map`s,
/// then natoms `iface_atom`s. Returns the atom count.
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

/// Reads consecutive records from an input vector.
struct Reader<'a> {
    d: &'a [f64],
    k: usize,
}

impl<'a> Reader<'a> {
    /// The next `count` records named `rec` (as one slice).
    fn take(&mut self, rec: &str, count: usize) -> Result<&'a [f64], i32> {
        let m = size(rec).checked_mul(count).ok_or(ERR_PARAM)?;
        if self.k + m > self.d.len() {
            return Err(ERR_PARAM);
        }
        let s = &self.d[self.k..self.k + m];
        self.k += m;
        Ok(s)
    }
}

fn int4(s: &[f64]) -> Result<[i64; 4], i32> {
    if s.iter().any(|x| x.fract() != 0.0 || x.abs() > 1e6) {
        return Err(ERR_PARAM);
    }
    Ok([s[0] as i64, s[1] as i64, s[2] as i64, s[3] as i64])
}

fn v2(s: &[f64], rec: &str, f: &str) -> [f64; 2] {
    let o = offset(rec, f);
    [s[o], s[o + 1]]
}

/// Atom count field of a record, refused unless a non-negative integer.
fn count(s: &[f64], rec: &str) -> Result<usize, i32> {
    let n = get(s, rec, "natoms");
    if !(n >= 0.0 && n.fract() == 0.0 && n <= 1e8) {
        return Err(ERR_PARAM);
    }
    Ok(n as usize)
}

struct RawFilm {
    a: [f64; 2],
    b: [f64; 2],
    m: [i64; 4],
    z: f64,
    shift: [f64; 2],
    pos: Vec<f64>,
    num: Vec<u8>,
}

fn read_film(r: &mut Reader) -> Result<RawFilm, i32> {
    let (rec, arec) = ("iface_film", "iface_film_atom");
    let f = r.take(rec, 1)?;
    let n = count(f, rec)?;
    let at = r.take(arec, n)?;
    let (w, po, zo) = (size(arec), offset(arec, "pos"), offset(arec, "number"));
    let mut pos = Vec::with_capacity(3 * n);
    let mut num = Vec::with_capacity(n);
    for a in at.chunks(w) {
        pos.extend_from_slice(&a[po..po + 3]);
        num.push(a[zo] as u8);
    }
    let mo = offset(rec, "film_m");
    Ok(RawFilm { a: v2(f, rec, "a"), b: v2(f, rec, "b"), m: int4(&f[mo..mo + 4])?, z: get(f, rec, "z_sep"), shift: v2(f, rec, "shift"), pos, num })
}

fn parse_and_build(d: &[f64]) -> Result<i32, i32> {
    let mut r = Reader { d, k: 0 };
    let head = r.take("iface_params", 1)?;
    let h = |f: &str| get(head, "iface_params", f);
    let (vacuum, mode, max_atoms, nf) = (h("vacuum"), h("mode"), h("max_atoms"), h("n_films"));
    if !(nf >= 1.0 && nf <= 16.0) || !(max_atoms >= 1.0) {
        return Err(ERR_PARAM);
    }
    let (srec, sarec) = ("iface_substrate", "iface_substrate_atom");
    let s = r.take(srec, 1)?;
    let mo = offset(srec, "sub_m");
    let (sa, sb, sm, ns) = (v2(s, srec, "a"), v2(s, srec, "b"), int4(&s[mo..mo + 4])?, count(s, srec)?);
    let satoms = r.take(sarec, ns)?;
    let (po, zo, lo, fo) = (offset(sarec, "pos"), offset(sarec, "number"), offset(sarec, "layer"), offset(sarec, "fixed"));
    let (mut spos, mut snum, mut slayer, mut sfixed) = (Vec::with_capacity(3 * ns), Vec::with_capacity(ns), Vec::with_capacity(ns), Vec::with_capacity(ns));
    for a in satoms.chunks(size(sarec)) {
        spos.extend_from_slice(&a[po..po + 3]);
        snum.push(a[zo] as u8);
        slayer.push(a[lo] as u32);
        sfixed.push(a[fo] != 0.0);
    }
    let films_raw = (0..nf as usize).map(|_| read_film(&mut r)).collect::<Result<Vec<_>, i32>>()?;
    let sub = SubstrateSpec { slab: Part { a: sa, b: sb, positions: &spos, numbers: &snum }, layer: &slayer, fixed: &sfixed, sub_m: sm };
    let films: Vec<FilmSpec> = films_raw.iter().map(|f| FilmSpec { film: Part { a: f.a, b: f.b, positions: &f.pos, numbers: &f.num }, film_m: f.m, z_sep: f.z, shift: f.shift }).collect();
    let mode = if mode == 1.0 { StrainMode::Shared } else if mode == 2.0 { StrainMode::Substrate } else { StrainMode::Film };
    let built = build(&sub, &films, mode, vacuum, max_atoms.min(1e9) as usize).map_err(|e| match e {
        InterfaceError::SingularMatrix => ERR_SINGULAR,
        InterfaceError::TooManyAtoms(k) => fail(Status::TooManyAtoms, &[k as f64]),
        InterfaceError::BadParameter => ERR_PARAM,
        InterfaceError::NoAtoms => ERR_NO_ATOMS,
    })?;
    Ok(write_interface(&built))
}

fn write_interface(r: &crate::interface::Interface) -> i32 {
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
    n as i32
}

/// Force-field energy and forces. Tables: species index per atom (u8), pair parameters (nspec² `ff_pair`
/// records). Result: `ff_head`, then forces (3n, eV/Å). Returns the number of atoms.
#[no_mangle]
pub extern "C" fn hl_ff_energy_forces(cell: *const f64, pos: *const f64, group: *const u8, species: *const u8, n: usize, pp: *const f64, nspec: usize, cutoff: f64) -> i32 {
    let s = match unsafe { ff_system(cell, pos, group, species, n, pp, nspec, cutoff) } {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut forces = vec![0.0; 3 * n];
    let (e, pairs) = crate::ff::energy_forces(&s, Some(&mut forces));
    let out = result();
    out.clear();
    out.push(e);
    out.push(pairs as f64);
    debug_assert_eq!(out.len(), size("ff_head"));
    out.extend_from_slice(&forces);
    n as i32
}

/// Energies for rigid displacements of group `moved`: `nshift` × (dx, dy, dz). Result: energies.
#[no_mangle]
pub extern "C" fn hl_ff_energies_for_shifts(cell: *const f64, pos: *const f64, group: *const u8, species: *const u8, n: usize, pp: *const f64, nspec: usize, cutoff: f64, moved: u32, shifts: *const f64, nshift: usize) -> i32 {
    let s = match unsafe { ff_system(cell, pos, group, species, n, pp, nspec, cutoff) } {
        Ok(s) => s,
        Err(e) => return e,
    };
    let sh = match unsafe { slice(shifts, 3 * nshift) } {
        Some(v) => v,
        None => return ERR_NULL,
    };
    if moved > 255 {
        return ERR_PARAM;
    }
    let e = crate::ff::energies_for_shifts(&s, moved as u8, sh);
    let out = result();
    out.clear();
    out.extend_from_slice(&e);
    nshift as i32
}

/// The force-field system from raw inputs: null arrays are Null, a species index ≥ nspec or a bad cutoff
/// BadParameter.
#[allow(clippy::too_many_arguments)]
unsafe fn ff_system<'a>(cell: *const f64, pos: *const f64, group: *const u8, species: *const u8, n: usize, pp: *const f64, nspec: usize, cutoff: f64) -> Result<crate::ff::System<'a>, i32> {
    let arrays = (slice(cell, 9), slice(pos, 3 * n), slice(group, n), slice(species, n), slice(pp, size("ff_pair") * nspec * nspec));
    let (cell, pos, group, species, pp) = match arrays {
        (Some(c), Some(p), Some(g), Some(s), Some(t)) => (c, p, g, s, t),
        _ => return Err(ERR_NULL),
    };
    if species.iter().any(|&k| k as usize >= nspec) || !(cutoff > 0.0 && cutoff.is_finite()) {
        return Err(ERR_PARAM);
    }
    Ok(crate::ff::System { cell, pos, group, species, nspec, pp, cutoff })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::RECORDS;

    fn record(name: &str, vals: &[(&str, f64)]) -> Vec<f64> {
        let mut v = vec![0.0; size(name)];
        for (f, x) in vals {
            v[offset(name, f)] = *x;
        }
        v
    }

    fn hex(a: f64) -> Vec<f64> {
        vec![a, 0.0, -0.5 * a, 0.75f64.sqrt() * a]
    }

    fn lattices(f: f64, s: f64) -> Vec<f64> {
        [hex(f), hex(s)].concat()
    }

    fn search(area: f64, max_work: f64, limit: f64) -> Vec<f64> {
        record(
            "match_params",
            &[("max_area", area), ("area_ratio_tol", 0.09), ("length_tol", 0.05), ("angle_tol", 0.0175), ("dedupe", 1.0), ("limit", limit), ("robust", 1.0), ("principal_filter", 1.0), ("max_work", max_work)],
        )
    }

    fn au_cube() -> ([f64; 9], [f64; 12], [u8; 4]) {
        let cell = [4.08, 0.0, 0.0, 0.0, 4.08, 0.0, 0.0, 0.0, 4.08];
        let pos = [0.0, 0.0, 0.0, 0.0, 2.04, 2.04, 2.04, 0.0, 2.04, 2.04, 2.04, 0.0];
        (cell, pos, [79u8; 4])
    }

    #[test]
    fn slab_reads_exactly_the_parameters_it_is_given() {
        // Regression: hl_slab read 10 numbers while the caller sent 9, so whatever followed in memory (here NaN)
        // made a valid request fail. Checked to fail before the fix.
        let (cell, pos, z) = au_cube();
        let mut p = record("slab_params", &[("h", 1.0), ("k", 1.0), ("l", 1.0), ("layers", 4.0), ("vacuum", 15.0), ("fixed_layers", 2.0), ("max_atoms", 1000.0)]);
        assert_eq!(p.len(), 9);
        p.push(f64::NAN);
        let n = hl_slab(cell.as_ptr(), pos.as_ptr(), z.as_ptr(), 4, p.as_ptr(), 9);
        assert!(n > 0, "status {}", n);
        assert_eq!(hl_result_len(), size("slab_head") + n as usize * size("slab_atom"));
        assert_eq!(result()[offset("slab_head", "natoms")], n as f64);
        assert_eq!(result()[offset("slab_head", "n_planes")], 4.0);
        // A vector of the wrong length is refused, naming both lengths.
        assert_eq!(hl_slab(cell.as_ptr(), pos.as_ptr(), z.as_ptr(), 4, p.as_ptr(), 10), Status::ParamLength.code());
        assert_eq!(result()[..], [10.0, 9.0]);
    }

    #[test]
    fn match_records_follow_the_table() {
        let mut m = crate::zsl::zsl_search([[2.5, 0.0], [-1.25, 2.165]], [[2.5, 0.0], [-1.25, 2.165]], &SearchParams { max_area: 20.0, max_area_ratio_tol: 0.09, max_length_tol: 0.03, max_angle_tol: 0.01, angle_relative: true, robust: false }, 1)[0].clone();
        (m.area, m.twist, m.angle_mismatch, m.mirror) = (11.0, 22.0, 33.0, true);
        m.principal = [44.0, 45.0];
        m.vec_strain = [55.0, 56.0];
        m.film_m = [1, 2, 3, 4];
        m.sub_m = [5, 6, 7, 8];
        let mut out = Vec::new();
        push_match(&mut out, &m);
        assert_eq!(out.len(), size("match"));
        let at = |f: &str| out[offset("match", f)];
        assert_eq!((at("area"), at("twist"), at("angle_mismatch"), at("mirror")), (11.0, 22.0, 33.0, 1.0));
        assert_eq!((at("principal"), at("vec_strain"), at("film_m"), at("sub_m")), (44.0, 55.0, 1.0, 5.0));
        assert_eq!(out[offset("match", "d")], m.d[0]);
        assert_eq!(out[offset("match", "stretch") + 3], m.stretch[3]);
        assert_eq!(out[offset("match", "sub_sl") + 3], m.sub_sl[1][1]);
    }

    #[test]
    fn match_reports_the_total_beyond_the_limit() {
        let l = lattices(3.19, 2.88);
        let all = search(150.0, 1e9, 1e6);
        let n_all = hl_match(l.as_ptr(), l.len(), all.as_ptr(), all.len());
        assert!(n_all > 5, "{}", n_all);
        assert_eq!(result()[..size("match_head")], [n_all as f64, n_all as f64]);
        let first: Vec<f64> = result()[size("match_head")..].to_vec();
        let cut = search(150.0, 1e9, 3.0);
        assert_eq!(hl_match(l.as_ptr(), l.len(), cut.as_ptr(), cut.len()), 3);
        assert_eq!(result()[..size("match_head")], [n_all as f64, 3.0]);
        assert_eq!(result()[size("match_head")..], first[..3 * size("match")]);
        for k in 0..n_all as usize {
            let strain = |i: usize| first[k * size("match") + offset("match", "principal") + i].abs();
            assert!(strain(0).max(strain(1)) <= 0.05 + 1e-12);
        }
    }

    #[test]
    fn bands_partition_the_search() {
        // The matches of consecutive substrate-multiple bands, concatenated, are the whole search.
        let l = lattices(3.19, 2.88);
        let whole = search(150.0, 1e9, 1e6);
        hl_match(l.as_ptr(), l.len(), whole.as_ptr(), whole.len());
        let want = result()[size("match_head")..].to_vec();
        let mut got = Vec::new();
        for (lo, hi) in [(1.0, 7.0), (8.0, 12.0), (13.0, 0.0)] {
            let mut q = whole.clone();
            q[offset("match_params", "band_min")] = lo;
            q[offset("match_params", "band_max")] = hi;
            hl_match(l.as_ptr(), l.len(), q.as_ptr(), q.len());
            got.extend_from_slice(&result()[size("match_head")..]);
        }
        assert_eq!(got, want);
    }

    #[test]
    fn too_much_work_is_refused_before_the_search_starts() {
        let l = lattices(3.19, 2.88);
        let q = search(5000.0, 2e5, 50.0);
        assert_eq!(hl_match_estimate(l.as_ptr(), l.len(), q.as_ptr(), q.len()), 0);
        let est = result().to_vec();
        let (work, fits) = (est[offset("estimate", "work")], est[offset("estimate", "area_within_limit")]);
        assert!(work > 2e5 && fits > 10.0 && fits < 5000.0, "{:?}", est);
        assert_eq!(hl_match(l.as_ptr(), l.len(), q.as_ptr(), q.len()), Status::TooMuchWork.code());
        assert_eq!(result()[..], [work.ceil(), 2e5, fits.floor()]);
        // The area it names does fit, and the estimate is what the search spends.
        let ok = search(fits.floor(), 2e5, 50.0);
        assert!(hl_match(l.as_ptr(), l.len(), ok.as_ptr(), ok.len()) >= 0);
        let s = search_inputs(l.as_ptr(), l.len(), ok.as_ptr(), ok.len()).ok().unwrap();
        let mut b = Budget::unlimited();
        zsl_groups(s.film, s.sub, &s.sp, Band::ALL, &mut b, |_| true).unwrap();
        assert_eq!(b.used, s.work_at(fits.floor()));
    }

    #[test]
    fn a_twist_search_that_finds_more_than_estimated_stops_at_the_limit() {
        // The estimate cannot know how many matches a fixed-twist search finds; the budget charges them as they come.
        let l = lattices(3.19, 2.88);
        let mut q = search(1000.0, 1e9, 10.0);
        q[offset("match_params", "mode")] = 1.0;
        q[offset("match_params", "twist")] = 10f64.to_radians();
        assert_eq!(hl_match_estimate(l.as_ptr(), l.len(), q.as_ptr(), q.len()), 0);
        let est = result()[offset("estimate", "work")];
        assert!(hl_match(l.as_ptr(), l.len(), q.as_ptr(), q.len()) > 0);
        q[offset("match_params", "max_work")] = est * 1.01;
        assert_eq!(hl_match(l.as_ptr(), l.len(), q.as_ptr(), q.len()), Status::TooMuchWork.code());
        assert!(result()[0] > est * 1.01 && result()[1] == est * 1.01, "{:?}", result());
    }

    #[test]
    fn twist_scan_chunks_join_to_the_whole_scan() {
        let l = lattices(2.46, 2.885);
        let scan = |first: f64, count: f64| {
            let mut q = search(100.0, 1e9, 1.0);
            for (f, v) in [("mode", 2.0), ("scan_from", 0.0), ("scan_to", 1.0), ("scan_steps", 21.0), ("scan_first", first), ("scan_count", count), ("angle_tol", 0.002)] {
                q[offset("match_params", f)] = v;
            }
            assert_eq!(hl_twist_scan(l.as_ptr(), l.len(), q.as_ptr(), q.len()), count as i32);
            result().to_vec()
        };
        let whole = scan(0.0, 21.0);
        assert_eq!(whole.len(), 21 * size("scan_entry"));
        assert!((0..21).any(|k| whole[k * size("scan_entry") + offset("scan_entry", "found")] == 1.0));
        assert_eq!([scan(0.0, 8.0), scan(8.0, 13.0)].concat(), whole);
    }

    #[test]
    fn bad_requests_get_a_status_not_a_trap() {
        let l = lattices(3.19, 2.88);
        let q = search(100.0, 1e9, 10.0);
        assert_eq!(hl_match(l.as_ptr(), 7, q.as_ptr(), q.len()), Status::ParamLength.code());
        assert_eq!(hl_match(l.as_ptr(), l.len(), q.as_ptr(), q.len() - 1), Status::ParamLength.code());
        let mut bad = q.clone();
        bad[offset("match_params", "max_area")] = f64::NAN;
        assert_eq!(hl_match(l.as_ptr(), l.len(), bad.as_ptr(), bad.len()), Status::BadParameter.code());
        let flat = [3.0, 0.0, 6.0, 0.0, 2.0, 0.0, 0.0, 2.0];
        assert_eq!(hl_match(flat.as_ptr(), 8, q.as_ptr(), q.len()), Status::Singular.code());
        assert_eq!(hl_interface(q.as_ptr(), 3), ERR_PARAM);
    }

    #[test]
    fn every_result_layout_is_in_the_table() {
        for name in ["match", "match_head", "scan_entry", "estimate", "slab_head", "slab_atom", "layer_head", "layer_atom", "iface_head", "iface_film_map", "iface_atom", "ff_head", "ff_pair"] {
            assert!(RECORDS.iter().any(|r| r.0 == name), "{}", name);
        }
    }
}
