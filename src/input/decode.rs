//! Decoding of answer files: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use thiserror::Error;

/// The encoding a file was decoded from. Kept so that a fixed file can be written back
/// in the same encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// UTF-16 without a BOM (many Windows tools write it), recognised by its NUL bytes
    /// all on one side of each code unit; written back without a BOM.
    Utf16LeNoBom,
    Utf16BeNoBom,
    Gb18030,
}

impl Encoding {
    /// The name shown to users and written in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Utf16LeNoBom => "utf-16le-nobom",
            Encoding::Utf16BeNoBom => "utf-16be-nobom",
            Encoding::Gb18030 => "gb18030",
        }
    }

    pub fn is_utf8(self) -> bool {
        matches!(self, Encoding::Utf8 | Encoding::Utf8Bom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("binary file (NUL byte at offset {offset}), skipped")]
    Binary { offset: usize },
    #[error("cannot decode byte at offset {offset}: not valid UTF-8, and not GB18030 either")]
    Invalid { offset: usize },
    #[error("invalid {encoding} data at byte offset {offset}")]
    InvalidUtf16 {
        encoding: &'static str,
        offset: usize,
    },
}

/// Decodes a file's bytes.
///
/// Order: a BOM decides (UTF-8, UTF-16 LE/BE); then NUL bytes mark a binary file; then
/// valid UTF-8; then GB18030 (a superset of GBK) when the whole file decodes without
/// error and most of its non-ASCII characters are CJK. Anything else is an error that
/// names the offset of the first byte that is not valid UTF-8.
///
/// A file whose lines end in a lone carriage return (classic Mac OS, some exporters) has
/// every `\r` read as `\n`, so that it has lines and headings like any other; the two are
/// one byte each, so every offset stays the same, and a fix written back maps each `\n`
/// to `\r` again ([`crate::fix::encode_spliced`]).
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let mut d = decode_raw(bytes)?;
    if is_cr_only(&d.text) {
        d.text = d.text.replace('\r', "\n");
    }
    Ok(d)
}

/// Line breaks that are all a lone `\r`: at least one `\r`, no `\n`.
fn is_cr_only(text: &str) -> bool {
    !text.as_bytes().contains(&b'\n') && text.as_bytes().contains(&b'\r')
}

fn decode_raw(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok(Decoded {
                text: s.to_owned(),
                encoding: Encoding::Utf8Bom,
            }),
            Err(e) => Err(DecodeError::Invalid {
                offset: 3 + e.valid_up_to(),
            }),
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, Encoding::Utf16Be);
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        if let Some(d) = utf16_without_bom(bytes) {
            return Ok(d);
        }
        return Err(DecodeError::Binary { offset });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded {
            text: s.to_owned(),
            encoding: Encoding::Utf8,
        }),
        Err(e) => {
            let offset = e.valid_up_to();
            match decode_gb18030(bytes) {
                Some(text) => Ok(Decoded {
                    text,
                    encoding: Encoding::Gb18030,
                }),
                None => Err(DecodeError::Invalid { offset }),
            }
        }
    }
}

/// Text in UTF-16 without a BOM: an even length, more NUL bytes in the high byte of code
/// units than in the low one (odd offsets for little-endian, even for big-endian: ASCII;
/// the other side has some from characters such as 一 U+4E00), valid UTF-16, and no
/// control characters besides tab, line feed, form feed and carriage return.
fn utf16_without_bom(bytes: &[u8]) -> Option<Decoded> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let zeros = |parity: usize| {
        bytes
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let (enc, encoding) = if odd > even {
        (UTF_16LE, Encoding::Utf16LeNoBom)
    } else if even > odd {
        (UTF_16BE, Encoding::Utf16BeNoBom)
    } else {
        return None;
    };
    let text = enc.decode_without_bom_handling_and_without_replacement(bytes)?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
    {
        return None;
    }
    Some(Decoded {
        text: text.into_owned(),
        encoding,
    })
}

fn decode_utf16(rest: &[u8], encoding: Encoding) -> Result<Decoded, DecodeError> {
    let enc = if encoding == Encoding::Utf16Le {
        UTF_16LE
    } else {
        UTF_16BE
    };
    if !rest.len().is_multiple_of(2) {
        return Err(DecodeError::InvalidUtf16 {
            encoding: encoding.name(),
            offset: 2 + rest.len() - 1,
        });
    }
    match enc.decode_without_bom_handling_and_without_replacement(rest) {
        Some(text) => Ok(Decoded {
            text: text.into_owned(),
            encoding,
        }),
        None => Err(DecodeError::InvalidUtf16 {
            encoding: encoding.name(),
            offset: 2 + first_bad_utf16(rest, encoding == Encoding::Utf16Le),
        }),
    }
}

/// Offset of the first unpaired surrogate.
fn first_bad_utf16(rest: &[u8], le: bool) -> usize {
    let units: Vec<u16> = rest
        .chunks_exact(2)
        .map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        if (0xD800..0xDC00).contains(&u) {
            if i + 1 < units.len() && (0xDC00..0xE000).contains(&units[i + 1]) {
                i += 2;
                continue;
            }
            return i * 2;
        }
        if (0xDC00..0xE000).contains(&u) {
            return i * 2;
        }
        i += 1;
    }
    units.len() * 2
}

fn decode_gb18030(bytes: &[u8]) -> Option<String> {
    let text = GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
    let mut non_ascii = 0usize;
    let mut cjk = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if is_cjk_text_char(c) {
            cjk += 1;
        }
    }
    // Text that happens to decode (Latin-1 or random bytes usually do not) but is not
    // mostly Chinese is rejected rather than silently turned into nonsense.
    (non_ascii > 0 && cjk * 10 >= non_ascii * 7).then(|| text.into_owned())
}

/// Han characters and CJK/full-width punctuation.
fn is_cjk_text_char(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x2010..=0x2027 | 0x2030..=0x205E)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_plain_and_bom() {
        let d = decode("退货率1.2%".as_bytes()).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8);
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice("好".as_bytes());
        let d = decode(&b).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("好", Encoding::Utf8Bom));
    }

    #[test]
    fn utf16_both_orders() {
        let s = "尽快处理 ok";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, s);
        assert_eq!(decode(&le).unwrap().encoding, Encoding::Utf16Le);
        assert_eq!(decode(&be).unwrap().text, s);
        assert_eq!(decode(&be).unwrap().encoding, Encoding::Utf16Be);
    }

    #[test]
    fn gbk_detected() {
        let (bytes, _, _) = GB18030.encode("我们会尽力解决，退货率1.2%。");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Gb18030);
        assert_eq!(d.text, "我们会尽力解决，退货率1.2%。");
    }

    #[test]
    fn binary_and_invalid() {
        assert_eq!(decode(b"abc\0def"), Err(DecodeError::Binary { offset: 3 }));
        // Latin-1 "café " decodes as neither UTF-8 nor plausible GB18030.
        assert_eq!(
            decode(b"ok caf\xE9 au lait"),
            Err(DecodeError::Invalid { offset: 6 })
        );
        assert_eq!(
            decode(b"\xFF\xFE\x00"),
            Err(DecodeError::InvalidUtf16 {
                encoding: "utf-16le",
                offset: 2
            })
        );
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let text = "## 第一题\r\n我们的复购率35%，一退一换。\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&le).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            (text, Encoding::Utf16LeNoBom)
        );
        let d = decode(&be).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            (text, Encoding::Utf16BeNoBom)
        );
        // Binary stays binary: NULs on both sides, or control characters.
        assert!(matches!(decode(b"a\0\0b"), Err(DecodeError::Binary { .. })));
        assert!(matches!(
            decode(b"\x01\0a\0"),
            Err(DecodeError::Binary { .. })
        ));
    }
}
