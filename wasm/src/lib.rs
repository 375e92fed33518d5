//! heterolab's geometry kernel. The C ABI (every symbol prefixed `hl_`) works on linear memory:
//! JS allocates with `hl_alloc`, writes f64/u8 arrays at the returned pointer, calls a kernel with
//! `(ptr, len)` pairs and reads results back; errors are status codes (never panics: a trap loses the message).
//! Pure modules (`cell`) are plain Rust with native `cargo test` coverage.

pub mod cell;
pub mod lattice2d;
pub mod zsl;
pub mod intmat;
pub mod slab;
pub mod primitive;
pub mod layer;
pub mod interface;
pub mod ffi;
pub mod ff;
pub mod ff_table;
pub mod ffi_ff;

use std::alloc::{alloc, dealloc, Layout};

/// Status codes returned by kernels.
pub const HL_OK: i32 = 0;
pub const HL_ERR_NULL: i32 = 1;
pub const HL_ERR_SINGULAR: i32 = 2;
pub const HL_ERR_NON_FINITE: i32 = 3;

const ALIGN: usize = 8;

/// Allocates `bytes` bytes aligned to 8 (enough for f64). Returns 0 on failure or for 0 bytes.
#[no_mangle]
pub extern "C" fn hl_alloc(bytes: usize) -> *mut u8 {
    if bytes == 0 {
        return std::ptr::null_mut();
    }
    match Layout::from_size_align(bytes, ALIGN) {
        Ok(layout) => unsafe { alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// Frees memory from `hl_alloc` (same `bytes`).
#[no_mangle]
pub extern "C" fn hl_free(ptr: *mut u8, bytes: usize) {
    if ptr.is_null() || bytes == 0 {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(bytes, ALIGN) {
        unsafe { dealloc(ptr, layout) }
    }
}

/// ABI version, so the TypeScript wrapper can refuse a stale build.
#[no_mangle]
pub extern "C" fn hl_abi_version() -> u32 {
    3
}

/// Signed volume (Å^3) of the cell at `cell_ptr` (9 f64, rows a, b, c).
#[no_mangle]
pub extern "C" fn hl_cell_volume(cell_ptr: *const f64) -> f64 {
    if cell_ptr.is_null() {
        return f64::NAN;
    }
    let c = unsafe { std::slice::from_raw_parts(cell_ptr, 9) };
    cell::volume(c)
}

/// Wraps `n` Cartesian positions (3n f64 at `pos_ptr`, Å) into the cell along the periodic axes given by the
/// low three bits of `pbc_mask` (bit 0 = a). In place. Returns a status code.
#[no_mangle]
pub extern "C" fn hl_wrap_positions(cell_ptr: *const f64, pos_ptr: *mut f64, n: usize, pbc_mask: u32) -> i32 {
    if cell_ptr.is_null() || (pos_ptr.is_null() && n > 0) {
        return HL_ERR_NULL;
    }
    let c = unsafe { std::slice::from_raw_parts(cell_ptr, 9) };
    let p = if n == 0 { &mut [][..] } else { unsafe { std::slice::from_raw_parts_mut(pos_ptr, 3 * n) } };
    match cell::wrap_positions(c, p, [pbc_mask & 1 != 0, pbc_mask & 2 != 0, pbc_mask & 4 != 0]) {
        Ok(()) => HL_OK,
        Err(cell::CellError::Singular) => HL_ERR_SINGULAR,
        Err(cell::CellError::NonFinite) => HL_ERR_NON_FINITE,
    }
}
