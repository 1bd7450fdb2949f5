//! Records that a call returns all at once (a trace's timelines, an export's events) cross as typed rows: an array
//! of `#[repr(C)]` views, as the records of a batch do, handed out as a pointer to the first and their count. The
//! views point into memory the handle that gave them owns, and stay valid until it is changed or freed.

use std::ptr;

use super::error::FfiError;
use super::out_ptr;

/// Writes `rows` to the out-parameters `items` (NULL when there are none) and `count`; both are checked before
/// either is written.
///
/// # Safety
/// `items` and `count` are NULL or point to writable values of their types.
pub(crate) unsafe fn write_rows<T>(rows: &[T], items: *mut *const T, count: *mut usize) -> Result<(), FfiError> {
    let items = out_ptr(items, "items")?;
    let count = out_ptr(count, "count")?;
    *items = if rows.is_empty() { ptr::null() } else { rows.as_ptr() };
    *count = rows.len();
    Ok(())
}
