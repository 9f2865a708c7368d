//! # vague-commitment (error)
//!
//! ## What it flags
//! A promise or claim that rests on effort, speed words, intent, cooperation or
//! reassurance instead of something the examiner can check: 我们会尽力解决, 尽快处理,
//! 争取, 积极配合, 您放心我们一定处理好, 第一时间, "we'll do our best", "ASAP",
//! "we'll look into it", "rest assured".
//!
//! ## Why it matters
//! Examiners fail answers whose promises cannot be verified. 尽快 sets no deadline and
//! 尽力 promises no result; a commitment passes when it names a deadline, an action and
//! the proof (a tracking number synced, a back-office screenshot, a contract clause).
//!
//! ## Examples
//! Flagged:
//!     我们会尽力解决您的问题，尽快给您答复。
//!     Rest assured, we'll look into it ASAP.
//! Not flagged:
//!     我们在24小时内补发，并把新运单号同步到订单后台。
//!     面试时不要说“我们会尽力”。            (advice about the phrase)
//!     请您尽快确认收货地址。                  (a request to the buyer)
//!     我们争取到了DHL的旺季舱位。             (a past result)
//!     Our forwarder ASAP Logistics ...        (a company name)
//!
//! ## Fix safety
//! No automatic fix yet; the suggestion shows what to write instead.
//!
//! ## Options
//! Extra phrases and exceptions per language in answerlint.toml:
//! `[lexicon.zh.vague-commitment] add = ["包在我们身上"], except = ["争取时间"]`.

use crate::document::{Cancel, Document, Lang};
use crate::lexicon::List;
use crate::{Diagnostic, Severity, Source};

use super::{is_statement, msg, Context, Rule, RuleMeta, Signal};

pub struct VagueCommitment;

static META: RuleMeta = RuleMeta {
    id: "vague-commitment",
    default_severity: Severity::Error,
    summary:
        "a promise resting on effort, speed words or reassurance instead of a checkable specific",
    source: include_str!("vague_commitment.rs"),
    fixable: false,
    structural: false,
};

/// Words after a match that make it part of a company name: ASAP Logistics.
const NAME_SUFFIXES: &[&str] = &[
    "Logistics",
    "Express",
    "Inc",
    "Ltd",
    "LLC",
    "Co",
    "Group",
    "Shipping",
    "Trading",
    "Freight",
    "Corp",
    "Limited",
    "Supply",
    "Services",
];

impl Rule for VagueCommitment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for si in 0..doc.sentences.len() {
            if !is_statement(doc, si) {
                continue;
            }
            let lang = doc.sentences[si].lang;
            let verdict = cx.verdict(si, Signal::VagueCommitment, lang);
            let found_before = out.len();
            let mut last_end = 0;
            for m in doc.sentence_matches(si) {
                if m.list != List::VagueCommitment || m.span.start < last_end {
                    continue;
                }
                let e = cx.lexicons.entry(m.entry);
                // 请您放心 is reassurance, not a request.
                let cancel = doc
                    .cancel_reason(cx.lexicons, si, m.span)
                    .filter(|c| !(*c == Cancel::Request && e.category == "reassurance"));
                if verdict.is_some_and(|v| v.vetoes) {
                    continue;
                }
                if cancel.is_some()
                    || is_name(doc, m.span.end)
                    || is_past(doc, si, m.span.end, e.lang)
                {
                    continue;
                }
                // 尽量24小时内: a hedge on a figure is hedged-figure's finding.
                if doc
                    .sentence_matches(si)
                    .iter()
                    .any(|h| h.list == List::Hedge && h.span == m.span)
                    && doc
                        .sentence_figures(si)
                        .iter()
                        .any(|f| f.span.start >= m.span.end && f.span.start - m.span.end <= 14)
                {
                    continue;
                }
                let phrase = m.span.slice(&doc.text);
                let lang = if e.lang == Lang::En { Lang::En } else { lang };
                let message = match e.category.as_str() {
                    "speed" => msg(
                        lang,
                        format!("「{phrase}」没有给出可核查的时限：写明几小时内做什么，以及凭什么证明"),
                        format!("\"{phrase}\" sets no checkable deadline: say what happens within how many hours, and the proof"),
                    ),
                    "reassurance" => msg(
                        lang,
                        format!("「{phrase}」是安抚而不是承诺：换成具体动作、时限和凭证"),
                        format!("\"{phrase}\" reassures instead of committing: state the action, the deadline and the proof"),
                    ),
                    "deferral" => msg(
                        lang,
                        format!("「{phrase}」把处理推到以后：写明谁在什么时限内给出什么结果"),
                        format!("\"{phrase}\" defers the answer: say who delivers what result by when"),
                    ),
                    "intent" => msg(
                        lang,
                        format!("「{phrase}」只表达意愿：写成确定的承诺和可查的结果"),
                        format!("\"{phrase}\" only states an intention: commit to a result that can be checked"),
                    ),
                    "cooperation" => msg(
                        lang,
                        format!("「{phrase}」不是具体动作：写明做哪一步、谁负责、何时完成"),
                        format!("\"{phrase}\" is not an action: name the step, the owner and the deadline"),
                    ),
                    _ => msg(
                        lang,
                        format!("「{phrase}」承诺的是努力而不是结果：写明时限、动作和凭证"),
                        format!("\"{phrase}\" promises effort, not a result: state the deadline, the action and the proof"),
                    ),
                };
                let mut d = META.diagnostic(m.span, message, Source::Lexicon);
                d.suggestion = Some(e.note.clone());
                d.confidence = verdict.map(|v| v.probability);
                out.push(d);
                last_end = m.span.end;
            }
            // What the word lists miss: the model alone, on the whole sentence. A sentence
            // that makes an absolute guarantee is unverifiable-claim's finding already.
            let guarantee = doc
                .sentence_matches(si)
                .iter()
                .any(|m| m.list == List::UnverifiableClaim);
            if out.len() == found_before && !guarantee {
                if let Some(v) = verdict.filter(|v| v.flags) {
                    let p = v.probability;
                    let message = msg(
                        lang,
                        format!("这句话像是没有可核查内容的承诺（模型判断，置信度{p:.2}）：写明时限、动作和凭证"),
                        format!("this sentence reads as a promise with nothing checkable (model, confidence {p:.2}): state the deadline, the action and the proof"),
                    );
                    let mut d = META.diagnostic(doc.sentences[si].span, message, Source::Model);
                    d.confidence = Some(p);
                    d.suggestion = Some(msg(
                        lang,
                        "改成：我们将在【时限】内【具体动作】，【凭证】可查".into(),
                        "rewrite as: we will [action] within [deadline]; [proof] available on request".into(),
                    ));
                    out.push(d);
                }
            }
        }
    }
}

/// 努力拿下了两个品牌: effort followed by a completed verb (了/过 within the next two
/// tokens) describes a past result, not a promise.
fn is_past(doc: &Document, si: usize, end: usize, lang: Lang) -> bool {
    if lang == Lang::En {
        return false;
    }
    doc.sentence_tokens(si)
        .iter()
        .filter(|t| t.span.start >= end)
        .take(2)
        .any(|t| {
            let w = t.span.slice(&doc.text);
            w.ends_with('了') || w.ends_with('过') || w == "到"
        })
}

fn is_name(doc: &Document, end: usize) -> bool {
    let rest = doc.text[end..].trim_start_matches(' ');
    NAME_SUFFIXES.iter().any(|s| {
        rest.starts_with(s)
            && !rest[s.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::flagged;
    use super::*;

    #[test]
    fn flags_effort_speed_and_reassurance() {
        assert!(!flagged(&VagueCommitment, "我们会尽力解决。").is_empty());
        assert!(!flagged(&VagueCommitment, "收到后尽快处理。").is_empty());
        assert!(!flagged(&VagueCommitment, "Rest assured, we will fix it.").is_empty());
        assert!(!flagged(&VagueCommitment, "We'll do our best.").is_empty());
    }

    #[test]
    fn skips_advice_requests_quotes_names_and_questions() {
        assert!(flagged(&VagueCommitment, "面试时不要说“我们会尽力”。").is_empty());
        assert!(flagged(&VagueCommitment, "请您尽快确认收货地址。").is_empty());
        assert!(flagged(
            &VagueCommitment,
            "Our forwarder ASAP Logistics picks up daily."
        )
        .is_empty());
        assert!(flagged(&VagueCommitment, "## 如何尽快处理投诉").is_empty());
        assert!(flagged(&VagueCommitment, "我们在24小时内补发，运单号同步到后台。").is_empty());
    }
}
