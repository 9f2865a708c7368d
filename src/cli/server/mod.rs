//! `answerlint server`: a language server (LSP over stdio) on the library's in-memory
//! engine ([`Linter::lint_buffer`]). Part of the binary: it owns stdin and stdout.
//!
//! One thread handles messages and lints, in order; the `lsp-server` crate's threads
//! read and write the stream, and one more loads the sentence model at start-up. Until
//! the model is ready, documents get the lexicon, pattern and structure findings; when
//! it is, every open document is linted again with it and its full set replaces the
//! first. The model keeps the embeddings of sentences it has seen
//! ([`answerlint::model::Model::embed_batched`]), so an edit embeds only the sentences
//! that changed. Changes are linted after `debounce` without another change, and the
//! findings pushed (`textDocument/publishDiagnostics`), or, to clients that pull them,
//! given when asked (`textDocument/diagnostic`). Configuration files are read again when
//! the client reports a change, or when a look every [`POLL`] sees one (clients that
//! cannot watch files). Messages that arrive while one is handled are queued, so that a
//! `$/cancelRequest` can still take back a request waiting in the queue. The editor's
//! settings (`rules`, `configurationPreference`) come from initializationOptions and
//! `workspace/configuration`, and are merged into every configuration by the engine
//! ([`answerlint::config::RuleLevels`]).

mod text;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use answerlint::config::{Level, RuleLevels};
use answerlint::diagnostic::{Applicability, Diagnostic, RuleId, Severity, Source};
use answerlint::engine::{Linter, Outcome, Resolved, Settings};
use answerlint::fix::FixMode;
use answerlint::model::DeviceChoice;
use answerlint::rules::Scorer;
use crossbeam_channel::{never, select, Receiver};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::{json, Value};

use super::args::ServerArgs;
use super::Terminal;
use text::{Lines, Units};

/// Longer documents are linted without the sentence model: its first pass over one
/// embeds every sentence (about 100 a second on a CPU), and the server answers nothing
/// else meanwhile. Answer scripts are a few KiB.
const MODEL_MAX_BYTES: usize = 64 * 1024;

/// The linter for a text of `len` bytes: with the model once it is loaded, unless the
/// text is over [`MODEL_MAX_BYTES`].
fn pick<'a>(full: &'a mut Option<Linter>, fast: &'a mut Linter, len: usize) -> &'a mut Linter {
    match full {
        Some(l) if len <= MODEL_MAX_BYTES => l,
        _ => fast,
    }
}

/// The code action kind of "fix all" (safe fixes only).
const FIX_ALL: &str = "source.fixAll.answerlint";

/// What the command line and the editor's initializationOptions decide.
#[derive(Debug, Clone)]
struct Options {
    no_model: bool,
    model_dir: PathBuf,
    device: DeviceChoice,
    debounce: Duration,
    /// Rule levels from the editor's settings (`rules`).
    rules: BTreeMap<String, Level>,
    preference: Preference,
}

/// `configurationPreference`: how the editor's rule levels and answerlint.toml combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preference {
    /// The editor's levels win where both name a rule.
    EditorFirst,
    /// answerlint.toml's levels win where both name a rule (the default).
    FilesystemFirst,
    /// answerlint.toml files are not read at all.
    EditorOnly,
}

impl Options {
    fn new(args: &ServerArgs, term: Terminal) -> Options {
        Options {
            no_model: args.no_model || term.no_model_env,
            model_dir: args
                .model_dir
                .clone()
                .unwrap_or_else(answerlint::model::default_model_dir),
            device: args.device,
            debounce: Duration::from_millis(args.debounce_ms),
            rules: BTreeMap::new(),
            preference: Preference::FilesystemFirst,
        }
    }

    /// The settings an editor may change while the server runs (`initializationOptions`
    /// or the `answerlint` section of `workspace/configuration`): `rules` (rule id →
    /// "off", "info", "warning" or "error") and `configurationPreference`
    /// ("editorFirst", "filesystemFirst", "editorOnly"). `origin` names where they come
    /// from, for errors.
    fn apply_settings(
        &mut self,
        map: &serde_json::Map<String, Value>,
        origin: &str,
    ) -> Result<(), String> {
        if let Some(v) = map.get("rules") {
            let Some(rules) = v.as_object() else {
                return Err(format!(
                    "{origin}.rules must be an object of rule ids and levels"
                ));
            };
            let mut out = BTreeMap::new();
            for (id, level) in rules {
                if RuleId::from_name(id).is_none() {
                    return Err(format!("{origin}.rules: unknown rule `{id}`"));
                }
                let level: Level = serde_json::from_value(level.clone()).map_err(|_| {
                    format!(
                        "{origin}.rules.{id} must be \"off\", \"info\", \"warning\" or \"error\""
                    )
                })?;
                out.insert(id.clone(), level);
            }
            self.rules = out;
        }
        if let Some(v) = map.get("configurationPreference") {
            self.preference = match v.as_str() {
                Some("editorFirst") => Preference::EditorFirst,
                Some("filesystemFirst") => Preference::FilesystemFirst,
                Some("editorOnly") => Preference::EditorOnly,
                _ => {
                    return Err(format!(
                        "{origin}.configurationPreference must be \"editorFirst\", \"filesystemFirst\" or \"editorOnly\""
                    ))
                }
            };
        }
        Ok(())
    }

    /// A linter with the editor's rule levels merged into every configuration as
    /// `preference` says.
    fn linter(&self) -> Result<Linter, answerlint::config::ConfigError> {
        let levels = RuleLevels {
            rules: self.rules.clone(),
            win: self.preference != Preference::FilesystemFirst,
        };
        let fixed = (self.preference == Preference::EditorOnly).then(|| {
            Arc::new(Resolved::from_config(
                answerlint::config::Config::default().with_levels(&levels),
            ))
        });
        let linter = Linter::new(Settings {
            levels,
            ..Default::default()
        })?;
        Ok(match fixed {
            Some(r) => linter.with_fixed_config(r),
            None => linter,
        })
    }

    /// initializationOptions: `noModel` (bool), `modelDir` (string), `device`
    /// ("auto", "cpu", "cuda"), `debounceMs` (number). Unknown keys are ignored; a value
    /// of the wrong type is an error.
    fn apply(&mut self, init: &Value) -> Result<(), String> {
        let Some(map) = init.as_object() else {
            return if init.is_null() {
                Ok(())
            } else {
                Err("initializationOptions must be an object".into())
            };
        };
        let wrong = |key: &str, what: &str| format!("initializationOptions.{key} must be {what}");
        if let Some(v) = map.get("noModel") {
            self.no_model = v
                .as_bool()
                .ok_or_else(|| wrong("noModel", "true or false"))?;
        }
        if let Some(v) = map.get("modelDir") {
            self.model_dir = PathBuf::from(v.as_str().ok_or_else(|| wrong("modelDir", "a path"))?);
        }
        if let Some(v) = map.get("device") {
            self.device = match v.as_str() {
                Some("auto") => DeviceChoice::Auto,
                Some("cpu") => DeviceChoice::Cpu,
                Some("cuda") => DeviceChoice::Cuda,
                _ => return Err(wrong("device", "\"auto\", \"cpu\" or \"cuda\"")),
            };
        }
        if let Some(v) = map.get("debounceMs") {
            let ms = v
                .as_u64()
                .ok_or_else(|| wrong("debounceMs", "a whole number of milliseconds"))?;
            self.debounce = Duration::from_millis(ms);
        }
        self.apply_settings(map, "initializationOptions")
    }
}

/// An open document.
struct Doc {
    uri: lsp::Uri,
    version: i32,
    text: String,
    /// Where its configuration is looked up (a `file:` URI's path; other schemes: a name
    /// in the working directory).
    path: PathBuf,
    markdown: bool,
    /// The findings for `text` when `due` is `None`.
    diags: Vec<Diagnostic>,
    /// Its readiness score, per question too (for hover on a question).
    score: Option<answerlint::structure::score::Score>,
    /// When to lint it again (a change not linted yet).
    due: Option<Instant>,
    /// The last problem shown for it (a broken answerlint.toml), to say it once.
    problem: Option<String>,
    /// Whether we said that it is too long for the model.
    big_noted: bool,
}

struct Server<'c> {
    conn: &'c Connection,
    units: Units,
    /// The options as the command line and initializationOptions left them.
    base: Options,
    /// `base` with the editor's latest `workspace/configuration` answer applied.
    opts: Options,
    /// The client answers `workspace/configuration`; the id of our request waiting for
    /// its answer.
    pull_config: bool,
    config_request: Option<lsp_server::RequestId>,
    docs: HashMap<lsp::Uri, Doc>,
    /// Without the model, until it is loaded (and when it cannot be).
    fast: Linter,
    /// With the model, once it is loaded.
    full: Option<Linter>,
    scorer: Option<Arc<dyn Scorer>>,
    shutdown: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`) instead of being sent
    /// them, and may be asked to pull again (`workspace/diagnostic/refresh`).
    pull: bool,
    refresh: bool,
    /// The client shows a finding's related places (`relatedInformation`).
    related: bool,
    /// Requests we sent, for their ids.
    sent: u64,
    /// The client can create files in a workspace edit (a new answerlint.toml).
    create_files: bool,
    /// The client does not watch files for us: look at the configuration files of the
    /// open documents every [`POLL`] instead.
    poll: bool,
    next_poll: Instant,
    stamps: Vec<ConfigStamp>,
    /// Messages read but not handled yet: everything that arrived while the last one was
    /// handled, so that a `$/cancelRequest` finds its request still waiting.
    queue: VecDeque<Message>,
    /// The client's messages, as read ([`forward`]).
    incoming: Receiver<Message>,
    /// How many `$/cancelRequest` notifications have been read.
    cancels: Arc<AtomicUsize>,
    /// The client's stream ended (without `exit`).
    ended: bool,
}

/// How often the configuration files are looked at when the client does not watch them.
const POLL: Duration = Duration::from_secs(2);

/// A configuration file in use, with its modification time and size.
type ConfigStamp = (PathBuf, Option<(Option<std::time::SystemTime>, u64)>);

/// Runs the server until the client says exit; returns the exit code: 0 after
/// `shutdown` then `exit`, 1 when `exit` came without `shutdown` or the stream ended.
pub fn run(args: ServerArgs, term: Terminal) -> i32 {
    let (conn, io) = Connection::stdio();
    let code = match serve(&conn, Options::new(&args, term)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("answerlint server: {e}");
            return 1;
        }
    };
    drop(conn);
    // The reader stops after `exit` or at the end of stdin; the writer once all is sent.
    if let Err(e) = io.join() {
        eprintln!("answerlint server: {e}");
    }
    code
}

fn serve(conn: &Connection, mut opts: Options) -> Result<i32, String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    // The spec's `workspace.diagnostics` (lsp-types reads `diagnostic`).
    let refresh = ["diagnostics", "diagnostic"]
        .iter()
        .any(|k| params["capabilities"]["workspace"][k]["refreshSupport"] == Value::Bool(true));
    // Pushed or pulled, whichever the client does.
    let related = ["publishDiagnostics", "diagnostic"].iter().any(|k| {
        params["capabilities"]["textDocument"][k]["relatedInformation"] == Value::Bool(true)
    });
    let params: lsp::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("initialize: {e}"))?;
    let problem = params
        .initialization_options
        .as_ref()
        .and_then(|v| opts.apply(v).err());
    let utf8 = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&lsp::PositionEncodingKind::UTF8));
    let units = if utf8 { Units::Utf8 } else { Units::Utf16 };
    let create_files = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.workspace_edit.as_ref())
        .and_then(|e| e.resource_operations.as_ref())
        .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Create));
    // Clients that pull diagnostics get them only when they ask: pushed as well, they
    // would show each finding twice.
    let pull = params
        .capabilities
        .text_document
        .as_ref()
        .is_some_and(|t| t.diagnostic.is_some());

    let caps = lsp::ServerCapabilities {
        position_encoding: Some(if utf8 {
            lsp::PositionEncodingKind::UTF8
        } else {
            lsp::PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        diagnostic_provider: pull.then(|| {
            lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                identifier: Some("answerlint".into()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: Default::default(),
            })
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::REFACTOR_REWRITE,
                    lsp::CodeActionKind::new(FIX_ALL),
                ]),
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            },
        )),
        ..Default::default()
    };
    let result = json!({
        "capabilities": caps,
        "serverInfo": {"name": "answerlint", "version": env!("CARGO_PKG_VERSION")},
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;

    let fast = opts.linter().map_err(|e| e.to_string())?;
    let pull_config = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.configuration)
        .unwrap_or(false);
    let cancels = Arc::new(AtomicUsize::new(0));
    let mut server = Server {
        conn,
        units,
        base: opts.clone(),
        opts,
        pull_config,
        config_request: None,
        docs: HashMap::new(),
        fast,
        full: None,
        scorer: None,
        shutdown: false,
        pull,
        refresh,
        related,
        sent: 0,
        create_files,
        poll: false,
        next_poll: Instant::now(),
        stamps: Vec::new(),
        queue: VecDeque::new(),
        incoming: forward(conn.receiver.clone(), cancels.clone()),
        cancels,
        ended: false,
    };
    if let Some(p) = problem {
        server.show(lsp::MessageType::ERROR, &p);
    }
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if watch {
        server.watch_configs();
    } else {
        server.poll = true;
    }
    server.ask_settings();
    let model = if server.opts.no_model {
        never()
    } else {
        load_in_background(server.opts.model_dir.clone(), server.opts.device)
    };
    Ok(server.main_loop(model))
}

type Loaded = Result<Arc<dyn Scorer>, String>;

/// The messages of lsp-server's channel moved into an unbounded one as they are read.
/// lsp-server's reader hands over one message at a time (a channel without capacity), so
/// without this nothing would wait behind a request being handled, and a cancellation
/// could not find its request in the queue.
/// `cancels` counts the `$/cancelRequest` notifications read (for a test hook).
fn forward(from: Receiver<Message>, cancels: Arc<AtomicUsize>) -> Receiver<Message> {
    let direct = from.clone();
    let (tx, rx) = crossbeam_channel::unbounded();
    let spawned = std::thread::Builder::new()
        .name("answerlint-incoming".into())
        .spawn(move || {
            for msg in from {
                if matches!(&msg, Message::Notification(n) if n.method == "$/cancelRequest") {
                    cancels.fetch_add(1, Ordering::SeqCst);
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
    match spawned {
        Ok(_) => rx,
        // No thread: read lsp-server's channel directly (nothing can be cancelled).
        Err(_) => direct,
    }
}

/// Loads the sentence model on its own thread; the result arrives on the channel. It is
/// never installed from here (`answerlint model install` does that).
fn load_in_background(dir: PathBuf, choice: DeviceChoice) -> Receiver<Loaded> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let spawned = std::thread::Builder::new()
        .name("answerlint-model".into())
        .spawn(move || {
            let loaded = catch_unwind(AssertUnwindSafe(|| -> Loaded {
                let (device, note) =
                    answerlint::model::resolve_device(choice).map_err(|e| e.to_string())?;
                let mut m =
                    answerlint::model::Model::load(&dir, &device).map_err(|e| e.to_string())?;
                m.notes.extend(note);
                Ok(Arc::new(m) as Arc<dyn Scorer>)
            }))
            .unwrap_or_else(|_| Err("the model loader panicked".into()));
            let _ = tx.send(loaded);
        });
    if spawned.is_err() {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let _ = tx.send(Err("cannot start the model thread".into()));
        return rx;
    }
    rx
}

/// A panic's message, for the log.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

impl Server<'_> {
    fn main_loop(&mut self, mut model: Receiver<Loaded>) -> i32 {
        loop {
            match self.next_message(&mut model) {
                Some(msg) => {
                    if let Some(code) = self.handle(msg) {
                        return code;
                    }
                }
                None if self.ended => return 1,
                None => {}
            }
            if self.poll && Instant::now() >= self.next_poll {
                self.next_poll = Instant::now() + POLL;
                let stamps = self.config_stamps();
                if stamps != self.stamps {
                    self.stamps = stamps;
                    self.log(lsp::MessageType::INFO, "answerlint.toml changed: reloaded");
                    self.rebuild_linters();
                }
            }
            self.lint_due();
        }
    }

    /// The next message to handle, once everything that has arrived is queued (and the
    /// requests cancelled meanwhile answered); with nothing queued, waits for a message,
    /// the model, or the next document due. `None` when there is no message to handle
    /// now, or when the stream has ended ([`Server::ended`]).
    fn next_message(&mut self, model: &mut Receiver<Loaded>) -> Option<Message> {
        if self.queue.is_empty() {
            let poll = (self.poll && !self.docs.is_empty()).then_some(self.next_poll);
            let wait = self
                .docs
                .values()
                .filter_map(|d| d.due)
                .chain(poll)
                .min()
                .map_or(Duration::from_secs(3600), |t| {
                    t.saturating_duration_since(Instant::now())
                });
            select! {
                recv(self.incoming) -> msg => match msg {
                    Ok(msg) => self.enqueue(msg),
                    // The stream ended without `exit`.
                    Err(_) => {
                        self.ended = true;
                        return None;
                    }
                },
                recv(model) -> loaded => {
                    *model = never();
                    self.model_loaded(loaded.unwrap_or_else(|_| Err("the model thread ended".into())));
                }
                default(wait) => {}
            }
        }
        while let Ok(msg) = self.incoming.try_recv() {
            self.enqueue(msg);
        }
        self.queue.pop_front()
    }

    /// Queues a message; a `$/cancelRequest` for a request still queued answers it
    /// RequestCancelled instead (one being handled cannot be stopped: requests are
    /// handled one at a time on this thread).
    fn enqueue(&mut self, msg: Message) {
        let Message::Notification(n) = &msg else {
            self.queue.push_back(msg);
            return;
        };
        if n.method != "$/cancelRequest" {
            self.queue.push_back(msg);
            return;
        }
        let Ok(p) = serde_json::from_value::<lsp::CancelParams>(n.params.clone()) else {
            return;
        };
        let id = match p.id {
            lsp::NumberOrString::Number(n) => lsp_server::RequestId::from(n),
            lsp::NumberOrString::String(s) => lsp_server::RequestId::from(s),
        };
        let queued = self
            .queue
            .iter()
            .position(|m| matches!(m, Message::Request(r) if r.id == id));
        if let Some(i) = queued {
            self.queue.remove(i);
            self.send(Message::Response(Response::new_err(
                id,
                ErrorCode::RequestCanceled as i32,
                "cancelled".into(),
            )));
        }
    }

    fn send(&self, msg: Message) {
        let _ = self.conn.sender.send(msg);
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    fn log(&self, typ: lsp::MessageType, message: &str) {
        self.notify(
            "window/logMessage",
            lsp::LogMessageParams {
                typ,
                message: message.to_string(),
            },
        );
    }

    fn show(&self, typ: lsp::MessageType, message: &str) {
        self.notify(
            "window/showMessage",
            lsp::ShowMessageParams {
                typ,
                message: format!("answerlint: {message}"),
            },
        );
    }

    /// Asks the client to tell us when an answerlint.toml changes.
    fn watch_configs(&mut self) {
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String("**/answerlint.toml".into()),
                kind: None,
            }],
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "answerlint-config-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.request_client("client/registerCapability", params);
    }

    /// Sends a request to the client (its answer is not waited for); its id.
    fn request_client(
        &mut self,
        method: &str,
        params: impl serde::Serialize,
    ) -> lsp_server::RequestId {
        self.sent += 1;
        let id = lsp_server::RequestId::from(format!("answerlint-{}", self.sent));
        self.send(Message::Request(Request::new(
            id.clone(),
            method.into(),
            params,
        )));
        id
    }

    /// Asks the client for its `answerlint` settings, when it can answer.
    fn ask_settings(&mut self) {
        if self.pull_config {
            let params = lsp::ConfigurationParams {
                items: vec![lsp::ConfigurationItem {
                    scope_uri: None,
                    section: Some("answerlint".into()),
                }],
            };
            self.config_request = Some(self.request_client("workspace/configuration", params));
        }
    }

    /// The editor's settings (the `answerlint` section) replace the last ones: the
    /// linters are built again and every open document linted again. A setting the
    /// section does not hold is as initializationOptions (or the command line) left it.
    fn settings_changed(&mut self, section: &Value) {
        // Some clients answer with all their settings for the server, the section inside.
        let section = section.get("answerlint").unwrap_or(section);
        let mut opts = self.base.clone();
        if let Some(map) = section.as_object() {
            if let Err(e) = opts.apply_settings(map, "settings answerlint") {
                self.show(lsp::MessageType::ERROR, &e);
                return;
            }
        } else if !section.is_null() {
            self.show(
                lsp::MessageType::ERROR,
                "settings answerlint must be an object",
            );
            return;
        }
        let changed = opts.rules != self.opts.rules || opts.preference != self.opts.preference;
        self.opts = opts;
        if changed {
            self.log(lsp::MessageType::INFO, "settings changed: linting again");
            self.rebuild_linters();
        }
    }

    fn model_loaded(&mut self, loaded: Loaded) {
        match loaded {
            Ok(scorer) => {
                for note in scorer.notes() {
                    self.log(lsp::MessageType::INFO, &note);
                }
                self.log(lsp::MessageType::INFO, "sentence model loaded");
                self.scorer = Some(scorer);
                self.rebuild_linters();
            }
            Err(e) => self.show(
                lsp::MessageType::WARNING,
                &format!(
                    "sentence model unavailable ({e}); lexicon and pattern rules only \
                     (initializationOptions noModel: true silences this)"
                ),
            ),
        }
    }

    /// The configuration files that apply to the open documents, as they are on disk now.
    fn config_stamps(&self) -> Vec<ConfigStamp> {
        let mut out: Vec<ConfigStamp> = self
            .docs
            .values()
            .filter_map(|d| {
                let abs = std::path::absolute(&d.path).ok()?;
                let dir = abs.parent()?;
                let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
                let p = answerlint::config::Config::find(&dir)?;
                let m = std::fs::metadata(&p)
                    .ok()
                    .map(|m| (m.modified().ok(), m.len()));
                Some((p, m))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// New linters (configurations read afresh), and every open document linted again.
    fn rebuild_linters(&mut self) {
        match self.opts.linter() {
            Ok(l) => self.fast = l,
            Err(e) => self.show(lsp::MessageType::ERROR, &e.to_string()),
        }
        self.full = self
            .scorer
            .clone()
            .and_then(|s| self.opts.linter().ok().map(|l| l.with_scorer(s)));
        let now = Instant::now();
        for d in self.docs.values_mut() {
            d.due = Some(now);
        }
        if self.pull && self.refresh {
            self.request_client("workspace/diagnostic/refresh", Value::Null);
        }
    }

    /// Handles one message; `Some(code)` when the server should exit.
    fn handle(&mut self, msg: Message) -> Option<i32> {
        match msg {
            Message::Request(req) => {
                let id = req.id.clone();
                let method = req.method.clone();
                let resp =
                    catch_unwind(AssertUnwindSafe(|| self.request(req))).unwrap_or_else(|p| {
                        let text = panic_text(&*p);
                        self.log(
                            lsp::MessageType::ERROR,
                            &format!("internal error in {method}: {text}"),
                        );
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("answerlint: internal error in {method}: {text}"),
                        )
                    });
                self.send(Message::Response(resp));
                None
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Some(if self.shutdown { 0 } else { 1 });
                }
                let method = n.method.clone();
                if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.notification(n))) {
                    self.log(
                        lsp::MessageType::ERROR,
                        &format!("internal error in {method}: {}", panic_text(&*p)),
                    );
                }
                None
            }
            // Answers to our requests: the editor's settings; nothing to do for the
            // others (the watcher registration, refresh).
            Message::Response(r) => {
                if self.config_request.as_ref() == Some(&r.id) {
                    self.config_request = None;
                    match r.response_result {
                        Ok(v) => self.settings_changed(v.get(0).unwrap_or(&Value::Null)),
                        Err(e) => self.log(
                            lsp::MessageType::WARNING,
                            &format!("workspace/configuration failed: {}", e.message),
                        ),
                    }
                }
                None
            }
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        if self.shutdown {
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            );
        }
        let result: Result<Value, String> = match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => parse(req.params)
                .map(|p| self.code_actions(p))
                .and_then(to_value),
            "textDocument/hover" => parse(req.params).map(|p| self.hover(p)).and_then(to_value),
            "textDocument/diagnostic" => parse::<lsp::DocumentDiagnosticParams>(req.params)
                .map(|p| self.pulled(&p.text_document.uri)),
            // Only for the tests: stands for a slow request (a long lint), answered once
            // the server has read `cancels` cancellations in all (or after a minute), so
            // that requests sent after it are still queued when their cancellation comes.
            "answerlint/block" if std::env::var_os("ANSWERLINT_SERVER_TEST_BLOCK").is_some() => {
                let n = req.params["cancels"].as_u64().unwrap_or(0) as usize;
                let until = Instant::now() + Duration::from_secs(60);
                while self.cancels.load(Ordering::SeqCst) < n && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(Value::Null)
            }
            // Only for the tests: shows that a panic in one request leaves the server up.
            "answerlint/panic" if std::env::var_os("ANSWERLINT_SERVER_TEST_PANIC").is_some() => {
                panic!("panic requested by the test")
            }
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("unknown method {}", req.method),
                )
            }
        };
        match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e),
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = parse::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    let path = doc_path(&d.uri);
                    let markdown = is_markdown(&d.language_id, &path);
                    self.docs.insert(
                        d.uri.clone(),
                        Doc {
                            uri: d.uri,
                            version: d.version,
                            text: d.text,
                            path,
                            markdown,
                            diags: Vec::new(),
                            score: None,
                            due: Some(Instant::now()),
                            problem: None,
                            big_noted: false,
                        },
                    );
                    if self.poll {
                        // A configuration first used now is read now: the baseline for
                        // it (the others keep theirs, so a change to them still shows).
                        let known: Vec<PathBuf> = self.stamps.iter().map(|s| s.0.clone()).collect();
                        let new: Vec<ConfigStamp> = self
                            .config_stamps()
                            .into_iter()
                            .filter(|s| !known.contains(&s.0))
                            .collect();
                        self.stamps.extend(new);
                        self.stamps.sort();
                    }
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = parse::<lsp::DidChangeTextDocumentParams>(n.params) {
                    let due = Instant::now() + self.opts.debounce;
                    if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                        for c in p.content_changes {
                            text::apply_change(&mut doc.text, c.range, &c.text, self.units);
                        }
                        doc.version = p.text_document.version;
                        doc.due = Some(due);
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = parse::<lsp::DidCloseTextDocumentParams>(n.params) {
                    if self.docs.remove(&p.text_document.uri).is_some() && !self.pull {
                        self.notify(
                            "textDocument/publishDiagnostics",
                            lsp::PublishDiagnosticsParams {
                                uri: p.text_document.uri,
                                diagnostics: Vec::new(),
                                version: None,
                            },
                        );
                    }
                    if self.poll {
                        // Configurations no open document uses any more are not watched;
                        // the others keep their stamps, so a change to them still shows.
                        let used = self.config_stamps();
                        self.stamps.retain(|s| used.iter().any(|u| u.0 == s.0));
                    }
                }
            }
            "workspace/didChangeConfiguration" => {
                // Clients that answer workspace/configuration are asked; the others may
                // send the settings along.
                if self.pull_config {
                    self.ask_settings();
                } else if let Ok(p) = parse::<lsp::DidChangeConfigurationParams>(n.params) {
                    if let Some(section) = p.settings.get("answerlint") {
                        self.settings_changed(&section.clone());
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = parse::<lsp::DidChangeWatchedFilesParams>(n.params) {
                    if p.changes
                        .iter()
                        .any(|c| c.uri.as_str().ends_with("/answerlint.toml"))
                    {
                        self.log(lsp::MessageType::INFO, "answerlint.toml changed: reloaded");
                        self.rebuild_linters();
                    }
                }
            }
            // `$/cancelRequest` is handled as messages are queued ([`Server::enqueue`]).
            _ => {}
        }
    }

    /// Lints the documents whose change has waited long enough.
    fn lint_due(&mut self) {
        let now = Instant::now();
        let due: Vec<lsp::Uri> = self
            .docs
            .values()
            .filter(|d| d.due.is_some_and(|t| t <= now))
            .map(|d| d.uri.clone())
            .collect();
        for uri in due {
            if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.lint(&uri))) {
                self.log(
                    lsp::MessageType::ERROR,
                    &format!(
                        "internal error linting {}: {}",
                        uri.as_str(),
                        panic_text(&*p)
                    ),
                );
                if let Some(d) = self.docs.get_mut(&uri) {
                    d.due = None;
                    d.diags.clear();
                }
            }
        }
    }

    /// Lints a document now (with the model when it is loaded) and publishes the result.
    fn lint(&mut self, uri: &lsp::Uri) {
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        let linter = pick(&mut self.full, &mut self.fast, doc.text.len());
        let outcome = linter.lint_buffer(&doc.path, doc.text.clone(), doc.markdown);
        let mut notices = linter.take_notices();
        if self.full.is_some() && doc.text.len() > MODEL_MAX_BYTES && !doc.big_noted {
            doc.big_noted = true;
            notices.push(format!(
                "{}: over {} KiB, linted without the sentence model (lexicon, patterns, structure)",
                doc.path.display(),
                MODEL_MAX_BYTES / 1024
            ));
        }
        doc.due = None;
        let mut problem = None;
        doc.score = None;
        doc.diags = match outcome {
            Outcome::Linted(r) => {
                doc.score = r.score;
                r.diagnostics
            }
            Outcome::Skipped { reason, .. } => {
                problem = Some((lsp::MessageType::WARNING, format!("not checked: {reason}")));
                Vec::new()
            }
            Outcome::Error { message, .. } => {
                problem = Some((lsp::MessageType::ERROR, message));
                Vec::new()
            }
        };
        let say = match &problem {
            Some((_, m)) if doc.problem.as_ref() != Some(m) => problem.clone(),
            _ => None,
        };
        doc.problem = problem.map(|(_, m)| m);
        for n in notices {
            self.log(lsp::MessageType::WARNING, &n);
        }
        if let Some((typ, m)) = say {
            self.show(typ, &format!("{}: {m}", self.docs[uri].path.display()));
        }
        if !self.pull {
            self.publish(uri);
        }
    }

    /// The answer to `textDocument/diagnostic`: the document's findings, linted now if a
    /// change is waiting.
    fn pulled(&mut self, uri: &lsp::Uri) -> Value {
        self.fresh(uri);
        let items: Vec<lsp::Diagnostic> = self.docs.get(uri).map_or_else(Vec::new, |doc| {
            let lines = Lines::new(&doc.text);
            doc.diags
                .iter()
                .map(|d| self.diag(doc, &lines, d))
                .collect()
        });
        json!({"kind": "full", "items": items})
    }

    fn publish(&self, uri: &lsp::Uri) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let lines = Lines::new(&doc.text);
        let diagnostics = doc
            .diags
            .iter()
            .map(|d| self.diag(doc, &lines, d))
            .collect();
        self.notify(
            "textDocument/publishDiagnostics",
            lsp::PublishDiagnosticsParams {
                uri: doc.uri.clone(),
                diagnostics,
                version: Some(doc.version),
            },
        );
    }

    /// Lints a document now if a change is waiting, so that its findings match its text.
    fn fresh(&mut self, uri: &lsp::Uri) {
        if self.docs.get(uri).is_some_and(|d| d.due.is_some()) {
            self.lint(uri);
        }
    }

    /// A finding of `doc` as the editor gets it, with the places it refers to when the
    /// client shows them.
    fn diag(&self, doc: &Doc, lines: &Lines, d: &Diagnostic) -> lsp::Diagnostic {
        let mut out = to_lsp(d, &doc.text, lines, self.units);
        if self.related && !d.related.is_empty() {
            out.related_information = Some(
                d.related
                    .iter()
                    .filter(|r| {
                        r.span.start <= r.span.end
                            && r.span.end <= doc.text.len()
                            && doc.text.is_char_boundary(r.span.start)
                            && doc.text.is_char_boundary(r.span.end)
                    })
                    .map(|r| lsp::DiagnosticRelatedInformation {
                        location: lsp::Location {
                            uri: doc.uri.clone(),
                            range: lines.range(&doc.text, r.span.start, r.span.end, self.units),
                        },
                        message: r.message.clone(),
                    })
                    .collect(),
            );
        }
        out
    }

    fn edit(&self, uri: &lsp::Uri, edits: Vec<lsp::TextEdit>) -> lsp::WorkspaceEdit {
        lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }
    }

    fn code_actions(&mut self, p: lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let uri = p.text_document.uri;
        self.fresh(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return Vec::new();
        };
        let only = p.context.only;
        let wanted = |kind: &str| {
            only.as_ref().is_none_or(|o| {
                o.iter().any(|k| {
                    let k = k.as_str();
                    kind == k || kind.starts_with(&format!("{k}."))
                })
            })
        };
        let text = &doc.text;
        let lines = Lines::new(text);
        let a = lines.offset(text, p.range.start, self.units);
        let b = lines.offset(text, p.range.end, self.units);
        let mut out = Vec::new();
        let mut disabled: Vec<(usize, &str)> = Vec::new();
        for d in doc
            .diags
            .iter()
            .filter(|d| d.span.start <= b && a <= d.span.end)
        {
            let ld = self.diag(doc, &lines, d);
            for f in &d.fixes {
                let kind = match f.applicability {
                    Applicability::DisplayOnly => continue,
                    Applicability::Rewrite => lsp::CodeActionKind::REFACTOR_REWRITE,
                    Applicability::Safe | Applicability::Unsafe => lsp::CodeActionKind::QUICKFIX,
                };
                if !wanted(kind.as_str()) {
                    continue;
                }
                let edits = f
                    .edits
                    .iter()
                    .filter(|e| {
                        e.start <= e.end
                            && e.end <= text.len()
                            && text.is_char_boundary(e.start)
                            && text.is_char_boundary(e.end)
                    })
                    .map(|e| lsp::TextEdit {
                        range: lines.range(text, e.start, e.end, self.units),
                        new_text: e.content.clone(),
                    })
                    .collect::<Vec<_>>();
                if edits.len() != f.edits.len() {
                    continue;
                }
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: f.title.clone(),
                    kind: Some(kind),
                    diagnostics: Some(vec![ld.clone()]),
                    edit: Some(self.edit(&uri, edits)),
                    is_preferred: Some(f.applicability == Applicability::Safe),
                    ..Default::default()
                }));
            }
            // "Disable RULE for this line": once per rule and line.
            let line = lines.position(text, d.span.start, Units::Utf8).line as usize;
            if wanted("quickfix") && !disabled.contains(&(line, d.rule.as_str())) {
                disabled.push((line, d.rule.as_str()));
                if let Some(edit) = disable_line(text, &lines, line, d.rule.as_str(), doc.markdown)
                {
                    let range = lines.range(text, edit.0, edit.0, self.units);
                    out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: format!("Disable {} for this line", d.rule),
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![ld]),
                        edit: Some(self.edit(
                            &uri,
                            vec![lsp::TextEdit {
                                range,
                                new_text: edit.1,
                            }],
                        )),
                        is_preferred: Some(false),
                        ..Default::default()
                    }));
                }
            }
        }
        if wanted("quickfix") {
            for d in doc
                .diags
                .iter()
                .filter(|d| d.span.start <= b && a <= d.span.end)
            {
                if let Some(action) = self.exception_action(doc, d, &lines) {
                    out.push(lsp::CodeActionOrCommand::CodeAction(action));
                }
            }
        }
        let any_safe = doc.diags.iter().any(|d| {
            d.fixes
                .iter()
                .any(|f| f.applicability == Applicability::Safe)
        });
        if wanted(FIX_ALL) && any_safe {
            if let Some(edit) = self.fix_all(&uri) {
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: "Fix all safe answerlint problems".into(),
                    kind: Some(lsp::CodeActionKind::new(FIX_ALL)),
                    edit: Some(self.edit(&uri, vec![edit])),
                    ..Default::default()
                }));
            }
        }
        out
    }

    /// "Never flag this phrase": the finding's phrase added to `except` of its lexicon
    /// list in the document's answerlint.toml (the file's formatting kept), or in a new
    /// one beside the document when there is none and the client can create files.
    fn exception_action(
        &self,
        doc: &Doc,
        d: &Diagnostic,
        lines: &Lines,
    ) -> Option<lsp::CodeAction> {
        // Rules whose lexicon findings span exactly the phrase that matched.
        let list = match (d.source, d.rule) {
            (
                Source::Lexicon,
                RuleId::VagueCommitment | RuleId::VagueQuantity | RuleId::UnverifiableClaim,
            ) => d.rule.as_str(),
            _ => return None,
        };
        let phrase = doc.text.get(d.span.start..d.span.end)?.trim();
        if phrase.is_empty() || phrase.contains(['\n', '\r']) {
            return None;
        }
        let lang = if phrase
            .chars()
            .any(|c| ('\u{3400}'..='\u{9fff}').contains(&c))
        {
            "zh"
        } else {
            "en"
        };
        // answerlint.toml files are not read: an exception there would do nothing.
        if self.opts.preference == Preference::EditorOnly {
            return None;
        }
        let resolved = self.fast.config_for(&doc.path).ok()?;
        let title = |file: &std::path::Path| {
            format!(
                "Never flag “{phrase}”: add it to [lexicon.{lang}.{list}] except in {}",
                file.display()
            )
        };
        let diagnostics = Some(vec![self.diag(doc, lines, d)]);
        match &resolved.path {
            Some(path) => {
                let old = std::fs::read_to_string(path).ok()?;
                let new = add_exception(&old, lang, list, phrase)?;
                let (a, b, ins) = text::minimal_edit(&old, &new)?;
                let file_lines = Lines::new(&old);
                let uri = text::file_uri(path)?;
                Some(lsp::CodeAction {
                    title: title(path),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics,
                    edit: Some(self.edit(
                        &uri,
                        vec![lsp::TextEdit {
                            range: file_lines.range(&old, a, b, self.units),
                            new_text: ins.to_string(),
                        }],
                    )),
                    is_preferred: Some(false),
                    ..Default::default()
                })
            }
            None if self.create_files => {
                let path = doc.path.parent()?.join(answerlint::config::FILE_NAME);
                let uri = text::file_uri(&path)?;
                let new = add_exception("", lang, list, phrase)?;
                let ops = vec![
                    lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                        uri: uri.clone(),
                        options: Some(lsp::CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    })),
                    lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                            uri,
                            version: None,
                        },
                        edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                            range: lsp::Range::default(),
                            new_text: new,
                        })],
                    }),
                ];
                Some(lsp::CodeAction {
                    title: title(&path),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics,
                    edit: Some(lsp::WorkspaceEdit {
                        document_changes: Some(lsp::DocumentChanges::Operations(ops)),
                        ..Default::default()
                    }),
                    is_preferred: Some(false),
                    ..Default::default()
                })
            }
            None => None,
        }
    }

    /// The safe fixes of a document applied, linted again and applied again until
    /// nothing changes (as `answerlint fix` does), as one edit.
    fn fix_all(&mut self, uri: &lsp::Uri) -> Option<lsp::TextEdit> {
        let doc = self.docs.get(uri)?;
        let linter = pick(&mut self.full, &mut self.fast, doc.text.len());
        let mut text = doc.text.clone();
        let mut diags = doc.diags.clone();
        for _ in 0..answerlint::fix::MAX_ROUNDS {
            let (fixed, n) = answerlint::fix::apply(&text, &diags, FixMode::fixes(false));
            if n == 0 || fixed == text {
                break;
            }
            text = fixed;
            match linter.lint_buffer(&doc.path, text.clone(), doc.markdown) {
                Outcome::Linted(r) => diags = r.diagnostics,
                _ => break,
            }
        }
        let _ = linter.take_notices();
        let (a, b, new) = text::minimal_edit(&doc.text, &text)?;
        let lines = Lines::new(&doc.text);
        Some(lsp::TextEdit {
            range: lines.range(&doc.text, a, b, self.units),
            new_text: new.to_string(),
        })
    }

    fn hover(&mut self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let uri = p.text_document_position_params.text_document.uri;
        self.fresh(&uri);
        let doc = self.docs.get(&uri)?;
        let text = &doc.text;
        let lines = Lines::new(text);
        let at = lines.offset(text, p.text_document_position_params.position, self.units);
        let here: Vec<&Diagnostic> = doc
            .diags
            .iter()
            .filter(|d| d.span.start <= at && at <= d.span.end)
            .collect();
        let mut value = String::new();
        // On a question's line: its type and score (sections count lines from 1, by \n).
        let line = text[..at].matches('\n').count() + 1;
        let section = doc.score.as_ref().and_then(|score| {
            let s = score
                .sections
                .iter()
                .find(|s| s.line == line && !s.title.is_empty())?;
            Some(format!(
                "**{}**: type `{}`, {:.1}/5 (script: {:.0}/100; `answerlint explain score`)\n\n",
                s.title,
                s.kind.id(),
                s.score,
                score.total
            ))
        });
        let range = match (here.first(), &section) {
            (Some(d), _) => lines.range(text, d.span.start, d.span.end, self.units),
            (None, Some(_)) => {
                let (start, end) =
                    lines.bounds(text, lines.position(text, at, Units::Utf8).line as usize)?;
                lines.range(text, start, end, self.units)
            }
            (None, None) => return None,
        };
        value.push_str(section.as_deref().unwrap_or(""));
        let mut explained = Vec::new();
        for d in &here {
            value.push_str(&format!(
                "**{}** ({}): {}\n\n",
                d.rule,
                d.severity.as_str(),
                d.message
            ));
        }
        for d in &here {
            if explained.contains(&d.rule) {
                continue;
            }
            explained.push(d.rule);
            value.push_str("---\n\n");
            value.push_str(&answerlint::rules::get(d.rule).meta().docs());
            value.push('\n');
        }
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            }),
            range: Some(range),
        })
    }
}

/// A finding as the editor gets it: the message with the model's confidence (when the
/// finding is the model's) and the `help:` line.
fn to_lsp(d: &Diagnostic, text: &str, lines: &Lines, units: Units) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if d.source == Source::Model {
        if let Some(c) = d.confidence {
            message.push_str(&format!(" (sentence model, confidence {c:.2})"));
        }
    }
    if let Some(s) = &d.suggestion {
        message.push_str("\nhelp: ");
        message.push_str(s);
    }
    lsp::Diagnostic {
        range: lines.range(text, d.span.start, d.span.end, units),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.rule.as_str().to_string())),
        source: Some("answerlint".into()),
        message,
        ..Default::default()
    }
}

/// `config` (answerlint.toml's text) with `phrase` added to `[lexicon.LANG.LIST] except`,
/// everything else as it was (comments, order, spacing); `None` when the file does not
/// parse or holds those keys in another shape (an inline table, a string).
fn add_exception(config: &str, lang: &str, list: &str, phrase: &str) -> Option<String> {
    use toml_edit::{Array, DocumentMut, Item, Table};
    let mut doc: DocumentMut = config.parse().ok()?;
    let implicit = || {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    };
    let lexicon = doc
        .entry("lexicon")
        .or_insert_with(implicit)
        .as_table_mut()?;
    let by_lang = lexicon
        .entry(lang)
        .or_insert_with(implicit)
        .as_table_mut()?;
    let table = by_lang
        .entry(list)
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()?;
    let except = table
        .entry("except")
        .or_insert_with(|| toml_edit::value(Array::new()))
        .as_array_mut()?;
    if !except.iter().any(|v| v.as_str() == Some(phrase)) {
        except.push(phrase);
    }
    Some(doc.to_string())
}

/// The comment that disables `rule` on line `line`, and where it goes: a line of its own
/// above, with the line's indentation and line ending (Markdown: an HTML comment; plain
/// text: `#`), as `src/document/suppress.rs` reads them.
fn disable_line(
    text: &str,
    lines: &Lines,
    line: usize,
    rule: &str,
    markdown: bool,
) -> Option<(usize, String)> {
    let (start, end) = lines.bounds(text, line)?;
    let content = &text[start..end];
    let indent = &content[..content.len() - content.trim_start_matches([' ', '\t']).len()];
    let next = lines.bounds(text, line + 1).map_or(text.len(), |b| b.0);
    let eol = match &text[end..next] {
        "" => {
            // The last line: end the comment with the text's usual line ending.
            if text.contains("\r\n") {
                "\r\n"
            } else if text.contains('\r') && !text.contains('\n') {
                "\r"
            } else {
                "\n"
            }
        }
        e => e,
    };
    let comment = if markdown {
        format!("{indent}<!-- answerlint-disable-next-line {rule} -->{eol}")
    } else {
        format!("{indent}# answerlint-disable-next-line {rule}{eol}")
    };
    Some((start, comment))
}

fn parse<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, String> {
    serde_json::from_value(v).map_err(|e| format!("invalid params: {e}"))
}

fn to_value(v: impl serde::Serialize) -> Result<Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}

/// Where configuration is looked up for a document.
fn doc_path(uri: &lsp::Uri) -> PathBuf {
    text::file_path(uri.as_str()).unwrap_or_else(|| {
        let name = uri.as_str().rsplit(['/', ':']).next().unwrap_or("untitled");
        PathBuf::from(if name.is_empty() { "untitled" } else { name })
    })
}

/// Markdown or plain text: by language id, else by extension (.txt is plain, as for the
/// command line).
fn is_markdown(language_id: &str, path: &std::path::Path) -> bool {
    match language_id {
        "markdown" => true,
        "plaintext" | "text" => false,
        _ => !path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("txt")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use answerlint::Span;

    #[test]
    fn exceptions_are_added_keeping_the_file_as_it_was() {
        let old = "# ours\n[rules]\nhedged-figure = \"warning\"  # keep\n";
        let new = add_exception(old, "zh", "vague-commitment", "您放心").unwrap();
        assert!(new.starts_with(old), "{new}");
        let v: toml::Value = toml::from_str(&new).unwrap();
        assert_eq!(
            v["lexicon"]["zh"]["vague-commitment"]["except"],
            toml::Value::Array(vec!["您放心".into()])
        );
        // Again: no duplicate; another phrase joins the same list.
        assert_eq!(
            add_exception(&new, "zh", "vague-commitment", "您放心").unwrap(),
            new
        );
        let more = add_exception(&new, "zh", "vague-commitment", "包您满意").unwrap();
        let v: toml::Value = toml::from_str(&more).unwrap();
        assert_eq!(
            v["lexicon"]["zh"]["vague-commitment"]["except"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // A shape we do not edit, or a file that does not parse: no action.
        assert_eq!(
            add_exception("lexicon = 1\n", "zh", "vague-commitment", "x"),
            None
        );
        assert_eq!(
            add_exception("[rules\n", "zh", "vague-commitment", "x"),
            None
        );
    }

    fn finding(source: Source, confidence: Option<f32>) -> Diagnostic {
        Diagnostic {
            rule: RuleId::VagueCommitment,
            severity: Severity::Warning,
            span: Span::new(5, 11),
            message: "包在我们身上 is a promise of effort".into(),
            suggestion: Some("say what happens by when".into()),
            source,
            confidence,
            fixes: Vec::new(),
            related: Vec::new(),
        }
    }

    #[test]
    fn the_model_s_confidence_is_in_the_message_of_its_findings_only() {
        let text = "😀 这事包在我们身上。";
        let lines = Lines::new(text);
        let d = to_lsp(
            &finding(Source::Model, Some(0.934)),
            text,
            &lines,
            Units::Utf16,
        );
        assert_eq!(
            d.message,
            "包在我们身上 is a promise of effort (sentence model, confidence 0.93)\nhelp: say what happens by when"
        );
        assert_eq!(d.severity, Some(lsp::DiagnosticSeverity::WARNING));
        assert_eq!(
            d.code,
            Some(lsp::NumberOrString::String("vague-commitment".into()))
        );
        // Bytes 5..11 are 这事: after the emoji (4 bytes, 2 units) and a space.
        assert_eq!(d.range.start, lsp::Position::new(0, 3));
        assert_eq!(d.range.end, lsp::Position::new(0, 5));
        let d = to_lsp(
            &finding(Source::Lexicon, Some(0.9)),
            text,
            &lines,
            Units::Utf16,
        );
        assert!(!d.message.contains("confidence"), "{}", d.message);
    }

    #[test]
    fn disable_comments_follow_the_file_s_syntax_and_line_endings() {
        let text = "a\r\n\t- 您放心\r\nb";
        let lines = Lines::new(text);
        assert_eq!(
            disable_line(text, &lines, 1, "vague-commitment", true),
            Some((
                3,
                "\t<!-- answerlint-disable-next-line vague-commitment -->\r\n".into()
            ))
        );
        assert_eq!(
            disable_line(text, &lines, 2, "hedged-figure", false),
            Some((
                text.len() - 1,
                "# answerlint-disable-next-line hedged-figure\r\n".into()
            ))
        );
        assert_eq!(disable_line(text, &lines, 3, "hedged-figure", false), None);
    }

    #[test]
    fn initialization_options_are_checked() {
        let args = ServerArgs {
            stdio: false,
            no_model: false,
            device: DeviceChoice::Auto,
            model_dir: None,
            debounce_ms: 150,
        };
        let mut o = Options::new(&args, Terminal::default());
        o.apply(&json!({"noModel": true, "modelDir": "/m", "device": "cpu", "debounceMs": 20}))
            .unwrap();
        assert!(o.no_model);
        assert_eq!(o.model_dir, PathBuf::from("/m"));
        assert_eq!(o.device, DeviceChoice::Cpu);
        assert_eq!(o.debounce, Duration::from_millis(20));
        assert!(o.apply(&json!({"noModel": "yes"})).is_err());
        o.apply(&json!({"rules": {"vague-commitment": "info"}, "configurationPreference": "editorOnly"}))
            .unwrap();
        assert_eq!(o.rules["vague-commitment"], Level::Info);
        assert_eq!(o.preference, Preference::EditorOnly);
        let e = o.apply(&json!({"rules": {"vague": "off"}})).unwrap_err();
        assert!(e.contains("unknown rule `vague`"), "{e}");
        assert!(o
            .apply(&json!({"rules": {"vague-commitment": "loud"}}))
            .is_err());
        assert!(o
            .apply(&json!({"configurationPreference": "fileFirst"}))
            .is_err());
        assert!(o.apply(&json!([1])).is_err());
        assert!(o.apply(&Value::Null).is_ok());
    }
}
