//! Summaries shared by the HTML and Markdown reports: score bins, totals, worst-first
//! order, findings per rule.

use std::collections::BTreeMap;

use super::{FileSummary, Report};

/// Labels of the ten score bins; the last one takes 100 too.
pub(crate) const BIN_LABELS: [&str; 10] = [
    "0–9", "10–19", "20–29", "30–39", "40–49", "50–59", "60–69", "70–79", "80–89", "90–100",
];

/// Files per score bin (0–9, 10–19, …, 90–100) and the number of files without a score.
pub(crate) fn score_bins(files: &[FileSummary]) -> ([usize; 10], usize) {
    let mut bins = [0usize; 10];
    let mut unscored = 0;
    for f in files {
        match f.score {
            Some(s) => bins[(s / 10).min(9) as usize] += 1,
            None => unscored += 1,
        }
    }
    (bins, unscored)
}

/// The files worst score first; files without a score last; ties keep the report's (path)
/// order.
pub(crate) fn worst_first(files: &[FileSummary]) -> Vec<&FileSummary> {
    let mut v: Vec<&FileSummary> = files.iter().collect();
    v.sort_by_key(|f| (f.score.is_none(), f.score));
    v
}

/// Findings per rule over all files, most first; ties in the registry's order, then rules
/// the registry does not list by id. Rules without findings are left out.
/// A script-level rule (missing-dimension: one finding per script, which the dimension
/// table already shows): left out of the rule chart and a file's top rules, where it would
/// stand first for every file and hide what differs between them.
pub(crate) fn script_level(id: &str) -> bool {
    id == crate::diagnostic::RuleId::MissingDimension.as_str()
}

pub(crate) fn rule_totals(r: &Report) -> Vec<(String, usize)> {
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &r.files {
        for (id, n) in f.counts.iter().filter(|(id, _)| !script_level(id)) {
            *totals.entry(id.as_str()).or_default() += n;
        }
    }
    let rank = |id: &str| {
        r.rules
            .iter()
            .position(|ri| ri.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut v: Vec<(String, usize)> = totals
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    // The BTreeMap gave id order; a stable sort keeps it among unknown rules.
    v.sort_by_key(|(id, n)| (std::cmp::Reverse(*n), rank(id)));
    v
}

/// Totals over the whole report.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Totals {
    pub files: usize,
    /// Files with at least one error-severity finding.
    pub with_error_findings: usize,
    /// Files that could not be linted (`error` set).
    pub not_linted: usize,
    pub scored: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub(crate) fn totals(r: &Report) -> Totals {
    let mut scores: Vec<u32> = r.files.iter().filter_map(|f| f.score).collect();
    scores.sort_unstable();
    let n = scores.len();
    let mean = (n > 0).then(|| scores.iter().map(|&s| f64::from(s)).sum::<f64>() / n as f64);
    let median = (n > 0).then(|| {
        if n % 2 == 1 {
            f64::from(scores[n / 2])
        } else {
            (f64::from(scores[n / 2 - 1]) + f64::from(scores[n / 2])) / 2.0
        }
    });
    Totals {
        files: r.files.len(),
        with_error_findings: r.files.iter().filter(|f| f.errors > 0).count(),
        not_linted: r.files.iter().filter(|f| f.error.is_some()).count(),
        scored: n,
        mean,
        median,
        errors: r.files.iter().map(|f| f.errors).sum(),
        warnings: r.files.iter().map(|f| f.warnings).sum(),
        infos: r.files.iter().map(|f| f.infos).sum(),
    }
}

/// A number with at most one decimal, without a trailing ".0".
pub(crate) fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}
