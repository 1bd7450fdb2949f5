//! The engine's panic hook: silent for panics the engine catches and goes on from, and the hook that was there
//! before for every other panic. In a test binary of its own, because the hook is the process's.

use std::sync::atomic::{AtomicUsize, Ordering};

use hybridmailflow_engine::logfile::catch_quietly;

static PREVIOUS_HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn caught_panics_say_nothing_and_others_reach_the_previous_hook() {
    std::panic::set_hook(Box::new(|_| {
        PREVIOUS_HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    }));

    let caught = catch_quietly(|| -> () { panic!("a bug on one line") }).unwrap_err();
    assert!(
        caught.starts_with("a bug on one line (at tests/quiet_panics.rs:"),
        "{caught}"
    );
    assert_eq!(
        PREVIOUS_HOOK_CALLS.load(Ordering::SeqCst),
        0,
        "a caught panic reached the previous hook"
    );

    let on_another_thread = std::thread::spawn(|| catch_quietly(|| -> () { panic!("there too") })).join();
    assert!(on_another_thread.expect("the panic was caught").is_err());
    assert_eq!(PREVIOUS_HOOK_CALLS.load(Ordering::SeqCst), 0);

    let uncaught = std::thread::spawn(|| -> () { panic!("not ours to catch") }).join();
    assert!(uncaught.is_err());
    assert_eq!(
        PREVIOUS_HOOK_CALLS.load(Ordering::SeqCst),
        1,
        "a panic outside catch_quietly must reach the previous hook"
    );
}
