//! `serve`: the web workbench. A local HTTP server (axum on tokio) with one page embedded
//! in the binary and a JSON API over the same engine and JSON renderer as `check`.
//!
//! - The configuration (`--config`, or the defaults) is loaded once; posted file names are
//!   data, never places on disk to look up (`Linter::with_fixed_config`).
//! - The model is loaded once at start-up and shared by every request (an `Arc`).
//! - Linting runs on blocking threads, at most `--workers` at once (a semaphore), with at
//!   most `--queue` requests waiting or running; beyond that the server answers 503.
//!   The permit travels with the blocking job, so a client that hangs up does not free a
//!   slot that is still busy.
//! - Bodies over `--max-body` get 413; bodies that are not the expected JSON get 400.
//! - Ctrl-C stops accepting connections and lets requests in flight finish.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use answerlint::document::Lang;
use answerlint::engine::{Linter, Outcome, Resolved, Settings};
use answerlint::fix::FixMode;
use answerlint::rules::{RuleId, Scorer};
use answerlint::Severity;

use super::args::ServeArgs;
use super::{usage_error, Output, Terminal};

/// The page: HTML, CSS and script in one file, no network.
const PAGE: &str = include_str!("serve_page.html");

/// The name a posted text gets when the request gives none (Markdown, like a .md file).
const DEFAULT_NAME: &str = "answer.md";

struct App {
    resolved: Arc<Resolved>,
    select: Option<Vec<RuleId>>,
    ignore: Vec<RuleId>,
    scorer: Option<Arc<dyn Scorer>>,
    /// "loaded", "off" or "unavailable: why".
    model: String,
    /// Jobs running at once.
    work: Arc<Semaphore>,
    /// Requests waiting or running.
    queue: Arc<Semaphore>,
    max_body: usize,
}

type Shared = Arc<App>;

pub(super) fn serve(args: ServeArgs, term: Terminal) -> Output {
    let ids = |names: &[String]| {
        names
            .iter()
            .map(|id| {
                RuleId::from_name(id).ok_or_else(|| {
                    usage_error(format!(
                        "unknown rule `{id}` in --select/--ignore; `answerlint rules` lists the rules"
                    ))
                })
            })
            .collect::<Result<Vec<RuleId>, Output>>()
    };
    let select = match args.select.as_deref().map(ids).transpose() {
        Ok(s) => s,
        Err(out) => return out,
    };
    let ignore = match ids(&args.ignore) {
        Ok(i) => i,
        Err(out) => return out,
    };
    let resolved = match &args.config {
        Some(p) => match Resolved::load(p) {
            Ok(r) => r,
            Err(e) => return usage_error(e.to_string()),
        },
        None => Resolved::defaults(),
    };
    let host: IpAddr = match args.host.parse() {
        Ok(h) => h,
        Err(_) => {
            return usage_error(format!(
                "--host {}: not an IP address (127.0.0.1 for this machine only, 0.0.0.0 for every interface)",
                args.host
            ))
        }
    };
    let (scorer, model) = if args.no_model || term.no_model_env {
        (None, "off".to_string())
    } else {
        let dir = args
            .model_dir
            .clone()
            .unwrap_or_else(answerlint::model::default_model_dir);
        eprintln!(
            "answerlint serve: loading the sentence model from {}",
            dir.display()
        );
        match super::model::load_model(&dir, args.device, None, term) {
            Ok(s) => {
                for n in s.notes() {
                    eprintln!("note: {n}");
                }
                (Some(s), "loaded".to_string())
            }
            Err(e) => {
                eprintln!(
                    "warning: sentence model unavailable ({e}); lexicon rules only (pass --no-model to silence this)"
                );
                (None, format!("unavailable: {e}"))
            }
        }
    };
    let workers = if args.workers == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        args.workers
    };
    let app = Arc::new(App {
        resolved: Arc::new(resolved),
        select,
        ignore,
        scorer,
        model,
        work: Arc::new(Semaphore::new(workers)),
        queue: Arc::new(Semaphore::new(args.queue.max(1))),
        max_body: args.max_body,
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage_error(format!("cannot start the server's threads: {e}")),
    };
    let addr = SocketAddr::new(host, args.port);
    match runtime.block_on(run(app, addr, args.open)) {
        Ok(()) => Output::default(),
        Err(e) => usage_error(e),
    }
}

/// The routes, for `app`.
fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/health", get(health))
        .route("/api/rules", get(rules))
        .route("/api/explain/{rule}", get(explain))
        .route("/api/check", post(check))
        .route("/api/fix", post(fix))
        .route("/api/rewrite", post(rewrite))
        .route("/api/report", post(report))
        .fallback(not_found)
        .with_state(app)
}

async fn run(app: Shared, addr: SocketAddr, open: bool) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    if !bound.ip().is_loopback() {
        eprintln!(
            "WARNING: answerlint serve is listening on {bound}, not only on this machine: anyone \
             who can reach this address can post texts to it (there is no authentication). \
             Use --host 127.0.0.1 to keep it local."
        );
    }
    let shown = if bound.ip().is_unspecified() {
        SocketAddr::new(IpAddr::from([127, 0, 0, 1]), bound.port())
    } else {
        bound
    };
    let url = format!("http://{shown}/");
    eprintln!(
        "answerlint serve: listening on {url} (model: {}; Ctrl-C to stop)",
        app.model
    );
    if open {
        open_browser(&url);
    }
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("answerlint serve: stopping (finishing requests in flight)");
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Opens `url` in the default browser; says so when it cannot.
fn open_browser(url: &str) {
    let (prog, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(prog)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("note: cannot open a browser ({prog}: {e}); open {url} yourself");
    }
}

/// An answer with a status and a JSON `{"error": message}`.
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"error": self.message}).to_string(),
        )
            .into_response()
    }
}

fn json_response(v: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string_pretty(v).unwrap_or_default(),
    )
        .into_response()
}

/// The request body as `T`: 413 over the limit (a declared length over it is refused
/// before anything is read), 400 when it is not that JSON.
async fn parse<T: serde::de::DeserializeOwned>(app: &App, req: Request) -> Result<T, ApiError> {
    let too_big = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is over the {}-byte limit (--max-body)",
                app.max_body
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > app.max_body as u64) {
        return Err(too_big());
    }
    let bytes = axum::body::to_bytes(req.into_body(), app.max_body)
        .await
        .map_err(|_| too_big())?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("bad JSON request: {e}")))
}

/// Runs `f` on a blocking thread once a worker is free; 503 when the queue is full.
async fn job<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let busy = || {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is busy (--queue requests waiting); try again",
        )
    };
    let slot = app.queue.clone().try_acquire_owned().map_err(|_| busy())?;
    let permit = app.work.clone().acquire_owned().await.map_err(|_| busy())?;
    tokio::task::spawn_blocking(move || {
        let _held = (slot, permit);
        f()
    })
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {e}"),
        )
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintRequest {
    text: String,
    /// Shown in the results; `.txt` is linted as plain text, anything else as Markdown.
    #[serde(default)]
    filename: Option<String>,
    /// "auto" (default), "zh" or "en".
    #[serde(default)]
    lang: Option<String>,
    /// Lexicon and pattern rules only, for this request.
    #[serde(default)]
    no_model: bool,
    /// /api/fix and /api/rewrite: apply unsafe fixes too (they insert placeholders).
    #[serde(default, rename = "unsafe")]
    unsafe_fixes: bool,
    /// Lowest severity that makes `exit_code` 1: "info", "warning" (default), "error".
    #[serde(default)]
    fail_on: Option<String>,
}

/// What a request asks of the text.
#[derive(Clone, Copy)]
enum Mode {
    Check,
    Fix,
    Rewrite,
}

/// The checked request: its language and exit-code threshold.
fn validate(req: &LintRequest) -> Result<(Option<Lang>, Severity), ApiError> {
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, m);
    let lang = match req.lang.as_deref() {
        None | Some("auto") => None,
        Some("zh") => Some(Lang::Zh),
        Some("en") => Some(Lang::En),
        Some(o) => return Err(bad(format!("lang `{o}`: auto, zh or en"))),
    };
    let threshold = match req.fail_on.as_deref() {
        None | Some("warning") => Severity::Warning,
        Some("info") => Severity::Info,
        Some("error") => Severity::Error,
        Some(o) => return Err(bad(format!("fail_on `{o}`: info, warning or error"))),
    };
    Ok((lang, threshold))
}

impl App {
    fn linter(&self, lang: Option<Lang>, no_model: bool) -> Result<Linter, ApiError> {
        let settings = Settings {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            lang,
            config_file: None,
            ..Default::default()
        };
        let mut linter = Linter::new(settings)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
            .with_fixed_config(self.resolved.clone());
        if let (Some(s), false) = (&self.scorer, no_model) {
            linter = linter.with_scorer(s.clone());
        }
        Ok(linter)
    }
}

/// Lints (and fixes, or rewrites) a posted text: `check --format json`'s document with
/// `exit_code` (as `check` would exit: 0, 1 for findings at or above `fail_on`, 2 when
/// the text could not be linted) and `notices`; `/api/fix` and `/api/rewrite` add the
/// new `text`, `applied` (fixes applied) and `changed`.
fn lint(app: &App, req: LintRequest, mode: Mode) -> Result<Value, ApiError> {
    let (lang, threshold) = validate(&req)?;
    let mut linter = app.linter(lang, req.no_model)?;
    let name = req
        .filename
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or(DEFAULT_NAME);
    let first = linter.lint_stdin(name, req.text.as_bytes());
    let (outcome, applied) = match mode {
        Mode::Check => (first, 0),
        Mode::Fix | Mode::Rewrite => answerlint::engine::fix_until_stable(
            &mut linter,
            first,
            FixMode {
                unsafe_fixes: req.unsafe_fixes,
                rewrite: matches!(mode, Mode::Rewrite),
            },
        ),
    };
    let exit_code = match &outcome {
        Outcome::Error { .. } => 2,
        Outcome::Linted(r) if r.diagnostics.iter().any(|d| d.severity >= threshold) => 1,
        _ => 0,
    };
    let fixed = match (&outcome, mode) {
        (_, Mode::Check) => None,
        (Outcome::Linted(r), _) => Some(r.text.clone()),
        // Not linted: the text comes back as it was.
        _ => Some(req.text.clone()),
    };
    // An empty text is no file checked, as with empty stdin.
    let outcomes = if req.text.is_empty() {
        Vec::new()
    } else {
        vec![outcome]
    };
    let mut doc: Value = serde_json::from_str(&answerlint::render::json(&outcomes))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    doc["exit_code"] = json!(exit_code);
    doc["notices"] = json!(linter.take_notices());
    if let Some(text) = fixed {
        doc["changed"] = json!(text != req.text);
        doc["text"] = json!(text);
        doc["applied"] = json!(applied);
    }
    Ok(doc)
}

async fn lint_endpoint(app: Shared, req: Request, mode: Mode) -> Response {
    let req: LintRequest = match parse(&app, req).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = validate(&req) {
        return e.into_response();
    }
    let max = app.resolved.config.files.max_size;
    if req.text.len() as u64 > max {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the text is over the {max}-byte limit ([files] max-size)"),
        )
        .into_response();
    }
    let a = app.clone();
    match job(&app, move || lint(&a, req, mode)).await {
        Ok(Ok(v)) => json_response(&v),
        Ok(Err(e)) | Err(e) => e.into_response(),
    }
}

async fn check(State(app): State<Shared>, req: Request) -> Response {
    lint_endpoint(app, req, Mode::Check).await
}

async fn fix(State(app): State<Shared>, req: Request) -> Response {
    lint_endpoint(app, req, Mode::Fix).await
}

async fn rewrite(State(app): State<Shared>, req: Request) -> Response {
    lint_endpoint(app, req, Mode::Rewrite).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportRequest {
    files: Vec<ReportFile>,
    /// "html" (default), "md" or "csv".
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    no_model: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportFile {
    name: String,
    text: String,
}

/// `answerlint report` over posted files: the report itself (HTML, Markdown or CSV).
async fn report(State(app): State<Shared>, req: Request) -> Response {
    use answerlint::report::ReportFormat;
    let req: ReportRequest = match parse(&app, req).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let (format, mime) = match req.format.as_deref() {
        None | Some("html") => (ReportFormat::Html, "text/html; charset=utf-8"),
        Some("md") => (ReportFormat::Markdown, "text/markdown; charset=utf-8"),
        Some("csv") => (ReportFormat::Csv, "text/csv; charset=utf-8"),
        Some(o) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("format `{o}`: html, md or csv"),
            )
            .into_response()
        }
    };
    let a = app.clone();
    let built = job(&app, move || -> Result<String, ApiError> {
        let mut linter = a.linter(None, req.no_model)?;
        let mut report = super::report::empty_report();
        for f in &req.files {
            let o = linter.lint_stdin(&f.name, f.text.as_bytes());
            report
                .files
                .push(answerlint::report::summarize(&o, format.diagnostics_kept()));
        }
        Ok(answerlint::report::render(&report, format))
    })
    .await;
    match built {
        Ok(Ok(body)) => ([(header::CONTENT_TYPE, mime)], body).into_response(),
        Ok(Err(e)) | Err(e) => e.into_response(),
    }
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // Nothing from elsewhere: no scripts, styles, images or connections but ours.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 connect-src 'self'; img-src 'self' data:; frame-src blob:; base-uri 'none'; form-action 'none'",
            ),
        ],
        PAGE,
    )
        .into_response()
}

async fn health(State(app): State<Shared>) -> Response {
    json_response(&json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "model": app.model,
        "max_body": app.max_body,
        "max_text": app.resolved.config.files.max_size,
    }))
}

async fn rules() -> Response {
    json_response(&super::rules_json())
}

async fn explain(UrlPath(rule): UrlPath<String>) -> Response {
    match super::explain_text(&rule) {
        Some(text) => json_response(&json!({"rule": rule, "text": text})),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            format!("unknown rule `{rule}`; GET /api/rules lists the rules"),
        )
        .into_response(),
    }
}

async fn not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "no such page or endpoint").into_response()
}
