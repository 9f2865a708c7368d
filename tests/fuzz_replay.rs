//! Replays the inputs kept under `fuzz/regressions/<target>/` through the same checks as
//! the cargo-fuzz targets in `fuzz/fuzz_targets/`, so that every normal `cargo test` run
//! (stable toolchain, no libFuzzer) re-checks crashes found once and a sample of the
//! fuzzers' corpora. The check functions are copies of the targets' bodies: keep them in
//! step when a target changes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use answerlint::fix::{apply, FixMode, MAX_ROUNDS};

/// `fuzz/fuzz_targets/decode.rs`: decoding must not panic, and a decoded text must come
/// back unchanged (text and encoding) through `fix::encode` and `decode`.
fn check_decode(data: &[u8]) {
    let Ok(decoded) = answerlint::input::decode(data) else {
        return;
    };
    let bytes = answerlint::fix::encode(&decoded.text, decoded.encoding);
    let again = answerlint::input::decode(&bytes).unwrap_or_else(|e| {
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
        text.is_char_boundary(start),
        "{what}: start {start} not on a char boundary"
    );
    assert!(
        text.is_char_boundary(end),
        "{what}: end {end} not on a char boundary"
    );
}

/// `fuzz/fuzz_targets/lint.rs`: linting must not panic, and every span and fix edit must
/// be an ordered range inside the text, on char boundaries.
fn check_lint(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let diags = answerlint::engine::lint_text(text);
    for d in &diags {
        check_range(text, d.span.start, d.span.end, &format!("{} span", d.rule));
        for f in &d.fixes {
            for e in &f.edits {
                check_range(
                    text,
                    e.start,
                    e.end,
                    &format!("{} fix {:?} edit", d.rule, f.title),
                );
            }
        }
    }
}

const MODE: FixMode = FixMode {
    unsafe_fixes: true,
    rewrite: true,
};

/// `fuzz/fuzz_targets/fix.rs`: rounds of lint and apply (unsafe fixes and rewrites) must
/// not panic, and a text on which a round changes nothing must stay unchanged when a fresh
/// lint's fixes are applied again. Returns whether it converged within `MAX_ROUNDS`
/// (not asserted: a known finding is reported, not failed).
fn check_fix(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    let mut current = text.into_owned();
    for _ in 0..MAX_ROUNDS {
        let diags = answerlint::engine::lint_text(&current);
        let (next, n) = apply(&current, &diags, MODE);
        if n == 0 || next == current {
            let diags = answerlint::engine::lint_text(&current);
            let (again, _) = apply(&current, &diags, MODE);
            assert_eq!(
                again, current,
                "a stable text changed when its fixes were applied again"
            );
            return true;
        }
        current = next;
    }
    let diags = answerlint::engine::lint_text(&current);
    let (next, n) = apply(&current, &diags, MODE);
    n == 0 || next == current
}

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join("regressions")
        .join(target);
    assert!(dir.is_dir(), "{} is missing", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "{} holds no inputs: the replay would check nothing",
        dir.display()
    );
    files
}

/// Runs `check` on every input of `target`, and fails once at the end naming every input
/// that panicked, so one failure does not hide the others.
fn replay(target: &str, check: impl Fn(&Path, &[u8])) {
    let mut failed = Vec::new();
    for path in inputs(target) {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| check(&path, &data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} input(s) of fuzz target `{target}` fail (panic messages above):\n  {}",
        failed.len(),
        failed.join("\n  ")
    );
}

#[test]
fn replay_decode() {
    replay("decode", |_, data| check_decode(data));
}

#[test]
fn replay_lint() {
    replay("lint", |_, data| check_lint(data));
}

#[test]
fn replay_fix() {
    // The fuzzer's one finding (a rewrite that piled up tiers, fuzz/README.md) is fixed:
    // every input now converges.
    replay("fix", |path, data| {
        assert!(
            check_fix(data),
            "fixes do not converge in {MAX_ROUNDS} rounds: {}",
            path.display()
        );
    });
}
