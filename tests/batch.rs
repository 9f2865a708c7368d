//! Many files at once: the same results in the same order for any number of threads, the
//! model called once per chunk of files (one queue of sentences from all of them, not
//! file by file), and what each file's sentences got back is its own.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use answerlint::engine::{Outcome, Settings};
use answerlint::rules::{Scorer, Signal};
use answerlint::Linter;

mod common;

fn inputs() -> Vec<(PathBuf, bool)> {
    common::script_files()
        .into_iter()
        .map(|p| (p, true))
        .collect()
}

/// Every finding of every file, as text.
fn summary(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .map(|o| match o {
            Outcome::Linted(r) => format!(
                "{} {:?} {:?}",
                r.path,
                r.diagnostics
                    .iter()
                    .map(|d| (d.rule, d.span, &d.message, d.confidence))
                    .collect::<Vec<_>>(),
                r.score.as_ref().map(|s| s.total)
            ),
            other => format!("{other:?}"),
        })
        .collect()
}

fn with_threads<T: Send>(n: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
        .install(f)
}

/// A scorer that records its calls and scores a sentence by its own text (the share of
/// its bytes that are ASCII), so a mix-up between files would show.
struct Recording {
    calls: AtomicUsize,
    sizes: Mutex<Vec<usize>>,
}

impl Scorer for Recording {
    fn score(&self, texts: &[&str]) -> Result<Vec<[Option<f32>; Signal::COUNT]>, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.sizes.lock().unwrap().push(texts.len());
        Ok(texts
            .iter()
            .map(|t| {
                let ascii = t.bytes().filter(u8::is_ascii).count() as f32 / t.len().max(1) as f32;
                [Some(ascii); Signal::COUNT]
            })
            .collect())
    }
    fn calibration(&self) -> ([[f32; 2]; Signal::COUNT], [Option<f32>; Signal::COUNT]) {
        ([[0.9, 0.9]; Signal::COUNT], [None; Signal::COUNT])
    }
}

#[test]
fn same_results_in_the_same_order_for_any_number_of_threads() {
    let files = inputs();
    assert!(files.len() > 40);
    let one = with_threads(1, || {
        Linter::new(Settings::default()).unwrap().lint_paths(&files)
    });
    let two = with_threads(2, || {
        Linter::new(Settings::default()).unwrap().lint_paths(&files)
    });
    let four = with_threads(4, || {
        Linter::new(Settings::default()).unwrap().lint_paths(&files)
    });
    let one_by_one: Vec<Outcome> = {
        let mut l = Linter::new(Settings::default()).unwrap();
        files.iter().map(|(p, e)| l.lint_path(p, *e)).collect()
    };
    assert_eq!(summary(&one), summary(&two));
    assert_eq!(summary(&one), summary(&four));
    assert_eq!(summary(&one), summary(&one_by_one));
    let paths: Vec<&str> = one.iter().map(|o| o.path()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn the_model_runs_once_over_all_files_and_each_gets_its_own_scores() {
    let files = inputs();
    let scorer = Arc::new(Recording {
        calls: AtomicUsize::new(0),
        sizes: Mutex::new(Vec::new()),
    });
    let batched = with_threads(2, || {
        Linter::new(Settings::default())
            .unwrap()
            .with_scorer(scorer.clone())
            .lint_paths(&files)
    });
    assert_eq!(
        scorer.calls.load(Ordering::SeqCst),
        1,
        "one call for all files"
    );
    let total = scorer.sizes.lock().unwrap()[0];
    // File by file: one call each, the same sentences in all, the same results.
    let single = Arc::new(Recording {
        calls: AtomicUsize::new(0),
        sizes: Mutex::new(Vec::new()),
    });
    let mut l = Linter::new(Settings::default())
        .unwrap()
        .with_scorer(single.clone());
    let one_by_one: Vec<Outcome> = files.iter().map(|(p, e)| l.lint_path(p, *e)).collect();
    assert_eq!(single.sizes.lock().unwrap().iter().sum::<usize>(), total);
    assert!(single.calls.load(Ordering::SeqCst) > 1);
    assert_eq!(summary(&batched), summary(&one_by_one));
    // The scores reached the rules: some finding carries the model's confidence.
    let with_confidence = batched.iter().any(|o| match o {
        Outcome::Linted(r) => r.diagnostics.iter().any(|d| d.confidence.is_some()),
        _ => false,
    });
    assert!(with_confidence, "no model confidence anywhere");
}
