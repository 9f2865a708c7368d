//! Applying fixes: pick the fixes a run allows, apply them without overlaps, and write
//! the result back in the file's own encoding without touching any other byte. Linting
//! again until nothing changes is the engine's loop (`engine::fix_until_stable`), which
//! calls [`apply`] each round.

use std::collections::BTreeMap;

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

/// Whether two edits cannot both be applied (what [`apply`] checks, edit by edit).
#[cfg(test)]
fn overlaps(a: &Edit, b: &Edit) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

/// What fixing did to one file, per rule id: the fixes applied, and the findings left
/// whose fix this run did not apply but `--unsafe-fixes` or `answerlint rewrite` would
/// (a finding with both counts once, under `--unsafe-fixes`). `fix` and `check --fix`
/// print the totals as their count line; the JSON output gives the maps.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FixCounts {
    pub applied: BTreeMap<&'static str, usize>,
    #[serde(rename = "more_with_unsafe_fixes")]
    pub more_unsafe: BTreeMap<&'static str, usize>,
    #[serde(rename = "more_with_rewrite")]
    pub more_rewrite: BTreeMap<&'static str, usize>,
}

impl FixCounts {
    /// The findings left in `diagnostics` (after fixing in `mode`) that another mode would
    /// fix.
    pub fn left(&mut self, diagnostics: &[Diagnostic], mode: FixMode) {
        for d in diagnostics {
            let has = |a: Applicability| d.fixes.iter().any(|f| f.applicability == a);
            if !mode.unsafe_fixes && has(Applicability::Unsafe) {
                *self.more_unsafe.entry(d.rule.as_str()).or_default() += 1;
            } else if !mode.rewrite && has(Applicability::Rewrite) {
                *self.more_rewrite.entry(d.rule.as_str()).or_default() += 1;
            }
        }
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &FixCounts) {
        for (mine, theirs) in [
            (&mut self.applied, &other.applied),
            (&mut self.more_unsafe, &other.more_unsafe),
            (&mut self.more_rewrite, &other.more_rewrite),
        ] {
            for (rule, n) in theirs {
                *mine.entry(rule).or_default() += n;
            }
        }
    }

    /// The sum of one of the maps.
    pub fn total(map: &BTreeMap<&'static str, usize>) -> usize {
        map.values().sum()
    }
}

/// Applies the first allowed fix of each diagnostic to `text`, skipping a fix whose edits
/// overlap one already taken (the next round picks it up). Returns the new text and the
/// number of fixes applied.
pub fn apply(text: &str, diagnostics: &[Diagnostic], mode: FixMode) -> (String, usize) {
    let (out, applied) = apply_counted(text, diagnostics, mode);
    (out, applied.len())
}

/// [`apply`], returning the indices (into `diagnostics`) of the findings whose fix was
/// applied.
pub fn apply_counted(
    text: &str,
    diagnostics: &[Diagnostic],
    mode: FixMode,
) -> (String, Vec<usize>) {
    let mut taken: Vec<&Edit> = Vec::new();
    // The taken edits by start (the furthest end at each), so that each new edit is
    // checked against its two neighbours, not against every edit taken so far.
    let mut by_start: std::collections::BTreeMap<usize, usize> = Default::default();
    let clashes = |by_start: &std::collections::BTreeMap<usize, usize>, e: &Edit| {
        let before = by_start.range(..=e.start).next_back();
        let after = by_start.range(e.start + 1..).next();
        before.is_some_and(|(&s, &end)| s == e.start || end > e.start)
            || after.is_some_and(|(&s, _)| s < e.end)
    };
    let mut applied = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let Some(fix) = d.fixes.iter().find(|f| allowed(f.applicability, mode)) else {
            continue;
        };
        let valid = fix.edits.iter().all(|e| {
            e.start <= e.end
                && e.end <= text.len()
                && text.is_char_boundary(e.start)
                && text.is_char_boundary(e.end)
        });
        if !valid || fix.edits.iter().any(|e| clashes(&by_start, e)) {
            continue;
        }
        for e in &fix.edits {
            let end = by_start.entry(e.start).or_insert(e.end);
            *end = (*end).max(e.end);
        }
        taken.extend(&fix.edits);
        applied.push(i);
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
    (out, applied)
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
        Encoding::Utf16LeNoBom => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Encoding::Utf16BeNoBom => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Encoding::Gb18030 => encoding_rs::GB18030.encode(text).0.into_owned(),
    }
}

/// The bytes of a file whose text was `old` (decoded from `original`, in `encoding`) and
/// is now `new`: every character the fixes left in place keeps its original bytes, and
/// only inserted or replaced text is encoded. This matters for GB18030, where decoding
/// is not one-to-one (a full-width space `A3A0` decodes as U+3000, which encodes as
/// `A1A1`; a lone `0x80` is `€`, which encodes as `A2E3`): encoding the whole text again
/// would change bytes no fix touched. `None` when `original` does not decode to `old`
/// character by character (the caller then refuses to write).
pub fn encode_spliced(
    original: &[u8],
    old: &str,
    new: &str,
    encoding: Encoding,
) -> Option<Vec<u8>> {
    let (bom, body) = match encoding {
        Encoding::Utf8 => (0, original),
        Encoding::Utf8Bom | Encoding::Utf16Le | Encoding::Utf16Be => {
            let n = if encoding == Encoding::Utf8Bom { 3 } else { 2 };
            (n, original.get(n..)?)
        }
        Encoding::Gb18030 | Encoding::Utf16LeNoBom | Encoding::Utf16BeNoBom => (0, original),
    };
    // The byte length of each character of `old` in `original`, and whether the file's
    // line breaks are lone `\r`s that decoding read as `\n` (then inserted text gets them
    // too).
    let (lens, cr_lines) = char_byte_lengths(body, old, encoding)?;
    let mut starts = Vec::with_capacity(lens.len() + 1);
    let mut at = bom;
    for l in &lens {
        starts.push(at);
        at += l;
    }
    starts.push(at);
    if at != original.len() {
        return None;
    }
    let new_chars: Vec<usize> = new
        .char_indices()
        .map(|(i, _)| i)
        .chain([new.len()])
        .collect();
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(std::time::Duration::from_secs(2))
        .diff_chars(old, new);
    let mut out = Vec::with_capacity(original.len() + new.len() / 2);
    out.extend_from_slice(&original[..bom]);
    for op in diff.ops() {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => {
                out.extend_from_slice(&original[starts[o.start]..starts[o.end]])
            }
            similar::DiffTag::Delete => {}
            similar::DiffTag::Insert | similar::DiffTag::Replace => {
                let text = &new[new_chars[n.start]..new_chars[n.end]];
                let bytes = if cr_lines {
                    encode(&text.replace('\n', "\r"), encoding)
                } else {
                    encode(text, encoding)
                };
                // encode() adds the BOM; inside the text it must not.
                let skip = bom;
                out.extend_from_slice(&bytes[skip..]);
            }
        }
    }
    Some(out)
}

/// How many bytes of `body` each character of `text` took, checked by decoding each
/// character's bytes again; `None` if they do not match. A `\n` of `text` may stand for a
/// `\r` of `body` when all of `text`'s line breaks do (a CR-only file: see
/// [`crate::input::decode`]); the flag says so.
fn char_byte_lengths(body: &[u8], text: &str, encoding: Encoding) -> Option<(Vec<usize>, bool)> {
    let mut lens = Vec::with_capacity(text.len());
    let mut at = 0;
    let mut cr_lines: Option<bool> = None;
    for c in text.chars() {
        let n = match encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => c.len_utf8(),
            Encoding::Utf16Le
            | Encoding::Utf16Be
            | Encoding::Utf16LeNoBom
            | Encoding::Utf16BeNoBom => c.len_utf16() * 2,
            Encoding::Gb18030 => {
                let b = *body.get(at)?;
                if b <= 0x80 || b == 0xFF {
                    1
                } else if body.get(at + 1).is_some_and(|n| (0x30..=0x39).contains(n)) {
                    4
                } else {
                    2
                }
            }
        };
        let bytes = body.get(at..at + n)?;
        let same = if c == '\n' {
            // One byte (or unit) in every encoding here: `\n` as `\n`, or `\r` for a
            // CR-only file, the same for every line of it.
            let unit = match encoding {
                Encoding::Utf16Le | Encoding::Utf16LeNoBom => (bytes[1] == 0).then_some(bytes[0]),
                Encoding::Utf16Be | Encoding::Utf16BeNoBom => (bytes[0] == 0).then_some(bytes[1]),
                _ => Some(bytes[0]),
            };
            let cr = match unit {
                Some(b'\n') => false,
                Some(b'\r') => true,
                _ => return None,
            };
            *cr_lines.get_or_insert(cr) == cr
        } else if n == 1 && bytes[0] < 0x80 {
            bytes[0] as u32 == c as u32
        } else {
            let dec = match encoding {
                Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8,
                Encoding::Utf16Le | Encoding::Utf16LeNoBom => encoding_rs::UTF_16LE,
                Encoding::Utf16Be | Encoding::Utf16BeNoBom => encoding_rs::UTF_16BE,
                Encoding::Gb18030 => encoding_rs::GB18030,
            };
            let (s, bad) = dec.decode_without_bom_handling(bytes);
            !bad && s.chars().eq(std::iter::once(c))
        };
        if !same {
            return None;
        }
        lens.push(n);
        at += n;
    }
    (at == body.len()).then_some((lens, cr_lines.unwrap_or(false)))
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
            related: Vec::new(),
        }
    }

    proptest::proptest! {
        /// The neighbour check of `apply` takes the same fixes as comparing each one with
        /// every edit taken before it.
        #[test]
        fn overlap_check_matches_the_pairwise_one(
            fixes in proptest::collection::vec(
                (0..24usize, 0..4usize, 0..3usize, 0..4usize, proptest::bool::ANY),
                0..30,
            ),
        ) {
            // Each fix: one edit, or two that do not overlap each other (as rules write).
            let text = "abcdefghijklmnopqrstuvwxyz0123456789";
            let ds: Vec<Diagnostic> = fixes
                .iter()
                .map(|&(s, l, gap, l2, two)| {
                    let mut edits = vec![(s, s + l, "#")];
                    if two {
                        let s2 = s + l + gap.max(usize::from(l == 0));
                        edits.push((s2, s2 + l2, "%"));
                    }
                    diag(edits, Applicability::Safe)
                })
                .collect();
            let mut taken: Vec<&Edit> = Vec::new();
            let mut count = 0;
            for d in &ds {
                let f = &d.fixes[0];
                if f.edits.iter().any(|e| taken.iter().any(|t| overlaps(e, t))) {
                    continue;
                }
                taken.extend(&f.edits);
                count += 1;
            }
            taken.sort_by_key(|e| (e.start, e.end));
            let mut want = String::new();
            let mut at = 0;
            for e in taken {
                want.push_str(&text[at..e.start]);
                want.push_str(&e.content);
                at = e.end;
            }
            want.push_str(&text[at..]);
            let got = apply(text, &ds, FixMode::fixes(false));
            proptest::prop_assert_eq!(got, (want, count));
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
    fn cr_only_files_are_read_as_lines_and_written_back_with_cr() {
        for enc in [Encoding::Utf8, Encoding::Utf16Le, Encoding::Gb18030] {
            let raw = "## 问题\r我们会尽力解决。\r\r第二段。\r";
            let original = encode(raw, enc);
            let old = crate::input::decode(&original).unwrap();
            assert_eq!(old.text, raw.replace('\r', "\n"), "{enc:?}");
            // A fix that inserts a line break, and one that edits the middle.
            let new = old
                .text
                .replace("尽力解决", "在24小时内补发")
                .replace("第二段。", "第二段。\n- 新行");
            let out = encode_spliced(&original, &old.text, &new, enc).expect("maps back");
            assert_eq!(out, encode(&new.replace('\n', "\r"), enc), "{enc:?}");
        }
        // A file with `\n` line ends is untouched by this: a lone `\r` inside a line
        // stays a `\r`.
        let lf = "一\r二\n三\n";
        assert_eq!(crate::input::decode(lf.as_bytes()).unwrap().text, lf);
        // Mixed: a `\n` in the text that the file holds as `\n` next to one held as `\r`
        // cannot be mapped back: refused rather than guessed.
        let mixed_text = "一\n二\n";
        assert!(encode_spliced(
            b"\xe4\xb8\x80\r\xe4\xba\x8c\n",
            mixed_text,
            "一\n二\n三",
            Encoding::Utf8
        )
        .is_none());
    }

    #[test]
    fn gb18030_keeps_the_bytes_of_untouched_characters() {
        // A3A0 decodes to U+3000, which encodes as A1A1; 0x80 decodes to €, which
        // encodes as A2E3. Neither may change when a fix elsewhere is written.
        let mut original = encode("退货率", Encoding::Gb18030);
        original.extend_from_slice(&[0xA3, 0xA0]);
        original.extend_from_slice(b"1.2%");
        original.push(0x80);
        original.extend_from_slice(&encode("。", Encoding::Gb18030));
        let old = crate::input::decode(&original).unwrap();
        assert_eq!(old.encoding, Encoding::Gb18030);
        assert_ne!(encode(&old.text, Encoding::Gb18030), original);
        let new = old.text.replace("1.2%", "1.2%（来源）");
        let out = encode_spliced(&original, &old.text, &new, Encoding::Gb18030).unwrap();
        let at = original.iter().position(|&b| b == b'%').unwrap() + 1;
        assert_eq!(&out[..at], &original[..at]);
        assert_eq!(&out[out.len() - 3..], &original[original.len() - 3..]);
        assert_eq!(crate::input::decode(&out).unwrap().text, new);
        // Bytes that do not decode to the text given: refused.
        assert!(encode_spliced(&original, "别的", &new, Encoding::Gb18030).is_none());
    }

    #[test]
    fn encoding_round_trips_bytes() {
        let text = "退货率1.2%\r\nline two\n";
        for enc in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
            Encoding::Utf16LeNoBom,
            Encoding::Utf16BeNoBom,
            Encoding::Gb18030,
        ] {
            let bytes = encode(text, enc);
            let back = crate::input::decode(&bytes).unwrap();
            assert_eq!(back.text, text, "{enc:?}");
            assert_eq!(back.encoding, enc, "{enc:?}");
        }
        assert_eq!(encode("退", Encoding::Gb18030), vec![0xCD, 0xCB]);
    }

    /// Characters for the property below: ASCII, CJK, full-width, emoji, line endings,
    /// and the two GB18030 characters with a second byte form (U+3000 as A3A0, € as 80).
    const CHARS: &[&str] = &[
        "a", "1", " ", "\r\n", "\n", "退", "一", "。", "\u{3000}", "€", "😀", "%", "\t",
    ];

    /// `text` as a file in `enc`; in GB18030, U+3000 and € take their other byte forms.
    fn file_bytes(text: &str, enc: Encoding) -> Vec<u8> {
        if enc != Encoding::Gb18030 {
            return encode(text, enc);
        }
        let mut out = Vec::new();
        for c in text.chars() {
            match c {
                '\u{3000}' => out.extend_from_slice(&[0xA3, 0xA0]),
                '€' => out.push(0x80),
                c => out.extend_from_slice(&encode(c.encode_utf8(&mut [0; 4]), enc)),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn bytes_outside_the_edits_never_change(
            parts in proptest::collection::vec(0..CHARS.len(), 0..40),
            cut in (0usize..40, 0usize..40),
            // Inserted text leaves out the two characters with a second byte form: next to
            // an equal character, which of the two keeps the old bytes is a matter of
            // alignment, not of correctness.
            insert in proptest::collection::vec(0..8usize, 0..5),
        ) {
            let text: String = parts.iter().map(|&i| CHARS[i]).collect();
            let n = text.chars().count();
            let (a, b) = (cut.0.min(n), cut.1.min(n));
            let (a, b) = (a.min(b), a.max(b));
            let byte = |k: usize| text.char_indices().nth(k).map_or(text.len(), |(i, _)| i);
            let (start, end) = (byte(a), byte(b));
            let inserted: String = insert.iter().map(|&i| CHARS[i]).collect();
            let new = format!("{}{}{}", &text[..start], inserted, &text[end..]);
            for enc in [
                Encoding::Utf8,
                Encoding::Utf8Bom,
                Encoding::Utf16Le,
                Encoding::Utf16Be,
                Encoding::Utf16LeNoBom,
                Encoding::Utf16BeNoBom,
                Encoding::Gb18030,
            ] {
                let original = file_bytes(&text, enc);
                let out = encode_spliced(&original, &text, &new, enc).expect("maps back");
                let bom = encode("", enc).len();
                let head = bom + file_bytes(&text[..start], enc).len() - encode("", enc).len();
                let tail = file_bytes(&text[end..], enc).len() - bom;
                // The bytes before the edit and after it are the file's own.
                proptest::prop_assert_eq!(&out[..head], &original[..head], "{:?}", enc);
                proptest::prop_assert_eq!(
                    &out[out.len() - tail..],
                    &original[original.len() - tail..],
                    "{:?}",
                    enc
                );
                // And the whole decodes to the new text.
                let dec = match enc {
                    Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8,
                    Encoding::Utf16Le | Encoding::Utf16LeNoBom => encoding_rs::UTF_16LE,
                    Encoding::Utf16Be | Encoding::Utf16BeNoBom => encoding_rs::UTF_16BE,
                    Encoding::Gb18030 => encoding_rs::GB18030,
                };
                let (back, bad) = dec.decode_without_bom_handling(&out[bom..]);
                proptest::prop_assert!(!bad);
                proptest::prop_assert_eq!(back.as_ref(), new.as_str());
            }
        }
    }
}
