//! The engine alone over a folder of protocol logs: `bench_protocol <dir> [entries|sessions]`.
//! Prints one machine-readable line: `engine <mode> bytes=<n> seconds=<s> mb_per_s=<x> items=<n>`.

use std::path::PathBuf;
use std::time::Instant;

use hybridmailflow_engine::protocol::{Next, ProtocolFilter, ProtocolItem, ProtocolReader, ReadMode};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(args.get(1).expect("usage: bench_protocol <dir> [entries|sessions]"));
    let mode = match args.get(2).map(String::as_str) {
        Some("entries") => ReadMode::Entries,
        _ => ReadMode::Sessions,
    };
    let started = Instant::now();
    let mut reader = ProtocolReader::new(mode, ProtocolFilter::default(), vec![dir]);
    let mut items = 0u64;
    while let Next::Item(item) = reader.next() {
        items += u64::from(matches!(item, ProtocolItem::Entry(_) | ProtocolItem::Session(_)));
    }
    let seconds = started.elapsed().as_secs_f64();
    let bytes = reader.stats().bytes;
    println!(
        "engine {} bytes={bytes} seconds={seconds:.3} mb_per_s={:.1} items={items}",
        if mode == ReadMode::Entries {
            "entries"
        } else {
            "sessions"
        },
        bytes as f64 / 1_048_576.0 / seconds
    );
}
