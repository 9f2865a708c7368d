//! # missing-tiers (error)
//!
//! ## What it flags
//! An answer to a complaint, incident or after-sales question (a buyer's quality
//! complaint, a damaged parcel, a bad review) without a complete three-tier response:
//! fewer than three steps, a step with no deadline, a hedged deadline (72小时左右,
//! "72 hours or so") or a timing with no figure (之后, "later"), deadlines that do not
//! grow from one step to the next, or a step with no action. The message lists what is
//! missing. Steps may be list items, text between arrows (→, ->), or the clauses of a
//! paragraph, a new step starting at each deadline or sequence word (第二步, then).
//!
//! Deadlines: 2小时内, 24小时, 72h, 3个工作日, 次日, 当天, "within 48 hours", "by end of
//! day", "next business day"; compared in hours (a working day counts 24 hours, "end of
//! day" and 当天 12, "next business day" and 次日 24).
//!
//! ## Why it matters
//! Examiners expect a closed loop for complaints: deadlines that grow, and at each tier
//! an action the buyer can check. "We will handle it as soon as possible" fails.
//!
//! ## Examples
//! Flagged:
//!     买家投诉后我们会第一时间处理，之后尽快补发。
//!     Within 24 hours we refund; within 2 hours we call the buyer; within 72 hours we report.
//! Not flagged:
//!     2小时内客服受理并发送工单号 → 24小时内补发并同步运单号 → 72小时内提交8D报告。
//!
//! ## Fix safety
//! A rewrite, applied only by `answerlint rewrite` (or `check --template three-tier`):
//! the whole answer becomes the three-tier template. Its own steps become the tiers,
//! ordered by deadline, each keeping its action, deadline and proof as written; a missing
//! deadline, proof or tier becomes a placeholder (【待补充：时限】, [TODO: proof]), never an
//! invented value. Text that is no step (an apology) stays before the list; the list
//! takes the answer's (or the file's) list marker and line endings. A tier holding a
//! placeholder counts as pending: placeholder-left reports it, this rule does not.
//!
//! ## Options
//! Which sections count as complaints comes from the `topics` lexicon. The template's
//! wording is configurable per language in answerlint.toml, for example:
//!     [template.three-tier.en]
//!     labels = ["Tier 1", "Tier 2", "Tier 3"]
//!     tier = "{label}, within {deadline}: {action}{proof}"
//!     missing-proof = " (proof: [TODO: proof])"
//!
//! Keys: labels, more (the label after the listed ones), tier ({label}, {deadline},
//! {action}, {proof}), missing-proof, missing-deadline, missing-action (one per tier
//! position).

use crate::diagnostic::RuleId;
use crate::diagnostic::{Applicability, Fix, Related};
use crate::document::{Document, Lang};
use crate::structure::{SectionType, Step};
use crate::{Diagnostic, Severity, Source};

use super::{msg, Context, Rule, RuleMeta};

pub struct MissingTiers;

static META: RuleMeta = RuleMeta {
    id: RuleId::MissingTiers,
    default_severity: Severity::Error,
    summary: "a complaint or after-sales answer without three tiers of growing deadlines, each with an action",
    source: include_str!("missing_tiers.rs"),
    fixable: true,
    structural: true,
};

fn problems(doc: &Document, steps: &[&Step], lang: Lang) -> Vec<String> {
    let en = lang == Lang::En;
    let mut out = Vec::new();
    if steps.is_empty() {
        out.push(msg(
            lang,
            "没有带时限的处理步骤".into(),
            "no steps with deadlines".into(),
        ));
        return out;
    }
    if steps.len() < 3 {
        out.push(msg(
            lang,
            format!("只有{}级，需要三级", steps.len()),
            format!(
                "only {} tier{}, three are needed",
                steps.len(),
                if steps.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    for (i, s) in steps.iter().enumerate() {
        let n = i + 1;
        // A tier with a placeholder is placeholder-left's finding.
        if s.pending {
            continue;
        }
        match (s.deadline, s.vague_timing) {
            (Some((_, d)), Some(h)) => out.push(msg(
                lang,
                format!(
                    "第{n}级的时限「{}」带有模糊词「{}」",
                    d.slice(&doc.text),
                    h.slice(&doc.text)
                ),
                format!(
                    "tier {n}'s deadline \"{}\" is hedged (\"{}\")",
                    d.slice(&doc.text),
                    h.slice(&doc.text)
                ),
            )),
            (None, Some(h)) => out.push(msg(
                lang,
                format!("第{n}级只有「{}」，没有具体时限", h.slice(&doc.text)),
                format!(
                    "tier {n} says \"{}\" but gives no deadline",
                    h.slice(&doc.text)
                ),
            )),
            (None, None) => out.push(msg(
                lang,
                format!("第{n}级没有时限"),
                format!("tier {n} has no deadline"),
            )),
            (Some(_), None) => {}
        }
        if !s.action {
            out.push(msg(
                lang,
                format!("第{n}级没有具体动作"),
                format!("tier {n} has no action"),
            ));
        }
    }
    let timed: Vec<(usize, f64, &str)> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.deadline.map(|(h, sp)| (i + 1, h, sp.slice(&doc.text))))
        .collect();
    for w in timed.windows(2) {
        let ((a, ha, ta), (b, hb, tb)) = (w[0], w[1]);
        if hb <= ha {
            out.push(if en {
                format!("deadlines do not grow: tier {a} \"{ta}\", tier {b} \"{tb}\"")
            } else {
                format!("时限没有逐级递增：第{a}级「{ta}」，第{b}级「{tb}」")
            });
        }
    }
    out
}

impl Rule for MissingTiers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for sec in &cx.script.sections {
            if sec.kind != SectionType::QualityComplaint {
                continue;
            }
            let tiers: Vec<&Step> = Step::tiers(sec.steps(doc, cx.lexicons)).collect();
            let lang = sec.lang(doc);
            let found = problems(doc, &tiers, lang);
            if found.is_empty() {
                continue;
            }
            let mut d = META.diagnostic(
                sec.anchor,
                msg(
                    lang,
                    format!("投诉/售后回答缺少完整的三级响应：{}", found.join("；")),
                    format!(
                        "complaint answer without a complete three-tier response: {}",
                        found.join("; ")
                    ),
                ),
                Source::Structure,
            );
            d.suggestion = Some(msg(
                lang,
                "按三级写，时限逐级递增，每级写动作和凭证：2小时内专人受理（工单号）→ 24小时内补发（运单号同步给买家）→ 72小时内完成根因分析（8D报告）".into(),
                "write three tiers with growing deadlines, each with an action and its proof: within 2 hours an agent takes the case (ticket number) -> within 24 hours a replacement ships (tracking number sent to the buyer) -> within 72 hours a root-cause analysis (8D report)".into(),
            ));
            // Each tier the message talks about, numbered as it numbers them.
            d.related = tiers
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let span = super::missing_tier_proof::trim(doc, s.span);
                    let text = excerpt(span.slice(&doc.text));
                    let n = i + 1;
                    Related {
                        span,
                        message: msg(
                            lang,
                            format!("第{n}级：{text}"),
                            format!("tier {n}: {text}"),
                        ),
                    }
                })
                .collect();
            let tpl = cx.templates.three_tier.get(lang);
            // Offered only when it changes something (a rewritten answer whose deadlines
            // still do not grow is not rewritten again).
            let edit = crate::rewrite::three_tier(doc, cx.lexicons, sec, &tpl)
                .filter(|e| doc.text[e.start..e.end] != e.content);
            if let Some(edit) = edit {
                d.fixes.push(Fix {
                    title: msg(
                        lang,
                        "按三级响应模板改写整个回答（answerlint rewrite）".into(),
                        "rewrite the answer into the three-tier template (answerlint rewrite)"
                            .into(),
                    ),
                    applicability: Applicability::Rewrite,
                    edits: vec![edit],
                });
            }
            out.push(d);
        }
    }
}

/// A step's text on one line, cut to 60 characters.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_line_and_short() {
        assert_eq!(
            excerpt("  within 2 hours\n  we call "),
            "within 2 hours we call"
        );
        let long = "补".repeat(80);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), 60);
        assert!(e.ends_with('…'));
    }
}
