//! An open document's text as the editor sees it: lines (ended by `\n`, `\r\n` or a lone
//! `\r`, as LSP counts them), positions in UTF-16 or UTF-8 code units, incremental edits,
//! and file paths from `file:` URIs.

use std::path::PathBuf;

use lsp_types::{Position, Range};

/// How `Position::character` counts: LSP's default UTF-16 code units, or UTF-8 bytes
/// when the client offers `positionEncoding` utf-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    Utf16,
    Utf8,
}

/// Where each line starts in a text (byte offsets).
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        let b = text.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', b) {
            // `\r\n` ends a line at its `\n`.
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                continue;
            }
            starts.push(i + 1);
        }
        Lines { starts }
    }

    /// The line holding byte `offset`, and where that line starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        (line, self.starts[line])
    }

    /// Where line `line` starts and where its content ends (before its line ending);
    /// `None` past the last line.
    pub fn bounds(&self, text: &str, line: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(line)?;
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let b = text.as_bytes();
        if end > start && b[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        Some((start, end))
    }

    /// The LSP position of byte `offset` (clamped to the text, moved back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize, units: Units) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, start) = self.line_of(offset);
        let part = &text[start..offset];
        let character = match units {
            Units::Utf8 => part.len(),
            Units::Utf16 => part.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, start: usize, end: usize, units: Units) -> Range {
        Range::new(
            self.position(text, start, units),
            self.position(text, end, units),
        )
    }

    /// The byte offset of an LSP position. A line past the end means the end of the text;
    /// a character past the line's end means its end; a position inside a character (half
    /// a surrogate pair, part of a UTF-8 sequence) means that character's start.
    pub fn offset(&self, text: &str, pos: Position, units: Units) -> usize {
        let Some((start, end)) = self.bounds(text, pos.line as usize) else {
            return text.len();
        };
        let want = pos.character as usize;
        let mut count = 0;
        for (i, c) in text[start..end].char_indices() {
            let w = match units {
                Units::Utf8 => c.len_utf8(),
                Units::Utf16 => c.len_utf16(),
            };
            if count + w > want {
                return start + i;
            }
            count += w;
        }
        end
    }
}

/// Applies one `contentChanges` entry: `range` replaced by `new`, or the whole text when
/// there is no range.
pub fn apply_change(text: &mut String, range: Option<Range>, new: &str, units: Units) {
    match range {
        None => {
            text.clear();
            text.push_str(new);
        }
        Some(r) => {
            let lines = Lines::new(text);
            let a = lines.offset(text, r.start, units);
            let b = lines.offset(text, r.end, units).max(a);
            text.replace_range(a..b, new);
        }
    }
}

/// The file a `file:` URI names (percent-escapes decoded); `None` for other schemes
/// (`untitled:`) or a path that is not UTF-8.
pub fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // file://host/path: only an empty host or localhost is this machine.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    // file:///C:/dir on Windows.
    #[cfg(windows)]
    let s = s
        .strip_prefix('/')
        .filter(|r| r.as_bytes().get(1) == Some(&b':'))
        .map(str::to_string)
        .unwrap_or(s);
    Some(PathBuf::from(s))
}

/// The smallest single replacement that turns `old` into `new`: (start, end) in `old`
/// and the text to put there; `None` when they are equal.
pub fn minimal_edit<'a>(old: &str, new: &'a str) -> Option<(usize, usize, &'a str)> {
    if old == new {
        return None;
    }
    let mut pre = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(pre) || !new.is_char_boundary(pre) {
        pre -= 1;
    }
    let max_suf = old.len().min(new.len()) - pre;
    let mut suf = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suf)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suf) || !new.is_char_boundary(new.len() - suf) {
        suf -= 1;
    }
    Some((pre, old.len() - suf, &new[pre..new.len() - suf]))
}

/// The `file:` URI of an absolute path (bytes outside the unreserved set and `/`
/// percent-escaped).
pub fn file_uri(path: &std::path::Path) -> Option<lsp_types::Uri> {
    let s = path.to_str()?;
    if !s.starts_with('/') {
        return None;
    }
    let mut out = String::from("file://");
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        // 😀 is two UTF-16 units and four bytes; 中 one unit and three bytes.
        let text = "a\r\n中😀x\rz\n";
        let l = Lines::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(l.position(text, x, Units::Utf16), Position::new(1, 3));
        assert_eq!(l.position(text, x, Units::Utf8), Position::new(1, 7));
        assert_eq!(l.offset(text, Position::new(1, 3), Units::Utf16), x);
        assert_eq!(l.offset(text, Position::new(1, 7), Units::Utf8), x);
        // A lone \r ends a line.
        let z = text.find('z').unwrap();
        assert_eq!(l.position(text, z, Units::Utf16), Position::new(2, 0));
        // Half a surrogate pair: the emoji's start. Past the line's end: its end.
        assert_eq!(
            l.offset(text, Position::new(1, 2), Units::Utf16),
            text.find('😀').unwrap()
        );
        assert_eq!(l.offset(text, Position::new(0, 99), Units::Utf16), 1);
        assert_eq!(
            l.offset(text, Position::new(9, 0), Units::Utf16),
            text.len()
        );
    }

    #[test]
    fn incremental_changes_apply_in_place() {
        let mut t = String::from("您放心😀，\n我们会尽力。");
        let r = Range::new(Position::new(1, 3), Position::new(1, 5));
        apply_change(&mut t, Some(r), "在24小时内解决", Units::Utf16);
        assert_eq!(t, "您放心😀，\n我们会在24小时内解决。");
        apply_change(&mut t, None, "new", Units::Utf16);
        assert_eq!(t, "new");
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path("file:///tmp/a%20b/%E7%AD%94.md"),
            Some(PathBuf::from("/tmp/a b/答.md"))
        );
        assert_eq!(file_path("untitled:Untitled-1"), None);
        let p = PathBuf::from("/tmp/a b/答 #1.toml");
        let uri = file_uri(&p).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%E7%AD%94%20%231.toml");
        assert_eq!(file_path(uri.as_str()), Some(p));
    }

    #[test]
    fn minimal_edits_keep_the_common_ends() {
        assert_eq!(minimal_edit("abc", "abc"), None);
        assert_eq!(minimal_edit("中文好", "中国好"), Some((3, 6, "国")));
        let (a, b, s) = minimal_edit("aXa", "aa").unwrap();
        let mut t = String::from("aXa");
        t.replace_range(a..b, s);
        assert_eq!(t, "aa");
    }
}
