//! Speed of the tracking engine alone, without the C ABI or PowerShell: `bench_tracking <dir> [--sender addr]`.
//! Reads every MSGTRK*.LOG under `dir` once to warm the file cache, then times full reads: every event in the
//! reader's reused buffer, every event as an owned value, and a sender search (raghu@cloudmonkeys.xyz unless
//! `--sender` names another). The last line, `mb_per_s=... owned_mb_per_s=... sender_mb_per_s=...`, is what
//! bench/run.ps1 reads; on Linux it ends with `owned_mb_per_cpu_s=...`, the owned run's MB per second of CPU.
//! Run in release mode.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[path = "common/cpu_time.rs"]
mod cpu_time;

use hybridmailflow_engine::tracking::{TrackingFilter, TrackingReader};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: bench_tracking <dir> [--sender addr]");
        return ExitCode::from(2);
    };
    let sender = match args.iter().position(|a| a == "--sender") {
        Some(i) => match args.get(i + 1) {
            Some(s) => s.clone(),
            None => {
                eprintln!("--sender needs an address");
                return ExitCode::from(2);
            }
        },
        None => "raghu@cloudmonkeys.xyz".to_owned(),
    };
    let warm = TrackingReader::new(vec![dir.clone()], TrackingFilter::default());
    if warm.file_count() == 0 {
        eprintln!("{} holds no MSGTRK*.LOG files", dir.display());
        return ExitCode::FAILURE;
    }
    let mut cached = 0u64;
    for path in std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
    {
        cached += std::fs::read(&path).map_or(0, |b| b.len() as u64);
    }
    println!(
        "{} files, {:.1} MB, allocator {}",
        warm.file_count(),
        cached as f64 / 1e6,
        hybridmailflow_engine::ALLOCATOR
    );
    println!("{:<28} {:>10} {:>8} {:>9}", "run", "events", "seconds", "MB/s");

    let run = |name: &str, filter: TrackingFilter, owned: bool| {
        let start = Instant::now();
        let cpu_before = cpu_time::cpu_seconds();
        let mut reader = TrackingReader::new(vec![dir.clone()], filter);
        let (mut events, mut errors) = (0u64, 0u64);
        if owned {
            for item in reader.by_ref() {
                match item {
                    Ok(event) => events += std::hint::black_box(event).line.min(1),
                    Err(_) => errors += 1,
                }
            }
        } else {
            while let Some(item) = reader.next_event() {
                match item {
                    Ok(event) => events += std::hint::black_box(event).line.min(1),
                    Err(_) => errors += 1,
                }
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        let megabytes = reader.stats().bytes as f64 / 1e6;
        let mb_per_s = megabytes / seconds;
        println!("{name:<28} {events:>10} {seconds:>8.2} {mb_per_s:>9.0}");
        if errors > 0 {
            println!("  ({errors} bad lines)");
        }
        let per_cpu = cpu_time::cpu_seconds()
            .zip(cpu_before)
            .map(|(after, before)| megabytes / (after - before).max(0.01));
        (mb_per_s, per_cpu)
    };
    let (all, _) = run("all events (reused buffer)", TrackingFilter::default(), false);
    let (owned, owned_per_cpu) = run("all events (owned)", TrackingFilter::default(), true);
    let (search, _) = run(
        &format!("sender {sender}"),
        TrackingFilter {
            sender: Some(sender.clone()),
            ..TrackingFilter::default()
        },
        false,
    );
    let per_cpu = owned_per_cpu.map_or(String::new(), |x| format!(" owned_mb_per_cpu_s={x:.1}"));
    println!("mb_per_s={all:.1} owned_mb_per_s={owned:.1} sender_mb_per_s={search:.1}{per_cpu}");
    ExitCode::SUCCESS
}
