//! Extra files (feeds, sitemap, dataset, comparison data) as a render makes them: each with a
//! fingerprint of what it is made from, made only when that changed since the last render
//! (`pipeline::extras` keeps the fingerprints between renders), and put into the output as
//! soon as it is made (the extras of 50,000 practices are some 250 MB: held until the end of
//! the render they were a third of a build's memory).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::Sink;

/// A hash of anything, for fingerprints.
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The extra files of one render: made when their fingerprint changed, else left as they are.
pub(crate) struct Extras<'a> {
    before: &'a HashMap<String, u64>,
    now: HashMap<String, u64>,
    sink: &'a dyn Sink,
    /// The first file that could not be put, and why.
    failed: Option<(String, std::io::Error)>,
}

impl<'a> Extras<'a> {
    /// The extras of a render after one whose files had the fingerprints `before`, put into
    /// `sink` as they are made.
    pub(crate) fn new(before: &'a HashMap<String, u64>, sink: &'a dyn Sink) -> Extras<'a> {
        Extras { before, now: HashMap::new(), sink, failed: None }
    }

    /// The fingerprints of all the extras, or the first file that could not be put.
    pub(crate) fn finish(self) -> Result<HashMap<String, u64>, (String, std::io::Error)> {
        match self.failed {
            Some(failed) => Err(failed),
            None => Ok(self.now),
        }
    }

    /// The file at `path`, made from what `fingerprint` covers: `make` runs only when the
    /// fingerprint differs from the last render's.
    pub(crate) fn file(&mut self, path: String, fingerprint: u64, make: impl FnOnce() -> Vec<u8>) {
        if self.before.get(&path) != Some(&fingerprint) {
            self.put(path.clone(), make());
        }
        self.now.insert(path, fingerprint);
    }

    fn put(&mut self, path: String, bytes: Vec<u8>) {
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = self.sink.put(path.clone(), bytes) {
            self.failed = Some((path, e));
        }
    }

    /// Whether the file at `path` is in the output as `fingerprint` says.
    pub(crate) fn unchanged(&self, path: &str, fingerprint: u64) -> bool {
        self.before.get(path) == Some(&fingerprint)
    }

    /// A file made on every render (small ones: feeds, robots.txt, static files).
    pub(crate) fn always(&mut self, path: String, bytes: Vec<u8>) {
        self.now.insert(path.clone(), ALWAYS);
        self.put(path, bytes);
    }

    /// A copy of the file at `from` (a static file of the project), made again when its
    /// `fingerprint` changed, or on every render without one.
    pub(crate) fn copy(&mut self, path: String, from: &std::path::Path, fingerprint: Option<u64>) {
        let fingerprint = fingerprint.unwrap_or(ALWAYS);
        let stale = fingerprint == ALWAYS || self.before.get(&path) != Some(&fingerprint);
        if stale && self.failed.is_none() {
            if let Err(e) = self.sink.copy(path.clone(), from) {
                self.failed = Some((path.clone(), e));
            }
        }
        self.now.insert(path, fingerprint);
    }
}

/// The fingerprint of a file made on every render.
const ALWAYS: u64 = u64::MAX - 1;
/// The fingerprint of a file whose inputs are unknown (the site was loaded again): it is made
/// again.
pub(crate) const FORGOTTEN: u64 = u64::MAX;

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths a sink was given, in order.
    fn put(sink: crate::output::Collect) -> Vec<String> {
        sink.into_files().into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn a_file_is_made_again_only_when_its_fingerprint_changed() {
        let nothing = HashMap::new();
        let sink = crate::output::Collect::default();
        let mut first = Extras::new(&nothing, &sink);
        first.file("a.csv".into(), 1, || b"a".to_vec());
        first.file("b.csv".into(), 2, || b"b".to_vec());
        let before = first.finish().unwrap();
        assert_eq!(put(sink), ["a.csv", "b.csv"], "nothing before: everything is made");
        let sink = crate::output::Collect::default();
        let mut next = Extras::new(&before, &sink);
        next.file("a.csv".into(), 1, || panic!("a.csv is unchanged"));
        next.file("b.csv".into(), 3, || b"b2".to_vec());
        assert!(next.unchanged("a.csv", 1) && !next.unchanged("b.csv", 3));
        let now = next.finish().unwrap();
        assert_eq!(now.len(), 2, "both are still extras of the site");
        assert_eq!(sink.into_files(), [("b.csv".to_string(), b"b2".to_vec())], "put as made");
        let mut forgotten = now.clone();
        forgotten.values_mut().for_each(|f| *f = FORGOTTEN);
        let sink = crate::output::Collect::default();
        let mut again = Extras::new(&forgotten, &sink);
        again.file("a.csv".into(), 1, || b"a".to_vec());
        again.finish().unwrap();
        assert_eq!(put(sink), ["a.csv"], "a forgotten file is made again");
    }

    /// A sink that refuses one path, and counts what it is given.
    #[derive(Default)]
    struct Refusing(std::sync::atomic::AtomicUsize);

    impl Sink for Refusing {
        fn put(&self, path: String, _bytes: Vec<u8>) -> std::io::Result<()> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match path == "b.csv" {
                true => Err(std::io::Error::other("disk full")),
                false => Ok(()),
            }
        }
    }

    #[test]
    fn the_first_file_that_cannot_be_put_is_the_error() {
        let nothing = HashMap::new();
        let sink = Refusing::default();
        let mut extras = Extras::new(&nothing, &sink);
        for p in ["a.csv", "b.csv", "c.csv"] {
            extras.file(p.into(), 1, || b"x".to_vec());
        }
        let (path, e) = extras.finish().unwrap_err();
        assert_eq!((path.as_str(), e.to_string().as_str()), ("b.csv", "disk full"));
        assert_eq!(sink.0.into_inner(), 2, "nothing is put after a failure");
    }
}
