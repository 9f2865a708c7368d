//! Machine-readable formats: concise lines, JSON, SARIF 2.1.0, GitHub annotations.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};

use super::range;
use crate::engine::Outcome;
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
                files.push(json!({
                    "path": r.path,
                    "encoding": r.encoding.name(),
                    "diagnostics": diags,
                    "score": r.score,
                }));
            }
            Outcome::Skipped { path, reason } => {
                skipped.push(json!({"path": path, "reason": reason}))
            }
            Outcome::Error { path, message } => {
                errors.push(json!({"path": path, "message": message}))
            }
        }
    }
    let doc = json!({
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(uri("./dir/答案 1.md"), "dir/%E7%AD%94%E6%A1%88%201.md");
    }
}
