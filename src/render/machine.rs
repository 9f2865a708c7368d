//! Machine-readable formats: concise lines, JSON, SARIF 2.1.0, GitHub annotations,
//! reviewdog's rdjson and GitLab Code Quality.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::range;
use crate::engine::{FileReport, Outcome};
use crate::rules::REGISTRY;
use crate::Severity;

pub fn concise(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        let Outcome::Linted(r) = o else { continue };
        for d in &r.diagnostics {
            let rg = range(r, d);
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                super::escape_controls(&r.path),
                rg.line,
                rg.column,
                d.severity.as_str(),
                d.rule,
                super::escape_controls(&d.message)
            );
        }
    }
    out
}

/// The stable JSON document (version 1). See README.md for the schema.
pub fn json(outcomes: &[Outcome]) -> String {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    let mut fixes: Option<crate::fix::FixCounts> = None;
    for o in outcomes {
        match o {
            Outcome::Linted(r) => {
                let diags: Vec<Value> = r
                    .diagnostics
                    .iter()
                    .map(|d| {
                        *by_rule.entry(d.rule.as_str()).or_default() += 1;
                        total += 1;
                        let rg = range(r, d);
                        json!({
                            "rule": d.rule,
                            "severity": d.severity,
                            "message": d.message,
                            "suggestion": d.suggestion,
                            "line": rg.line,
                            "column": rg.column,
                            "end_line": rg.end_line,
                            "end_column": rg.end_column,
                            "start": d.span.start,
                            "end": d.span.end,
                            "source": d.source,
                            "confidence": d.confidence,
                            "fixes": d.fixes,
                        })
                    })
                    .collect();
                let mut file = json!({
                    "path": r.path,
                    "encoding": r.encoding.name(),
                    "diagnostics": diags,
                    "score": r.score,
                });
                // After fixing (`fix`, `check --fix`): what was fixed and what is left to
                // other modes, per rule.
                if let Some(f) = &r.fixes {
                    file["fixes"] = json!(f);
                    fixes.get_or_insert_with(Default::default).add(f);
                }
                files.push(file);
            }
            Outcome::Skipped { path, reason } => {
                skipped.push(json!({"path": path, "reason": reason}))
            }
            Outcome::Error { path, message } => {
                errors.push(json!({"path": path, "message": message}))
            }
        }
    }
    let mut doc = json!({
        "version": 1,
        "files": files,
        "skipped": skipped,
        "errors": errors,
        "summary": {
            "files": files.len(),
            "diagnostics": total,
            "by_rule": by_rule,
        },
    });
    if let Some(f) = fixes {
        doc["summary"]["fixes"] = json!(f);
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn sarif(outcomes: &[Outcome]) -> String {
    let rules: Vec<Value> = REGISTRY
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.docs()},
                "defaultConfiguration": {"level": sarif_level(m.default_severity)},
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut artifacts = Vec::new();
    for o in outcomes {
        let Outcome::Linted(r) = o else { continue };
        artifacts.push(json!({
            "location": {"uri": uri(&r.path)},
            "encoding": r.encoding.name(),
        }));
        for d in &r.diagnostics {
            let rg = range(r, d);
            // The registry is in RuleId order.
            let index = d.rule as usize;
            let mut message = d.message.clone();
            if let Some(s) = &d.suggestion {
                message.push_str(" — ");
                message.push_str(s);
            }
            results.push(json!({
                "ruleId": d.rule,
                "ruleIndex": index,
                "level": sarif_level(d.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&r.path)},
                        "region": {
                            "startLine": rg.line,
                            "startColumn": rg.column,
                            "endLine": rg.end_line,
                            "endColumn": rg.end_column,
                            "byteOffset": d.span.start,
                            "byteLength": d.span.len(),
                        }
                    }
                }],
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "answerlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/answerlint",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// A relative URI reference for a path: forward slashes, percent-encoded where needed.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p);
    let mut out = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// GitHub Actions workflow commands: `::error file=..,line=..,col=..::message`.
pub fn github(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        let Outcome::Linted(r) = o else { continue };
        for d in &r.diagnostics {
            let rg = range(r, d);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let _ = writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&r.path),
                rg.line,
                rg.column,
                rg.end_line,
                rg.end_column,
                escape_property(&format!("answerlint ({})", d.rule)),
                escape_data(&format!("{} [{}]", d.message, d.rule))
            );
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// 1-based column of a byte offset counted in UTF-8 bytes from the start of its line, as
/// reviewdog's format wants (你好 is 6 bytes).
fn byte_column(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    offset - line_start + 1
}

/// reviewdog's Diagnostic Format as one JSON document (`DiagnosticResult`): message,
/// location (path, range with 1-based lines and UTF-8 byte columns), severity, code.
pub fn rdjson(outcomes: &[Outcome]) -> String {
    let mut diagnostics = Vec::new();
    for o in outcomes {
        let Outcome::Linted(r) = o else { continue };
        for d in &r.diagnostics {
            let rg = range(r, d);
            let severity = match d.severity {
                Severity::Error => "ERROR",
                Severity::Warning => "WARNING",
                Severity::Info => "INFO",
            };
            let mut message = d.message.clone();
            if let Some(s) = &d.suggestion {
                message.push_str(" — ");
                message.push_str(s);
            }
            diagnostics.push(json!({
                "message": message,
                "location": {
                    "path": r.path,
                    "range": {
                        "start": {"line": rg.line, "column": byte_column(&r.text, d.span.start)},
                        "end": {"line": rg.end_line, "column": byte_column(&r.text, d.span.end)},
                    },
                },
                "severity": severity,
                "code": {"value": d.rule},
            }));
        }
    }
    let doc = json!({
        "source": {"name": "answerlint", "url": "https://crates.io/crates/answerlint"},
        "diagnostics": diagnostics,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// GitLab Code Quality report: a JSON array of issues with description, check_name,
/// fingerprint, severity (info, minor, major) and location (path, begin line).
///
/// The fingerprint is the SHA-256 of the path, the rule, the flagged text and how many
/// times the same rule flagged the same text earlier in the file, so that an issue keeps
/// its fingerprint when lines above it move, and two identical findings differ.
pub fn gitlab(outcomes: &[Outcome]) -> String {
    let mut issues = Vec::new();
    for o in outcomes {
        let Outcome::Linted(r) = o else { continue };
        let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for d in &r.diagnostics {
            let rg = range(r, d);
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            };
            let flagged = flagged_text(r, d.span);
            let n = seen.entry((d.rule.as_str(), flagged)).or_default();
            let fingerprint = fingerprint(&r.path, d.rule.as_str(), flagged, *n);
            *n += 1;
            let mut description = format!("[{}] {}", d.rule, d.message);
            if let Some(s) = &d.suggestion {
                description.push_str(" — ");
                description.push_str(s);
            }
            issues.push(json!({
                "type": "issue",
                "description": description,
                "check_name": d.rule,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {
                    "path": r.path.strip_prefix("./").unwrap_or(&r.path),
                    "lines": {"begin": rg.line, "end": rg.end_line},
                },
            }));
        }
    }
    let mut s = serde_json::to_string_pretty(&Value::Array(issues)).unwrap_or_default();
    s.push('\n');
    s
}

fn flagged_text(r: &FileReport, span: crate::Span) -> &str {
    r.text.get(span.start..span.end).unwrap_or("")
}

fn fingerprint(path: &str, rule: &str, text: &str, n: usize) -> String {
    let mut h = Sha256::new();
    for part in [path, rule, text, &n.to_string()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_columns_count_utf8_bytes() {
        let text = "ab\n你好x";
        assert_eq!(byte_column(text, 0), 1);
        assert_eq!(byte_column(text, 3), 1);
        // x comes after two three-byte characters.
        assert_eq!(byte_column(text, 9), 7);
    }

    #[test]
    fn fingerprints_differ_by_occurrence() {
        let a = fingerprint("a.md", "vague-commitment", "尽力", 0);
        assert_eq!(a.len(), 64);
        assert_ne!(a, fingerprint("a.md", "vague-commitment", "尽力", 1));
        assert_ne!(a, fingerprint("b.md", "vague-commitment", "尽力", 0));
        assert_eq!(a, fingerprint("a.md", "vague-commitment", "尽力", 0));
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(uri("./dir/答案 1.md"), "dir/%E7%AD%94%E6%A1%88%201.md");
    }
}
