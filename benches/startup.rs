//! Cold start as an editor sees it: a new `answerlint check -` process per save, on a
//! 2 KB Chinese script and a 2 KB English one, measured end to end (spawn, load, lint,
//! print, exit); lexicon rules only (`--no-model`), and with the sentence model when it is
//! installed (load plus embedding every statement of the script).
//!
//! `cargo bench --bench startup`

use std::io::Write;
use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/corpus.rs"]
mod corpus;

fn run_once(input: &str, model: bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_answerlint"))
        .args([
            "check",
            "-",
            "--stdin-filename",
            "answer.md",
            "--format",
            "json",
        ])
        .args(if model { None } else { Some("--no-model") })
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn answerlint");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let status = child.wait().unwrap();
    assert!(matches!(status.code(), Some(0 | 1)));
}

fn bench(c: &mut Criterion) {
    let mut rng = corpus::Rng::new(3);
    let mut zh = String::new();
    let mut en = String::new();
    while zh.len() < 2_000 || en.len() < 2_000 {
        let s = corpus::script(&mut rng, 1_000);
        let t = if s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            &mut zh
        } else {
            &mut en
        };
        if t.len() < 2_000 {
            t.push_str(&s);
        }
    }
    let mut g = c.benchmark_group("cold start: check - (2 KB)");
    g.sample_size(30);
    g.bench_function("zh, --no-model", |b| b.iter(|| run_once(&zh, false)));
    g.bench_function("en, --no-model", |b| b.iter(|| run_once(&en, false)));
    let dir = answerlint::model::default_model_dir();
    if answerlint::model::Installed::open(&dir).is_ok() {
        g.sample_size(10);
        g.bench_function("zh, with the model", |b| b.iter(|| run_once(&zh, true)));
        g.bench_function("en, with the model", |b| b.iter(|| run_once(&en, true)));
    }
    g.bench_function("process spawn only (true)", |b| {
        b.iter(|| Command::new("true").status().unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
