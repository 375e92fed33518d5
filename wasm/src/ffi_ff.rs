//! C ABI of the tabulated rigid-layer force field (ff_table.rs). Tables and rigid sets live in wasm memory
//! between calls, named by handles (≥ 0); results go to this module's own result buffer
//! (`hl_fft_result_ptr`/`_len`), read right after the call. Negative returns are statuses (ERR_*).

// Raw pointers from JS are the ABI; every one is checked by `slice` before use.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use crate::abi;
use crate::ff_nlist::NeighbourList;
use crate::ff_table::{ExactLayer, RigidSet, Table};

pub const ERR_NULL: i32 = -1;
pub const ERR_PARAM: i32 = -5;
pub const ERR_HANDLE: i32 = -9;

/// Scalars of hl_fft_table_build, in this order.
pub const TABLE_PARAMS: usize = 13;

struct Registry {
    tables: Vec<Option<Table>>,
    sets: Vec<Option<RigidSet>>,
    lists: Vec<Option<NeighbourList>>,
    result: Vec<f64>,
}

static mut REG: Registry = Registry { tables: Vec::new(), sets: Vec::new(), lists: Vec::new(), result: Vec::new() };

fn reg() -> &'static mut Registry {
    // Single-threaded wasm: one caller at a time.
    unsafe { &mut *std::ptr::addr_of_mut!(REG) }
}

unsafe fn slice<'a, T>(p: *const T, n: usize) -> Option<&'a [T]> {
    if n == 0 {
        Some(&[])
    } else if p.is_null() {
        None
    } else {
        Some(std::slice::from_raw_parts(p, n))
    }
}

fn put<T>(v: &mut Vec<Option<T>>, x: T) -> i32 {
    match v.iter().position(|s| s.is_none()) {
        Some(k) => {
            v[k] = Some(x);
            k as i32
        }
        None => {
            v.push(Some(x));
            (v.len() - 1) as i32
        }
    }
}

#[no_mangle]
pub extern "C" fn hl_fft_result_ptr() -> *const f64 {
    reg().result.as_ptr()
}

#[no_mangle]
pub extern "C" fn hl_fft_result_len() -> usize {
    reg().result.len()
}

/// Builds a layer table. params: p1x, p1y, p2x, p2y, top, h0, dz, cutoff, nu, nv, nz, m1, m2 (TABLE_PARAMS);
/// xyz: 3·nb basis positions; pp: 6·ns·nb parameters. Returns a table handle.
#[no_mangle]
pub extern "C" fn hl_fft_table_build(params: *const f64, nparams: usize, xyz: *const f64, nb: usize, pp: *const f64, ns: usize) -> i32 {
    if nparams != TABLE_PARAMS {
        return ERR_PARAM;
    }
    let (q, x, p) = match unsafe { (slice(params, nparams), slice(xyz, 3 * nb), slice(pp, 6 * ns * nb)) } {
        (Some(q), Some(x), Some(p)) => (q, x, p),
        _ => return ERR_NULL,
    };
    if q.iter().any(|v| !v.is_finite()) || q[8] < 4.0 || q[9] < 4.0 || q[10] < 2.0 || q[6] <= 0.0 || q[7] <= 0.0 || nb == 0 || ns == 0 {
        return ERR_PARAM;
    }
    let exact = ExactLayer { p1: [q[0], q[1]], p2: [q[2], q[3]], xyz: x.to_vec(), pp: p.to_vec(), nb, m1: q[11] as i64, m2: q[12] as i64, cutoff: q[7] };
    let t = Table::build(exact, ns, q[4], q[5], q[6], q[8] as usize, q[9] as usize, q[10] as usize);
    put(&mut reg().tables, t)
}

#[no_mangle]
pub extern "C" fn hl_fft_table_free(h: i32) {
    if let Some(slot) = reg().tables.get_mut(h as usize) {
        *slot = None;
    }
}

/// The table's coefficients into the result buffer (for conformance with the TypeScript build).
#[no_mangle]
pub extern "C" fn hl_fft_table_data(h: i32) -> i32 {
    let r = reg();
    match r.tables.get(h as usize).and_then(|t| t.as_ref()) {
        Some(t) => {
            r.result.clear();
            r.result.extend_from_slice(&t.data);
            t.data.len() as i32
        }
        None => ERR_HANDLE,
    }
}

/// One lookup: (V, ∂V/∂x, ∂V/∂y, ∂V/∂z) into the result buffer.
#[no_mangle]
pub extern "C" fn hl_fft_lookup(h: i32, s: u32, x: f64, y: f64, z: f64) -> i32 {
    let r = reg();
    match r.tables.get(h as usize).and_then(|t| t.as_ref()) {
        Some(t) if (s as usize) < t.ns => {
            let v = t.lookup(s as usize, x, y, z);
            r.result.clear();
            r.result.extend_from_slice(&v);
            4
        }
        Some(_) => ERR_PARAM,
        None => ERR_HANDLE,
    }
}

/// A rigid set over n atoms: reference positions (3n), layer per atom (u8), per layer its table handle (or
/// −1) and per (layer, atom) the atom's tabulated species index (or −1), as f64. Returns a set handle.
#[no_mangle]
pub extern "C" fn hl_fft_set_create(n: usize, reference: *const f64, layer: *const u8, nlayers: usize, tables: *const f64, spec: *const f64) -> i32 {
    let (p, l, t, s) = match unsafe { (slice(reference, 3 * n), slice(layer, n), slice(tables, nlayers), slice(spec, nlayers * n)) } {
        (Some(p), Some(l), Some(t), Some(s)) => (p, l, t, s),
        _ => return ERR_NULL,
    };
    if n == 0 || l.iter().any(|&x| x as usize >= nlayers) {
        return ERR_PARAM;
    }
    let r = reg();
    let mut tabs = Vec::with_capacity(nlayers);
    for (g, &h) in t.iter().enumerate() {
        if h < 0.0 {
            tabs.push(None);
            continue;
        }
        let ns = match r.tables.get(h as usize).and_then(|x| x.as_ref()) {
            Some(x) => x.ns,
            None => return ERR_HANDLE,
        };
        if s[g * n..(g + 1) * n].iter().any(|&k| k >= ns as f64) {
            return ERR_PARAM;
        }
        tabs.push(Some(h as usize));
    }
    let first = (0..nlayers).map(|g| l.iter().position(|&x| x as usize == g).unwrap_or(0)).collect();
    let count = (0..nlayers).map(|g| l.iter().filter(|&&x| x as usize == g).count()).collect();
    let spec = (0..nlayers).map(|g| s[g * n..(g + 1) * n].iter().map(|&k| k as i32).collect()).collect();
    let mut set = RigidSet { reference: p.to_vec(), layer: l.to_vec(), tables: tabs, spec, first, count, upper: Vec::new() };
    set.index();
    put(&mut r.sets, set)
}

#[no_mangle]
pub extern "C" fn hl_fft_set_free(h: i32) {
    if let Some(slot) = reg().sets.get_mut(h as usize) {
        *slot = None;
    }
}

/// Energies of `nshift` configurations: layers displaced by d (3 per layer) plus, for layers with moved[g] ≠ 0,
/// shift k (3 per configuration). `group` (u8 per atom) says which layers move together (no pairs within).
#[no_mangle]
pub extern "C" fn hl_fft_set_energies(h: i32, group: *const u8, d: *const f64, moved: *const u8, shifts: *const f64, nshift: usize) -> i32 {
    let r = reg();
    let set = match r.sets.get(h as usize).and_then(|x| x.as_ref()) {
        Some(s) => s,
        None => return ERR_HANDLE,
    };
    let (n, nl) = (set.layer.len(), set.tables.len());
    let (g, d0, m, sh) = match unsafe { (slice(group, n), slice(d, 3 * nl), slice(moved, nl), slice(shifts, 3 * nshift)) } {
        (Some(g), Some(d0), Some(m), Some(sh)) => (g, d0, m, sh),
        _ => return ERR_NULL,
    };
    if let Some(e) = set.energies_in_plane(&r.tables, g, d0, m, sh).or_else(|| set.energies_along_z(&r.tables, g, d0, m, sh)) {
        r.result = e;
        return nshift as i32;
    }
    let mut dk = d0.to_vec();
    let mut out = Vec::with_capacity(nshift);
    for k in 0..nshift {
        for l in 0..nl {
            for c in 0..3 {
                dk[3 * l + c] = d0[3 * l + c] + if m[l] != 0 { sh[3 * k + c] } else { 0.0 };
            }
        }
        out.push(set.energy(&r.tables, g, &dk, None));
    }
    r.result = out;
    nshift as i32
}

/// Energy and forces with layers displaced by d: result [energy, forces (3n)].
#[no_mangle]
pub extern "C" fn hl_fft_set_energy_forces(h: i32, group: *const u8, d: *const f64) -> i32 {
    let r = reg();
    let set = match r.sets.get(h as usize).and_then(|x| x.as_ref()) {
        Some(s) => s,
        None => return ERR_HANDLE,
    };
    let (n, nl) = (set.layer.len(), set.tables.len());
    let (g, d0) = match unsafe { (slice(group, n), slice(d, 3 * nl)) } {
        (Some(g), Some(d0)) => (g, d0),
        _ => return ERR_NULL,
    };
    let mut f = vec![0.0; 3 * n];
    let e = set.energy(&r.tables, g, d0, Some(&mut f));
    r.result.clear();
    r.result.push(e);
    r.result.extend_from_slice(&f);
    n as i32
}

/// A neighbour list (ff_nlist.rs) over n atoms: cell (9), group and species (u8 per atom), pair table pp
/// (ff_pair records, nspec²), cutoff and skin (Å). Built at the first evaluation. Returns a list handle.
#[no_mangle]
pub extern "C" fn hl_ffn_create(cell: *const f64, group: *const u8, species: *const u8, n: usize, pp: *const f64, nspec: usize, cutoff: f64, skin: f64) -> i32 {
    let (c, g, s, p) = match unsafe { (slice(cell, 9), slice(group, n), slice(species, n), slice(pp, abi::size("ff_pair") * nspec * nspec)) } {
        (Some(c), Some(g), Some(s), Some(p)) => (c, g, s, p),
        _ => return ERR_NULL,
    };
    let det = c[0] * c[4] - c[1] * c[3];
    if n == 0 || nspec == 0 || !(cutoff > 0.0) || !(skin >= 0.0) || !cutoff.is_finite() || !skin.is_finite() || !(det.abs() > 1e-9) || s.iter().any(|&x| x as usize >= nspec) {
        return ERR_PARAM;
    }
    put(&mut reg().lists, NeighbourList::new(c, g, s, nspec, p, cutoff, skin))
}

#[no_mangle]
pub extern "C" fn hl_ffn_free(h: i32) {
    if let Some(slot) = reg().lists.get_mut(h as usize) {
        *slot = None;
    }
}

/// List `h` and the positions pos (3n) it is evaluated at, or the error code: unknown handle, null pointer, or
/// positions of another atom count or not finite.
fn list_at<'a>(lists: &'a mut [Option<NeighbourList>], h: i32, pos: *const f64, n: usize) -> Result<(&'a mut NeighbourList, &'a [f64]), i32> {
    let list = lists.get_mut(h as usize).and_then(|x| x.as_mut()).ok_or(ERR_HANDLE)?;
    let p: &'a [f64] = unsafe { slice(pos, 3 * n) }.ok_or(ERR_NULL)?;
    if n != list.atoms() || p.iter().any(|x| !x.is_finite()) {
        return Err(ERR_PARAM);
    }
    Ok((list, p))
}

/// Energy (and forces when `forces` ≠ 0) at positions pos (3n): result an ffn_head record, then 3n forces.
#[no_mangle]
pub extern "C" fn hl_ffn_energy_forces(h: i32, pos: *const f64, n: usize, forces: u32) -> i32 {
    let r = reg();
    let (list, p) = match list_at(&mut r.lists, h, pos, n) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let head = abi::size("ffn_head");
    r.result.clear();
    r.result.resize(head + if forces != 0 { 3 * n } else { 0 }, 0.0);
    let (e, pairs) = if forces != 0 {
        list.energy_forces(p, Some(&mut r.result[head..]))
    } else {
        list.energy_forces(p, None)
    };
    let put_field = |res: &mut Vec<f64>, name: &str, v: f64| res[abi::offset("ffn_head", name)] = v;
    put_field(&mut r.result, "energy", e);
    put_field(&mut r.result, "pairs", pairs as f64);
    put_field(&mut r.result, "builds", list.builds as f64);
    put_field(&mut r.result, "listed", list.listed() as f64);
    n as i32
}

/// The list at positions pos (3n), built first when stale as an evaluation would: result 4 f64 per listed pair
/// (i, j, ka, kb; NeighbourList::pairs_by_atom). Returns the number of pairs.
#[no_mangle]
pub extern "C" fn hl_ffn_pairs(h: i32, pos: *const f64, n: usize) -> i32 {
    let r = reg();
    let (list, p) = match list_at(&mut r.lists, h, pos, n) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if list.stale(p) {
        list.build(p);
    }
    let pairs = list.pairs_by_atom();
    r.result.clear();
    for q in &pairs {
        r.result.extend_from_slice(q);
    }
    pairs.len() as i32
}
