//! What the commands write: `check`'s printer, progress bars and spinners. The only part
//! of answerlint that draws on the terminal (the library returns text and reports progress
//! through callbacks).
//!
//! The printer takes outcomes one at a time. Formats written file by file (human,
//! concise, github) go to the sink as each file is linted; the others (JSON, SARIF), and
//! runs whose output needs every file (fixes, diffs, stdin), collect the outcomes and
//! render them at the end. `--quiet` is what it does not print: the summary line, notes
//! and warnings.

use std::io::Write;

use answerlint::engine::Outcome;
use answerlint::render::{self, Counts, Format, HumanOptions};
use answerlint::Severity;

use super::args::{CheckArgs, ColorArg, FailOn};
use super::{Output, Terminal};

/// How a `check` run ends besides its outcomes.
#[derive(Default)]
pub(super) struct Finish {
    /// Printed instead of the findings: a diff (--diff), or the fixed text of stdin.
    pub replaced: Option<String>,
    /// Bytes printed instead of everything else: the fixed text of stdin, encoded.
    pub raw: Option<Vec<u8>>,
    /// With --diff: whether anything would change (the exit code says so).
    pub would_change: Option<bool>,
    /// Lines for stderr before the notices (what --fix did).
    pub stderr: String,
}

/// `check`'s output, fed one outcome at a time.
pub(super) struct Printer<'a> {
    format: Format,
    opts: HumanOptions,
    quiet: bool,
    threshold: Severity,
    exit_zero: bool,
    /// Where each file's output goes as it comes; `None`: collect them.
    sink: Option<&'a mut dyn Write>,
    collected: Vec<Outcome>,
    /// Human notes of collected outcomes, printed before their findings.
    notes: String,
    counts: Counts,
    stderr: String,
    findings: bool,
    io_error: bool,
}

impl<'a> Printer<'a> {
    /// A printer for `args`, streaming into `sink` when given.
    pub fn new(args: &CheckArgs, term: Terminal, sink: Option<&'a mut dyn Write>) -> Printer<'a> {
        let color = match args.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => term.stdout_is_tty && !term.no_color,
        };
        Printer {
            format: args.format,
            opts: HumanOptions {
                color,
                findings_only: args.quiet,
            },
            quiet: args.quiet,
            threshold: fail_threshold(args.fail_on),
            exit_zero: args.exit_zero,
            sink,
            collected: Vec::new(),
            notes: String::new(),
            counts: Counts::default(),
            stderr: String::new(),
            findings: false,
            io_error: false,
        }
    }

    /// Takes one outcome: its findings count towards the exit code, its problems go to
    /// stderr, its findings are written (streaming) or kept for the end.
    pub fn outcome(&mut self, o: Outcome) {
        self.counts.add(&o);
        let mut note = String::new();
        match &o {
            Outcome::Linted(r) => {
                self.findings |= r.diagnostics.iter().any(|d| d.severity >= self.threshold);
                if !self.quiet {
                    let markdown = !r.path.to_ascii_lowercase().ends_with(".txt");
                    for (at, name, nearest) in
                        answerlint::document::suppress::unknown_rules(&r.text, markdown)
                    {
                        self.stderr.push_str(&format!(
                            "warning: {}:{}: unknown rule `{name}` in a suppression comment (nearest known rule: `{nearest}`)\n",
                            r.path,
                            r.line_index.line_of(at) + 1
                        ));
                    }
                }
                if !self.quiet && !r.encoding.is_utf8() {
                    let line = format!(
                        "note: {}: decoded as {} (not UTF-8)\n",
                        render::escape_controls(&r.path),
                        r.encoding.name()
                    );
                    if self.format == Format::Human {
                        note = line;
                    } else {
                        self.stderr.push_str(&line);
                    }
                }
            }
            Outcome::Error { path, message } => {
                self.io_error = true;
                self.stderr.push_str(&format!(
                    "error: {}: {message}\n",
                    render::escape_controls(path)
                ));
            }
            Outcome::Skipped { path, reason } => {
                if !self.quiet {
                    self.stderr.push_str(&format!(
                        "warning: {}: {reason}\n",
                        render::escape_controls(path)
                    ));
                }
            }
        }
        let Some(sink) = self.sink.as_mut() else {
            self.notes.push_str(&note);
            self.collected.push(o);
            return;
        };
        let one = std::slice::from_ref(&o);
        note.push_str(&match self.format {
            Format::Human => render::human_file(&o, &self.opts),
            Format::Concise => render::concise(one),
            _ => render::github(one),
        });
        // A closed pipe (answerlint ... | head) is not an error worth reporting.
        let _ = sink.write_all(note.as_bytes());
    }

    /// Whether the human summary line says something true: never "All checks passed"
    /// when nothing was checked or a file could not be read.
    fn summary_is_true(&self) -> bool {
        let c = &self.counts;
        let problems = c.errors + c.warnings + c.infos;
        c.files > 0 && (problems > 0 || !self.io_error)
    }

    /// What is left to print, and the exit code: 2 for an I/O problem, 1 for findings at
    /// or above --fail-on (with --diff: for changes), else 0.
    pub fn finish(self, notices: Vec<String>, end: Finish) -> Output {
        let mut stdout = String::new();
        let summary = self.summary_is_true();
        if let Some(text) = end.replaced {
            stdout = text;
        } else if self.sink.is_some() {
            if self.format == Format::Human && !self.quiet && summary {
                stdout.push_str(&render::human_summary(&self.counts, &self.opts));
            }
        } else {
            stdout = self.notes;
            if self.format == Format::Human {
                for o in &self.collected {
                    stdout.push_str(&render::human_file(o, &self.opts));
                }
                if !self.quiet && summary {
                    stdout.push_str(&render::human_summary(&self.counts, &self.opts));
                }
            } else {
                stdout.push_str(&render::render(self.format, &self.collected, &self.opts));
            }
        }
        let mut stderr = end.stderr;
        if !self.quiet {
            for n in notices {
                stderr.push_str(&format!("warning: {n}\n"));
            }
        }
        stderr.push_str(&self.stderr);
        let findings = end.would_change.unwrap_or(self.findings);
        Output {
            stdout,
            stdout_raw: end.raw,
            stderr,
            code: exit_code(self.io_error, findings, self.exit_zero),
        }
    }
}

/// 2 for an I/O or usage problem, 1 for findings (unless --exit-zero), else 0.
fn exit_code(io_error: bool, findings: bool, exit_zero: bool) -> i32 {
    if io_error {
        2
    } else if findings && !exit_zero {
        1
    } else {
        0
    }
}

fn fail_threshold(f: FailOn) -> Severity {
    match f {
        FailOn::Info => Severity::Info,
        FailOn::Warning => Severity::Warning,
        FailOn::Error => Severity::Error,
    }
}

/// The bar `check` and `report` draw over many files: files done, files/s, time left.
pub(super) fn progress_bar(len: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} files  {per_sec}  {eta} left",
        )
        .expect("progress template"),
    );
    bar
}

/// Runs `f` with a spinner on stderr when stderr is a terminal; `f` reports its steps.
pub(super) fn with_progress<T>(term: Terminal, f: impl FnOnce(&mut dyn FnMut(&str)) -> T) -> T {
    if !term.stderr_is_tty {
        return f(&mut |_| {});
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    let out = f(&mut |s: &str| pb.set_message(s.to_string()));
    pb.finish_and_clear();
    out
}
