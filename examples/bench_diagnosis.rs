//! Diagnosis throughput on a mixed corpus: every rule's test text plus unknown lines and successful replies,
//! repeated to at least 2 million messages, on one thread. Two paths are timed:
//! - `best_match`: what a caller runs on every failed log line (which rule, how sure, how serious);
//! - `diagnose_best`: the same plus the full `Finding` (texts, causes, fix, filled commands) built and dropped.
//!
//! `cargo run --release --example bench_diagnosis [MESSAGES] [best_match|diagnose_best]`: a small message count
//! and one path keep `valgrind --tool=callgrind` runs short.

use std::hint::black_box;
use std::time::Instant;

use hybridmailflow_engine::diagnosis::{Context, KnowledgeBase};

include!("../tests/cases/diagnosis.rs");

const DEFAULT_MESSAGES: usize = 2_000_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let wanted = args.next().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_MESSAGES);
    let only = args.next();
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
    let rounds = wanted.div_ceil(corpus.len());
    let messages = rounds * corpus.len();
    let bytes: usize = corpus.iter().map(|(text, _)| text.len()).sum::<usize>() * rounds;
    let report = |path: &str, seconds: f64, checksum: usize| {
        println!(
            "{path}: {messages} messages in {seconds:.3} s = {:.0} msg/s ({:.1} MB/s, {} distinct texts, checksum {checksum})",
            messages as f64 / seconds,
            bytes as f64 / seconds / 1e6,
            corpus.len()
        );
    };

    if only.as_deref().is_none_or(|path| path == "best_match") {
        let started = Instant::now();
        let mut checksum = 0usize;
        for _ in 0..rounds {
            for (text, ctx) in &corpus {
                let best = black_box(kb.best_match(black_box(text), ctx));
                checksum += best.severity() as usize + best.rule_id().len();
            }
        }
        report("best_match", started.elapsed().as_secs_f64(), checksum);
    }
    if only.as_deref().is_none_or(|path| path == "diagnose_best") {
        let started = Instant::now();
        let mut checksum = 0usize;
        for _ in 0..rounds {
            for (text, ctx) in &corpus {
                let finding = black_box(kb.diagnose_best(black_box(text), ctx));
                checksum += finding.severity as usize + finding.rule_id.len();
            }
        }
        report("diagnose_best", started.elapsed().as_secs_f64(), checksum);
    }
}
