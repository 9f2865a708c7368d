//! # missing-anchor (warning)
//!
//! ## What it flags
//! An answer about the company's core strengths with no data anchor: no business figure
//! with its evidence in the same sentence (报关单, 后台截图, a contract number, an ERP
//! export), or no benchmark to compare a figure with (高于类目平均, "vs. last year").
//!
//! ## Why it matters
//! Strengths are judged by data the examiner can check, set against something: "return
//! rate 1.1%, back-office screenshot, category average 2.6%" rather than "excellent
//! quality".
//!
//! ## Examples
//! Flagged:
//!     我们工厂规模大，品质一流，客户很多。
//!     Our return rate is 1.1%, see the back-office screenshot.   (no benchmark)
//! Not flagged:
//!     近12个月退货率1.1%，低于类目平均的2.6%，见后台截图（附件3）。
//!
//! ## Fix safety
//! No fix yet.
//!
//! ## Options
//! Evidence and benchmark words: the `evidence` and `benchmark` lexicons.

use crate::diagnostic::RuleId;
use crate::document::Document;
use crate::structure::SectionType;
use crate::{Diagnostic, Severity, Source};

use super::{msg, Context, Rule, RuleMeta};

pub struct MissingAnchor;

static META: RuleMeta = RuleMeta {
    id: RuleId::MissingAnchor,
    default_severity: Severity::Warning,
    summary: "a core-strength answer with no figure backed by evidence, or no benchmark",
    source: include_str!("missing_anchor.rs"),
    fixable: false,
    structural: true,
};

impl Rule for MissingAnchor {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for sec in &cx.script.sections {
            if sec.kind != SectionType::CoreStrength {
                continue;
            }
            let answer = sec
                .answer
                .clone()
                .filter(|&si| super::is_statement(doc, si));
            let mut anchored = false;
            let mut benchmark = false;
            for si in answer {
                let s = &doc.sentences[si];
                let business = doc.sentence_figures(si).iter().any(|f| f.is_business());
                anchored |= business && s.evidence.specific.is_some();
                benchmark |= s.has_benchmark;
            }
            let lang = sec.lang(doc);
            let missing = match (anchored, benchmark) {
                (true, true) => continue,
                (false, false) => msg(
                    lang,
                    "核心优势回答没有数据锚点：没有带凭证的数字，也没有对比基准".into(),
                    "core-strength answer without a data anchor: no figure with its evidence, and no benchmark".into(),
                ),
                (false, true) => msg(
                    lang,
                    "核心优势回答没有带凭证的数字（同一句写出数字和来源）".into(),
                    "core-strength answer without a figure backed by evidence in the same sentence".into(),
                ),
                (true, false) => msg(
                    lang,
                    "核心优势回答没有对比基准（如类目平均、去年同期）".into(),
                    "core-strength answer without a benchmark (the category average, last year)".into(),
                ),
            };
            let mut d = META.diagnostic(sec.anchor, missing, Source::Structure);
            d.suggestion = Some(msg(
                lang,
                "数字 + 凭证 + 基准，写在同一句：近12个月退货率1.1%（后台截图，附件3），低于类目平均2.6%".into(),
                "figure + evidence + benchmark in one sentence: return rate 1.1% over 12 months (back-office screenshot, Appendix 3), against a category average of 2.6%".into(),
            ));
            out.push(d);
        }
    }
}
