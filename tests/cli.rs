//! The binary, end to end: inputs, exit codes, formats, configuration, bad input.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("answerlint").unwrap();
    // These tests pin the lexicon and pattern rules; tests/model.rs covers the model.
    c.env("NO_COLOR", "1").env("ANSWERLINT_NO_MODEL", "1");
    c
}

const WEAK_ZH: &str = "## 第一题\n\n我们会尽力解决，一般3天左右发货。\n";
const STRONG_ZH: &str = "## 第一题\n\n我们在24小时内补发，运单号同步到订单后台。\n";

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("valid JSON")
}

/// Runs a prepared command on `stdin`, checks its exit code, and parses its JSON output.
fn check_json(c: &mut Command, stdin: &str, code: i32) -> Value {
    json_of(&c.write_stdin(stdin).assert().code(code).get_output().stdout)
}

#[test]
fn stdin_with_filename_and_exit_codes() {
    let v = check_json(
        cmd().args([
            "check",
            "-",
            "--stdin-filename",
            "answer.md",
            "--format",
            "json",
        ]),
        WEAK_ZH,
        1,
    );
    assert_eq!(v["version"], 1);
    assert_eq!(v["files"][0]["path"], "answer.md");
    let rules: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"vague-commitment"), "{rules:?}");
    assert!(rules.contains(&"hedged-figure"), "{rules:?}");

    cmd()
        .args(["check", "--stdin"])
        .write_stdin(STRONG_ZH)
        .assert()
        .code(0);
    cmd()
        .args(["check", "-", "--exit-zero"])
        .write_stdin(WEAK_ZH)
        .assert()
        .code(0);
    // Only a warning left when errors are the fail level: exit 0.
    cmd()
        .args([
            "check",
            "-",
            "--fail-on",
            "error",
            "--ignore",
            "vague-commitment",
        ])
        .write_stdin(WEAK_ZH)
        .assert()
        .code(0);
}

#[test]
fn json_positions_are_characters_and_bytes() {
    let text = "😀 我们会尽力。\r\n第二行：尽快处理。\r\n";
    let v = check_json(
        cmd().args([
            "check",
            "-",
            "--format",
            "json",
            "--select",
            "vague-commitment",
        ]),
        text,
        1,
    );
    let d = &v["files"][0]["diagnostics"];
    assert_eq!(d[0]["line"], 1);
    assert_eq!(d[0]["column"], 6); // 😀, space, 我, 们, 会, then 尽
    let start = d[0]["start"].as_u64().unwrap() as usize;
    let end = d[0]["end"].as_u64().unwrap() as usize;
    assert_eq!(&text[start..end], "尽力");
    assert_eq!(d[1]["line"], 2);
    assert_eq!(d[1]["column"], 5);
    assert_eq!(v["summary"]["diagnostics"], 2);
    assert_eq!(v["summary"]["by_rule"]["vague-commitment"], 2);
}

#[test]
fn every_format_renders() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.md");
    fs::write(&f, WEAK_ZH).unwrap();
    let run = |format: &str| {
        let o = cmd()
            .args(["check", "--format", format])
            .arg(&f)
            .assert()
            .code(1)
            .get_output()
            .clone();
        String::from_utf8(o.stdout).unwrap()
    };
    let human = run("human");
    assert!(human.contains("error[vague-commitment]"), "{human}");
    assert!(human.contains("a.md:3:4"), "{human}");
    assert!(human.contains("^^^^"), "{human}");
    assert!(
        human.contains("Found 2 problems (1 error, 1 warning)"),
        "{human}"
    );
    assert!(!human.contains("\x1b["), "no colour without a terminal");
    let concise = run("concise");
    assert!(concise.lines().any(|l| l.ends_with("a.md:3:4: error[vague-commitment] 「尽力」承诺的是努力而不是结果：写明时限、动作和凭证") || l.contains(":3:4: error[vague-commitment]")), "{concise}");
    let gh = run("github");
    assert!(gh.starts_with("::error file="), "{gh}");
    assert!(gh.contains(",line=3,col=4,"), "{gh}");
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_input_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (gbk, _, _) = encoding_rs::GBK.encode("我们会尽力解决。\r\n");
    fs::write(p.join("gbk.txt"), &gbk).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "We'll do our best.\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    fs::write(p.join("utf16.md"), &utf16).unwrap();
    fs::write(p.join("binary.md"), b"PK\x03\x04\x00\x00binary").unwrap();
    fs::write(
        p.join("latin1.md"),
        b"caf\xE9 au lait, we will try our best\n",
    )
    .unwrap();
    fs::write(p.join("empty.md"), b"").unwrap();
    let out = cmd()
        .args(["check", "--format", "json"])
        .arg(p)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let v = json_of(&out.stdout);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let files = v["files"].as_array().unwrap();
    let enc = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .map(|f| f["encoding"].as_str().unwrap().to_string())
    };
    assert_eq!(enc("gbk.txt").as_deref(), Some("gb18030"));
    assert_eq!(enc("utf16.md").as_deref(), Some("utf-16le"));
    assert_eq!(enc("empty.md").as_deref(), Some("utf-8"));
    assert_eq!(enc("binary.md"), None);
    // The GBK and UTF-16 files were linted.
    let diags = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()["diagnostics"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(diags("gbk.txt") >= 1);
    assert!(diags("utf16.md") >= 1);
    assert!(stderr.contains("binary.md: binary file"), "{stderr}");
    assert!(
        stderr.contains("latin1.md: cannot decode byte at offset 3"),
        "{stderr}"
    );
    assert!(v["errors"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("latin1.md"));
    // Human output names the encoding it assumed.
    cmd()
        .arg("check")
        .arg(p.join("gbk.txt"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("decoded as gb18030"));
}

#[test]
fn missing_path_is_an_io_error() {
    cmd()
        .args(["check", "no/such/file.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/file.md: no such file or directory",
        ));
}

#[test]
fn large_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.md");
    let para = "我们的月产能5万件，报关单见附件2。Our return rate is 1.2% (back-office screenshot, Appendix 3).\n\n";
    let text = para.repeat(5 * 1024 * 1024 / para.len() + 1);
    assert!(text.len() >= 5 * 1024 * 1024);
    fs::write(&f, &text).unwrap();
    cmd()
        .arg("check")
        .arg(&f)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("All checks passed"));
}

#[test]
fn directories_honour_ignore_files_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("sub")).unwrap();
    fs::write(p.join("a.md"), WEAK_ZH).unwrap();
    fs::write(p.join("sub/b.txt"), WEAK_ZH).unwrap();
    fs::write(p.join("c.rs"), WEAK_ZH).unwrap();
    fs::write(p.join("skip.md"), WEAK_ZH).unwrap();
    fs::write(p.join(".answerlintignore"), "skip.md\n").unwrap();
    let v = check_json(cmd().args(["check", "--format", "json"]).arg(p), "", 1);
    let paths: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            Path::new(f["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(paths, vec!["a.md", "b.txt"]);
}

#[test]
fn config_levels_extras_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(
        p.join("answerlint.toml"),
        "[rules]\nhedged-figure = \"off\"\n\n[lexicon.zh.vague-commitment]\nadd = [\"包在我们身上\"]\n",
    )
    .unwrap();
    fs::write(p.join("a.md"), "这事包在我们身上。一般3天左右发货。\n").unwrap();
    let v = check_json(
        cmd()
            .args(["check", "--format", "json"])
            .arg(p.join("a.md")),
        "",
        1,
    );
    let rules: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    // hedged-figure is off: the hedged deadline's missing source is unsupported-figure's.
    assert_eq!(rules, vec!["vague-commitment", "unsupported-figure"]);
    // --show-config prints the merged result.
    cmd()
        .args(["check", "--show-config"])
        .arg(p.join("a.md"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("hedged-figure = \"off\"")
                .and(predicate::str::contains("vague-commitment = \"error\"")),
        );
    // An unknown key is an error that names it.
    fs::write(p.join("answerlint.toml"), "[rulez]\n").unwrap();
    cmd()
        .arg("check")
        .arg(p.join("a.md"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rulez").and(predicate::str::contains("answerlint.toml")));
    // --select with an unknown rule is a usage error.
    cmd()
        .args(["check", "--select", "nope", "-"])
        .write_stdin("")
        .assert()
        .code(2);
}

#[test]
fn suppression_comments() {
    let text = "<!-- answerlint-disable-next-line vague-commitment -->\n我们会尽力解决。\n我们会尽力解决。\n";
    let v = check_json(cmd().args(["check", "-", "--format", "json"]), text, 1);
    let lines: Vec<u64> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3]);
}

#[test]
fn rules_and_explain() {
    let out = cmd()
        .arg("rules")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    for id in [
        "vague-commitment",
        "hedged-figure",
        "vague-quantity",
        "unverifiable-claim",
        "unsupported-figure",
        "unverifiable-plan",
        "missing-tiers",
        "missing-tier-proof",
        "missing-anchor",
        "missing-dimension",
    ] {
        assert!(s.contains(id), "{id} missing from {s}");
    }
    cmd()
        .args(["explain", "hedged-figure"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("## What it flags")
                .and(predicate::str::contains("尽量24小时内")),
        );
    cmd().args(["explain", "score"]).assert().code(0).stdout(
        predicate::str::contains("35 / 30 / 20 / 15")
            .and(predicate::str::contains("Section sub-score")),
    );
    cmd().args(["explain", "nope"]).assert().code(2);
}

#[test]
fn fix_diff_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.md");
    // GBK with CRLF line endings and no trailing newline.
    let utf8 = "## 第一题\r\n\r\n我们的退货率只有1.2%。\r\n其他内容不变";
    let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
    fs::write(&f, &gbk).unwrap();

    // --diff writes nothing and exits 1 when there is something to change.
    let out = cmd()
        .args(["check", "--diff", "--unsafe-fixes"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diff = String::from_utf8(out).unwrap();
    assert!(
        diff.contains("+我们的退货率只有1.2%（来源：【待补充：报表或截图】）。"),
        "{diff}"
    );
    assert_eq!(fs::read(&f).unwrap(), gbk.to_vec());

    // Safe fixes only: this fix is unsafe, so nothing changes.
    cmd().args(["check", "--fix"]).arg(&f).assert().code(1);
    assert_eq!(fs::read(&f).unwrap(), gbk.to_vec());

    // `fix --unsafe-fixes` writes GBK back, CRLF and all, and placeholder-left remains.
    let o = cmd()
        .args(["fix", "--unsafe-fixes", "--format", "json"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let want =
        "## 第一题\r\n\r\n我们的退货率只有1.2%（来源：【待补充：报表或截图】）。\r\n其他内容不变";
    assert_eq!(
        fs::read(&f).unwrap(),
        encoding_rs::GBK.encode(want).0.to_vec()
    );
    let v = json_of(&o.stdout);
    assert_eq!(v["files"][0]["encoding"], "gb18030");
    assert_eq!(v["files"][0]["diagnostics"][0]["rule"], "placeholder-left");
    assert!(String::from_utf8_lossy(&o.stderr).contains("fixed 1 problem in 1 file"));
    // A second run has nothing left to fix.
    cmd()
        .args(["check", "--diff", "--unsafe-fixes"])
        .arg(&f)
        .assert()
        .code(0)
        .stdout("");

    // stdin: the fixed text goes to stdout.
    cmd()
        .args(["check", "-", "--fix", "--unsafe-fixes"])
        .write_stdin("We ship 1,200 orders a day.\n")
        .assert()
        .code(1)
        .stdout("We ship 1,200 orders ([TODO: source]) a day.\n");
    // Safe fixes only: the text comes back unchanged, and --fail-on decides the exit code
    // from what remains (a warning).
    cmd()
        .args(["check", "-", "--fix", "--fail-on", "error"])
        .write_stdin("我们的复购率35%。\n")
        .assert()
        .code(0)
        .stdout("我们的复购率35%。\n");
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.md");
    fs::write(&f, "我们的复购率35%。\n").unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o640)).unwrap();
    cmd()
        .args(["fix", "--unsafe-fixes"])
        .arg(&f)
        .assert()
        .code(1);
    assert!(fs::read_to_string(&f).unwrap().contains("【待补充"));
    assert_eq!(
        fs::metadata(&f).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn rewrite_diff_in_place_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("q.txt");
    let original = fs::read("tests/fixtures/rewrite/crlf-gbk.zh.txt").unwrap();
    fs::write(&f, &original).unwrap();

    // --diff shows the three tiers and writes nothing.
    let out = cmd()
        .args(["rewrite", "--diff"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diff = String::from_utf8(out).unwrap();
    assert!(
        diff.contains("+- 第一级（24小时内）：给买家补发一个新杯子，凭证：【待补充：凭证】"),
        "{diff}"
    );
    assert_eq!(fs::read(&f).unwrap(), original);

    // In place: GBK and CRLF kept, the rest of the file untouched, placeholders reported.
    let o = cmd()
        .args(["rewrite", "--format", "json"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let bytes = fs::read(&f).unwrap();
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(text.contains("\r\n- 第三级（【待补充：时限】内）：【待补充：根因分析与预防措施】"));
    assert!(text.ends_with("\r\n问：你们的退货率是多少？\r\n答：退货率大概2%左右。"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    let v = json_of(&o.stdout);
    let rules: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"placeholder-left"), "{rules:?}");
    assert!(!rules.contains(&"missing-tiers"), "{rules:?}");
    // Rewriting again changes nothing.
    cmd()
        .args(["rewrite", "--diff"])
        .arg(&f)
        .assert()
        .code(0)
        .stdout("");

    // stdin: the rewritten text on stdout; `check --template three-tier` is the same.
    let input = "## 买家投诉杯子漏水怎么办？\n\n我们会在2小时内回复买家。\n";
    let a = cmd()
        .args(["rewrite", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let b = cmd()
        .args(["check", "-", "--template", "three-tier"])
        .write_stdin(input)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(a, b);
    let a = String::from_utf8(a).unwrap();
    assert!(
        a.starts_with("## 买家投诉杯子漏水怎么办？\n\n- 第一级（2小时内）：我们会回复买家，凭证：【待补充：凭证】\n- 第二级"),
        "{a}"
    );
    // No complaint question: nothing to rewrite, the text comes back as it was.
    cmd()
        .args(["rewrite", "-", "--exit-zero"])
        .write_stdin("## 你们的产能是多少？\n\n月产能5万件，见ERP导出。\n")
        .assert()
        .code(0)
        .stdout("## 你们的产能是多少？\n\n月产能5万件，见ERP导出。\n");
}

#[test]
fn bad_template_config_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("answerlint.toml"),
        "[template.three-tier.zh]\ntier = \"{label}：{deadline}\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.md"), "## 第一题\n\n内容。\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["rewrite", "a.md"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("[template.three-tier.zh]")
                .and(predicate::str::contains("{action}")),
        );
}

/// Files in the cache directory (entries, not the .gitignore).
fn cache_entries(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.join(".answerlint_cache")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != ".gitignore" {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn cache_reuses_unchanged_files_and_survives_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("scripts");
    fs::create_dir(&scripts).unwrap();
    fs::write(scripts.join("a.md"), WEAK_ZH).unwrap();
    fs::write(scripts.join("b.md"), STRONG_ZH).unwrap();
    let run = || {
        cmd()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "scripts"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    let first = run();
    assert_eq!(cache_entries(dir.path()), 2);
    assert!(
        fs::read_to_string(dir.path().join(".answerlint_cache/.gitignore"))
            .unwrap()
            .contains('*')
    );
    // Unchanged: same output, no new entry.
    assert_eq!(run(), first);
    assert_eq!(cache_entries(dir.path()), 2);
    // A changed file gets a new entry; the other is reused.
    fs::write(scripts.join("a.md"), format!("{WEAK_ZH}\n补充一句。\n")).unwrap();
    run();
    assert_eq!(cache_entries(dir.path()), 3);
    fs::write(scripts.join("a.md"), WEAK_ZH).unwrap();
    // Corrupt every entry: ignored, rebuilt, same output.
    let mut stack = vec![dir.path().join(".answerlint_cache")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != ".gitignore" {
                fs::write(&p, b"{not json").unwrap();
            }
        }
    }
    assert_eq!(run(), first);
    // A config change is a different key: the rule turned off is gone at once.
    fs::write(
        dir.path().join("answerlint.toml"),
        "[rules]\nvague-commitment = \"off\"\n",
    )
    .unwrap();
    let v = json_of(&run());
    let rules: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"vague-commitment"), "{rules:?}");
    // --no-cache, and single files by default, leave no cache behind.
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("a.md"), WEAK_ZH).unwrap();
    cmd()
        .current_dir(other.path())
        .args(["check", "--no-cache", "."])
        .assert()
        .code(1);
    cmd()
        .current_dir(other.path())
        .args(["check", "a.md"])
        .assert()
        .code(1);
    assert!(!other.path().join(".answerlint_cache").exists());
}

#[test]
fn jobs_do_not_change_the_output() {
    let run = |jobs: &str| {
        cmd()
            .args(["check", "--no-cache", "--format", "json", "--jobs", jobs])
            .args(["examples", "tests/fixtures"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
}

#[test]
fn report_writes_html_md_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("review.csv");
    let md = dir.path().join("review.md");
    let html = dir.path().join("review.html");
    for out in [&csv, &md, &html] {
        cmd()
            .args(["report", "--no-cache", "examples", "-o"])
            .arg(out)
            .assert()
            .code(0)
            .stderr(predicate::str::contains("wrote").and(predicate::str::contains("5 files")));
    }
    let csv = fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(rows.len(), 6, "{csv}");
    assert!(rows[0].starts_with("path,score,errors,warnings,infos,vague-commitment"));
    let score = |file: &str| -> u32 {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("examples/{file},")))
            .unwrap_or_else(|| panic!("{file} missing: {csv}"));
        row.split(',').nth(1).unwrap().parse().unwrap()
    };
    assert!(score("zh-weak.md") + 30 < score("zh-strong.md"), "{csv}");
    assert!(score("en-weak.md") + 30 < score("en-strong.md"), "{csv}");
    let md = fs::read_to_string(&md).unwrap();
    assert!(md.contains("examples/zh-weak.md") && md.contains('|'));
    let html = fs::read_to_string(&html).unwrap();
    assert_eq!(html.matches("class=\"file\"").count(), 5);
    // Self-contained: nothing fetched (the SVG namespace is a name, not a request).
    assert!(html.contains("<mark"));
    for fetch in ["src=\"http", "href=\"http", "<link", "@import", "url(http"] {
        assert!(!html.contains(fetch), "{fetch}");
    }

    // The format comes from the extension; an unknown one is a usage error.
    cmd()
        .args(["report", "examples", "-o"])
        .arg(dir.path().join("review.pdf"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".html, .md or .csv"));
    // An undecodable input is listed with its error; the report is still written (exit 2).
    let bad = dir.path().join("bad");
    fs::create_dir(&bad).unwrap();
    fs::write(bad.join("a.md"), WEAK_ZH).unwrap();
    fs::write(bad.join("b.md"), [0xff, 0xfe, 0x00, 0xd8, 0x41]).unwrap();
    let out = dir.path().join("bad.csv");
    cmd()
        .args(["report", "--no-cache"])
        .arg(&bad)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("b.md"));
    assert!(fs::read_to_string(&out).unwrap().contains("a.md"));
}

#[test]
fn oversized_files_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("answerlint.toml"),
        "[files]\nmax-size = 100\n",
    )
    .unwrap();
    fs::write(dir.path().join("small.md"), STRONG_ZH).unwrap();
    fs::write(dir.path().join("big.md"), WEAK_ZH.repeat(10)).unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["check", "--no-cache", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("big.md").and(predicate::str::contains("max-size")));
    // The default limit is 10 MB, shown in the merged configuration.
    cmd()
        .args(["check", "--show-config", "examples"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("max-size = 10485760"));
}

#[cfg(unix)]
#[test]
fn fifos_devices_odd_names_and_symlink_loops() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // A FIFO named like a script: skipped, never read (reading would block).
    let fifo = p.join("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Spaces, Chinese, and bytes that are not UTF-8 in names.
    fs::write(p.join("客户 答案 1.md"), WEAK_ZH).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"bad-\xff-name.md");
    fs::write(p.join(odd), WEAK_ZH).unwrap();
    // A symlink loop.
    std::os::unix::fs::symlink(p, p.join("loop")).unwrap();
    let out = cmd()
        .current_dir(p)
        .args(["check", "--no-cache", "--format", "concise", "."])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("客户 答案 1.md"), "{stdout}");
    assert!(stdout.contains("bad-\u{fffd}-name.md"), "{stdout}");
    assert!(!stdout.contains("pipe.md"));
    // Named explicitly, the FIFO and a device are skipped with a warning, not read.
    cmd()
        .current_dir(p)
        .args(["check", "--no-cache", "pipe.md", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("pipe.md: not a regular file")
                .and(predicate::str::contains("/dev/zero: not a regular file")),
        );
}

#[test]
fn vanished_and_unreadable_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), WEAK_ZH).unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["check", "--no-cache", "a.md", "gone.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("gone.md"));
}

/// `--device cuda` on a build without the `cuda` feature is the user's error: exit 2 with a
/// message naming the feature, before any file is read (no lexicon-only fall-back).
#[cfg(not(feature = "cuda"))]
#[test]
fn device_cuda_without_the_feature_is_a_usage_error() {
    for args in [
        vec!["check", "--device", "cuda", "-"],
        vec!["model", "bench", "--device", "cuda", "--texts", "-"],
    ] {
        let mut c = Command::cargo_bin("answerlint").unwrap();
        c.env("NO_COLOR", "1").env_remove("ANSWERLINT_NO_MODEL");
        c.args(&args)
            .write_stdin(WEAK_ZH)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("without the `cuda` feature"));
    }
    // Without the model the device does not matter.
    cmd()
        .args(["check", "--device", "cuda", "--no-model", "-"])
        .write_stdin(STRONG_ZH)
        .assert()
        .code(0);
}

#[test]
fn fix_says_what_it_applied_and_what_more_would_apply() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.md");
    let text = "## 买家投诉包裹破损，你怎么处理？\n\n我们会尽力解决，大概3天左右补发。\n";
    fs::write(&f, text).unwrap();
    // Safe fixes only: nothing changes, and the line says what --unsafe-fixes would do.
    let o = cmd().args(["fix"]).arg(&f).assert().get_output().clone();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("fixed 0 problems in 0 files"), "{err}");
    let more: usize = err
        .split("; ")
        .find(|p| p.contains("with --unsafe-fixes"))
        .and_then(|p| p.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert!(more >= 2, "{err}");
    assert_eq!(fs::read_to_string(&f).unwrap(), text);
    // With --unsafe-fixes they are applied, and the count says so.
    let o = cmd()
        .args(["fix", "--unsafe-fixes"])
        .arg(&f)
        .assert()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!err.contains("fixed 0 problems"), "{err}");
    assert!(!err.contains("--unsafe-fixes"), "{err}");
}

#[test]
fn fix_json_counts_fixes_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.md");
    let text = "## 买家投诉包裹破损，你怎么处理？\n\n我们会尽力解决，大概3天左右补发。\n";
    fs::write(&f, text).unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let o = cmd().args(args).arg(&f).assert().get_output().clone();
        serde_json::from_slice(&o.stdout).unwrap()
    };
    // Safe fixes only: nothing applied; per rule, what --unsafe-fixes and rewrite would do.
    let v = json(&["fix", "--format", "json"]);
    let sum = &v["summary"]["fixes"];
    assert_eq!(sum["applied"], serde_json::json!({}), "{v}");
    let unsafe_left = &sum["more_with_unsafe_fixes"];
    assert!(unsafe_left["vague-commitment"].as_u64() >= Some(1), "{v}");
    assert!(unsafe_left["hedged-figure"].as_u64() >= Some(1), "{v}");
    assert_eq!(sum["more_with_rewrite"]["missing-tiers"], 1, "{v}");
    assert_eq!(v["files"][0]["fixes"], *sum, "{v}");
    // The per-rule counts add up to the count line's.
    let total: u64 = unsafe_left
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    let o = cmd().args(["fix"]).arg(&f).assert().get_output().clone();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains(&format!("; {total} more fixes with --unsafe-fixes")),
        "{err}"
    );
    // With --unsafe-fixes: applied per rule, none left for --unsafe-fixes.
    let v = json(&["fix", "--unsafe-fixes", "--format", "json"]);
    let sum = &v["summary"]["fixes"];
    assert!(
        sum["applied"]["vague-commitment"].as_u64() >= Some(1),
        "{v}"
    );
    assert!(sum["applied"]["hedged-figure"].as_u64() >= Some(1), "{v}");
    assert_eq!(sum["more_with_unsafe_fixes"], serde_json::json!({}), "{v}");
    assert_ne!(fs::read_to_string(&f).unwrap(), text);
    // A plain check reports no fix counts.
    let v = json(&["check", "--format", "json"]);
    assert!(v["summary"].get("fixes").is_none(), "{v}");
    assert!(v["files"][0].get("fixes").is_none(), "{v}");
}

#[test]
fn quiet_prints_findings_only_and_misspelt_suppressions_warn() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.md");
    fs::write(
        &f,
        "## 退货率是多少？\n\n<!-- answerlint-disable vague-comitment -->\n我们会尽力解决。\n",
    )
    .unwrap();
    let o = cmd()
        .args(["check"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("a.md:3: unknown rule `vague-comitment`")
            && err.contains("nearest known rule: `vague-commitment`"),
        "{err}"
    );
    let loud = String::from_utf8_lossy(&o.stdout).into_owned();
    let o = cmd()
        .args(["check", "-q"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let quiet = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(quiet.contains("vague-commitment"), "{quiet}");
    assert!(
        loud.contains("readiness") && !quiet.contains("readiness"),
        "{loud}\n{quiet}"
    );
}
