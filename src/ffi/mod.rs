//! The C ABI (`include/hybridmailflow.h`). Conventions, after rustls-ffi:
//! - every function returns an `hmf_status`; `HMF_OK` is 0 and codes are never renumbered, only appended;
//! - out-parameters are written only on success; NULL arguments are checked and refused with `HMF_NULL_ARGUMENT`;
//! - every handle has a `_free` that accepts NULL;
//! - strings are UTF-8 `hmf_str` (pointer + length, not NUL-terminated) owned by the handle or batch they come
//!   from, valid until it is freed;
//! - a panic never crosses the boundary: it becomes `HMF_PANIC`;
//! - a failed call leaves its message in a thread-local last error (`hmf_last_error`).
//!
//! All `unsafe` of the crate lives in this module.
#![allow(non_camel_case_types)]

mod batch;
mod error;
mod protocol;
mod types;

pub use batch::*;
pub use error::*;
pub use protocol::*;
pub use types::*;

/// The ABI version. The C# layer refuses to load a library whose version differs from the one it was built
/// for. Bump it on any change of a struct layout or a function signature.
pub const HMF_ABI_VERSION: u32 = 1;

/// The ABI version of this library (see `HMF_ABI_VERSION`).
#[no_mangle]
pub extern "C" fn hmf_abi_version() -> u32 {
    HMF_ABI_VERSION
}

/// The library version, e.g. "0.1.0", as a static string.
#[no_mangle]
pub extern "C" fn hmf_library_version() -> hmf_str {
    hmf_str::from_static(concat!(env!("CARGO_PKG_VERSION"), "\0"))
}

/// A required out-parameter.
unsafe fn out_ptr<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, FfiError> {
    p.as_mut().ok_or_else(|| FfiError::null(name))
}

/// Bytes passed in by pointer and length; NULL is accepted only with length 0.
unsafe fn arg_bytes<'a>(p: *const u8, len: usize, name: &str) -> Result<&'a [u8], FfiError> {
    hmf_str { ptr: p, len }.as_bytes().ok_or_else(|| FfiError::null(name))
}

/// A UTF-8 string passed in by pointer and length.
unsafe fn arg_str<'a>(p: *const u8, len: usize, name: &str) -> Result<&'a str, FfiError> {
    std::str::from_utf8(arg_bytes(p, len, name)?).map_err(|e| FfiError::new(hmf_status::HMF_INVALID_UTF8, format!("{name} is not UTF-8: {e}")))
}
