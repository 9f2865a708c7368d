//! `check` (and `fix`, `rewrite`): lint, apply fixes, hand every outcome to the printer.

use std::io::Read;
use std::path::{Path, PathBuf};

use answerlint::document::Lang;
use answerlint::engine::{Linter, Outcome, Settings};
use answerlint::input::{discover, DiscoverOptions, Discovered};
use answerlint::render::Format;
use answerlint::rules::RuleId;

use super::args::{CheckArgs, LangArg, LintOptions};
use super::model::load_model;
use super::output::{progress_bar, Finish, Printer};
use super::{usage_error, Output, Terminal};

impl LintOptions {
    /// The linter these options ask for (the model loaded on first use), or the usage
    /// error to print.
    pub(super) fn linter(&self, term: Terminal) -> Result<Linter, Output> {
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
            ..Default::default()
        };
        let mut linter = Linter::new(settings).map_err(|e| usage_error(e.to_string()))?;
        if !self.no_model && !term.no_model_env {
            let dir = self
                .model_dir
                .clone()
                .unwrap_or_else(answerlint::model::default_model_dir);
            let choice = self.device;
            // An explicit --device cuda that cannot be had is the user's error (exit 2), not
            // a quiet fall-back to lexicon rules: resolve it now.
            let resolved = match choice {
                answerlint::model::DeviceChoice::Cuda => Some(
                    answerlint::model::resolve_device(choice)
                        .map_err(|e| usage_error(e.to_string()))?,
                ),
                _ => None,
            };
            linter = linter.with_model_key(answerlint::model::install::identity(&dir));
            linter = linter.with_model(Box::new(move || {
                load_model(&dir, choice, resolved.clone(), term)
            }));
        }
        Ok(linter)
    }

    /// The cache is on with --cache, off with --no-cache, else on when a directory is
    /// linted.
    pub(super) fn cache(&self, paths: &[PathBuf]) -> Option<answerlint::cache::Cache> {
        let on = !self.no_cache && (self.cache || paths.iter().any(|p| p.is_dir()));
        on.then(|| answerlint::cache::Cache::new(PathBuf::from(answerlint::cache::DIR_NAME)))
    }
}

pub(super) fn check(
    mut args: CheckArgs,
    stdin: &mut dyn Read,
    term: Terminal,
    sink: &mut dyn std::io::Write,
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

    // Formats written file by file stream each outcome as it is linted; the others, and
    // runs whose output needs every file (fixes, diffs, stdin), collect them first.
    let streams = !use_stdin
        && !args.fix
        && !args.diff
        && args.template.is_none()
        && matches!(
            args.format,
            Format::Human | Format::Concise | Format::Github
        );
    let mut printer = Printer::new(&args, term, streams.then_some(sink));
    let mut outcomes: Vec<Outcome> = Vec::new();
    // With --fix on stdin, stdout is always the text: fixed, or the input unchanged.
    let fixing_stdin = use_stdin && (args.fix || args.template.is_some()) && !args.diff;
    let mut stdin_bytes = Vec::new();
    // Why nothing was checked, said on stderr instead of "All checks passed".
    let mut nothing: Option<String> = None;
    if use_stdin {
        // stdin has the file size limit too ([files] max-size of its configuration).
        let max = linter
            .config_for(Path::new(&stdin_name))
            .map(|r| r.config.files.max_size)
            .unwrap_or(u64::MAX);
        if let Err(e) = (&mut *stdin)
            .take(max.saturating_add(1))
            .read_to_end(&mut stdin_bytes)
        {
            return usage_error(format!("cannot read stdin: {e}"));
        }
        if stdin_bytes.len() as u64 > max {
            let mut out = usage_error(format!(
                "{stdin_name}: stdin is over the {max}-byte limit ([files] max-size in answerlint.toml); not checked"
            ));
            if fixing_stdin {
                // The text goes back unchanged (read whole to be echoed, never linted).
                let _ = stdin.read_to_end(&mut stdin_bytes);
                out.stdout_raw = Some(stdin_bytes);
                out.stderr = out
                    .stderr
                    .replace("; not checked", "; written back unchanged");
            }
            return out;
        }
        if stdin_bytes.is_empty() && !args.quiet {
            nothing = Some("nothing read from stdin (it was empty or closed)".to_string());
        }
        let o = linter.lint_stdin(&stdin_name, &stdin_bytes);
        if fixing_stdin {
            let why = match &o {
                Outcome::Linted(_) => None,
                Outcome::Skipped { reason, .. } => Some(reason.clone()),
                Outcome::Error { message, .. } => Some(message.clone()),
            };
            if let Some(why) = why {
                return unchanged_stdin(stdin_bytes, &stdin_name, &why);
            }
        }
        // Empty stdin is not a file checked (and never "All checks passed").
        if !stdin_bytes.is_empty() {
            outcomes.push(o);
        }
    } else {
        let found = match discover_all(&linter, &paths) {
            Ok(f) => f,
            Err(e) => return usage_error(e),
        };
        if found.is_empty() && !args.quiet {
            let dirs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            nothing = Some(format!(
                "no answer files found in {} (extensions: [files] extensions in answerlint.toml)",
                dirs.join(", ")
            ));
        }
        if let Some(cache) = args.lint.cache(&paths) {
            linter = linter.with_cache(cache);
        }
        let progress = !args.quiet && term.stderr_is_tty;
        let result = lint_all(&mut linter, found, args.lint.jobs, progress, |o| {
            if streams {
                printer.outcome(o)
            } else {
                outcomes.push(o)
            }
        });
        if let Err(e) = result {
            return usage_error(e);
        }
    }

    let mut end = Finish::default();
    if let Some(n) = nothing {
        end.stderr.push_str(&format!("warning: {n}\n"));
    }
    if args.template.is_some() && !args.diff {
        args.fix = true;
    }
    if args.fix || args.diff {
        let done = apply_fixes(&mut linter, &mut outcomes, &args, use_stdin);
        if args.diff {
            end.would_change = Some(!done.diff.is_empty());
            end.replaced = Some(done.diff);
        } else {
            if !args.quiet && !use_stdin {
                end.stderr.push_str(&fix_summary(&done, &outcomes));
            }
            if fixing_stdin {
                let fixed = done
                    .stdin_text
                    .map(|(text, enc)| spliced(&stdin_bytes, &text, enc));
                match fixed {
                    Some(Ok(bytes)) => end.raw = Some(bytes),
                    Some(Err(why)) => return unchanged_stdin(stdin_bytes, &stdin_name, &why),
                    None => end.raw = Some(stdin_bytes),
                }
            }
        }
    }
    for o in outcomes {
        printer.outcome(o);
    }
    printer.finish(linter.take_notices(), end)
}

/// stdin with --fix that could not be linted or written: the input back on stdout byte
/// for byte (an editor replacing its buffer with stdout keeps the text), the reason on
/// stderr, exit 2.
fn unchanged_stdin(bytes: Vec<u8>, name: &str, why: &str) -> Output {
    Output {
        stdout_raw: Some(bytes),
        stderr: format!("error: {name}: {why}; the input is written back unchanged\n"),
        code: 2,
        ..Default::default()
    }
}

/// Files under `paths` (directory walks use the extensions of the configuration where
/// they start), sorted by path, duplicates removed.
pub(super) fn discover_all(linter: &Linter, paths: &[PathBuf]) -> Result<Vec<Discovered>, String> {
    let mut found = Vec::new();
    for root in paths {
        let dir = if root.is_dir() {
            root.clone()
        } else {
            root.parent().map(|p| p.to_path_buf()).unwrap_or_default()
        };
        let abs = std::fs::canonicalize(&dir)
            .or_else(|_| std::path::absolute(&dir))
            .unwrap_or(dir);
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
pub(super) fn lint_all(
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
    let bar = (progress && found.len() > PROGRESS_MIN_FILES).then(|| progress_bar(found.len()));
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

/// The line `fix` and `check --fix` end with: how many fixes were applied, and how many
/// more `--unsafe-fixes` and `answerlint rewrite` would apply to what is left.
fn fix_summary(done: &Fixed, outcomes: &[Outcome]) -> String {
    let mut counts = answerlint::fix::FixCounts::default();
    for o in outcomes {
        if let Outcome::Linted(r) = o {
            if let Some(f) = &r.fixes {
                counts.add(f);
            }
        }
    }
    let unsafe_left = answerlint::fix::FixCounts::total(&counts.more_unsafe);
    let rewrite_left = answerlint::fix::FixCounts::total(&counts.more_rewrite);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut line = format!(
        "fixed {} problem{} in {} file{}",
        done.fixes,
        plural(done.fixes),
        done.files,
        plural(done.files)
    );
    if unsafe_left > 0 {
        line.push_str(&format!(
            "; {unsafe_left} more fix{} with --unsafe-fixes",
            if unsafe_left == 1 { "" } else { "es" }
        ));
    }
    if rewrite_left > 0 {
        line.push_str(&format!("; {rewrite_left} more with `answerlint rewrite`"));
    }
    line.push('\n');
    line
}

/// What applying fixes did.
#[derive(Default)]
struct Fixed {
    fixes: usize,
    files: usize,
    diff: String,
    /// With stdin: the fixed text (the input itself when nothing changed) and its
    /// encoding.
    stdin_text: Option<(String, answerlint::input::Encoding)>,
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
        let (current, count) = answerlint::engine::fix_until_stable(
            linter,
            taken,
            answerlint::fix::FixMode {
                unsafe_fixes: args.unsafe_fixes,
                rewrite: args.template.is_some(),
            },
        );
        let Outcome::Linted(r) = &current else {
            *slot = current;
            continue;
        };
        if use_stdin {
            done.stdin_text = Some((r.text.clone(), r.encoding));
        }
        if count == 0 {
            *slot = current;
            continue;
        }
        if args.diff {
            done.diff
                .push_str(&answerlint::fix::unified_diff(&r.path, &original, &r.text));
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
        *slot = match write_fixed(r, args.force) {
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
/// read (checked again right before the rename): only the edited text is re-encoded,
/// every other byte is the file's own. Keeps permissions, owner, symlinks; refuses
/// hard-linked files, and read-only ones unless `force`.
pub(super) fn write_fixed(r: &answerlint::engine::FileReport, force: bool) -> Result<(), String> {
    let path = Path::new(&r.path);
    let now = std::fs::read(path).map_err(|e| answerlint::input::describe_io(&e))?;
    if answerlint::fix::digest(&now) != r.digest {
        return Err("changed on disk since it was read; fixes not written".into());
    }
    let bytes = spliced(&now, &r.text, r.encoding)?;
    let unchanged = |cur: &[u8]| answerlint::fix::digest(cur) == r.digest;
    answerlint::fsutil::replace_checked(path, &bytes, force, &unchanged).map_err(|e| e.to_string())
}

/// `new` in the encoding of `original`, with every byte outside the edits kept.
fn spliced(
    original: &[u8],
    new: &str,
    encoding: answerlint::input::Encoding,
) -> Result<Vec<u8>, String> {
    let old = answerlint::input::decode(original)
        .map_err(|e| e.to_string())?
        .text;
    answerlint::fix::encode_spliced(original, &old, new, encoding).ok_or_else(|| {
        format!(
            "cannot map the fixed text back onto the file's {} bytes; fixes not written",
            encoding.name()
        )
    })
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
        let (fixed, n) = answerlint::engine::fix_until_stable(
            &mut linter,
            Outcome::Linted(r),
            answerlint::fix::FixMode::fixes(true),
        );
        assert_eq!(n, 1);
        let Outcome::Linted(r) = fixed else { panic!() };
        let err = write_fixed(&r, false).unwrap_err();
        assert!(err.contains("changed on disk"), "{err}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "我们的复购率36%。\n");
    }
}
