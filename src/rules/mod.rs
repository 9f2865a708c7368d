//! Rules: one file per rule, all listed in [`REGISTRY`] in a stable order.
//!
//! A rule reads the shared [`Document`] through `&self` and pushes diagnostics with its
//! default severity; the engine then applies the configured severity, `--select` and
//! `--ignore`, and inline suppressions. The module doc comment of each rule file
//! (What it flags / Why it matters / Examples / Fix safety / Options) is what
//! `answerlint explain RULE` prints.

pub(crate) mod commitment;
pub(crate) mod hedged_figure;
mod missing_anchor;
mod missing_dimension;
mod missing_tier_proof;
mod missing_tiers;
mod placeholder_left;
pub(crate) use placeholder_left::has_placeholder;
mod unsupported_figure;
mod unverifiable_claim;
mod unverifiable_plan;
mod vague_commitment;
mod vague_quantity;

use crate::document::{Document, Lang};
use crate::lexicon::Lexicons;
use crate::{Diagnostic, Severity, Source, Span};

/// Static facts about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// The fixed id that other tools parse.
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line for `answerlint rules`.
    pub summary: &'static str,
    /// The source of the rule's file; its `//!` lines are the rule's docs.
    pub source: &'static str,
    /// Whether the rule can offer fixes.
    pub fixable: bool,
    /// Whether the rule judges answers or whole scripts (tested with the script fixtures
    /// in tests/fixtures/structure/) rather than single sentences.
    pub structural: bool,
}

impl RuleMeta {
    /// The rule's documentation: the module doc comment of its file.
    pub fn docs(&self) -> String {
        module_docs(self.source)
    }

    pub(crate) fn diagnostic(&self, span: Span, message: String, source: Source) -> Diagnostic {
        Diagnostic {
            rule: self.id,
            severity: self.default_severity,
            span,
            message,
            suggestion: None,
            source,
            confidence: None,
            fixes: Vec::new(),
        }
    }
}

/// The `//!` comment at the top of a source file, as text.
pub fn module_docs(source: &str) -> String {
    let mut out = String::new();
    for line in source.lines() {
        if let Some(rest) = line.strip_prefix("//!") {
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        } else if !line.trim().is_empty() {
            break;
        }
    }
    out
}

/// Per-sentence judgements that a sentence classifier can supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    VagueCommitment,
    HedgedFigure,
    BusinessFigure,
    Evidence,
}

impl Signal {
    pub const COUNT: usize = 4;
}

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
}

/// Something that scores sentences: the sentence model, or a stand-in in tests.
pub trait Scorer: Send + Sync {
    /// Probabilities per signal for each text.
    fn score(&self, texts: &[&str]) -> Result<Vec<[Option<f32>; Signal::COUNT]>, String>;
    /// ([zh, en] thresholds, veto thresholds) per signal.
    fn calibration(&self) -> ([[f32; 2]; Signal::COUNT], [Option<f32>; Signal::COUNT]);
    /// The section type of each question by similarity to prototype questions, where the
    /// scorer has prototypes.
    fn question_types(
        &self,
        questions: &[&str],
    ) -> Result<Vec<Option<crate::structure::SectionType>>, String> {
        Ok(vec![None; questions.len()])
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
}

/// What rules get besides the document.
pub struct Context<'a> {
    pub lexicons: &'a Lexicons,
    pub scores: Option<&'a SentenceScores>,
    /// Questions, answers and their types.
    pub script: &'a crate::structure::Script,
    /// Rewrite templates from answerlint.toml.
    pub templates: &'a crate::config::Templates,
}

impl Context<'_> {
    /// The model's probability for `signal` in sentence `si`, when a model ran.
    pub fn score(&self, si: usize, signal: Signal) -> Option<f32> {
        self.scores
            .and_then(|s| s.per_sentence.get(si))
            .and_then(|p| p[signal as usize])
    }

    /// The model's verdict for `signal` in sentence `si` of language `lang`.
    pub fn verdict(&self, si: usize, signal: Signal, lang: Lang) -> Option<Verdict> {
        let s = self.scores?;
        let p = self.score(si, signal)?;
        let t = s.thresholds[signal as usize][usize::from(lang == Lang::En)];
        Some(Verdict {
            probability: p,
            flags: p >= t,
            vetoes: s.veto_below[signal as usize].is_some_and(|v| p < v),
        })
    }
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>);
}

/// Every rule, in the order output and `answerlint rules` use.
pub static REGISTRY: &[&dyn Rule] = &[
    &vague_commitment::VagueCommitment,
    &hedged_figure::HedgedFigure,
    &vague_quantity::VagueQuantity,
    &unverifiable_claim::UnverifiableClaim,
    &unsupported_figure::UnsupportedFigure,
    &unverifiable_plan::UnverifiablePlan,
    &placeholder_left::PlaceholderLeft,
    &missing_tiers::MissingTiers,
    &missing_tier_proof::MissingTierProof,
    &missing_anchor::MissingAnchor,
    &missing_dimension::MissingDimension,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().id == id)
}

/// Whether a sentence is answer text a rule should judge: not a heading (the question)
/// and not itself a question.
pub fn is_statement(doc: &Document, si: usize) -> bool {
    let s = &doc.sentences[si];
    if s.kind == crate::document::BlockKind::Heading {
        return false;
    }
    let t = doc
        .sentence_text(si)
        .trim_end_matches(['”', '"', '）', ')', '」']);
    !(t.ends_with('？') || t.ends_with('?'))
}

/// Picks the Chinese or English form of a message by the sentence's language.
pub(crate) fn msg(lang: Lang, zh: String, en: String) -> String {
    if lang == Lang::En {
        en
    } else {
        zh
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::document::{DocOptions, Document};
    use crate::lexicon::Lexicons;

    use super::*;

    /// Runs one rule over `text` and returns the flagged text of each diagnostic.
    /// What `rule` reports on `text` (default lexicons, no model).
    pub fn diagnostics(rule: &dyn Rule, text: &str) -> Vec<crate::Diagnostic> {
        let lx = Lexicons::builtin();
        let doc = Document::build(text.to_string(), &lx, DocOptions::default());
        let script = crate::structure::Script::parse(&doc, &lx);
        let cx = Context {
            lexicons: &lx,
            scores: None,
            script: &script,
            templates: &Default::default(),
        };
        let mut out = Vec::new();
        rule.check(&doc, &cx, &mut out);
        out
    }

    pub fn flagged(rule: &dyn Rule, text: &str) -> Vec<String> {
        diagnostics(rule, text)
            .iter()
            .map(|d| d.span.slice(text).to_string())
            .collect()
    }
}
