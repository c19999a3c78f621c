//! Extra files (feeds, sitemap, dataset, comparison data) as a render makes them: each with a
//! fingerprint of what it is made from, made only when that changed since the last render
//! (`pipeline::extras` keeps the fingerprints between renders).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::Files;

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
    files: Files,
}

impl<'a> Extras<'a> {
    /// The extras of a render after one whose files had the fingerprints `before`.
    pub(crate) fn new(before: &'a HashMap<String, u64>) -> Extras<'a> {
        Extras { before, now: HashMap::new(), files: Files::new() }
    }

    /// The files made, and the fingerprints of all.
    pub(crate) fn into_parts(self) -> (Files, HashMap<String, u64>) {
        (self.files, self.now)
    }

    /// The file at `path`, made from what `fingerprint` covers: `make` runs only when the
    /// fingerprint differs from the last render's.
    pub(crate) fn file(&mut self, path: String, fingerprint: u64, make: impl FnOnce() -> Vec<u8>) {
        if self.before.get(&path) != Some(&fingerprint) {
            self.files.insert(path.clone(), make());
        }
        self.now.insert(path, fingerprint);
    }

    /// Whether the file at `path` is in the output as `fingerprint` says.
    pub(crate) fn unchanged(&self, path: &str, fingerprint: u64) -> bool {
        self.before.get(path) == Some(&fingerprint)
    }

    /// A file made on every render (small ones: feeds, robots.txt, static files).
    pub(crate) fn always(&mut self, path: String, bytes: Vec<u8>) {
        self.now.insert(path.clone(), ALWAYS);
        self.files.insert(path, bytes);
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
        let mut first = Extras::new(&nothing);
        first.file("a.csv".into(), 1, || b"a".to_vec());
        first.file("b.csv".into(), 2, || b"b".to_vec());
        let (files, before) = first.into_parts();
        assert_eq!(files.len(), 2, "nothing before: everything is made");
        let mut next = Extras::new(&before);
        next.file("a.csv".into(), 1, || panic!("a.csv is unchanged"));
        next.file("b.csv".into(), 3, || b"b2".to_vec());
        assert!(next.unchanged("a.csv", 1) && !next.unchanged("b.csv", 3));
        let (files, now) = next.into_parts();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["b.csv"]);
        assert_eq!(now.len(), 2, "both are still extras of the site");
        let mut forgotten = now.clone();
        forgotten.values_mut().for_each(|f| *f = FORGOTTEN);
        let mut again = Extras::new(&forgotten);
        again.file("a.csv".into(), 1, || b"a".to_vec());
        assert_eq!(again.into_parts().0.len(), 1, "a forgotten file is made again");
    }
}
