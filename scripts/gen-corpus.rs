//! Writes the batch benchmark's generated answer scripts (benches/support/corpus.rs, the
//! same seed and sizes as `cargo bench --bench batch`) into a folder, 100 files a
//! subfolder, for measuring a copied binary where there is no Rust (scripts/gpu-check.sh).
//!
//!   rustc -O --edition 2021 scripts/gen-corpus.rs -o target/gen-corpus
//!   target/gen-corpus DIR [N]      # N defaults to 10,000

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(std::path::PathBuf::from) else {
        eprintln!("usage: gen-corpus DIR [N]");
        std::process::exit(2);
    };
    let n: usize = match args.next().map(|s| s.parse()) {
        None => 10_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("gen-corpus: N: {e}");
            std::process::exit(2);
        }
    };
    for (i, f) in corpus::corpus(2026, n, 800, 1_250).iter().enumerate() {
        let sub = dir.join(format!("c{:03}", i / 100));
        let path = sub.join(format!("s{i:05}.md"));
        if let Err(e) = std::fs::create_dir_all(&sub).and_then(|_| std::fs::write(&path, f)) {
            eprintln!("gen-corpus: {}: {e}", path.display());
            std::process::exit(2);
        }
    }
}
