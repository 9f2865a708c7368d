//! The results cache (`.answerlint_cache/`): a file whose bytes, configuration, settings
//! and tool version are unchanged since the last run is not linted again; its findings
//! and score come from the cache. One small JSON file per entry, named by the SHA-256 of
//! all of that, written through a temporary file and a rename (never fsynced: an entry
//! cut short is unreadable and simply linted again). A missing, corrupt or foreign entry
//! is a miss, never an error; a cache directory that cannot be written is skipped.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::structure::score::{Dimensions, Score, SectionScore};
use crate::structure::SectionType;
use crate::{Diagnostic, Severity, Source, Span};

/// Bumped whenever the entry layout changes.
const LAYOUT: &str = "1";

pub const DIR_NAME: &str = ".answerlint_cache";

/// A cache rooted at a directory.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The cache in `dir` (created on first write, with a `.gitignore` of `*`).
    pub fn new(dir: PathBuf) -> Cache {
        Cache { root: dir }
    }

    /// The key of a file's results: its bytes, and everything else results depend on
    /// (`context`: configuration, settings, model use).
    pub fn key(bytes: &[u8], context: &str) -> String {
        let mut h = Sha256::new();
        h.update(LAYOUT.as_bytes());
        h.update([0]);
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update([0]);
        h.update(context.as_bytes());
        h.update([0]);
        h.update(bytes);
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root
            .join(format!("v{LAYOUT}"))
            .join(&key[..2])
            .join(key)
    }

    /// The cached findings and score for `key`, if a readable entry exists.
    pub fn get(&self, key: &str) -> Option<(Vec<Diagnostic>, Option<Score>)> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        if entry.key != key {
            return None;
        }
        entry.restore()
    }

    /// Stores results; failures are ignored (the cache is an optimisation).
    pub fn put(&self, key: &str, diagnostics: &[Diagnostic], score: Option<&Score>) {
        let entry = Entry::new(key, diagnostics, score);
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        let path = self.path(key);
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let ignore = self.root.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(&ignore, "# Created by answerlint.\n*\n");
        }
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{key}.{}.{n}.tmp", std::process::id()));
        if std::fs::write(&tmp, json).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    diagnostics: Vec<CachedDiagnostic>,
    score: Option<CachedScore>,
}

#[derive(Serialize, Deserialize)]
struct CachedDiagnostic {
    rule: String,
    severity: Severity,
    start: usize,
    end: usize,
    message: String,
    suggestion: Option<String>,
    source: Source,
    confidence: Option<f32>,
    fixes: Vec<CachedFix>,
}

#[derive(Serialize, Deserialize)]
struct CachedFix {
    title: String,
    applicability: Applicability,
    edits: Vec<(usize, usize, String)>,
}

#[derive(Serialize, Deserialize)]
struct CachedScore {
    total: f64,
    dimensions: [f64; 4],
    sections: Vec<(String, String, usize, f64)>,
}

impl Entry {
    fn new(key: &str, diagnostics: &[Diagnostic], score: Option<&Score>) -> Entry {
        Entry {
            key: key.to_string(),
            diagnostics: diagnostics
                .iter()
                .map(|d| CachedDiagnostic {
                    rule: d.rule.to_string(),
                    severity: d.severity,
                    start: d.span.start,
                    end: d.span.end,
                    message: d.message.clone(),
                    suggestion: d.suggestion.clone(),
                    source: d.source,
                    confidence: d.confidence,
                    fixes: d
                        .fixes
                        .iter()
                        .map(|f| CachedFix {
                            title: f.title.clone(),
                            applicability: f.applicability,
                            edits: f
                                .edits
                                .iter()
                                .map(|e| (e.start, e.end, e.content.clone()))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            score: score.map(|s| CachedScore {
                total: s.total,
                dimensions: [
                    s.dimensions.supply_chain,
                    s.dimensions.operations,
                    s.dimensions.compliance,
                    s.dimensions.brand,
                ],
                sections: s
                    .sections
                    .iter()
                    .map(|x| (x.title.clone(), x.kind.id().to_string(), x.line, x.score))
                    .collect(),
            }),
        }
    }

    /// Back to findings; `None` when the entry names a rule or type this build lacks.
    fn restore(self) -> Option<(Vec<Diagnostic>, Option<Score>)> {
        let mut out = Vec::with_capacity(self.diagnostics.len());
        for d in self.diagnostics {
            let rule = crate::rules::find(&d.rule)?.meta().id;
            out.push(Diagnostic {
                rule,
                severity: d.severity,
                span: Span::new(d.start, d.end),
                message: d.message,
                suggestion: d.suggestion,
                source: d.source,
                confidence: d.confidence,
                fixes: d
                    .fixes
                    .into_iter()
                    .map(|f| Fix {
                        title: f.title,
                        applicability: f.applicability,
                        edits: f
                            .edits
                            .into_iter()
                            .map(|(start, end, content)| Edit {
                                start,
                                end,
                                content,
                            })
                            .collect(),
                    })
                    .collect(),
            });
        }
        let score = match self.score {
            None => None,
            Some(s) => {
                let mut sections = Vec::with_capacity(s.sections.len());
                for (title, kind, line, score) in s.sections {
                    sections.push(SectionScore {
                        title,
                        kind: SectionType::from_id(&kind)?,
                        line,
                        score,
                    });
                }
                Some(Score {
                    total: s.total,
                    dimensions: Dimensions {
                        supply_chain: s.dimensions[0],
                        operations: s.dimensions[1],
                        compliance: s.dimensions[2],
                        brand: s.dimensions[3],
                    },
                    sections,
                })
            }
        };
        Some((out, score))
    }
}
