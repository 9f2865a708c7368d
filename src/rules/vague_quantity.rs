//! # vague-quantity (warning)
//!
//! ## What it flags
//! An indefinite amount where a figure belongs: 好几百人, 几十家客户, 大量订单,
//! "dozens of clients", "many OEM partners". Quantifiers such as 很多 or "many" are
//! flagged only when a noun follows them (很多客户, "many partners").
//!
//! ## Why it matters
//! Supply-chain authenticity (35% of the score) is judged on exact counts that match the
//! business licence and customs data: SKU count, monthly capacity, OEM clients. "Dozens"
//! cannot be checked against anything.
//!
//! ## Examples
//! Flagged:
//!     我们服务过几十家客户。
//!     We work with many OEM partners.
//! Not flagged:
//!     我们服务过37家客户，名单见附件2。
//!     Many thanks for your order.
//!
//! ## Fix safety
//! No automatic fix yet; the suggestion shows what to write instead.
//!
//! ## Options
//! `[lexicon.zh.vague-quantity] add = [...]`, `except = [...]` in answerlint.toml.

use crate::document::{Document, Lang, Pos};
use crate::lexicon::List;
use crate::{Diagnostic, Severity, Source};

use super::{is_statement, msg, Context, Rule, RuleMeta};

pub struct VagueQuantity;

static META: RuleMeta = RuleMeta {
    id: "vague-quantity",
    default_severity: Severity::Warning,
    summary: "an indefinite amount where a figure belongs (几十家客户, dozens of clients)",
    source: include_str!("vague_quantity.rs"),
    fixable: false,
    structural: false,
};

/// Words after an English quantifier that show it is not counting a business noun.
const NOT_NOUNS: &[&str] = &[
    "of", "the", "a", "an", "times", "thanks", "more", "other", "others", "to", "in", "on", "at",
    "and", "or", "as", "is", "are", "was", "were", "have", "has", "do", "we", "you", "they", "it",
    "that", "this", "these", "those", "years", "ways", "people's",
];

impl Rule for VagueQuantity {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        for si in 0..doc.sentences.len() {
            if !is_statement(doc, si) {
                continue;
            }
            let mut last_end = 0;
            for m in doc.sentence_matches(si) {
                if m.list != List::VagueQuantity || m.span.start < last_end {
                    continue;
                }
                let e = cx.lexicons.entry(m.entry);
                if e.category == "quantifier" && !noun_follows(doc, si, m.span.end, e.lang) {
                    continue;
                }
                if doc.cancel_reason(cx.lexicons, si, m.span).is_some() {
                    continue;
                }
                let phrase = m.span.slice(&doc.text);
                let lang = if e.lang == Lang::En {
                    Lang::En
                } else {
                    doc.sentences[si].lang
                };
                let message = msg(
                    lang,
                    format!("「{phrase}」不是数字：写出确切数量，并注明出处"),
                    format!("\"{phrase}\" is not a number: give the exact count and where it can be checked"),
                );
                let mut d = META.diagnostic(m.span, message, Source::Lexicon);
                d.suggestion = Some(e.note.clone());
                out.push(d);
                last_end = m.span.end;
            }
        }
    }
}

fn noun_follows(doc: &Document, si: usize, end: usize, lang: Lang) -> bool {
    let tokens = doc.sentence_tokens(si);
    let mut next = tokens.iter().filter(|t| t.span.start >= end);
    match lang {
        Lang::En => next.next().is_some_and(|t| {
            let w = t.span.slice(&doc.text).to_ascii_lowercase();
            t.pos(&doc.text) == Pos::Word
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !NOT_NOUNS.contains(&w.as_str())
        }),
        _ => {
            // 很多客户, 大量的订单, 很多大品牌: a noun within three tokens (allowing 的 and
            // adjectives).
            for t in next.by_ref().take(3) {
                match t.pos(&doc.text) {
                    Pos::Noun | Pos::Word => return true,
                    Pos::Adjective => continue,
                    _ if t.span.slice(&doc.text) == "的" => continue,
                    _ => return false,
                }
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::flagged;
    use super::*;

    #[test]
    fn flags_amounts_and_quantified_nouns() {
        assert!(!flagged(&VagueQuantity, "我们服务过几十家客户。").is_empty());
        assert!(!flagged(&VagueQuantity, "We work with many OEM partners.").is_empty());
        assert!(!flagged(&VagueQuantity, "We have served dozens of clients.").is_empty());
    }

    #[test]
    fn skips_quantifiers_without_nouns() {
        assert!(flagged(&VagueQuantity, "Many thanks for your order.").is_empty());
        assert!(flagged(&VagueQuantity, "我们服务过37家客户，名单见附件2。").is_empty());
    }
}
