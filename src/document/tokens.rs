//! Tokens: jieba-rs for text with Chinese, a word scanner for the rest.
//!
//! The segmentation dictionary is a trimmed copy of jieba's (see build.rs), loaded once,
//! lazily, and only when some text contains Han characters; [`warm_up`] starts the load on
//! another thread so that it overlaps with reading input.

use std::sync::OnceLock;

use jieba_rs::Jieba;

use crate::Span;

/// Coarse part of speech, from jieba's tags for Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    Noun,
    Verb,
    Adjective,
    Adverb,
    Numeral,
    Quantifier,
    Time,
    Pronoun,
    Punct,
    /// A Latin-script word (English, or an ASCII token inside Chinese text).
    Word,
    Other,
    /// A Chinese word not looked up yet: see [`Token::pos`].
    Unknown,
}

impl Pos {
    fn from_tag(tag: &str, word: &str) -> Pos {
        match tag.as_bytes().first() {
            _ if word.chars().all(|c| c.is_ascii_alphanumeric() || c == '\'') => Pos::Word,
            Some(b'n') => Pos::Noun,
            Some(b'v') => Pos::Verb,
            Some(b'a') => Pos::Adjective,
            Some(b'd') => Pos::Adverb,
            Some(b'm') => Pos::Numeral,
            Some(b'q') => Pos::Quantifier,
            Some(b't') => Pos::Time,
            Some(b'r') => Pos::Pronoun,
            Some(b'x') | Some(b'w') => Pos::Punct,
            _ => Pos::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    /// The part of speech when known without a lookup; read it with [`Token::pos`].
    pos: Pos,
}

impl Token {
    /// The part of speech, looked up in jieba's dictionary for Chinese words.
    pub fn pos(&self, text: &str) -> Pos {
        match self.pos {
            Pos::Unknown => pos_of(self.span.slice(text)),
            p => p,
        }
    }
}

const TRIMMED_DICT: &str = include_str!(concat!(env!("OUT_DIR"), "/jieba-trimmed.txt"));

static JIEBA: OnceLock<Jieba> = OnceLock::new();

/// The shared segmenter, loaded on first use.
pub fn segmenter() -> &'static Jieba {
    JIEBA.get_or_init(|| {
        if TRIMMED_DICT.is_empty() {
            Jieba::new()
        } else {
            let mut j = Jieba::empty();
            // The trimmed dictionary is written by build.rs from jieba's own and is
            // well-formed; a failure here is a build problem.
            j.load_dict(&mut TRIMMED_DICT.as_bytes())
                .expect("trimmed jieba dictionary");
            j
        }
    })
}

/// The part of speech of a Chinese word, from jieba's dictionary (no HMM: `tag` with the
/// HMM loads and parses jieba's 2.5 MB POS model, about 40% of a cold start). A word the
/// dictionary does not know is most often a name, so it counts as a noun.
pub fn pos_of(word: &str) -> Pos {
    let tags = segmenter().tag(word, false);
    match tags.as_slice() {
        [t] if t.word == word => Pos::from_tag(t.tag, word),
        _ if word.chars().count() >= 2 => Pos::Noun,
        _ => Pos::Other,
    }
}

/// Starts loading the segmenter on another thread.
pub fn warm_up() {
    if JIEBA.get().is_none() {
        std::thread::spawn(|| {
            segmenter();
        });
    }
}

/// Tokens of `text[span]`, with spans into `text`. Words, numbers and punctuation;
/// whitespace is dropped.
pub fn tokenize(text: &str, span: Span, han: bool, out: &mut Vec<Token>) {
    let s = span.slice(text);
    if han {
        // Segmentation with jieba's HMM for unknown words. Parts of speech are looked up
        // later, only for the tokens a rule asks about ([`pos_of`]).
        let j = segmenter();
        let offset = |w: &str| w.as_ptr() as usize - s.as_ptr() as usize;
        for w in j.cut(s, true).into_iter().map(|t| t.word) {
            if w.trim().is_empty() {
                continue;
            }
            let start = offset(w);
            let pos = if w.chars().any(super::sentence::is_han) {
                Pos::Unknown
            } else {
                Pos::from_tag("", w)
            };
            out.push(Token {
                span: Span::new(span.start + start, span.start + start + w.len()),
                pos,
            });
        }
    } else {
        latin_tokens(s, span.start, out);
    }
}

fn latin_tokens(s: &str, base: usize, out: &mut Vec<Token>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() {
            let st = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || is_inner_mark(b, i)) {
                i += 1;
            }
            out.push(Token {
                span: Span::new(base + st, base + i),
                pos: Pos::Word,
            });
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            let len = s[i..].chars().next().map_or(1, char::len_utf8);
            let ch = s[i..].chars().next().unwrap_or(' ');
            if !ch.is_whitespace() {
                out.push(Token {
                    span: Span::new(base + i, base + i + len),
                    pos: if ch.is_alphanumeric() {
                        Pos::Word
                    } else {
                        Pos::Punct
                    },
                });
            }
            i += len;
        }
    }
}

/// An apostrophe or a decimal point between alphanumerics stays inside a word (we'll, 1.2).
fn is_inner_mark(b: &[u8], i: usize) -> bool {
    matches!(b[i], b'\'' | b'.')
        && i > 0
        && b[i - 1].is_ascii_alphanumeric()
        && b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(&str, Pos)> {
        let mut out = Vec::new();
        let han = text.chars().any(super::super::sentence::is_han);
        tokenize(text, Span::new(0, text.len()), han, &mut out);
        out.iter()
            .map(|t| (t.span.slice(text), t.pos(text)))
            .collect()
    }

    #[test]
    fn chinese_tokens_have_spans_and_pos() {
        let w = words("我们会尽力解决，退货率1.2%");
        assert!(w.contains(&("尽力", Pos::Adverb)), "{w:?}");
        assert!(w.iter().any(|(s, _)| *s == "1.2%"), "{w:?}");
        let joined: String = w.iter().map(|(s, _)| *s).collect();
        assert_eq!(joined, "我们会尽力解决，退货率1.2%");
    }

    #[test]
    fn english_tokens() {
        let w: Vec<&str> = words("We'll ship 1.5k units, ASAP.")
            .iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(w, vec!["We'll", "ship", "1.5k", "units", ",", "ASAP", "."]);
    }
}
