//! # missing-dimension (info)
//!
//! ## What it flags
//! Script level: which of the examiner's four dimensions, and which of their key items,
//! the answers never mention. One diagnostic per script, on its first line, naming the
//! dimensions not covered at all and then the items missing from the covered ones; only
//! for a whole interview script (two questions or more), not a single answer or a
//! customer-service thread. The readiness score shows the same as "not covered" in its
//! table, and the batch report leaves this rule out of its rule chart:
//! - supply-chain authenticity (35%): factory or warehouse footage, SKU count, monthly
//!   capacity, main OEM clients, consistency with the business licence, brand
//!   authorisation letters;
//! - cross-border operations (30%): first-leg shipping mode, who clears customs at the
//!   destination, overseas warehouses in two or more countries, returns within 15
//!   working days;
//! - compliance and risk (20%): EU EPR registration number, US FDA status, the
//!   certification path (CE, FCC, UKCA, RoHS, REACH), the prohibited-items list;
//! - brand and IP (15%): registered trademark, brand website, purchase invoices for resold
//!   brands, an authorisation whose scope names the platform, ISO 9001.
//!
//! ## Why it matters
//! The examiner scores all four dimensions with these weights; an item never prepared is
//! an item answered on the spot. The readiness score counts the same coverage.
//!
//! ## Examples
//! Flagged: a script whose answers never mention EPR, FDA, certifications or prohibited
//! items (compliance not covered).
//! Not flagged: a script that covers every key item somewhere in its answers.
//!
//! ## Fix safety
//! No fix: add answers for the items listed.
//!
//! ## Options
//! Words that count for an item: `[lexicon.zh.coverage] add = [...]` (category = the
//! item id, e.g. `co-epr`; see lexicons/FORMAT.md).

use crate::diagnostic::RuleId;
use crate::document::{Document, Lang};
use crate::structure::Dimension;
use crate::{Diagnostic, Severity, Source, Span};

use super::{Context, Rule, RuleMeta};

pub struct MissingDimension;

static META: RuleMeta = RuleMeta {
    id: RuleId::MissingDimension,
    default_severity: Severity::Info,
    summary: "script level: examiner dimensions and key items the script never covers",
    source: include_str!("missing_dimension.rs"),
    fixable: false,
    structural: true,
};

impl Rule for MissingDimension {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        let script = cx.script;
        // A whole script, not one answer being edited: two questions at least.
        if script.questions() < 2 {
            return;
        }
        let span = doc.sentences.first().map_or(Span::new(0, 0), |s| s.span);
        let en = script.lang == Lang::En;
        let mut absent: Vec<String> = Vec::new();
        let mut gaps: Vec<String> = Vec::new();
        for d in Dimension::ALL {
            let missing: Vec<&str> = d
                .items()
                .iter()
                .filter(|i| !script.covers(i.id))
                .map(|i| if en { i.en } else { i.zh })
                .collect();
            if missing.is_empty() {
                continue;
            }
            let all = missing.len() == d.items().len()
                && !script
                    .sections
                    .iter()
                    .any(|s| s.kind.dimension() == Some(d));
            let name = d.name(script.lang);
            let w = d.weight();
            if all {
                absent.push(if en {
                    format!("{name} ({w}%)")
                } else {
                    format!("「{name}」（权重{w}%）")
                });
            } else {
                gaps.push(if en {
                    format!("{name}: {}", missing.join(", "))
                } else {
                    format!("「{name}」缺{}", missing.join("、"))
                });
            }
        }
        if absent.is_empty() && gaps.is_empty() {
            return;
        }
        let mut parts = Vec::new();
        if !absent.is_empty() {
            parts.push(if en {
                format!("not covered: {}", absent.join(", "))
            } else {
                format!("没有涉及{}", absent.join("、"))
            });
        }
        if !gaps.is_empty() {
            parts.push(if en {
                format!("still lacking: {}", gaps.join("; "))
            } else {
                format!("还缺：{}", gaps.join("；"))
            });
        }
        let message = if en {
            format!("examiner's dimensions: {}", parts.join("; "))
        } else {
            format!("考官维度：{}", parts.join("；"))
        };
        out.push(META.diagnostic(span, message, Source::Structure));
    }
}
