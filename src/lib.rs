//! HybridMailFlow engine: reads what Exchange transport leaves behind (protocol logs, message tracking logs,
//! Exchange Online trace exports) and turns it into sessions, timelines and diagnoses.
//!
//! The core is plain safe Rust. `ffi` is the only module allowed to use `unsafe`: it translates the core to a
//! C ABI (see `include/hybridmailflow.h`) and catches every panic at the boundary.
#![deny(unsafe_code)]

pub mod diagnosis;
pub mod logfile;
pub mod net;
pub mod pattern;
pub mod protocol;
pub mod timeline;
pub mod trace;
pub mod tracking;

#[allow(unsafe_code)]
pub mod ffi;
