//! A `.warc.gz` file's bytes, inflated a gzip member at a time. WARC writers gzip each
//! record as a member of its own (the standard's recommendation), so a member that will not
//! inflate (a flipped bit, a bad block, a wrong checksum) spoils one record, not the archive:
//! the error is given out once, marked [`resumable`], and the next read goes on at the next
//! gzip member header (`1f 8b 08`) after the broken member's first byte.
//!
//! The search is a linear scan (memchr's) that only moves forward: it starts at the broken
//! member's start + 1 (the inflater may have read past the member's end before it failed, so
//! the next header can be among the bytes it read), and a `1f 8b 08` inside compressed data
//! that is no header (its member fails before giving a byte) is passed over silently, the
//! search going on from the byte after it. So the bytes a failed member read are searched
//! once more, and no byte before a member that inflated is ever read again.

use std::io::{BufRead, Read, Seek, SeekFrom};

/// The header every gzip member starts with: magic and the deflate method.
const MEMBER: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The inflated bytes of a gzip file read member by member; see the module's documentation.
pub struct Members<R> {
    state: State<R>,
    /// Where the member being inflated starts in the file.
    start: u64,
    /// The member being inflated was found by a search (after a broken one).
    found: bool,
    /// Bytes given out of the member being inflated.
    given: bool,
    /// After a broken member: where the search for the next one starts.
    resume: Option<u64>,
}

enum State<R> {
    /// Between members.
    Raw(R),
    Member(Box<flate2::bufread::GzDecoder<R>>),
    /// Only while switching between the two.
    Gone,
}

/// A member that would not inflate: the bytes after it can still be read.
#[derive(Debug)]
pub struct Broken(std::io::Error);

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Broken {}

/// Whether a read error is a broken member after which reading goes on.
pub fn resumable(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Broken>())
}

impl<R: BufRead + Seek> Members<R> {
    pub fn new(raw: R) -> Members<R> {
        Members { state: State::Raw(raw), start: 0, found: false, given: false, resume: None }
    }

    /// Seeks to the next member header at or after `from`: `false` when there is none.
    fn find(raw: &mut R, from: u64) -> std::io::Result<Option<u64>> {
        let mut at = from;
        loop {
            raw.seek(SeekFrom::Start(at))?;
            let buf = raw.fill_buf()?;
            if buf.len() < MEMBER.len() {
                // A short read is the file's end: no member fits.
                return Ok(None);
            }
            match memchr::memmem::find(buf, &MEMBER) {
                Some(i) => {
                    raw.consume(i);
                    return Ok(Some(at + i as u64));
                }
                // The last two bytes may start a header cut between buffers: read again.
                None => at += (buf.len() - (MEMBER.len() - 1)) as u64,
            }
        }
    }
}

impl<R: BufRead + Seek> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match std::mem::replace(&mut self.state, State::Gone) {
                State::Gone => return Ok(0),
                State::Raw(mut raw) => {
                    if let Some(from) = self.resume.take() {
                        match Self::find(&mut raw, from)? {
                            Some(at) => (self.start, self.found) = (at, true),
                            None => return Ok(0),
                        }
                    } else {
                        if raw.fill_buf()?.is_empty() {
                            self.state = State::Raw(raw);
                            return Ok(0);
                        }
                        (self.start, self.found) = (raw.stream_position()?, false);
                    }
                    self.given = false;
                    self.state = State::Member(Box::new(flate2::bufread::GzDecoder::new(raw)));
                }
                State::Member(mut gz) => match gz.read(buf) {
                    Ok(0) => self.state = State::Raw(gz.into_inner()),
                    Ok(n) => {
                        self.given = true;
                        self.state = State::Member(gz);
                        return Ok(n);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                        self.state = State::Member(gz);
                        return Err(e);
                    }
                    Err(e) => {
                        self.state = State::Raw(gz.into_inner());
                        self.resume = Some(self.start + 1);
                        // Not a member after all, but bytes that look like a header's.
                        if self.found && !self.given {
                            continue;
                        }
                        return Err(std::io::Error::new(e.kind(), Broken(e)));
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(text: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text).unwrap();
        e.finish().unwrap()
    }

    /// Reads all, an error at a time: the text between errors, and the errors.
    fn read_all(bytes: Vec<u8>, buffer: usize) -> (Vec<String>, usize) {
        let mut m = Members::new(std::io::BufReader::with_capacity(buffer, std::io::Cursor::new(bytes)));
        let (mut parts, mut errors, mut part) = (Vec::new(), 0, Vec::new());
        let mut chunk = [0u8; 5];
        loop {
            match m.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => part.extend_from_slice(&chunk[..n]),
                Err(e) => {
                    assert!(resumable(&e), "{e}");
                    errors += 1;
                    parts.push(String::from_utf8_lossy(&std::mem::take(&mut part)).into_owned());
                }
            }
        }
        parts.push(String::from_utf8(part).unwrap());
        (parts, errors)
    }

    #[test]
    fn a_member_that_will_not_inflate_is_one_error_and_the_next_member_is_read() {
        let text = "第二个成员的文字，足够长以便压缩。".repeat(50);
        let mut broken = gz(text.as_bytes());
        // Its deflate bytes spoiled after the 10-byte header.
        for b in &mut broken[12..40] {
            *b ^= 0x5a;
        }
        let file = [gz(b"one|"), broken, gz(b"three|"), gz(b"four")].concat();
        for buffer in [3, 7, 64, 8 << 10] {
            let (parts, errors) = read_all(file.clone(), buffer);
            assert_eq!(errors, 1, "{parts:?}");
            assert!(parts[0].starts_with("one|"), "{parts:?}");
            assert_eq!(parts[1], "three|four");
        }
        // A header cut between buffers is found; bytes that look like one are passed over.
        let fake = [&MEMBER[..], b"\xff\xff\xff not a member"].concat();
        let mut spoiled = gz(b"two");
        spoiled[10] = 0xff;
        let file = [gz(b"one|"), spoiled, fake, gz(b"three")].concat();
        assert_eq!(read_all(file, 4), (vec!["one|".to_string(), "three".to_string()], 1));
    }

    #[test]
    fn a_file_cut_inside_a_member_ends_after_one_error() {
        let file = [gz(b"one|"), gz("二".repeat(100).as_bytes())].concat();
        let cut = file[..file.len() - 12].to_vec();
        let (parts, errors) = read_all(cut, 64);
        assert!(errors == 1 && parts[0].starts_with("one|二二"), "{parts:?}");
        assert_eq!(parts[1], "");
    }
}
