//! Every input the fuzzer (`examples/fuzz`, `build.ps1 Fuzz`) saved because it made the engine panic is read again
//! through the same readers and parsers, and must not panic any more. Saved inputs are named `<kind>-<hash>.txt`
//! after the kind of text they are (protocol, tracking, trace, recipientstatus, lasterror, diagnosis). And a short
//! run of the fuzzer itself, from a fixed seed, over every kind.

#[path = "../examples/fuzz/feed.rs"]
mod feed;
#[path = "../examples/fuzz/mutate.rs"]
mod mutate;

use std::path::Path;

use feed::{feed, Kind, Scratch};
use mutate::{Rng, Seeds};

#[test]
fn a_short_fuzz_run_over_every_kind_finds_no_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = Seeds::load(root);
    let scratch_dir = tempfile::tempdir().unwrap();
    let scratch = Scratch::new(scratch_dir.path());
    let mut rng = Rng::new(19);
    let mut failures = Vec::new();
    for iteration in 0..3_000 {
        let kind = Kind::ALL[iteration % Kind::ALL.len()];
        let input = seeds.input(kind, &mut rng);
        for panic in feed(kind, &input, &scratch) {
            failures.push(format!(
                "{} input {iteration}: {panic}\n{}",
                kind.name(),
                String::from_utf8_lossy(&input)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!("3000 inputs from {} read without a panic", seeds.summary());
}

#[test]
fn no_saved_fuzz_input_panics_any_more() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions");
    let scratch_dir = tempfile::tempdir().unwrap();
    let scratch = Scratch::new(scratch_dir.path());
    let mut failures = Vec::new();
    let mut replayed = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".txt") {
            continue;
        }
        let kind = Kind::named(name.split('-').next().unwrap_or_default())
            .unwrap_or_else(|| panic!("{name}: the name does not start with a kind"));
        let input = std::fs::read(&path).unwrap();
        replayed += 1;
        for panic in feed(kind, &input, &scratch) {
            failures.push(format!("{name}: {panic}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} saved inputs panic:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{replayed} saved fuzz inputs replayed without a panic");
}
