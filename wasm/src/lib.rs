//! heterolab's geometry kernel. The C ABI (every symbol prefixed `hl_`) works on linear memory:
//! JS allocates with `hl_alloc`, writes f64/u8 arrays at the returned pointer, calls a kernel with
//! `(ptr, len)` pairs and reads results back; errors are status codes (never panics: a trap loses the message).
//! Record layouts, parameter counts and status codes live in one table (`abi`), which TS reads at load.
//! Domain modules are plain Rust with native `cargo test` coverage.

pub mod abi;
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
pub mod ff_nlist;
pub mod ffi_ff;

use std::alloc::{alloc, dealloc, Layout};

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
