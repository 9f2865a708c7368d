//! The readiness score: how ready a script is for the examiner, 0 to 100, on the
//! dimensions it covers.
//!
//! - A dimension is covered when an answer is of one of its types (below) or the answers
//!   name one of its key items (the `coverage` lexicon; supply chain 6 items, operations
//!   4, compliance 4, brand and IP 5). A dimension the script never touches is "not
//!   covered": listed apart (`not_covered`), worth 0 points, and left out of the total, so
//!   that a practice file with three good answers is not scored as a failing interview.
//! - Coverage of a covered dimension, 0 to 1: half for answering at least one question of
//!   its types, half for the share of its key items named.
//! - Section sub-score, 0 to 5: 5 for an answer with something checkable (a figure, an
//!   identifier, a named document or partner), 2.5 for one with nothing checkable; less
//!   1.5 per error, 0.75 per warning and 0.25 per info diagnostic inside the section
//!   (question and answer); never below 0.
//! - Quality of a dimension: the mean sub-score / 5 of the sections of its types
//!   (core-strength and supply-chain: supply chain; logistics-delay, quality-complaint,
//!   returns and customs: operations; compliance; brand-ip: brand), or of all sections
//!   when none is of its types.
//! - Dimension points = weight x coverage x quality, with weights 35 / 30 / 20 / 15.
//! - Total = 100 x the sum of the points / the sum of the weights of the covered
//!   dimensions, rounded; `covered_weight` is that sum of weights (100 when all four are
//!   covered).
//!
//! Script-level diagnostics (missing-dimension) are not deducted: coverage already counts
//! what they report. The model changes the score only through the sentence findings it
//! adds or removes inside a section: section types do not depend on it.

use serde::{Deserialize, Serialize};

use super::{Dimension, Script, SectionType};
use crate::diagnostic::RuleId;
use crate::document::Document;
use crate::{Diagnostic, Severity};

/// Points deducted from a section's 5 per diagnostic of each severity.
pub fn penalty(s: Severity) -> f64 {
    match s {
        Severity::Error => 1.5,
        Severity::Warning => 0.75,
        Severity::Info => 0.25,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub total: f64,
    pub dimensions: Dimensions,
    /// JSON keys of the dimensions the script does not cover (see the module docs).
    #[serde(default)]
    pub not_covered: Vec<String>,
    /// The sum of the weights of the covered dimensions, of 100.
    #[serde(default)]
    pub covered_weight: f64,
    pub sections: Vec<SectionScore>,
}

impl Score {
    /// Whether the script covers dimension `d`.
    pub fn covers(&self, d: Dimension) -> bool {
        !self.not_covered.iter().any(|k| k == d.key())
    }
}

/// Points per dimension, out of 35, 30, 20 and 15.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Dimensions {
    pub supply_chain: f64,
    pub operations: f64,
    pub compliance: f64,
    pub brand: f64,
}

impl Dimensions {
    pub fn get(&self, d: Dimension) -> f64 {
        match d {
            Dimension::SupplyChain => self.supply_chain,
            Dimension::Operations => self.operations,
            Dimension::Compliance => self.compliance,
            Dimension::Brand => self.brand,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionScore {
    /// The question, or "" for text before the first question.
    pub title: String,
    #[serde(rename = "type")]
    pub kind: SectionType,
    pub line: usize,
    pub score: f64,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Scores a script from its structure and its final diagnostics (after severities,
/// `--select` and suppressions). `None` when the document has no question with an
/// answer.
pub fn score(doc: &Document, script: &Script, diagnostics: &[Diagnostic]) -> Option<Score> {
    if script.sections.iter().all(|s| s.title.is_none()) {
        return None;
    }
    let sections: Vec<SectionScore> = script
        .sections
        .iter()
        .map(|sec| {
            // Diagnostics come sorted by start: only those from the section's start on.
            let from = diagnostics.partition_point(|d| d.span.start < sec.span.start);
            let lost: f64 = diagnostics[from..]
                .iter()
                .take_while(|d| d.span.start <= sec.span.end)
                .filter(|d| d.rule != RuleId::MissingDimension && sec.span.contains(d.span))
                .map(|d| penalty(d.severity))
                .sum();
            SectionScore {
                title: sec
                    .title
                    .map(|t| t.slice(&doc.text).trim().to_string())
                    .unwrap_or_default(),
                kind: sec.kind,
                line: sec.line,
                score: round1((if sec.verifiable(doc) { 5.0 } else { 2.5 } - lost).max(0.0)),
            }
        })
        .collect();
    let mean = |it: &mut dyn Iterator<Item = f64>| {
        let (sum, n) = it.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
        (n > 0).then(|| sum / n as f64)
    };
    let all = mean(&mut sections.iter().map(|s| s.score)).unwrap_or(0.0);
    let mut points = [0.0; 4];
    let mut not_covered = Vec::new();
    let mut covered_weight = 0.0;
    for (i, d) in Dimension::ALL.into_iter().enumerate() {
        let items = d.items();
        let answered = sections.iter().any(|s| s.kind.dimension() == Some(d));
        let named =
            items.iter().filter(|it| script.covers(it.id)).count() as f64 / items.len() as f64;
        if !answered && named == 0.0 {
            not_covered.push(d.key().to_string());
            continue;
        }
        covered_weight += d.weight();
        let coverage = 0.5 * f64::from(u8::from(answered)) + 0.5 * named;
        let quality = mean(
            &mut sections
                .iter()
                .filter(|s| s.kind.dimension() == Some(d))
                .map(|s| s.score),
        )
        .unwrap_or(all)
            / 5.0;
        points[i] = d.weight() * coverage * quality;
    }
    let total = if covered_weight > 0.0 {
        (100.0 * points.iter().sum::<f64>() / covered_weight).round()
    } else {
        0.0
    };
    Some(Score {
        total,
        not_covered,
        covered_weight,
        dimensions: Dimensions {
            supply_chain: round1(points[0]),
            operations: round1(points[1]),
            compliance: round1(points[2]),
            brand: round1(points[3]),
        },
        sections,
    })
}
