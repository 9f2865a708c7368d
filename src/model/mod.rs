//! The semantic layer: a multilingual sentence encoder (multilingual-e5-small, 4-bit,
//! run with candle) and small classifier heads on its embeddings, for what word lists miss.
//!
//! Stages: [`install`] fetches and verifies the weights; [`q4`] reads them; [`encoder`]
//! runs the transformer; [`heads`] turns embeddings into per-sentence probabilities that
//! the rules fuse with their lexicon evidence (see `signal::SentenceScores`).

pub mod cpu;
pub mod encoder;
pub mod heads;
pub mod install;
pub mod q4;
pub mod signal;

use std::path::{Path, PathBuf};

use candle_core::Device;

pub use encoder::Encoder;
pub use heads::Heads;
pub use install::{default_model_dir, Installed};

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("weight file: {0}")]
    Format(#[from] q4::FormatError),
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the model is not installed in {0} (run `answerlint model install`)")]
    NotInstalled(PathBuf),
    #[error("install failed: {0}")]
    Install(String),
}

pub type Result<T> = std::result::Result<T, ModelError>;

/// Which device runs the encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DeviceChoice {
    /// CUDA when built with `--features cuda` and a GPU is present, else the CPU.
    #[default]
    Auto,
    Cpu,
    Cuda,
}

pub fn device(choice: DeviceChoice) -> Result<Device> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::Cpu),
        DeviceChoice::Cuda => {
            if !candle_core::utils::cuda_is_available() {
                return Err(ModelError::Invalid(
                    "--device cuda: this build has no CUDA support (build with --features cuda)"
                        .into(),
                ));
            }
            Ok(Device::new_cuda(0)?)
        }
        DeviceChoice::Auto => {
            if candle_core::utils::cuda_is_available() {
                if let Ok(d) = Device::new_cuda(0) {
                    return Ok(d);
                }
            }
            Ok(Device::Cpu)
        }
    }
}

/// Most padded tokens in one batch (at least one full window of 512): larger batches
/// spend their time in page faults on temporary tensors (batch 128 measured 92 sentences/s
/// with 2,048, 121 with 1,024; `benches/model.rs`).
const MAX_BATCH_TOKENS: usize = 1024;

/// The prefix e5 expects before a text that is embedded as a query.
pub const QUERY_PREFIX: &str = "query: ";

/// Encoder, tokenizer and heads, ready to score sentences.
pub struct Model {
    pub encoder: Encoder,
    vocab: install::Vocab,
    pub heads: Option<Heads>,
}

impl Model {
    /// Loads an installed model from `dir` (weights memory-mapped) with the committed heads.
    pub fn load(dir: &Path, device: &Device) -> Result<Model> {
        let mut m = Model::load_without_heads(dir, device)?;
        m.heads = Some(Heads::builtin()?);
        Ok(m)
    }

    /// The encoder and tokenizer only: for training heads.
    pub fn load_without_heads(dir: &Path, device: &Device) -> Result<Model> {
        let inst = Installed::open(dir)?;
        let encoder = Encoder::load(Box::new(inst.map_weights()?), device)?;
        let vocab = inst.vocab()?;
        Ok(Model {
            encoder,
            vocab,
            heads: None,
        })
    }

    /// Token ids of `text` for the encoder: `<s>` + "query: " + text + `</s>`, split into
    /// windows that fit the model when the text is longer.
    pub fn token_windows(&self, text: &str) -> Result<Vec<Vec<u32>>> {
        let query = format!("{QUERY_PREFIX}{text}");
        let (tokenizer, map) = self.vocab.tokenizer_for(&[&query])?;
        self.windows(&tokenizer, &map, &query)
    }

    fn windows(
        &self,
        tokenizer: &tokenizers::Tokenizer,
        map: &[u32],
        query: &str,
    ) -> Result<Vec<Vec<u32>>> {
        let enc = tokenizer
            .encode(query, false)
            .map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        let ids: Vec<u32> = enc.get_ids().iter().map(|&i| map[i as usize]).collect();
        let room = self.encoder.config.max_positions - 2;
        let windows: Vec<Vec<u32>> = if ids.is_empty() {
            vec![vec![0, 2]]
        } else {
            ids.chunks(room)
                .map(|w| {
                    let mut v = Vec::with_capacity(w.len() + 2);
                    v.push(0);
                    v.extend_from_slice(w);
                    v.push(2);
                    v
                })
                .collect()
        };
        Ok(windows)
    }

    /// Sentence embeddings, batched by token length (sorted, dynamic padding). Texts longer
    /// than the model's window are embedded window by window and averaged by token count.
    pub fn embed(&self, texts: &[&str], batch_size: usize) -> Result<Vec<Vec<f32>>> {
        let queries: Vec<String> = texts.iter().map(|t| format!("{QUERY_PREFIX}{t}")).collect();
        let refs: Vec<&str> = queries.iter().map(String::as_str).collect();
        let (tokenizer, map) = self.vocab.tokenizer_for(&refs)?;
        let mut items: Vec<(usize, Vec<u32>)> = Vec::new();
        for (i, q) in queries.iter().enumerate() {
            for w in self.windows(&tokenizer, &map, q)? {
                items.push((i, w));
            }
        }
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&k| items[k].1.len());
        let h = self.encoder.config.hidden;
        let mut sums = vec![vec![0f32; h]; texts.len()];
        // Batches of at most `batch_size` sequences and at most MAX_BATCH_TOKENS padded
        // tokens: with lengths sorted, a batch is padded only to its own longest sequence.
        let mut chunks: Vec<&[usize]> = Vec::new();
        let mut start = 0;
        for end in 1..=order.len() {
            let next_too_big = end < order.len()
                && (end + 1 - start > batch_size.max(1)
                    || (end + 1 - start) * items[order[end]].1.len() > MAX_BATCH_TOKENS);
            if end == order.len() || next_too_big {
                chunks.push(&order[start..end]);
                start = end;
            }
        }
        for chunk in chunks {
            let seqs: Vec<Vec<u32>> = chunk.iter().map(|&k| items[k].1.clone()).collect();
            let emb = self
                .encoder
                .embed(&seqs)?
                .to_device(&Device::Cpu)?
                .to_vec2::<f32>()?;
            for (&k, e) in chunk.iter().zip(emb) {
                let (text, weight) = (items[k].0, items[k].1.len() as f32);
                for (s, v) in sums[text].iter_mut().zip(e) {
                    *s += v * weight;
                }
            }
        }
        for s in &mut sums {
            let n = s.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            s.iter_mut().for_each(|v| *v /= n);
        }
        Ok(sums)
    }
}

impl signal::Scorer for Model {
    fn score(
        &self,
        texts: &[&str],
    ) -> std::result::Result<Vec<[Option<f32>; signal::Signal::COUNT]>, String> {
        let Some(heads) = &self.heads else {
            return Ok(vec![[None; signal::Signal::COUNT]; texts.len()]);
        };
        let emb = self.embed(texts, 32).map_err(|e| e.to_string())?;
        Ok(emb.iter().map(|e| heads.probabilities(e)).collect())
    }

    fn question_types(
        &self,
        questions: &[&str],
    ) -> std::result::Result<Vec<Option<crate::structure::SectionType>>, String> {
        let Some(heads) = self.heads.as_ref().filter(|h| !h.prototypes.is_empty()) else {
            return Ok(vec![None; questions.len()]);
        };
        let emb = self.embed(questions, 32).map_err(|e| e.to_string())?;
        Ok(emb
            .iter()
            .map(|e| {
                heads
                    .nearest_type(e)
                    .and_then(|(t, _)| crate::structure::SectionType::from_id(t))
            })
            .collect())
    }

    fn calibration(
        &self,
    ) -> (
        [[f32; 2]; signal::Signal::COUNT],
        [Option<f32>; signal::Signal::COUNT],
    ) {
        let mut t = [[1.1f32; 2]; signal::Signal::COUNT];
        let mut v = [None; signal::Signal::COUNT];
        if let Some(heads) = &self.heads {
            for (signal, _) in heads::SIGNALS {
                if let Some(h) = heads.head(signal) {
                    t[signal as usize] = [h.threshold_zh, h.threshold_en];
                    v[signal as usize] = h.veto_below;
                }
            }
        }
        (t, v)
    }
}
