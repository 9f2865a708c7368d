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
//! No automatic fix yet; the suggestion shows what to write instead.
//!
//! ## Options
//! Extra hedges and exceptions in answerlint.toml: `[lexicon.en.hedge] add = ["give or take"]`.

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
    fixable: false,
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
                if let Some(prev) = out
                    .iter_mut()
                    .rev()
                    .take_while(|d| d.rule == META.id)
                    .find(|d| d.span.contains(fig.span))
                {
                    prev.span.end = prev.span.end.max(span.end);
                    last_end = prev.span.end;
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
                out.push(d);
                last_end = span.end;
            }
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
    use super::super::testing::flagged;
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
}
