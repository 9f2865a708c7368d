//! Adversarial inputs (issue 16): the release binary on texts shaped to make per-finding
//! work blow up, each run as a whole process (wall time and peak RSS from `wait4`):
//! one long line holding thousands of vague phrases in one clause (Chinese, English),
//! a line of thousands of one-phrase clauses separated by commas, and a big ordinary
//! text on stdin. Each in human and JSON output and as `--diff --unsafe-fixes`.
//!
//! `cargo bench --bench adversarial` (criterion's timings for two shapes, then a table of
//! one run per shape and output). Set `ADVERSARIAL_BIG=1` to add the 10 MB shapes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/corpus.rs"]
mod corpus;

/// One shape: a name and the text.
struct Shape {
    name: String,
    path: PathBuf,
    bytes: usize,
}

fn shapes(dir: &Path, big: bool) -> Vec<Shape> {
    let mut texts: Vec<(String, String)> = vec![
        (
            "zh one clause, 8,000 findings".into(),
            "我们会尽力解决".repeat(8_000),
        ),
        (
            "zh one clause, 20,000 findings".into(),
            "我们会尽力解决".repeat(20_000),
        ),
        (
            "zh 7,300 one-phrase clauses (commas)".into(),
            "尽快，".repeat(7_300),
        ),
        (
            "en one clause, 8,000 findings".into(),
            "we'll do our best ".repeat(8_000),
        ),
    ];
    // Ordinary scripts, one after another: what a big paste on stdin looks like.
    let scripts = corpus::corpus(16, 4_000, 800, 1_250).join("\n\n");
    texts.push(("stdin, 4,000 scripts".into(), scripts));
    if big {
        texts.push((
            "zh one clause, 10 MB".into(),
            "我们会尽力解决".repeat(10_000_000 / 21),
        ));
        texts.push((
            "zh one-phrase clauses, 10 MB".into(),
            "尽快，".repeat(10_000_000 / 9),
        ));
        texts.push((
            "en one clause, 10 MB".into(),
            "we'll do our best ".repeat(10_000_000 / 18),
        ));
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(i, (name, mut text))| {
            text.push('\n');
            let path = dir.join(format!("s{i}.md"));
            std::fs::write(&path, &text).unwrap();
            Shape {
                name,
                path,
                bytes: text.len(),
            }
        })
        .collect()
}

/// The output modes measured.
const MODES: [(&str, &[&str]); 3] = [
    ("human", &[]),
    ("json", &["--format", "json"]),
    ("diff", &["--diff", "--unsafe-fixes"]),
];

fn command(shape: &Shape, mode: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_answerlint"));
    c.args(["check", "--no-model", "--no-cache", "--exit-zero"])
        .args(mode)
        .stderr(Stdio::null());
    if shape.name.starts_with("stdin") {
        c.arg("-").stdin(Stdio::piped());
    } else {
        c.arg(&shape.path).stdin(Stdio::null());
    }
    c.stdout(Stdio::piped());
    c
}

/// Runs a command to its end: wall time, the child's peak RSS in KiB (wait4), the bytes
/// it wrote on stdout and its exit code.
// The child is reaped by wait4, which std's `Child::wait` cannot report RSS from.
#[allow(clippy::zombie_processes)]
fn run(shape: &Shape, mode: &[&str]) -> (Duration, u64, usize, i32) {
    let t = Instant::now();
    let mut child = command(shape, mode).spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let feeder = child.stdin.take().map(|mut stdin| {
        let text = std::fs::read(&shape.path).unwrap();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&text);
        })
    });
    let mut stdout = child.stdout.take().unwrap();
    let counter = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold; `usage` is a valid rusage.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    let elapsed = t.elapsed();
    if let Some(f) = feeder {
        f.join().unwrap();
    }
    let out = counter.join().unwrap().unwrap_or(0) as usize;
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (elapsed, usage.ru_maxrss as u64, out, code)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let big = std::env::var_os("ADVERSARIAL_BIG").is_some();
    let shapes = shapes(dir.path(), big);

    let mut g = c.benchmark_group("adversarial");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    for s in [&shapes[1], &shapes[2]] {
        g.bench_function(format!("{}, json", s.name), |b| {
            b.iter(|| run(s, MODES[1].1))
        });
    }
    g.finish();

    println!("\n| input | bytes | output | wall | peak RSS | stdout bytes | exit |");
    println!("|---|---|---|---|---|---|---|");
    for s in &shapes {
        for (mode, args) in MODES {
            let (t, rss, out, code) = run(s, args);
            println!(
                "| {} | {} | {mode} | {:.2} s | {:.1} MB | {out} | {code} |",
                s.name,
                s.bytes,
                t.as_secs_f64(),
                rss as f64 / 1024.0
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
