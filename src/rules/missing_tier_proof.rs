//! # missing-tier-proof (warning)
//!
//! ## What it flags
//! A tier of a complaint or after-sales response (a step with a deadline, see
//! missing-tiers) whose action has no proof the buyer or the examiner can check: a
//! tracking number synced to the order, an SLA timer screenshot, a ticket number, a
//! refund record, an 8D report.
//!
//! ## Why it matters
//! "Within 24 hours we ship a replacement" is a promise; "...and sync the tracking number
//! to the buyer" is a promise with evidence. Examiners score the second.
//!
//! ## Examples
//! Flagged:
//!     24小时内补发新品。
//!     Within 24 hours we ship a replacement.
//! Not flagged:
//!     24小时内补发新品，运单号同步给买家。
//!     Within 24 hours we ship a replacement and send the buyer the tracking number.
//!
//! ## Fix safety
//! No fix of its own: `answerlint rewrite` adds a proof placeholder to each tier without
//! proof (a tier holding a placeholder is placeholder-left's finding, not this rule's).
//!
//! ## Options
//! Proof words come from the `evidence` lexicon (`[lexicon.zh.evidence] add = [...]`).

use crate::diagnostic::{Related, RuleId};
use crate::document::Document;
use crate::rules::missing_tiers::excerpt;
use crate::structure::SectionType;
use crate::{Diagnostic, Severity, Source};

use super::{msg, Context, Rule, RuleMeta};

pub struct MissingTierProof;

static META: RuleMeta = RuleMeta {
    id: RuleId::MissingTierProof,
    default_severity: Severity::Warning,
    summary: "a tier of a complaint response whose action has no proof (tracking number, screenshot, 8D report)",
    source: include_str!("missing_tier_proof.rs"),
    fixable: false,
    structural: true,
};

impl Rule for MissingTierProof {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for sec in &cx.script.sections {
            if sec.kind != SectionType::QualityComplaint {
                continue;
            }
            let lang = sec.lang(doc);
            for s in crate::structure::Step::tiers(sec.steps(doc, cx.lexicons)) {
                if s.deadline.is_none() || !s.action || s.proof || s.pending {
                    continue;
                }
                let span = trim(doc, s.span);
                let mut d = META.diagnostic(
                    span,
                    msg(
                        lang,
                        "这一级有动作但没有凭证".into(),
                        "this tier has an action but no proof".into(),
                    ),
                    Source::Structure,
                );
                d.suggestion = Some(msg(
                    lang,
                    "写明可核查的凭证：运单号同步给买家、SLA计时截图、工单号、退款记录、8D报告".into(),
                    "name the proof: tracking number synced to the buyer, SLA timer screenshot, ticket number, refund record, 8D report".into(),
                ));
                // The question whose answer the tier belongs to.
                if !sec.anchor.is_empty() && sec.anchor != span {
                    let question = excerpt(sec.anchor.slice(&doc.text));
                    d.related.push(Related {
                        span: sec.anchor,
                        message: msg(
                            lang,
                            format!("问题：{question}"),
                            format!("question: {question}"),
                        ),
                    });
                }
                out.push(d);
            }
        }
    }
}

/// `span` without surrounding white space and trailing separators.
pub(crate) fn trim(doc: &Document, span: crate::Span) -> crate::Span {
    let t = span.slice(&doc.text);
    let lead = t.len() - t.trim_start().len();
    let t2 = t.trim_end_matches(|c: char| c.is_whitespace() || "，,；;、".contains(c));
    crate::Span::new(
        span.start + lead,
        (span.start + t2.len()).max(span.start + lead),
    )
}
