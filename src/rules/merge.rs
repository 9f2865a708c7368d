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
    all
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
