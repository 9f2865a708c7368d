//! # hedged-figure (warning)
//!
//! ## What it flags
//! A specific figure or deadline softened by a hedge before or after it: 尽量24小时内,
//! 一般3天左右, 大概30天, 预计3至5个工作日, "around 97%", "usually within 48 hours",
//! "72 hours or so".
//!
//! ## Why it matters
//! A hedge turns a checkable number into an unfalsifiable one: "usually within 48 hours"
//! cannot fail. Examiners read the hedge, not the number. State the figure as a firm
//! commitment or measured value, with its proof.
//!
//! ## Examples
//! Flagged:
//!     我们一般3天左右发货。
//!     Our on-time rate is around 97%.
//! Not flagged:
//!     我们在72小时内发货，发货记录见后台截图。
//!     请您尽量在24小时内回复。              (a request to the buyer)
//!     We ship within 48 hours of payment.
//!
//! ## Fix safety
//! Unsafe fix (`--fix --unsafe-fixes`): the hedge goes, the figure stays as written, and a
//! proof placeholder closes the clause unless the sentence already names its evidence (or
//! the figure is a business figure, which unsupported-figure's fix gives a source):
//! 我们一般3天左右发货 → 我们3天发货（凭证：【待补充：记录或截图】）; "around 97%" →
//! "97%" (and unsupported-figure's source placeholder). Unsafe because the firm figure is
//! now a commitment the author must be able to keep. A hedged figure that a placeholder
//! right after it already asks to make firm (the three-tier rewrite's "within roughly 12
//! hours [TODO: firm deadline for this estimate]") is not flagged: the hedge stays beside
//! it until the author fills it in.
//!
//! ## Options
//! Extra hedges and exceptions in answerlint.toml: `[lexicon.en.hedge] add = ["give or take"]`.

use crate::diagnostic::RuleId;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::placeholder::RECORD;
use crate::document::{has_placeholder, hedged, Cancel, Document, Lang};
use crate::lexicon::Entry;
use crate::lexicon::List;
use crate::{Diagnostic, Severity, Source, Span};

use super::phrase::{Accept, At, Candidate, Hit, PhraseRule};
use super::{is_statement, msg, Context, RuleMeta, Signal};

pub struct HedgedFigure;

static META: RuleMeta = RuleMeta {
    id: RuleId::HedgedFigure,
    default_severity: Severity::Warning,
    summary: "a specific figure or deadline softened by a hedge (尽量24小时内, around 97%)",
    source: include_str!("hedged_figure.rs"),
    fixable: true,
    structural: false,
};

impl PhraseRule for HedgedFigure {
    const META: &'static RuleMeta = &META;
    const LIST: List = List::Hedge;

    /// Statements with a figure that the model does not clear.
    fn judges(&self, doc: &Document, cx: &Context, si: usize) -> bool {
        is_statement(doc, si)
            && !doc.sentence_figures(si).is_empty()
            && !cx
                .verdict(si, Signal::HedgedFigure, doc.sentences[si].lang)
                .is_some_and(|v| v.vetoes)
    }

    /// The hedge and the figure it softens; a second hedge on the same figure (一般3天左右)
    /// joins the first one's finding.
    fn accept(&self, c: &Candidate) -> Option<Accept> {
        let Candidate { doc, cx, m, e, si } = *c;
        let fig = hedged(doc, cx.lexicons, m)?;
        // A bound on a percentage in a price or promotion ("up to 50% off") is its cap.
        if e.category == "bound"
            && fig.kind == crate::document::FigureKind::Percent
            && crate::structure::word_matches(
                doc,
                cx.lexicons,
                doc.sentences[si].span,
                List::PriceWord,
            )
            .any(|(_, e)| e.category == "price")
        {
            return None;
        }
        let span = Span::new(
            m.span.start.min(fig.span.start),
            m.span.end.max(fig.span.end),
        );
        // A hedged deadline a placeholder already asks to make firm (a rewritten tier's
        // "roughly 12 hours [TODO: firm deadline for this estimate]"): the hedge stays
        // beside it, and placeholder-left reports the placeholder.
        let after = doc.text[span.end..].trim_start_matches([' ', '\u{3000}']);
        if after.starts_with("【待补充") || after.starts_with("[TODO:") {
            return None;
        }
        Some(Accept {
            span,
            anchor: fig.span,
            merge: true,
        })
    }

    fn message(&self, c: &Candidate, a: &Accept, lang: Lang) -> String {
        let hedge = c.phrase();
        let figure = a.anchor.slice(&c.doc.text);
        msg(
            lang,
            format!("「{hedge}」让「{figure}」变得无法核查：去掉模糊词，给出确定的数字和凭证"),
            format!("\"{hedge}\" softens \"{figure}\" so it cannot be checked: state the figure firmly, with its proof"),
        )
    }

    fn source(&self) -> Source {
        Source::Pattern
    }

    /// A hedged figure in a step to follow, a courtesy or a hold is still a hedged figure
    /// (留 1 厘米左右); quotes, advice, questions and requests cancel it as before.
    fn cancelled_by(&self, reason: Cancel, _e: &Entry) -> bool {
        !matches!(
            reason,
            Cancel::Instruction | Cancel::Courtesy | Cancel::Hold
        )
    }

    /// The fixes and the model's confidence.
    fn after_sentence(&self, at: At, first: usize, hits: &[Hit], out: &mut Vec<Diagnostic>) {
        let At { doc, cx, si } = at;
        let verdict = cx.verdict(si, Signal::HedgedFigure, doc.sentences[si].lang);
        for d in &mut out[first..] {
            d.confidence = verdict.map(|v| v.probability);
        }
        let hedges: Vec<(usize, Span, Span)> = hits
            .iter()
            .map(|h| (h.diag, h.m.span, h.accept.anchor))
            .collect();
        add_fixes(doc, si, &hedges, out);
        // The model alone no longer flags a hedged figure: with bare numbers, spaced
        // units and 成 in the word lists it was right 2 times in 5 on the blind set and
        // mostly wrong on hand-judged replies (firm figures, ranges with their basis).
    }
}

/// Each diagnostic's fix: delete its hedges (with the space that joined them to the
/// figure) and put a proof placeholder at the end of the clause.
fn add_fixes(doc: &Document, si: usize, hedges: &[(usize, Span, Span)], out: &mut [Diagnostic]) {
    let text = &doc.text;
    let lang = doc.sentences[si].lang;
    let needs_proof =
        doc.sentences[si].evidence.specific.is_none() && !has_placeholder(doc.sentence_text(si));
    let mut i = 0;
    while i < hedges.len() {
        let d = hedges[i].0;
        let mut edits = Vec::new();
        let mut fig = hedges[i].2;
        while i < hedges.len() && hedges[i].0 == d {
            let (_, h, f) = hedges[i];
            fig = f;
            let (mut start, mut end) = (h.start, h.end);
            if h.end <= f.start {
                // "around 97%": the space after the hedge goes with it.
                let gap = &text[h.end..f.start];
                end += gap.len() - gap.trim_start().len();
            } else {
                // "72 hours or so": the space before it.
                let gap = &text[f.end..h.start];
                start -= gap.len() - gap.trim_end().len();
            }
            edits.push(Edit {
                start,
                end,
                content: String::new(),
            });
            i += 1;
        }
        // A business figure gets its source placeholder from unsupported-figure.
        let business = doc
            .sentence_figures(si)
            .iter()
            .any(|f| f.span == fig && f.is_business());
        if needs_proof && !business {
            let at = doc.clause_of(si, fig.start).end;
            let proof = msg(
                lang,
                format!("（凭证：{}）", RECORD.zh),
                format!(" ({})", RECORD.en),
            );
            match edits.iter_mut().find(|e| e.end == at) {
                Some(e) => e.content = proof,
                None => edits.push(Edit {
                    start: at,
                    end: at,
                    content: proof,
                }),
            }
        }
        edits.sort_by_key(|e| (e.start, e.end));
        out[d].fixes.push(Fix {
            title: msg(
                lang,
                "去掉模糊词，保留数字，加凭证占位符".into(),
                "drop the hedge, keep the figure, add a proof placeholder".into(),
            ),
            applicability: Applicability::Unsafe,
            edits,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{diagnostics, flagged};
    use super::*;

    #[test]
    fn flags_hedges_before_and_after() {
        assert_eq!(
            flagged(&HedgedFigure, "我们一般3天左右发货。"),
            vec!["一般3天左右"]
        );
        assert!(!flagged(&HedgedFigure, "尽量24小时内回复。").is_empty());
        assert!(!flagged(&HedgedFigure, "Our on-time rate is around 97%.").is_empty());
        assert!(!flagged(&HedgedFigure, "We reply usually within 48 hours.").is_empty());
    }

    #[test]
    fn needs_a_figure_and_skips_requests() {
        assert!(flagged(&HedgedFigure, "一般来说我们很快。").is_empty());
        assert!(flagged(&HedgedFigure, "请您尽量在24小时内回复。").is_empty());
        assert!(flagged(&HedgedFigure, "We ship within 48 hours.").is_empty());
    }

    #[test]
    fn bare_numbers_spaced_units_and_fractions_of_ten() {
        // A bare number right beside its hedge is an estimate.
        assert_eq!(
            flagged(&HedgedFigure, "复购率大约 35 左右。"),
            vec!["大约 35 左右"]
        );
        assert_eq!(
            flagged(&HedgedFigure, "Our repeat rate is around 35."),
            vec!["around 35"]
        );
        // Not after a lower bound, and not with words between.
        assert!(flagged(&HedgedFigure, "A 4.7-star average over 5,240 ratings.").is_empty());
        assert!(flagged(
            &HedgedFigure,
            "If more than 3 of the 30 cables fail, we stop."
        )
        .is_empty());
        assert!(flagged(&HedgedFigure, "We usually open at 9.").is_empty());
        // 成 counts tenths; a spaced Chinese unit is still its unit.
        assert_eq!(flagged(&HedgedFigure, "退货率大概两成。"), vec!["大概两成"]);
        assert_eq!(
            flagged(&HedgedFigure, "一般 3 天左右发货。"),
            vec!["一般 3 天左右"]
        );
        // A spec is no estimate of performance.
        assert!(flagged(&HedgedFigure, "The parcel weighs about 14.2 kg.").is_empty());
    }

    #[test]
    fn bounds_on_money_and_promotions_are_caps_not_hedges() {
        assert!(flagged(
            &HedgedFigure,
            "All orders over $500 need a signature on delivery."
        )
        .is_empty());
        assert!(flagged(&HedgedFigure, "Up to 50% off everything this weekend.").is_empty());
        assert_eq!(
            flagged(&HedgedFigure, "Our on-time rate is over 98%."),
            vec!["over 98%"]
        );
    }

    fn fixed(text: &str) -> String {
        let out = diagnostics(&HedgedFigure, text);
        let (new, n) = crate::fix::apply(text, &out, crate::fix::FixMode::fixes(true));
        assert_eq!(n, out.len(), "{text}");
        assert!(flagged(&HedgedFigure, &new).is_empty(), "{new}");
        new
    }

    #[test]
    fn fix_drops_the_hedge_and_keeps_the_figure() {
        // Business figures get their source from unsupported-figure's fix.
        assert_eq!(
            fixed("我们一般3天左右发货。"),
            "我们3天发货（凭证：【待补充：记录或截图】）。"
        );
        assert_eq!(
            fixed("Our on-time rate is around 97%."),
            "Our on-time rate is 97%."
        );
        assert_eq!(
            fixed("我们尽量24小时内回复，周末也一样。"),
            "我们24小时内回复（凭证：【待补充：记录或截图】），周末也一样。"
        );
        assert_eq!(
            fixed("We reply usually within 48 hours, and ship next day."),
            "We reply within 48 hours ([TODO: proof]), and ship next day."
        );
        assert_eq!(fixed("It takes 72 hours or so."), "It takes 72 hours.");
        // Evidence already in the sentence: no placeholder.
        assert_eq!(
            fixed("尽量24小时内发货，发货记录见后台截图。"),
            "24小时内发货，发货记录见后台截图。"
        );
    }

    #[test]
    fn a_hedge_a_placeholder_already_asks_to_firm_up_is_left_alone() {
        assert!(flagged(
            &HedgedFigure,
            "- Tier one (within roughly 12 hours [TODO: firm deadline for this estimate]): we ship."
        )
        .is_empty());
        assert!(flagged(
            &HedgedFigure,
            "- 第二级（24小时左右【待补充：把估计改为确定时限】内）：给出方案。"
        )
        .is_empty());
        // Without the placeholder it is flagged.
        assert!(!flagged(&HedgedFigure, "- 第二级（24小时左右内）：给出方案。").is_empty());
    }
}
