//! The engine alone over a folder of protocol logs: `bench_protocol <dir> [entries|sessions] [--threads N]`.
//! With `--threads N` (N > 1) the folder's streams are read on up to N threads and merged, as the cmdlets read
//! them; otherwise on this thread alone. Prints one machine-readable line:
//! `engine <mode> threads=<n> allocator=<mimalloc|system> bytes=<n> seconds=<s> mb_per_s=<x> cpu_seconds=<s>
//! mb_per_cpu_s=<x> items=<n> peak_mb=<x>` (the CPU figures and the peak resident memory on Linux only: MB per
//! second of CPU of all threads).
//!
//! `bench_protocol mixes <dir> [--runs R] [--threads N]` measures each mix folder under `<dir>` (written by
//! `gen_protocol <dir> <MB> --mix all`): sessions rebuilt on one thread, in MB per second of CPU (per core), beside
//! the physical limit, a memchr line scan over the same files in the same run; with N threads (default: the cores)
//! the same read split across them, its wall-clock speed against one thread's; and the peak memory (resident set)
//! of one thread reading the mix's first file and then the whole mix. Best of R runs (default 3) for each figure.

use std::path::PathBuf;
use std::time::Instant;

#[path = "common/cpu_time.rs"]
mod cpu_time;
#[path = "common/mix_bench.rs"]
mod mix_bench;

use hybridmailflow_engine::logfile::{BatchEnd, Item, Step};
use hybridmailflow_engine::protocol::{
    ParallelReader, ProtocolFilter, ProtocolItem, ProtocolReader, ProtocolRow, ReadMode,
};

fn is_record(item: &ProtocolItem) -> bool {
    matches!(
        item,
        Item::Row(ProtocolRow::Entry(_)) | Item::Row(ProtocolRow::Session(_))
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("mixes") {
        mix_bench::run(&args[2..]);
        return;
    }
    let dir = PathBuf::from(
        args.get(1)
            .expect("usage: bench_protocol <dir> [entries|sessions] [--threads N]"),
    );
    let mode = match args.get(2).map(String::as_str) {
        Some("entries") => ReadMode::Entries,
        _ => ReadMode::Sessions,
    };
    let threads = match args.iter().position(|a| a == "--threads") {
        Some(i) => args
            .get(i + 1)
            .and_then(|n| n.parse::<usize>().ok())
            .expect("--threads needs a number"),
        None => 1,
    };
    let started = Instant::now();
    let cpu_before = cpu_time::cpu_seconds();
    let reader = ProtocolReader::new(mode, ProtocolFilter::default(), vec![dir]);
    let mut items = 0u64;
    let bytes = if threads > 1 {
        let mut parallel = ParallelReader::start(reader.into_stream_readers(threads));
        loop {
            let batch = parallel.next_batch(256);
            items += batch.items.iter().filter(|i| is_record(i)).count() as u64;
            if batch.end == BatchEnd::End {
                break parallel.stats().bytes;
            }
        }
    } else {
        let mut reader = reader;
        while let Step::Item(item) = reader.next() {
            items += u64::from(is_record(&item));
        }
        reader.stats().bytes
    };
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = bytes as f64 / 1_048_576.0;
    let cpu = match (cpu_before, cpu_time::cpu_seconds()) {
        (Some(before), Some(after)) => {
            let cpu_seconds = after - before;
            format!(
                " cpu_seconds={cpu_seconds:.2} mb_per_cpu_s={:.1}",
                megabytes / cpu_seconds.max(0.01)
            )
        }
        _ => String::new(),
    };
    let peak = mix_bench::peak_mb().map_or(String::new(), |mb| format!(" peak_mb={mb:.1}"));
    println!(
        "engine {} threads={threads} allocator={} bytes={bytes} seconds={seconds:.3} mb_per_s={:.1}{cpu} items={items}{peak}",
        if mode == ReadMode::Entries {
            "entries"
        } else {
            "sessions"
        },
        hybridmailflow_engine::ALLOCATOR,
        megabytes / seconds
    );
}
