//! Rules: one file per rule, all listed in [`REGISTRY`] in a stable order.
//!
//! A rule reads the shared [`Document`] through `&self` and pushes diagnostics with its
//! default severity; the engine then applies the configured severity, `--select` and
//! `--ignore`, and inline suppressions. The module doc comment of each rule file
//! (What it flags / Why it matters / Examples / Fix safety / Options) is what
//! `answerlint explain RULE` prints.

mod commitment;
mod hedged_figure;
pub mod merge;
mod missing_anchor;
mod missing_dimension;
mod missing_tier_proof;
mod missing_tiers;
mod phrase;
mod placeholder_left;
mod unsupported_figure;
mod unverifiable_claim;
mod unverifiable_plan;
mod vague_commitment;
mod vague_quantity;

pub use crate::diagnostic::RuleId;
pub use crate::document::is_statement;
use crate::document::{Document, Lang};
use crate::lexicon::Lexicons;
pub use crate::model::signal::{Scorer, SentenceScores, Signal, Verdict};
use crate::{Diagnostic, Severity, Source, Span};

/// Static facts about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// The fixed id that other tools parse.
    pub id: RuleId,
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
            related: Vec::new(),
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

/// What rules get besides the document.
pub struct Context<'a> {
    pub lexicons: &'a Lexicons,
    pub scores: Option<&'a SentenceScores>,
    /// Questions, answers and their types.
    pub script: &'a crate::structure::Script,
    /// Rewrite templates from answerlint.toml.
    pub templates: &'a crate::rewrite::Templates,
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
            strong: p >= s.strong[signal as usize][usize::from(lang == Lang::En)],
        })
    }

    /// The act of sentence `si`: its context markers' act when they say it is not the
    /// writer's own (courtesy, a request, a hold...); else the act head the model is most
    /// sure of, when that one is over its threshold; else the markers' act.
    pub fn act(&self, doc: &Document, si: usize) -> crate::document::Act {
        let lexicon = doc.sentences[si].act;
        if !lexicon.is_own() {
            return lexicon;
        }
        self.model_act(doc, si).unwrap_or(lexicon)
    }

    /// The act head the model is most sure of for sentence `si`, when it is over its
    /// threshold.
    pub fn model_act(&self, doc: &Document, si: usize) -> Option<crate::document::Act> {
        let lang = doc.sentences[si].lang;
        crate::model::signal::ACT_SIGNALS
            .iter()
            .filter_map(|&(signal, act)| {
                self.verdict(si, signal, lang)
                    .filter(|v| v.flags)
                    .map(|v| (v.probability, act))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, act)| act)
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

/// The rule named `id`, if there is one.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RuleId::from_name(id).map(get)
}

/// The rule with this id ([`REGISTRY`] is in [`RuleId::ALL`]'s order).
pub fn get(id: RuleId) -> &'static dyn Rule {
    REGISTRY[id as usize]
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
mod registry_tests {
    use super::*;

    #[test]
    fn registry_follows_the_rule_ids() {
        assert_eq!(REGISTRY.len(), RuleId::ALL.len());
        for (r, id) in REGISTRY.iter().zip(RuleId::ALL) {
            assert_eq!(r.meta().id, *id);
            assert_eq!(get(*id).meta().id, *id);
            let json = serde_json::to_string(id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(serde_json::from_str::<RuleId>(&json).unwrap(), *id);
        }
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
