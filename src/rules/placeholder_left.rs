//! # placeholder-left (error)
//!
//! ## What it flags
//! A placeholder still in the script: 【待补充：…】 or [TODO: …], as the fixes and
//! rewrites of answerlint write them where the text lacks a fact (a deadline, a source, a
//! contract number). Also in headings and lists.
//!
//! ## Why it matters
//! answerlint never invents a number, a deadline, a document or a name: it leaves a
//! placeholder for a person to fill in. A script with placeholders is not finished, so it
//! must not pass.
//!
//! ## Examples
//! Flagged:
//!     退货率1.2%（来源：【待补充：报表或截图】）。
//!     Our return rate is 1.2% ([TODO: source]).
//! Not flagged:
//!     退货率1.2%（后台截图，附件3）。
//!     Items marked TODO in the ERP are reviewed daily.
//!
//! ## Fix safety
//! No fix: only a person knows the fact.
//!
//! ## Options
//! None.

use crate::diagnostic::RuleId;
use crate::document::{has_placeholder, placeholder_re, Document, Lang};
use crate::{Diagnostic, Severity, Source, Span};

use super::{msg, Context, Rule, RuleMeta};

pub struct PlaceholderLeft;

static META: RuleMeta = RuleMeta {
    id: RuleId::PlaceholderLeft,
    default_severity: Severity::Error,
    summary: "a placeholder (【待补充：…】, [TODO: …]) still in the script",
    source: include_str!("placeholder_left.rs"),
    fixable: false,
    structural: false,
};

impl Rule for PlaceholderLeft {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, _cx: &Context, out: &mut Vec<Diagnostic>) {
        if !has_placeholder(&doc.text) {
            return;
        }
        for m in placeholder_re().find_iter(&doc.text) {
            let span = Span::new(m.start(), m.end());
            if doc.hidden.iter().any(|h| h.contains(span)) {
                continue;
            }
            let lang = if m.as_str().starts_with('[') {
                Lang::En
            } else {
                Lang::Zh
            };
            let mut d = META.diagnostic(
                span,
                msg(
                    lang,
                    format!("占位符{}还没有填写", m.as_str()),
                    format!("placeholder {} is still to be filled in", m.as_str()),
                ),
                Source::Pattern,
            );
            d.suggestion = Some(msg(
                lang,
                "换成真实的内容（时限、凭证、编号），没有就删掉这句承诺".into(),
                "replace it with the real fact (deadline, proof, number), or drop the claim".into(),
            ));
            out.push(d);
        }
    }
}
