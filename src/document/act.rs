//! Sentence acts: what a sentence does for its reader. The rules judge the writer's own
//! commitments and claims; thanks, apologies, requests to the buyer, questions, steps to
//! follow, live-chat holds and quoted advice are never vague promises, whatever words they
//! use (有问题随时联系我们, "sorry for the wait, thanks for your patience").
//!
//! The document gives every sentence an act from the `context` lexicon (markers such as
//! 稍等, 感谢, "one moment", "tap", 请问 and their categories); the sentence model's act
//! heads refine it where the markers say nothing (`rules::Context::act`). Markers act on
//! the clause they are in (between ，,；;：:), except holds and quoted advice, which cover
//! the sentence; a `commitment` marker (我们会, "we'll") in a clause keeps that clause the
//! writer's own.

use crate::lexicon::Lexicons;
use crate::Span;

use super::Document;

/// What a sentence does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Act {
    /// The writer promises a future action or outcome.
    Commitment,
    /// The writer states a fact about their business, product or past actions.
    Claim,
    /// Thanks, apology, greeting, farewell, good wishes.
    Courtesy,
    /// Asks or advises the reader to do something.
    Request,
    /// Asks the reader something.
    Question,
    /// Tells the reader how to do something.
    Instruction,
    /// A live-chat hold: 稍等，我帮您查一下 / "one moment while I check".
    Hold,
    /// Quotes or advice about phrases, other people's words.
    Reported,
    /// Headings, fragments, or nothing known.
    #[default]
    Other,
}

impl Act {
    pub const ALL: [Act; 9] = [
        Act::Commitment,
        Act::Claim,
        Act::Courtesy,
        Act::Request,
        Act::Question,
        Act::Instruction,
        Act::Hold,
        Act::Reported,
        Act::Other,
    ];

    /// The writer's own commitment or claim (or nothing known against it): what the
    /// sentence rules judge.
    pub fn is_own(self) -> bool {
        matches!(self, Act::Commitment | Act::Claim | Act::Other)
    }

    pub fn name(self) -> &'static str {
        match self {
            Act::Commitment => "commitment",
            Act::Claim => "claim",
            Act::Courtesy => "courtesy",
            Act::Request => "request",
            Act::Question => "question",
            Act::Instruction => "instruction",
            Act::Hold => "hold",
            Act::Reported => "reported",
            Act::Other => "other",
        }
    }

    pub fn from_name(name: &str) -> Option<Act> {
        Act::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The act a `context` lexicon category marks, if any.
    pub fn of_marker(category: &str) -> Option<Act> {
        Some(match category {
            "advice" | "quote-intro" => Act::Reported,
            "request" => Act::Request,
            "courtesy" => Act::Courtesy,
            "question" => Act::Question,
            "instruction" => Act::Instruction,
            "hold" => Act::Hold,
            "commitment" => Act::Commitment,
            _ => return None,
        })
    }
}

/// The context markers of a whole document by act, each list in text order, so that the
/// checks made for every finding (is this clause a request? is there advice before it?)
/// are binary searches, not a walk over the sentence's markers.
#[derive(Debug, Clone, Default)]
pub struct MarkerIndex {
    /// Advice about phrases and quote introductions (不要说, avoid saying).
    pub reported: Vec<Span>,
    pub request: Vec<Span>,
    pub commitment: Vec<Span>,
    /// Markers that make a clause not the writer's own: courtesy, a question, an
    /// instruction, a request, a hold.
    pub not_own: Vec<(Span, Act)>,
}

impl MarkerIndex {
    pub fn build(matches: &[super::LexMatch], lexicons: &Lexicons) -> MarkerIndex {
        let mut ix = MarkerIndex::default();
        for m in matches
            .iter()
            .filter(|m| m.list == crate::lexicon::List::Context)
        {
            let Some(act) = Act::of_marker(&lexicons.entry(m.entry).category) else {
                continue;
            };
            match act {
                Act::Reported => ix.reported.push(m.span),
                Act::Commitment => ix.commitment.push(m.span),
                _ => {}
            }
            if act == Act::Request {
                ix.request.push(m.span);
            }
            if matches!(
                act,
                Act::Courtesy | Act::Question | Act::Instruction | Act::Request | Act::Hold
            ) {
                ix.not_own.push((m.span, act));
            }
        }
        ix
    }
}

/// The first span of `list` (in text order) that starts in `from..to`.
pub fn first_in(list: &[Span], from: usize, to: usize) -> Option<Span> {
    let i = list.partition_point(|s| s.start < from);
    list.get(i).copied().filter(|s| s.start < to)
}

/// A context marker in a sentence: its span and the act it marks.
#[derive(Debug, Clone, Copy)]
struct Marker {
    span: Span,
    act: Act,
}

fn markers(doc: &Document, lexicons: &Lexicons, si: usize) -> Vec<Marker> {
    doc.sentence_context(si)
        .iter()
        .filter_map(|m| {
            Act::of_marker(&lexicons.entry(m.entry).category)
                .map(|act| Marker { span: m.span, act })
        })
        .collect()
}

/// English conjunctions that end the reach of a courtesy or hold marker: "We apologize
/// for the delay and will ship it ASAP", "Let me check and circle back at some point".
use super::clauses::CONJUNCTIONS;

/// The clauses of a sentence: spans between clause punctuation (and, in English, the
/// [`CONJUNCTIONS`]), without empty ones.
fn clauses(text: &str, s: Span, lang: crate::lang::Lang) -> Vec<Span> {
    let mut cuts: Vec<(usize, usize)> = s
        .slice(text)
        .char_indices()
        .filter(|(_, c)| matches!(c, '，' | ',' | '；' | ';' | '：' | ':' | '、'))
        .map(|(i, c)| (s.start + i, s.start + i + c.len_utf8()))
        .collect();
    if lang == crate::lang::Lang::En {
        for conj in CONJUNCTIONS {
            cuts.extend(
                s.slice(text)
                    .match_indices(conj)
                    .map(|(i, _)| (s.start + i, s.start + i + conj.len())),
            );
        }
        cuts.sort_unstable();
    }
    let mut out = Vec::new();
    let mut start = s.start;
    for (a, b) in cuts {
        if a >= start {
            out.push(Span::new(start, a));
            start = b;
        }
    }
    out.push(Span::new(start, s.end));
    out.retain(|c| c.slice(text).chars().any(char::is_alphanumeric));
    out
}

/// The act of sentence `si` from its markers alone (see the module docs).
pub fn lexicon_act(doc: &Document, lexicons: &Lexicons, si: usize) -> Act {
    let s = &doc.sentences[si];
    if s.kind == super::BlockKind::Heading {
        return Act::Other;
    }
    if !super::is_statement(doc, si) {
        return Act::Question;
    }
    let ms = markers(doc, lexicons, si);
    if ms.iter().any(|m| m.act == Act::Reported) {
        return Act::Reported;
    }
    // Each clause: its first marker's act, a commitment marker winning; unmarked clauses
    // are the writer's own.
    let mut first_other: Option<Act> = None;
    let mut own: Option<Act> = None;
    for c in clauses(&doc.text, s.span, s.lang) {
        // (Markers are in text order: the clause's are one run of them.)
        let a = ms.partition_point(|m| m.span.start < c.start);
        let b = ms.partition_point(|m| m.span.start < c.end).max(a);
        let inside = &ms[a..b];
        if inside.iter().any(|m| m.act == Act::Commitment) {
            own = Some(Act::Commitment);
        } else if let Some(m) = inside.first() {
            first_other.get_or_insert(m.act);
        } else {
            own.get_or_insert(Act::Claim);
        }
    }
    match (own, first_other) {
        (Some(a), _) => a,
        (None, Some(a)) => a,
        (None, None) => Act::Other,
    }
}

/// The act of the clause holding `span` in sentence `si`, when a marker makes it anything
/// but the writer's own: a courtesy, request, question, instruction or hold marker in the
/// same clause (before the phrase, or overlapping it: 随时联系我们), unless a commitment
/// marker is in that clause too.
pub fn clause_act(doc: &Document, si: usize, span: Span) -> Option<Act> {
    let s = &doc.sentences[si];
    let mut start = doc.comma_clause(si, span.start).start;
    let mut end = doc.comma_clause(si, span.end).end;
    // English joins a courtesy and a promise without a comma: "We apologize for the delay
    // and will ship it ASAP". The conjunction ends the courtesy's reach.
    // (Conjunctions found once per sentence, so a long English line with many findings
    // is not searched once per finding.)
    if s.lang == crate::lang::Lang::En {
        let conj = doc.conjunctions(si);
        // The last one that ends before the phrase, the first that starts after it.
        let k = conj.partition_point(|c| c.end <= span.start);
        if let Some(c) = k
            .checked_sub(1)
            .map(|k| conj[k])
            .filter(|c| c.start >= start)
        {
            start = c.end;
        }
        if let Some(c) = conj[k..]
            .iter()
            .find(|c| c.start >= span.end)
            .filter(|c| c.end <= end)
        {
            end = c.start;
        }
    }
    let ix = doc.markers();
    if first_in(&ix.commitment, start, end).is_some() {
        return None;
    }
    let i = ix.not_own.partition_point(|m| m.0.start < start);
    ix.not_own
        .get(i)
        .filter(|m| m.0.start < end && m.0.start < span.end)
        .map(|m| m.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocOptions, Document};

    fn acts(text: &str) -> Vec<Act> {
        let lx = Lexicons::builtin();
        let doc = Document::build(text.to_string(), &lx, DocOptions::default());
        doc.sentences.iter().map(|s| s.act).collect()
    }

    #[test]
    fn courtesy_requests_holds_and_steps_are_not_the_writers_own() {
        assert_eq!(acts("给您带来不便深表歉意。"), [Act::Courtesy]);
        assert_eq!(acts("We apologize for the inconvenience."), [Act::Courtesy]);
        assert_eq!(acts("有问题随时私信我们。"), [Act::Request]);
        assert_eq!(acts("Feel free to message us anytime."), [Act::Request]);
        assert_eq!(acts("稍等，我帮您查一下。"), [Act::Hold]);
        assert_eq!(acts("One moment while I check your order."), [Act::Hold]);
        assert_eq!(acts("长按电源键10秒即可重置。"), [Act::Instruction]);
        assert_eq!(acts("请问是哪个订单？"), [Act::Question]);
        assert_eq!(acts("面试时不要说“我们会尽力”。"), [Act::Reported]);
    }

    #[test]
    fn a_promise_beside_courtesy_is_a_commitment() {
        assert_eq!(acts("感谢您的耐心，我们会尽快处理。"), [Act::Commitment]);
        assert_eq!(
            acts("Sorry for the delay, we'll ship it today."),
            [Act::Commitment]
        );
        // An unmarked clause is the writer's own.
        assert_eq!(acts("谢谢亲，尽快给您发货。"), [Act::Claim]);
        assert_eq!(acts("退货率1.2%。"), [Act::Claim]);
    }

    #[test]
    fn a_courtesy_clause_cancels_only_its_own_clause() {
        let lx = Lexicons::builtin();
        let text = "We apologize for the inconvenience and will fix it ASAP.";
        let doc = Document::build(text.to_string(), &lx, DocOptions::default());
        let at = |w: &str| {
            let s = text.find(w).unwrap();
            clause_act(&doc, 0, Span::new(s, s + w.len()))
        };
        assert_eq!(at("inconvenience"), Some(Act::Courtesy));
        // "and" ends the apology's reach: the promise is judged.
        assert_eq!(at("ASAP"), None);
        assert_eq!(Act::from_name("hold"), Some(Act::Hold));
        // A hold marker reaches no further than its clause either.
        assert_eq!(
            acts("Let me check with the warehouse and circle back to you at some point."),
            [Act::Claim]
        );
        assert!(Act::ALL
            .iter()
            .all(|a| Act::from_name(a.name()) == Some(*a)));
    }
}
