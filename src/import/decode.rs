//! Import stage 1: raw bytes → text. Detects the encoding (BOM, UTF-16 shape, valid UTF-8,
//! an HTML `charset` declaration, then `chardetng`) and decodes with `encoding_rs`.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

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
}

/// Decodes `bytes`; `html` allows a `<meta charset>` declaration to decide.
pub fn decode(bytes: &[u8], html: bool) -> Result<Decoded, DecodeError> {
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
    } else if std::str::from_utf8(bytes).is_ok() {
        UTF_8
    } else if let Some(enc) = html.then(|| declared_charset(bytes)).flatten() {
        enc
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        detector.guess(None, chardetng::Utf8Detection::Allow)
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
    if !matches!(
        actual.name(),
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
    ) && !bytes.is_ascii()
    {
        return Err(DecodeError::Unknown { guess: actual.name() });
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded { text, encoding: actual.name() })
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

/// NUL bytes or many C0 control characters mean this is no text file.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)).count();
    sample.contains(&0) || controls * 50 > sample.len()
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
