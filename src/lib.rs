//! answerlint: a linter for interview answer scripts in Chinese and English.
//!
//! The library runs in layers, one module each, in the order data flows through them.
//! A module uses only modules below it (the tests under `tests/` and a grep in the
//! architecture notes check the main boundaries):
//!
//! ```text
//! (binary) cli    arguments, printing, progress, exit codes, model install and training
//!  └ render, report   outcomes → text: human, JSON, SARIF...; CSV, HTML, Markdown reports
//!     └ engine        files → outcomes: config lookup, cache, model pass, rules, merge, fix loop
//!        └ fix, rewrite   applying edits; the three-tier template (config's [template] reads it)
//!           └ rules       document + script + scores → findings (one file per rule, RuleId)
//!              └ model    sentences → probabilities (signal: what rules read from it)
//!                 └ structure   document → questions, answers, steps, tiers, score
//!                    └ document  text → sentences, tokens, figures, hedges, evidence,
//!                       │         placeholders, statements (built once, shared)
//!                       └ lexicon, lang, input, diagnostic   phrase lists; languages;
//!                                  bytes → text; spans, rule ids, findings
//! ```
//!
//! [`config`] (answerlint.toml) sits beside the engine that resolves it; [`cache`] is the
//! engine's. The library never prints (the crate denies `print_stdout`/`print_stderr`):
//! it returns text, notices and outcomes, and reports progress through callbacks; the
//! command line (`src/cli/`, part of the binary) draws and prints.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cache;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod fix;
pub mod fsutil;
pub mod input;
pub mod invariants;
pub mod lang;
pub mod lexicon;
pub mod model;
pub mod render;
pub mod report;
pub mod rewrite;
pub mod rules;
pub mod structure;

pub use diagnostic::{Diagnostic, Severity, Source, Span};
pub use document::Document;
pub use engine::{lint_text, Linter};
