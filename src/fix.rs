//! Applying fixes: pick the fixes a run allows, apply them without overlaps, and write
//! the result back in the file's own encoding without touching any other byte. Linting
//! again until nothing changes is the engine's loop (`engine::fix_until_stable`), which
//! calls [`apply`] each round.

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::input::Encoding;

/// Most rounds of fix-then-lint before giving up on convergence.
pub const MAX_ROUNDS: usize = 10;

/// Which fixes a run applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixMode {
    /// Unsafe fixes (placeholders) as well as safe ones.
    pub unsafe_fixes: bool,
    /// Template rewrites (missing-tiers' three-tier rewrite).
    pub rewrite: bool,
}

impl FixMode {
    /// Safe fixes, and unsafe ones when `unsafe_fixes`.
    pub fn fixes(unsafe_fixes: bool) -> FixMode {
        FixMode {
            unsafe_fixes,
            rewrite: false,
        }
    }
}

/// Whether a fix of this applicability may be applied.
pub fn allowed(a: Applicability, mode: FixMode) -> bool {
    match a {
        Applicability::Safe => true,
        Applicability::Unsafe => mode.unsafe_fixes,
        Applicability::DisplayOnly => false,
        Applicability::Rewrite => mode.rewrite,
    }
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

/// Applies the first allowed fix of each diagnostic to `text`, skipping a fix whose edits
/// overlap one already taken (the next round picks it up). Returns the new text and the
/// number of fixes applied.
pub fn apply(text: &str, diagnostics: &[Diagnostic], mode: FixMode) -> (String, usize) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut count = 0;
    for d in diagnostics {
        let Some(fix) = d.fixes.iter().find(|f| allowed(f.applicability, mode)) else {
            continue;
        };
        let valid = fix.edits.iter().all(|e| {
            e.start <= e.end
                && e.end <= text.len()
                && text.is_char_boundary(e.start)
                && text.is_char_boundary(e.end)
        });
        if !valid
            || fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|t| overlaps(e, t)))
        {
            continue;
        }
        taken.extend(&fix.edits);
        count += 1;
    }
    taken.sort_by_key(|e| (e.start, e.end));
    let mut out =
        String::with_capacity(text.len() + taken.iter().map(|e| e.content.len()).sum::<usize>());
    let mut at = 0;
    for e in taken {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.content);
        at = e.end;
    }
    out.push_str(&text[at..]);
    (out, count)
}

/// `text` in `encoding`, as the file was: a BOM where it had one, UTF-16 in its byte
/// order, GB18030 for GBK files (GBK's characters keep their two bytes).
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Utf16Le => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Encoding::Utf16Be => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        Encoding::Gb18030 => encoding_rs::GB18030.encode(text).0.into_owned(),
    }
}

/// A hash of a file's bytes, to notice that it changed on disk while it was linted.
pub fn digest(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// A unified diff of `old` and `new` with three lines of context.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Fix;
    use crate::{Severity, Source, Span};

    fn diag(edits: Vec<(usize, usize, &str)>, a: Applicability) -> Diagnostic {
        Diagnostic {
            rule: crate::diagnostic::RuleId::VagueCommitment,
            severity: Severity::Warning,
            span: Span::new(0, 0),
            message: String::new(),
            suggestion: None,
            source: Source::Pattern,
            confidence: None,
            fixes: vec![Fix {
                title: String::new(),
                applicability: a,
                edits: edits
                    .into_iter()
                    .map(|(start, end, c)| Edit {
                        start,
                        end,
                        content: c.to_string(),
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn applies_allowed_fixes_and_skips_overlaps() {
        let text = "abcdef";
        let ds = vec![
            diag(vec![(1, 2, "X")], Applicability::Safe),
            diag(vec![(1, 3, "Y")], Applicability::Safe), // overlaps the first
            diag(vec![(6, 6, "!")], Applicability::Unsafe),
            diag(vec![(0, 1, "Z")], Applicability::DisplayOnly),
        ];
        assert_eq!(
            apply(text, &ds, FixMode::fixes(false)),
            ("aXcdef".to_string(), 1)
        );
        assert_eq!(
            apply(text, &ds, FixMode::fixes(true)),
            ("aXcdef!".to_string(), 2)
        );
        // An edit off a char boundary or past the end is never applied.
        let bad = vec![diag(vec![(1, 2, "x")], Applicability::Safe)];
        assert_eq!(
            apply("中文", &bad, FixMode::fixes(true)),
            ("中文".to_string(), 0)
        );
    }

    #[test]
    fn encoding_round_trips_bytes() {
        let text = "退货率1.2%\r\nline two\n";
        for enc in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
            Encoding::Gb18030,
        ] {
            let bytes = encode(text, enc);
            let back = crate::input::decode(&bytes).unwrap();
            assert_eq!(back.text, text, "{enc:?}");
            assert_eq!(back.encoding, enc, "{enc:?}");
        }
        assert_eq!(encode("退", Encoding::Gb18030), vec![0xCD, 0xCB]);
    }
}
