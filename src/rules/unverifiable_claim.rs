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

use crate::document::{Document, Lang};
use crate::lexicon::List;
use crate::{Diagnostic, Severity, Source};

use super::{is_statement, msg, Context, Rule, RuleMeta};

pub struct UnverifiableClaim;

static META: RuleMeta = RuleMeta {
    id: "unverifiable-claim",
    default_severity: Severity::Warning,
    summary: "puffery and absolute guarantees that no evidence could back (行业领先, never fails)",
    source: include_str!("unverifiable_claim.rs"),
    fixable: false,
    structural: false,
};

impl Rule for UnverifiableClaim {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for si in 0..doc.sentences.len() {
            if !is_statement(doc, si) {
                continue;
            }
            let mut last_end = 0;
            for m in doc.sentence_matches(si) {
                if m.list != List::UnverifiableClaim || m.span.start < last_end {
                    continue;
                }
                let e = cx.lexicons.entry(m.entry);
                if e.category == "superlative" && doc.sentences[si].evidence.specific.is_some() {
                    continue;
                }
                if doc.cancel_reason(cx.lexicons, si, m.span).is_some() {
                    continue;
                }
                let phrase = m.span.slice(&doc.text);
                let lang = if e.lang == Lang::En {
                    Lang::En
                } else {
                    doc.sentences[si].lang
                };
                let message = match e.category.as_str() {
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
                };
                let mut d = META.diagnostic(m.span, message, Source::Lexicon);
                d.suggestion = Some(e.note.clone());
                out.push(d);
                last_end = m.span.end;
            }
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
