//! Plain data shared with C.

use std::ptr;

/// Result of every `hmf_` call. Append-only: a number keeps its meaning forever.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_status {
    HMF_OK = 0,
    HMF_NULL_ARGUMENT = 1,
    HMF_INVALID_ARGUMENT = 2,
    HMF_INVALID_UTF8 = 3,
    HMF_IO_ERROR = 4,
    HMF_PANIC = 5,
    HMF_NOT_A_LOG = 6,
    HMF_FIELD_COUNT = 7,
    HMF_BAD_TIME = 8,
    HMF_LINE_TOO_LONG = 9,
    HMF_BAD_QUOTING = 10,
    HMF_BAD_VALUE = 11,
}

/// A UTF-8 string that the library owns: `len` bytes at `ptr`, not NUL-terminated. `ptr` is NULL only when
/// `len` is 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_str {
    pub ptr: *const u8,
    pub len: usize,
}

impl hmf_str {
    pub const EMPTY: hmf_str = hmf_str {
        ptr: ptr::null(),
        len: 0,
    };

    /// Borrows `s`; the caller keeps `s` alive as long as the `hmf_str` is reachable from C.
    pub fn borrow(s: &str) -> hmf_str {
        if s.is_empty() {
            Self::EMPTY
        } else {
            hmf_str {
                ptr: s.as_ptr(),
                len: s.len(),
            }
        }
    }

    /// A static string whose last byte is a NUL kept for C callers that print it with `%s`; the NUL is not
    /// counted in `len`.
    pub(crate) fn from_static(s: &'static str) -> hmf_str {
        hmf_str {
            ptr: s.as_ptr(),
            len: s.len() - 1,
        }
    }

    /// # Safety
    /// `ptr` must point to `len` readable bytes (or be NULL with `len` 0) for the lifetime `'a`.
    pub(crate) unsafe fn as_bytes<'a>(&self) -> Option<&'a [u8]> {
        if self.ptr.is_null() {
            return (self.len == 0).then_some(&[]);
        }
        Some(std::slice::from_raw_parts(self.ptr, self.len))
    }
}
