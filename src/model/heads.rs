//! Classifier heads: one logistic regression per signal on the 384-dimensional sentence
//! embedding, with decision thresholds per language. Trained by `answerlint train` and
//! committed as `models/heads.json`.

use serde::{Deserialize, Serialize};

use super::signal::Signal;
use super::{ModelError, Result};
use crate::document::Lang;

pub const SIGNALS: [(Signal, &str); Signal::COUNT] = [
    (Signal::VagueCommitment, "vague_commitment"),
    (Signal::HedgedFigure, "hedged_figure"),
    (Signal::BusinessFigure, "business_figure"),
    (Signal::Evidence, "evidence"),
    (Signal::ActCommitment, "act_commitment"),
    (Signal::ActClaim, "act_claim"),
    (Signal::ActCourtesy, "act_courtesy"),
    (Signal::ActRequest, "act_request"),
    (Signal::ActQuestion, "act_question"),
    (Signal::ActInstruction, "act_instruction"),
    (Signal::ActHold, "act_hold"),
    (Signal::ActReported, "act_reported"),
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Head {
    /// The label name in models/data (vague_commitment, hedged_figure, ...).
    pub signal: String,
    pub weights: Vec<f32>,
    pub bias: f32,
    /// Probability at or above which the model alone flags, per language.
    pub threshold_zh: f32,
    pub threshold_en: f32,
    /// Below this probability the model overrules a lexicon hit; `None` when the held-out
    /// split did not show that a veto helps.
    pub veto_below: Option<f32>,
    /// Probability from which a finding of the model alone keeps its rule's severity
    /// (chosen for precision >= 0.95 on the validation slice), per language; `None`: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strong_zh: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strong_en: Option<f32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Heads {
    pub version: u32,
    /// What the heads were trained on: the encoder and its input prefix.
    pub encoder: String,
    pub dim: usize,
    pub heads: Vec<Head>,
    /// Section types as the mean embedding of prototype questions
    /// (models/data/prototypes.jsonl). Trained and reported (`model status`), but no
    /// longer used to type questions: measured on models/blind/questions it was mostly
    /// wrong where the `topics` lexicon is unsure (see `Linter::model_pass`).
    #[serde(default)]
    pub prototypes: Vec<Prototype>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Prototype {
    /// A section type id (core-strength, ..., other).
    #[serde(rename = "type")]
    pub kind: String,
    /// L2-normalised mean embedding.
    pub centroid: Vec<f32>,
}

/// The prototype nearest to an L2-normalised embedding, and their cosine.
pub fn nearest<'a>(prototypes: &'a [Prototype], emb: &[f32]) -> Option<(&'a str, f32)> {
    prototypes
        .iter()
        .map(|p| {
            let dot: f32 = p.centroid.iter().zip(emb).map(|(a, b)| a * b).sum();
            (p.kind.as_str(), dot)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// `models/heads.json` as embedded at build time (also part of the results cache key).
pub const BUILTIN: &str = include_str!("../../models/heads.json");

impl Heads {
    pub fn builtin() -> Result<Heads> {
        Heads::parse(BUILTIN)
    }

    pub fn parse(text: &str) -> Result<Heads> {
        let h: Heads =
            serde_json::from_str(text).map_err(|e| ModelError::Invalid(format!("heads: {e}")))?;
        for head in &h.heads {
            if head.weights.len() != h.dim {
                return Err(ModelError::Invalid(format!(
                    "head {}: {} weights for dimension {}",
                    head.signal,
                    head.weights.len(),
                    h.dim
                )));
            }
        }
        Ok(h)
    }

    pub fn head(&self, signal: Signal) -> Option<&Head> {
        let name = SIGNALS.iter().find(|(s, _)| *s == signal)?.1;
        self.heads.iter().find(|h| h.signal == name)
    }

    /// Probabilities per signal (in [`Signal`] order) for one embedding.
    pub fn probabilities(&self, embedding: &[f32]) -> [Option<f32>; Signal::COUNT] {
        let mut out = [None; Signal::COUNT];
        for (signal, _) in SIGNALS {
            if let Some(h) = self.head(signal) {
                let z: f32 = h
                    .weights
                    .iter()
                    .zip(embedding)
                    .map(|(w, x)| w * x)
                    .sum::<f32>()
                    + h.bias;
                out[signal as usize] = Some(1.0 / (1.0 + (-z).exp()));
            }
        }
        out
    }
}

impl Head {
    pub fn threshold(&self, lang: Lang) -> f32 {
        match lang {
            Lang::En => self.threshold_en,
            // Mixed sentences are mostly Chinese with English terms.
            _ => self.threshold_zh,
        }
    }
}
