//! The one table of the wasm boundary: status codes (with messages), the layout of every record a kernel
//! reads or writes, and the length of every parameter vector. `hl_layout` hands it to TypeScript as JSON;
//! the TS wrapper checks it at load and reads every offset and size from it, so no literal offset lives in TS.
//! Records are flat f64 vectors; a field is `(name, length)` and its offset is the sum of the lengths before it.

/// Bumped whenever a kernel signature or the meaning of a field changes.
pub const ABI_VERSION: u32 = 5;

/// Kernel status: kernels return a count ≥ 0 or one of these (negative). `detail` numbers, when a status
/// has them, are left in the result buffer and named `{0}`, `{1}`, … in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Status {
    Null = -1,
    Singular = -2,
    BadMiller = -3,
    TooManyAtoms = -4,
    BadParameter = -5,
    NotLayered = -6,
    NoAtoms = -7,
    BadTermination = -8,
    ParamLength = -9,
    TooMuchWork = -10,
}

impl Status {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// (status, name, message template). The name is the GeometryError code on the TS side.
pub const STATUSES: &[(Status, &str, &str)] = &[
    (Status::Null, "null-pointer", "an input array is missing (null pointer)"),
    (Status::Singular, "singular", "the lattice is singular (linearly dependent vectors)"),
    (Status::BadMiller, "bad-miller", "the Miller indices must not all be zero"),
    (Status::TooManyAtoms, "too-many-atoms", "would make {0} atoms, over the limit"),
    (Status::BadParameter, "bad-parameter", "a parameter is out of range"),
    (Status::NotLayered, "not-layered", "no 2D layer found (the most periodic bonded network is {0}D)"),
    (Status::NoAtoms, "no-atoms", "no atoms"),
    (Status::BadTermination, "bad-termination", "termination out of range (this surface has {0})"),
    (Status::ParamLength, "param-length", "parameter vector has {0} numbers, the kernel takes {1}"),
    (
        Status::TooMuchWork,
        "too-much-work",
        "would examine ~{0} candidate supercells (limit {1}); lower the max area below {2} Å² or raise the work limit (maxWork)",
    ),
];

pub type Fields = &'static [(&'static str, usize)];

/// Every record and parameter vector, by name. Parameter vectors are records too (`*_params`).
pub const RECORDS: &[(&str, Fields)] = &[
    // Coincidence search parameters (hl_match, hl_twist_scan, hl_match_estimate). Lengths Å, areas Å², angles rad.
    (
        "match_params",
        &[
            ("max_area", 1),
            ("area_ratio_tol", 1),
            ("length_tol", 1),
            ("angle_tol", 1),
            ("angle_relative", 1),
            ("dedupe", 1),
            ("mode", 1), // 0 = ZSL (all twists), 1 = one twist, 2 = twist scan
            ("twist", 1),
            ("limit", 1),
            ("robust", 1),
            ("principal_filter", 1), // keep only matches whose principal strains are ≤ length_tol
            ("exclude_mirror", 1),
            ("band_min", 1), // substrate area multiples (|det S|) searched: band_min..=band_max (0 = no bound)
            ("band_max", 1),
            ("max_work", 1), // candidate supercells the search may examine
            ("scan_from", 1),
            ("scan_to", 1),
            ("scan_steps", 1),
            ("scan_first", 1), // the chunk of the scan computed by this call: angles first..first+count
            ("scan_count", 1),
        ],
    ),
    ("lattices", &[("film_a", 2), ("film_b", 2), ("sub_a", 2), ("sub_b", 2)]),
    (
        "match",
        &[
            ("film_m", 4),
            ("sub_m", 4),
            ("film_sl", 4),
            ("sub_sl", 4),
            ("area", 1),
            ("d", 4),
            ("twist", 1),
            ("stretch", 4),
            ("principal", 2),
            ("vec_strain", 2),
            ("angle_mismatch", 1),
            ("mirror", 1),
        ],
    ),
    // hl_match result: this head, then `shown` match records.
    ("match_head", &[("total", 1), ("shown", 1)]),
    // hl_twist_scan result: scan_count of these (found = 0: no match at that angle, the match is zeros).
    ("scan_entry", &[("found", 1), ("match", 32)]),
    // hl_match_estimate result.
    ("estimate", &[("work", 1), ("max_work", 1), ("area_within_limit", 1), ("sub_cell_area", 1), ("band_top", 1)]),
    (
        "slab_params",
        &[
            ("h", 1),
            ("k", 1),
            ("l", 1),
            ("layers", 1),
            ("min_thickness", 1),
            ("vacuum", 1),
            ("termination", 1),
            ("fixed_layers", 1),
            ("max_atoms", 1),
        ],
    ),
    (
        "slab_head",
        &[("natoms", 1), ("planes_per_repeat", 1), ("n_terminations", 1), ("repeat_height", 1), ("n_planes", 1), ("basis", 9), ("cell", 9)],
    ),
    ("slab_atom", &[("pos", 3), ("number", 1), ("layer", 1), ("fixed", 1)]),
    ("layer_head", &[("natoms", 1), ("thickness", 1), ("n_components", 1), ("ranks", 8), ("cell", 9)]),
    ("layer_atom", &[("pos", 3), ("number", 1), ("source", 1)]),
    // hl_interface input: iface_params, iface_substrate, its atoms, then per film iface_film and its atoms.
    ("iface_params", &[("vacuum", 1), ("mode", 1), ("max_atoms", 1), ("n_films", 1)]),
    ("iface_substrate", &[("a", 2), ("b", 2), ("sub_m", 4), ("natoms", 1)]),
    ("iface_substrate_atom", &[("pos", 3), ("number", 1), ("layer", 1), ("fixed", 1)]),
    ("iface_film", &[("a", 2), ("b", 2), ("film_m", 4), ("z_sep", 1), ("shift", 2), ("natoms", 1)]),
    ("iface_film_atom", &[("pos", 3), ("number", 1)]),
    // hl_interface result: head, n_films film maps, then atoms.
    ("iface_head", &[("natoms", 1), ("n_films", 1), ("cell", 9), ("substrate_map", 4)]),
    ("iface_film_map", &[("map", 4)]),
    ("iface_atom", &[("pos", 3), ("number", 1), ("role", 1), ("layer", 1), ("fixed", 1)]),
    // Force field (hl_ff_*): pair table entries (A eV Å¹², C eV Å⁶, R0 Å, d), result head then 3n forces.
    ("ff_pair", &[("a", 1), ("c", 1), ("r0", 1), ("d", 1)]),
    ("ff_head", &[("energy", 1), ("pairs", 1)]),
    // Neighbour list (hl_ffn_*) result head, then 3n forces: pairs within the cutoff, list builds so far, pairs
    // listed (within cutoff + skin).
    ("ffn_head", &[("energy", 1), ("pairs", 1), ("builds", 1), ("listed", 1)]),
];

/// Number of f64s in a record.
pub fn size(name: &str) -> usize {
    fields(name).iter().map(|f| f.1).sum()
}

/// Offset (in f64s) of `field` in record `name`. Panics on an unknown name: callers use names from RECORDS,
/// and the unit tests exercise every call site.
pub fn offset(name: &str, field: &str) -> usize {
    let fs = fields(name);
    let k = fs.iter().position(|f| f.0 == field).unwrap_or_else(|| panic!("{}.{} not in the ABI table", name, field));
    fs[..k].iter().map(|f| f.1).sum()
}

fn fields(name: &str) -> Fields {
    RECORDS.iter().find(|r| r.0 == name).unwrap_or_else(|| panic!("record {} not in the ABI table", name)).1
}

/// The table as JSON: {"abi", "records": {name: {"size", "fields": {field: [offset, length]}}}, "status": […]}.
pub fn layout_json() -> String {
    let mut s = format!("{{\"abi\":{},\"records\":{{", ABI_VERSION);
    for (i, (name, fs)) in RECORDS.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\"{}\":{{\"size\":{},\"fields\":{{", name, size(name)));
        let mut off = 0;
        for (j, (f, len)) in fs.iter().enumerate() {
            if j > 0 {
                s.push(',');
            }
            s.push_str(&format!("\"{}\":[{},{}]", f, off, len));
            off += len;
        }
        s.push_str("}}");
    }
    s.push_str("},\"status\":[");
    for (i, (st, name, msg)) in STATUSES.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{{\"code\":{},\"name\":\"{}\",\"message\":\"{}\"}}", st.code(), name, msg));
    }
    s.push_str("]}");
    s
}

static mut LAYOUT: Option<String> = None;

fn layout() -> &'static str {
    // Single-threaded wasm: built once on first use.
    unsafe { (*std::ptr::addr_of_mut!(LAYOUT)).get_or_insert_with(layout_json).as_str() }
}

/// UTF-8 JSON of the ABI table (see `layout_json`); its length is `hl_layout_len()`.
#[no_mangle]
pub extern "C" fn hl_layout_ptr() -> *const u8 {
    layout().as_ptr()
}

#[no_mangle]
pub extern "C" fn hl_layout_len() -> usize {
    layout().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_add_up_and_names_are_unique() {
        assert_eq!(size("match"), 32);
        assert_eq!(offset("match", "area"), 16);
        assert_eq!(offset("match", "mirror"), 31);
        assert_eq!(size("scan_entry"), 1 + size("match"));
        for (i, (n, fs)) in RECORDS.iter().enumerate() {
            assert!(RECORDS.iter().skip(i + 1).all(|r| r.0 != *n), "record {} twice", n);
            for (j, f) in fs.iter().enumerate() {
                assert!(f.1 > 0 && fs.iter().skip(j + 1).all(|g| g.0 != f.0), "{}.{}", n, f.0);
            }
        }
    }

    #[test]
    fn status_codes_are_distinct_and_negative() {
        for (i, s) in STATUSES.iter().enumerate() {
            assert!(s.0.code() < 0);
            assert!(STATUSES.iter().skip(i + 1).all(|t| t.0 != s.0 && t.1 != s.1));
            assert!(!s.2.contains('"') && !s.1.contains('"'), "JSON-safe");
        }
    }

    #[test]
    fn layout_json_names_every_record_and_status() {
        let j = layout_json();
        assert!(j.starts_with(&format!("{{\"abi\":{}", ABI_VERSION)));
        for (n, _) in RECORDS {
            assert!(j.contains(&format!("\"{}\":{{\"size\":{}", n, size(n))));
        }
        assert!(j.contains("\"code\":-10,\"name\":\"too-much-work\""));
    }
}
