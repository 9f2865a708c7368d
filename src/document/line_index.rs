//! Byte offsets → 1-based lines and columns (characters for people, UTF-16 for editors).

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    /// Every [`CHECKPOINT`] bytes (on a char boundary): (byte offset, chars before it,
    /// UTF-16 units before it), so that a column on a very long line is counted from the
    /// nearest checkpoint, not from the line's start.
    checkpoints: Vec<(usize, usize, usize)>,
}

/// Bytes between column checkpoints.
const CHECKPOINT: usize = 4096;

/// A position for people: 1-based line, 1-based column in characters, and the 1-based
/// column in UTF-16 code units that editors (LSP) use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub utf16_column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut checkpoints = vec![(0, 0, 0)];
        // Only texts with a long line need them.
        let long_line = starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .chain([text.len() - starts.last().copied().unwrap_or(0)])
            .any(|len| len > CHECKPOINT);
        if long_line {
            let (mut chars, mut units, mut at) = (0, 0, 0);
            while at + CHECKPOINT < text.len() {
                let mut next = at + CHECKPOINT;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                let piece = &text[at..next];
                chars += piece.chars().count();
                units += piece.chars().map(char::len_utf16).sum::<usize>();
                checkpoints.push((next, chars, units));
                at = next;
            }
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// Chars and UTF-16 units in `text[..offset]`.
    fn counts_before(&self, text: &str, offset: usize) -> (usize, usize) {
        let i = self.checkpoints.partition_point(|c| c.0 <= offset) - 1;
        let (at, chars, units) = self.checkpoints[i];
        let piece = &text[at..offset];
        (
            chars + piece.chars().count(),
            units + piece.chars().map(char::len_utf16).sum::<usize>(),
        )
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of a 0-based line, without its `\n` (a `\r` before it is kept).
    pub fn line_span(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map(|&s| s - 1)
            .unwrap_or(text.len());
        (start, end)
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        if offset - start <= CHECKPOINT {
            let prefix = &text[start..offset];
            return Position {
                line: line + 1,
                column: prefix.chars().count() + 1,
                utf16_column: prefix.chars().map(char::len_utf16).sum::<usize>() + 1,
            };
        }
        let (c1, u1) = self.counts_before(text, offset);
        let (c0, u0) = self.counts_before(text, start);
        Position {
            line: line + 1,
            column: c1 - c0 + 1,
            utf16_column: u1 - u0 + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_a_long_line_match_counting_from_its_start() {
        let line: String = "退货率1.2%，😀 ok ".repeat(2_000);
        let text = format!("标题\n{line}\nend");
        let idx = LineIndex::new(&text);
        assert!(idx.checkpoints.len() > 10);
        for offset in (0..text.len())
            .step_by(997)
            .filter(|&o| text.is_char_boundary(o))
        {
            let line = idx.line_of(offset);
            let prefix = &text[idx.starts[line]..offset];
            let p = idx.position(&text, offset);
            assert_eq!(p.column, prefix.chars().count() + 1, "{offset}");
            assert_eq!(
                p.utf16_column,
                prefix.chars().map(char::len_utf16).sum::<usize>() + 1
            );
        }
    }

    #[test]
    fn columns_with_cjk_fullwidth_emoji_and_tabs() {
        let text = "第一行\r\n\t您好，😀尽快\nabc";
        let idx = LineIndex::new(text);
        let at = |needle: &str| idx.position(text, text.find(needle).unwrap());
        assert_eq!(
            at("第"),
            Position {
                line: 1,
                column: 1,
                utf16_column: 1
            }
        );
        // The tab counts as one character.
        assert_eq!(
            at("您"),
            Position {
                line: 2,
                column: 2,
                utf16_column: 2
            }
        );
        // Full-width comma is one character; the emoji is one character, two UTF-16 units.
        assert_eq!(
            at("😀"),
            Position {
                line: 2,
                column: 5,
                utf16_column: 5
            }
        );
        assert_eq!(
            at("尽"),
            Position {
                line: 2,
                column: 6,
                utf16_column: 7
            }
        );
        assert_eq!(
            at("abc"),
            Position {
                line: 3,
                column: 1,
                utf16_column: 1
            }
        );
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn crlf_line_span_and_end_of_text() {
        let text = "a\r\nb";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_span(text, 0), (0, 2));
        assert_eq!(idx.position(text, text.len()).column, 2);
    }
}
