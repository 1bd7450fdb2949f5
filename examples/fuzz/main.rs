//! A seeded mutation fuzzer over every reader and parser the C ABI exposes: protocol logs, message tracking logs,
//! Exchange Online trace exports, recipient statuses, queue LastErrors and error texts.
//!
//! `fuzz [--seconds N] [--iterations N] [--seed N] [--save DIR] [--kind NAME]...`
//!
//! Seeds are the real-format files of `samples/` and `tests/data/`. Each iteration builds one input of one kind
//! (the kinds take turns) from a seed: a file's header and a run of its lines, or one text, damaged by byte flips,
//! inserted UTF-8 and broken UTF-8, the tokens of the formats, truncation, lines spliced from elsewhere, commas and
//! quotes added or removed, fields repeated, huge fields and numbers. A panic, whether the engine caught it (a line
//! or session lost to an internal error) or not, counts; the first input that raised each distinct panic is saved
//! as `DIR/<kind>-<hash>.txt` (default `tests/data/fuzz-regressions`), which `tests/fuzz_regressions.rs` replays.
//! The same seed gives the same inputs. Ends with one line:
//! `fuzz: iterations=N panics=N distinct=N seconds=S per_second=N seed=N`; the exit code is 1 when anything
//! panicked.

mod feed;
mod mutate;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use feed::{feed, Kind, Scratch};
use mutate::{Rng, Seeds};

struct Options {
    seconds: Option<f64>,
    iterations: Option<u64>,
    seed: u64,
    save: PathBuf,
    kinds: Vec<Kind>,
}

fn options(root: &Path) -> Options {
    let mut o = Options {
        seconds: None,
        iterations: None,
        seed: 1,
        save: root.join("tests/data/fuzz-regressions"),
        kinds: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    let usage = "usage: fuzz [--seconds N] [--iterations N] [--seed N] [--save DIR] [--kind NAME]...";
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value; {usage}"));
        match arg.as_str() {
            "--seconds" => o.seconds = Some(value().parse().expect("--seconds: a number")),
            "--iterations" => o.iterations = Some(value().parse().expect("--iterations: a whole number")),
            "--seed" => o.seed = value().parse().expect("--seed: a whole number"),
            "--save" => o.save = PathBuf::from(value()),
            "--kind" => {
                let name = value();
                let kind = Kind::named(&name).unwrap_or_else(|| {
                    panic!("--kind: one of protocol, tracking, trace, recipientstatus, lasterror, diagnosis")
                });
                o.kinds.push(kind);
            }
            _ => panic!("{usage}"),
        }
    }
    if o.seconds.is_none() && o.iterations.is_none() {
        o.seconds = Some(60.0);
    }
    if o.kinds.is_empty() {
        o.kinds = Kind::ALL.to_vec();
    }
    o
}

/// A 64-bit FNV-1a hash: the saved file's name, so the same input is saved once.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where a panic was raised (`src/x.rs:1:2`), which tells one bug from another; the text when it does not say.
fn place(panic: &str) -> &str {
    panic
        .rfind(" (at ")
        .map_or(panic, |at| panic[at + 5..].trim_end_matches(')'))
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = options(root);
    let seeds = Seeds::load(root);
    // In memory where there is /dev/shm: every input is written to a file and read back.
    let scratch_dir = tempfile::Builder::new()
        .prefix("hmf-fuzz")
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .expect("scratch folder");
    let scratch = Scratch::new(scratch_dir.path());
    let mut rng = Rng::new(o.seed);
    let (mut iterations, mut panicked) = (0u64, 0u64);
    let mut places: HashSet<(Kind, String)> = HashSet::new();
    let started = Instant::now();
    let deadline = o.seconds.map(|s| started + Duration::from_secs_f64(s));
    let mut next_report = started + Duration::from_secs(30);
    println!(
        "fuzz: seed {} over {} (seeds: {})",
        o.seed,
        o.kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join(", "),
        seeds.summary()
    );
    loop {
        if o.iterations.is_some_and(|n| iterations >= n) {
            break;
        }
        if iterations % 64 == 0 {
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                break;
            }
            if now >= next_report {
                next_report = now + Duration::from_secs(30);
                println!(
                    "fuzz: {iterations} iterations, {panicked} panics, {:.0} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
        let kind = o.kinds[(iterations % o.kinds.len() as u64) as usize];
        let input = seeds.input(kind, &mut rng);
        iterations += 1;
        let panics = feed(kind, &input, &scratch);
        if panics.is_empty() {
            continue;
        }
        panicked += 1;
        for panic in panics {
            if places.insert((kind, place(&panic).to_owned())) {
                std::fs::create_dir_all(&o.save).expect("the folder for saved inputs");
                let file = o.save.join(format!("{}-{:016x}.txt", kind.name(), fnv(&input)));
                std::fs::write(&file, &input).expect("a saved input");
                println!(
                    "fuzz: PANIC {} at iteration {iterations}: {panic}\n      saved as {}",
                    kind.name(),
                    file.display()
                );
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "fuzz: iterations={iterations} panics={panicked} distinct={} seconds={seconds:.1} per_second={:.0} seed={}",
        places.len(),
        iterations as f64 / seconds,
        o.seed
    );
    if panicked > 0 {
        std::process::exit(1);
    }
}
