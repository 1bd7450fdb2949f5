//! A panic in the engine is a bug, but a bug met on one line of a log must cost that line (or the session it
//! completes), not the whole read, and must not write to the host's stderr: in PowerShell the default hook's
//! message, and with `RUST_BACKTRACE` set a backtrace, lands in the middle of the admin's output. Code that can go
//! on after a panic runs under [`catch_quietly`]: while it runs, the panic hook says nothing on this thread and
//! keeps where the panic was raised for the error that reports it. Panics anywhere else (a caller's own code, or
//! a test's) still reach the hook that was there before.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`catch_quietly`] calls this thread is inside.
    static QUIET_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Where the last panic under [`catch_quietly`] on this thread was raised (`src/...rs:line:column`).
    static QUIET_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`. A panic in it comes back as `Err` with its text and where in the engine it was raised, and prints
/// nothing. What `f` was changing may be left half-way: the caller drops it (a line, a session) and goes on.
pub fn catch_quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    QUIET_DEPTH.with(|depth| depth.set(depth.get() + 1));
    let _leave = LeaveQuiet;
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let text = panic_text(&*payload);
        match QUIET_LOCATION.with(|at| at.borrow_mut().take()) {
            Some(at) => format!("{text} (at {at})"),
            None => text,
        }
    })
}

struct LeaveQuiet;

impl Drop for LeaveQuiet {
    fn drop(&mut self) {
        QUIET_DEPTH.with(|depth| depth.set(depth.get() - 1));
    }
}

/// Installs, once per process, a hook that is silent for panics under [`catch_quietly`] and hands every other
/// panic to the hook installed before it.
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    if std::thread::panicking() {
        // `set_hook` may not be called while this thread unwinds; a later call installs it.
        return;
    }
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET_DEPTH.try_with(Cell::get).unwrap_or(0) > 0 {
                let _ = QUIET_LOCATION.try_with(|at| *at.borrow_mut() = info.location().map(ToString::to_string));
            } else {
                previous(info);
            }
        }));
    });
}

/// Unit tests write `<hmf-panic:POINT>` into a line to make the engine panic at `POINT` while it reads that line,
/// and check that the panic costs that line or session only. In every other build this is nothing.
#[cfg(test)]
pub(crate) fn panic_if_asked(text: &str, point: &str) {
    if text.contains(&format!("<hmf-panic:{point}>")) {
        panic!("a test asked for a panic at {point}");
    }
}

#[cfg(not(test))]
#[inline(always)]
pub(crate) fn panic_if_asked(_text: &str, _point: &str) {}

/// The text a caught panic carried.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_comes_back_with_its_text_and_place() {
        let caught = catch_quietly(|| -> u32 { panic!("broke on line {}", 7) }).unwrap_err();
        assert!(
            caught.starts_with("broke on line 7 (at src/logfile/panics.rs:"),
            "{caught}"
        );
        assert_eq!(catch_quietly(|| 5), Ok(5));
    }

    #[test]
    fn nested_calls_stay_quiet_until_the_outermost_returns() {
        let outer = catch_quietly(|| {
            let inner = catch_quietly(|| panic!("inner"));
            assert!(inner.unwrap_err().starts_with("inner"));
            assert_eq!(QUIET_DEPTH.with(Cell::get), 1);
            panic!("outer")
        });
        assert!(outer.unwrap_err().starts_with("outer"));
        assert_eq!(QUIET_DEPTH.with(Cell::get), 0);
    }
}
