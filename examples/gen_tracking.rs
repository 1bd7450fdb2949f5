//! Writes realistic hourly MSGTRK files for benchmarks: `gen_tracking <dir> <total_MB> [seed]`.
//! Files are `MSGTRK<yyyyMMddHH>-1.LOG` from 2026-05-01 00:00 UTC on, about 10 MB each (Exchange's default
//! MessageTrackingLogMaxFileSize), until the total is reached.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use hybridmailflow_engine::logfile::{format_utc_ms, parse_utc_ms};

#[path = "common/tracking_log.rs"]
mod tracking_log;
use tracking_log::generate_tracking_log;

/// About 10 MB of rows at the generator's average of some 700 bytes a row.
const ROWS_PER_FILE: usize = 14_300;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(total_mb))) = (args.first(), args.get(1).map(|s| s.parse::<u64>())) else {
        eprintln!("usage: gen_tracking <dir> <total_MB> [seed]");
        return ExitCode::from(2);
    };
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let first_hour = parse_utc_ms(b"2026-05-01T00:00:00Z").expect("a valid time");
    let target = total_mb * 1_000_000;
    let mut total = 0u64;
    let mut hour = 0i64;
    while total < target {
        let start_ms = first_hour + hour * 3_600_000;
        let stamp: String = format_utc_ms(start_ms)
            .chars()
            .filter(char::is_ascii_digit)
            .take(10)
            .collect();
        let path = dir.join(format!("MSGTRK{stamp}-1.LOG"));
        let written = File::create(&path).and_then(|file| {
            let mut out = BufWriter::new(file);
            generate_tracking_log(&mut out, start_ms, ROWS_PER_FILE, seed.wrapping_add(hour as u64))?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::metadata(&path).map(|m| m.len())
        });
        match written {
            Ok(bytes) => total += bytes,
            Err(e) => {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
        hour += 1;
    }
    println!("{hour} files, {:.1} MB in {}", total as f64 / 1e6, dir.display());
    ExitCode::SUCCESS
}
