//! Diagnosis throughput on a mixed corpus: every rule's test text plus unknown lines and successful replies,
//! repeated to at least 2 million messages. Run with `cargo run --release --example bench_diagnosis`; an
//! argument sets another message count (a small one keeps `valgrind --tool=callgrind` runs short).

use std::hint::black_box;
use std::time::Instant;

use hybridmailflow::diagnosis::{Context, KnowledgeBase};

include!("../tests/cases/diagnosis.rs");

const DEFAULT_MESSAGES: usize = 2_000_000;

fn main() {
    let kb = KnowledgeBase::builtin();
    let mut corpus: Vec<(&str, Context)> = CASES.iter().map(|case| (case.text, case.context())).collect();
    // Most lines of a real log are not errors: mix in plain successes and lines no rule knows.
    for text in [
        "250 2.1.0 Sender OK",
        "250 2.1.5 Recipient OK",
        "EHLO PNYPR01CU001.outbound.protection.outlook.com",
        "MAIL FROM:<raghu@cloudmonkeys.xyz> SIZE=10240",
        "553 5.7.950 Something no rule knows",
        "receiving message",
    ] {
        corpus.push((text, Context::default()));
    }
    let wanted = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_MESSAGES);
    let rounds = wanted.div_ceil(corpus.len());
    let messages = rounds * corpus.len();
    let bytes: usize = corpus.iter().map(|(text, _)| text.len()).sum::<usize>() * rounds;

    let started = Instant::now();
    let mut severity_sum = 0usize;
    for _ in 0..rounds {
        for (text, ctx) in &corpus {
            severity_sum += black_box(kb.diagnose_best(black_box(text), ctx)).severity as usize;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "diagnosis: {messages} messages in {seconds:.3} s = {:.0} msg/s ({:.1} MB/s, {} distinct texts, checksum {severity_sum})",
        messages as f64 / seconds,
        bytes as f64 / seconds / 1e6,
        corpus.len()
    );
}
