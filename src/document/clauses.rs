//! Clause boundaries, found once per sentence when the document is built, so that a rule
//! asking for the clause around each of its findings does a binary search instead of
//! rescanning the sentence (a long line with many findings would make that quadratic).
//!
//! Two notions of a clause are in use, each with its own list of breaks:
//! - [`Breaks::commitment`]: clause punctuation of either language, sentence ends included
//!   (，；：。！？!?;… and , . : unless between two digits: 1,200 / 1.2 / 10:30), outside
//!   placeholders (【待补充：时限】, [TODO: deadline]); the clauses vague-commitment rewrites.
//! - [`Breaks::comma`]: ，,；;：:、 anywhere; the reach of a request or courtesy marker.
//! - [`Breaks::conjunctions`]: the English [`CONJUNCTIONS`], which also end that reach.
//!
//! With them, [`Breaks::frames`]: the deadline and action placeholders a commitment
//! rewrite writes, which mark a clause as rewritten.

use super::placeholder::{ACTION, DEADLINE};
use crate::Span;

/// The breaks of every sentence of a document, each list sorted by position.
#[derive(Debug, Clone, Default)]
pub struct Breaks {
    pub commitment: Vec<Span>,
    pub comma: Vec<Span>,
    pub conjunctions: Vec<Span>,
    pub frames: Vec<Span>,
}

/// The placeholders that frame a rewritten commitment.
const FRAMES: [&str; 4] = [DEADLINE.zh, ACTION.zh, DEADLINE.en, ACTION.en];

/// English conjunctions that end the reach of a courtesy or hold marker: "We apologize
/// for the delay and will ship it ASAP", "Let me check and circle back at some point".
pub const CONJUNCTIONS: [&str; 3] = [" and ", " but ", " so "];

fn is_commitment_delimiter(text: &str, i: usize, c: char) -> bool {
    match c {
        '，' | '；' | '：' | '。' | '！' | '？' | '!' | '?' | ';' | '…' => true,
        ',' | '.' | ':' => {
            // 1,200 / 1.2 / 10:30 are numbers, not clause breaks.
            let before = text[..i].chars().next_back();
            let after = text[i + c.len_utf8()..].chars().next();
            !(before.is_some_and(|b| b.is_ascii_digit())
                && after.is_some_and(|a| a.is_ascii_digit()))
        }
        _ => false,
    }
}

pub(crate) fn is_comma(c: char) -> bool {
    matches!(c, '，' | ',' | '；' | ';' | '：' | ':' | '、')
}

impl Breaks {
    /// Adds the breaks of the sentence at `s` (sentences come in text order).
    pub fn scan(&mut self, text: &str, s: Span) {
        // Delimiters inside a placeholder do not count.
        let mut depth = 0i32;
        for (i, c) in text[s.start..s.end].char_indices() {
            let i = s.start + i;
            let span = Span::new(i, i + c.len_utf8());
            if c == ' ' {
                let rest = &text[i..s.end];
                if let Some(w) = CONJUNCTIONS.iter().find(|w| rest.starts_with(**w)) {
                    self.conjunctions.push(Span::new(i, i + w.len()));
                }
            }
            if matches!(c, '【' | '[') {
                let rest = &text[i..s.end];
                if let Some(f) = FRAMES.iter().find(|f| rest.starts_with(**f)) {
                    self.frames.push(Span::new(i, i + f.len()));
                }
            }
            if is_comma(c) {
                self.comma.push(span);
            }
            match c {
                '【' | '[' => depth += 1,
                '】' | ']' => depth = (depth - 1).max(0),
                _ if depth == 0 && is_commitment_delimiter(text, i, c) => {
                    self.commitment.push(span)
                }
                _ => {}
            }
        }
    }
}

/// The breaks of `list` that start inside `s`.
pub fn within(list: &[Span], s: Span) -> &[Span] {
    let a = list.partition_point(|b| b.start < s.start);
    let b = list.partition_point(|b| b.start < s.end);
    &list[a..b.max(a)]
}

/// The clause of sentence `s` around byte `at` between `breaks` (those of `s`): from the
/// end of the last break before `at` to the start of the first at or after it.
pub fn around(breaks: &[Span], s: Span, at: usize) -> Span {
    let k = breaks.partition_point(|b| b.start < at);
    let start = k.checked_sub(1).map_or(s.start, |k| breaks[k].end);
    let end = breaks.get(k).map_or(s.end, |b| b.start);
    Span::new(start, end.max(start))
}

#[cfg(test)]
mod tests {
    use crate::document::{DocOptions, Document};
    use crate::lexicon::Lexicons;
    use crate::Span;

    /// The clause around `at` by scanning the sentence, as the rule once did per finding.
    fn scanned(doc: &Document, si: usize, at: usize) -> Span {
        let s = doc.sentences[si].span;
        let text = &doc.text;
        let (mut depth, mut start, mut end) = (0i32, s.start, s.end);
        for (i, c) in text[s.start..s.end].char_indices() {
            let i = s.start + i;
            match c {
                '【' | '[' => depth += 1,
                '】' | ']' => depth = (depth - 1).max(0),
                _ if depth == 0 && super::is_commitment_delimiter(text, i, c) => {
                    if i < at {
                        start = i + c.len_utf8();
                    } else {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let slice = &text[start..end];
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        Span::new(start + lead, (end - trail).max(start + lead))
    }

    #[test]
    fn clause_lookup_matches_a_scan_of_the_sentence() {
        let lx = Lexicons::builtin();
        for text in [
            "我们会尽力解决，尽快给您答复；退款1,200元在10:30前到账。",
            "我们将在【待补充：时限】内处理，并以【待补充：凭证】为证！再说…好",
            "We'll do our best, and we ship in 1.5 days; [TODO: deadline, maybe] ok? Sure.",
            "尽快，，，尽快，尽快",
        ] {
            let doc = Document::build(text.to_string(), &lx, DocOptions::default());
            for si in 0..doc.sentences.len() {
                let s = doc.sentences[si].span;
                for (i, _) in text[s.start..s.end].char_indices() {
                    let at = s.start + i;
                    assert_eq!(doc.clause_of(si, at), scanned(&doc, si, at), "{text} @{at}");
                }
            }
        }
    }
}
