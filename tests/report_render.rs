//! The HTML report in a real browser: headless Chromium loads a rendered report from disk,
//! runs its script and draws it. The DOM must hold every file row, both charts and the
//! highlights (and the script must have run: it sorts from `#sort=` and marks the page
//! ready); a screenshot must have the window's size and hold more than a blank page.
//!
//! Chromium is looked for in `ANSWERLINT_CHROMIUM`, then as `chromium`, `chromium-browser`
//! or `google-chrome` on PATH. Without one the tests pass with a note, except under CI
//! (`CI` set), where they fail: CI installs Chromium (.ci/run). Every browser run is killed
//! after 60 seconds. `ANSWERLINT_REPORT_KEEP=<dir>` keeps the page and its screenshot there.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use answerlint::report::{html, DiagSummary, FileSummary, Report, RuleInfo, SectionSummary};

const TIMEOUT: Duration = Duration::from_secs(60);
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 2000;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ANSWERLINT_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(
            is_executable(&p),
            "ANSWERLINT_CHROMIUM={} is not an executable file",
            p.display()
        );
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    let exe = if cfg!(windows) { ".exe" } else { "" };
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(format!("{name}{exe}"))))
        .find(|p| is_executable(p))
}

/// The browser, or `None` (after a note) when there is none outside CI.
fn chromium() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        assert!(
            !in_ci(),
            "no Chromium found (chromium, chromium-browser or google-chrome on PATH, or \
             ANSWERLINT_CHROMIUM): CI must install it to test the HTML report"
        );
        eprintln!(
            "note: no Chromium found (set ANSWERLINT_CHROMIUM or put chromium on PATH); \
             skipping the browser checks of the HTML report"
        );
    }
    found
}

/// A `file://` URL for an absolute path, percent-encoded.
fn file_url(p: &Path) -> String {
    let s = p.to_str().expect("UTF-8 temp path").replace('\\', "/");
    let mut url = String::from("file://");
    if !s.starts_with('/') {
        url.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Kills the browser and its helper processes (its own process group).
fn kill_all(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs headless Chromium with `args` (a fresh profile under `dir`), killed after
/// [`TIMEOUT`]; stdout and stderr go through files, so a large DOM cannot block a pipe.
fn run_chromium(bin: &Path, dir: &Path, tag: &str, args: &[String]) -> Run {
    let profile = dir.join(format!("profile-{tag}"));
    fs::create_dir_all(&profile).unwrap();
    let out_path = dir.join(format!("{tag}.stdout"));
    let err_path = dir.join(format!("{tag}.stderr"));
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .stdin(Stdio::null())
    .stdout(File::create(&out_path).unwrap())
    .stderr(File::create(&err_path).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            kill_all(&mut child);
            panic!(
                "{} {args:?} ran past {TIMEOUT:?} and was killed; stderr:\n{}",
                bin.display(),
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        status,
        stdout: String::from_utf8_lossy(&fs::read(&out_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&fs::read(&err_path).unwrap()).into_owned(),
    }
}

fn diag(
    rule: &str,
    severity: &str,
    line: usize,
    message: &str,
    line_text: &str,
    highlight: (usize, usize),
) -> DiagSummary {
    DiagSummary {
        rule: rule.into(),
        severity: severity.into(),
        line,
        column: highlight.0 + 1,
        message: message.into(),
        suggestion: Some("写明时限、负责人和可以核对的凭证".into()),
        line_text: line_text.into(),
        highlight,
    }
}

/// Eight files: Chinese and English answers across the score range, one that could not be
/// read, one without answer text; long lines and text that needs escaping.
fn sample() -> Report {
    let rules = [
        ("vague-commitment", "warning", "承诺缺少明确期限"),
        ("unsupported-figure", "error", "数字没有来源或凭证"),
        ("hedged-figure", "info", "数字前有“大约”一类的含糊词"),
        ("missing-tiers", "warning", "回答没有分层的处理步骤"),
        ("placeholder-left", "error", "模板占位符未填写"),
    ]
    .map(|(id, severity, summary)| RuleInfo {
        id: id.into(),
        severity: severity.into(),
        summary: summary.into(),
    })
    .to_vec();
    let dims = |a: f64, b: f64, c: f64, d: f64| {
        vec![
            ("供应链".to_string(), a, 25.0),
            ("运营".to_string(), b, 25.0),
            ("合规".to_string(), c, 25.0),
            ("品牌".to_string(), d, 25.0),
        ]
    };
    let long_line = "我们承诺在收到退货申请后尽快安排上门取件，".repeat(12)
        + "并且会在大约三天左右完成退款，具体时间视物流情况而定。";
    let mut files = Vec::new();
    let scored: [(&str, u32); 6] = [
        ("面试/第一轮/张三-售后问题.md", 23),
        ("面试/第一轮/李四-库存周转.md", 47),
        ("面试/第二轮/王五-品牌合规.md", 68),
        ("interviews/round-2/alex <draft> & notes.md", 81),
        ("interviews/round-2/blair.md", 95),
        ("面试/第二轮/赵六-完整示例.md", 100),
    ];
    for (i, (path, score)) in scored.into_iter().enumerate() {
        let weak = score < 70;
        let mut f = FileSummary {
            path: path.into(),
            score: Some(score),
            dimensions: dims(f64::from(score) / 4.0, f64::from(score) / 5.0, 20.0, 12.5),
            worst: vec![
                SectionSummary {
                    title: "客户投诉：发错货怎么处理".into(),
                    line: 5 + i,
                    kind: "quality-complaint".into(),
                    score: f64::from(score) / 25.0,
                },
                SectionSummary {
                    title: "核心优势 | 供应链稳定".into(),
                    line: 21 + i,
                    kind: "core-strength".into(),
                    score: f64::from(score) / 22.0,
                },
            ],
            ..Default::default()
        };
        if weak {
            f.diagnostics = vec![
                diag(
                    "vague-commitment",
                    "warning",
                    6,
                    "“尽快”没有给出具体时限",
                    &long_line,
                    (12, 14),
                ),
                diag(
                    "hedged-figure",
                    "info",
                    9,
                    "“大约三天左右”同时用了两个含糊词",
                    "退款会在大约三天左右到账。",
                    (6, 10),
                ),
                diag(
                    "unsupported-figure",
                    "error",
                    14,
                    "好评率 99% 没有给出数据来源",
                    "我们店铺的好评率达到99%，<b>行业领先</b>。",
                    (10, 13),
                ),
            ];
            f.counts.insert("vague-commitment".into(), 3 + i);
            f.counts.insert("hedged-figure".into(), 1);
            f.counts.insert("unsupported-figure".into(), 2);
            f.errors = 2;
            f.warnings = 3 + i;
            f.infos = 1;
        } else {
            f.diagnostics = vec![diag(
                "hedged-figure",
                "info",
                3,
                "The \"roughly\" before 48 hours weakens the promise",
                "We refund within roughly 48 hours, & confirm by email.",
                (17, 33),
            )];
            f.counts.insert("hedged-figure".into(), 1);
            f.infos = 1;
        }
        files.push(f);
    }
    files.push(FileSummary {
        path: "面试/损坏/乱码.txt".into(),
        error: Some("无法解码：第 12 字节不是合法的 UTF-8 <0xff>".into()),
        ..Default::default()
    });
    files.push(FileSummary {
        path: "面试/空白.md".into(),
        ..Default::default()
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Report {
        generated: "2025-06-30".into(),
        tool_version: "0.1.0".into(),
        files,
        rules,
    }
}

/// The `data-path` values of the file rows, in document order (still escaped).
fn row_paths(dom: &str) -> Vec<String> {
    dom.match_indices("<tr class=\"file\"")
        .map(|(i, _)| {
            let rest = &dom[i..];
            let start = rest.find("data-path=\"").unwrap() + "data-path=\"".len();
            let rest = &rest[start..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn escaped(s: &str) -> String {
    html::escape(s)
}

/// Paths sorted as the page sorts a numeric column: by `key` in `dir`, files without a
/// value last, ties in the default (worst-first) order.
fn expected_order(
    r: &Report,
    key: impl Fn(&FileSummary) -> Option<u32>,
    desc: bool,
) -> Vec<String> {
    let mut files: Vec<&FileSummary> = r.files.iter().collect();
    files.sort_by_key(|f| (f.score.is_none(), f.score));
    files.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) if desc => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (x, y) => x.is_none().cmp(&y.is_none()),
    });
    files.iter().map(|f| escaped(&f.path)).collect()
}

fn write_report(dir: &Path) -> (Report, PathBuf) {
    let r = sample();
    let path = dir.join("report.html");
    fs::write(&path, html::render(&r)).unwrap();
    (r, path)
}

#[test]
fn dom_holds_rows_charts_and_highlights() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (r, page) = write_report(dir.path());
    let run = run_chromium(
        &bin,
        dir.path(),
        "dom",
        &["--dump-dom".into(), file_url(&page)],
    );
    assert!(run.status.success(), "{:?}: {}", run.status, run.stderr);
    let dom = &run.stdout;
    assert!(
        dom.contains("data-ready=\"1\""),
        "the script did not run:\n{dom}"
    );
    assert_eq!(
        dom.matches("class=\"file\"").count(),
        r.files.len(),
        "{dom}"
    );
    assert!(dom.contains("<table id=\"files\">"));
    assert!(dom.contains("<svg id=\"score-histogram\""));
    assert!(dom.contains("<svg id=\"rule-chart\""));
    let highlights: usize = r.files.iter().map(|f| f.diagnostics.len()).sum();
    assert_eq!(dom.matches("<mark>").count(), highlights);
    assert!(dom.contains("<mark>尽快</mark>"));
    assert!(dom.contains("大约<mark>三天左右</mark>到账"));
    assert!(dom.contains("好评率达到<mark>99%</mark>"));
    assert!(dom.contains("within <mark>roughly 48 hours</mark>, &amp; confirm"));
    // Data stays text: no element from the answers made it into the DOM.
    assert!(!dom.contains("<b>行业领先"));
    assert!(dom.contains("&lt;b&gt;行业领先&lt;/b&gt;"));
    assert!(dom.contains("alex &lt;draft&gt; &amp; notes.md"));
    // Worst score first, unscored last.
    assert_eq!(row_paths(dom), expected_order(&r, |f| f.score, false));
    assert!(dom.contains(
        "data-key=\"score\" data-type=\"num\" data-first=\"asc\" aria-sort=\"ascending\""
    ));
}

#[test]
fn script_sorts_from_the_url() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (r, page) = write_report(dir.path());
    for (tag, hash, key, desc) in [
        ("score-desc", "#sort=score:desc", "score", true),
        ("warnings-desc", "#sort=warnings:desc", "warnings", true),
    ] {
        let url = format!("{}{hash}", file_url(&page));
        let run = run_chromium(&bin, dir.path(), tag, &["--dump-dom".into(), url]);
        assert!(run.status.success(), "{:?}: {}", run.status, run.stderr);
        let dom = &run.stdout;
        assert!(dom.contains("data-ready=\"1\""), "the script did not run");
        let expected = match key {
            "score" => expected_order(&r, |f| f.score, desc),
            _ => expected_order(&r, |f| Some(f.warnings as u32), desc),
        };
        assert_eq!(row_paths(dom), expected, "{hash}");
        assert!(
            dom.contains(&format!(
                "data-key=\"{key}\" data-type=\"num\" data-first=\"desc\" aria-sort=\"descending\""
            )) || dom.contains(&format!(
                "data-key=\"{key}\" data-type=\"num\" data-first=\"asc\" aria-sort=\"descending\""
            )),
            "{hash}: header not marked"
        );
        // Each file's detail row moved with it.
        assert_eq!(dom.matches("<tr class=\"detail\"").count(), r.files.len());
        let first = dom.find("<tr class=\"file\"").unwrap();
        let detail = dom[first..].find("<tr class=\"detail\"").unwrap();
        let next = dom[first + 1..].find("<tr class=\"file\"").unwrap() + 1;
        assert!(
            detail < next,
            "{hash}: detail row separated from its file row"
        );
    }
}

/// The PNG's width and height from its IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.len() > 24, "PNG too short: {} bytes", png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR", "first chunk is not IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&png[16..20]), be(&png[20..24]))
}

fn screenshot(bin: &Path, dir: &Path, tag: &str, page: &Path) -> Vec<u8> {
    let png = dir.join(format!("{tag}.png"));
    let run = run_chromium(
        bin,
        dir,
        tag,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={WIDTH},{HEIGHT}"),
            file_url(page),
        ],
    );
    assert!(run.status.success(), "{:?}: {}", run.status, run.stderr);
    assert!(
        png.is_file(),
        "no screenshot at {}: {}",
        png.display(),
        run.stderr
    );
    fs::read(&png).unwrap()
}

#[test]
fn screenshot_is_full_size_and_not_blank() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_, page) = write_report(dir.path());
    let blank_page = dir.path().join("blank.html");
    fs::write(
        &blank_page,
        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>blank</title><body></body></html>",
    )
    .unwrap();
    let report = screenshot(&bin, dir.path(), "report", &page);
    let blank = screenshot(&bin, dir.path(), "blank", &blank_page);
    // To look at the page and its screenshot: ANSWERLINT_REPORT_KEEP=<existing dir>.
    if let Some(keep) = std::env::var_os("ANSWERLINT_REPORT_KEEP") {
        let keep = PathBuf::from(keep);
        fs::copy(&page, keep.join("report.html")).unwrap();
        fs::write(keep.join("report.png"), &report).unwrap();
    }
    assert_eq!(png_size(&report), (WIDTH, HEIGHT));
    assert_eq!(png_size(&blank), (WIDTH, HEIGHT));
    eprintln!(
        "report screenshot {} bytes, blank page {} bytes",
        report.len(),
        blank.len()
    );
    assert!(
        report.len() > 20_000 && report.len() > 2 * blank.len(),
        "the report's screenshot ({} bytes) is not much larger than a blank page's ({} bytes)",
        report.len(),
        blank.len()
    );
}

#[test]
fn file_urls_are_percent_encoded() {
    assert_eq!(
        file_url(Path::new("/tmp/a b/报告.html")),
        "file:///tmp/a%20b/%E6%8A%A5%E5%91%8A.html"
    );
}
