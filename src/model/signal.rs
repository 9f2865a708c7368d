//! What the sentence model gives the rules: a probability per sentence and [`Signal`],
//! with the thresholds it was calibrated with. Defined here, below the rules, so that the
//! model does not depend on them; the rules read it through `rules::Context`.

use crate::document::Act;

/// Per-sentence judgements that a sentence classifier can supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    VagueCommitment,
    HedgedFigure,
    BusinessFigure,
    Evidence,
    /// The sentence's act is a commitment (one head per act, one against the rest).
    ActCommitment,
    ActClaim,
    ActCourtesy,
    ActRequest,
    ActQuestion,
    ActInstruction,
    ActHold,
    ActReported,
}

impl Signal {
    pub const COUNT: usize = 12;
}

/// The act heads and the act each one scores.
pub const ACT_SIGNALS: [(Signal, Act); 8] = [
    (Signal::ActCommitment, Act::Commitment),
    (Signal::ActClaim, Act::Claim),
    (Signal::ActCourtesy, Act::Courtesy),
    (Signal::ActRequest, Act::Request),
    (Signal::ActQuestion, Act::Question),
    (Signal::ActInstruction, Act::Instruction),
    (Signal::ActHold, Act::Hold),
    (Signal::ActReported, Act::Reported),
];

/// Probabilities per sentence and signal from a sentence model, with the decision
/// thresholds it was calibrated with; absent when no model ran.
#[derive(Debug, Clone, Default)]
pub struct SentenceScores {
    /// Indexed by sentence; `None` where the model did not look at a sentence.
    pub per_sentence: Vec<[Option<f32>; Signal::COUNT]>,
    /// Per signal: the probability at or above which the model alone flags, [zh, en].
    pub thresholds: [[f32; 2]; Signal::COUNT],
    /// Per signal: below this probability the model overrules a lexicon finding.
    pub veto_below: [Option<f32>; Signal::COUNT],
    /// Per signal: the probability at or above which a finding of the model alone is
    /// confident enough to keep the rule's severity, [zh, en] (below it, one level less).
    pub strong: [[f32; 2]; Signal::COUNT],
}

/// Something that scores sentences: the sentence model, or a stand-in in tests.
pub trait Scorer: Send + Sync {
    /// Probabilities per signal for each text.
    fn score(&self, texts: &[&str]) -> Result<Vec<[Option<f32>; Signal::COUNT]>, String>;
    /// ([zh, en] thresholds, veto thresholds) per signal.
    fn calibration(&self) -> ([[f32; 2]; Signal::COUNT], [Option<f32>; Signal::COUNT]);
    /// Per signal, [zh, en]: the probability from which a finding of the model alone keeps
    /// its rule's severity (calibrated for high precision); never, by default.
    fn strong(&self) -> [[f32; 2]; Signal::COUNT] {
        [[f32::INFINITY; 2]; Signal::COUNT]
    }
    /// Messages for the user about how the scorer runs (e.g. a GPU fallback to the CPU).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The model's view of one sentence for one signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    pub probability: f32,
    /// Confident enough to flag on its own.
    pub flags: bool,
    /// Low enough to overrule a lexicon finding.
    pub vetoes: bool,
    /// High enough for a finding of the model alone to keep its rule's severity.
    pub strong: bool,
}
