//! Human output: annotated snippets whose underlines line up under CJK characters
//! (display width 2), with tabs expanded to four columns.

use std::fmt::Write;

use unicode_width::UnicodeWidthChar;

use super::{counts, escape_controls, range};
use crate::engine::{FileReport, Outcome};
use crate::structure::score::Score;
use crate::structure::Dimension;
use crate::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    pub color: bool,
    /// Findings only (`--quiet`): no readiness table.
    pub findings_only: bool,
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, s: Severity) -> String {
        match s {
            Severity::Error => self.wrap("1;31", "error"),
            Severity::Warning => self.wrap("1;33", "warning"),
            Severity::Info => self.wrap("1;36", "info"),
        }
    }
}

const TAB: usize = 4;

fn width(c: char) -> usize {
    if c == '\t' {
        TAB
    } else {
        c.width().unwrap_or(0)
    }
}

fn expand_tabs(s: &str) -> String {
    s.replace('\t', &" ".repeat(TAB))
}

pub fn human(outcomes: &[Outcome], opts: &HumanOptions) -> String {
    let mut out = String::new();
    for o in outcomes {
        out.push_str(&human_file(o, opts));
    }
    out.push_str(&human_summary(&counts(outcomes), opts));
    out
}

/// One file's part of [`human`]: its snippets and readiness table.
pub fn human_file(o: &Outcome, opts: &HumanOptions) -> String {
    let p = Paint(opts.color);
    let mut out = String::new();
    let Outcome::Linted(r) = o else { return out };
    for d in &r.diagnostics {
        snippet(&mut out, &p, r, d);
    }
    if let Some(s) = r.score.as_ref().filter(|_| !opts.findings_only) {
        score_table(&mut out, &p, r, s);
    }
    out
}

/// The summary line that ends [`human`].
pub fn human_summary(c: &crate::render::Counts, opts: &HumanOptions) -> String {
    let p = Paint(opts.color);
    let mut out = String::new();
    let problems = c.errors + c.warnings + c.infos;
    let files = |n: usize| {
        if n == 1 {
            "1 file".to_string()
        } else {
            format!("{n} files")
        }
    };
    if problems == 0 {
        let _ = writeln!(
            out,
            "{} ({} checked)",
            p.wrap("1;32", "All checks passed"),
            files(c.files)
        );
    } else {
        let mut parts = Vec::new();
        for (n, what) in [
            (c.errors, "error"),
            (c.warnings, "warning"),
            (c.infos, "info"),
        ] {
            if n > 0 {
                parts.push(format!(
                    "{n} {what}{}",
                    if n == 1 || what == "info" { "" } else { "s" }
                ));
            }
        }
        let _ = writeln!(
            out,
            "Found {problems} problem{} ({}) in {} checked.",
            if problems == 1 { "" } else { "s" },
            parts.join(", "),
            files(c.files)
        );
    }
    out
}

/// The readiness score of one file: total, dimensions, and a line per section.
fn score_table(out: &mut String, p: &Paint, r: &FileReport, s: &Score) {
    let dims: Vec<String> = Dimension::ALL
        .iter()
        .map(|d| {
            if s.covers(*d) {
                format!(
                    "{} {:.1}/{}",
                    d.name(crate::document::Lang::En),
                    s.dimensions.get(*d),
                    d.weight()
                )
            } else {
                format!("{} not covered", d.name(crate::document::Lang::En))
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "{} {}/100 {}: {}",
        p.wrap("1", "readiness"),
        p.wrap("1", &format!("{:.0}", s.total)),
        escape_controls(&r.path),
        dims.join(" · ")
    );
    let _ = writeln!(
        out,
        "  {:>5}  {:<17}  {:>5}  question",
        "line", "type", "score"
    );
    for sec in &s.sections {
        let title = if sec.title.is_empty() {
            "(before the first question)".to_string()
        } else {
            escape_controls(&clip(&sec.title, 48)).into_owned()
        };
        let _ = writeln!(
            out,
            "  {:>5}  {:<17}  {:>5.1}  {}",
            sec.line,
            sec.kind.id(),
            sec.score,
            title
        );
    }
    out.push('\n');
}

/// `s` cut to at most `cols` display columns, with an ellipsis when cut.
fn clip(s: &str, cols: usize) -> String {
    let s = s.trim_start_matches('#').trim();
    let mut w = 0;
    let mut out = String::new();
    for c in s.chars() {
        w += width(c);
        if w > cols {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// Bytes of a line shown on each side of a finding (then cut with an ellipsis).
const WINDOW: usize = 120;

/// Text of the file as shown in a snippet: tabs expanded, control characters escaped.
fn shown(s: &str) -> String {
    expand_tabs(&escape_controls(s))
}

/// The char boundary at or before `i`.
fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary at or after `i`.
fn ceil(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn snippet(out: &mut String, p: &Paint, r: &FileReport, d: &Diagnostic) {
    let rg = range(r, d);
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        p.severity(d.severity),
        p.wrap("1", d.rule.as_str()),
        escape_controls(&d.message)
    );
    let gutter = rg.end_line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{}",
        p.wrap("34", "-->"),
        escape_controls(&r.path),
        rg.line,
        rg.column
    );
    let _ = writeln!(out, "{pad} {}", p.wrap("34", "|"));
    for line0 in (rg.line - 1)..rg.end_line {
        let (ls, le) = r.line_index.line_span(&r.text, line0);
        let le = ls + r.text[ls..le].trim_end_matches('\r').len();
        // The part of this line the span covers.
        let from = d.span.start.max(ls);
        let to = d.span.end.min(le);
        if to < from {
            let _ = writeln!(
                out,
                "{} {} {}",
                p.wrap("34", &format!("{:>gutter$}", line0 + 1)),
                p.wrap("34", "|"),
                shown(&r.text[ls..floor(&r.text, (ls + 2 * WINDOW).min(le))])
            );
            continue;
        }
        // Only a window of the line around it: many findings on one long line must not
        // print the line once per finding (output quadratic in its length).
        let ws = floor(&r.text, from.saturating_sub(WINDOW).max(ls));
        let we = ceil(&r.text, (to + WINDOW).min(le));
        let before = format!(
            "{}{}",
            if ws > ls { "…" } else { "" },
            shown(&r.text[ws..from])
        );
        let marked_text = shown(&r.text[from..to]);
        let after = format!(
            "{}{}",
            shown(&r.text[to..we]),
            if we < le { "…" } else { "" }
        );
        let _ = writeln!(
            out,
            "{} {} {before}{marked_text}{after}",
            p.wrap("34", &format!("{:>gutter$}", line0 + 1)),
            p.wrap("34", "|"),
        );
        let lead: usize = before.chars().map(width).sum();
        let marked: usize = marked_text.chars().map(width).sum::<usize>().max(1);
        let marks = p.wrap(
            match d.severity {
                Severity::Error => "1;31",
                Severity::Warning => "1;33",
                Severity::Info => "1;36",
            },
            &"^".repeat(marked),
        );
        let _ = writeln!(
            out,
            "{pad} {} {}{}",
            p.wrap("34", "|"),
            " ".repeat(lead),
            marks
        );
    }
    if let Some(s) = &d.suggestion {
        let _ = writeln!(
            out,
            "{pad} {} {}: {}",
            p.wrap("34", "="),
            p.wrap("1", "help"),
            s
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underline_lines_up_under_cjk_and_tabs() {
        let text = "\t我们会尽力解决。\n".to_string();
        let at = text.find("尽力").unwrap();
        let r = FileReport {
            path: "a.md".into(),
            encoding: crate::input::Encoding::Utf8,
            line_index: crate::document::LineIndex::new(&text),
            text,
            score: None,
            digest: 0,
            from_cache: false,
            fixes: None,
            diagnostics: vec![crate::Diagnostic {
                rule: crate::rules::RuleId::VagueCommitment,
                severity: Severity::Error,
                span: crate::Span::new(at, at + "尽力".len()),
                message: "m".into(),
                suggestion: None,
                source: crate::Source::Lexicon,
                confidence: None,
                fixes: vec![],
                related: vec![],
            }],
        };
        let s = human(&[Outcome::Linted(r)], &HumanOptions::default());
        let lines: Vec<&str> = s.lines().collect();
        let code = lines.iter().position(|l| l.contains("我们")).unwrap();
        let src = lines[code];
        let marks = lines[code + 1];
        // 4 columns of tab + 我们会 (6 columns) before the mark; 尽力 is 4 columns wide.
        let col = |l: &str| l.find('|').unwrap() + 2;
        assert_eq!(marks[col(marks)..].find('^'), Some(4 + 6));
        assert_eq!(marks.matches('^').count(), 4);
        assert!(src.contains("    我们"));
    }
}
