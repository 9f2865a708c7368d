//! # unverifiable-plan (warning)
//!
//! ## What it flags
//! A claimed agreement, contract, carrier, warehouse or certificate with nothing to check
//! it by: 已与菜鸟签订保舱协议 with no contract number, "we have a backup carrier" with no
//! name, 我们有海外仓 with no name or location, "we are CE certified" with no certificate
//! number. Contracts and certificates need an identifier; carriers and warehouses need a
//! name, a location or an identifier. A bare noun (仓库, 快递公司, 合同约定, "contract",
//! "certificate": a `-noun` entry of `plan.tsv`) is a claim only when a plan verb (a
//! `frame` entry: 有, 用, 签订, "have", "ship from") stands in its clause: "let me ask the
//! warehouse" or 超过合同约定的2% mention one, they do not claim to have one. A sentence
//! with its evidence attached (a report number, "are attached") is not flagged.
//!
//!
//! Section level: an answer to a logistics-delay question (peak season, 物流延误: a delay
//! word of the `topics` lexicon, not a general logistics word such as 头程 or "carrier")
//! with no contract or agreement identifier, no named backup carrier, or no safety-stock
//! figure; one diagnostic on the question says which are missing.
//!
//! ## Why it matters
//! Logistics plans that cannot be verified on the spot are among the commonest reasons
//! interviews fail: the examiner asks for the contract or a tracking number, and the
//! seller cannot show one.
//!
//! ## Examples
//! Flagged:
//!     我们已与菜鸟签订保舱协议。
//!     We have a backup carrier for peak season.
//! Not flagged:
//!     我们已与菜鸟签订保舱协议，合同编号CN-BC-2024-117。
//!     Our backup carrier is YunExpress.
//!     我们目前没有海外仓。                 (a negation)
//!
//! ## Fix safety
//! No automatic fix yet; the suggestion says which identifier to add.
//!
//! ## Options
//! Names that count (carriers, warehouses): `[lexicon.zh.entities] add = ["某某物流"]`.

use crate::diagnostic::RuleId;
use crate::document::{Document, Lang};
use crate::lexicon::{Lexicons, List};
use crate::structure::{Section, SectionType};
use crate::{Diagnostic, Severity, Source};

use super::phrase::{Accept, Candidate, PhraseRule};
use super::{is_statement, msg, Context, RuleMeta};

pub struct UnverifiablePlan;

static META: RuleMeta = RuleMeta {
    id: RuleId::UnverifiablePlan,
    default_severity: Severity::Warning,
    summary: "a claimed contract, carrier, warehouse or certificate with no identifier or name",
    source: include_str!("unverifiable_plan.rs"),
    fixable: false,
    structural: false,
};

impl PhraseRule for UnverifiablePlan {
    const META: &'static RuleMeta = &META;
    const LIST: List = List::Plan;

    /// 通过了CE认证, "FCC certified": a named certification claimed with no number. Such a
    /// sentence gets that finding only.
    fn before_matches(
        &self,
        doc: &Document,
        cx: &Context,
        si: usize,
        out: &mut Vec<Diagnostic>,
    ) -> bool {
        if doc.has_identifier(si) || negated(doc, cx.lexicons, si, doc.sentences[si].span.start) {
            return true;
        }
        let Some(m) = doc.sentence_matches(si).iter().find(|m| {
            m.list == List::Entities
                && cx.lexicons.entry(m.entry).category == "certification"
                && certified_after(
                    cx.lexicons,
                    &doc.text[m.span.end..doc.sentences[si].span.end],
                )
        }) else {
            return true;
        };
        if doc.cancel_reason(si, m.span).is_some() || negated(doc, cx.lexicons, si, m.span.start) {
            return true;
        }
        let phrase = m.span.slice(&doc.text);
        let lang = doc.sentences[si].lang;
        let message = msg(
            lang,
            format!("「{phrase}」认证没有证书编号"),
            format!("the {phrase} claim has no certificate or registration number"),
        );
        let mut d = META.diagnostic(m.span, message, Source::Pattern);
        d.suggestion = Some(msg(
            lang,
            "写明证书编号和发证机构，或注册号".into(),
            "add the certificate number and issuing body, or the registration number".into(),
        ));
        out.push(d);
        false
    }

    /// A contract or certificate needs an identifier in its sentence; a carrier or
    /// warehouse an identifier or a name.
    fn accept(&self, c: &Candidate) -> Option<Accept> {
        let Candidate { doc, cx, si, m, e } = *c;
        // A plan verb (有, 签订, "have", "ship from") is no claim by itself; a bare noun
        // (仓库, 快递公司, "contract") is one only when such a verb says the writer has or
        // uses it: 问一下仓库那边, 超过合同约定的2% and "the API certificate expired" are
        // mentions.
        if e.category == "frame" || (e.category.ends_with("-noun") && !has_frame(doc, cx, si, m)) {
            return None;
        }
        let ok = doc.has_identifier(si)
            || attached(doc, cx, si)
            || match kind(&e.category) {
                "contract" | "certificate" => false,
                _ => has_name(doc, cx, si),
            };
        (!ok && !negated(doc, cx.lexicons, si, m.span.start)).then(|| Accept::at(m.span))
    }

    fn message(&self, c: &Candidate, _a: &Accept, lang: Lang) -> String {
        let phrase = c.phrase();
        match kind(&c.e.category) {
            "contract" => msg(
                lang,
                format!("「{phrase}」没有合同或协议编号，考官无法当场核实"),
                format!("\"{phrase}\" has no contract or agreement number the examiner can check"),
            ),
            "certificate" => msg(
                lang,
                format!("「{phrase}」没有证书编号"),
                format!("\"{phrase}\" has no certificate number"),
            ),
            "carrier" => msg(
                lang,
                format!("「{phrase}」没有写明是哪家物流商"),
                format!("\"{phrase}\" does not name the carrier"),
            ),
            _ => msg(
                lang,
                format!("「{phrase}」没有写明仓库名称、所在国家或编号"),
                format!("\"{phrase}\" does not name the warehouse, its country or an id"),
            ),
        }
    }

    fn source(&self) -> Source {
        Source::Pattern
    }

    fn one_per_sentence(&self) -> bool {
        true
    }

    fn after_document(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for sec in &cx.script.sections {
            if sec.kind == SectionType::LogisticsDelay && sec.delay {
                check_delay_plan(doc, cx, sec, out);
            }
        }
    }
}

/// Whether the sentence says its documents are attached (an `attached` evidence entry:
/// 见附件, "please find attached").
fn attached(doc: &Document, cx: &Context, si: usize) -> bool {
    doc.sentence_matches(si)
        .iter()
        .any(|m| m.list == List::Evidence && cx.lexicons.entry(m.entry).category == "attached")
}

/// What a `plan` entry claims (contract, carrier, warehouse, certificate), its `-noun`
/// mark removed.
fn kind(category: &str) -> &str {
    category.strip_suffix("-noun").unwrap_or(category)
}

/// Whether a plan verb (a `frame` entry: 有, 签订, "have", "ship from") or a claim of its
/// own (注册了, "signed a contract") stands in the comma clause of match `m`.
fn has_frame(doc: &Document, cx: &Context, si: usize, m: &crate::document::LexMatch) -> bool {
    let clause = doc.comma_clause(si, m.span.start);
    doc.sentence_matches(si).iter().any(|f| {
        f.list == List::Plan
            && clause.contains(f.span)
            && !cx.lexicons.entry(f.entry).category.ends_with("-noun")
            && !auxiliary(&doc.text[f.span.end..clause.end])
    })
}

/// Whether an English verb is an auxiliary here: a past participle follows it ("the
/// certificate has expired"), so it says nothing of having the thing.
fn auxiliary(rest: &str) -> bool {
    let next = rest
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    next.len() > 3 && next.ends_with("ed")
}

/// A named carrier or warehouse in the sentence: a lexicon entity (not a certification)
/// or a capitalised name.
fn has_name(doc: &Document, cx: &Context, si: usize) -> bool {
    doc.sentence_matches(si)
        .iter()
        .any(|m| m.list == List::Entities && cx.lexicons.entry(m.entry).category != "certification")
        || has_proper_name(doc, si)
}

/// Section level: an answer about logistics delays needs a contract or agreement with its
/// identifier, a named backup carrier, and a safety-stock figure.
fn check_delay_plan(doc: &Document, cx: &Context, sec: &Section, out: &mut Vec<Diagnostic>) {
    let mut contract = false;
    let mut carrier = false;
    let mut stock = false;
    for si in sec.answer.clone().filter(|&si| is_statement(doc, si)) {
        let matches = doc.sentence_matches(si);
        let has_id = doc.has_identifier(si);
        for m in matches {
            let e = cx.lexicons.entry(m.entry);
            match (m.list, kind(&e.category)) {
                (List::Plan, "contract") => contract |= has_id,
                (List::Entities, "carrier") => carrier = true,
                _ => {}
            }
        }
        let text = doc.sentence_text(si).to_lowercase();
        stock |= cx
            .lexicons
            .any_word(List::SafetyStock, |w| text.contains(w))
            && !doc.sentence_figures(si).is_empty();
    }
    let lang = sec.lang(doc);
    let mut missing = Vec::new();
    if !contract {
        missing.push(msg(
            lang,
            "合同或协议编号".into(),
            "contract or agreement number".into(),
        ));
    }
    if !carrier {
        missing.push(msg(
            lang,
            "备用物流商的名称".into(),
            "named backup carrier".into(),
        ));
    }
    if !stock {
        missing.push(msg(
            lang,
            "安全库存的数字".into(),
            "safety-stock figure".into(),
        ));
    }
    if missing.is_empty() {
        return;
    }
    let mut d = META.diagnostic(
        sec.anchor,
        msg(
            lang,
            format!("物流延误方案无法核实：缺少{}", missing.join("、")),
            format!(
                "the logistics-delay plan cannot be verified: no {}",
                missing.join(", no ")
            ),
        ),
        Source::Structure,
    );
    d.suggestion = Some(msg(
        lang,
        "写明保舱协议编号、备用物流商名称和运价对比、海外仓安全库存天数及库存报表".into(),
        "give the space-guarantee contract number, the backup carrier's name with a cost comparison, and the safety stock in days with its stock report".into(),
    ));
    out.push(d);
}

/// A capitalised word that is not the first word of the sentence: a carrier or warehouse
/// name the lexicon does not know (Yanwen, PL-POZ-01 is an identifier already).
fn has_proper_name(doc: &Document, si: usize) -> bool {
    let tokens = doc.sentence_tokens(si);
    tokens.iter().enumerate().skip(1).any(|(i, t)| {
        let w = t.span.slice(&doc.text);
        // "a European warehouse" describes a region, not a named one.
        let article = tokens[i - 1].span.slice(&doc.text);
        if article.eq_ignore_ascii_case("a") || article.eq_ignore_ascii_case("an") {
            return false;
        }
        let mut cs = w.chars();
        cs.next().is_some_and(|c| c.is_ascii_uppercase())
            && cs.clone().any(|c| c.is_ascii_lowercase())
            && w.len() > 2
            && !matches!(
                w,
                "The" | "Our" | "We" | "If" | "In" | "For" | "And" | "With"
            )
    })
}

/// Whether `rest` starts with a word of `certified-mark.tsv` (认证, registered), in any
/// case.
fn certified_after(lx: &Lexicons, rest: &str) -> bool {
    let r = rest.trim_start().to_ascii_lowercase();
    lx.any_word(List::CertifiedMark, |w| r.starts_with(w))
}

/// Whether the clause before `at` holds a negation (`negation.tsv`): Chinese and
/// multi-word entries anywhere in it, one-word English entries as whole words.
fn negated(doc: &Document, lx: &Lexicons, si: usize, at: usize) -> bool {
    let start = doc.comma_clause(si, at).start;
    let before = &doc.text[start..at];
    let lower = before.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
        .collect();
    lx.words(List::Negation).any(|e| {
        let n = e.phrase.as_str();
        if e.lang == Lang::En {
            words.contains(&n) || (n.contains(' ') && lower.contains(n))
        } else {
            before.contains(n)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::flagged;
    use super::*;

    #[test]
    fn flags_claims_without_ids() {
        assert!(!flagged(&UnverifiablePlan, "我们已与菜鸟签订保舱协议。").is_empty());
        assert!(!flagged(
            &UnverifiablePlan,
            "We have a backup carrier for peak season."
        )
        .is_empty());
    }

    #[test]
    fn ids_names_and_negations_pass() {
        assert!(flagged(
            &UnverifiablePlan,
            "我们已与菜鸟签订保舱协议，合同编号CN-BC-2024-117。"
        )
        .is_empty());
        assert!(flagged(&UnverifiablePlan, "Our backup carrier is YunExpress.").is_empty());
        assert!(flagged(&UnverifiablePlan, "我们目前没有海外仓。").is_empty());
    }
}
