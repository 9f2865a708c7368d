//! Command-line interface: argument definitions and the commands, returning what to print
//! and the exit code. `main.rs` only parses, calls [`run`], prints and exits.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::document::Lang;
use crate::engine::{Linter, Outcome, Settings};
use crate::input::{discover, DiscoverOptions, Discovered};
use crate::render::{self, Format, HumanOptions};
use crate::rules::REGISTRY;
use crate::Severity;

const EXAMPLES: &str = "\
Examples:
  answerlint check examples/                 lint every .md/.markdown/.txt under a directory
  answerlint check answer.md --format json   machine-readable output
  answerlint check - --stdin-filename a.md < a.md
                                             lint stdin (what editors do on save)
  answerlint check --select vague-commitment,hedged-figure scripts/
  answerlint rules                           list the rules and their default severities
  answerlint explain vague-commitment        what a rule flags, why, and examples

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or I/O error.";

#[derive(Debug, Parser)]
#[command(
    name = "answerlint",
    version,
    about = "Lint interview answer scripts (Chinese and English) for vague commitments, hedged \
             figures, figures without evidence and unverifiable plans.",
    after_help = EXAMPLES,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files, directories or stdin.
    #[command(after_help = EXAMPLES)]
    Check(CheckArgs),
    /// List the rules with their default severities.
    Rules {
        /// human (a table) or json.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print a rule's documentation: what it flags, why, examples, options.
    Explain {
        /// A rule id, as printed by `answerlint rules`.
        rule: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    Auto,
    Zh,
    En,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Use this configuration file for every input instead of the nearest answerlint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Never run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Language of the text: auto-detected per sentence, or forced.
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    pub lang: LangArg,
    /// Do not use the sentence model (lexicon and pattern rules only).
    #[arg(long)]
    pub no_model: bool,
    /// Read the text from stdin (same as the path `-`).
    #[arg(long)]
    pub stdin: bool,
    /// Name for stdin input: used to find answerlint.toml and shown in the output.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Print the configuration that applies (the nearest answerlint.toml merged with the
    /// defaults) and exit.
    #[arg(long)]
    pub show_config: bool,
    /// Only diagnostics: no summary line, notes or warnings.
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour in human output: auto (only on a terminal, and not with NO_COLOR).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// Where the process runs, as far as output decisions go.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout_is_tty: bool,
    pub no_color: bool,
}

/// What to print and how to exit.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

pub fn run(cli: Cli, stdin: &mut dyn Read, term: Terminal) -> Output {
    match cli.command {
        Command::Check(args) => check(args, stdin, term),
        Command::Rules { format } => rules(format),
        Command::Explain { rule } => explain(&rule),
    }
}

fn usage_error(message: String) -> Output {
    Output {
        stdout: String::new(),
        stderr: format!("error: {message}\n"),
        code: 2,
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
            let v: Vec<_> = REGISTRY
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({"id": m.id, "default_severity": m.default_severity, "summary": m.summary, "fixable": m.fixable})
                })
                .collect();
            out = serde_json::to_string_pretty(&v).unwrap_or_default();
            out.push('\n');
        }
    }
    Output {
        stdout: out,
        ..Default::default()
    }
}

fn explain(rule: &str) -> Output {
    match crate::rules::find(rule) {
        Some(r) => Output {
            stdout: r.meta().docs(),
            ..Default::default()
        },
        None => usage_error(format!(
            "unknown rule `{rule}`; `answerlint rules` lists the rules"
        )),
    }
}

fn check(args: CheckArgs, stdin: &mut dyn Read, term: Terminal) -> Output {
    for id in args.select.iter().flatten().chain(&args.ignore) {
        if crate::rules::find(id).is_none() {
            return usage_error(format!(
                "unknown rule `{id}` in --select/--ignore; `answerlint rules` lists the rules"
            ));
        }
    }
    let use_stdin = args.stdin || args.paths.iter().any(|p| p.as_os_str() == "-");
    if use_stdin && args.paths.iter().any(|p| p.as_os_str() != "-") {
        return usage_error("stdin (`-` or --stdin) cannot be combined with paths".into());
    }
    let settings = Settings {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        lang: match args.lang {
            LangArg::Auto => None,
            LangArg::Zh => Some(Lang::Zh),
            LangArg::En => Some(Lang::En),
        },
        config_file: args.config.clone(),
    };
    let mut linter = match Linter::new(settings) {
        Ok(l) => l,
        Err(e) => return usage_error(e.to_string()),
    };
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "-".to_string());
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.show_config {
        let target = if use_stdin {
            PathBuf::from(&stdin_name)
        } else {
            paths[0].clone()
        };
        let dir = if target.is_dir() {
            target.clone()
        } else {
            std::path::absolute(&target)
                .ok()
                .and_then(|p| p.parent().map(|p| p.to_path_buf()))
                .unwrap_or_default()
        };
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        return match linter.config_for_dir(&dir) {
            Ok(r) => Output {
                stdout: format!(
                    "# answerlint configuration for {}\n# from: {}\n\n{}",
                    target.display(),
                    r.path
                        .as_ref()
                        .map_or("defaults".to_string(), |p| p.display().to_string()),
                    r.config.to_toml()
                ),
                ..Default::default()
            },
            Err(e) => usage_error(e.to_string()),
        };
    }

    let mut outcomes: Vec<Outcome> = Vec::new();
    if use_stdin {
        let mut bytes = Vec::new();
        if let Err(e) = stdin.read_to_end(&mut bytes) {
            return usage_error(format!("cannot read stdin: {e}"));
        }
        outcomes.push(linter.lint_stdin(&stdin_name, &bytes));
    } else {
        // Extensions for directory walks come from the configuration where the walk starts.
        let mut found = Vec::new();
        for root in &paths {
            let dir = if root.is_dir() {
                root.clone()
            } else {
                root.parent().map(|p| p.to_path_buf()).unwrap_or_default()
            };
            let abs = std::path::absolute(&dir).unwrap_or(dir);
            let exts = match linter.config_for_dir(&abs) {
                Ok(r) => r.config.files.extensions.clone(),
                Err(e) => return usage_error(e.to_string()),
            };
            found.extend(discover(
                std::slice::from_ref(root),
                &DiscoverOptions { extensions: &exts },
            ));
        }
        found.sort_by(|a, b| a.path().cmp(b.path()));
        found.dedup_by(|a, b| a.path() == b.path());
        for d in found {
            match d {
                Discovered::File { path, explicit } => {
                    outcomes.push(linter.lint_path(&path, explicit))
                }
                Discovered::Error { path, message } => outcomes.push(Outcome::Error {
                    path: path.display().to_string(),
                    message,
                }),
            }
        }
    }

    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => term.stdout_is_tty && !term.no_color,
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if args.format == Format::Human && !args.quiet {
        for o in &outcomes {
            if let Outcome::Linted(r) = o {
                if !r.encoding.is_utf8() {
                    stdout.push_str(&format!(
                        "note: {}: decoded as {} (not UTF-8)\n",
                        r.path,
                        r.encoding.name()
                    ));
                }
            }
        }
    }
    let body = render::render(args.format, &outcomes, &HumanOptions { color });
    if args.quiet && args.format == Format::Human {
        // Drop the summary line.
        let trimmed = body.trim_end_matches('\n');
        stdout.push_str(match trimmed.rfind('\n') {
            Some(i) => &body[..i + 1],
            None => "",
        });
    } else {
        stdout.push_str(&body);
    }
    let mut io_error = false;
    for o in &outcomes {
        match o {
            Outcome::Error { path, message } => {
                io_error = true;
                stderr.push_str(&format!("error: {path}: {message}\n"));
            }
            Outcome::Skipped { path, reason } if !args.quiet => {
                stderr.push_str(&format!("warning: {path}: {reason}\n"));
            }
            Outcome::Linted(r)
                if !args.quiet && args.format != Format::Human && !r.encoding.is_utf8() =>
            {
                stderr.push_str(&format!(
                    "note: {}: decoded as {} (not UTF-8)\n",
                    r.path,
                    r.encoding.name()
                ));
            }
            _ => {}
        }
    }
    let threshold = match args.fail_on {
        FailOn::Info => Severity::Info,
        FailOn::Warning => Severity::Warning,
        FailOn::Error => Severity::Error,
    };
    let findings = outcomes.iter().any(|o| match o {
        Outcome::Linted(r) => r.diagnostics.iter().any(|d| d.severity >= threshold),
        _ => false,
    });
    let code = if io_error {
        2
    } else if findings && !args.exit_zero {
        1
    } else {
        0
    };
    Output {
        stdout,
        stderr,
        code,
    }
}
