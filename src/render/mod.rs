//! Rendering: lint outcomes → text in one of the output formats. Returns strings; the
//! binary decides where they go.

mod human;
mod machine;

pub use human::{human, human_file, human_summary, HumanOptions};
pub use machine::{concise, github, gitlab, json, rdjson, sarif};

use crate::engine::{FileReport, Outcome};
use crate::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Annotated snippets with the rule, message and suggestion.
    #[default]
    Human,
    /// One line per diagnostic: path:line:column: severity[rule] message.
    Concise,
    /// One JSON document for the whole run.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// reviewdog's Diagnostic Format (rdjson), one document: `reviewdog -f=rdjson`.
    Rdjson,
    /// GitLab Code Quality report (a JSON array of issues).
    Gitlab,
}

/// 1-based line and character column of both ends of a diagnostic.
pub(crate) struct Range {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub(crate) fn range(r: &FileReport, d: &Diagnostic) -> Range {
    let a = r.line_index.position(&r.text, d.span.start);
    let b = r.line_index.position(&r.text, d.span.end);
    Range {
        line: a.line,
        column: a.column,
        end_line: b.line,
        end_column: b.column,
    }
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub failed: usize,
    pub skipped: usize,
}

pub fn counts(outcomes: &[Outcome]) -> Counts {
    let mut c = Counts::default();
    for o in outcomes {
        c.add(o);
    }
    c
}

impl Counts {
    /// Counts one more outcome.
    pub fn add(&mut self, o: &Outcome) {
        let c = self;
        match o {
            Outcome::Linted(r) => {
                c.files += 1;
                for d in &r.diagnostics {
                    match d.severity {
                        Severity::Error => c.errors += 1,
                        Severity::Warning => c.warnings += 1,
                        Severity::Info => c.infos += 1,
                    }
                }
            }
            Outcome::Skipped { .. } => c.skipped += 1,
            Outcome::Error { .. } => c.failed += 1,
        }
    }
}

pub fn render(format: Format, outcomes: &[Outcome], opts: &HumanOptions) -> String {
    match format {
        Format::Human => human(outcomes, opts),
        Format::Concise => concise(outcomes),
        Format::Json => json(outcomes),
        Format::Sarif => sarif(outcomes),
        Format::Github => github(outcomes),
        Format::Rdjson => rdjson(outcomes),
        Format::Gitlab => gitlab(outcomes),
    }
}
