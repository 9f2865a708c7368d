//! The driver of the phrase-list rules (vague-commitment, hedged-figure, vague-quantity,
//! unverifiable-claim, unverifiable-plan). Each of them judges the matches of one list in
//! each statement; what differs is stated by implementing [`PhraseRule`]: the list, which
//! matches count and what span they flag, what cancels them, and the message. The loop is
//! written once, here:
//!
//! ```text
//! for each sentence the rule judges (statements by default)
//!     sentence-level findings first (before_matches); they may skip the matches
//!     for each match of the rule's list, left to right, not overlapping the last finding
//!         accept?  (the rule's own conditions; gives the span to flag)
//!         cancelled by its clause (quoted, advice, a request)?  → skip
//!         merges into a finding of this sentence that holds its anchor?  → widen that one
//!         else a new finding: the rule's message, the entry's note as the suggestion
//!     after the sentence (after_sentence): fixes, confidence, model-only findings
//! after the document (after_document): section-level findings
//! ```
//!
//! A rule writes only its own findings; decisions between rules are the engine's merge
//! step ([`super::merge`]).

use crate::document::{Cancel, Document, LexMatch};
use crate::lang::Lang;
use crate::lexicon::{Entry, List};
use crate::{Diagnostic, Source, Span};

use super::{is_statement, Context, RuleMeta};

/// What a rule makes of a match it accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Accept {
    /// The span to flag.
    pub span: Span,
    /// What the finding is about (the match, or the figure a hedge softens).
    pub anchor: Span,
    /// Whether the match joins an earlier finding of the sentence that holds `anchor`
    /// (一般3天左右: two hedges, one figure, one finding).
    pub merge: bool,
}

impl Accept {
    /// The match itself, flagged on its own.
    pub fn at(span: Span) -> Accept {
        Accept {
            span,
            anchor: span,
            merge: false,
        }
    }
}

/// A match the rule is asked about, with what it needs to judge it.
pub(crate) struct Candidate<'d> {
    pub doc: &'d Document,
    pub cx: &'d Context<'d>,
    /// The sentence.
    pub si: usize,
    pub m: &'d LexMatch,
    /// The match's lexicon entry.
    pub e: &'d Entry,
}

impl Candidate<'_> {
    /// The matched text.
    pub fn phrase(&self) -> &str {
        self.m.span.slice(&self.doc.text)
    }
}

/// A finding of the model alone on sentence `si`, with its probability. Below the head's
/// calibrated strong threshold it is marked one level below the rule's severity (the
/// engine keeps that step when it applies the configured severity).
pub(crate) fn model_finding(
    meta: &RuleMeta,
    doc: &Document,
    si: usize,
    v: crate::model::signal::Verdict,
    message: String,
) -> Diagnostic {
    let mut d = meta.diagnostic(doc.sentences[si].span, message, Source::Model);
    d.confidence = Some(v.probability);
    if !v.strong {
        d.severity = match meta.default_severity {
            crate::Severity::Error => crate::Severity::Warning,
            _ => crate::Severity::Info,
        };
    }
    d
}

/// The sentence a rule is at.
#[derive(Clone, Copy)]
pub(crate) struct At<'d> {
    pub doc: &'d Document,
    pub cx: &'d Context<'d>,
    pub si: usize,
}

/// A match that became (part of) a finding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit<'d> {
    /// Index of its finding in the rule's output.
    pub diag: usize,
    pub m: &'d LexMatch,
    pub accept: Accept,
}

/// A rule that judges the matches of one phrase list; [`check`] runs it.
pub(crate) trait PhraseRule: Send + Sync {
    const META: &'static RuleMeta;
    /// The list whose matches the rule judges.
    const LIST: List;

    /// Whether the rule looks at sentence `si` at all.
    fn judges(&self, doc: &Document, _cx: &Context, si: usize) -> bool {
        is_statement(doc, si)
    }

    /// Sentence-level findings before the matches; `false` skips the matches.
    fn before_matches(
        &self,
        _doc: &Document,
        _cx: &Context,
        _si: usize,
        _out: &mut Vec<Diagnostic>,
    ) -> bool {
        true
    }

    /// Whether a match counts, and what it flags; `None` when it does not (the clause's
    /// cancel reasons are checked by the driver afterwards).
    fn accept(&self, c: &Candidate) -> Option<Accept>;

    /// Whether a cancel reason of the match's clause cancels a match of `e`.
    fn cancelled_by(&self, _reason: Cancel, _e: &Entry) -> bool {
        true
    }

    /// The message of a new finding, in `lang`.
    fn message(&self, c: &Candidate, a: &Accept, lang: Lang) -> String;

    fn source(&self) -> Source {
        Source::Lexicon
    }

    /// Whether a sentence gets one finding at most.
    fn one_per_sentence(&self) -> bool {
        false
    }

    /// After a sentence's matches: `out[first..]` are its findings, `hits` its matches.
    fn after_sentence(&self, _at: At, _first: usize, _hits: &[Hit], _out: &mut Vec<Diagnostic>) {}

    /// After every sentence: findings about sections or the whole script.
    fn after_document(&self, _doc: &Document, _cx: &Context, _out: &mut Vec<Diagnostic>) {}
}

/// Runs a phrase rule over a document (the loop in the module docs).
pub(crate) fn check<R: PhraseRule>(
    rule: &R,
    doc: &Document,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) {
    let list = R::LIST;
    for si in 0..doc.sentences.len() {
        if !rule.judges(doc, cx, si) {
            continue;
        }
        let judge_matches = rule.before_matches(doc, cx, si, out);
        let first = out.len();
        let mut hits: Vec<Hit> = Vec::new();
        let mut last_end = 0;
        let matches = if judge_matches {
            doc.sentence_matches(si)
        } else {
            &[]
        };
        for m in matches {
            if m.list != list || m.span.start < last_end {
                continue;
            }
            if rule.one_per_sentence() && !hits.is_empty() {
                break;
            }
            let e = cx.lexicons.entry(m.entry);
            let c = Candidate { doc, cx, si, m, e };
            let Some(a) = rule.accept(&c) else {
                continue;
            };
            if doc
                .cancel_reason(si, a.span)
                .is_some_and(|c| rule.cancelled_by(c, e))
            {
                continue;
            }
            if a.merge {
                if let Some(i) = out[first..].iter().rposition(|d| d.span.contains(a.anchor)) {
                    let d = &mut out[first + i];
                    d.span.end = d.span.end.max(a.span.end);
                    last_end = d.span.end;
                    hits.push(Hit {
                        diag: first + i,
                        m,
                        accept: a,
                    });
                    continue;
                }
            }
            let lang = if e.lang == Lang::En {
                Lang::En
            } else {
                doc.sentences[si].lang
            };
            let mut d = R::META.diagnostic(a.span, rule.message(&c, &a, lang), rule.source());
            d.suggestion = Some(e.note.clone());
            hits.push(Hit {
                diag: out.len(),
                m,
                accept: a,
            });
            out.push(d);
            last_end = a.span.end;
        }
        rule.after_sentence(At { doc, cx, si }, first, &hits, out);
    }
    rule.after_document(doc, cx, out);
}

/// Implements [`super::Rule`] for phrase rules through [`check`].
macro_rules! phrase_rule {
    ($($t:ty),*) => {$(
        impl super::Rule for $t {
            fn meta(&self) -> &'static RuleMeta {
                <$t as PhraseRule>::META
            }
            fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
                check(self, doc, cx, out)
            }
        }
    )*};
}

phrase_rule!(
    super::vague_commitment::VagueCommitment,
    super::hedged_figure::HedgedFigure,
    super::vague_quantity::VagueQuantity,
    super::unverifiable_claim::UnverifiableClaim,
    super::unverifiable_plan::UnverifiablePlan
);
