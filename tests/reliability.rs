//! The second reliability pass (issue 16): a user's bytes are never lost or changed
//! outside the edits, and nothing is reported as passed that was not checked.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("answerlint").unwrap();
    c.env("NO_COLOR", "1").env("ANSWERLINT_NO_MODEL", "1");
    c
}

/// Has an unsafe fix (a figure without a source) in a sentence that starts with CJK.
const FIXABLE: &str = "## 第一题\n\n我们的复购率35%。\n";
const FIXED: &str = "## 第一题\n\n我们的复购率35%（来源：【待补充：报表或截图】）。\n";

#[cfg(unix)]
#[test]
fn fix_writes_through_symlinks_and_refuses_hard_links_and_read_only_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.md");
    let link = dir.path().join("link.md");
    fs::write(&real, FIXABLE).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    cmd()
        .args(["fix", "--unsafe-fixes"])
        .arg(&link)
        .assert()
        .code(1);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(&real).unwrap(), FIXED);

    let a = dir.path().join("a.md");
    let b = dir.path().join("b.md");
    fs::write(&a, FIXABLE).unwrap();
    fs::hard_link(&a, &b).unwrap();
    cmd()
        .args(["fix", "--unsafe-fixes"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a.md").and(predicate::str::contains("hard links")));
    assert_eq!(fs::read_to_string(&b).unwrap(), FIXABLE);
    fs::remove_file(&b).unwrap();

    fs::set_permissions(&a, fs::Permissions::from_mode(0o444)).unwrap();
    cmd()
        .args(["fix", "--unsafe-fixes"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a.md").and(predicate::str::contains("read-only")));
    assert_eq!(fs::read_to_string(&a).unwrap(), FIXABLE);
    cmd()
        .args(["fix", "--unsafe-fixes", "--force"])
        .arg(&a)
        .assert()
        .code(1);
    assert_eq!(fs::read_to_string(&a).unwrap(), FIXED);
}

#[test]
fn fix_on_stdin_always_prints_the_text() {
    // Binary input: the bytes come back unchanged, the reason on stderr, exit 2.
    let binary = b"\x00\x01binary\xff\x00 text".to_vec();
    let out = cmd()
        .args(["check", "-", "--fix"])
        .write_stdin(binary.clone())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-: binary"))
        .get_output()
        .clone();
    assert_eq!(out.stdout, binary);
    // Undecodable input too.
    let bad = b"\xc3\x28 not utf-8 \xff\xfe\xfd".to_vec();
    let out = cmd()
        .args(["fix", "-"])
        .write_stdin(bad.clone())
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(out.stdout, bad);
    // GBK in, GBK out: the fix applied, the other bytes (a full-width space A3A0,
    // which decodes to U+3000 and would encode as A1A1) unchanged.
    let mut gbk = encoding_rs::GBK
        .encode("## 第一题\n\n我们的复购率35%。")
        .0
        .to_vec();
    gbk.extend_from_slice(&[0xA3, 0xA0]);
    gbk.extend_from_slice(&encoding_rs::GBK.encode("其他内容不变\n").0);
    let out = cmd()
        .args(["fix", "--unsafe-fixes", "-"])
        .write_stdin(gbk.clone())
        .assert()
        .get_output()
        .clone();
    let want_start = encoding_rs::GBK
        .encode("## 第一题\n\n我们的复购率35%（来源：【待补充：报表或截图】）。")
        .0
        .to_vec();
    assert!(out.stdout.starts_with(&want_start), "{:?}", out.stdout);
    assert!(out.stdout.ends_with(&gbk[gbk.len() - 15..]));
    assert_eq!(
        &out.stdout[want_start.len()..want_start.len() + 2],
        &[0xA3, 0xA0]
    );
}

#[test]
fn gbk_file_fix_keeps_untouched_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.md");
    let mut gbk = encoding_rs::GBK
        .encode("## 第一题\n\n我们的复购率35%。")
        .0
        .to_vec();
    let tail_at = gbk.len();
    gbk.extend_from_slice(&[0xA3, 0xA0, 0x80]);
    gbk.extend_from_slice(&encoding_rs::GBK.encode("其他内容\n").0);
    fs::write(&f, &gbk).unwrap();
    cmd()
        .args(["fix", "--unsafe-fixes"])
        .arg(&f)
        .assert()
        .code(1);
    let now = fs::read(&f).unwrap();
    assert_ne!(now, gbk, "the fix was not applied");
    assert_eq!(&now[now.len() - (gbk.len() - tail_at)..], &gbk[tail_at..]);
}

fn cache_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.join(".answerlint_cache")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != ".gitignore" {
                out.push(p);
            }
        }
    }
    out
}

/// Rewrites every cache entry with `f`.
fn alter_entries(root: &Path, f: impl Fn(&mut Value)) {
    let entries = cache_files(root);
    assert!(!entries.is_empty());
    for p in entries {
        let mut v: Value = serde_json::from_slice(&fs::read(&p).unwrap()).unwrap();
        f(&mut v);
        fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
    }
}

fn set_contents(v: &mut Value, to: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "content" {
                    *x = Value::String(to.into());
                } else {
                    set_contents(x, to);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| set_contents(x, to)),
        _ => {}
    }
}

#[test]
fn altered_cache_entries_are_never_applied_and_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("scripts");
    fs::create_dir(&d).unwrap();
    fs::write(d.join("a.md"), FIXABLE).unwrap();
    let check = || {
        cmd()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "scripts"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    let first = check();
    // Arbitrary text in every edit: `fix` computes its fixes again.
    alter_entries(dir.path(), |v| set_contents(v, "EVIL"));
    cmd()
        .current_dir(dir.path())
        .args(["fix", "--unsafe-fixes", "scripts"])
        .assert()
        .code(1);
    assert_eq!(fs::read_to_string(d.join("a.md")).unwrap(), FIXED);
    // A span inside a character: a miss, linted again, same output as without cache.
    fs::write(d.join("a.md"), FIXABLE).unwrap();
    check();
    alter_entries(dir.path(), |v| {
        v["diagnostics"][0]["span"]["start"] = 4.into();
        v["diagnostics"][0]["span"]["end"] = 5.into();
    });
    assert_eq!(check(), first);
    assert_eq!(check(), first);
}

#[test]
fn report_refuses_to_overwrite_an_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), FIXABLE).unwrap();
    fs::write(dir.path().join("b.md"), FIXABLE).unwrap();
    cmd()
        .args(["report", "--no-cache"])
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("b.md"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("b.md").and(predicate::str::contains("input")));
    assert_eq!(
        fs::read_to_string(dir.path().join("b.md")).unwrap(),
        FIXABLE
    );
}

#[test]
fn nothing_checked_is_never_reported_as_passed() {
    let dir = tempfile::tempdir().unwrap();
    // A path that does not exist: exit 2, named, no "passed" line.
    cmd()
        .current_dir(dir.path())
        .args(["check", "nosuch.md"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("passed").not())
        .stderr(predicate::str::contains("nosuch.md"));
    // A folder without answer files.
    fs::write(dir.path().join("notes.bin"), b"x").unwrap();
    cmd()
        .args(["check", "--no-cache"])
        .arg(dir.path())
        .assert()
        .stdout(predicate::str::contains("passed").not())
        .stderr(predicate::str::contains("no answer files found in"));
    // Closed or empty stdin.
    cmd()
        .args(["check", "-"])
        .write_stdin("")
        .assert()
        .stdout(predicate::str::contains("passed").not())
        .stderr(predicate::str::contains("nothing read from stdin"));
    // UTF-16 without a BOM is read as text, not skipped as binary.
    let le: Vec<u8> = "## 第一题\n\n我们会尽力解决，一般3天左右发货。\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let f = dir.path().join("u16.md");
    fs::write(&f, &le).unwrap();
    cmd()
        .args(["check", "--format", "json"])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("utf-16le-nobom"));
}

const WEAK_ZH: &str = "## 第一题\n\n我们会尽力解决，一般3天左右发货。\n";

fn rules_of(out: &[u8]) -> Vec<String> {
    let v: Value = serde_json::from_slice(out).unwrap();
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn config_comes_from_the_files_real_directory() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path().join("here");
    let there = dir.path().join("there");
    fs::create_dir_all(&here).unwrap();
    fs::create_dir_all(&there).unwrap();
    fs::write(
        here.join("answerlint.toml"),
        "[rules]\nvague-commitment = \"off\"\n",
    )
    .unwrap();
    fs::write(there.join("a.md"), WEAK_ZH).unwrap();
    // From `here`, ../there/a.md has no configuration of its own: the defaults apply,
    // not `here`'s.
    let out = cmd()
        .current_dir(&here)
        .args(["check", "--format", "json", "../there/a.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(
        rules_of(&out).iter().any(|r| r == "vague-commitment"),
        "{:?}",
        rules_of(&out)
    );
}

#[test]
fn bad_globs_and_config_paths_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), WEAK_ZH).unwrap();
    fs::write(
        dir.path().join("answerlint.toml"),
        "[files]\nexclude = [\"a/**/[\"]\n",
    )
    .unwrap();
    cmd()
        .args(["check", "--no-cache"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("answerlint.toml")
                .and(predicate::str::contains("exclude"))
                .and(predicate::str::contains("a/**/[")),
        );
    // A directory, a dangling link and a link loop named answerlint.toml: errors, not
    // a silent fall-back to the parent's configuration.
    let sub = dir.path().join("sub");
    fs::create_dir_all(sub.join("answerlint.toml")).unwrap();
    fs::write(sub.join("b.md"), WEAK_ZH).unwrap();
    fs::write(dir.path().join("answerlint.toml"), "").unwrap();
    cmd()
        .args(["check", "--no-cache"])
        .arg(sub.join("b.md"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sub/answerlint.toml"));
    #[cfg(unix)]
    for target in ["nowhere.toml", "answerlint.toml"] {
        let d = dir.path().join(format!("link-{}", target.len()));
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("c.md"), WEAK_ZH).unwrap();
        std::os::unix::fs::symlink(d.join(target), d.join("answerlint.toml")).unwrap();
        cmd()
            .args(["check", "--no-cache"])
            .arg(d.join("c.md"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("answerlint.toml"));
    }
}

#[test]
fn many_findings_on_one_long_line_print_windows_not_the_line() {
    let line = "我们会尽力解决，".repeat(2000);
    let out = cmd()
        .args(["check", "-"])
        .write_stdin(format!("{line}\n"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let findings = String::from_utf8_lossy(&out).matches("-->").count();
    assert!(findings >= 1000, "{findings} findings");
    // Each finding shows a window of the line: output linear in the findings, not
    // findings x line length (which would be over 40 MB here).
    assert!(out.len() < findings * 2_000, "{} bytes", out.len());
}

#[cfg(unix)]
#[test]
fn control_characters_in_names_and_text_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let name = "x.md\nfake.md:1:1: error[forged] injected";
    fs::write(
        dir.path().join(name),
        "## 第一题\n\n\x1b[2J我们会尽力解决，一般3天左右发货。\n",
    )
    .unwrap();
    for format in ["concise", "human"] {
        let out = cmd()
            .current_dir(dir.path())
            .args([
                "check",
                "--no-cache",
                "--color",
                "never",
                "--format",
                format,
            ])
            .arg(name)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\x1b'), "{format}: {text}");
        assert!(
            !text.lines().any(|l| l.starts_with("fake.md")),
            "{format}: {text}"
        );
        assert!(text.contains("x.md\\nfake.md"), "{format}: {text}");
    }
}

#[test]
fn stdin_has_the_size_limit_and_fix_gives_it_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("answerlint.toml"),
        "[files]\nmax-size = 100\n",
    )
    .unwrap();
    let big = WEAK_ZH.repeat(20);
    cmd()
        .current_dir(dir.path())
        .args(["check", "-"])
        .write_stdin(big.clone())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("100-byte limit"));
    cmd()
        .current_dir(dir.path())
        .args(["check", "-", "--fix"])
        .write_stdin(big.clone())
        .assert()
        .code(2)
        .stdout(big);
}

#[test]
fn cr_only_line_endings_are_lines_and_survive_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mac.md");
    let cr = FIXABLE.replace('\n', "\r");
    fs::write(&f, &cr).unwrap();
    // The figure is on line 3, as in the LF file, not on line 1 of one long line.
    let out = cmd()
        .args(["check", "--format", "json"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: Value = serde_json::from_slice(&out).unwrap();
    let lines: Vec<u64> = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|&l| l == 3),
        "{lines:?}"
    );
    // Fixed in place, every line end is still a lone CR and nothing else moved.
    cmd()
        .args(["fix", "--unsafe-fixes"])
        .arg(&f)
        .assert()
        .code(1);
    assert_eq!(
        fs::read(&f).unwrap(),
        FIXED.replace('\n', "\r").into_bytes()
    );
    // On stdin too.
    let out = cmd()
        .args(["check", "--fix", "--unsafe-fixes", "-"])
        .write_stdin(cr.clone())
        .output()
        .unwrap();
    assert_eq!(out.stdout, FIXED.replace('\n', "\r").into_bytes());
}
