//! The handles of the ABI: structs the engine makes, hands out as opaque pointers and frees in their `_free`. One
//! trait gives every export the same three steps (after rustls-ffi's `Castable`): a handle argument borrowed with its
//! NULL check ([`Handle::arg`], [`Handle::arg_mut`]), a new handle written to the out-parameter ([`Handle::hand_out`]),
//! and the free that accepts NULL and lets no panic out ([`Handle::free`]).

use super::error::{guard, FfiError};

pub(crate) trait Handle: Sized {
    /// The parameter's name in the error of a NULL handle ("reader is NULL").
    const ARG: &'static str;

    /// Moves a new handle to the caller, who frees it with the type's `_free`.
    fn hand_out(self, out: &mut *mut Self) {
        *out = Box::into_raw(Box::new(self));
    }

    /// What a `_free` does beyond dropping (a batch gives its buffers back to its reader).
    fn release(self: Box<Self>) {}

    /// # Safety
    /// `p` is NULL or a live handle of this type made by [`Handle::hand_out`], not yet freed.
    unsafe fn arg<'a>(p: *const Self) -> Result<&'a Self, FfiError> {
        p.as_ref().ok_or_else(|| FfiError::null(Self::ARG))
    }

    /// # Safety
    /// As [`Handle::arg`], and no other reference to the handle is in use.
    unsafe fn arg_mut<'a>(p: *mut Self) -> Result<&'a mut Self, FfiError> {
        p.as_mut().ok_or_else(|| FfiError::null(Self::ARG))
    }

    /// # Safety
    /// `p` is NULL or a live handle of this type made by [`Handle::hand_out`]; it is not used again.
    unsafe fn free(p: *mut Self) {
        if !p.is_null() {
            let _ = guard(|| {
                Box::from_raw(p).release();
                Ok(())
            });
        }
    }
}
