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

use crate::diagnostic::RuleId;
use crate::document::{Document, Lang, Pos};
use crate::lexicon::List;
use crate::Severity;

use super::phrase::{Accept, Candidate, PhraseRule};
use super::{msg, RuleMeta};

pub struct VagueQuantity;

static META: RuleMeta = RuleMeta {
    id: RuleId::VagueQuantity,
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

impl PhraseRule for VagueQuantity {
    const META: &'static RuleMeta = &META;
    const LIST: List = List::VagueQuantity;

    /// `amount` always counts; `quantifier` only when a noun follows.
    fn accept(&self, c: &Candidate) -> Option<Accept> {
        let Candidate { doc, si, m, e, .. } = *c;
        (e.category != "quantifier" || noun_follows(doc, si, m.span.end, e.lang))
            .then(|| Accept::at(m.span))
    }

    fn message(&self, c: &Candidate, _a: &Accept, lang: Lang) -> String {
        let phrase = c.phrase();
        msg(
            lang,
            format!("「{phrase}」不是数字：写出确切数量，并注明出处"),
            format!(
                "\"{phrase}\" is not a number: give the exact count and where it can be checked"
            ),
        )
    }
}

fn noun_follows(doc: &Document, si: usize, end: usize, lang: Lang) -> bool {
    let tokens = doc.sentence_tokens(si);
    let mut next = tokens[tokens.partition_point(|t| t.span.start < end)..].iter();
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
