//! Turning results and panics into status codes, and the thread-local last error.

use std::cell::RefCell;

use super::types::{hmf_status, hmf_str};
use crate::logfile::{catch_quietly, LineError, LineErrorKind};

/// Why a call failed: status, message and, where it concerns a file, path and 1-based line (0: whole file).
#[derive(Debug, Clone)]
pub(crate) struct FfiError {
    pub status: hmf_status,
    pub message: String,
    pub path: String,
    pub line: u64,
}

impl FfiError {
    pub fn new(status: hmf_status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            path: String::new(),
            line: 0,
        }
    }

    pub fn null(what: &str) -> Self {
        Self::new(hmf_status::HMF_NULL_ARGUMENT, format!("{what} is NULL"))
    }
}

pub(crate) fn status_of(kind: LineErrorKind) -> hmf_status {
    match kind {
        LineErrorKind::Io => hmf_status::HMF_IO_ERROR,
        LineErrorKind::NotALog => hmf_status::HMF_NOT_A_LOG,
        LineErrorKind::FieldCount => hmf_status::HMF_FIELD_COUNT,
        LineErrorKind::BadTime => hmf_status::HMF_BAD_TIME,
        LineErrorKind::LineTooLong => hmf_status::HMF_LINE_TOO_LONG,
        LineErrorKind::BadQuoting => hmf_status::HMF_BAD_QUOTING,
        LineErrorKind::BadValue => hmf_status::HMF_BAD_VALUE,
        LineErrorKind::Internal => hmf_status::HMF_PANIC,
    }
}

impl From<LineError> for FfiError {
    fn from(e: LineError) -> Self {
        Self {
            status: status_of(e.kind),
            message: e.message,
            path: e.path.to_string(),
            line: e.line,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<FfiError>> = const { RefCell::new(None) };
}

/// Runs `f` at the boundary: its error or panic becomes a status and the thread's last error; a panic writes
/// nothing to the host's stderr.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), FfiError>) -> hmf_status {
    let outcome = catch_quietly(f).unwrap_or_else(|panic| {
        Err(FfiError::new(
            hmf_status::HMF_PANIC,
            format!("internal error in the HybridMailFlow engine: {panic}"),
        ))
    });
    match outcome {
        Ok(()) => {
            LAST_ERROR.with(|e| e.borrow_mut().take());
            hmf_status::HMF_OK
        }
        Err(err) => {
            let status = err.status;
            LAST_ERROR.with(|e| *e.borrow_mut() = Some(err));
            status
        }
    }
}

/// An error as C sees it. The strings belong to the library: the thread's last error keeps them until the next
/// `hmf_` call on the same thread; an error inside a batch keeps them until the batch is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_error {
    pub status: hmf_status,
    pub message: hmf_str,
    pub path: hmf_str,
    /// 1-based line, 0 when the error is not about one line.
    pub line: u64,
}

/// Writes the last error of this thread to `*out`. Returns `HMF_OK` and writes when there is one; returns
/// `HMF_INVALID_ARGUMENT` (leaving `*out` unwritten) when the last call on this thread succeeded.
/// The strings stay valid until the next `hmf_` call on this thread.
///
/// # Safety
/// `out` is NULL or points to a writable `hmf_error`; none is used after the call returns, beyond what the rules of
/// `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_last_error(out: *mut hmf_error) -> hmf_status {
    if out.is_null() {
        return hmf_status::HMF_NULL_ARGUMENT;
    }
    LAST_ERROR.with(|e| match &*e.borrow() {
        Some(err) => {
            *out = hmf_error {
                status: err.status,
                message: hmf_str::borrow(&err.message),
                path: hmf_str::borrow(&err.path),
                line: err.line,
            };
            hmf_status::HMF_OK
        }
        None => hmf_status::HMF_INVALID_ARGUMENT,
    })
}
