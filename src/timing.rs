//! Phase timings for profiling big builds: `KBGEN_TIMINGS=1 kbgen build` prints how long each
//! stage took to standard error. Silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KBGEN_TIMINGS").is_some_and(|v| v != "0"))
}

/// Runs `f`, and reports its wall time under `name` when timings are on.
pub fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!("timing: {name:<12} {:>8.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    out
}
