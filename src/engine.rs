//! The engine: one file or text in, diagnostics out.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, ConfigError};
use crate::document::{DocOptions, Document, Lang};
use crate::input::{self, Decoded, Encoding};
use crate::lexicon::Lexicons;
use crate::rules::{self, Context, Scorer, SentenceScores};
use crate::structure::{Script, SectionType};
use crate::Diagnostic;

/// Settings from the command line that apply to every file.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Only these rules (`--select`); `None` for all enabled ones.
    pub select: Option<Vec<String>>,
    /// Never these rules (`--ignore`).
    pub ignore: Vec<String>,
    /// `--lang zh|en`; `None` for auto-detection per sentence.
    pub lang: Option<Lang>,
    /// `--config FILE`: used for every file instead of the nearest `answerlint.toml`.
    pub config_file: Option<PathBuf>,
}

/// What linting one file produced.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given (or found by walking a directory given), or the stdin name.
    pub path: String,
    pub encoding: Encoding,
    pub text: String,
    pub line_index: crate::document::LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// The readiness score; `None` when the file has no answer text.
    pub score: Option<crate::structure::score::Score>,
    /// A hash of the bytes as read ([`crate::fix::digest`]), to notice a change on disk
    /// before writing fixes.
    pub digest: u64,
}

#[derive(Debug)]
pub enum Outcome {
    Linted(FileReport),
    /// Not linted, not an error (binary file, excluded by config): the reason.
    Skipped {
        path: String,
        reason: String,
    },
    /// Could not be read or decoded: exit code 2.
    Error {
        path: String,
        message: String,
    },
}

impl Outcome {
    pub fn path(&self) -> &str {
        match self {
            Outcome::Linted(r) => &r.path,
            Outcome::Skipped { path, .. } | Outcome::Error { path, .. } => path,
        }
    }
}

/// A configuration with its compiled lexicons.
#[derive(Debug)]
pub struct Resolved {
    pub config: Config,
    /// Where it came from; `None` for the defaults.
    pub path: Option<PathBuf>,
    pub lexicons: Arc<Lexicons>,
}

impl Resolved {
    fn new(config: Config, path: Option<PathBuf>) -> Resolved {
        let lexicons = if config.lexicon.is_empty() {
            Lexicons::builtin()
        } else {
            let mut entries = crate::lexicon::builtin_entries();
            entries.extend(config.extra_entries());
            Arc::new(Lexicons::new(entries))
        };
        Resolved {
            config,
            path,
            lexicons,
        }
    }

    pub fn defaults() -> Resolved {
        Resolved::new(Config::default(), None)
    }
}

/// Loads the sentence model when a file first needs it; an error is a one-line reason.
pub type ScorerLoader = Box<dyn FnMut() -> Result<Arc<dyn Scorer>, String> + Send>;

enum ModelState {
    Off,
    Pending(ScorerLoader),
    Ready(Arc<dyn Scorer>),
    Unavailable,
}

/// Lints files, with configuration looked up per directory and cached.
pub struct Linter {
    settings: Settings,
    model: ModelState,
    /// Things the user should hear about once (the model could not be loaded...).
    notices: Vec<String>,
    /// Config file path → resolved config.
    configs: HashMap<PathBuf, Arc<Resolved>>,
    /// Directory → config file that applies there.
    dirs: HashMap<PathBuf, Option<PathBuf>>,
    defaults: Arc<Resolved>,
}

impl Linter {
    pub fn new(settings: Settings) -> Result<Linter, ConfigError> {
        let mut linter = Linter {
            settings,
            model: ModelState::Off,
            notices: Vec::new(),
            configs: HashMap::new(),
            dirs: HashMap::new(),
            defaults: Arc::new(Resolved::defaults()),
        };
        if let Some(p) = linter.settings.config_file.clone() {
            let cfg = Config::load(&p)?;
            linter
                .configs
                .insert(p.clone(), Arc::new(Resolved::new(cfg, Some(p))));
        }
        Ok(linter)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Uses the sentence model, loaded by `loader` the first time a file needs it.
    pub fn with_model(mut self, loader: ScorerLoader) -> Linter {
        self.model = ModelState::Pending(loader);
        self
    }

    /// Uses an already loaded scorer.
    pub fn with_scorer(mut self, scorer: Arc<dyn Scorer>) -> Linter {
        self.model = ModelState::Ready(scorer);
        self
    }

    /// Messages collected while linting (each once), for the front end to show.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    fn scorer(&mut self) -> Option<Arc<dyn Scorer>> {
        if let ModelState::Pending(loader) = &mut self.model {
            self.model = match loader() {
                Ok(s) => ModelState::Ready(s),
                Err(e) => {
                    self.notices.push(format!(
                        "sentence model unavailable ({e}); lexicon rules only (pass --no-model to silence this)"
                    ));
                    ModelState::Unavailable
                }
            };
        }
        match &self.model {
            ModelState::Ready(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Scores the sentences rules judge (statements) with the model, if there is one.
    fn scores(&mut self, doc: &Document) -> Option<SentenceScores> {
        if matches!(self.model, ModelState::Off | ModelState::Unavailable) {
            return None;
        }
        let idx: Vec<usize> = (0..doc.sentences.len())
            .filter(|&si| rules::is_statement(doc, si))
            .collect();
        if idx.is_empty() {
            return None;
        }
        let scorer = self.scorer()?;
        let texts: Vec<&str> = idx.iter().map(|&si| doc.sentence_text(si)).collect();
        match scorer.score(&texts) {
            Ok(probs) => {
                let (thresholds, veto_below) = scorer.calibration();
                let mut per_sentence = vec![[None; rules::Signal::COUNT]; doc.sentences.len()];
                for (si, p) in idx.into_iter().zip(probs) {
                    per_sentence[si] = p;
                }
                Some(SentenceScores {
                    per_sentence,
                    thresholds,
                    veto_below,
                })
            }
            Err(e) => {
                self.notices
                    .push(format!("sentence model failed: {e}; lexicon rules only"));
                self.model = ModelState::Unavailable;
                None
            }
        }
    }

    /// Questions the `topics` lexicon left untyped get the type of the nearest prototype
    /// question, when the sentence model is loaded or loadable.
    fn refine_types(&mut self, doc: &Document, script: &mut Script) {
        let untyped: Vec<usize> = (0..script.sections.len())
            .filter(|&i| {
                let s = &script.sections[i];
                s.kind == SectionType::Other && s.title.is_some() && !s.buyer
            })
            .collect();
        if untyped.is_empty() || matches!(self.model, ModelState::Off | ModelState::Unavailable) {
            return;
        }
        let Some(scorer) = self.scorer() else { return };
        let texts: Vec<&str> = untyped
            .iter()
            .map(|&i| script.sections[i].title.unwrap().slice(&doc.text))
            .collect();
        match scorer.question_types(&texts) {
            Ok(types) => {
                for (i, t) in untyped.into_iter().zip(types) {
                    if let Some(t) = t {
                        script.sections[i].kind = t;
                    }
                }
            }
            Err(e) => self
                .notices
                .push(format!("sentence model failed on questions: {e}")),
        }
    }

    /// The configuration that applies to files in `dir`.
    pub fn config_for_dir(&mut self, dir: &Path) -> Result<Arc<Resolved>, ConfigError> {
        if let Some(p) = &self.settings.config_file {
            return Ok(self.configs[p].clone());
        }
        let found = match self.dirs.get(dir) {
            Some(f) => f.clone(),
            None => {
                let f = Config::find(dir);
                self.dirs.insert(dir.to_path_buf(), f.clone());
                f
            }
        };
        let Some(path) = found else {
            return Ok(self.defaults.clone());
        };
        if let Some(r) = self.configs.get(&path) {
            return Ok(r.clone());
        }
        let cfg = Config::load(&path)?;
        let r = Arc::new(Resolved::new(cfg, Some(path.clone())));
        self.configs.insert(path, r.clone());
        Ok(r)
    }

    /// The configuration for a file path (absolute or relative to the working directory).
    pub fn config_for(&mut self, path: &Path) -> Result<Arc<Resolved>, ConfigError> {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        self.config_for_dir(&dir)
    }

    /// Lints one file from disk. `explicit` files are linted even when the config
    /// excludes them.
    pub fn lint_path(&mut self, path: &Path, explicit: bool) -> Outcome {
        let shown = path.display().to_string();
        let resolved = match self.config_for(path) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Error {
                    path: shown,
                    message: e.to_string(),
                }
            }
        };
        if !explicit && !included(&resolved, path) {
            return Outcome::Skipped {
                path: shown,
                reason: "excluded by configuration".into(),
            };
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                return Outcome::Error {
                    path: shown,
                    message: input::describe_io(&e),
                }
            }
        };
        self.lint_bytes(&shown, path, &bytes, &resolved)
    }

    /// Lints bytes that came from stdin, named `name` (used for config lookup too).
    pub fn lint_stdin(&mut self, name: &str, bytes: &[u8]) -> Outcome {
        let resolved = match self.config_for(Path::new(name)) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Error {
                    path: name.to_string(),
                    message: e.to_string(),
                }
            }
        };
        self.lint_bytes(name, Path::new(name), bytes, &resolved)
    }

    fn lint_bytes(
        &mut self,
        shown: &str,
        path: &Path,
        bytes: &[u8],
        resolved: &Resolved,
    ) -> Outcome {
        let Decoded { text, encoding } = match input::decode(bytes) {
            Ok(d) => d,
            Err(e @ input::DecodeError::Binary { .. }) => {
                return Outcome::Skipped {
                    path: shown.to_string(),
                    reason: e.to_string(),
                }
            }
            Err(e) => {
                return Outcome::Error {
                    path: shown.to_string(),
                    message: e.to_string(),
                }
            }
        };
        self.lint_decoded(
            shown,
            path,
            text,
            encoding,
            crate::fix::digest(bytes),
            resolved,
        )
    }

    /// Lints `text` again as the file `shown` (after fixes): same configuration, same
    /// encoding and digest as `report`.
    pub fn relint(&mut self, report: &FileReport, text: String) -> Outcome {
        let path = Path::new(&report.path);
        let resolved = match self.config_for(path) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Error {
                    path: report.path.clone(),
                    message: e.to_string(),
                }
            }
        };
        self.lint_decoded(
            &report.path,
            path,
            text,
            report.encoding,
            report.digest,
            &resolved,
        )
    }

    fn lint_decoded(
        &mut self,
        shown: &str,
        path: &Path,
        text: String,
        encoding: Encoding,
        digest: u64,
        resolved: &Resolved,
    ) -> Outcome {
        let opts = DocOptions {
            markdown: !is_plain_text(path),
            lang: self.settings.lang,
        };
        let doc = Document::build(text, &resolved.lexicons, opts);
        let scores = self.scores(&doc);
        let mut script = Script::parse(&doc, &resolved.lexicons);
        self.refine_types(&doc, &mut script);
        let (diagnostics, score) =
            lint_script(&doc, &script, resolved, &self.settings, scores.as_ref());
        let Document {
            text, line_index, ..
        } = doc;
        Outcome::Linted(FileReport {
            path: shown.to_string(),
            encoding,
            text,
            line_index,
            diagnostics,
            score,
            digest,
        })
    }
}

fn is_plain_text(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

fn included(resolved: &Resolved, path: &Path) -> bool {
    let files = &resolved.config.files;
    if files.include.is_empty() && files.exclude.is_empty() {
        return true;
    }
    let base = resolved
        .path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let rel = abs.strip_prefix(&base).unwrap_or(&abs);
    let matches = |globs: &[String]| {
        globs.iter().any(|g| {
            globset::Glob::new(g)
                .map(|g| g.compile_matcher().is_match(rel))
                .unwrap_or(false)
        })
    };
    (files.include.is_empty() || matches(&files.include)) && !matches(&files.exclude)
}

/// Runs every enabled rule over a document and applies severities, `--select`,
/// `--ignore` and inline suppressions. Diagnostics come out sorted by position.
pub fn run_rules(
    doc: &Document,
    resolved: &Resolved,
    settings: &Settings,
    scores: Option<&SentenceScores>,
) -> Vec<Diagnostic> {
    lint_document(doc, resolved, settings, scores).0
}

/// [`run_rules`], and the readiness score computed from the script's structure and the
/// diagnostics that remain.
pub fn lint_document(
    doc: &Document,
    resolved: &Resolved,
    settings: &Settings,
    scores: Option<&SentenceScores>,
) -> (Vec<Diagnostic>, Option<crate::structure::score::Score>) {
    let script = Script::parse(doc, &resolved.lexicons);
    lint_script(doc, &script, resolved, settings, scores)
}

/// [`lint_document`] with the script already parsed (and its types refined).
pub fn lint_script(
    doc: &Document,
    script: &Script,
    resolved: &Resolved,
    settings: &Settings,
    scores: Option<&SentenceScores>,
) -> (Vec<Diagnostic>, Option<crate::structure::score::Score>) {
    let cx = Context {
        lexicons: &resolved.lexicons,
        scores,
        script,
        templates: &resolved.config.template,
    };
    let mut all = Vec::new();
    for rule in rules::REGISTRY {
        let meta = rule.meta();
        if let Some(sel) = &settings.select {
            if !sel.iter().any(|s| s == meta.id) {
                continue;
            }
        }
        if settings.ignore.iter().any(|s| s == meta.id) {
            continue;
        }
        let Some(severity) = resolved.config.severity(meta) else {
            continue;
        };
        let start = all.len();
        rule.check(doc, &cx, &mut all);
        for d in &mut all[start..] {
            d.severity = severity;
        }
    }
    all.retain(|d| !doc.suppressions.is_suppressed(d.rule, d.span.start));
    let order = |id: &str| rules::REGISTRY.iter().position(|r| r.meta().id == id);
    all.sort_by(|a, b| {
        (a.span.start, a.span.end, order(a.rule)).cmp(&(b.span.start, b.span.end, order(b.rule)))
    });
    let score = crate::structure::score::score(doc, script, &all);
    (all, score)
}

/// Lints a string with the default configuration: the simplest way to use the library.
pub fn lint_text(text: &str) -> Vec<Diagnostic> {
    lint_text_with(text, &Settings::default())
}

/// Lints a string with the default configuration and the given settings.
pub fn lint_text_with(text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let resolved = Resolved::defaults();
    let opts = DocOptions {
        markdown: true,
        lang: settings.lang,
    };
    let doc = Document::build(text.to_string(), &resolved.lexicons, opts);
    run_rules(&doc, &resolved, settings, None)
}
