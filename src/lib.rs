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

/// The engine's allocator: sessions are built from many small strings and freed in the order they complete, on
/// other threads than the ones that built them. It serves only the engine's own allocations: every pointer the
/// C ABI hands out is freed by the engine's `_free` functions, never by the caller. mimalloc 2, not 3: the vendored
/// mimalloc 3.3 crashes in a thread's first allocation when the library was loaded with dlopen (see Cargo.toml). Not on
/// Windows, where the engine's working set grew with each read under mimalloc (see Cargo.toml).
#[cfg(all(feature = "mimalloc", not(windows)))]
#[global_allocator]
static GLOBAL_ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The allocator this build of the engine uses, `mimalloc` or `system`: the benchmark prints it beside its figures.
pub const ALLOCATOR: &str = if cfg!(all(feature = "mimalloc", not(windows))) {
    "mimalloc"
} else {
    "system"
};
