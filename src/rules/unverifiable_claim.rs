//! # unverifiable-claim (warning)
//!
//! ## What it flags
//! Puffery and absolute guarantees that no evidence could back: 行业领先, 数一数二,
//! 100%保证, 绝对不会出问题, "best in the industry", "never fails", "zero risk".
//! A ranking claim (superlative) passes when the same sentence names specific evidence
//! (a platform ranking screenshot, an audit report); guarantees and absolutes never do.
//!
//! ## Why it matters
//! Examiners discount self-praise and distrust absolute promises: every seller says it
//! is the best, and no seller can promise that nothing ever goes wrong.
//!
//! ## Examples
//! Flagged:
//!     我们的品质行业领先，100%保证不出问题。
//!     Our packaging never fails.
//! Not flagged:
//!     我们的类目排名第3（后台截图见附件1）。
//!     Examiners distrust phrases like "best in the industry".
//!
//! ## Fix safety
//! No automatic fix yet; the suggestion shows what to write instead.
//!
//! ## Options
//! `[lexicon.en.unverifiable-claim] add = [...]`, `except = [...]` in answerlint.toml.

use crate::diagnostic::RuleId;
use crate::document::Lang;
use crate::lexicon::List;
use crate::Severity;

use super::phrase::{Accept, Candidate, PhraseRule};
use super::{msg, RuleMeta};

pub struct UnverifiableClaim;

static META: RuleMeta = RuleMeta {
    id: RuleId::UnverifiableClaim,
    default_severity: Severity::Warning,
    summary: "puffery and absolute guarantees that no evidence could back (行业领先, never fails)",
    source: include_str!("unverifiable_claim.rs"),
    fixable: false,
    structural: false,
};

impl PhraseRule for UnverifiableClaim {
    const META: &'static RuleMeta = &META;
    const LIST: List = List::UnverifiableClaim;

    /// A superlative with specific evidence in its sentence is a sourced ranking.
    fn accept(&self, c: &Candidate) -> Option<Accept> {
        let Candidate { doc, si, m, e, .. } = *c;
        (e.category != "superlative" || doc.sentences[si].evidence.specific.is_none())
            .then(|| Accept::at(m.span))
    }

    fn message(&self, c: &Candidate, _a: &Accept, lang: Lang) -> String {
        let phrase = c.phrase();
        match c.e.category.as_str() {
            "superlative" => msg(
                lang,
                format!("「{phrase}」是无法核查的自我评价：换成带出处的排名或数据"),
                format!("\"{phrase}\" is self-praise nobody can check: give a ranking or figure with its source"),
            ),
            _ => msg(
                lang,
                format!("「{phrase}」是绝对化承诺，考官不会采信：写明具体标准和出问题时的处理"),
                format!("\"{phrase}\" is an absolute promise examiners do not accept: state the standard you meet and what happens when it fails"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::flagged;
    use super::*;

    #[test]
    fn flags_puffery_and_absolutes() {
        assert!(!flagged(&UnverifiableClaim, "我们的品质行业领先。").is_empty());
        assert!(!flagged(&UnverifiableClaim, "Our packaging never fails.").is_empty());
    }

    #[test]
    fn skips_mentions() {
        assert!(flagged(
            &UnverifiableClaim,
            "Examiners distrust phrases like \"best in the industry\"."
        )
        .is_empty());
    }
}
