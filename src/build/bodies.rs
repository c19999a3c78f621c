//! The page bodies a preview's search index was made from, kept on disk beside its site (one
//! file, appended to; the place of each body in memory): patching the index for an edited page
//! needs the body it had before the edit, which the page file no longer holds. The site model
//! itself keeps no body, so serve's memory does not grow with the size of the pages.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::site::Site;

/// Practices whose bodies are read and appended together when the file is first written.
const CHUNK: usize = 256;

/// The bodies, by practice slug: a file of them and each one's place in it.
pub(super) struct Bodies {
    file: File,
    /// Slug → (offset, length) in the file.
    at: HashMap<String, (u64, usize)>,
    /// The length of the file: where the next body goes.
    end: u64,
}

impl Bodies {
    /// Writes the body of every practice of `site` (read from its page file) into the file
    /// `path`, replacing what it held.
    pub(super) fn save(path: &Path, site: &Site) -> std::io::Result<Bodies> {
        let file = File::options().read(true).write(true).create(true).truncate(true).open(path)?;
        let mut bodies = Bodies { file, at: HashMap::with_capacity(site.practices.len()), end: 0 };
        for chunk in site.practices.chunks(CHUNK * rayon::current_num_threads()) {
            let read: Vec<std::io::Result<(&str, String)>> =
                chunk.par_iter().map(|p| p.body(&site.root).map(|b| (p.slug.as_str(), b.into_owned()))).collect();
            let mut buffer = Vec::new();
            let start = bodies.end;
            for r in read {
                let (slug, body) = r?;
                let offset = start + buffer.len() as u64;
                bodies.at.insert(slug.to_string(), (offset, body.len()));
                buffer.extend_from_slice(body.as_bytes());
            }
            bodies.file.write_all(&buffer)?;
            bodies.end += buffer.len() as u64;
        }
        Ok(bodies)
    }

    /// The body kept for the practice `slug`.
    pub(super) fn get(&self, slug: &str) -> std::io::Result<Option<String>> {
        let Some(&(offset, len)) = self.at.get(slug) else { return Ok(None) };
        let mut bytes = vec![0; len];
        (&self.file).seek(SeekFrom::Start(offset))?;
        (&self.file).read_exact(&mut bytes)?;
        String::from_utf8(bytes).map(Some).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    /// Keeps `body` as the practice `slug`'s (appended: the old one's bytes are left unused).
    pub(super) fn put(&mut self, slug: &str, body: &str) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.write_all(body.as_bytes())?;
        self.at.insert(slug.to_string(), (self.end, body.len()));
        self.end += body.len() as u64;
        Ok(())
    }

    /// Forgets the bodies of practices the site no longer has.
    pub(super) fn retain(&mut self, site: &Site) {
        if self.at.len() > site.practices.len() {
            let live: std::collections::HashSet<&str> = site.practices.iter().map(|p| p.slug.as_str()).collect();
            self.at.retain(|slug, _| live.contains(slug.as_str()));
        }
    }
}
