//! The sentence model on CPU: sentences per second for batch sizes 1, 8, 32 and 128, the
//! time to load an installed model, and peak memory (VmHWM) after the run. On a CPU with
//! AVX512-BF16 the sentence groups run twice: the default bf16 kernel, then candle's f32
//! matmul (`ANSWERLINT_CPU_MATMUL=f32`).
//!
//! `cargo bench --bench model` (installs the model on first use, like `check`).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use answerlint::model::{self, DeviceChoice, Model};

fn sentences() -> Vec<String> {
    let data = std::fs::read_to_string("models/data/heldout/zh.jsonl").unwrap()
        + &std::fs::read_to_string("models/data/heldout/en.jsonl").unwrap();
    data.lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .take(256)
        .collect()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench(c: &mut Criterion) {
    let dir = model::default_model_dir();
    if model::Installed::open(&dir).is_err() {
        model::install::install(&dir, "python3", &mut |_| {}).expect("install the model");
    }
    let device = model::device(DeviceChoice::Auto).unwrap();

    let mut g = c.benchmark_group("model load");
    g.sample_size(10);
    g.bench_function("Model::load (weights mapped, tokenizer, heads)", |b| {
        b.iter(|| Model::load(&dir, &device).unwrap())
    });
    g.finish();

    let texts = sentences();
    // Both CPU matmul kernels in one run where the CPU has AVX512-BF16, so that their
    // ratio is measured under the same load.
    let mut kernels = vec!["default"];
    if device.is_cpu() && answerlint::model::cpu::bf16_supported() {
        kernels.push("f32");
    }
    for kernel in kernels {
        if kernel == "f32" {
            std::env::set_var("ANSWERLINT_CPU_MATMUL", "f32");
        }
        let m = Model::load(&dir, &device).unwrap();
        std::env::remove_var("ANSWERLINT_CPU_MATMUL");
        let mut g = c.benchmark_group(format!("embed + heads ({kernel} matmul)"));
        g.sample_size(10);
        for batch in [1usize, 8, 32, 128] {
            let n = 128;
            let chunk: Vec<&str> = texts.iter().take(n).map(String::as_str).collect();
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(
                BenchmarkId::new("sentences, batch", batch),
                &batch,
                |b, &batch| b.iter(|| m.embed(black_box(&chunk), batch).unwrap().len()),
            );
        }
        g.finish();
    }
    if let Some(mb) = peak_rss_mb() {
        eprintln!("peak RSS of the benchmark process: {mb:.0} MB");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
