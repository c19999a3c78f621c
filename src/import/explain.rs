//! What a scorer weighed, listed while a closure runs: each scored field (the headline, the
//! source) keeps its candidates in a thread-local [`Slot`] of its own, filled only inside
//! [`explain`] (what `examples/headline_features.rs` and `examples/source_features.rs` print and
//! the `scripts/fit-*.py` fit weights from); outside it, noting a candidate costs nothing.

use std::cell::RefCell;
use std::thread::LocalKey;

/// One list of candidates per choice made, while [`explain`] runs.
pub(super) type Slot<C> = RefCell<Option<Vec<Vec<C>>>>;

/// Runs `f` and returns, beside its result, the candidates of every choice it made on this
/// thread (one list per choice, in order).
pub(super) fn explain<C: 'static, T>(slot: &'static LocalKey<Slot<C>>, f: impl FnOnce() -> T) -> (T, Vec<Vec<C>>) {
    slot.with(|e| *e.borrow_mut() = Some(Vec::new()));
    let out = f();
    let got = slot.with(|e| e.borrow_mut().take()).unwrap_or_default();
    (out, got)
}

/// Starts the list of a new choice (when [`explain`] runs).
pub(super) fn start<C: 'static>(slot: &'static LocalKey<Slot<C>>) {
    slot.with(|e| {
        if let Some(v) = e.borrow_mut().as_mut() {
            v.push(Vec::new());
        }
    });
}

/// Notes a candidate of the current choice (when [`explain`] runs; `candidate` is only called
/// then).
pub(super) fn record<C: 'static>(slot: &'static LocalKey<Slot<C>>, candidate: impl FnOnce() -> C) {
    slot.with(|e| {
        if let Some(last) = e.borrow_mut().as_mut().and_then(|v| v.last_mut()) {
            last.push(candidate());
        }
    });
}
