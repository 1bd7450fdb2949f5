//! HybridMailFlow engine: reads what Exchange transport leaves behind (protocol logs, message tracking logs,
//! Exchange Online trace exports) and turns it into sessions, timelines and diagnoses.
//!
//! The core is plain safe Rust. `ffi` is the only module allowed to use `unsafe`: it translates the core to a
//! C ABI (see `include/hybridmailflow.h`) and catches every panic at the boundary.
#![deny(unsafe_code)]

pub mod config;
pub mod diagnosis;
pub mod logfile;
pub mod net;
pub mod pattern;
pub mod powershell;
pub mod protocol;
pub mod timeline;
pub mod trace;
pub mod tracking;

#[allow(unsafe_code)]
pub mod ffi;

/// The engine's allocator: sessions are built from many small strings and freed in the order they complete,
/// which the system allocators handle slowly. It serves only the engine's own allocations: every pointer the
/// C ABI hands out is freed by the engine's `_free` functions, never by the caller.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
