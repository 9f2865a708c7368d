//! answerlint: a linter for interview answer scripts in Chinese and English.
//!
//! The engine runs in stages, one module each, in the order data flows through them:
//! [`input`] (bytes → text), [`document`] (text → sentences, tokens, figures, evidence),
//! [`lexicon`] (phrase lists → matchers), [`structure`] (document → questions, answers,
//! tiers), [`rules`] (document → diagnostics),
//! [`render`] (diagnostics → text in one of the output formats). The library never prints;
//! the binary in `main.rs` parses arguments, calls [`engine`] and writes what it gets back.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cache;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod fix;
pub mod fsutil;
pub mod input;
pub mod invariants;
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
