//! Replays the inputs kept under `fuzz/regressions/<target>/` through the same checks as
//! the cargo-fuzz targets in `fuzz/fuzz_targets/`, so that every normal `cargo test` run
//! (stable toolchain, no libFuzzer) re-checks crashes found once and a sample of the
//! fuzzers' corpora, with the same checks (`answerlint::invariants`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use answerlint::fix::MAX_ROUNDS;
use answerlint::invariants::{decode_round_trip, fixes_converge, fixes_keep_words, lint_ranges};

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
    replay("decode", |_, data| decode_round_trip(data));
}

#[test]
fn replay_lint() {
    replay("lint", |_, data| {
        lint_ranges(&String::from_utf8_lossy(data));
    });
}

#[test]
fn replay_fix() {
    // The fuzzer's one finding (a rewrite that piled up tiers, fuzz/README.md) is fixed:
    // every input now converges.
    replay("fix", |path, data| {
        let text = String::from_utf8_lossy(data);
        // The edit contract, rewrites included, as the fuzz target checks it.
        fixes_keep_words(&text, true);
        assert!(
            fixes_converge(&text),
            "fixes do not converge in {MAX_ROUNDS} rounds: {}",
            path.display()
        );
    });
}
