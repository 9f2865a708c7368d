//! The engine: one file or text in, diagnostics out.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::{Config, ConfigError, RuleLevels};
use crate::document::{DocOptions, Document, Lang};
use crate::fix::FixMode;
use crate::input::{self, Decoded, Encoding};
use crate::lexicon::Lexicons;
use crate::rules::{self, Context, RuleId, Scorer, SentenceScores};
use crate::structure::Script;
use crate::Diagnostic;
use crate::Severity;

/// Settings from the command line that apply to every file.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Only these rules (`--select`); `None` for all enabled ones.
    pub select: Option<Vec<RuleId>>,
    /// Never these rules (`--ignore`).
    pub ignore: Vec<RuleId>,
    /// `--lang zh|en`; `None` for auto-detection per sentence.
    pub lang: Option<Lang>,
    /// `--config FILE`: used for every file instead of the nearest `answerlint.toml`.
    pub config_file: Option<PathBuf>,
    /// Rule levels from outside the configuration files (an editor's settings), merged
    /// into every configuration the linter uses, the defaults included.
    pub levels: RuleLevels,
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
    /// The findings came from the cache: data read from disk, so their fixes are never
    /// applied as they are ([`fix_until_stable`] lints the text again first).
    pub from_cache: bool,
    /// What fixing did, per rule ([`fix_until_stable`] sets it); `None` when the file
    /// was only linted.
    pub fixes: Option<Box<crate::fix::FixCounts>>,
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
    /// The configuration as text, for cache keys (computed once, not per file).
    fingerprint: String,
    /// `[files] include` and `exclude`, compiled once (not once per file).
    include: globset::GlobSet,
    exclude: globset::GlobSet,
}

/// The globs as one set; [`Config::parse`] has checked each of them.
fn glob_set(globs: &[String]) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = globset::Glob::new(g) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
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
            fingerprint: format!("{config:?}"),
            include: glob_set(&config.files.include),
            exclude: glob_set(&config.files.exclude),
            config,
            path,
            lexicons,
        }
    }

    pub fn defaults() -> Resolved {
        Resolved::new(Config::default(), None)
    }

    /// `config` compiled, as if it came from no file (for [`Linter::with_fixed_config`]).
    pub fn from_config(config: Config) -> Resolved {
        Resolved::new(config, None)
    }

    /// The configuration file at `path`, loaded and compiled.
    pub fn load(path: &Path) -> Result<Resolved, ConfigError> {
        Ok(Resolved::new(Config::load(path)?, Some(path.to_path_buf())))
    }
}

/// Loads the sentence model when a file first needs it; an error is a one-line reason.
pub type ScorerLoader = Box<dyn FnMut() -> Result<Arc<dyn Scorer>, String> + Send + Sync>;

enum ModelState {
    Off,
    Pending(ScorerLoader),
    Ready(Arc<dyn Scorer>),
    Unavailable,
}

/// Lints files, with configuration looked up per directory and cached. Many files at
/// once go through [`Linter::lint_paths`]: read and parsed in parallel (rayon's current
/// pool), the model run once over the statements of all of them (batched by length),
/// then the rules in parallel.
pub struct Linter {
    settings: Settings,
    model: ModelState,
    /// Things the user should hear about once (the model could not be loaded...).
    notices: Vec<String>,
    /// Config file path → resolved config.
    configs: Mutex<HashMap<PathBuf, Arc<Resolved>>>,
    /// Directory → config file that applies there.
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    defaults: Arc<Resolved>,
    cache: Option<crate::cache::Cache>,
    /// What identifies the model for cache keys ([`crate::model::install::identity`]).
    model_key: String,
    /// The configuration of every file, whatever its name: no lookup on disk
    /// ([`Linter::with_fixed_config`]).
    fixed: Option<Arc<Resolved>>,
}

/// A file read, decoded and parsed, waiting for the model and the rules.
pub struct Prepared {
    /// Where its results go in the cache.
    cache_key: Option<String>,
    shown: String,
    encoding: Encoding,
    digest: u64,
    resolved: Arc<Resolved>,
    doc: Document,
    script: Script,
}

/// A file on its way through [`Linter::lint_paths`].
// A finished outcome is moved out once per file; boxing it would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Stage {
    Ready(Box<Prepared>),
    Done(Outcome),
}

impl Linter {
    pub fn new(settings: Settings) -> Result<Linter, ConfigError> {
        let defaults = Config::default().with_levels(&settings.levels);
        let linter = Linter {
            settings,
            model: ModelState::Off,
            notices: Vec::new(),
            configs: Mutex::new(HashMap::new()),
            dirs: Mutex::new(HashMap::new()),
            defaults: Arc::new(Resolved::new(defaults, None)),
            cache: None,
            model_key: String::new(),
            fixed: None,
        };
        if let Some(p) = linter.settings.config_file.clone() {
            let cfg = Config::load(&p)?.with_levels(&linter.settings.levels);
            linter
                .configs
                .lock()
                .unwrap()
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

    /// Keys cached results on the model as well (its identity: where it is, its manifest,
    /// its files' sizes and times), so that results of another model are never served.
    pub fn with_model_key(mut self, key: String) -> Linter {
        self.model_key = key;
        self
    }

    /// Uses `resolved` for every file and never looks for answerlint.toml: the names of
    /// texts posted to a server (the web workbench) are data, not places on disk to look
    /// at.
    pub fn with_fixed_config(mut self, resolved: Arc<Resolved>) -> Linter {
        self.fixed = Some(resolved);
        self
    }

    /// Reuses and stores results in `cache` (see [`crate::cache`]).
    pub fn with_cache(mut self, cache: crate::cache::Cache) -> Linter {
        self.cache = Some(cache);
        self
    }

    /// What results depend on besides a file's bytes: its configuration, the settings,
    /// whether it is Markdown, whether the model is used.
    fn cache_context(&self, resolved: &Resolved, path: &Path) -> String {
        format!(
            "{}|{:?}|{:?}|{:?}|markdown={}|model={}|{}",
            resolved.fingerprint,
            self.settings.select,
            self.settings.ignore,
            self.settings.lang,
            !is_plain_text(path),
            self.uses_model(),
            if self.uses_model() {
                self.model_key.as_str()
            } else {
                ""
            }
        )
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

    /// Whether linting may use the model (it is loaded, or will be on first use).
    pub fn uses_model(&self) -> bool {
        matches!(self.model, ModelState::Pending(_) | ModelState::Ready(_))
    }

    fn scorer(&mut self) -> Option<Arc<dyn Scorer>> {
        if let ModelState::Pending(loader) = &mut self.model {
            self.model = match loader() {
                Ok(s) => {
                    self.notices.extend(s.notes());
                    ModelState::Ready(s)
                }
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

    /// The model's pass over many parsed files at once: the statements of all of them in
    /// one call (the encoder batches them by length). Returns each file's sentence scores.
    ///
    /// The model types no question: on 340 questions written for this (models/blind/
    /// questions), the nearest prototype was wrong on most of those the `topics` lexicon
    /// leaves untyped, complaints included, and its margin over the second nearest did
    /// not tell right from wrong; so section types, and with them the structure checks,
    /// are the same with and without the model.
    fn model_pass(&mut self, stages: &mut [Stage]) -> Vec<Option<SentenceScores>> {
        let mut out: Vec<Option<SentenceScores>> = stages.iter().map(|_| None).collect();
        if !self.uses_model() {
            return out;
        }
        let statements: Vec<Vec<usize>> = stages
            .iter()
            .map(|s| match s {
                Stage::Ready(p) => (0..p.doc.sentences.len())
                    .filter(|&si| rules::is_statement(&p.doc, si))
                    .collect(),
                Stage::Done(_) => Vec::new(),
            })
            .collect();
        if statements.iter().all(Vec::is_empty) {
            return out;
        }
        let Some(scorer) = self.scorer() else {
            return out;
        };
        let docs: Vec<Option<&Prepared>> = stages
            .iter()
            .map(|s| match s {
                Stage::Ready(p) => Some(&**p),
                Stage::Done(_) => None,
            })
            .collect();
        let texts: Vec<&str> = docs
            .iter()
            .zip(&statements)
            .flat_map(|(p, idx)| idx.iter().map(|&si| p.unwrap().doc.sentence_text(si)))
            .collect();
        let mut failed = false;
        if !texts.is_empty() {
            match scorer.score(&texts) {
                Ok(probs) => {
                    let (thresholds, veto_below) = scorer.calibration();
                    let strong = scorer.strong();
                    let mut probs = probs.into_iter();
                    for ((slot, p), idx) in out.iter_mut().zip(&docs).zip(&statements) {
                        let Some(p) = p else { continue };
                        if idx.is_empty() {
                            continue;
                        }
                        let mut per_sentence =
                            vec![[None; rules::Signal::COUNT]; p.doc.sentences.len()];
                        for &si in idx {
                            per_sentence[si] = probs.next().unwrap_or_default();
                        }
                        *slot = Some(SentenceScores {
                            per_sentence,
                            thresholds,
                            veto_below,
                            strong,
                        });
                    }
                }
                Err(e) => {
                    self.notices
                        .push(format!("sentence model failed: {e}; lexicon rules only"));
                    failed = true;
                }
            }
        }
        if failed {
            self.model = ModelState::Unavailable;
        }
        out
    }

    /// The configuration that applies to files in `dir`.
    pub fn config_for_dir(&self, dir: &Path) -> Result<Arc<Resolved>, ConfigError> {
        if let Some(r) = &self.fixed {
            return Ok(r.clone());
        }
        if let Some(p) = &self.settings.config_file {
            return Ok(self.configs.lock().unwrap()[p].clone());
        }
        let cached = self.dirs.lock().unwrap().get(dir).cloned();
        let found = match cached {
            Some(f) => f,
            None => {
                let f = Config::find(dir);
                self.dirs
                    .lock()
                    .unwrap()
                    .insert(dir.to_path_buf(), f.clone());
                f
            }
        };
        let Some(path) = found else {
            return Ok(self.defaults.clone());
        };
        if let Some(r) = self.configs.lock().unwrap().get(&path) {
            return Ok(r.clone());
        }
        let cfg = Config::load(&path)?.with_levels(&self.settings.levels);
        let r = Arc::new(Resolved::new(cfg, Some(path.clone())));
        self.configs.lock().unwrap().insert(path, r.clone());
        Ok(r)
    }

    /// The configuration for a file path (absolute or relative to the working directory).
    /// The walk up starts from the file's real directory (`..` and symlinked directories
    /// resolved), never from the working directory's ancestors.
    pub fn config_for(&self, path: &Path) -> Result<Arc<Resolved>, ConfigError> {
        if let Some(r) = &self.fixed {
            return Ok(r.clone());
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = abs.parent().map(real_path).unwrap_or_default();
        self.config_for_dir(&dir)
    }

    /// Lints one file from disk. `explicit` files are linted even when the config
    /// excludes them.
    pub fn lint_path(&mut self, path: &Path, explicit: bool) -> Outcome {
        let stage = self.prepare_path(path, explicit);
        self.run(vec![stage]).pop().expect("one outcome")
    }

    /// Lints `text` held in memory (an editor's buffer) as the file `path`: the
    /// configuration that applies to `path`, its `[files] max-size` limit (a longer text
    /// is skipped with the reason), and Markdown unless `markdown` is false. Spans are
    /// byte offsets into `text` exactly as given (nothing is decoded or stripped).
    pub fn lint_buffer(&mut self, path: &Path, text: String, markdown: bool) -> Outcome {
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
        let max = resolved.config.files.max_size;
        if text.len() as u64 > max {
            return Outcome::Skipped {
                path: shown,
                reason: format!(
                    "{} bytes, over the {max}-byte limit ([files] max-size in answerlint.toml)",
                    text.len()
                ),
            };
        }
        let digest = crate::fix::digest(text.as_bytes());
        let p = self.prepare_text(&shown, markdown, text, Encoding::Utf8, digest, resolved);
        self.run(vec![Stage::Ready(Box::new(p))])
            .pop()
            .expect("one outcome")
    }

    /// Lints many files, in parallel on rayon's current pool, the model batched across
    /// them. Outcomes come back in the order of `paths`.
    pub fn lint_paths(&mut self, paths: &[(PathBuf, bool)]) -> Vec<Outcome> {
        use rayon::prelude::*;
        let this = &*self;
        let stages: Vec<Stage> = paths
            .par_iter()
            .map(|(p, explicit)| this.prepare_path(p, *explicit))
            .collect();
        self.run(stages)
    }

    /// The model's pass, then the rules (in parallel).
    fn run(&mut self, mut stages: Vec<Stage>) -> Vec<Outcome> {
        use rayon::prelude::*;
        let scores = self.model_pass(&mut stages);
        if matches!(self.model, ModelState::Unavailable) {
            // Results without the model must not be cached as results with it.
            for s in &mut stages {
                if let Stage::Ready(p) = s {
                    p.cache_key = None;
                }
            }
        }
        let this = &*self;
        stages
            .into_par_iter()
            .zip(scores)
            .map(|(s, sc)| match s {
                Stage::Ready(p) => this.finish(*p, sc.as_ref()),
                Stage::Done(o) => o,
            })
            .collect()
    }

    fn prepare_path(&self, path: &Path, explicit: bool) -> Stage {
        let shown = path.display().to_string();
        let resolved = match self.config_for(path) {
            Ok(r) => r,
            Err(e) => {
                return Stage::Done(Outcome::Error {
                    path: shown,
                    message: e.to_string(),
                })
            }
        };
        if !explicit && !included(&resolved, path) {
            return Stage::Done(Outcome::Skipped {
                path: shown,
                reason: "excluded by configuration".into(),
            });
        }
        // A FIFO or a device would block or never end: only regular files are read.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                return Stage::Done(Outcome::Error {
                    path: shown,
                    message: input::describe_io(&e),
                })
            }
        };
        if !meta.is_file() {
            return Stage::Done(Outcome::Skipped {
                path: shown,
                reason: "not a regular file (a directory, FIFO, socket or device)".into(),
            });
        }
        let max = resolved.config.files.max_size;
        if meta.len() > max {
            return Stage::Done(Outcome::Skipped {
                path: shown,
                reason: format!(
                    "{} bytes, over the {max}-byte limit ([files] max-size in answerlint.toml)",
                    meta.len()
                ),
            });
        }
        let bytes = match read_limited(path, max) {
            Ok(b) => b,
            Err(e) => {
                return Stage::Done(Outcome::Error {
                    path: shown,
                    message: input::describe_io(&e),
                })
            }
        };
        if bytes.len() as u64 > max {
            return Stage::Done(Outcome::Skipped {
                path: shown,
                reason: format!(
                    "grew past the {max}-byte limit while being read ([files] max-size)"
                ),
            });
        }
        let key = self
            .cache
            .as_ref()
            .map(|_| crate::cache::Cache::key(&bytes, &self.cache_context(&resolved, path)));
        if let (Some(cache), Some(key)) = (&self.cache, &key) {
            if let Some((diagnostics, score)) = cache.get(key) {
                let decoded = input::decode(&bytes)
                    .ok()
                    .filter(|d| spans_fit(&d.text, &diagnostics));
                if let Some(Decoded { text, encoding }) = decoded {
                    let line_index = crate::document::LineIndex::new(&text);
                    return Stage::Done(Outcome::Linted(FileReport {
                        path: shown.clone(),
                        encoding,
                        text,
                        line_index,
                        diagnostics,
                        score,
                        digest: crate::fix::digest(&bytes),
                        from_cache: true,
                        fixes: None,
                    }));
                }
            }
        }
        let mut stage = self.prepare_bytes(&shown, path, &bytes, resolved);
        if let Stage::Ready(p) = &mut stage {
            p.cache_key = key;
        }
        stage
    }

    /// Lints bytes that came from stdin, named `name` (used for config lookup too).
    pub fn lint_stdin(&mut self, name: &str, bytes: &[u8]) -> Outcome {
        let stage = match self.config_for(Path::new(name)) {
            Ok(r) => self.prepare_bytes(name, Path::new(name), bytes, r),
            Err(e) => Stage::Done(Outcome::Error {
                path: name.to_string(),
                message: e.to_string(),
            }),
        };
        self.run(vec![stage]).pop().expect("one outcome")
    }

    fn prepare_bytes(
        &self,
        shown: &str,
        path: &Path,
        bytes: &[u8],
        resolved: Arc<Resolved>,
    ) -> Stage {
        let Decoded { text, encoding } = match input::decode(bytes) {
            Ok(d) => d,
            Err(e @ input::DecodeError::Binary { .. }) => {
                return Stage::Done(Outcome::Skipped {
                    path: shown.to_string(),
                    reason: e.to_string(),
                })
            }
            Err(e) => {
                return Stage::Done(Outcome::Error {
                    path: shown.to_string(),
                    message: e.to_string(),
                })
            }
        };
        Stage::Ready(Box::new(self.prepare_text(
            shown,
            !is_plain_text(path),
            text,
            encoding,
            crate::fix::digest(bytes),
            resolved,
        )))
    }

    /// Lints `text` again as the file `shown` (after fixes): same configuration, same
    /// encoding and digest as `report`.
    pub fn relint(&mut self, report: &FileReport, text: String) -> Outcome {
        let path = Path::new(&report.path);
        let stage = match self.config_for(path) {
            Ok(r) => Stage::Ready(Box::new(self.prepare_text(
                &report.path,
                !is_plain_text(path),
                text,
                report.encoding,
                report.digest,
                r,
            ))),
            Err(e) => Stage::Done(Outcome::Error {
                path: report.path.clone(),
                message: e.to_string(),
            }),
        };
        self.run(vec![stage]).pop().expect("one outcome")
    }

    fn prepare_text(
        &self,
        shown: &str,
        markdown: bool,
        text: String,
        encoding: Encoding,
        digest: u64,
        resolved: Arc<Resolved>,
    ) -> Prepared {
        let opts = DocOptions {
            markdown,
            lang: self.settings.lang,
        };
        let doc = Document::build(text, &resolved.lexicons, opts);
        let script = Script::parse(&doc, &resolved.lexicons);
        Prepared {
            cache_key: None,
            shown: shown.to_string(),
            encoding,
            digest,
            resolved,
            doc,
            script,
        }
    }

    fn finish(&self, p: Prepared, scores: Option<&SentenceScores>) -> Outcome {
        let (diagnostics, score) =
            lint_script(&p.doc, &p.script, &p.resolved, &self.settings, scores);
        if let (Some(cache), Some(key)) = (&self.cache, &p.cache_key) {
            cache.put(key, &diagnostics, score.as_ref());
        }
        let Document {
            text, line_index, ..
        } = p.doc;
        Outcome::Linted(FileReport {
            path: p.shown,
            encoding: p.encoding,
            text,
            line_index,
            diagnostics,
            score,
            digest: p.digest,
            from_cache: false,
            fixes: None,
        })
    }
}

/// Rounds of fix and lint on a linted outcome until no fix applies (at most
/// [`MAX_ROUNDS`](crate::fix::MAX_ROUNDS)): the lint of the fixed text, and how many fixes were applied.
pub fn fix_until_stable(linter: &mut Linter, first: Outcome, mode: FixMode) -> (Outcome, usize) {
    let mut current = first;
    if let Outcome::Linted(r) = &current {
        if r.from_cache {
            // Cached fixes are data from disk: compute them again from the text.
            let text = r.text.clone();
            current = linter.relint(r, text);
        }
    }
    let mut count = 0;
    let mut counts = crate::fix::FixCounts::default();
    for _ in 0..crate::fix::MAX_ROUNDS {
        let Outcome::Linted(r) = &current else { break };
        let (text, applied) = crate::fix::apply_counted(&r.text, &r.diagnostics, mode);
        if applied.is_empty() || text == r.text {
            break;
        }
        count += applied.len();
        for i in applied {
            *counts
                .applied
                .entry(r.diagnostics[i].rule.as_str())
                .or_default() += 1;
        }
        current = linter.relint(r, text);
    }
    if let Outcome::Linted(r) = &mut current {
        counts.left(&r.diagnostics, mode);
        r.fixes = Some(Box::new(counts));
    }
    (current, count)
}

/// Whether every span and edit of `diagnostics` (read from the cache) lies inside `text`
/// on char boundaries; an entry that does not is a miss.
fn spans_fit(text: &str, diagnostics: &[Diagnostic]) -> bool {
    let fits = |start: usize, end: usize| {
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
    };
    diagnostics.iter().all(|d| {
        fits(d.span.start, d.span.end)
            && d.fixes
                .iter()
                .all(|f| f.edits.iter().all(|e| fits(e.start, e.end)))
    })
}

/// Reads at most `max + 1` bytes: a file that grows while it is read cannot take more.
fn read_limited(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    let mut out = Vec::new();
    f.take(max.saturating_add(1)).read_to_end(&mut out)?;
    Ok(out)
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
        .map(real_path)
        .unwrap_or_default();
    let abs = real_path(path);
    let rel = abs.strip_prefix(&base).unwrap_or(&abs);
    (files.include.is_empty() || resolved.include.is_match(rel)) && !resolved.exclude.is_match(rel)
}

/// `path` made absolute with `..` and symlinks resolved (the file's real place), or just
/// absolute when it cannot be resolved.
fn real_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
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
    // Each rule writes its own buffer; the merge step joins them.
    let mut buffers = Vec::new();
    for rule in rules::REGISTRY {
        let meta = rule.meta();
        if let Some(sel) = &settings.select {
            if !sel.contains(&meta.id) {
                continue;
            }
        }
        if settings.ignore.contains(&meta.id) {
            continue;
        }
        let Some(severity) = resolved.config.severity(meta) else {
            continue;
        };
        let mut buf = Vec::new();
        rule.check(doc, &cx, &mut buf);
        for d in &mut buf {
            // A finding of the model alone below its calibrated confidence comes out one
            // level below the rule's severity (the rule marks it so).
            d.severity = if d.severity < meta.default_severity {
                match severity {
                    Severity::Error => Severity::Warning,
                    _ => Severity::Info,
                }
            } else {
                severity
            };
        }
        buffers.push((meta.id, buf));
    }
    let mut all = rules::merge::merge(doc, buffers);
    all.retain(|d| {
        !doc.suppressions
            .is_suppressed(d.rule.as_str(), d.span.start)
    });
    // RuleId is ordered as the registry is.
    all.sort_by_key(|d| (d.span.start, d.span.end, d.rule));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_configuration_is_used_whatever_the_name() {
        // An answerlint.toml that turns the rule off, where the text's name points.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("answerlint.toml"),
            "[rules]\nvague-commitment = \"off\"\n",
        )
        .unwrap();
        let name = dir.path().join("a.md");
        let name = name.to_str().unwrap();
        let text = "我们会尽力解决。\n".as_bytes();
        let rules = |o: Outcome| match o {
            Outcome::Linted(r) => r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>(),
            _ => panic!("not linted"),
        };
        let found = rules(
            Linter::new(Settings::default())
                .unwrap()
                .lint_stdin(name, text),
        );
        assert!(!found.contains(&RuleId::VagueCommitment), "{found:?}");
        let fixed = Linter::new(Settings::default())
            .unwrap()
            .with_fixed_config(Arc::new(Resolved::defaults()));
        let mut fixed = fixed;
        let found = rules(fixed.lint_stdin(name, text));
        assert!(found.contains(&RuleId::VagueCommitment), "{found:?}");
    }

    #[test]
    fn cache_keys_depend_on_the_model() {
        let resolved = Resolved::defaults();
        let path = Path::new("a.md");
        let with = |key: &str| {
            Linter::new(Settings::default())
                .unwrap()
                .with_model(Box::new(|| -> Result<Arc<dyn Scorer>, String> {
                    Err("none".into())
                }))
                .with_model_key(key.to_string())
                .cache_context(&resolved, path)
        };
        assert_ne!(with("/models/a|x"), with("/models/b|x"));
        assert_eq!(with("/models/a|x"), with("/models/a|x"));
        // Without the model, the model's identity does not matter.
        let off = |key: &str| {
            Linter::new(Settings::default())
                .unwrap()
                .with_model_key(key.to_string())
                .cache_context(&resolved, path)
        };
        assert_eq!(off("a"), off("b"));
    }
}
