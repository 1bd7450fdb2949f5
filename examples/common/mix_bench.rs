//! `bench_protocol mixes`: each mix folder read by the engine on one thread and split across threads, beside a
//! memchr line scan of the same files (the physical limit of reading them), with peak memory.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use hybridmailflow_engine::logfile::{BatchEnd, Item, Step};
use hybridmailflow_engine::protocol::{ParallelReader, ProtocolFilter, ProtocolReader, ProtocolRow, ReadMode};

use super::cpu_time;

struct Measured {
    bytes: u64,
    items: u64,
    seconds: f64,
    cpu_seconds: f64,
}

impl Measured {
    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1_048_576.0 / self.seconds.max(1e-6)
    }
    fn mb_per_cpu_s(&self) -> f64 {
        self.bytes as f64 / 1_048_576.0 / self.cpu_seconds.max(1e-6)
    }
}

/// Runs `work`, timing it by the clock and by CPU: of this thread alone when the work runs on it (`own_thread`),
/// else of the whole process.
fn timed(own_thread: bool, work: impl FnOnce() -> (u64, u64)) -> Measured {
    let cpu = || {
        if own_thread {
            cpu_time::thread_cpu_seconds()
        } else {
            cpu_time::cpu_seconds()
        }
        .unwrap_or(0.0)
    };
    let cpu_before = cpu();
    let started = Instant::now();
    let (bytes, items) = work();
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu() - cpu_before;
    Measured {
        bytes,
        items,
        seconds,
        cpu_seconds,
    }
}

/// Sessions rebuilt from `paths` on one thread, or split across `threads` as the cmdlets read.
fn sessions(paths: &[PathBuf], threads: usize) -> (u64, u64) {
    let reader = ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), paths.to_vec());
    let mut items = 0u64;
    if threads > 1 {
        let mut parallel = ParallelReader::start(reader.into_stream_readers(threads));
        loop {
            let batch = parallel.next_batch(256);
            items += batch
                .items
                .iter()
                .filter(|i| matches!(i, Item::Row(ProtocolRow::Session(_))))
                .count() as u64;
            if batch.end == BatchEnd::End {
                return (parallel.stats().bytes, items);
            }
        }
    }
    let mut reader = reader;
    while let Step::Item(item) = reader.next() {
        items += u64::from(matches!(item, Item::Row(ProtocolRow::Session(_))));
    }
    (reader.stats().bytes, items)
}

/// The physical limit: every line of the files found with memchr, nothing else done.
fn line_scan(files: &[PathBuf]) -> (u64, u64) {
    let mut buffer = vec![0u8; 1 << 20];
    let (mut bytes, mut lines) = (0u64, 0u64);
    for path in files {
        let mut file = std::fs::File::open(path).expect("open");
        loop {
            let n = file.read(&mut buffer).expect("read");
            if n == 0 {
                break;
            }
            bytes += n as u64;
            lines += memchr::memchr_iter(b'\n', &buffer[..n]).count() as u64;
        }
    }
    (bytes, lines)
}

fn log_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            log_files(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("log")) {
            out.push(path);
        }
    }
}

/// Peak resident memory of this process, in MB (Linux).
pub fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The peak memory of reading `path` (a file or a folder) on one thread, in a process of its own so that the
/// peak is that read's alone.
fn peak_of_read(path: &Path) -> f64 {
    let output = std::process::Command::new(std::env::current_exe().expect("this program"))
        .arg(path)
        .arg("sessions")
        .output()
        .expect("run bench_protocol");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .find_map(|pair| pair.strip_prefix("peak_mb="))
        .and_then(|mb| mb.parse().ok())
        .unwrap_or(f64::NAN)
}

fn best(runs: usize, mut measure: impl FnMut() -> Measured, key: impl Fn(&Measured) -> f64) -> Measured {
    (0..runs.max(1))
        .map(|_| measure())
        .max_by(|a, b| key(a).total_cmp(&key(b)))
        .expect("at least one run")
}

pub fn run(args: &[String]) {
    let dir = PathBuf::from(
        args.first()
            .expect("usage: bench_protocol mixes <dir> [--runs R] [--threads N]"),
    );
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|n| n.parse::<usize>().expect("a number"))
    };
    let runs = option("--runs").unwrap_or(3);
    let threads = option("--threads").unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let mut mixes: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("a folder of mixes")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    mixes.sort();
    println!(
        "{:<14} {:>6} {:>8} {:>12} {:>12} {:>7} {:>11} {:>8} {:>15}",
        "mix",
        "MB",
        "sessions",
        "engine MB/s",
        "memchr MB/s",
        "engine",
        format!("{threads} threads"),
        "speedup",
        "peak MB"
    );
    println!(
        "{:<14} {:>6} {:>8} {:>12} {:>12} {:>7} {:>11} {:>8} {:>15}",
        "", "", "", "per core", "per core", "/limit", "MB/s", "/1 thread", "1 file / all"
    );
    for mix in mixes {
        let name = mix
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let mut files = Vec::new();
        log_files(&mix, &mut files);
        if files.is_empty() {
            continue;
        }
        let limit = best(runs, || timed(true, || line_scan(&files)), Measured::mb_per_cpu_s);
        let engine = best(runs, || timed(true, || sessions(&files, 1)), Measured::mb_per_cpu_s);
        let one_wall = best(runs, || timed(true, || sessions(&files, 1)), Measured::mb_per_s);
        let split = best(runs, || timed(false, || sessions(&files, threads)), Measured::mb_per_s);
        assert_eq!(
            split.items, engine.items,
            "{name}: the split read gave another number of sessions"
        );
        let peak_one = peak_of_read(&files[0]);
        let peak_all = peak_of_read(&mix);
        println!(
            "{:<14} {:>6.0} {:>8} {:>12.1} {:>12.1} {:>6.0}% {:>11.1} {:>7.2}x {:>7.0} / {:<6.0}",
            name,
            engine.bytes as f64 / 1_048_576.0,
            engine.items,
            engine.mb_per_cpu_s(),
            limit.mb_per_cpu_s(),
            100.0 * engine.mb_per_cpu_s() / limit.mb_per_cpu_s(),
            split.mb_per_s(),
            split.mb_per_s() / one_wall.mb_per_s(),
            peak_one,
            peak_all
        );
        eprintln!(
            "mix name={name} allocator={} bytes={} files={} sessions={} engine_mb_per_cpu_s={:.1} engine_mb_per_s={:.1} \
             memchr_mb_per_cpu_s={:.1} threads={threads} split_mb_per_s={:.1} split_cpu_seconds={:.2} peak_one_file_mb={:.0} peak_all_mb={:.0}",
            hybridmailflow_engine::ALLOCATOR,
            engine.bytes,
            files.len(),
            engine.items,
            engine.mb_per_cpu_s(),
            one_wall.mb_per_s(),
            limit.mb_per_cpu_s(),
            split.mb_per_s(),
            split.cpu_seconds,
            peak_one,
            peak_all
        );
    }
}
