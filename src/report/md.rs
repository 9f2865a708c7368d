//! The report as GitHub-flavoured Markdown: totals, the score distribution, findings per
//! rule, every file worst score first, then the worst sections and diagnostics of the
//! (at most [`DETAILED_FILES`]) worst files.
//!
//! Report data is escaped with backslashes ([`text`]), so a `|` never splits a table cell
//! and `<script>` or `*` stay literal text; line breaks inside a value become `<br>`.

use std::fmt::Write as _;

use super::stats::{fmt_num, rule_totals, score_bins, totals, worst_first, BIN_LABELS};
use super::{FileSummary, Report};

/// How many of the worst files get a detail section.
pub const DETAILED_FILES: usize = 20;

macro_rules! w {
    ($($t:tt)*) => {{
        let _ = write!($($t)*);
    }};
}

/// `s` as Markdown text: ASCII punctuation that Markdown or a table could read as syntax
/// is backslash-escaped, and CR, LF and CRLF become `<br>`.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c);
        out.push_str(" |");
    }
    out.push('\n');
}

fn header(out: &mut String, cols: &[(&str, bool)]) {
    row(
        out,
        &cols.iter().map(|(c, _)| c.to_string()).collect::<Vec<_>>(),
    );
    let rule: Vec<String> = cols
        .iter()
        .map(|&(_, right)| if right { "---:" } else { "---" }.to_string())
        .collect();
    row(out, &rule);
}

fn score_cell(f: &FileSummary) -> String {
    match (f.score, &f.error) {
        (Some(s), _) => s.to_string(),
        (None, Some(_)) => "— (error)".to_string(),
        (None, None) => "—".to_string(),
    }
}

/// The report as Markdown.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(4096 + r.files.len() * 256);
    let t = totals(r);
    out.push_str("# answerlint report\n\n");
    w!(
        out,
        "Generated {} by answerlint {}.\n\n",
        text(&r.generated),
        text(&r.tool_version)
    );

    out.push_str("## Totals\n\n");
    let opt = |x: Option<f64>| x.map_or_else(|| "—".to_string(), fmt_num);
    w!(
        out,
        "- Files: {} ({} scored, {} not linted)\n- Files with errors: {}\n\
         - Mean score: {}\n- Median score: {}\n\
         - Findings: {} errors, {} warnings, {} infos\n\n",
        t.files,
        t.scored,
        t.not_linted,
        t.with_error_findings,
        opt(t.mean),
        opt(t.median),
        t.errors,
        t.warnings,
        t.infos
    );

    out.push_str("## Score distribution\n\n");
    let (bins, unscored) = score_bins(&r.files);
    header(&mut out, &[("Score", false), ("Files", true)]);
    for (label, n) in BIN_LABELS.iter().zip(bins) {
        row(&mut out, &[label.to_string(), n.to_string()]);
    }
    w!(out, "\nFiles without a score: {unscored}.\n\n");

    out.push_str("## Findings per rule\n\n");
    let rules = rule_totals(r);
    if rules.is_empty() {
        out.push_str("No findings.\n\n");
    } else {
        header(
            &mut out,
            &[
                ("Rule", false),
                ("Severity", false),
                ("Findings", true),
                ("Summary", false),
            ],
        );
        for (id, n) in &rules {
            let info = r.rules.iter().find(|ri| &ri.id == id);
            row(
                &mut out,
                &[
                    text(id),
                    info.map_or(String::new(), |ri| text(&ri.severity)),
                    n.to_string(),
                    info.map_or(String::new(), |ri| text(&ri.summary)),
                ],
            );
        }
        out.push('\n');
    }

    let order = worst_first(&r.files);
    w!(out, "## Files ({})\n\n", r.files.len());
    if order.is_empty() {
        out.push_str("No files.\n\n");
    } else {
        header(
            &mut out,
            &[
                ("Path", false),
                ("Score", true),
                ("Errors", true),
                ("Warnings", true),
                ("Infos", true),
            ],
        );
        for f in &order {
            row(
                &mut out,
                &[
                    text(&f.path),
                    score_cell(f),
                    f.errors.to_string(),
                    f.warnings.to_string(),
                    f.infos.to_string(),
                ],
            );
        }
        out.push('\n');
    }

    let failed: Vec<&FileSummary> = r.files.iter().filter(|f| f.error.is_some()).collect();
    if !failed.is_empty() {
        out.push_str("## Not linted\n\n");
        header(&mut out, &[("Path", false), ("Error", false)]);
        for f in failed {
            row(
                &mut out,
                &[text(&f.path), text(f.error.as_deref().unwrap_or_default())],
            );
        }
        out.push('\n');
    }

    let detailed: Vec<&FileSummary> = order
        .iter()
        .copied()
        .filter(|f| f.error.is_none() && (!f.worst.is_empty() || !f.diagnostics.is_empty()))
        .take(DETAILED_FILES)
        .collect();
    if !detailed.is_empty() {
        out.push_str("## Worst sections\n\n");
        for f in detailed {
            details(&mut out, f);
        }
    }
    // Exactly one trailing newline.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn details(out: &mut String, f: &FileSummary) {
    w!(out, "### {} — {}\n\n", text(&f.path), score_cell(f));
    if !f.worst.is_empty() {
        header(
            out,
            &[
                ("Section", false),
                ("Line", true),
                ("Type", false),
                ("Score", true),
            ],
        );
        for s in &f.worst {
            row(
                out,
                &[
                    text(&s.title),
                    s.line.to_string(),
                    text(&s.kind),
                    format!("{} / 5", fmt_num(s.score)),
                ],
            );
        }
        out.push('\n');
    }
    if !f.diagnostics.is_empty() {
        header(
            out,
            &[
                ("Line:col", false),
                ("Severity", false),
                ("Rule", false),
                ("Message", false),
            ],
        );
        for d in &f.diagnostics {
            let mut msg = text(&d.message);
            if let Some(s) = &d.suggestion {
                w!(msg, "<br>Suggestion: {}", text(s));
            }
            row(
                out,
                &[
                    format!("{}:{}", d.line, d.column),
                    text(&d.severity),
                    text(d.rule.as_str()),
                    msg,
                ],
            );
        }
        out.push('\n');
        if f.more_diagnostics > 0 {
            w!(
                out,
                "… and {} more diagnostics not shown.\n\n",
                f.more_diagnostics
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::tests::sample;
    use crate::report::FileSummary;

    /// The cells of a table row, split at unescaped pipes.
    fn cells(line: &str) -> Vec<String> {
        let inner = line
            .trim()
            .strip_prefix('|')
            .unwrap()
            .strip_suffix('|')
            .unwrap();
        let mut out = vec![String::new()];
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    out.last_mut().unwrap().push(c);
                    out.last_mut().unwrap().push(chars.next().unwrap());
                }
                '|' => out.push(String::new()),
                c => out.last_mut().unwrap().push(c),
            }
        }
        out.into_iter().map(|c| c.trim().to_string()).collect()
    }

    /// The table that follows `heading`, as rows of cells (header and rule included).
    fn table_after(md: &str, heading: &str) -> Vec<Vec<String>> {
        let rest = &md[md
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} in {md}"))..];
        rest.lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .map(cells)
            .collect()
    }

    #[test]
    fn text_escapes_markdown_and_line_breaks() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("<script>x</script>"), "\\<script\\>x\\</script\\>");
        assert_eq!(text("一\r\n二\n三\r四"), "一<br>二<br>三<br>四");
        assert_eq!(
            text("*粗* _斜_ [链](x) & `c`"),
            "\\*粗\\* \\_斜\\_ \\[链\\](x) \\& \\`c\\`"
        );
        assert_eq!(text("中文，逗号"), "中文，逗号");
    }

    #[test]
    fn tables_keep_their_column_count() {
        let md = render(&sample());
        for line in md.lines().filter(|l| l.starts_with('|')) {
            assert!(line.ends_with(" |"), "{line}");
        }
        for (heading, n) in [
            ("## Score distribution", 2),
            ("## Findings per rule", 4),
            ("## Files (", 5),
            ("## Not linted", 2),
            ("### 答案/售后,第二轮.md", 4),
        ] {
            let t = table_after(&md, heading);
            assert!(t.len() >= 3, "{heading}");
            for r in &t {
                assert_eq!(r.len(), n, "{heading}: {r:?}");
            }
        }
        // The section title's pipe is escaped, not a column.
        assert!(md.contains("| 退货处理 \\| 时效 | 3 | quality-complaint | 1.5 / 5 |"));
        // A newline in a message stays inside its cell.
        assert!(md.contains(
            "The figure is \"about\" 5, a hedge<br>then a number \\<b\\>bold\\</b\\> \\& 'quoted'"
        ));
        assert!(!md.contains("<script>"));
    }

    #[test]
    fn score_distribution_and_rules() {
        let md = render(&sample());
        let bins = table_after(&md, "## Score distribution");
        let counts: Vec<&str> = bins[2..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(counts, ["1", "0", "0", "0", "1", "0", "0", "0", "1", "2"]);
        assert_eq!(bins[11][0], "90–100");
        assert!(md.contains("Files without a score: 2."));
        let rules = table_after(&md, "## Findings per rule");
        let ids: Vec<&str> = rules[2..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            ids,
            [
                "vague-commitment",
                "hedged-figure",
                "unsupported-figure",
                "placeholder-left"
            ]
        );
        assert_eq!(rules[2][3], "承诺没有期限 \\<时限\\>");
        assert!(md.contains("- Median score: 88\n"));
        assert!(md.contains("- Findings: 4 errors, 3 warnings, 2 infos\n"));
    }

    #[test]
    fn files_worst_first() {
        let md = render(&sample());
        let files = table_after(&md, "## Files (");
        let paths: Vec<&str> = files[2..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            paths,
            [
                "z-low.md",
                "答案/售后,第二轮.md",
                "answers/\\<script\\>alert(1)\\</script\\>\\&co.md",
                "zz-ninety.md",
                "perfect.md",
                "broken/坏文件.txt",
                "empty.md",
            ]
        );
        assert_eq!(files[2][1..], ["9", "3", "0", "0"]);
        assert_eq!(files[7][1], "— (error)");
        assert_eq!(files[8][1], "—");
        assert!(md.contains("| broken/坏文件.txt | invalid UTF-8 at byte 17, 无法解码 \\<bad\\> |"));
    }

    #[test]
    fn worst_sections_for_at_most_twenty_files() {
        let md = render(&sample());
        let worst = &md[md.find("## Worst sections").unwrap()..];
        // Only files with sections or diagnostics, worst first.
        let headings: Vec<&str> = worst.lines().filter(|l| l.starts_with("### ")).collect();
        assert_eq!(
            headings,
            [
                "### 答案/售后,第二轮.md — 42",
                "### answers/\\<script\\>alert(1)\\</script\\>\\&co.md — 88"
            ]
        );
        assert!(worst.contains("| 4:4 | warning | vague-commitment | “尽快”不是期限，请写明几小时内完成<br>Suggestion: 改为“24小时内处理” |"));
        assert!(worst.contains("… and 4 more diagnostics not shown."));

        let files: Vec<FileSummary> = (0..30u32)
            .map(|i| FileSummary {
                path: format!("批次/{i:02}.md"),
                score: Some(i * 3),
                diagnostics: sample()
                    .files
                    .iter()
                    .find(|f| f.score == Some(42))
                    .unwrap()
                    .diagnostics
                    .clone(),
                ..Default::default()
            })
            .collect();
        let md = render(&Report {
            files,
            ..Default::default()
        });
        let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("### ")).collect();
        assert_eq!(headings.len(), DETAILED_FILES);
        assert_eq!(headings[0], "### 批次/00.md — 0");
        assert_eq!(headings[19], "### 批次/19.md — 57");
        assert!(md.ends_with(" |\n"));
    }

    #[test]
    fn empty_report() {
        let md = render(&Report::default());
        assert!(md.starts_with("# answerlint report\n"));
        assert!(md.contains("No findings."));
        assert!(md.contains("No files."));
        assert!(md.ends_with(".\n"));
    }
}
