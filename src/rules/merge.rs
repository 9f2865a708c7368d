//! The merge step: every rule writes its own findings, and decisions that involve more
//! than one rule are taken here, once, after all of them ran (the engine calls [`merge`]).
//! Keeping them here means a rule never reads another rule's output, and the order the
//! registry runs rules in cannot change what they find.
//!
//! The decisions:
//! - vague-commitment's model-only finding (a whole sentence the model reads as an empty
//!   promise) is dropped where the sentence holds an `unverifiable-claim` phrase: an
//!   absolute guarantee is unverifiable-claim's finding, and one sentence-wide finding
//!   over it would say the same thing twice. Decided on the phrase, not on
//!   unverifiable-claim's finding, so that it holds with that rule turned off.
//! - A hedged figure without a source (一般3天左右发货, "about 2%") is one problem with
//!   two sides: hedged-figure's finding names both ("...; it has no source either") and
//!   unsupported-figure's finding on that one figure is dropped. Where unsupported-figure
//!   covers more figures of the sentence, or hedged-figure did not fire (turned off, or
//!   the model cleared the hedge), unsupported-figure's finding stays.
//!
//! Decisions that are part of what one rule matches stay with that rule and are noted
//! there: vague-commitment leaves a hedge right before a figure (尽量24小时内) to
//! hedged-figure, and a clause holding a placeholder to placeholder-left.

use crate::diagnostic::RuleId;
use crate::document::Document;
use crate::lexicon::List;
use crate::{Diagnostic, Source};

/// Joins the rules' findings (in registry order), applying the decisions above.
pub fn merge(doc: &Document, buffers: Vec<(RuleId, Vec<Diagnostic>)>) -> Vec<Diagnostic> {
    let mut all = Vec::with_capacity(buffers.iter().map(|(_, b)| b.len()).sum());
    for (id, mut buf) in buffers {
        if id == RuleId::VagueCommitment {
            buf.retain(|d| !(d.source == Source::Model && guarantee(doc, d)));
        }
        all.append(&mut buf);
    }
    join_hedged_unsourced(&mut all);
    all
}

/// The hedged-figure finding that covers the figure of a one-figure unsupported-figure
/// finding takes its "no source" and the latter goes (see the module docs).
fn join_hedged_unsourced(all: &mut Vec<Diagnostic>) {
    // Hedged-figure findings by start: each unsupported-figure finding looks up the few
    // that start at or before it (they do not nest: one per hedged figure), so the join is
    // linear in the findings, not quadratic.
    let mut hedged: Vec<(usize, usize)> = all
        .iter()
        .enumerate()
        .filter(|(_, d)| d.rule == RuleId::HedgedFigure && d.source != Source::Model)
        .map(|(i, d)| (d.span.start, i))
        .collect();
    hedged.sort_unstable();
    let mut drop = vec![false; all.len()];
    for u in 0..all.len() {
        let d = &all[u];
        let single = d.fixes.first().is_none_or(|f| f.edits.len() <= 1);
        if d.rule != RuleId::UnsupportedFigure || !single {
            continue;
        }
        let upto = hedged.partition_point(|&(start, _)| start <= d.span.start);
        let Some(h) = hedged[..upto]
            .iter()
            .rev()
            .take(4)
            .map(|&(_, h)| h)
            .find(|&h| all[h].span.contains(d.span))
        else {
            continue;
        };
        // The message's language: hedged-figure quotes with 「」 in Chinese.
        let zh = all[h].message.starts_with('「');
        all[h].message.push_str(if zh {
            "；同一句里也没有出处"
        } else {
            "; it has no source in the sentence either"
        });
        drop[u] = true;
    }
    let mut i = 0;
    all.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// Whether the sentence a model-only finding covers holds an unverifiable-claim phrase.
fn guarantee(doc: &Document, d: &Diagnostic) -> bool {
    let si = doc
        .sentences
        .partition_point(|s| s.span.end <= d.span.start);
    si < doc.sentences.len()
        && doc
            .sentence_matches(si)
            .iter()
            .any(|m| m.list == List::UnverifiableClaim)
}
