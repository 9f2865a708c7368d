//! Command-line interface: argument definitions and the commands, returning what to print
//! and the exit code. `main.rs` only parses, calls [`run_to`], prints and exits. Part of
//! the binary, not the library: the library never prints.
//!
//! - `args`: what clap parses.
//! - `check`: `check`, `fix`, `rewrite` (lint, fix loop, write back).
//! - `report`: `report` (HTML, Markdown, CSV).
//! - `model`: `model install`, `model status`, `train`; loading the model for `check`.
//! - `output`: the printer, progress bars, exit codes.
//! - `serve`: `serve`, the web workbench: a local HTTP server, its JSON API and page.
//! - `train`: training the classifier heads (`answerlint train`), which lints the corpus
//!   with the engine and so sits above it, outside the library's model layer.

mod args;
mod audit;
mod check;
mod model;
mod output;
mod report;
mod serve;
pub mod server;
mod train;

use std::io::{Read, Write};

pub use args::{Cli, Command};
use args::{ModelCommand, RulesFormat, TemplateArg};

use answerlint::rules::REGISTRY;

/// Where the process runs, as far as output decisions go.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout_is_tty: bool,
    pub stderr_is_tty: bool,
    pub no_color: bool,
    /// ANSWERLINT_NO_MODEL is set (to anything but empty or 0).
    pub no_model_env: bool,
}

/// What to print and how to exit.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    /// Bytes written to stdout instead of `stdout` (stdin with --fix: the text in its
    /// own encoding, or the input unchanged).
    pub stdout_raw: Option<Vec<u8>>,
    pub stderr: String,
    pub code: i32,
}

/// Runs a command: what to print and the exit code; the output of a long `check` is
/// written to `sink` file by file as it is linted (the returned `stdout` then holds only
/// what comes after), so that a run over
/// many files does not hold all their results.
pub fn run_to(cli: Cli, stdin: &mut dyn Read, term: Terminal, sink: &mut dyn Write) -> Output {
    match cli.command {
        Command::Check(args) => check::check(args, stdin, term, sink),
        Command::Fix(mut args) => {
            args.fix = !args.diff;
            check::check(args, stdin, term, sink)
        }
        Command::Rewrite(mut args) => {
            args.template.get_or_insert(TemplateArg::ThreeTier);
            args.fix = !args.diff;
            check::check(args, stdin, term, sink)
        }
        Command::Report(args) => report::report(args, term),
        Command::Audit(args) => audit::audit(args, term),
        Command::Serve(args) => serve::serve(args, term),
        Command::Rules { format } => rules(format),
        Command::Explain { rule } => explain(&rule),
        Command::Model(ModelCommand::Install { model }) => model::model_install(&model, term),
        Command::Model(ModelCommand::Status { model, verify }) => {
            model::model_status(&model, verify)
        }
        Command::Model(ModelCommand::Bench(args)) => model::model_bench(&args, term),
        Command::Model(ModelCommand::Trim { model, texts, out }) => {
            model::model_trim(&model, &texts, &out)
        }
        Command::Train(args) => model::train(&args, term),
        Command::Completions { shell } => completions(shell),
        Command::Manpage => manpage(),
        // main.rs runs the server before stdout is locked for printing.
        Command::Server(_) => usage_error("`server` runs from main".into()),
    }
}

/// The completion script for `shell`, from the same clap definition that parses.
fn completions(shell: clap_complete::Shell) -> Output {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "answerlint", &mut buf);
    Output {
        stdout: String::from_utf8_lossy(&buf).into_owned(),
        ..Default::default()
    }
}

/// The man page (roff): synopsis, options, the commands, version.
fn manpage() -> Output {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut buf) {
        return usage_error(format!("cannot render the man page: {e}"));
    }
    Output {
        stdout: String::from_utf8_lossy(&buf).into_owned(),
        ..Default::default()
    }
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn usage_error(message: String) -> Output {
    Output {
        stdout: String::new(),
        stderr: format!("error: {message}\n"),
        code: 2,
        stdout_raw: None,
    }
}

fn rules(format: RulesFormat) -> Output {
    let mut out = String::new();
    match format {
        RulesFormat::Human => {
            out.push_str(&format!("{:<20} {:<8} {}\n", "RULE", "DEFAULT", "FLAGS"));
            for r in REGISTRY {
                let m = r.meta();
                out.push_str(&format!(
                    "{:<20} {:<8} {}\n",
                    m.id,
                    m.default_severity.as_str(),
                    m.summary
                ));
            }
        }
        RulesFormat::Json => {
            out = serde_json::to_string_pretty(&rules_json()).unwrap_or_default();
            out.push('\n');
        }
    }
    Output {
        stdout: out,
        ..Default::default()
    }
}

/// The rules as `rules --format json` (and the web workbench's `/api/rules`) list them.
fn rules_json() -> serde_json::Value {
    REGISTRY
        .iter()
        .map(|r| {
            let m = r.meta();
            serde_json::json!({"id": m.id, "default_severity": m.default_severity, "summary": m.summary, "fixable": m.fixable})
        })
        .collect()
}

/// What `explain RULE` prints (`score`: how the readiness score is computed); `None` for
/// an unknown rule.
fn explain_text(rule: &str) -> Option<String> {
    if rule == "score" {
        return Some(answerlint::rules::module_docs(include_str!(
            "../structure/score.rs"
        )));
    }
    answerlint::rules::find(rule).map(|r| r.meta().docs())
}

fn explain(rule: &str) -> Output {
    match explain_text(rule) {
        Some(stdout) => Output {
            stdout,
            ..Default::default()
        },
        None => usage_error(format!(
            "unknown rule `{rule}`; `answerlint rules` lists the rules"
        )),
    }
}
