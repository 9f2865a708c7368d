//! Sentence splitting for Chinese and English answer text, aware of Markdown blocks.
//!
//! A sentence never crosses a blank line, a heading, a list item, a speaker label
//! (问：, 答：, Q:, A:, 买家：, Customer:) or a code fence. Inside a line it ends at
//! 。！？；…… and at . ! ? ; that are followed by a space, the end of the line or CJK text,
//! except in decimals (1.2%), abbreviations (e.g., Inc., no.) and before a lower-case word.
//! Terminators inside brackets and quotes (「」“”（）) do not end the sentence; closing
//! marks right after a terminator belong to the sentence they close.

use crate::lexicon::{Lexicons, List};
use crate::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading,
    ListItem,
    Paragraph,
    Quote,
}

/// One line-level block start, the raw material for sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSentence {
    pub span: Span,
    pub kind: BlockKind,
    /// Index of the block (heading, list item, paragraph) the sentence belongs to.
    pub block: usize,
    /// Markdown heading level (1 to 6) when `kind` is a heading.
    pub level: u8,
}

const ABBREVIATIONS: &[&str] = &[
    "approx", "appx", "apr", "aug", "co", "corp", "dec", "dept", "dr", "e.g", "eg", "est", "etc",
    "feb", "fig", "i.e", "ie", "inc", "jan", "jr", "jul", "jun", "ltd", "mar", "mr", "mrs", "ms",
    "no", "nos", "nov", "oct", "p", "pp", "sep", "sept", "sr", "st", "u.s", "vs",
];

fn is_opener(c: char) -> bool {
    matches!(c, '（' | '(' | '「' | '『' | '“' | '《' | '【' | '[' | '〔')
}
fn is_closer(c: char) -> bool {
    matches!(c, '）' | ')' | '」' | '』' | '”' | '》' | '】' | ']' | '〕')
}
fn is_cjk_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '…' | '｡')
}
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// A marker that starts a line: list bullets and numbers, speaker labels.
/// Returns the length in bytes of the marker (with the spaces after it) and its kind.
fn line_marker(line: &str, lx: &Lexicons) -> Option<(usize, BlockKind)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let bytes = trimmed.as_bytes();
    let skip_space = |from: usize| -> usize {
        from + (trimmed[from..].len() - trimmed[from..].trim_start().len())
    };
    // Bullets.
    for b in ["- ", "* ", "+ ", "• ", "· "] {
        if trimmed.starts_with(b) {
            return Some((indent + skip_space(b.len()), BlockKind::ListItem));
        }
    }
    // 1. 1) 1、 (1) （1） ①
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && digits <= 3 {
        let rest = &trimmed[digits..];
        for sep in [". ", ") ", "、", "）", ".\t"] {
            if rest.starts_with(sep) {
                return Some((indent + skip_space(digits + sep.len()), BlockKind::ListItem));
            }
        }
    }
    for (open, close) in [("(", ")"), ("（", "）")] {
        if let Some(rest) = trimmed.strip_prefix(open) {
            let d = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
            if d > 0 && d <= 3 && rest[d..].starts_with(close) {
                return Some((
                    indent + skip_space(open.len() + d + close.len()),
                    BlockKind::ListItem,
                ));
            }
        }
    }
    if let Some(c) = trimmed.chars().next() {
        if ('①'..='⑳').contains(&c) {
            return Some((indent + skip_space(c.len_utf8()), BlockKind::ListItem));
        }
    }
    // 一、 二、 ... 十、
    let cn = trimmed
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .count();
    if cn > 0 && cn <= 2 {
        let l = cn * 3;
        if trimmed[l..].starts_with('、') {
            return Some((
                indent + skip_space(l + '、'.len_utf8()),
                BlockKind::ListItem,
            ));
        }
    }
    // Speaker labels and question numbers: 问：答：Q: A: 问题1： Q1: 买家：Customer:
    let label_end = speaker_label(trimmed, lx)?;
    Some((indent + skip_space(label_end), BlockKind::Paragraph))
}

/// Length of a speaker label such as `问：`, `问题1:`, `Q3.`, `Customer:` at the start.
pub(crate) fn speaker_label(s: &str, lx: &Lexicons) -> Option<usize> {
    let word_end = s
        .char_indices()
        .find(|(_, c)| !(is_han(*c) || c.is_ascii_alphabetic()))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let word = &s[..word_end];
    if word.is_empty() || !lx.any_word(List::SpeakerLabel, |l| l.eq_ignore_ascii_case(word)) {
        return None;
    }
    let mut i = word_end;
    let b = s.as_bytes();
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let rest = &s[i..];
    for sep in ["：", ":", "．"] {
        if rest.starts_with(sep) {
            return Some(i + sep.len());
        }
    }
    // `Q3.` or `Q3 ` numbering needs the digits.
    if i > word_end && (rest.starts_with(". ") || rest.starts_with(' ')) {
        return Some(i + 1);
    }
    None
}

fn heading_level(line: &str) -> Option<(u8, usize)> {
    let t = line.trim_start_matches(' ');
    let indent = line.len() - t.len();
    if indent > 3 {
        return None;
    }
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) {
        let rest = &t[hashes..];
        if rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t') {
            let content = indent + hashes + (rest.len() - rest.trim_start().len());
            return Some((hashes as u8, content));
        }
    }
    None
}

/// Splits `text` into sentences. `hidden` are byte ranges (comments, directives) to skip.
pub fn split(text: &str, hidden: &[Span], lx: &Lexicons) -> Vec<RawSentence> {
    let mut out = Vec::new();
    let mut block = 0usize;
    let mut in_fence = false;
    let mut open: Option<Open> = None;
    let mut line_start = 0usize;
    let mut prev_blank = true;
    for raw_line in text.split_inclusive('\n') {
        let ls = line_start;
        line_start += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let le = ls + line.len();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            close(text, &mut open, &mut out);
            in_fence = !in_fence;
            prev_blank = true;
            continue;
        }
        if in_fence {
            continue;
        }
        let visible = visible_parts(ls, le, hidden);
        if visible.iter().all(|&(s, e)| text[s..e].trim().is_empty()) {
            // A line that is only a comment does not break a paragraph; a blank line does.
            if line.trim().is_empty() {
                close(text, &mut open, &mut out);
                prev_blank = true;
            }
            continue;
        }
        let indent = line.len() - trimmed.len();
        let mut start = ls + indent;
        let mut kind = BlockKind::Paragraph;
        let mut level = 0u8;
        let mut new_block = prev_blank;
        prev_blank = false;
        if let Some((lvl, off)) = heading_level(line) {
            start = ls + off;
            // 问题1：, Q3: inside a heading are numbering, not text.
            if let Some(l) = speaker_label(&text[start..le], lx) {
                let rest = &text[start + l..le];
                start += l + (rest.len() - rest.trim_start().len());
            }
            kind = BlockKind::Heading;
            level = lvl;
            new_block = true;
        } else if let Some(rest) = trimmed.strip_prefix('>') {
            start = ls + (line.len() - rest.trim_start().len());
            kind = BlockKind::Quote;
            if let Some((off, k)) = line_marker(&text[start..le], lx) {
                start += off;
                new_block = new_block || k == BlockKind::ListItem;
            }
        } else if let Some((off, k)) = line_marker(line, lx) {
            start = ls + off;
            kind = k;
            new_block = true;
        } else if let Some(o) = open.as_mut() {
            // A soft-wrapped English line continues the sentence left open.
            let first = trimmed.chars().next().unwrap_or(' ');
            if o.start.is_some()
                && matches!(o.kind, BlockKind::Paragraph | BlockKind::ListItem)
                && (first.is_ascii_lowercase() || first == ',')
            {
                scan(text, start, le, hidden, o, &mut out);
                continue;
            }
            if o.kind == BlockKind::Paragraph && !new_block {
                // Same paragraph, new line: the open sentence ends at the line break.
                close_sentence(text, o, &mut out);
                scan(text, start, le, hidden, o, &mut out);
                continue;
            }
        }
        close(text, &mut open, &mut out);
        if new_block {
            block += 1;
        }
        let mut o = Open {
            start: None,
            last: start,
            kind,
            block,
            level,
            depth: 0,
            straight_quote: false,
            speech: false,
        };
        scan(text, start, le, hidden, &mut o, &mut out);
        if kind == BlockKind::Heading {
            close_sentence(text, &mut o, &mut out);
        } else {
            open = Some(o);
        }
    }
    close(text, &mut open, &mut out);
    out
}

struct Open {
    /// Start of the sentence being read, if one has started.
    start: Option<usize>,
    /// End of the last visible character seen.
    last: usize,
    kind: BlockKind,
    block: usize,
    level: u8,
    depth: u32,
    straight_quote: bool,
    /// The open quote is direct speech (opened after a colon).
    speech: bool,
}

fn visible_parts(s: usize, e: usize, hidden: &[Span]) -> Vec<(usize, usize)> {
    let mut parts = vec![(s, e)];
    for h in hidden.iter().filter(|h| h.start < e && h.end > s) {
        let mut next = Vec::new();
        for (a, b) in parts {
            if h.end <= a || h.start >= b {
                next.push((a, b));
                continue;
            }
            if h.start > a {
                next.push((a, h.start));
            }
            if h.end < b {
                next.push((h.end, b));
            }
        }
        parts = next;
    }
    parts
}

fn close(text: &str, open: &mut Option<Open>, out: &mut Vec<RawSentence>) {
    if let Some(mut o) = open.take() {
        close_sentence(text, &mut o, out);
    }
}

fn close_sentence(text: &str, o: &mut Open, out: &mut Vec<RawSentence>) {
    if let Some(start) = o.start.take() {
        emit(text, o, start, o.last, out);
    }
    o.depth = 0;
    o.straight_quote = false;
}

fn emit(text: &str, o: &Open, start: usize, end: usize, out: &mut Vec<RawSentence>) {
    let s = &text[start..end];
    let start = start + (s.len() - s.trim_start().len());
    let end = end - (s.len() - s.trim_end().len());
    if start < end {
        out.push(RawSentence {
            span: Span::new(start, end),
            kind: o.kind,
            block: o.block,
            level: o.level,
        });
    }
}

/// A line being scanned: visible characters of `text[from..to]`, read in place.
struct Line<'a> {
    text: &'a str,
    from: usize,
    to: usize,
    /// Hidden ranges that touch this line (usually none).
    hidden: Vec<Span>,
}

impl Line<'_> {
    fn hidden_at(&self, p: usize) -> Option<usize> {
        self.hidden
            .iter()
            .find(|h| h.start <= p && p < h.end)
            .map(|h| h.end)
    }

    /// The visible character at or after byte `p`, with its position.
    fn char_at(&self, mut p: usize) -> Option<(usize, char)> {
        while p < self.to {
            if let Some(end) = self.hidden_at(p) {
                p = end;
                continue;
            }
            return self.text[p..self.to].chars().next().map(|c| (p, c));
        }
        None
    }
}

/// Scans `text[from..to]` (one line's visible content), emitting the sentences that end in
/// it; a sentence still open at the end of the line stays open in `o`.
fn scan(
    text: &str,
    from: usize,
    to: usize,
    hidden: &[Span],
    o: &mut Open,
    out: &mut Vec<RawSentence>,
) {
    let line = Line {
        text,
        from,
        to,
        hidden: hidden
            .iter()
            .filter(|h| h.start < to && h.end > from)
            .copied()
            .collect(),
    };
    let mut prev: Option<char> = None;
    let mut i = from;
    while let Some((pos, c)) = line.char_at(i) {
        let len = c.len_utf8();
        i = pos + len;
        if c.is_whitespace() {
            prev = Some(c);
            continue;
        }
        if o.start.is_none() {
            o.start = Some(pos);
        }
        o.last = pos + len;
        if is_opener(c) {
            if o.depth == 0 {
                // Direct speech: a quote opened after a colon or at the sentence start.
                o.speech = o.start == Some(pos) || matches!(prev, Some('：' | ':'));
            }
            o.depth += 1;
        } else if is_closer(c) {
            o.depth = o.depth.saturating_sub(1);
        } else if c == '"' {
            o.straight_quote = !o.straight_quote;
        }
        prev = Some(c);
        let ends = if is_cjk_terminator(c) {
            true
        } else if matches!(c, '.' | '!' | '?' | ';') {
            ascii_terminator(&line, pos, c)
        } else {
            false
        };
        if !ends {
            continue;
        }
        let inside = o.depth > 0 || o.straight_quote;
        // A terminator right before the mark that closes the only open quote or bracket
        // ends the sentence after that mark: 他说：“我们会尽力。”
        let next = line.char_at(i);
        let closes_quote = o.depth == 1
            && o.speech
            && !o.straight_quote
            && next.is_some_and(|(_, d)| is_closer(d))
            && next
                .and_then(|(p, d)| line.char_at(p + d.len_utf8()))
                .is_none_or(|(_, d)| !is_cjk_terminator(d) && !is_closer(d));
        if inside && !closes_quote {
            continue;
        }
        if closes_quote {
            o.depth = 0;
        }
        // Take following terminators and closing marks with this sentence.
        while let Some((p, d)) = line.char_at(i) {
            if is_cjk_terminator(d)
                || matches!(d, '!' | '?' | '.' | '"' | '’')
                || (is_closer(d) && (closes_quote || o.depth == 0))
            {
                o.last = p + d.len_utf8();
                i = o.last;
                prev = Some(d);
            } else {
                break;
            }
        }
        if let Some(start) = o.start.take() {
            emit(text, o, start, o.last, out);
        }
        o.depth = 0;
        o.straight_quote = false;
    }
}

/// Whether the ASCII terminator `c` at byte `pos` ends a sentence.
fn ascii_terminator(line: &Line, pos: usize, c: char) -> bool {
    let text = line.text;
    let next = line.char_at(pos + 1).map(|(_, d)| d);
    // What follows must be the end, a space, CJK text or a closing mark.
    let next_ok = match next {
        None => true,
        Some(d) => d.is_whitespace() || is_han(d) || is_closer(d) || d == '"' || !d.is_ascii(),
    };
    if !next_ok {
        return false;
    }
    if c != '.' {
        return true;
    }
    if pos == line.from {
        return false;
    }
    // Abbreviations and initials: the letters (and dots) right before the dot.
    let bytes = text.as_bytes();
    let mut ws = pos;
    while ws > line.from && (bytes[ws - 1].is_ascii_alphabetic() || bytes[ws - 1] == b'.') {
        ws -= 1;
    }
    if ws < pos {
        let word = &text[ws..pos];
        if ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word)) {
            return false;
        }
        if word.len() == 1 && word.as_bytes()[0].is_ascii_uppercase() {
            return false;
        }
    }
    // A lower-case word after the space means the sentence goes on.
    let mut j = pos + 1;
    while j < line.to && bytes[j] == b' ' {
        j += 1;
    }
    !(j < line.to && bytes[j].is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        split(text, &[], &Lexicons::builtin())
            .iter()
            .map(|s| s.span.slice(text))
            .collect()
    }

    #[test]
    fn chinese_terminators() {
        assert_eq!(
            sents("我们会尽力解决。退货率1.2%！真的吗？好的；再见……下次"),
            vec![
                "我们会尽力解决。",
                "退货率1.2%！",
                "真的吗？",
                "好的；",
                "再见……",
                "下次"
            ]
        );
    }

    #[test]
    fn english_decimals_and_abbreviations() {
        assert_eq!(
            sents("Our rate is 1.2% vs. 3.5% for the category. We use e.g. DHL and ACME Inc. for it. Done!"),
            vec![
                "Our rate is 1.2% vs. 3.5% for the category.",
                "We use e.g. DHL and ACME Inc. for it.",
                "Done!"
            ]
        );
        assert_eq!(
            sents("See contract no. 12 for details."),
            vec!["See contract no. 12 for details."]
        );
    }

    #[test]
    fn quotes_and_brackets_stay_whole() {
        assert_eq!(
            sents("面试时不要说“我们会尽力。再看看。”这种话。下一句。"),
            vec!["面试时不要说“我们会尽力。再看看。”这种话。", "下一句。"]
        );
        assert_eq!(
            sents("他说：“我们会尽力。”然后走了。"),
            vec!["他说：“我们会尽力。”", "然后走了。"]
        );
        assert_eq!(
            sents("退货率低（见附件3。）好。"),
            vec!["退货率低（见附件3。）好。"]
        );
    }

    #[test]
    fn markdown_blocks() {
        let text = "## 问题1：物流延误怎么办？\n\n- 2小时内响应\n- 24小时内补发\n\n问：你们的优势？\n答：产能5万件。\n";
        assert_eq!(
            sents(text),
            vec![
                "物流延误怎么办？",
                "2小时内响应",
                "24小时内补发",
                "你们的优势？",
                "产能5万件。"
            ]
        );
        let raw = split(text, &[], &Lexicons::builtin());
        assert_eq!(raw[0].kind, BlockKind::Heading);
        assert_eq!(raw[1].kind, BlockKind::ListItem);
        assert_ne!(raw[1].block, raw[2].block);
    }

    #[test]
    fn english_soft_wrap_continues() {
        let text = "We will ship within\n24 hours of payment.\nand then more.\n";
        assert_eq!(
            sents(text),
            vec![
                "We will ship within",
                "24 hours of payment.",
                "and then more."
            ]
        );
        let text = "We will ship within\nthe next 24 hours.\n";
        assert_eq!(sents(text), vec!["We will ship within\nthe next 24 hours."]);
    }

    #[test]
    fn crlf() {
        assert_eq!(sents("第一句。\r\n第二句\r\n"), vec!["第一句。", "第二句"]);
    }
}
