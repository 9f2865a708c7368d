//! What must hold for any input, checked by the fuzz targets (`fuzz/`), by the replay of
//! their findings (`tests/fuzz_replay.rs`) and by the property tests: each function panics
//! with a message naming the broken promise.

use crate::fix::{apply, FixMode, MAX_ROUNDS};

/// Decoding never panics, and a decoded text comes back unchanged (text and encoding)
/// through [`crate::fix::encode`] (what `--fix` writes) and decoding again.
pub fn decode_round_trip(data: &[u8]) {
    let Ok(decoded) = crate::input::decode(data) else {
        return;
    };
    let bytes = crate::fix::encode(&decoded.text, decoded.encoding);
    let again = crate::input::decode(&bytes).unwrap_or_else(|e| {
        panic!(
            "re-encoded {} text no longer decodes: {e}",
            decoded.encoding.name()
        )
    });
    assert_eq!(
        again.text,
        decoded.text,
        "round trip through {} changed the text (decoded back as {})",
        decoded.encoding.name(),
        again.encoding.name()
    );
    assert_eq!(
        again.encoding, decoded.encoding,
        "round trip changed the encoding"
    );
}

fn check_range(text: &str, start: usize, end: usize, what: &str) {
    assert!(start <= end, "{what}: start {start} > end {end}");
    assert!(
        end <= text.len(),
        "{what}: end {end} past the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} not on char boundaries"
    );
}

/// Linting never panics, and every span and fix edit is an ordered range inside the text,
/// on char boundaries. Returns the diagnostics.
pub fn lint_ranges(text: &str) -> Vec<crate::Diagnostic> {
    let diags = crate::engine::lint_text(text);
    for d in &diags {
        check_range(text, d.span.start, d.span.end, &format!("{} span", d.rule));
        for f in &d.fixes {
            for e in &f.edits {
                let what = format!("{} fix {:?} edit", d.rule, f.title);
                check_range(text, e.start, e.end, &what);
            }
        }
    }
    diags
}

/// Rounds of lint and apply (unsafe fixes and rewrites) never panic, and a text on which
/// a round changes nothing stays unchanged when a fresh lint's fixes are applied again.
/// Returns whether the fixes converged within [`MAX_ROUNDS`] rounds.
pub fn fixes_converge(text: &str) -> bool {
    let mode = FixMode {
        unsafe_fixes: true,
        rewrite: true,
    };
    let mut current = text.to_owned();
    for _ in 0..=MAX_ROUNDS {
        let (next, n) = apply(&current, &crate::engine::lint_text(&current), mode);
        if n == 0 || next == current {
            let (again, _) = apply(&current, &crate::engine::lint_text(&current), mode);
            assert_eq!(
                again, current,
                "a stable text changed when its fixes were applied again"
            );
            return true;
        }
        current = next;
    }
    false
}

/// A word of the text: a run of ASCII letters and digits (lower-cased), or one CJK
/// character; with its byte range.
fn words(text: &str, offset: usize) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let latin = c.is_ascii_alphanumeric();
        match (run, latin) {
            (None, true) => run = Some(i),
            (Some(s), false) => {
                out.push((text[s..i].to_lowercase(), offset + s, offset + i));
                run = None;
            }
            _ => {}
        }
        if !latin && i < text.len() && c.is_alphabetic() && !c.is_ascii() {
            out.push((c.to_string(), offset + i, offset + i + c.len_utf8()));
        }
    }
    out
}

/// Words a fix may drop although its rule did not flag them: fillers of a reassurance
/// clause ("please", 请), modals the frame writes again ("will", 会), a verb too general
/// to be an action (跟进, 处理) that the action placeholder replaces, and for a rewrite
/// the sequence words its tier labels replace ("then", 第二步) and the words that joined a
/// deadline to its step ("within", 在, 内). A Chinese character (a word of one
/// character here) counts only where the whole listed word is written at `at`.
fn may_drop(text: &str, at: (usize, usize), word: &str, rewrite: bool) -> bool {
    use crate::lexicon::{Lexicons, List};
    let lx = Lexicons::builtin();
    let in_list = |list: List| {
        lx.words(list).any(|e| {
            let p = e.phrase.to_lowercase();
            if word.is_ascii() {
                p.split_whitespace()
                    .any(|w| w.trim_matches(['\'', '’']) == word)
            } else {
                // A Chinese character goes only as part of the whole listed word written
                // there (会 of 一定会, 处 of 处理), never because some listed word holds it.
                p.match_indices(word).any(|(i, _)| {
                    at.0 >= i
                        && text
                            .get(at.0 - i..)
                            .is_some_and(|rest| rest.starts_with(p.as_str()))
                })
            }
        })
    };
    in_list(List::Filler)
        || in_list(List::Modal)
        || in_list(List::GenericAction)
        || (rewrite
            && (in_list(List::Sequence)
                || in_list(List::VagueTiming)
                || ["within", "in", "by", "在", "内", "以", "之", "and", "并"].contains(&word)))
}

/// A one-character Chinese modal of the modal list that is no filler (会, 将, 要).
fn zh_modal(word: &str) -> bool {
    use crate::lexicon::{Lexicons, List};
    let lx = Lexicons::builtin();
    word.chars().count() == 1
        && !word.is_ascii()
        && lx.any_word(List::Modal, |m| m == word)
        && !lx.any_word(List::Filler, |f| f == word)
}

/// The edit contract. Applying `fix` to `text` removes only words inside `flagged` (the
/// spans its rule flagged: the hedge, the effort phrase, the reassurance phrase), apart
/// from [`may_drop`]'s; every other word of the edited range comes back in order (for a
/// template rewrite, which reorders steps: at least as often); no English word is doubled
/// at a seam or inside the new text; a sentence-final mark at the end of an edited range
/// stays; no two Chinese modals stand in a row (会将) where the old text had none. For a
/// rewrite, the words of a timing idiom ("as soon as we can") count as flagged. Panics
/// naming the word and the edit.
pub fn edit_keeps_words(text: &str, flagged: &[crate::Span], fix: &crate::diagnostic::Fix) {
    let rewrite = fix.applicability == crate::diagnostic::Applicability::Rewrite;
    for e in &fix.edits {
        let old = &text[e.start..e.end];
        // A rewrite replaces a step's "as soon as we can" whole by its deadline
        // placeholder: the idiom is the vague timing it flags.
        let idioms: Vec<crate::Span> = if rewrite {
            crate::rewrite::timing_idioms(text, crate::Span::new(e.start, e.end))
        } else {
            Vec::new()
        };
        let flagged: Vec<crate::Span> = flagged.iter().copied().chain(idioms).collect();
        let flagged = &flagged[..];
        let kept: Vec<String> = words(old, e.start)
            .into_iter()
            .filter(|(w, s, end)| {
                // The "to" of "do our best to" (尽力去, 尽快地) and the "that" of "rest
                // assured that" go with their phrase.
                let leaned = |f: &crate::Span| {
                    ["to", "that", "地", "去", "来"].contains(&w.as_str())
                        && f.end <= *s
                        && text[f.end..*s].trim().is_empty()
                };
                // A sentence particle at the clause's end (解决的, 处理吧) goes with the verb
                // the frame replaced.
                let particle = ["的", "了", "吧", "啊", "呢"].contains(&w.as_str())
                    && !text[*end..e.end].chars().any(char::is_alphanumeric);
                // A list number (3. / 301) at a line's start): the rewrite's own markers
                // replace it.
                let line_start = text[..*s].rfind('\n').map_or(0, |i| i + 1);
                let marker = rewrite
                    && w.bytes().all(|b| b.is_ascii_digit())
                    && text[line_start..*s].trim().is_empty()
                    && text[*end..].starts_with(['.', ')', '）', '、']);
                !particle
                    && !marker
                    && !flagged
                        .iter()
                        .any(|f| (f.start <= *s && *end <= f.end) || leaned(f))
                    && !may_drop(text, (*s, *end), w, rewrite)
            })
            .map(|(w, _, _)| w)
            .collect();
        let new: Vec<String> = words(&e.content, 0).into_iter().map(|w| w.0).collect();
        if rewrite {
            for w in &kept {
                let had = kept.iter().filter(|k| *k == w).count();
                let has = new.iter().filter(|n| *n == w).count();
                assert!(
                    has >= had,
                    "rewrite lost {w:?} ({had} -> {has}):\n{old}\n=>\n{}",
                    e.content
                );
            }
        } else {
            let mut rest = new.iter();
            for w in &kept {
                assert!(
                    rest.any(|n| n == w),
                    "fix {:?} lost {w:?}:\n{old}\n=>\n{}",
                    fix.title,
                    e.content
                );
            }
        }
        // Doubled words: at the seams and inside the new text, none that the old lacked.
        // The words on either side of the edit, where no line or sentence ends between.
        let breaks = |t: &str| t.contains(['\n', '。', '.', '!', '?', '！', '？']);
        let before = words(&text[..e.start], 0)
            .pop()
            .filter(|w| !breaks(&text[w.2..e.start]))
            .map(|w| w.0);
        let after = words(&text[e.end..], e.end)
            .into_iter()
            .next()
            .filter(|w| !breaks(&text[e.end..w.1]))
            .map(|w| w.0);
        let seam: Vec<String> = before
            .clone()
            .into_iter()
            .chain(new.iter().cloned())
            .chain(after.clone())
            .collect();
        let doubles = |ws: &[String]| {
            ws.windows(2)
                .filter(|p| {
                    p[0] == p[1] && p[0].is_ascii() && p[0].chars().any(char::is_alphabetic)
                })
                .count()
        };
        let was: Vec<String> = before
            .into_iter()
            .chain(words(old, 0).into_iter().map(|w| w.0))
            .chain(after)
            .collect();
        // (A rewrite joins reordered steps with labels; only fixes are checked here.)
        assert!(
            rewrite || doubles(&seam) <= doubles(&was),
            "edit doubles a word:\n{old}\n=>\n{}",
            e.content
        );
        // Two Chinese modals in a row (会将, 要会) that the old text lacked: the frame's
        // 将 beside a modal that should have gone. Fixes and rewrites alike.
        let modals = |ws: &[String]| {
            ws.windows(2)
                .filter(|p| zh_modal(&p[0]) && zh_modal(&p[1]))
                .count()
        };
        assert!(
            modals(&seam) <= modals(&was),
            "edit leaves two modals in a row:\n{old}\n=>\n{}",
            e.content
        );
        // Sentence-final punctuation stays.
        let fin = ['。', '！', '？', '.', '!', '?'];
        if old.trim_end().ends_with(fin) && !rewrite {
            assert!(
                e.content.trim_end().ends_with(fin),
                "edit drops the sentence's final mark:\n{old}\n=>\n{}",
                e.content
            );
        }
    }
}

/// [`edit_keeps_words`] for every fix of every finding on `text`, then on the text after
/// one round of fixes (unsafe fixes and rewrites), whose fixes are checked too. A fix's
/// flagged spans are those of every finding of its rule (phrases of one clause share one
/// fix). Returns how many fixes were checked.
/// With `rewrites` false, template rewrites are applied but not checked.
pub fn fixes_keep_words(text: &str, rewrites: bool) -> usize {
    let mode = FixMode {
        unsafe_fixes: true,
        rewrite: true,
    };
    let mut checked = 0;
    let mut current = text.to_owned();
    for _ in 0..2 {
        let diags = crate::engine::lint_text(&current);
        for d in &diags {
            let flagged: Vec<crate::Span> = diags
                .iter()
                .filter(|o| o.rule == d.rule)
                .map(|o| o.span)
                .collect();
            for f in &d.fixes {
                if !rewrites && f.applicability == crate::diagnostic::Applicability::Rewrite {
                    continue;
                }
                edit_keeps_words(&current, &flagged, f);
                checked += 1;
            }
        }
        current = apply(&current, &diags, mode).0;
    }
    checked
}
