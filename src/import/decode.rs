//! Import stage 1: raw bytes → text. Detects the encoding (BOM, UTF-16 shape, valid UTF-8,
//! an HTML `charset` declaration, then `chardetng`) and decodes with `encoding_rs`.

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary file, not text")]
    Binary,
    #[error("undecodable bytes: {bad} of {total} characters are invalid as {encoding}")]
    Undecodable { encoding: &'static str, bad: usize, total: usize },
    #[error("undecodable bytes: not UTF-8, UTF-16, GB18030/GBK or Big5 (closest guess: {guess})")]
    Unknown { guess: &'static str },
}

#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// The encoding's WHATWG name, e.g. `UTF-8`, `GBK`, `Big5`, `UTF-16LE`.
    pub encoding: &'static str,
    /// Bytes that no encoding reads were replaced with U+FFFD: how many, and the first line.
    pub replaced: Option<(usize, usize)>,
}

/// Decodes `bytes`; `html` allows a `<meta charset>` declaration to decide. A few NUL bytes
/// in text (a scraper's stray byte) are read as U+FFFD like broken bytes, with their line.
pub fn decode(bytes: &[u8], html: bool) -> Result<Decoded, DecodeError> {
    decode_with(bytes, html, false)
}

/// [`decode`] for a file of records that are each decoded again (a CSV table): NUL bytes are
/// left in the text, for the record that holds one to say where.
pub fn decode_keeping_nul(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(bytes, false, true)
}

fn decode_with(bytes: &[u8], html: bool, keep_nul: bool) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    let encoding = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        enc
    } else if let Some(enc) = utf16_without_bom(bytes) {
        enc
    } else if let Some(enc) = bytes.contains(&0).then(|| plausible_utf16(bytes)).flatten() {
        enc
    } else if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    } else if std::str::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
        // UTF-8 with a few broken bytes (a cut multi-byte character, a stray 0xFF) is still
        // UTF-8: the bytes become U+FFFD and the import says where.
        UTF_8
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
        let declared = html.then(|| declared_charset(bytes)).flatten();
        best_fit(bytes, declared, guess)
    };
    // `decode` strips a BOM of any of the three Unicode encodings and sniffs it again.
    let (text, actual, _) = encoding.decode(bytes);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    let total = text.chars().count();
    if bad * 200 > total.max(1) {
        return Err(DecodeError::Undecodable { encoding: actual.name(), bad, total });
    }
    // Chinese text in a legacy single-byte encoding does not exist: such a guess means the
    // bytes are in no encoding we know.
    if !known(actual) && !bytes.is_ascii() {
        return Err(DecodeError::Unknown { guess: actual.name() });
    }
    let mut text = text.replace("\r\n", "\n").replace('\r', "\n");
    // Replacement characters that were not in the file, and NULs: count them and find the
    // first line.
    let invalid = if bytes.windows(3).any(|w| w == "\u{FFFD}".as_bytes()) { 0 } else { bad };
    let nuls = if keep_nul { 0 } else { text.matches('\0').count() };
    if nuls > 0 {
        text = text.replace('\0', "\u{FFFD}");
    }
    if text.trim().is_empty() || text.chars().all(|c| c.is_whitespace() || c == '\u{FFFD}') {
        return Err(DecodeError::Empty);
    }
    let replaced = (invalid + nuls > 0)
        .then(|| (invalid + nuls, text.lines().position(|l| l.contains('\u{FFFD}')).map_or(1, |i| i + 1)));
    Ok(Decoded { text, encoding: actual.name(), replaced })
}

/// Valid UTF-8 but for a few bytes: at most one bad sequence per 200 characters, and Han text
/// around them (a legacy encoding read as UTF-8 breaks nearly every character).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    let han = text.chars().filter(|&c| crate::fold::is_han(c)).count();
    bad > 0 && bad * 200 <= text.chars().count() && han >= 20 * bad
}

/// Encodings Chinese text is written in (and the other CJK ones).
fn known(enc: &'static Encoding) -> bool {
    matches!(
        enc.name(),
        "UTF-8"
            | "UTF-16LE"
            | "UTF-16BE"
            | "GBK"
            | "gb18030"
            | "Big5"
            | "EUC-JP"
            | "Shift_JIS"
            | "EUC-KR"
            | "ISO-2022-JP"
    )
}

/// The encoding of bytes that are not UTF-8: the declared charset when it decodes them
/// cleanly and detection agrees (or has too little to go on); else `chardetng`'s guess, then
/// GB18030 and Big5, the first that decodes cleanly, failing that the one with the fewest
/// replacement characters (a few per thousand at most). A wrong `<meta charset>` thus gives
/// way to detection (GBK bytes read as Big5 decode cleanly, into nonsense), and a GBK page
/// with a few broken bytes is still read as GBK.
fn best_fit(bytes: &[u8], declared: Option<&'static Encoding>, guess: &'static Encoding) -> &'static Encoding {
    let clean = |enc: &'static Encoding| known(enc) && !enc.decode_without_bom_handling(bytes).1;
    if let Some(d) = declared.filter(|&d| clean(d)) {
        let same = |a: &'static Encoding| if a == GBK { GB18030 } else { a };
        let little_to_go_on = bytes.iter().filter(|b| !b.is_ascii()).count() < 64;
        if same(d) == same(guess) || !clean(guess) || little_to_go_on {
            return d;
        }
    }
    let first = declared.unwrap_or(guess);
    let mut best: Option<(&'static Encoding, usize)> = None;
    for enc in [guess, GB18030, BIG5].into_iter().chain(declared).filter(|&e| known(e)) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return enc;
        }
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        if bad * 200 <= text.chars().count() && best.is_none_or(|(_, b)| bad < b) {
            best = Some((enc, bad));
        }
    }
    // Nothing fits: the first candidate, whose decoding error then names the problem.
    best.map_or(first, |(enc, _)| enc)
}

/// UTF-16 without a BOM: most code units of CJK-or-ASCII text have a zero byte on one side
/// for ASCII, so a strong NUL pattern on even or odd positions gives it away.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_nul = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // ASCII newlines and spaces alone put a NUL in ~5% of units of Chinese UTF-16 text on one
    // side (and U+xx00 ideographs ~0.4% on the other); random binary ~0.4% on both sides.
    let strong = |n: usize, other: usize| n * 20 >= pairs && other * 33 < pairs && n >= other * 4;
    if strong(odd_nul, even_nul) {
        Some(UTF_16LE)
    } else if strong(even_nul, odd_nul) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// UTF-16 of any mix of scripts: decodes without errors to text made of ideographs, ASCII
/// and CJK punctuation. Tried when NUL counts alone do not decide (and only on bytes with a
/// NUL, which UTF-16 text with any ASCII newline has: plain ASCII would pass as ideographs).
fn plausible_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    [UTF_16LE, UTF_16BE].into_iter().find(|enc| {
        let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) else {
            return false;
        };
        let total = text.chars().count();
        let texty = text
            .chars()
            .filter(|&c| {
                crate::fold::is_han(c)
                    || c.is_ascii_graphic()
                    || c.is_whitespace()
                    || matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F | 0xFF00..=0xFFEF)
            })
            .count();
        texty * 100 >= total * 97
    })
}

/// Many C0 control characters (NUL among them) mean this is no text file; a stray NUL in
/// text (one in 200 bytes at most) does not.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)).count();
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    nuls * 200 > sample.len().max(200) || controls * 50 > sample.len()
}

/// The charset an HTML document declares in its first 4 KiB (`<meta charset=gb2312>` or the
/// `http-equiv` form).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "苏州市组织部门牵头建立“对标找差、再攀新高”常态化机制，推动组织工作为高质量发展服务。\n记者 沈汝发\n";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(SAMPLE.as_bytes(), false).unwrap().text, SAMPLE);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&bom, false).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-8"));
    }

    #[test]
    fn gbk_and_big5_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode(SAMPLE);
        let d = decode(&gbk, false).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "GBK"));

        let trad = "蘇州市組織部門牽頭建立「對標找差、再攀新高」常態化機制，推動組織工作為高品質發展服務。幹部精氣神得到激發。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        let d = decode(&big5, false).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (trad, "Big5"));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = SAMPLE.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = SAMPLE.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        for (bytes, enc) in [(le_bom, "UTF-16LE"), (le, "UTF-16LE"), (be, "UTF-16BE")] {
            let d = decode(&bytes, false).unwrap();
            assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, enc));
        }
    }

    #[test]
    fn html_charset_declaration_decides_for_html() {
        let page = "<html><head><meta charset=\"gb2312\"></head><body><p>苏州对标找差</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        assert_eq!(decode(&bytes, true).unwrap().text, page);
    }

    #[test]
    fn wrong_charset_declaration_gives_way_to_detection() {
        let page = "<html><head><meta charset=\"big5\"></head><body><p>苏州市组织部门牵头建立常态化机制，推动组织工作为高质量发展服务，干部精气神得到激发。</p></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        let d = decode(&gbk, true).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (page, "GBK"));
        let latin = page.replace("big5", "iso-8859-1");
        let (gbk, _, _) = encoding_rs::GBK.encode(&latin);
        assert_eq!(decode(&gbk, true).unwrap().text, latin);
    }

    #[test]
    fn a_few_broken_bytes_keep_the_detected_encoding() {
        let text = SAMPLE.repeat(20);
        let mut gbk = encoding_rs::GBK.encode(&text).0.into_owned();
        gbk.insert(100, 0xFF);
        let d = decode(&gbk, false).unwrap();
        assert!(matches!(d.encoding, "GBK" | "gb18030"), "{}", d.encoding);
        let bad = d.text.chars().filter(|&c| c == '\u{FFFD}').count();
        assert!((1..=2).contains(&bad), "{bad}");
        assert!(d.text.ends_with(SAMPLE));
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(decode(b"", false).unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \n\n ", false).unwrap_err(), DecodeError::Empty);
        let binary: Vec<u8> = (0..2048u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        assert_eq!(decode(&binary, false).unwrap_err(), DecodeError::Binary);
        let mut broken = SAMPLE.as_bytes().to_vec();
        broken.extend(std::iter::repeat_n([0xFF, 0xFE, 0x81], 40).flatten());
        assert!(
            matches!(decode(&broken, false), Err(DecodeError::Undecodable { .. } | DecodeError::Unknown { .. })),
            "{:?}",
            decode(&broken, false)
        );
        let latin1 = b"Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade";
        assert!(matches!(decode(latin1, false), Err(DecodeError::Unknown { .. })));
    }
}
