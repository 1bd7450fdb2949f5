//! CPU time of this process (all its threads, user and system), for benchmarks on a machine shared with other
//! work: wall-clock time there measures the neighbours as much as the code, CPU time much less. From
//! `/proc/self/stat` (Linux); `None` elsewhere.

/// Seconds of CPU this process has used so far.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split(' ');
    let utime: f64 = fields.nth(11)?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    // Clock ticks of 1/100 s: USER_HZ is 100 on every Linux architecture PowerShell runs on.
    Some((utime + stime) / 100.0)
}

/// Seconds of CPU the calling thread has used so far, to the nanosecond (`/proc/thread-self/schedstat`): what a
/// one-thread read costs one core, precise enough for a scan that takes a few milliseconds. `None` elsewhere.
#[allow(dead_code)] // bench_tracking times whole processes only
pub fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e9)
}
