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
