//! Phase timings for profiling big builds: `KBGEN_TIMINGS=1 kbgen build` prints how long each
//! stage took, and the memory in use after it (resident and peak), to standard error. Silent otherwise.

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
    let start = Instant::now();
    let out = f();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    eprintln!(
        "timing: {name:<12} {:>8.1} ms   rss {:>6} MiB   peak {:>6} MiB",
        start.elapsed().as_secs_f64() * 1000.0,
        memory(&status, "VmRSS:"),
        memory(&status, "VmHWM:")
    );
    out
}

/// A memory figure in MiB from the text of /proc/self/status (0 where there is none).
fn memory(status: &str, field: &str) -> u64 {
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kib.unwrap_or(0) / 1024
}
