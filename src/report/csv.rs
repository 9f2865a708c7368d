//! The report as CSV (RFC 4180), one record per file in the report's (path) order:
//!
//! `path,score,errors,warnings,infos,<one column per rule id, in report.rules order>,error`
//!
//! Rule columns hold the file's finding count for that rule (0 when none); `score` is
//! empty for a file without one, `error` is empty unless the file could not be linted.
//! Fields containing a comma, a double quote, CR or LF are quoted, with quotes doubled.
//! Records end with CRLF, as RFC 4180 asks.
//!
//! The text is UTF-8 and starts with a byte order mark (U+FEFF): without it, Excel reads
//! a CSV file in the system's legacy code page and shows Chinese paths and messages as
//! mojibake; with it, Excel (and LibreOffice) pick UTF-8. Most CSV readers skip the mark;
//! ones that do not will see it at the start of the first header name.

use super::{FileSummary, Report};

/// The byte order mark the file starts with.
pub const BOM: char = '\u{feff}';

/// `field` as a CSV field: quoted (quotes doubled) when it holds `,`, `"`, CR or LF.
pub fn field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

fn record(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(&f));
    }
    out.push_str("\r\n");
}

/// The report as CSV text (with the BOM).
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(256 + r.files.len() * (64 + 4 * r.rules.len()));
    out.push(BOM);
    let head = ["path", "score", "errors", "warnings", "infos"]
        .into_iter()
        .map(String::from)
        .chain(r.rules.iter().map(|ri| ri.id.clone()))
        .chain(std::iter::once("error".to_string()));
    record(&mut out, head);
    for f in &r.files {
        record(&mut out, file_fields(r, f));
    }
    out
}

fn file_fields<'a>(r: &'a Report, f: &'a FileSummary) -> impl Iterator<Item = String> + 'a {
    [
        f.path.clone(),
        f.score.map_or_else(String::new, |s| s.to_string()),
        f.errors.to_string(),
        f.warnings.to_string(),
        f.infos.to_string(),
    ]
    .into_iter()
    .chain(
        r.rules
            .iter()
            .map(|ri| f.counts.get(&ri.id).copied().unwrap_or(0).to_string()),
    )
    .chain(std::iter::once(f.error.clone().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::tests::sample;
    use crate::report::{FileSummary, Report};

    /// A strict RFC 4180 reader: records of fields, CRLF only between records.
    fn parse(s: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut rec = Vec::new();
        let mut cur = String::new();
        let mut chars = s.chars().peekable();
        let mut quoted = false;
        let mut was_quoted = false;
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cur.push('"');
                    }
                    '"' => quoted = false,
                    c => cur.push(c),
                }
                continue;
            }
            match c {
                '"' => {
                    assert!(
                        cur.is_empty() && !was_quoted,
                        "quote inside an unquoted field"
                    );
                    quoted = true;
                    was_quoted = true;
                }
                ',' => {
                    rec.push(std::mem::take(&mut cur));
                    was_quoted = false;
                }
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'), "bare CR");
                    rec.push(std::mem::take(&mut cur));
                    records.push(std::mem::take(&mut rec));
                    was_quoted = false;
                }
                '\n' => panic!("bare LF outside quotes"),
                c => {
                    assert!(!was_quoted, "text after a closing quote");
                    cur.push(c);
                }
            }
        }
        assert!(!quoted, "unterminated quote");
        assert!(cur.is_empty() && rec.is_empty(), "last record without CRLF");
        records
    }

    #[test]
    fn starts_with_bom_and_header_in_rule_order() {
        let csv = render(&sample());
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]));
        assert!(csv.starts_with(
            "\u{feff}path,score,errors,warnings,infos,vague-commitment,unsupported-figure,\
             hedged-figure,placeholder-left,error\r\n"
        ));
        assert!(csv.ends_with("\r\n"));
    }

    #[test]
    fn every_record_has_every_column() {
        let r = sample();
        let csv = render(&r);
        let recs = parse(csv.strip_prefix(BOM).unwrap());
        assert_eq!(recs.len(), 1 + r.files.len());
        for rec in &recs {
            assert_eq!(rec.len(), 5 + r.rules.len() + 1, "{rec:?}");
        }
        // Records in the report's order, values back as they were.
        let paths: Vec<&str> = recs[1..].iter().map(|r| r[0].as_str()).collect();
        let expected: Vec<&str> = r.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, expected);
        let zh = recs.iter().find(|r| r[0] == "答案/售后,第二轮.md").unwrap();
        assert_eq!(zh[1..10], ["42", "1", "2", "0", "2", "1", "0", "0", ""]);
        let broken = recs.iter().find(|r| r[0] == "broken/坏文件.txt").unwrap();
        assert_eq!(broken[1], "");
        assert_eq!(broken[9], "invalid UTF-8 at byte 17, 无法解码 <bad>");
    }

    #[test]
    fn quoting() {
        assert_eq!(field("plain 中文"), "plain 中文");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(field(""), "");
        let csv = render(&sample());
        assert!(csv.contains("\r\n\"答案/售后,第二轮.md\",42,"));
        assert!(csv.contains(",\"invalid UTF-8 at byte 17, 无法解码 <bad>\"\r\n"));
        // No HTML escaping in CSV.
        assert!(csv.contains("\r\nanswers/<script>alert(1)</script>&co.md,88,0,1,2,0,0,2,1,\r\n"));
    }

    #[test]
    fn multiline_and_quoted_error_round_trips() {
        let r = Report {
            files: vec![FileSummary {
                path: "引号\"与,逗号.md".into(),
                error: Some("第一行\r\nsecond \"line\"".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let csv = render(&r);
        assert_eq!(
            csv,
            "\u{feff}path,score,errors,warnings,infos,error\r\n\
             \"引号\"\"与,逗号.md\",,0,0,0,\"第一行\r\nsecond \"\"line\"\"\"\r\n"
        );
        let recs = parse(csv.strip_prefix(BOM).unwrap());
        assert_eq!(
            recs[1],
            [
                "引号\"与,逗号.md",
                "",
                "0",
                "0",
                "0",
                "第一行\r\nsecond \"line\""
            ]
        );
    }
}
