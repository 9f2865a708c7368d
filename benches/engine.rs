//! Rule-engine throughput over a generated corpus, with jieba-rs segmentation (`cut` with its HMM, as the engine uses it) alone as the
//! reference in the same run, and per-file latency for a 2 KB script.
//!
//! `cargo bench --bench engine`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use answerlint::document::{DocOptions, Document};
use answerlint::engine::{run_rules, Resolved, Settings};

#[path = "support/corpus.rs"]
mod corpus;

fn lint(resolved: &Resolved, settings: &Settings, text: &str) -> usize {
    let doc = Document::build(text.to_string(), &resolved.lexicons, DocOptions::default());
    run_rules(&doc, resolved, settings, None).len()
}

fn bench(c: &mut Criterion) {
    let resolved = Resolved::defaults();
    let settings = Settings::default();
    // Load the segmenter and compile the patterns outside the measurement.
    lint(
        &resolved,
        &settings,
        "我们会尽力解决，退货率1.2%。We'll do our best.",
    );
    let files = corpus::corpus(42, 500, 500, 5_000);
    let bytes: usize = files.iter().map(String::len).sum();
    let joined = files.concat();

    let mut g = c.benchmark_group("throughput");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("rules (500 scripts)", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| lint(&resolved, &settings, black_box(f)))
                .sum::<usize>()
        })
    });
    g.bench_function("jieba-rs cut only (same text)", |b| {
        let j = answerlint::document::tokens::segmenter();
        b.iter(|| j.cut(black_box(&joined), true).len())
    });
    g.finish();

    let mut rng = corpus::Rng::new(7);
    let two_kb = corpus::script(&mut rng, 2_000);
    let mut g = c.benchmark_group("latency");
    g.throughput(Throughput::Bytes(two_kb.len() as u64));
    g.bench_function("one 2 KB script", |b| {
        b.iter(|| lint(&resolved, &settings, black_box(&two_kb)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
