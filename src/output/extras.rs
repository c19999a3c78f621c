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
    /// How many files were made (and put).
    made: usize,
    /// The first file that could not be put, and why.
    failed: Option<(String, std::io::Error)>,
}

impl<'a> Extras<'a> {
    /// The extras of a render after one whose files had the fingerprints `before`, put into
    /// `sink` as they are made.
    pub(crate) fn new(before: &'a HashMap<String, u64>, sink: &'a dyn Sink) -> Extras<'a> {
        Extras { before, now: HashMap::new(), sink, made: 0, failed: None }
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
        self.made += 1;
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

    /// How many files this render made.
    #[cfg(test)]
    fn made(&self) -> usize {
        self.made
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

    #[test]
    fn a_file_is_made_again_only_when_its_fingerprint_changed() {
        let nothing = HashMap::new();
        let sink = crate::output::Collect::default();
        let mut first = Extras::new(&nothing, &sink);
        first.file("a.csv".into(), 1, || b"a".to_vec());
        first.file("b.csv".into(), 2, || b"b".to_vec());
        assert_eq!(first.made(), 2, "nothing before: everything is made");
        let before = first.finish().unwrap();
        let mut next = Extras::new(&before, &sink);
        next.file("a.csv".into(), 1, || panic!("a.csv is unchanged"));
        next.file("b.csv".into(), 3, || b"b2".to_vec());
        assert!(next.unchanged("a.csv", 1) && !next.unchanged("b.csv", 3));
        assert_eq!(next.made(), 1);
        let now = next.finish().unwrap();
        assert_eq!(now.len(), 2, "both are still extras of the site");
        let files = sink.into_files();
        let b: Vec<&[u8]> = files.iter().filter(|(p, _)| p == "b.csv").map(|(_, b)| b.as_slice()).collect();
        assert_eq!(b, [&b"b"[..], &b"b2"[..]], "put as made, once per render that made it");
        let mut forgotten = now.clone();
        forgotten.values_mut().for_each(|f| *f = FORGOTTEN);
        let sink = crate::output::Collect::default();
        let mut again = Extras::new(&forgotten, &sink);
        again.file("a.csv".into(), 1, || b"a".to_vec());
        assert_eq!(again.made(), 1, "a forgotten file is made again");
    }

    /// A sink that refuses one path.
    struct Refusing(&'static str);

    impl Sink for Refusing {
        fn put(&self, path: String, _bytes: Vec<u8>) -> std::io::Result<()> {
            match path == self.0 {
                true => Err(std::io::Error::other("disk full")),
                false => Ok(()),
            }
        }
    }

    #[test]
    fn the_first_file_that_cannot_be_put_is_the_error() {
        let nothing = HashMap::new();
        let sink = Refusing("b.csv");
        let mut extras = Extras::new(&nothing, &sink);
        for p in ["a.csv", "b.csv", "c.csv"] {
            extras.file(p.into(), 1, || b"x".to_vec());
        }
        assert_eq!(extras.made(), 2, "nothing is made after a failure");
        let (path, e) = extras.finish().unwrap_err();
        assert_eq!((path.as_str(), e.to_string().as_str()), ("b.csv", "disk full"));
    }
}
