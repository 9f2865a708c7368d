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
//! Unsafe fix (`--fix --unsafe-fixes`): the clause becomes a commitment that keeps its own
//! subject and action, with placeholders for what it lacks, never invented values:
//! 我们会尽力解决 → 我们将在【待补充：时限】内【待补充：具体动作】，并以【待补充：凭证】为证;
//! "we'll do our best to fix it" → "we will fix it within [TODO: deadline]; [TODO: proof]
//! available on request". Speed words become the deadline placeholder; effort and intent
//! words go; a reassurance that stands alone as a clause (请您放心，"Rest assured,") is
//! removed; deferral and cooperation verbs stay as the action. No deadline placeholder
//! where the clause already has a duration, no proof placeholder where the sentence
//! already names its evidence. A clause that holds a deadline or action placeholder is
//! not flagged again (placeholder-left reports it).
//!
//! ## Options
//! Extra phrases and exceptions per language in answerlint.toml:
//! `[lexicon.zh.vague-commitment] add = ["包在我们身上"], except = ["争取时间"]`.
//! The frame's wording per language: `[template.commitment.en] will = "shall"`,
//! `deadline = "by {deadline}"`, `proof = " ({proof} attached)"`.

use crate::diagnostic::RuleId;
use crate::document::{Act, Cancel, Document, Lang, NonFigureKind, Window};
use crate::lexicon::{Entry, List};
use crate::{Diagnostic, Severity};

use super::phrase::{model_finding, Accept, At, Candidate, Hit, PhraseRule};
use super::{commitment, msg, RuleMeta, Signal};

pub struct VagueCommitment;

/// How close a figure after a hedge word makes it hedged-figure's finding (尽量24小时内).
const HEDGE_ON_FIGURE: Window = Window::new(14, 5);

static META: RuleMeta = RuleMeta {
    id: RuleId::VagueCommitment,
    default_severity: Severity::Error,
    summary:
        "a promise resting on effort, speed words or reassurance instead of a checkable specific",
    source: include_str!("vague_commitment.rs"),
    fixable: true,
    structural: false,
};

/// Whether sentence `si` sets a firm deadline: a deadline figure no hedge softens (24小时内,
/// "within 2 hours"), or a date or clock time led by a `date-lead` word ("by 5 pm", "no
/// later than Dec 9", 最迟12月9日) or followed by a deadline mark (12月9日前).
fn firm_deadline(doc: &Document, lx: &crate::lexicon::Lexicons, si: usize) -> bool {
    let hedged: Vec<crate::Span> = doc
        .sentence_matches(si)
        .iter()
        .filter(|m| m.list == List::Hedge)
        .filter_map(|m| crate::document::hedged(doc, lx, m).map(|f| f.span))
        .collect();
    if doc
        .sentence_figures(si)
        .iter()
        .any(|f| f.is_commitment() && !hedged.contains(&f.span))
    {
        return true;
    }
    doc.sentence_non_figures(si).iter().any(|n| {
        if !matches!(n.kind, NonFigureKind::Date | NonFigureKind::Time) {
            return false;
        }
        let before = doc.text[doc.sentences[si].span.start..n.span.start]
            .trim_end()
            .to_ascii_lowercase();
        let after = &doc.text[n.span.end..doc.sentences[si].span.end];
        lx.words(List::DeadlineLead).any(|e| {
            e.category == "date-lead"
                && before.ends_with(e.phrase.as_str())
                && (e.phrase.starts_with(|c: char| !c.is_ascii_alphabetic())
                    || !before[..before.len() - e.phrase.len()]
                        .ends_with(|c: char| c.is_ascii_alphabetic()))
        }) || lx.any_word(List::DeadlineMark, |w| after.starts_with(w) && w != "内")
    })
}

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

impl PhraseRule for VagueCommitment {
    const META: &'static RuleMeta = &META;
    const LIST: List = List::VagueCommitment;

    fn accept(&self, c: &Candidate) -> Option<Accept> {
        let Candidate { doc, cx, si, m, e } = *c;
        // A clause the fix already rewrote: placeholder-left reports it.
        let clause = doc.clause_of(si, m.span.start);
        if doc.holds_frame_placeholder(clause) {
            return None;
        }
        let lang = doc.sentences[si].lang;
        if cx
            .verdict(si, Signal::VagueCommitment, lang)
            .is_some_and(|v| v.vetoes)
        {
            return None;
        }
        if is_name(doc, m.span.end) || is_past(doc, si, m.span.end, e.lang) {
            return None;
        }
        // A sentence the act heads type as courtesy, a request, a step... is not the
        // writer's promise (a reassurance is, even when it reads as a request: 请您放心).
        // Where the markers type it, the driver's clause check decides instead.
        if e.category != "reassurance"
            && doc.sentences[si].act.is_own()
            && cx.model_act(doc, si).is_some_and(|a| !a.is_own())
        {
            return None;
        }
        // Speed and deferral words beside a firm deadline in the same sentence
        // (马上联系快递员，今天下午5点前回复; "I'll call right away and update the ticket by
        // 5 pm") colour a commitment that can be checked. Not effort or intent: 争取两天内
        // and "try to ship by Friday" soften the deadline itself.
        // In a complaint answer each tier needs its own deadline (立即联系买家 is a tier
        // without one), so there the words stay flagged.
        if matches!(e.category.as_str(), "speed" | "deferral")
            && firm_deadline(doc, cx.lexicons, si)
            && !cx.script.sections.iter().any(|sec| {
                sec.kind == crate::structure::SectionType::QualityComplaint
                    && sec.answer.contains(&si)
            })
        {
            return None;
        }
        // 尽量24小时内: a hedge on a figure is hedged-figure's finding.
        let ms = doc.sentence_matches(si);
        if ms[ms.partition_point(|h| h.span.start < m.span.start)..]
            .iter()
            .take_while(|h| h.span.start == m.span.start)
            .any(|h| h.list == List::Hedge && h.span == m.span)
            && doc.sentence_figures(si).iter().any(|f| {
                f.span.start >= m.span.end
                    && HEDGE_ON_FIGURE.covers(&doc.text, m.span.end, f.span.start, e.lang)
            })
        {
            return None;
        }
        Some(Accept::at(m.span))
    }

    /// 请您放心 is reassurance, not a request.
    fn cancelled_by(&self, reason: Cancel, e: &Entry) -> bool {
        !(reason == Cancel::Request && e.category == "reassurance")
    }

    fn message(&self, c: &Candidate, _a: &Accept, lang: Lang) -> String {
        let phrase = c.phrase();
        match c.e.category.as_str() {
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
        }
    }

    /// The clause fixes of the sentence's findings, and what the word lists miss: the
    /// model alone, on the whole sentence (dropped by the merge step where the sentence
    /// makes an absolute guarantee, unverifiable-claim's finding).
    fn after_sentence(&self, at: At, first: usize, hits: &[Hit], out: &mut Vec<Diagnostic>) {
        let At { doc, cx, si } = at;
        let lang = doc.sentences[si].lang;
        let verdict = cx.verdict(si, Signal::VagueCommitment, lang);
        if !hits.is_empty() {
            let found: Vec<commitment::Found> = hits
                .iter()
                .map(|h| commitment::Found {
                    span: h.m.span,
                    category: cx.lexicons.entry(h.m.entry).category.as_str(),
                })
                .collect();
            for d in &mut out[first..] {
                d.confidence = verdict.map(|v| v.probability);
            }
            let tpl = cx.templates.commitment.get(lang);
            let fixes = commitment::fixes(doc, cx.lexicons, si, &found, lang, &tpl);
            for (d, fix) in out[first..].iter_mut().zip(fixes) {
                d.fixes.extend(fix);
            }
            return;
        }
        // The model alone judges only the writer's own commitments and claims: never
        // thanks, apologies, requests, questions, steps or holds.
        if !cx.act(doc, si).is_own() {
            return;
        }
        // Nor a sentence that asks something of the reader (a request, a question, a step,
        // a hold) and makes no commitment of its own: 样品收到了，麻烦再调一下 is the
        // writer's request however promise-like the rest reads.
        let markers: Vec<Act> = doc
            .sentence_context(si)
            .iter()
            .filter_map(|m| Act::of_marker(&cx.lexicons.entry(m.entry).category))
            .collect();
        if !markers.contains(&Act::Commitment)
            && markers.iter().any(|a| {
                matches!(
                    a,
                    Act::Request | Act::Question | Act::Instruction | Act::Hold | Act::Reported
                )
            })
        {
            return;
        }
        if let Some(v) = verdict.filter(|v| v.flags) {
            let p = v.probability;
            let message = msg(
                lang,
                format!("这句话像是没有可核查内容的承诺（模型判断，置信度{p:.2}）：写明时限、动作和凭证"),
                format!("this sentence reads as a promise with nothing checkable (model, confidence {p:.2}): state the deadline, the action and the proof"),
            );
            let mut d = model_finding(&META, doc, si, v, message);
            d.suggestion = Some(msg(
                lang,
                "改成：我们将在【时限】内【具体动作】，并以【凭证】为证".into(),
                "rewrite as: we will [action] within [deadline]; [proof] available on request"
                    .into(),
            ));
            out.push(d);
        }
    }
}

/// 努力拿下了两个品牌: effort followed by a completed verb (了/过 within the next two
/// tokens) describes a past result, not a promise.
fn is_past(doc: &Document, si: usize, end: usize, lang: Lang) -> bool {
    if lang == Lang::En {
        return false;
    }
    let tokens = doc.sentence_tokens(si);
    tokens[tokens.partition_point(|t| t.span.start < end)..]
        .iter()
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
    use super::super::testing::{diagnostics, flagged};
    use super::*;

    #[test]
    fn speed_and_deferral_beside_a_firm_deadline_pass() {
        use super::super::testing::flagged;
        for text in [
            "I'll call the courier right away and update your ticket by 5 pm today.",
            "我马上帮您联系快递员核实，今天下午5点前给您回复。",
            "我们会尽快处理，24小时内给您答复。",
        ] {
            assert!(flagged(&VagueCommitment, text).is_empty(), "{text}");
        }
        // No firm deadline, or effort and intent that soften the deadline itself.
        for text in [
            "We'll ship it ASAP.",
            "我们争取两天内把替换件发出去。",
            "We'll do our best to deliver by Dec 20.",
        ] {
            assert!(!flagged(&VagueCommitment, text).is_empty(), "{text}");
            // A complaint answer's tiers each need their own deadline.
            let complaint = "## 买家投诉收到的杯子破了，你们怎么处理？\n\n我们会第一时间联系买家，48小时内补发新品。\n";
            assert!(!flagged(&VagueCommitment, complaint).is_empty());
        }
    }

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

    /// The text after applying every fix the rule offers, then the rule's findings on it.
    fn fixed(text: &str) -> (String, Vec<String>) {
        let out = diagnostics(&VagueCommitment, text);
        assert!(out.iter().all(|d| d
            .fixes
            .iter()
            .all(|f| f.applicability == crate::diagnostic::Applicability::Unsafe)));
        let (new, _) = crate::fix::apply(text, &out, crate::fix::FixMode::fixes(true));
        (new.clone(), flagged(&VagueCommitment, &new))
    }

    #[test]
    fn fix_keeps_subject_and_action_with_placeholders() {
        let cases = [
            (
                "我们会尽力解决。",
                "我们将在【待补充：时限】内【待补充：具体动作】，并以【待补充：凭证】为证。",
            ),
            (
                "收到后尽快处理。",
                "收到后将在【待补充：时限】内【待补充：具体动作】，并以【待补充：凭证】为证。",
            ),
            (
                "我们会尽力解决您的问题，尽快给您答复。",
                "我们将在【待补充：时限】内解决您的问题，将在【待补充：时限】内给您答复，并以【待补充：凭证】为证。",
            ),
            ("请您放心，我们24小时内补发。", "我们24小时内补发。"),
            (
                "We'll do our best to fix it.",
                "We will fix it within [TODO: deadline]; [TODO: proof] available on request.",
            ),
            (
                "We'll fix it ASAP.",
                "We'll fix it within [TODO: deadline]; [TODO: proof] available on request.",
            ),
            ("Rest assured, we ship within 24 hours.", "We ship within 24 hours."),
            (
                "We will look into it.",
                "We will look into it within [TODO: deadline]; [TODO: proof] available on request.",
            ),
        ];
        for (input, want) in cases {
            let (got, left) = fixed(input);
            assert_eq!(got, want, "{input}");
            assert!(left.is_empty(), "{input} -> {got}: still flagged {left:?}");
        }
    }

    #[test]
    fn zh_reassurance_without_a_verb_is_replaced_whole() {
        // The reassurance goes with the adverbs and fillers that leaned on it; the topic
        // (旺季) stays; one deadline placeholder per clause.
        let (got, _) = fixed("旺季也不用担心。");
        assert_eq!(
            got,
            "旺季我们将在【待补充：时限】内【待补充：具体动作】，并以【待补充：凭证】为证。"
        );
        let (got, _) = fixed("这一点请您完全放心，我们会尽力解决。");
        assert!(!got.contains("完全") && !got.contains("请您"), "{got}");
        for clause in got.split(['，', '。']) {
            assert!(clause.matches("时限").count() <= 1, "{got}");
        }
        assert!(got.starts_with("我们将在【待补充：时限】内"), "{got}");
    }

    #[test]
    fn a_long_clause_fix_is_carried_once_a_short_one_by_every_finding() {
        // Two findings in a short clause: both carry the clause's fix.
        let out = diagnostics(&VagueCommitment, "We'll look into it ASAP.");
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|d| d.fixes.len() == 1));
        assert_eq!(out[0].fixes, out[1].fixes);
        // Hundreds in one clause: only the first carries it, and applying it rewrites the
        // whole clause once.
        let text = format!("{}。", "我们会尽力解决".repeat(300));
        let out = diagnostics(&VagueCommitment, &text);
        assert_eq!(out.len(), 300);
        assert_eq!(out[0].fixes.len(), 1);
        assert!(out[1..].iter().all(|d| d.fixes.is_empty()));
        let (new, _) = crate::fix::apply(&text, &out, crate::fix::FixMode::fixes(true));
        assert_eq!(new.matches("【待补充：凭证】").count(), 1, "{new}");
        assert!(!new.contains("尽力"), "{new}");
    }

    #[test]
    fn a_reassurance_before_a_commitment_goes_and_its_topic_stays() {
        // The reassurance clause goes with its delimiter; 旺季 opens the commitment; the
        // verb of 尽快发货 stays as the action.
        let (got, left) = fixed("旺季也不用担心，我们会尽快发货。");
        assert_eq!(
            got,
            "旺季我们将在【待补充：时限】内发货，并以【待补充：凭证】为证。"
        );
        assert!(left.is_empty(), "{left:?}");
        // No modal left before the frame's 将.
        let (got, _) = fixed("请放心，我们会负责到底。");
        assert!(
            !got.contains("会将") && got.starts_with("我们将在"),
            "{got}"
        );
        // "Please rest assured that" frames the clause: it goes whole.
        let (got, _) = fixed("Please rest assured that we will take full responsibility.");
        assert_eq!(
            got,
            "We will take full responsibility within [TODO: deadline]; [TODO: proof] available on request."
        );
    }

    #[test]
    fn the_proof_placeholder_closes_the_sentence() {
        let (got, _) = fixed(
            "We tell the buyer right away, send the customs papers, and refund in full if the parcel is lost.",
        );
        assert_eq!(
            got,
            "We tell the buyer within [TODO: deadline], send the customs papers, and refund in full if the parcel is lost; [TODO: proof] available on request."
        );
        let (got, _) = fixed("我们会尽快补货，补货后通知买家。");
        assert_eq!(
            got,
            "我们将在【待补充：时限】内补货，补货后通知买家，并以【待补充：凭证】为证。"
        );
    }

    #[test]
    fn fix_adds_no_proof_where_the_sentence_has_evidence() {
        let (got, _) = fixed("我们会尽快补发，运单号截图发给买家。");
        assert!(got.contains("【待补充：时限】"), "{got}");
        assert!(!got.contains("凭证"), "{got}");
    }
}
