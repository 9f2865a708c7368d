//! Output for review bots (reviewdog's rdjson, GitLab Code Quality), shell completions and
//! the man page, through the real binary.
//!
//! The two JSON formats are checked against the shape their specifications publish
//! (reviewdog's `proto/rdf` DiagnosticResult: message, location.path, location.range with
//! 1-based lines and UTF-8 byte columns, severity enum, code.value; GitLab's Code Quality
//! report: an array of issues with description, check_name, unique fingerprint, severity
//! enum and location.path/lines.begin), and against the JSON format's findings: the same
//! diagnostics, in the same order, at the same places.

use std::collections::HashSet;
use std::fs;

use assert_cmd::Command;
use serde_json::Value;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("answerlint").unwrap();
    c.env("NO_COLOR", "1").env("ANSWERLINT_NO_MODEL", "1");
    c
}

/// Two files: Chinese (three-byte characters before the findings) and English.
fn inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.md"),
        "## 第一题\n\n我们会尽力解决，一般3天左右发货。\n\n您放心，我们会尽力解决。\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("b.md"),
        "We'll do our best, and usually ship within around 3 days.\n",
    )
    .unwrap();
    dir
}

fn run(dir: &tempfile::TempDir, format: &str) -> Value {
    let out = cmd()
        .current_dir(dir.path())
        .args(["check", "--no-cache", "--format", format, "a.md", "b.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{format} is not JSON: {e}"))
}

/// (path, rule, line, byte column of the start) of every diagnostic in the JSON format,
/// the byte column computed here from the file's text and the character column.
fn expected(dir: &tempfile::TempDir) -> Vec<(String, String, u64, u64, u64)> {
    let v = run(dir, "json");
    let mut out = Vec::new();
    for f in v["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap().to_string();
        let text = fs::read_to_string(dir.path().join(&path)).unwrap();
        for d in f["diagnostics"].as_array().unwrap() {
            let line = d["line"].as_u64().unwrap();
            let col = d["column"].as_u64().unwrap() as usize;
            let l = text.lines().nth(line as usize - 1).unwrap();
            let bytes: usize = l.chars().take(col - 1).map(char::len_utf8).sum();
            out.push((
                path.clone(),
                d["rule"].as_str().unwrap().to_string(),
                line,
                bytes as u64 + 1,
                d["end_line"].as_u64().unwrap(),
            ));
        }
    }
    out
}

fn positive_int(v: &Value, what: &str) -> u64 {
    let n = v
        .as_u64()
        .unwrap_or_else(|| panic!("{what} is not an integer: {v}"));
    assert!(n >= 1, "{what} is 1-based: {v}");
    n
}

#[test]
fn rdjson_has_reviewdogs_shape_and_byte_columns() {
    let dir = inputs();
    let want = expected(&dir);
    assert!(want.len() >= 4, "{want:?}");
    let v = run(&dir, "rdjson");
    assert_eq!(v["source"]["name"], "answerlint");
    let diags = v["diagnostics"]
        .as_array()
        .expect("diagnostics is an array");
    assert_eq!(diags.len(), want.len());
    let mut wide = false;
    for (d, (path, rule, line, byte_col, end_line)) in diags.iter().zip(&want) {
        assert!(!d["message"].as_str().unwrap().is_empty());
        assert!(
            ["ERROR", "WARNING", "INFO"].contains(&d["severity"].as_str().unwrap()),
            "{d}"
        );
        assert_eq!(d["code"]["value"].as_str(), Some(rule.as_str()));
        assert_eq!(d["location"]["path"].as_str(), Some(path.as_str()));
        let r = &d["location"]["range"];
        assert_eq!(positive_int(&r["start"]["line"], "start.line"), *line);
        assert_eq!(
            positive_int(&r["start"]["column"], "start.column"),
            *byte_col
        );
        assert_eq!(positive_int(&r["end"]["line"], "end.line"), *end_line);
        let end_col = positive_int(&r["end"]["column"], "end.column");
        if *end_line == *line {
            assert!(end_col > *byte_col, "{d}");
        }
        wide |= path == "a.md" && *byte_col > 1;
    }
    assert!(wide, "a finding after Chinese text checks byte columns");
}

#[test]
fn gitlab_code_quality_has_its_shape_and_unique_fingerprints() {
    let dir = inputs();
    let want = expected(&dir);
    let v = run(&dir, "gitlab");
    let issues = v.as_array().expect("a Code Quality report is an array");
    assert_eq!(issues.len(), want.len());
    let mut fingerprints = HashSet::new();
    for (i, (path, rule, line, _, _)) in issues.iter().zip(&want) {
        assert!(!i["description"].as_str().unwrap().is_empty(), "{i}");
        assert_eq!(i["check_name"].as_str(), Some(rule.as_str()));
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap()),
            "{i}"
        );
        let fp = i["fingerprint"].as_str().unwrap();
        assert!(
            fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit()),
            "{fp}"
        );
        assert!(
            fingerprints.insert(fp.to_string()),
            "duplicate fingerprint {fp}"
        );
        assert_eq!(i["location"]["path"].as_str(), Some(path.as_str()));
        assert_eq!(
            positive_int(&i["location"]["lines"]["begin"], "lines.begin"),
            *line
        );
    }
    // The same finding twice in a file (尽力解决 on two lines) keeps two fingerprints, and
    // a fingerprint survives lines inserted above it.
    let before: Vec<Value> = issues.clone();
    let a = dir.path().join("a.md");
    let text = fs::read_to_string(&a).unwrap();
    fs::write(&a, format!("前言。\n\n{text}")).unwrap();
    let after = run(&dir, "gitlab");
    let fps = |v: &[Value]| -> Vec<String> {
        v.iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(fps(&before), fps(after.as_array().unwrap()));
    assert_ne!(
        before[0]["location"]["lines"]["begin"],
        after[0]["location"]["lines"]["begin"]
    );
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef answerlint"),
        ("fish", "complete -c answerlint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = cmd()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains(marker), "{shell}: no {marker}");
        // Generated from the parser: subcommands and check's options are there.
        for word in ["check", "rewrite", "no-model", "stdin-filename"] {
            assert!(s.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script is valid bash.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("answerlint.bash");
    let out = cmd().args(["completions", "bash"]).output().unwrap();
    fs::write(&f, out.stdout).unwrap();
    if let Ok(st) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&f)
        .status()
    {
        assert!(st.success(), "bash -n rejects the completion script");
    }
    cmd()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("tcsh"));
}

#[test]
fn man_page_is_roff_for_every_command() {
    let out = cmd()
        .arg("manpage")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    assert!(
        s.starts_with(".ie \\n(.g .ds Aq") || s.contains("\n.TH "),
        "{s}"
    );
    assert!(s.contains(".TH answerlint"), "{s}");
    assert!(s.contains(".SH NAME") && s.contains(".SH SYNOPSIS"), "{s}");
    for sub in [
        "check",
        "fix",
        "rewrite",
        "report",
        "rules",
        "explain",
        "completions",
    ] {
        assert!(s.contains(sub), "man page lacks {sub}");
    }
    assert!(
        s.contains(env!("CARGO_PKG_VERSION")),
        "man page lacks the version"
    );
}
