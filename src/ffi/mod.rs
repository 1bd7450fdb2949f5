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

/// `from_abi` for an enum of the ABI that callers pass in as a `u32`: a value that names no variant is `None`
/// (refused with `HMF_INVALID_ARGUMENT`), never an invalid enum. Exported enums are plain items, so that cbindgen
/// sees them; only this conversion is made by a macro.
macro_rules! abi_input {
    ($name:ident { $($variant:ident),+ $(,)? }) => {
        impl $name {
            pub(crate) fn from_abi(value: u32) -> Option<Self> {
                [$(Self::$variant),+].into_iter().find(|variant| *variant as u32 == value)
            }
        }
    };
}

mod batch;
mod config_cert;
mod config_queue;
mod diagnosis;
mod error;
mod handle;
pub(crate) mod os;
mod protocol;
mod reader;
mod rows;
mod timeline;
mod trace;
mod tracking;
mod types;
mod values;

pub use batch::*;
pub use config_cert::*;
pub use config_queue::*;
pub use diagnosis::*;
pub use error::*;
use handle::Handle;
pub use protocol::*;
pub use reader::*;
pub use timeline::*;
pub use trace::*;
pub use tracking::*;
pub use types::*;
pub use values::*;

/// The ABI version. The C# layer refuses to load a library whose version differs from the one it was built
/// for. Bump it on any change of a struct layout or a function signature.
pub const HMF_ABI_VERSION: u32 = 9;

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
    std::str::from_utf8(arg_bytes(p, len, name)?)
        .map_err(|e| FfiError::new(hmf_status::HMF_INVALID_UTF8, format!("{name} is not UTF-8: {e}")))
}

/// Struct ids for `hmf_struct_size`. Append-only: 10 and 15 (the protocol and tracking stats, ABI 5) and 22 (the
/// string tables of timelines and trace imports, ABI 8) are retired.
pub const HMF_STRUCT_STR: u32 = 1;
pub const HMF_STRUCT_ERROR: u32 = 2;
pub const HMF_STRUCT_ITEM: u32 = 3;
pub const HMF_STRUCT_PROTOCOL_ENTRY: u32 = 4;
pub const HMF_STRUCT_SESSION: u32 = 5;
pub const HMF_STRUCT_CERTIFICATE: u32 = 6;
pub const HMF_STRUCT_MESSAGE: u32 = 7;
pub const HMF_STRUCT_FILE_EVENT: u32 = 8;
pub const HMF_STRUCT_BATCH_VIEW: u32 = 9;
pub const HMF_STRUCT_STR_LIST: u32 = 11;
pub const HMF_STRUCT_FINDING: u32 = 12;
pub const HMF_STRUCT_TRACKING_EVENT: u32 = 13;
pub const HMF_STRUCT_LATENCY_COMPONENT: u32 = 14;
pub const HMF_STRUCT_CERT_NAME_MATCH: u32 = 16;
pub const HMF_STRUCT_SPAN: u32 = 17;
pub const HMF_STRUCT_QUEUE_ADVICE: u32 = 18;
pub const HMF_STRUCT_ROUTE: u32 = 19;
pub const HMF_STRUCT_ADDRESS_INFO: u32 = 20;
pub const HMF_STRUCT_IP_RANGE_INFO: u32 = 21;
pub const HMF_STRUCT_STATS: u32 = 23;
pub const HMF_STRUCT_TIMELINE: u32 = 24;
pub const HMF_STRUCT_HOP: u32 = 25;
pub const HMF_STRUCT_TIMELINE_FLAG: u32 = 26;
pub const HMF_STRUCT_TRACE_ISSUE: u32 = 27;
pub const HMF_STRUCT_TIMELINE_STATS: u32 = 28;
pub const HMF_STRUCT_EVIDENCE_FILE: u32 = 29;
pub const HMF_STRUCT_TRACE_EVENT: u32 = 30;

/// The size in bytes of a struct of this ABI, by id (HMF_STRUCT_*); 0 for an unknown id. Callers that declare
/// the structs themselves (the C# layer) compare these with their own sizes at load, so a layout that drifted
/// is refused instead of read wrongly.
#[no_mangle]
pub extern "C" fn hmf_struct_size(id: u32) -> usize {
    use std::mem::size_of;
    match id {
        HMF_STRUCT_STR => size_of::<hmf_str>(),
        HMF_STRUCT_ERROR => size_of::<hmf_error>(),
        HMF_STRUCT_ITEM => size_of::<hmf_item>(),
        HMF_STRUCT_PROTOCOL_ENTRY => size_of::<hmf_protocol_entry>(),
        HMF_STRUCT_SESSION => size_of::<hmf_session>(),
        HMF_STRUCT_CERTIFICATE => size_of::<hmf_certificate>(),
        HMF_STRUCT_MESSAGE => size_of::<hmf_message>(),
        HMF_STRUCT_FILE_EVENT => size_of::<hmf_file_event>(),
        HMF_STRUCT_BATCH_VIEW => size_of::<hmf_batch_view>(),
        HMF_STRUCT_STR_LIST => size_of::<hmf_str_list>(),
        HMF_STRUCT_FINDING => size_of::<hmf_finding>(),
        HMF_STRUCT_TRACKING_EVENT => size_of::<hmf_tracking_event>(),
        HMF_STRUCT_LATENCY_COMPONENT => size_of::<hmf_latency_component>(),
        HMF_STRUCT_CERT_NAME_MATCH => size_of::<hmf_cert_name_match>(),
        HMF_STRUCT_SPAN => size_of::<hmf_span>(),
        HMF_STRUCT_QUEUE_ADVICE => size_of::<hmf_queue_advice>(),
        HMF_STRUCT_ROUTE => size_of::<hmf_route>(),
        HMF_STRUCT_ADDRESS_INFO => size_of::<hmf_address_info>(),
        HMF_STRUCT_IP_RANGE_INFO => size_of::<hmf_ip_range_info>(),
        HMF_STRUCT_STATS => size_of::<hmf_stats>(),
        HMF_STRUCT_TIMELINE => size_of::<hmf_timeline>(),
        HMF_STRUCT_HOP => size_of::<hmf_hop>(),
        HMF_STRUCT_TIMELINE_FLAG => size_of::<hmf_timeline_flag>(),
        HMF_STRUCT_TRACE_ISSUE => size_of::<hmf_trace_issue>(),
        HMF_STRUCT_TIMELINE_STATS => size_of::<hmf_timeline_stats>(),
        HMF_STRUCT_EVIDENCE_FILE => size_of::<hmf_evidence_file>(),
        HMF_STRUCT_TRACE_EVENT => size_of::<hmf_trace_event>(),
        _ => 0,
    }
}
