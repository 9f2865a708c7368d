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
//! now a commitment the author must be able to keep.
//!
//! ## Options
//! Extra hedges and exceptions in answerlint.toml: `[lexicon.en.hedge] add = ["give or take"]`.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::{Document, Figure, FigureKind, Lang, LexMatch};
use crate::lexicon::{Lexicons, List};
use crate::{Diagnostic, Severity, Source, Span};

use super::{is_statement, msg, Context, Rule, RuleMeta, Signal};

pub struct HedgedFigure;

static META: RuleMeta = RuleMeta {
    id: "hedged-figure",
    default_severity: Severity::Warning,
    summary: "a specific figure or deadline softened by a hedge (尽量24小时内, around 97%)",
    source: include_str!("hedged_figure.rs"),
    fixable: true,
    structural: false,
};

/// Largest gap in bytes between a hedge before a figure and the figure: room for 在,
/// "within", "in", "takes".
const MAX_GAP_BEFORE: usize = 14;
/// Largest gap between a figure and a hedge after it.
const MAX_GAP_AFTER: usize = 3;

impl Rule for HedgedFigure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for si in 0..doc.sentences.len() {
            if !is_statement(doc, si) {
                continue;
            }
            let figures = doc.sentence_figures(si);
            if figures.is_empty() {
                continue;
            }
            let verdict = cx.verdict(si, Signal::HedgedFigure, doc.sentences[si].lang);
            if verdict.is_some_and(|v| v.vetoes) {
                continue;
            }
            let found_before = out.len();
            // (diagnostic, hedge, figure) for the fixes.
            let mut hedges: Vec<(usize, Span, Span)> = Vec::new();
            let mut last_end = 0;
            for m in doc.sentence_matches(si) {
                if m.list != List::Hedge || m.span.start < last_end {
                    continue;
                }
                let e = cx.lexicons.entry(m.entry);
                let Some(fig) = hedged(doc, cx.lexicons, m) else {
                    continue;
                };
                let span = Span::new(
                    m.span.start.min(fig.span.start),
                    m.span.end.max(fig.span.end),
                );
                if doc.cancel_reason(cx.lexicons, si, span).is_some() {
                    continue;
                }
                // 一般3天左右: one diagnostic for the figure, covering both hedges.
                if let Some((i, prev)) = out
                    .iter_mut()
                    .enumerate()
                    .rev()
                    .take_while(|(_, d)| d.rule == META.id)
                    .find(|(_, d)| d.span.contains(fig.span))
                {
                    prev.span.end = prev.span.end.max(span.end);
                    last_end = prev.span.end;
                    hedges.push((i, m.span, fig.span));
                    continue;
                }
                let hedge = m.span.slice(&doc.text);
                let figure = fig.span.slice(&doc.text);
                let lang = if e.lang == Lang::En {
                    Lang::En
                } else {
                    doc.sentences[si].lang
                };
                let message = msg(
                    lang,
                    format!("「{hedge}」让「{figure}」变得无法核查：去掉模糊词，给出确定的数字和凭证"),
                    format!("\"{hedge}\" softens \"{figure}\" so it cannot be checked: state the figure firmly, with its proof"),
                );
                let mut d = META.diagnostic(span, message, Source::Pattern);
                d.suggestion = Some(e.note.clone());
                d.confidence = verdict.map(|v| v.probability);
                hedges.push((out.len(), m.span, fig.span));
                out.push(d);
                last_end = span.end;
            }
            add_fixes(doc, si, &hedges, out);
            // A hedge the lists do not know (差不多, "give or take"): the model alone.
            if out.len() == found_before {
                if let Some(v) = verdict.filter(|v| v.flags) {
                    let p = v.probability;
                    let lang = doc.sentences[si].lang;
                    let message = msg(
                        lang,
                        format!("这句话里的数字或时限被模糊表述软化（模型判断，置信度{p:.2}）：给出确定的数字和凭证"),
                        format!("a figure or deadline in this sentence is softened (model, confidence {p:.2}): state it firmly, with its proof"),
                    );
                    let mut d = META.diagnostic(doc.sentences[si].span, message, Source::Model);
                    d.confidence = Some(p);
                    out.push(d);
                }
            }
        }
    }
}

/// Each diagnostic's fix: delete its hedges (with the space that joined them to the
/// figure) and put a proof placeholder at the end of the clause.
fn add_fixes(doc: &Document, si: usize, hedges: &[(usize, Span, Span)], out: &mut [Diagnostic]) {
    let text = &doc.text;
    let lang = doc.sentences[si].lang;
    let needs_proof = doc.sentences[si].evidence.specific.is_none()
        && !super::placeholder_left::has_placeholder(doc.sentence_text(si));
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
            let at = super::commitment::clause_of(doc, si, fig.start).end;
            let proof = msg(
                lang,
                "（凭证：【待补充：记录或截图】）".into(),
                " ([TODO: proof])".into(),
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

/// The figure a hedge match softens: the next figure after a `before` hedge (一般3天,
/// "around 97%"), the figure just before an `after` hedge (3天左右, "72 hours or so"),
/// with a few words at most and no clause break between them; plain numbers excluded.
pub(crate) fn hedged<'d>(doc: &'d Document, lx: &Lexicons, m: &LexMatch) -> Option<&'d Figure> {
    let figures = doc.sentence_figures(m.sentence as usize);
    let e = lx.entry(m.entry);
    let (max_gap, max_words) = if e.lang == Lang::En {
        (40, 5)
    } else {
        (MAX_GAP_BEFORE, 2)
    };
    let fig = match e.category.as_str() {
        "before" => figures.iter().find(|f| {
            f.span.start >= m.span.end
                && f.span.start - m.span.end <= max_gap
                && gap_ok(&doc.text[m.span.end..f.span.start], max_words)
        }),
        "after" => figures.iter().rev().find(|f| {
            f.span.end <= m.span.start
                && m.span.start - f.span.end <= MAX_GAP_AFTER
                && gap_ok(&doc.text[f.span.end..m.span.start], 1)
        }),
        _ => None,
    };
    fig.filter(|f| f.kind != FigureKind::Plain)
}

/// The text between a hedge and its figure may hold a few words but no clause break.
fn gap_ok(gap: &str, max_words: usize) -> bool {
    !gap.chars()
        .any(|c| matches!(c, '，' | ',' | '。' | '；' | ';' | '：' | ':' | '、' | '.'))
        && gap.split_whitespace().count() <= max_words
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
}
