//! `answerlint model bench`: the encoder's speed and agreement on one device, measured by
//! the release binary itself, so that a machine with a GPU but no Rust toolchain can be
//! measured from a copied binary (`scripts/gpu-check.sh`).
//!
//! It reports the device's start-up and the model's load, sentences per second for each
//! batch size (every text embedded once per batch size after one warm-up batch), and,
//! where asked, the cosine of each embedding against the CPU path on the same texts and
//! against the reference embeddings of `tests/data/e5-reference.json`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::Device;

use super::{BatchLimits, DeviceChoice, Model, ModelError, Result};

/// What to measure.
pub struct BenchOptions {
    pub dir: PathBuf,
    pub device: DeviceChoice,
    pub batches: Vec<usize>,
    /// Files of texts: JSON lines with a "text" field, or plain lines.
    pub texts: Vec<PathBuf>,
    /// Texts to embed per batch size: the files' texts repeated or cut to this many.
    pub count: usize,
    /// Embed this many of the texts on the CPU too and compare.
    pub compare_cpu: usize,
    /// Reference embeddings (`tests/data/e5-reference.json`'s format) to compare with.
    pub reference: Option<PathBuf>,
}

/// One batch size's measurement.
pub struct BatchResult {
    pub batch: usize,
    pub sentences: usize,
    pub seconds: f64,
    pub times: super::EmbedTimes,
}

/// Agreement of two sets of embeddings of the same texts.
pub struct Agreement {
    pub what: String,
    pub texts: usize,
    pub min_cosine: f32,
    pub mean_cosine: f32,
    pub worst_text: String,
}

pub struct BenchReport {
    pub device: String,
    /// Texts tokenised, and the seconds it took (part of every batch size's time).
    pub tokenize: (usize, f64),
    pub kernel: &'static str,
    pub note: Option<String>,
    pub device_seconds: f64,
    pub load_seconds: f64,
    pub limits: BatchLimits,
    pub results: Vec<BatchResult>,
    pub agreements: Vec<Agreement>,
}

impl BenchReport {
    /// The report as a person reads it (also what `gpu-check.sh` saves).
    pub fn render(&self) -> String {
        let mut s = format!("device: {} (linear layers: {})\n", self.device, self.kernel);
        if let Some(n) = &self.note {
            s.push_str(&format!("note: {n}\n"));
        }
        s.push_str(&format!(
            "device start-up: {:.3} s; model load: {:.3} s\n\
             default batch limits here: {} sequences, {} padded tokens\n\
             tokenising {} texts: {:.3} s (included in the times below)\n\n",
            self.device_seconds,
            self.load_seconds,
            self.limits.sequences,
            self.limits.tokens,
            self.tokenize.0,
            self.tokenize.1
        ));
        s.push_str(
            "| batch | sentences | seconds | sentences/s | tokenising s | encoder batches | encoder s |\n\
             |---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for r in &self.results {
            s.push_str(&format!(
                "| {} | {} | {:.3} | {:.0} | {:.3} | {} | {:.3} |\n",
                r.batch,
                r.sentences,
                r.seconds,
                r.sentences as f64 / r.seconds.max(1e-9),
                r.times.tokenize,
                r.times.batches,
                r.times.encoder
            ));
        }
        for a in &self.agreements {
            s.push_str(&format!(
                "\n{}: {} texts, cosine min {:.6}, mean {:.6} (worst: {})\n",
                a.what, a.texts, a.min_cosine, a.mean_cosine, a.worst_text
            ));
        }
        s
    }

    /// The lowest cosine of all comparisons (1 when none ran).
    pub fn min_cosine(&self) -> f32 {
        self.agreements
            .iter()
            .map(|a| a.min_cosine)
            .fold(1.0, f32::min)
    }
}

/// Texts from JSON-lines files (their "text" field) or plain text files (one per line).
pub fn read_texts(paths: &[PathBuf]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for p in paths {
        let data = std::fs::read_to_string(p).map_err(|e| ModelError::Io {
            path: p.clone(),
            message: e.to_string(),
        })?;
        for line in data.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let text = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
                .unwrap_or_else(|| line.to_string());
            out.push(text);
        }
    }
    Ok(out)
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb).max(1e-12)
}

fn agreement(what: String, texts: &[&str], a: &[Vec<f32>], b: &[Vec<f32>]) -> Agreement {
    let cos: Vec<f32> = a.iter().zip(b).map(|(x, y)| cosine(x, y)).collect();
    let (worst, min) = cos.iter().enumerate().fold(
        (0, 1f32),
        |(wi, m), (i, &c)| if c < m { (i, c) } else { (wi, m) },
    );
    Agreement {
        what,
        texts: cos.len(),
        min_cosine: min,
        mean_cosine: cos.iter().sum::<f32>() / cos.len().max(1) as f32,
        worst_text: texts.get(worst).copied().unwrap_or("").to_string(),
    }
}

fn load_reference(path: &Path) -> Result<(Vec<String>, Vec<Vec<f32>>)> {
    let bad = |m: &str| ModelError::Invalid(format!("{}: {m}", path.display()));
    let data = std::fs::read_to_string(path).map_err(|e| ModelError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let v: serde_json::Value = serde_json::from_str(&data).map_err(|e| bad(&e.to_string()))?;
    let texts: Vec<String> = v["texts"]
        .as_array()
        .ok_or_else(|| bad("no \"texts\" array"))?
        .iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    let embeddings: Vec<Vec<f32>> = v["embeddings"]
        .as_array()
        .ok_or_else(|| bad("no \"embeddings\" array"))?
        .iter()
        .map(|e| {
            e.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_f64())
                        .map(|x| x as f32)
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    if texts.len() != embeddings.len() {
        return Err(bad("as many texts as embeddings expected"));
    }
    Ok((texts, embeddings))
}

/// Runs the measurement. `progress` hears a line before each stage.
pub fn run(o: &BenchOptions, progress: &mut dyn FnMut(&str)) -> Result<BenchReport> {
    progress("starting the device");
    let t = Instant::now();
    let (device, note) = super::resolve_device(o.device)?;
    let device_seconds = t.elapsed().as_secs_f64();
    let base = read_texts(&o.texts)?;
    if base.is_empty() {
        return Err(ModelError::Invalid("no texts to embed (--texts)".into()));
    }
    let texts: Vec<&str> = base
        .iter()
        .cycle()
        .take(o.count.max(1))
        .map(String::as_str)
        .collect();
    progress("loading the model");
    let t = Instant::now();
    let model = Model::load(&o.dir, &device)?;
    synchronize(&device)?;
    let load_seconds = t.elapsed().as_secs_f64();
    progress("tokenising");
    let t = Instant::now();
    model.token_ids(&texts)?;
    let tokenize = (texts.len(), t.elapsed().as_secs_f64());
    let mut results = Vec::new();
    for &batch in &o.batches {
        progress(&format!("batch {batch}: {} texts", texts.len()));
        // One warm-up batch (kernels loaded, memory pools grown).
        let limits = model.limits_for(batch);
        let warm = texts.len().min(batch).min(256);
        model.embed(&texts[..warm], batch)?;
        synchronize(&device)?;
        let mut times = super::EmbedTimes::default();
        let t = Instant::now();
        let n = model.embed_timed(&texts, limits, &mut times)?.len();
        synchronize(&device)?;
        results.push(BatchResult {
            batch,
            sentences: n,
            seconds: t.elapsed().as_secs_f64(),
            times,
        });
    }
    let mut agreements = Vec::new();
    if o.compare_cpu > 0 && !device.is_cpu() {
        let n = o.compare_cpu.min(base.len());
        let sample: Vec<&str> = base[..n].iter().map(String::as_str).collect();
        progress(&format!("comparing {n} texts with the CPU"));
        let here = model.embed_batched(&sample)?;
        let cpu = Model::load(&o.dir, &Device::Cpu)?;
        let there = cpu.embed_batched(&sample)?;
        agreements.push(agreement(
            format!(
                "{} against the CPU ({})",
                model.encoder.kernel(),
                cpu.encoder.kernel()
            ),
            &sample,
            &here,
            &there,
        ));
    }
    if let Some(path) = &o.reference {
        let (texts, want) = load_reference(path)?;
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let got = model.embed_batched(&refs)?;
        agreements.push(agreement(
            format!("{} against {}", model.encoder.kernel(), path.display()),
            &refs,
            &got,
            &want,
        ));
    }
    Ok(BenchReport {
        device: describe(&device),
        tokenize,
        kernel: model.encoder.kernel(),
        note,
        device_seconds,
        load_seconds,
        limits: model.limits,
        results,
        agreements,
    })
}

fn synchronize(device: &Device) -> Result<()> {
    Ok(device.synchronize()?)
}

fn describe(device: &Device) -> String {
    match device {
        Device::Cpu => format!(
            "cpu ({} threads{})",
            rayon::current_num_threads(),
            if super::cpu::bf16_supported() {
                ", AVX512-BF16"
            } else {
                ""
            }
        ),
        Device::Cuda(_) => "cuda:0".into(),
        _ => "other".into(),
    }
}

/// Writes a copy of the installed model in `dir` to `out` whose word-embedding rows that
/// none of `texts` uses are zeroed: the same file format and size, and the same
/// embeddings for those texts, but it compresses to a third. For carrying the model to a
/// machine that cannot download it, with a size limit on what travels (the GPU check).
/// Returns (rows kept, rows in the table).
pub fn trim(dir: &Path, texts: &[&str], out: &Path) -> Result<(usize, usize)> {
    let io = |p: &Path, e: std::io::Error| ModelError::Io {
        path: p.to_path_buf(),
        message: e.to_string(),
    };
    let model = Model::load_without_heads(dir, &Device::Cpu)?;
    let vocab = model.encoder.config.vocab;
    let mut used = vec![false; vocab];
    // The specials (<s>, <pad>, </s>, <unk>) always.
    used.iter_mut().take(4).for_each(|u| *u = true);
    for windows in model.token_ids(texts)? {
        for id in windows.into_iter().flatten() {
            if let Some(u) = used.get_mut(id as usize) {
                *u = true;
            }
        }
    }
    let src = dir.join(super::install::WEIGHTS);
    let mut bytes = std::fs::read(&src).map_err(|e| io(&src, e))?;
    let idx = super::q4::Index::parse(&bytes)?;
    let word = idx
        .tensor(
            "emb.word",
            super::q4::DType::Q4_0,
            vocab * model.encoder.config.hidden,
        )?
        .range
        .clone();
    let row = model.encoder.config.hidden / super::q4::BLOCK * super::q4::BLOCK_BYTES;
    for (id, &keep) in used.iter().enumerate() {
        if !keep {
            let at = word.start + id * row;
            bytes[at..at + row].fill(0);
        }
    }
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let dst = out.join(super::install::WEIGHTS);
    std::fs::write(&dst, &bytes).map_err(|e| io(&dst, e))?;
    for f in [
        super::install::TOKENIZER,
        super::install::TOKENIZER_CONFIG,
        super::install::VOCAB,
        super::install::MANIFEST,
    ] {
        std::fs::copy(dir.join(f), out.join(f)).map_err(|e| io(&dir.join(f), e))?;
    }
    Ok((used.iter().filter(|&&u| u).count(), vocab))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_from_json_lines_and_plain_lines() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        std::fs::write(&a, "{\"text\": \"一\"}\n\n{\"text\": \"two\", \"x\": 1}\n").unwrap();
        let b = dir.path().join("b.txt");
        std::fs::write(&b, "plain line\n{not json\n").unwrap();
        assert_eq!(
            read_texts(&[a, b]).unwrap(),
            vec!["一", "two", "plain line", "{not json"]
        );
        assert!(read_texts(&[dir.path().join("missing")]).is_err());
    }

    #[test]
    fn agreement_finds_the_worst_text() {
        let a = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![1.0, 1.0]];
        let b = vec![vec![1.0, 0.0], vec![1.0, 1.0], vec![1.0, 1.0]];
        let g = agreement("t".into(), &["x", "y", "z"], &a, &b);
        assert_eq!(g.worst_text, "y");
        assert!((g.min_cosine - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert!(g.mean_cosine < 1.0 && g.mean_cosine > g.min_cosine);
    }
}
