//! `answerlint server`: the real binary, spoken to over its stdin and stdout as an editor
//! would (JSON-RPC with Content-Length headers). Most tests run without the sentence model;
//! one runs with it when it is installed (without it: a note, or a failure under CI).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

/// How long to wait for any one message before calling the server stuck (a deadline
/// against hangs, not a speed check).
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Notifications and requests from the server not looked at yet.
    pending: Vec<Value>,
    next_id: i64,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(args: &[&str], envs: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_answerlint"));
        cmd.arg("server")
            .args(args)
            .env_remove("ANSWERLINT_NO_MODEL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start answerlint server");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole response object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.recv();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.pending.push(m);
        }
    }

    fn recv(&mut self) -> Value {
        self.rx
            .recv_timeout(PATIENCE)
            .expect("a message from the server in time")
    }

    /// The first notification `method` (already received or coming) that `pred` accepts;
    /// earlier ones of the same method are dropped.
    fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            if let Some(i) = self
                .pending
                .iter()
                .position(|m| m["method"] == method && pred(&m["params"]))
            {
                let m = self.pending.remove(i);
                self.pending.retain(|p| p["method"] != method);
                return m["params"].clone();
            }
            let m = self.recv();
            self.pending.push(m);
        }
    }

    /// The first request `method` from the server (already received or coming), whole.
    fn wait_request(&mut self, method: &str) -> Value {
        loop {
            if let Some(i) = self
                .pending
                .iter()
                .position(|m| m["method"] == method && m.get("id").is_some())
            {
                return self.pending.remove(i);
            }
            let m = self.recv();
            self.pending.push(m);
        }
    }

    /// Answers a request from the server.
    fn respond(&mut self, id: &Value, result: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }

    /// The response to request `id`, once it comes.
    fn response(&mut self, id: i64) -> Value {
        loop {
            if let Some(i) = self
                .pending
                .iter()
                .position(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
            {
                return self.pending.remove(i);
            }
            let m = self.recv();
            self.pending.push(m);
        }
    }

    /// Diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let p = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        p["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities,
                   "initializationOptions": options}),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// shutdown, exit; the exit code.
    fn finish(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(mut self) -> i32 {
        drop(self.stdin.take());
        self.child
            .wait()
            .unwrap()
            .code()
            .expect("exited, not killed")
    }
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// UTF-16 code units before byte `offset` on its line, and the line number.
fn utf16_position(text: &str, offset: usize) -> (usize, usize) {
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].encode_utf16().count())
}

/// The byte offset of an LSP position (UTF-16 units), for applying edits.
fn offset_of(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let ch = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= ch || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with a WorkspaceEdit's edits for `uri` applied.
fn apply_edit(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .expect("edits for the document")
        .iter()
        .map(|e| {
            (
                offset_of(text, &e["range"]["start"]),
                offset_of(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (a, b, s) in edits {
        out.replace_range(a..b, &s);
    }
    out
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// `check --format json --no-model` on the same text: its score.
fn cli_score(dir: &Path, name: &str, text: &str) -> Value {
    cli_output(dir, name, text, false)["files"][0]["score"].clone()
}

/// `check --format json` on the same text: its diagnostics.
fn cli_json(dir: &Path, name: &str, text: &str, model: bool) -> Vec<Value> {
    cli_output(dir, name, text, model)["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().clone())
        .collect()
}

/// `check --format json` on the same text.
fn cli_output(dir: &Path, name: &str, text: &str, model: bool) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_answerlint"));
    cmd.current_dir(dir)
        .args(["check", "-", "--stdin-filename", name, "--format", "json"])
        .env_remove("ANSWERLINT_NO_MODEL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    if !model {
        cmd.arg("--no-model");
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).expect("JSON from check")
}

/// The CLI on the same text: (rule, start byte, end byte) of each finding.
fn cli_findings(dir: &Path, name: &str, text: &str, model: bool) -> Vec<(String, u64, u64)> {
    let mut found: Vec<(String, u64, u64)> = cli_json(dir, name, text, model)
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["start"].as_u64().unwrap(),
                d["end"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

/// The server's diagnostics as (rule, start byte, end byte), for comparing with the CLI.
fn server_findings(text: &str, diags: &[Value]) -> Vec<(String, u64, u64)> {
    let mut found: Vec<(String, u64, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                offset_of(text, &d["range"]["start"]) as u64,
                offset_of(text, &d["range"]["end"]) as u64,
            )
        })
        .collect();
    found.sort();
    found
}

const SCRIPT: &str = "# 客户投诉怎么处理？\n\n😀👍 您好！您放心，我们会尽力解决，一般3天左右补发。\n\n退货率只有1.2%。\n";

#[test]
fn diagnostics_code_actions_hover_and_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answer.md");
    let uri = uri_of(&path);
    let mut c = Client::start(&["--no-model"], &[]);
    let init = c.initialize(json!({}), json!({"debounceMs": 50}));
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");

    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    // The same findings as `check --no-model`, at the same places.
    assert_eq!(
        server_findings(SCRIPT, &diags),
        cli_findings(dir.path(), "answer.md", SCRIPT, false)
    );
    // Two emoji (two UTF-16 units each) and Chinese text before 您放心.
    let at = SCRIPT.find("您放心").unwrap();
    let (line, col) = utf16_position(SCRIPT, at);
    let vague = diags
        .iter()
        .find(|d| d["code"] == "vague-commitment" && d["range"]["start"]["line"] == line)
        .expect("您放心 flagged");
    assert_eq!(vague["range"]["start"]["character"], col, "{vague}");
    assert_eq!(vague["range"]["end"]["character"], col + 3, "{vague}");
    assert_eq!(vague["source"], "answerlint");
    assert!(vague["severity"].is_u64(), "{vague}");

    // Hover on it: the rule's documentation, as `explain` prints it.
    let explain = Command::new(env!("CARGO_BIN_EXE_answerlint"))
        .args(["explain", "vague-commitment"])
        .output()
        .unwrap();
    let explain = String::from_utf8(explain.stdout).unwrap();
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 1}}),
    );
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover text");
    assert!(value.contains("**vague-commitment**"), "{value}");
    assert!(value.contains(explain.lines().next().unwrap()), "{value}");
    // On the question: its type and score, as `check --format json` scores it.
    let heading = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}),
    );
    let value = heading["result"]["contents"]["value"]
        .as_str()
        .expect("hover text");
    let section = &cli_score(dir.path(), "answer.md", SCRIPT)["sections"][0];
    assert!(
        value.starts_with(&format!(
            "**{}**: type `{}`, {:.1}/5",
            section["title"].as_str().unwrap(),
            section["type"].as_str().unwrap(),
            section["score"].as_f64().unwrap()
        )),
        "{value}\n{section}"
    );
    // Nothing to say on the blank line under it.
    let none = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}}),
    );
    assert_eq!(none["result"], Value::Null, "{none}");

    // An incremental change: 您放心， deleted (the range in UTF-16 units).
    let change_end = json!({"line": line, "character": col + 4});
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": change_end},
                                   "text": ""}]}),
    );
    let edited = SCRIPT.replacen("您放心，", "", 1);
    let diags = c.diagnostics(&uri, 2);
    assert_eq!(
        server_findings(&edited, &diags),
        cli_findings(dir.path(), "answer.md", &edited, false)
    );
    assert!(
        !diags.iter().any(|d| d["range"]["start"]["character"] == col
            && d["code"] == "vague-commitment"
            && d["range"]["end"]["character"] == col + 3
            && d["range"]["start"]["line"] == line)
    );

    // Code actions on 尽力解决: "disable for this line" inserts the comment, after which
    // the rule is silent on that line and the text is otherwise unchanged.
    let target = diags
        .iter()
        .find(|d| d["code"] == "vague-commitment")
        .expect("尽力解决 still flagged")
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": target["range"],
               "context": {"diagnostics": [target]}}),
    );
    let actions = actions["result"].as_array().expect("actions").clone();
    let disable = actions
        .iter()
        .find(|a| a["title"] == "Disable vague-commitment for this line")
        .expect("a disable action");
    let disabled = apply_edit(&edited, &disable["edit"], &uri);
    assert!(
        disabled.contains("<!-- answerlint-disable-next-line vague-commitment -->\n😀👍"),
        "{disabled}"
    );
    assert_eq!(
        disabled.replace(
            "<!-- answerlint-disable-next-line vague-commitment -->\n",
            ""
        ),
        edited
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": disabled}]}),
    );
    let diags = c.diagnostics(&uri, 3);
    assert!(
        !codes(&diags).contains(&"vague-commitment".to_string()),
        "{diags:?}"
    );
    assert!(
        codes(&diags).contains(&"hedged-figure".to_string()),
        "{diags:?}"
    );

    // Fix all (safe fixes): the same text as `answerlint fix` writes.
    let all = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let all = all["result"].as_array().unwrap();
    assert!(
        all.iter().all(|a| a["kind"] == "source.fixAll.answerlint"),
        "only what was asked for: {all:?}"
    );
    let mut fix = Command::new(env!("CARGO_BIN_EXE_answerlint"));
    fix.current_dir(dir.path())
        .args(["fix", "-", "--stdin-filename", "answer.md", "--no-model"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = fix.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(disabled.as_bytes())
        .unwrap();
    let fixed_by_cli = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    if fixed_by_cli == disabled {
        assert!(all.is_empty(), "no safe fix, no fix-all: {all:?}");
    } else {
        let fixed = apply_edit(&disabled, &all[0]["edit"], &uri);
        assert_eq!(fixed, fixed_by_cli);
    }

    // Closing clears the document's diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let p = c.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    assert_eq!(p["diagnostics"], json!([]));

    assert_eq!(c.finish(), 0, "exit after shutdown is success");
}

#[test]
fn every_fix_of_a_diagnostic_is_a_code_action_that_applies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.md");
    let uri = uri_of(&path);
    let mut c = Client::start(&[], &[]);
    c.initialize(json!({}), json!({"noModel": true, "debounceMs": 0}));
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    // Each fix the CLI reports (placeholders, the three-tier rewrite), applied by bytes.
    let mut want: Vec<(String, String)> = Vec::new();
    for d in cli_json(dir.path(), "a.md", SCRIPT, false) {
        for f in d["fixes"].as_array().unwrap() {
            if f["applicability"] == "display-only" {
                continue;
            }
            let mut text = SCRIPT.to_string();
            let mut edits = f["edits"].as_array().unwrap().clone();
            edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64()));
            for e in edits {
                let (a, b) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
                text.replace_range(a as usize..b as usize, e["content"].as_str().unwrap());
            }
            want.push((f["title"].as_str().unwrap().to_string(), text));
        }
    }
    assert!(!want.is_empty(), "the script has fixes");
    let mut got: Vec<(String, String)> = Vec::new();
    let mut disables = 0;
    for d in &diags {
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"],
                   "context": {"diagnostics": [d], "only": ["quickfix", "refactor.rewrite"]}}),
        );
        for a in r["result"].as_array().unwrap() {
            let after = apply_edit(SCRIPT, &a["edit"], &uri);
            let title = a["title"].as_str().unwrap().to_string();
            if title.starts_with("Disable ") {
                disables += 1;
                continue;
            }
            if title.starts_with("Never flag ") {
                continue;
            }
            // Placeholders are not safe: never the preferred action.
            assert_eq!(a["isPreferred"], false, "{a}");
            if !got.contains(&(title.clone(), after.clone())) {
                got.push((title, after));
            }
        }
    }
    want.sort();
    want.dedup();
    got.sort();
    assert_eq!(got, want);
    assert!(disables >= 1);
    assert_eq!(c.finish(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("b.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    let init = c.initialize(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        Value::Null,
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    let at = SCRIPT.find("您放心").unwrap();
    let line_start = SCRIPT[..at].rfind('\n').unwrap() + 1;
    assert!(
        diags.iter().any(|d| d["code"] == "vague-commitment"
            && d["range"]["start"]["character"] == at - line_start
            && d["range"]["end"]["character"] == at - line_start + "您放心".len()),
        "{diags:?}"
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn plain_text_documents_disable_with_a_hash_comment() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("notes.txt"));
    let text = "  您放心，我们会尽力解决。\r\n下一行。\r\n";
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(json!({}), json!({"debounceMs": 0}));
    c.open(&uri, "plaintext", text);
    let diags = c.diagnostics(&uri, 1);
    let d = diags
        .iter()
        .find(|d| d["code"] == "vague-commitment")
        .expect("flagged")
        .clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let disable = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Disable vague-commitment for this line")
        .expect("a disable action")
        .clone();
    let after = apply_edit(text, &disable["edit"], &uri);
    // Indented like the line, ended like it (CRLF).
    assert!(
        after.starts_with("  # answerlint-disable-next-line vague-commitment\r\n  您放心"),
        "{after:?}"
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": after}]}),
    );
    let diags = c.diagnostics(&uri, 2);
    assert!(
        !codes(&diags).contains(&"vague-commitment".to_string()),
        "{diags:?}"
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn configuration_is_reloaded_and_its_size_limit_applies() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("answerlint.toml");
    std::fs::write(&config, "[rules]\nhedged-figure = \"off\"\n").unwrap();
    let uri = uri_of(&dir.path().join("c.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        json!({"debounceMs": 0}),
    );
    // The server asks to watch answerlint.toml files.
    let reg = c.wait_for("client/registerCapability", |_| true);
    assert_eq!(
        reg["registrations"][0]["registerOptions"]["watchers"][0]["globPattern"],
        "**/answerlint.toml"
    );
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    assert!(
        !codes(&diags).contains(&"hedged-figure".to_string()),
        "{diags:?}"
    );
    assert!(codes(&diags).contains(&"vague-commitment".to_string()));

    // The file changes: hedged-figure back on, and a size limit below the script's.
    std::fs::write(
        &config,
        format!("[files]\nmax-size = {}\n", SCRIPT.len() - 1),
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(diags, Vec::<Value>::new(), "over the limit: not checked");
    let msg = c.wait_for("window/showMessage", |_| true);
    assert!(
        msg["message"].as_str().unwrap().contains("over the"),
        "{msg}"
    );

    std::fs::write(&config, "[files]\nmax-size = 1000000\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let diags = c.diagnostics(&uri, 1);
    assert!(
        codes(&diags).contains(&"hedged-figure".to_string()),
        "{diags:?}"
    );

    // A broken configuration is reported, not fatal.
    std::fs::write(&config, "[rules\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let msg = c.wait_for("window/showMessage", |_| true);
    assert!(
        msg["message"].as_str().unwrap().contains("answerlint.toml"),
        "{msg}"
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn a_panic_in_one_request_leaves_the_server_up() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("d.md"));
    let mut c = Client::start(&["--no-model"], &[("ANSWERLINT_SERVER_TEST_PANIC", "1")]);
    c.initialize(json!({}), json!({"debounceMs": 0}));
    let r = c.request("answerlint/panic", Value::Null);
    assert_eq!(r["error"]["code"], -32603, "{r}");
    c.open(&uri, "markdown", SCRIPT);
    assert!(!c.diagnostics(&uri, 1).is_empty());
    let r = c.request("no/such/method", Value::Null);
    assert_eq!(r["error"]["code"], -32601, "{r}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn exit_without_shutdown_is_a_failure() {
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(json!({}), Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), 1);
    // The stream ending without exit too.
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(json!({}), Value::Null);
    assert_eq!(c.wait(), 1);
}

#[test]
fn bad_initialization_options_are_reported() {
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(json!({}), json!({"device": "tpu"}));
    let msg = c.wait_for("window/showMessage", |_| true);
    assert!(msg["message"].as_str().unwrap().contains("device"), "{msg}");
    assert_eq!(c.finish(), 0);
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

fn model_dir() -> PathBuf {
    answerlint::model::default_model_dir()
}

#[test]
fn with_the_model_the_full_set_replaces_the_first() {
    let dir = model_dir();
    if answerlint::model::Installed::open(&dir).is_err() {
        assert!(
            !ci(),
            "the sentence model is not installed in {} (CI runs `answerlint model install` first)",
            dir.display()
        );
        eprintln!(
            "note: server model test skipped: no sentence model in {} (answerlint model install)",
            dir.display()
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let uri = uri_of(&tmp.path().join("e.md"));
    let text = "# 客户投诉怎么处理？\n\n这事包在我们身上，放心交给我们。\n\nLeave it with us and we'll sort it out.\n\n您放心，我们会尽力解决。\n";
    let mut c = Client::start(&[], &[]);
    c.initialize(
        json!({}),
        json!({"modelDir": dir.display().to_string(), "device": "cpu", "debounceMs": 0}),
    );
    c.open(&uri, "markdown", text);
    // The first set comes before the model is loaded: the findings without it.
    let first = c.diagnostics(&uri, 1);
    c.wait_for("window/logMessage", |p| {
        p["message"] == "sentence model loaded"
    });
    // A change made after the model is loaded is linted with it: the same findings as
    // `check` with the model.
    let text_v1 = text;
    let text = format!("{text}\n一般3天左右补发。\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let diags = c.diagnostics(&uri, 2);
    assert_eq!(
        server_findings(&text, &diags),
        cli_findings(tmp.path(), "e.md", &text, true)
    );
    // The first set: without the model, unless it was loaded before the first lint.
    let first = server_findings(text_v1, &first);
    assert!(
        first == cli_findings(tmp.path(), "e.md", text_v1, false)
            || first == cli_findings(tmp.path(), "e.md", text_v1, true),
        "{first:?}"
    );
    // A document over 64 KiB is linted without the model, and the editor is told.
    let long_uri = uri_of(&tmp.path().join("long.md"));
    let long = format!(
        "{}{text}",
        "这是一行填充文字。\n".repeat(70 * 1024 / 28 + 10)
    );
    assert!(long.len() > 64 * 1024);
    c.open(&long_uri, "markdown", &long);
    let diags = c.diagnostics(&long_uri, 1);
    let note = c.wait_for("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("without the sentence model"))
    });
    assert!(
        note["message"].as_str().unwrap().contains("long.md"),
        "{note}"
    );
    assert_eq!(
        server_findings(&long, &diags),
        cli_findings(tmp.path(), "long.md", &long, false)
    );
    assert_eq!(c.finish(), 0);
}

/// Whether a program is on PATH.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// The Lua snippet of README's "Language server" section.
fn readme_neovim_snippet() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("## Language server").expect("the section")..];
    let block = &section[section.find("```lua\n").expect("a Lua block") + 7..];
    block[..block.find("```").unwrap()].to_string()
}

/// Neovim's own LSP client, configured with the README's snippet as its init.lua,
/// attaches the server to a Markdown buffer; `vim.diagnostic.get()` reads back what it
/// published, with columns that Neovim converted from UTF-16 to bytes.
#[test]
fn neovim_attaches_and_reads_the_diagnostics() {
    if !on_path("nvim") {
        assert!(
            !ci(),
            "nvim is not installed (.ci/run installs Debian's neovim)"
        );
        eprintln!("note: Neovim test skipped: no `nvim` on PATH (apt-get install neovim)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answer.md");
    std::fs::write(&file, SCRIPT).unwrap();
    let out = dir.path().join("diagnostics.txt");
    let init = dir.path().join("init.lua");
    std::fs::write(&init, readme_neovim_snippet()).unwrap();
    let collect = dir.path().join("collect.lua");
    std::fs::write(
        &collect,
        r#"
vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format("%s %d %d %s", tostring(d.code), d.lnum, d.col, tostring(d.source)))
end
vim.fn.writefile(lines, os.getenv("ANSWERLINT_OUT"))
local clients = vim.lsp.get_clients or vim.lsp.get_active_clients
vim.lsp.stop_client(clients())
vim.wait(5000, function() return #clients() == 0 end, 20)
vim.cmd("qa!")
"#,
    )
    .unwrap();
    // `answerlint` on PATH, as the snippet expects; the model off for speed.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_answerlint"))
        .parent()
        .unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .arg(&file)
        .arg("-c")
        .arg(format!("luafile {}", collect.display()))
        .current_dir(dir.path())
        .env("PATH", path)
        .env("ANSWERLINT_OUT", &out)
        .env("ANSWERLINT_NO_MODEL", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // A deadline against a hung editor, not a speed check.
    let deadline = std::time::Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = std::fs::read_to_string(&out).expect("nvim wrote the diagnostics");
    let at = SCRIPT.find("您放心").unwrap();
    let line = SCRIPT[..at].matches('\n').count();
    let col = at - (SCRIPT[..at].rfind('\n').unwrap() + 1);
    let want = format!("vague-commitment {line} {col} answerlint");
    assert!(got.lines().any(|l| l == want), "{want:?} in:\n{got}");
    let expected = cli_findings(dir.path(), "answer.md", SCRIPT, false);
    assert_eq!(got.lines().count(), expected.len(), "{got}");
}

#[test]
fn a_document_over_the_size_limit_is_not_checked_until_it_shrinks() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("big.md"));
    // Over the default 10 MiB limit ([files] max-size), the script at its end.
    let filler = "这是一行填充文字，用来让文件变大。\n".repeat(10 * 1024 * 1024 / 50 + 1000);
    let big = format!("{filler}{SCRIPT}");
    assert!(big.len() > 10 * 1024 * 1024);
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(json!({}), json!({"debounceMs": 0}));
    c.open(&uri, "markdown", &big);
    assert_eq!(c.diagnostics(&uri, 1), Vec::<Value>::new());
    let msg = c.wait_for("window/showMessage", |_| true);
    assert!(
        msg["message"].as_str().unwrap().contains("max-size"),
        "{msg}"
    );
    // Delete the filler (an incremental change): now it is linted.
    let lines = filler.matches('\n').count();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                             "end": {"line": lines, "character": 0}},
                                   "text": ""}]}),
    );
    let diags = c.diagnostics(&uri, 2);
    assert_eq!(
        server_findings(SCRIPT, &diags),
        cli_findings(dir.path(), "big.md", SCRIPT, false)
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn clients_that_pull_diagnostics_get_them_on_request_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("answerlint.toml");
    std::fs::write(&config, "[rules]\nhedged-figure = \"off\"\n").unwrap();
    let uri = uri_of(&dir.path().join("p.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    let init = c.initialize(
        json!({"textDocument": {"diagnostic": {}},
               "workspace": {"diagnostics": {"refreshSupport": true}}}),
        json!({"debounceMs": 0}),
    );
    assert_eq!(
        init["result"]["capabilities"]["diagnosticProvider"]["interFileDependencies"], false,
        "{init}"
    );
    c.open(&uri, "markdown", SCRIPT);
    let pull = |c: &mut Client| {
        let r = c.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        assert_eq!(r["result"]["kind"], "full", "{r}");
        r["result"]["items"].as_array().unwrap().clone()
    };
    let items = pull(&mut c);
    assert_eq!(
        server_findings(SCRIPT, &items),
        cli_findings(dir.path(), "p.md", SCRIPT, false)
    );
    // Answered in order: a pushed set would have come before the answer.
    assert!(
        !c.pending
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "{:?}",
        c.pending
    );
    // A change, then a pull: the changed text's findings, not yet debounced or not.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": "您放心。\n"}]}),
    );
    let items = pull(&mut c);
    assert_eq!(
        server_findings("您放心。\n", &items),
        cli_findings(dir.path(), "p.md", "您放心。\n", false)
    );
    // The configuration changes: the client is asked to pull again.
    std::fs::write(&config, "").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let refresh = loop {
        let m = c.recv();
        if m["method"] == "workspace/diagnostic/refresh" {
            break m;
        }
    };
    assert!(refresh.get("id").is_some(), "a request: {refresh}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn configuration_files_are_polled_when_the_client_does_not_watch_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("answerlint.toml");
    std::fs::write(&config, "[rules]\nhedged-figure = \"off\"\n").unwrap();
    let uri = uri_of(&dir.path().join("w.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(json!({}), json!({"debounceMs": 0}));
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    assert!(
        !codes(&diags).contains(&"hedged-figure".to_string()),
        "{diags:?}"
    );
    // No notification: the server notices the new contents by itself.
    std::fs::write(&config, "[rules]\nvague-commitment = \"off\"\n").unwrap();
    let diags = c.diagnostics(&uri, 1);
    assert!(
        codes(&diags).contains(&"hedged-figure".to_string()),
        "{diags:?}"
    );
    assert!(
        !codes(&diags).contains(&"vague-commitment".to_string()),
        "{diags:?}"
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn a_missing_model_is_said_once_and_the_lexicon_rules_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("m.md"));
    let nowhere = dir.path().join("no-model-here");
    let mut c = Client::start(&[], &[]);
    c.initialize(
        json!({}),
        json!({"modelDir": nowhere.display().to_string(), "debounceMs": 0}),
    );
    let msg = c.wait_for("window/showMessage", |_| true);
    assert!(
        msg["message"]
            .as_str()
            .unwrap()
            .contains("sentence model unavailable"),
        "{msg}"
    );
    assert_eq!(msg["type"], 2, "a warning: {msg}");
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(
        server_findings(SCRIPT, &diags),
        cli_findings(dir.path(), "m.md", SCRIPT, false)
    );
    assert!(!nowhere.exists(), "the server never installs the model");
    assert_eq!(c.finish(), 0);
}

#[test]
fn a_phrase_can_be_made_an_exception_in_the_configuration() {
    let find_action = |c: &mut Client, uri: &str, d: &Value| {
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        );
        r["result"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| {
                a["title"].as_str().unwrap().starts_with(
                    "Never flag “您放心”: add it to [lexicon.zh.vague-commitment] except",
                )
            })
            .expect("an exception action")
            .clone()
    };
    let reassurance = |diags: &[Value]| {
        let at = SCRIPT.find("您放心").unwrap();
        let (line, col) = utf16_position(SCRIPT, at);
        diags
            .iter()
            .find(|d| {
                d["code"] == "vague-commitment"
                    && d["range"]["start"]["line"] == line
                    && d["range"]["start"]["character"] == col
            })
            .cloned()
    };

    // An existing answerlint.toml: edited in place, its comments and order kept.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("answerlint.toml");
    let before = "# team settings\n[rules]\nvague-quantity = \"warning\"  # keep\n";
    std::fs::write(&config, before).unwrap();
    let uri = uri_of(&dir.path().join("x.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        json!({"debounceMs": 0}),
    );
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    let d = reassurance(&diags).expect("您放心 flagged");
    let action = find_action(&mut c, &uri, &d);
    let after = apply_edit(before, &action["edit"], &uri_of(&config));
    assert!(after.starts_with(before), "{after}");
    std::fs::write(&config, &after).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let diags = c.diagnostics(&uri, 1);
    assert!(reassurance(&diags).is_none(), "{diags:?}");
    assert!(
        codes(&diags).contains(&"vague-commitment".to_string()),
        "尽力解决 still"
    );
    assert_eq!(c.finish(), 0);

    // None yet, and a client that can create files: a new one beside the document.
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("y.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(
        json!({"workspace": {"workspaceEdit": {"resourceOperations": ["create"]},
                             "didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        json!({"debounceMs": 0}),
    );
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    let d = reassurance(&diags).expect("您放心 flagged");
    let action = find_action(&mut c, &uri, &d);
    let ops = action["edit"]["documentChanges"]
        .as_array()
        .expect("document changes");
    let config = dir.path().join("answerlint.toml");
    assert_eq!(ops[0]["kind"], "create", "{action}");
    assert_eq!(ops[0]["uri"], uri_of(&config));
    assert_eq!(ops[1]["textDocument"]["uri"], uri_of(&config));
    std::fs::write(&config, ops[1]["edits"][0]["newText"].as_str().unwrap()).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 1}]}),
    );
    let diags = c.diagnostics(&uri, 1);
    assert!(reassurance(&diags).is_none(), "{diags:?}");
    assert_eq!(c.finish(), 0);
}

/// The LSP severity of the first finding of `rule`, if any.
fn severity_of(diags: &[Value], rule: &str) -> Option<u64> {
    diags
        .iter()
        .find(|d| d["code"] == rule)
        .map(|d| d["severity"].as_u64().unwrap())
}

const COMPLAINT: &str = "### How do you handle a buyer's complaint that a lamp arrived broken?\n\n- Within 3 hours our agent opens a case and sends the buyer the ticket number.\n- Within 48 hours we ship a new lamp.\n";

#[test]
fn tier_findings_point_at_the_tiers_they_talk_about() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("complaint.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(
        json!({"textDocument": {"publishDiagnostics": {"relatedInformation": true}}}),
        json!({"debounceMs": 0}),
    );
    c.open(&uri, "markdown", COMPLAINT);
    let diags = c.diagnostics(&uri, 1);
    let tiers = diags
        .iter()
        .find(|d| d["code"] == "missing-tiers")
        .expect("two tiers are too few");
    let related = tiers["relatedInformation"]
        .as_array()
        .expect("related places");
    assert_eq!(related.len(), 2, "one per tier: {tiers}");
    for (i, (r, starts)) in related
        .iter()
        .zip(["Within 3 hours", "Within 48 hours"])
        .enumerate()
    {
        assert_eq!(r["location"]["uri"], uri.as_str());
        let at = COMPLAINT.find(starts).unwrap();
        let (line, col) = utf16_position(COMPLAINT, at);
        assert_eq!(r["location"]["range"]["start"]["line"], line, "{r}");
        assert_eq!(r["location"]["range"]["start"]["character"], col, "{r}");
        let message = r["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("tier {}: {starts}", i + 1)),
            "{message}"
        );
    }
    // The tier without proof points back at its question.
    let proof = diags
        .iter()
        .find(|d| d["code"] == "missing-tier-proof")
        .expect("tier 2 has no proof");
    assert_eq!(proof["range"]["start"]["line"], 3, "{proof}");
    let q = &proof["relatedInformation"][0];
    assert_eq!(q["location"]["range"]["start"]["line"], 0, "{proof}");
    assert!(
        q["message"].as_str().unwrap().starts_with("question: "),
        "{q}"
    );
    assert_eq!(c.finish(), 0);

    // A client that does not show related places is not sent them.
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(json!({}), json!({"debounceMs": 0}));
    c.open(&uri, "markdown", COMPLAINT);
    let diags = c.diagnostics(&uri, 1);
    assert!(codes(&diags).contains(&"missing-tiers".to_string()));
    assert!(
        diags.iter().all(|d| d.get("relatedInformation").is_none()),
        "{diags:?}"
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn editor_settings_combine_with_answerlint_toml_as_the_preference_says() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("answerlint.toml"),
        "[rules]\nvague-commitment = \"info\"\nhedged-figure = \"off\"\n",
    )
    .unwrap();
    let uri = uri_of(&dir.path().join("s.md"));
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(
        json!({"workspace": {"configuration": true}}),
        json!({"debounceMs": 0, "rules": {"vague-commitment": "error"}}),
    );
    // The server asks for its section; no settings there: initializationOptions stand,
    // and by default the file wins where both name a rule.
    let ask = c.wait_request("workspace/configuration");
    assert_eq!(ask["params"]["items"][0]["section"], "answerlint", "{ask}");
    c.respond(&ask["id"], json!([null]));
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(
        severity_of(&diags, "vague-commitment"),
        Some(3),
        "{diags:?}"
    );
    assert_eq!(severity_of(&diags, "hedged-figure"), None, "{diags:?}");

    // editorFirst: the editor's level wins; the file still turns hedged-figure off.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let ask = c.wait_request("workspace/configuration");
    c.respond(
        &ask["id"],
        json!([{"configurationPreference": "editorFirst"}]),
    );
    let p = c.wait_for("textDocument/publishDiagnostics", |p| {
        severity_of(p["diagnostics"].as_array().unwrap(), "vague-commitment") == Some(1)
    });
    let diags = p["diagnostics"].as_array().unwrap();
    assert_eq!(severity_of(diags, "hedged-figure"), None, "{diags:?}");

    // editorOnly: answerlint.toml is not read at all.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let ask = c.wait_request("workspace/configuration");
    c.respond(
        &ask["id"],
        json!([{"configurationPreference": "editorOnly", "rules": {"vague-commitment": "warning"}}]),
    );
    let p = c.wait_for("textDocument/publishDiagnostics", |p| {
        severity_of(p["diagnostics"].as_array().unwrap(), "vague-commitment") == Some(2)
    });
    let diags = p["diagnostics"].as_array().unwrap();
    assert!(severity_of(diags, "hedged-figure").is_some(), "{diags:?}");

    // A setting that names no rule is reported; the last good settings stay.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let ask = c.wait_request("workspace/configuration");
    c.respond(&ask["id"], json!([{"rules": {"no-such-rule": "off"}}]));
    let msg = c.wait_for("window/showMessage", |_| true);
    assert!(
        msg["message"]
            .as_str()
            .unwrap()
            .contains("unknown rule `no-such-rule`"),
        "{msg}"
    );
    assert_eq!(c.finish(), 0);

    // A client that cannot answer workspace/configuration sends the settings along.
    let mut c = Client::start(&["--no-model"], &[]);
    c.initialize(
        json!({}),
        json!({"debounceMs": 0, "configurationPreference": "editorOnly"}),
    );
    c.open(&uri, "markdown", SCRIPT);
    let diags = c.diagnostics(&uri, 1);
    // The rule's own level (error), not the file's info.
    assert_eq!(
        severity_of(&diags, "vague-commitment"),
        Some(1),
        "{diags:?}"
    );
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"answerlint": {"rules": {"vague-commitment": "off"}}}}),
    );
    let p = c.wait_for("textDocument/publishDiagnostics", |p| {
        severity_of(p["diagnostics"].as_array().unwrap(), "vague-commitment").is_none()
    });
    let diags = p["diagnostics"].as_array().unwrap();
    assert!(severity_of(diags, "hedged-figure").is_some(), "{diags:?}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn a_request_cancelled_while_queued_is_answered_request_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("q.md"));
    let mut c = Client::start(&["--no-model"], &[("ANSWERLINT_SERVER_TEST_BLOCK", "1")]);
    c.initialize(json!({}), json!({"debounceMs": 0}));
    c.open(&uri, "markdown", SCRIPT);
    c.diagnostics(&uri, 1);
    let (line, col) = utf16_position(SCRIPT, SCRIPT.find("您放心").unwrap());
    let hover = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col}});
    // A slow request (the test hook answers once the server has read the cancellation),
    // a hover queued behind it, and the hover's cancellation.
    c.send(
        json!({"jsonrpc": "2.0", "id": 100, "method": "answerlint/block", "params": {"cancels": 1}}),
    );
    c.send(json!({"jsonrpc": "2.0", "id": 101, "method": "textDocument/hover", "params": hover}));
    c.notify("$/cancelRequest", json!({"id": 101}));
    assert_eq!(c.response(100)["result"], Value::Null);
    let r = c.response(101);
    assert_eq!(r["error"]["code"], -32800, "{r}");
    assert!(r.get("result").is_none(), "{r}");
    // Cancelling what was answered already changes nothing; the server goes on.
    c.notify("$/cancelRequest", json!({"id": 100}));
    let r = c.request("textDocument/hover", hover);
    assert!(
        r["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("vague-commitment"),
        "{r}"
    );
    assert_eq!(c.finish(), 0);
}
