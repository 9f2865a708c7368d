//! Hedge attachment: which figure a hedge from the `hedge` list softens (一般3天,
//! 3天左右, "around 97%"). Shared by hedged-figure, unsupported-figure's fix, and step
//! parsing (a hedged deadline is a vague one), so it lives with the document they read.

use crate::lang::Lang;
use crate::lexicon::Lexicons;

use super::{Document, Figure, FigureKind, LexMatch, Window};

/// Largest gap between a hedge before a figure and the figure: room for 在, "within",
/// "in", "takes".
pub const HEDGE_BEFORE: Window = Window::new(40, 5);
/// Largest gap between a figure and a hedge after it.
const HEDGE_AFTER: Window = Window::new(3, 1);

/// The figure a hedge match softens: the next figure after a `before` hedge (一般3天,
/// "around 97%"), the figure just before an `after` hedge (3天左右, "72 hours or so"),
/// with a few words at most and no clause break between them. A plain number (no unit)
/// counts only right beside its hedge, nothing but spaces between (大约 35 左右, "around
/// 35"): with words between, a bare number is too often a time, a step or a code; and
/// not after a bound ("over 5,240 ratings", "more than 3 of the 30 cables" are a count
/// and a threshold, not an estimate). A bound (`bound`: up to, over, more than) on money
/// is a threshold or a cap ("orders over $500", "up to $50 off"), never a hedge.
pub fn hedged<'d>(doc: &'d Document, lx: &Lexicons, m: &LexMatch) -> Option<&'d Figure> {
    let figures = doc.sentence_figures(m.sentence as usize);
    let e = lx.entry(m.entry);
    let max_words = if e.lang == Lang::En { 5 } else { 2 };
    let fig = match e.category.as_str() {
        "before" | "bound" => figures.iter().find(|f| {
            f.span.start >= m.span.end
                && HEDGE_BEFORE.covers(&doc.text, m.span.end, f.span.start, e.lang)
                && gap_ok(&doc.text[m.span.end..f.span.start], max_words)
        }),
        "after" => figures.iter().rev().find(|f| {
            f.span.end <= m.span.start
                && HEDGE_AFTER.covers(&doc.text, f.span.end, m.span.start, e.lang)
                && gap_ok(&doc.text[f.span.end..m.span.start], 1)
        }),
        _ => None,
    };
    fig.filter(|f| f.kind != FigureKind::Measure)
        .filter(|f| !(e.category == "bound" && f.kind == FigureKind::Money))
        .filter(|f| {
            f.kind != FigureKind::Plain
                || (e.category != "bound" && {
                    let gap = if f.span.start >= m.span.end {
                        &doc.text[m.span.end..f.span.start]
                    } else {
                        &doc.text[f.span.end..m.span.start]
                    };
                    gap.trim().is_empty()
                })
        })
}

/// The text between a hedge and its figure may hold a few words but no clause break.
fn gap_ok(gap: &str, max_words: usize) -> bool {
    !gap.chars()
        .any(|c| matches!(c, '，' | ',' | '。' | '；' | ';' | '：' | ':' | '、' | '.'))
        && gap.split_whitespace().count() <= max_words
}
