//! `answerlint serve`: the real binary on a free port (`--port 0`, the address read from
//! its stderr), driven over HTTP/1.1 by a small client on std's TcpStream. Every endpoint,
//! the errors (bad JSON 400, oversized bodies 413, unknown rule 404, busy 503 never seen
//! here), 50 requests at once, and results equal to the CLI's for the same text.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_answerlint");

/// A server process, killed when dropped; its stderr is collected by a thread.
struct Server {
    child: Child,
    addr: String,
    /// What it printed up to the address line.
    startup: String,
    stderr: mpsc::Receiver<String>,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = String::new();
        let addr = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("the server never said where it listens:\n{seen}"));
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        Server {
            child,
            addr,
            startup: seen,
            stderr: rx,
        }
    }

    fn no_model() -> Server {
        Server::start(&["--no-model"])
    }

    fn request(&self, method: &str, path: &str, body: &[u8]) -> Response {
        request(&self.addr, method, path, body)
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path, b"")
    }

    fn post(&self, path: &str, body: &Value) -> Response {
        self.request("POST", path, body.to_string().as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    fn json(&self) -> Value {
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "not JSON: {:?}",
            self.headers
        );
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// One HTTP/1.1 request on its own connection (`Connection: close`).
fn request(addr: &str, method: &str, path: &str, body: &[u8]) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    read_response(&mut s)
}

fn read_response(s: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&b[..nl]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + size]);
        b = &b[nl + 2 + size + 2..];
    }
}

/// The CLI on `text` as stdin named `name`: its stdout and exit code.
fn cli(args: &[&str], name: &str, text: &str) -> (String, i32) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .args(["-", "--stdin-filename", name])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let t = text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(t.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

/// `check --format json` of the CLI, as JSON, and its exit code.
fn cli_check(text: &str, name: &str, model: bool) -> (Value, i32) {
    let mut args = vec!["check", "--format", "json"];
    if !model {
        args.push("--no-model");
    }
    let (out, code) = cli(&args, name, text);
    (serde_json::from_str(&out).unwrap(), code)
}

/// The server's answer without the fields the CLI has no place for (they go to stderr or
/// the exit code there).
fn without_extras(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    for k in ["exit_code", "notices", "text", "changed", "applied"] {
        o.remove(k);
    }
    v
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .unwrap()
}

const VAGUE_ZH: &str =
    "## 问题：买家投诉商品破损，怎么处理？\n\n您放心，我们会尽力解决的，尽快给买家答复。\n";

#[test]
fn health_rules_and_explain() {
    let s = Server::no_model();
    let h = s.get("/api/health");
    assert_eq!(h.status, 200);
    let h = h.json();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["model"], "off");
    assert_eq!(h["max_body"], 10 * 1024 * 1024);

    let rules = s.get("/api/rules");
    assert_eq!(rules.status, 200);
    let (cli_rules, code) = {
        let out = Command::new(BIN)
            .args(["rules", "--format", "json"])
            .output()
            .unwrap();
        (
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
            out.status.code(),
        )
    };
    assert_eq!(code, Some(0));
    assert_eq!(rules.json(), cli_rules);
    assert!(cli_rules
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "vague-commitment"));

    for rule in ["vague-commitment", "score"] {
        let e = s.get(&format!("/api/explain/{rule}"));
        assert_eq!(e.status, 200, "{rule}");
        let out = Command::new(BIN).args(["explain", rule]).output().unwrap();
        assert_eq!(e.json()["text"], String::from_utf8(out.stdout).unwrap());
    }
    let unknown = s.get("/api/explain/no-such-rule");
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["error"]
        .as_str()
        .unwrap()
        .contains("no-such-rule"));
    assert_eq!(s.get("/api/nothing-here").status, 404);
    // Only POST lints.
    assert_eq!(s.get("/api/check").status, 405);
}

#[test]
fn check_answers_as_the_cli_does() {
    let s = Server::no_model();
    let texts = [
        (example("zh-weak.md"), "zh-weak.md"),
        (example("en-weak.md"), "en-weak.md"),
        (example("zh-strong.md"), "a/b/zh-strong.md"),
        (VAGUE_ZH.to_string(), "plain.txt"),
        (String::new(), "empty.md"),
    ];
    for (text, name) in &texts {
        let r = s.post("/api/check", &json!({"text": text, "filename": name}));
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        let got = r.json();
        let (want, code) = cli_check(text, name, false);
        assert_eq!(got["exit_code"], code, "{name}");
        assert_eq!(without_extras(got), want, "{name}");
    }
    // Without a file name the text is Markdown named answer.md; lang forces the language.
    let r = s
        .post("/api/check", &json!({"text": VAGUE_ZH, "lang": "zh"}))
        .json();
    assert_eq!(r["files"][0]["path"], "answer.md");
    let rules: Vec<&str> = r["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"vague-commitment"), "{rules:?}");
    assert_eq!(r["exit_code"], 1);
    // fail_on error: warnings no longer fail.
    let strict = s
        .post("/api/check", &json!({"text": VAGUE_ZH, "fail_on": "error"}))
        .json();
    let errors = strict["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["severity"] == "error");
    assert_eq!(strict["exit_code"], i32::from(errors));
}

#[test]
fn select_and_ignore_apply_as_in_the_cli() {
    let text = example("zh-weak.md");
    for args in [
        ["--select", "vague-commitment,hedged-figure"],
        ["--ignore", "vague-commitment,missing-tiers"],
    ] {
        let s = Server::start(&["--no-model", args[0], args[1]]);
        let got = s
            .post("/api/check", &json!({"text": text, "filename": "w.md"}))
            .json();
        let (out, _) = cli(
            &["check", "--format", "json", "--no-model", args[0], args[1]],
            "w.md",
            &text,
        );
        let want: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(without_extras(got), want, "{args:?}");
        let n = want["summary"]["diagnostics"].as_u64().unwrap();
        assert!(n > 0, "{args:?} leaves nothing to compare");
    }
}

#[test]
fn fix_and_rewrite_give_the_cli_text() {
    let s = Server::no_model();
    for (text, name) in [
        (example("zh-weak.md"), "zh-weak.md"),
        (example("en-weak.md"), "en-weak.md"),
        (VAGUE_ZH.to_string(), "v.md"),
    ] {
        for (endpoint, unsafe_fixes, args) in [
            ("/api/fix", false, vec!["fix", "--no-model"]),
            (
                "/api/fix",
                true,
                vec!["fix", "--no-model", "--unsafe-fixes"],
            ),
            ("/api/rewrite", false, vec!["rewrite", "--no-model"]),
            (
                "/api/rewrite",
                true,
                vec!["rewrite", "--no-model", "--unsafe-fixes"],
            ),
        ] {
            let r = s.post(
                endpoint,
                &json!({"text": text, "filename": name, "unsafe": unsafe_fixes}),
            );
            assert_eq!(r.status, 200, "{endpoint} {name}: {}", r.text());
            let got = r.json();
            let (want_text, _) = cli(&args, name, &text);
            assert_eq!(
                got["text"], want_text,
                "{endpoint} unsafe={unsafe_fixes} {name}"
            );
            assert_eq!(got["changed"], want_text != text);
            assert_eq!(got["applied"].as_u64().unwrap() > 0, want_text != text);
            // Per-rule fix counts as `fix --format json` gives them, adding up to `applied`.
            let counts = got["summary"]["fixes"].clone();
            let applied: u64 = counts["applied"]
                .as_object()
                .unwrap_or_else(|| panic!("{endpoint} {name}: {got}"))
                .values()
                .map(|n| n.as_u64().unwrap())
                .sum();
            assert_eq!(got["applied"].as_u64(), Some(applied), "{endpoint} {name}");
            let mut got = got;
            got["summary"].as_object_mut().unwrap().remove("fixes");
            for f in got["files"].as_array_mut().unwrap() {
                assert_eq!(f["fixes"], counts, "{endpoint} {name}");
                f.as_object_mut().unwrap().remove("fixes");
            }
            // The findings are those of the fixed text.
            let (after, code) = cli_check(&want_text, name, false);
            assert_eq!(got["exit_code"], code);
            assert_eq!(without_extras(got), after, "{endpoint} {name}");
        }
    }
    // Unsafe fixes insert placeholders; the vague promise is gone or marked.
    let r = s
        .post("/api/fix", &json!({"text": VAGUE_ZH, "unsafe": true}))
        .json();
    assert_ne!(r["text"], VAGUE_ZH);
    assert!(
        r["text"].as_str().unwrap().contains("待补充"),
        "{}",
        r["text"]
    );
}

#[test]
fn bad_requests_are_refused_with_a_reason() {
    let s = Server::no_model();
    for body in [
        &b"{\"text\": "[..],
        b"not json",
        b"",
        b"{\"txt\": \"a\"}",
        b"{\"text\": 5}",
        b"{\"text\": \"a\", \"lang\": \"fr\"}",
        b"{\"text\": \"a\", \"fail_on\": \"never\"}",
        b"[1, 2]",
    ] {
        let r = s.request("POST", "/api/check", body);
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(body));
        let msg = r.json()["error"].as_str().unwrap().to_string();
        assert!(!msg.is_empty());
    }
    let r = s.request("POST", "/api/check", b"{\"text\": ");
    assert!(
        r.json()["error"].as_str().unwrap().contains("JSON"),
        "{}",
        r.text()
    );
    let r = s.post("/api/report", &json!({"files": [], "format": "pdf"}));
    assert_eq!(r.status, 400);
}

#[test]
fn oversized_bodies_get_413() {
    // The default limit (10 MiB): a body declared one byte over is refused unread.
    let s = Server::no_model();
    let limit = 10 * 1024 * 1024;
    let mut conn = TcpStream::connect(&s.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    conn.write_all(
        format!(
            "POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            limit + 1
        )
        .as_bytes(),
    )
    .unwrap();
    let r = read_response(&mut conn);
    assert_eq!(r.status, 413);
    assert!(r.json()["error"].as_str().unwrap().contains("limit"));

    // A smaller limit, with the whole body sent: over it 413, under it linted.
    let s = Server::start(&["--no-model", "--max-body", "2000"]);
    let big = json!({"text": "我们会尽力解决。".repeat(100)});
    assert!(big.to_string().len() > 2000);
    let r = s.post("/api/check", &big);
    assert_eq!(r.status, 413, "{}", r.text());
    let small = json!({"text": "我们会尽力解决。"});
    assert_eq!(s.post("/api/check", &small).status, 200);
    // Sent in chunks, with no length declared: refused once the limit is passed.
    for (body, status) in [(big.to_string(), 413), (small.to_string(), 200)] {
        let mut conn = TcpStream::connect(&s.addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut msg = b"POST /api/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
                        Connection: close\r\n\r\n"
            .to_vec();
        for part in body.as_bytes().chunks(500) {
            msg.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            msg.extend_from_slice(part);
            msg.extend_from_slice(b"\r\n");
        }
        msg.extend_from_slice(b"0\r\n\r\n");
        conn.write_all(&msg).unwrap();
        assert_eq!(read_response(&mut conn).status, status);
    }

    // The configuration's [files] max-size limits the text itself.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("answerlint.toml");
    std::fs::write(&cfg, "[files]\nmax-size = 100\n").unwrap();
    let s = Server::start(&["--no-model", "--config", cfg.to_str().unwrap()]);
    let r = s.post("/api/check", &json!({"text": "a".repeat(101)}));
    assert_eq!(r.status, 413);
    assert!(r.json()["error"].as_str().unwrap().contains("max-size"));
    assert_eq!(
        s.post("/api/check", &json!({"text": "a".repeat(100)}))
            .status,
        200
    );
}

#[test]
fn fifty_requests_at_once_are_all_answered_as_the_cli_answers() {
    let s = Server::no_model();
    let texts: Vec<(String, String)> = ["zh-weak.md", "en-weak.md", "zh-mixed.md", "zh-strong.md"]
        .iter()
        .map(|n| (n.to_string(), example(n)))
        .collect();
    let want: Vec<Value> = texts
        .iter()
        .map(|(n, t)| cli_check(t, n, false).0)
        .collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(50));
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (name, text) = texts[i % texts.len()].clone();
            let addr = s.addr.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let body = json!({"text": text, "filename": name}).to_string();
                barrier.wait();
                (i, request(&addr, "POST", "/api/check", body.as_bytes()))
            })
        })
        .collect();
    for h in handles {
        let (i, r) = h.join().unwrap();
        assert_eq!(r.status, 200, "request {i}: {}", r.text());
        assert_eq!(
            without_extras(r.json()),
            want[i % texts.len()],
            "request {i}"
        );
    }
}

#[test]
fn markup_in_texts_and_names_comes_back_as_data() {
    let s = Server::no_model();
    let text =
        "## 问题：<script>alert(1)</script>\n\n\"><img src=x onerror=alert(2)> 我们会尽力解决。\n";
    let name = "<script>alert(3)</script>\"><img onerror=x>.md";
    let r = s.post("/api/check", &json!({"text": text, "filename": name}));
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["files"][0]["path"], name);
    let f = s
        .post("/api/fix", &json!({"text": text, "filename": name}))
        .json();
    assert!(f["text"]
        .as_str()
        .unwrap()
        .contains("<script>alert(1)</script>"));

    // The HTML report escapes them.
    let r = s.post(
        "/api/report",
        &json!({"files": [{"name": name, "text": text}], "format": "html"}),
    );
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let html = r.text();
    assert!(
        !html.contains("<script>alert"),
        "unescaped markup in the report"
    );
    assert!(
        !html.contains("<img src=x"),
        "unescaped markup in the report"
    );
    assert!(html.contains("&lt;script&gt;alert(3)"));

    // The page puts every text in with textContent, under a policy that allows no
    // script from elsewhere.
    let page = s.get("/");
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let body = page.text();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!body.contains(sink), "the page uses {sink}");
    }
    assert!(body.contains("textContent"));
    assert!(
        !body.contains("http://") && !body.contains("https://"),
        "the page loads nothing from the network"
    );
}

#[test]
fn report_in_every_format_lists_every_file() {
    let s = Server::no_model();
    let files = json!([
        {"name": "clients/a.md", "text": example("zh-weak.md")},
        {"name": "clients/b.md", "text": example("zh-strong.md")},
        {"name": "clients/c.txt", "text": VAGUE_ZH},
    ]);
    for (format, mime) in [
        ("html", "text/html"),
        ("md", "text/markdown"),
        ("csv", "text/csv"),
    ] {
        let r = s.post("/api/report", &json!({"files": files, "format": format}));
        assert_eq!(r.status, 200, "{format}");
        assert!(r.header("content-type").unwrap().starts_with(mime));
        let body = r.text();
        for n in ["clients/a.md", "clients/b.md", "clients/c.txt"] {
            assert!(body.contains(n), "{format} lacks {n}");
        }
    }
    // The CSV is the CLI's for the same files (but for the date line, if any).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("clients")).unwrap();
    std::fs::write(dir.path().join("clients/a.md"), example("zh-weak.md")).unwrap();
    std::fs::write(dir.path().join("clients/b.md"), example("zh-strong.md")).unwrap();
    std::fs::write(dir.path().join("clients/c.txt"), VAGUE_ZH).unwrap();
    let out = Command::new(BIN)
        .args([
            "report",
            "--no-model",
            "--no-cache",
            "-q",
            "clients",
            "-o",
            "r.csv",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    let got = s
        .post("/api/report", &json!({"files": files, "format": "csv"}))
        .text();
    assert_eq!(got, want);
}

#[test]
fn exposed_addresses_are_announced_and_ctrl_c_stops_cleanly() {
    let mut s = Server::start(&["--no-model", "--host", "0.0.0.0"]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    assert!(
        s.startup.contains("WARNING") && s.startup.contains("0.0.0.0"),
        "{}",
        s.startup
    );
    // Not said when local.
    assert!(!Server::no_model().startup.contains("WARNING"));
    let h = request(&format!("127.0.0.1:{port}"), "GET", "/api/health", b"");
    assert_eq!(h.status, 200);
    // SIGINT (Ctrl-C): the server stops and exits 0.
    let pid = s.child.id() as i32;
    unsafe { libc::kill(pid, libc::SIGINT) };
    let status = s.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut rest = String::new();
    while let Ok(line) = s.stderr.recv_timeout(Duration::from_secs(5)) {
        rest.push_str(&line);
    }
    assert!(rest.contains("stopping"), "{rest}");
}

#[test]
fn loopback_is_the_default_and_bad_hosts_are_usage_errors() {
    let s = Server::no_model();
    assert!(s.addr.starts_with("127.0.0.1:"), "{}", s.addr);
    let out = Command::new(BIN)
        .args(["serve", "--no-model", "--host", "localhost:80"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--host"));
    let out = Command::new(BIN)
        .args(["serve", "--no-model", "--select", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn with_the_model_results_equal_the_cli_with_the_model() {
    // One text (the model is slow in a debug build): four requests at once share the model.
    let s = Server::start(&[]);
    let h = s.get("/api/health").json();
    assert_eq!(h["model"], "loaded", "{h}");
    let (name, text) = ("zh-weak.md", example("zh-weak.md"));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let addr = s.addr.clone();
            let body = json!({"text": text, "filename": name}).to_string();
            std::thread::spawn(move || request(&addr, "POST", "/api/check", body.as_bytes()))
        })
        .collect();
    let want = cli_check(&text, name, true).0;
    for (i, h) in handles.into_iter().enumerate() {
        let r = h.join().unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(without_extras(r.json()), want, "request {i}");
    }
    // Per request, the model can be left out: then it is the CLI's --no-model result.
    let r = s
        .post(
            "/api/check",
            &json!({"text": text, "filename": name, "no_model": true}),
        )
        .json();
    let lexicon_only = cli_check(&text, name, false).0;
    assert_eq!(without_extras(r), lexicon_only);
    // The model changes this text's results, so the comparisons above saw it at work.
    assert_ne!(want, lexicon_only);
}

#[cfg(unix)]
#[test]
fn open_starts_the_browser_with_the_address() {
    use std::os::unix::fs::PermissionsExt;
    // A stand-in for xdg-open that writes down what it was asked to open.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("opened.txt");
    let fake = dir.path().join("xdg-open");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new(BIN)
        .args(["serve", "--no-model", "--port", "0", "--open"])
        .env("PATH", path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut url = String::new();
    for _ in 0..20 {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.split("listening on ").nth(1) {
            url = rest.split(' ').next().unwrap().to_string();
            break;
        }
    }
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let mut opened = String::new();
    for _ in 0..100 {
        opened = std::fs::read_to_string(&log).unwrap_or_default();
        if !opened.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(opened, url);
}
