//! Answer-structure fixtures: each file in tests/fixtures/structure/ starts with a line
//! `<!-- expect: RULE, ...; absent: RULE, ... -->` (or `# expect: ...` in .txt files)
//! naming the structure rules that must fire in it and those that must not. Also: the
//! readiness score orders strong, mixed and weak scripts.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use answerlint::engine::{Outcome, Settings};
use answerlint::Linter;

const STRUCTURE_RULES: &[&str] = &[
    "missing-tiers",
    "missing-tier-proof",
    "missing-anchor",
    "unverifiable-plan",
    "missing-dimension",
];

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/structure")
        .expect("fixture directory")
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn rule_list(s: &str) -> BTreeSet<String> {
    s.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            assert!(
                STRUCTURE_RULES.contains(&r),
                "unknown rule in expectation: {r}"
            );
            r.to_string()
        })
        .collect()
}

/// (expected, absent) from the first line.
fn expectation(path: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let first = text.lines().next().unwrap_or_default();
    let body = first
        .trim()
        .trim_start_matches("<!--")
        .trim_start_matches('#')
        .trim_end_matches("-->")
        .trim();
    let body = body
        .strip_prefix("expect:")
        .unwrap_or_else(|| panic!("{}: first line is not an expectation", path.display()));
    let (expect, absent) = body.split_once("; absent:").unwrap_or((body, ""));
    (rule_list(expect), rule_list(absent))
}

fn lint(path: &Path) -> answerlint::engine::FileReport {
    let mut linter = Linter::new(Settings::default()).unwrap();
    match linter.lint_path(path, true) {
        Outcome::Linted(r) => r,
        other => panic!("{}: not linted: {other:?}", path.display()),
    }
}

#[test]
fn structure_fixtures_meet_their_expectations() {
    let files = fixtures();
    assert!(files.len() >= 20, "only {} fixtures", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let (expect, absent) = expectation(path);
        let r = lint(path);
        let fired: BTreeSet<String> = r.diagnostics.iter().map(|d| d.rule.to_string()).collect();
        for e in &expect {
            if !fired.contains(e) {
                failures.push(format!("{}: expected {e}, not found", path.display()));
            }
        }
        for a in &absent {
            for d in r.diagnostics.iter().filter(|d| d.rule == *a) {
                failures.push(format!(
                    "{}: {a} fired: {} ({:?})",
                    path.display(),
                    d.message,
                    d.span.slice(&r.text)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn readiness_orders_strong_mixed_weak() {
    for lang in ["zh", "en"] {
        let total = |kind: &str| {
            let p = PathBuf::from(format!("tests/fixtures/structure/{kind}.{lang}.md"));
            lint(&p).score.expect("a score").total
        };
        let (strong, mixed, weak) = (total("strong"), total("mixed"), total("weak"));
        assert!(
            strong >= mixed + 10.0 && mixed >= weak + 10.0,
            "{lang}: strong {strong}, mixed {mixed}, weak {weak}"
        );
    }
}

#[test]
fn sections_carry_types_lines_and_sub_scores() {
    let r = lint(Path::new("tests/fixtures/structure/strong.zh.md"));
    let s = r.score.expect("a score");
    let types: BTreeSet<&str> = s.sections.iter().map(|x| x.kind.id()).collect();
    for t in ["core-strength", "logistics-delay", "quality-complaint"] {
        assert!(types.contains(t), "{t} missing from {types:?}");
    }
    for sec in &s.sections {
        assert!((0.0..=5.0).contains(&sec.score));
        let line = r.text.lines().nth(sec.line - 1).unwrap();
        assert!(line.contains(&sec.title), "line {} is {line:?}", sec.line);
    }
    let sum = s.dimensions.supply_chain
        + s.dimensions.operations
        + s.dimensions.compliance
        + s.dimensions.brand;
    let total = 100.0 * sum / s.covered_weight;
    assert!((total - s.total).abs() <= 1.0, "{total} vs {}", s.total);
}

/// A script that answers two dimensions well: the other two are "not covered" (listed,
/// worth nothing, out of the total), not a failing grade; missing-dimension says so once.
#[test]
fn dimensions_not_covered_are_apart_from_weak_ones() {
    let text = "## 请介绍你们的供应链。\n\n自有工厂月产能3万件（验厂报告BV-2025-0311），SKU数量126个（ERP导出，附件1），主要OEM客户为两家欧洲家居品牌（合同编号HT-2024-017）。\n\n## 买家投诉收纳箱开裂怎么办？\n\n1. 2小时内客服致歉并登记工单，工单号发给买家。\n2. 24小时内从海外仓补发，运单号同步到工单。\n3. 7天内对同批次抽检，出具质检报告（QC-0917）。\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.md");
    std::fs::write(&path, text).unwrap();
    let r = lint(&path);
    let s = r.score.expect("a score");
    assert_eq!(s.not_covered, vec!["compliance", "brand"]);
    assert_eq!(s.covered_weight, 65.0);
    assert_eq!(s.dimensions.compliance, 0.0);
    assert!(s.total >= 70.0, "two strong answers scored {}", s.total);
    let md: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule.as_str() == "missing-dimension")
        .collect();
    assert_eq!(md.len(), 1, "{md:?}");
    assert!(md[0].message.contains("合规风控") && md[0].message.contains("品牌与知识产权"));
    // The same script with a weak compliance answer: covered now, and it lowers the total.
    let weak = format!("{text}\n## 合规方面做得怎么样？\n\n我们非常重视合规，请放心。\n");
    let path = dir.path().join("three.md");
    std::fs::write(&path, weak).unwrap();
    let s3 = lint(&path).score.expect("a score");
    assert_eq!(s3.not_covered, vec!["brand"]);
    assert!(s3.total < s.total, "{} vs {}", s3.total, s.total);
}

/// "TRAILPEAK trademark is registered in the US" names the registered-trademark item.
#[test]
fn key_items_are_seen_in_other_word_orders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("brand.md");
    std::fs::write(
        &path,
        "## Tell us about your brand.\n\nThe TRAILPEAK trademark is registered in the US (reg. no. 7102334).\n\n## How do you ship?\n\nBy sea to our Texas warehouse.\n",
    )
    .unwrap();
    let r = lint(&path);
    let md: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule.as_str() == "missing-dimension")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(md.len(), 1);
    assert!(!md[0].contains("registered trademark"), "{}", md[0]);
    assert!(md[0].contains("brand website"), "{}", md[0]);
}
