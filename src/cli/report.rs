//! `report`: lint many files and write one readable report (HTML, Markdown, CSV).

use std::path::PathBuf;

use super::args::ReportArgs;
use super::check::{discover_all, lint_all};
use super::{today, usage_error, Output, Terminal};

pub(super) fn report(args: ReportArgs, term: Terminal) -> Output {
    use answerlint::report::{render, summarize, ReportFormat};
    let Some(format) = ReportFormat::from_path(&args.output) else {
        return usage_error(format!(
            "{}: the report's format comes from its extension: .html, .md or .csv",
            args.output.display()
        ));
    };
    let mut linter = match args.lint.linter(term) {
        Ok(l) => l,
        Err(out) => return out,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = match discover_all(&linter, &paths) {
        Ok(f) => f,
        Err(e) => return usage_error(e),
    };
    if let Some(input) = found.iter().find(|d| same_file(d.path(), &args.output)) {
        return usage_error(format!(
            "{}: is one of the input files ({}); the report would overwrite it, choose another --output",
            args.output.display(),
            input.path().display()
        ));
    }
    if let Some(cache) = args.lint.cache(&paths) {
        linter = linter.with_cache(cache);
    }
    let mut report = empty_report();
    report.files.reserve(found.len());
    let progress = !args.quiet && term.stderr_is_tty;
    // Each file is summarised as it comes and its text dropped.
    if let Err(e) = lint_all(&mut linter, found, args.lint.jobs, progress, |o| {
        report.files.push(summarize(&o, format.diagnostics_kept()))
    }) {
        return usage_error(e);
    }
    let mut stderr = String::new();
    for n in linter.take_notices() {
        if !args.quiet {
            stderr.push_str(&format!("warning: {n}\n"));
        }
    }
    let failed: Vec<&answerlint::report::FileSummary> =
        report.files.iter().filter(|f| f.error.is_some()).collect();
    for f in &failed {
        stderr.push_str(&format!(
            "error: {}: {}\n",
            f.path,
            f.error.as_deref().unwrap_or_default()
        ));
    }
    let body = render(&report, format);
    if let Err(e) = answerlint::fsutil::write_atomic(&args.output, body.as_bytes()) {
        stderr.push_str(&format!(
            "error: {}: cannot write the report: {e}\n",
            args.output.display()
        ));
        return Output {
            stderr,
            code: 2,
            ..Default::default()
        };
    }
    if !args.quiet {
        let findings: usize = report
            .files
            .iter()
            .map(|f| f.errors + f.warnings + f.infos)
            .sum();
        stderr.push_str(&format!(
            "wrote {} ({} file{}, {} finding{})\n",
            args.output.display(),
            report.files.len(),
            if report.files.len() == 1 { "" } else { "s" },
            findings,
            if findings == 1 { "" } else { "s" }
        ));
    }
    Output {
        stdout: String::new(),
        stdout_raw: None,
        stderr,
        code: if failed.is_empty() { 0 } else { 2 },
    }
}

/// A report of today with the rules listed and no files yet (`report`, and the web
/// workbench's `/api/report`).
pub(super) fn empty_report() -> answerlint::report::Report {
    use answerlint::report::{Report, RuleInfo};
    Report {
        generated: today(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        files: Vec::new(),
        rules: answerlint::rules::REGISTRY
            .iter()
            .map(|r| RuleInfo {
                id: r.meta().id.as_str().to_string(),
                severity: r.meta().default_severity.as_str().to_string(),
                summary: r.meta().summary.to_string(),
            })
            .collect(),
    }
}

/// Whether `a` and `b` name the same existing file (through symlinks, `..` or hard links).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    }
}
