//! Phase timings for profiling big builds: `KBGEN_TIMINGS=1 kbgen build` prints how long each
//! stage took (wall time, and the CPU time all threads spent in it), and the memory in use after
//! it (resident and peak), to standard error. Silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KBGEN_TIMINGS").is_some_and(|v| v != "0"))
}

/// Runs `f`, and reports its wall time under `name` when timings are on.
pub(crate) fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let (start, cpu) = (Instant::now(), cpu_ms());
    let out = f();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    eprintln!(
        "timing: {name:<12} {:>8.1} ms   cpu {:>7} ms   rss {:>6} MiB   peak {:>6} MiB",
        start.elapsed().as_secs_f64() * 1000.0,
        cpu_ms().saturating_sub(cpu),
        memory(&status, "VmRSS:"),
        memory(&status, "VmHWM:")
    );
    out
}

/// The user and system time of the whole process so far (every thread), in milliseconds, from
/// /proc/self/stat (its fields 14 and 15, in clock ticks of 10 ms: Linux's `USER_HZ` is 100);
/// 0 where there is none. Stages overlap only where the extras run beside an index patch.
fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // Field 3 (the state) is the first after the name: utime (14) and stime (15) are 11 and 12 on.
    (ticks(11) + ticks(12)) * 10
}

/// A memory figure in MiB from the text of /proc/self/status (0 where there is none).
fn memory(status: &str, field: &str) -> u64 {
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kib.unwrap_or(0) / 1024
}
