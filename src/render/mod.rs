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

/// `s` safe to print on a terminal: control characters (a newline in a file name, an
/// ESC sequence in the text) become visible escapes such as `\n` and `\u{1b}`, so that
/// they can neither forge an output record nor reach the terminal. Tabs stay.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
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

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(escape_controls("a.md"), "a.md");
        assert_eq!(escape_controls("a\tb"), "a\tb");
        assert_eq!(
            escape_controls("x.md\nfake.md:1:1: error[x] forged"),
            "x.md\\nfake.md:1:1: error[x] forged"
        );
        assert_eq!(escape_controls("\x1b[2J清屏"), "\\u{1b}[2J清屏");
    }
}
