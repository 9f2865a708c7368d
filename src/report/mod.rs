//! `answerlint report`: a batch review as one readable file. The data is summarised per
//! file while linting (documents are not kept), then written as HTML, Markdown or CSV by
//! the output file's extension.

use std::collections::BTreeMap;

use serde::Serialize;

pub mod csv;
pub mod html;
pub mod md;
mod stats;

/// Everything a report shows. Files are sorted by path.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The date of the run (YYYY-MM-DD).
    pub generated: String,
    pub tool_version: String,
    pub files: Vec<FileSummary>,
    /// Every rule, in the registry's order.
    pub rules: Vec<RuleInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    /// error, warning or info.
    pub severity: String,
    pub summary: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FileSummary {
    pub path: String,
    /// Readiness 0..=100, `None` when the file has no answer text or could not be read.
    pub score: Option<u32>,
    /// Points per dimension: (name, points, out of), in the order supply chain,
    /// operations, compliance, brand.
    pub dimensions: Vec<(String, f64, f64)>,
    /// Names of the dimensions the script does not cover (shown as such, not as 0 points).
    pub not_covered: Vec<String>,
    /// Findings per rule id (rules with none left out).
    pub counts: BTreeMap<String, usize>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The lowest-scoring sections, worst first (at most [`WORST_SECTIONS`]).
    pub worst: Vec<SectionSummary>,
    /// The file's diagnostics in position order (at most [`MAX_DIAGNOSTICS`]).
    pub diagnostics: Vec<DiagSummary>,
    /// Diagnostics left out beyond [`MAX_DIAGNOSTICS`].
    pub more_diagnostics: usize,
    /// Why the file could not be linted (unreadable, undecodable, skipped).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionSummary {
    pub title: String,
    pub line: usize,
    /// Section type id (quality-complaint, core-strength...).
    pub kind: String,
    /// Sub-score 0..=5.
    pub score: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagSummary {
    pub rule: String,
    /// error, warning or info.
    pub severity: String,
    /// 1-based line and column (columns in characters).
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub suggestion: Option<String>,
    /// The source line the diagnostic starts on (without its line break).
    pub line_text: String,
    /// The offending text within `line_text`, as a char range (start, end); the end is
    /// clipped to the line.
    pub highlight: (usize, usize),
}

pub const WORST_SECTIONS: usize = 3;
/// Characters of context kept either side of a finding on a long line.
pub const CONTEXT_CHARS: usize = 120;
pub const MAX_DIAGNOSTICS: usize = 200;

/// Output formats, chosen by the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Markdown,
    Csv,
}

impl ReportFormat {
    pub fn from_path(path: &std::path::Path) -> Option<ReportFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(ReportFormat::Html),
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "csv" => Some(ReportFormat::Csv),
            _ => None,
        }
    }
}

impl ReportFormat {
    /// Diagnostics a report in this format shows per file: all (up to
    /// [`MAX_DIAGNOSTICS`]) in HTML, a few for the worst files in Markdown, none in CSV
    /// (counts only), so that a run holds no more than it writes.
    pub fn diagnostics_kept(self) -> usize {
        match self {
            ReportFormat::Html => MAX_DIAGNOSTICS,
            ReportFormat::Markdown => 30,
            ReportFormat::Csv => 0,
        }
    }
}

/// The report in `format`.
pub fn render(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Html => html::render(report),
        ReportFormat::Markdown => md::render(report),
        ReportFormat::Csv => csv::render(report),
    }
}

/// What a report keeps of one linted file (the text itself is dropped), with at most
/// `max_diagnostics` diagnostics in full.
pub fn summarize(outcome: &crate::engine::Outcome, max_diagnostics: usize) -> FileSummary {
    use crate::engine::Outcome;
    let r = match outcome {
        Outcome::Linted(r) => r,
        Outcome::Skipped { path, reason } => {
            return FileSummary {
                path: path.clone(),
                error: Some(format!("skipped: {reason}")),
                ..Default::default()
            }
        }
        Outcome::Error { path, message } => {
            return FileSummary {
                path: path.clone(),
                error: Some(message.clone()),
                ..Default::default()
            }
        }
    };
    let mut s = FileSummary {
        path: r.path.clone(),
        ..Default::default()
    };
    for d in &r.diagnostics {
        *s.counts.entry(d.rule.to_string()).or_default() += 1;
        match d.severity {
            crate::Severity::Error => s.errors += 1,
            crate::Severity::Warning => s.warnings += 1,
            crate::Severity::Info => s.infos += 1,
        }
    }
    if let Some(score) = &r.score {
        s.score = Some(score.total.round().clamp(0.0, 100.0) as u32);
        s.dimensions = crate::structure::Dimension::ALL
            .iter()
            .map(|&d| {
                (
                    d.name(crate::document::Lang::En).to_string(),
                    score.dimensions.get(d),
                    d.weight(),
                )
            })
            .collect();
        s.not_covered = crate::structure::Dimension::ALL
            .iter()
            .filter(|&&d| !score.covers(d))
            .map(|d| d.name(crate::document::Lang::En).to_string())
            .collect();
        let mut worst: Vec<_> = score.sections.iter().collect();
        worst.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.line.cmp(&b.line)));
        s.worst = worst
            .into_iter()
            .take(WORST_SECTIONS)
            .map(|x| SectionSummary {
                title: x.title.clone(),
                line: x.line,
                kind: x.kind.id().to_string(),
                score: x.score,
            })
            .collect();
    }
    for d in r.diagnostics.iter().take(max_diagnostics) {
        let pos = r.line_index.position(&r.text, d.span.start);
        let (ls, le) = r.line_index.line_span(&r.text, pos.line - 1);
        let line_text = r.text[ls..le].trim_end_matches('\r');
        let start = pos.column - 1;
        let end_byte = d.span.end.min(ls + line_text.len()).max(d.span.start);
        let end = start + r.text[d.span.start..end_byte].chars().count();
        // A long line is cut to a window around the finding.
        let (line_text, highlight) = if line_text.len() > 4 * CONTEXT_CHARS {
            let from = start.saturating_sub(CONTEXT_CHARS);
            let to = end.max(start) + CONTEXT_CHARS;
            let cut: String = line_text.chars().skip(from).take(to - from).collect();
            (cut, (start - from, end - from))
        } else {
            (line_text.to_string(), (start, end))
        };
        s.diagnostics.push(DiagSummary {
            rule: d.rule.to_string(),
            severity: d.severity.as_str().to_string(),
            line: pos.line,
            column: pos.column,
            message: d.message.clone(),
            suggestion: d.suggestion.clone(),
            line_text,
            highlight,
        });
    }
    s.more_diagnostics = r.diagnostics.len().saturating_sub(max_diagnostics);
    s
}
