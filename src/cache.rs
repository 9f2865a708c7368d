//! The results cache (`.answerlint_cache/`): a file whose bytes, configuration, settings
//! and tool version are unchanged since the last run is not linted again; its findings
//! and score come from the cache. One small JSON file per entry, named by the SHA-256 of
//! all of that, written through a temporary file and a rename (never fsynced: an entry
//! cut short is unreadable and simply linted again). A missing, corrupt or foreign entry
//! is a miss, never an error; a cache directory that cannot be written is skipped.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::structure::score::Score;
use crate::Diagnostic;

/// Bumped whenever the entry layout changes.
const LAYOUT: &str = "2";

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
    /// (`context`: configuration, settings, model use; and the data built into this
    /// binary, [`data_fingerprint`]).
    pub fn key(bytes: &[u8], context: &str) -> String {
        Cache::key_with(bytes, context, data_fingerprint())
    }

    /// [`Cache::key`] with the built-in data's fingerprint given.
    fn key_with(bytes: &[u8], context: &str, data: &str) -> String {
        let mut h = Sha256::new();
        h.update(LAYOUT.as_bytes());
        h.update([0]);
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update([0]);
        h.update(data.as_bytes());
        h.update([0]);
        h.update(context.as_bytes());
        h.update([0]);
        h.update(bytes);
        hex(&h.finalize())
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
        (entry.key == key).then_some((entry.diagnostics, entry.score))
    }

    /// Stores results; failures are ignored (the cache is an optimisation).
    pub fn put(&self, key: &str, diagnostics: &[Diagnostic], score: Option<&Score>) {
        let entry = Entry {
            key: key.to_string(),
            diagnostics: diagnostics.to_vec(),
            score: score.cloned(),
        };
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        let path = self.path(key);
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // Missing, or left empty by a full disk: written again (whole, by a rename).
        let ignore = self.root.join(".gitignore");
        if !std::fs::metadata(&ignore).is_ok_and(|m| m.len() > 0) {
            let _ = crate::fsutil::write_atomic(&ignore, b"# Created by answerlint.\n*\n");
        }
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{key}.{}.{n}.tmp", std::process::id()));
        if std::fs::write(&tmp, json).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// A hash of the data embedded at build time that findings depend on: every lexicon file
/// and the model heads (`models/heads.json`). Editing a .tsv and rebuilding without
/// bumping the version changes it, so the cache never serves findings of the old lists.
pub fn data_fingerprint() -> &'static str {
    static FP: OnceLock<String> = OnceLock::new();
    FP.get_or_init(|| fingerprint(crate::lexicon::EMBEDDED, crate::model::heads::BUILTIN))
}

fn fingerprint(lexicons: &[(&str, &str, &str)], heads: &str) -> String {
    let mut h = Sha256::new();
    for (lang, name, text) in lexicons {
        for part in [lang, name, text] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    h.update((heads.len() as u64).to_le_bytes());
    h.update(heads.as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One cached result: the key it was stored under (to reject a colliding or foreign
/// file), the findings and the score, serialised as they are.
#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    diagnostics: Vec<Diagnostic>,
    score: Option<Score>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_changes_with_the_embedded_data() {
        let lexicons = crate::lexicon::EMBEDDED;
        let heads = crate::model::heads::BUILTIN;
        let base = fingerprint(lexicons, heads);
        assert_eq!(base, data_fingerprint());
        // One phrase more in one list, or other heads: another fingerprint, another key.
        let mut edited: Vec<(&str, &str, &str)> = lexicons.to_vec();
        let more = format!("{}\n新增短语\teffort\t说明\n", edited[0].2);
        edited[0].2 = &more;
        let changed = fingerprint(&edited, heads);
        assert_ne!(base, changed);
        assert_ne!(base, fingerprint(lexicons, "{}"));
        assert_ne!(
            Cache::key_with(b"text", "ctx", &base),
            Cache::key_with(b"text", "ctx", &changed)
        );
        assert_eq!(
            Cache::key(b"text", "ctx"),
            Cache::key_with(b"text", "ctx", &base)
        );
    }

    #[test]
    fn entries_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        let text = "我们会尽力解决，退货率1.2%。";
        let diags = crate::engine::lint_text(text);
        assert!(!diags.is_empty());
        let key = Cache::key(text.as_bytes(), "ctx");
        cache.put(&key, &diags, None);
        let (back, score) = cache.get(&key).expect("cached");
        assert_eq!(back, diags);
        assert!(score.is_none());
        assert!(cache.get(&Cache::key(b"other", "ctx")).is_none());
        // A .gitignore left empty (a full disk) is written again.
        let ignore = dir.path().join(".gitignore");
        std::fs::write(&ignore, "").unwrap();
        cache.put(&key, &diags, None);
        assert!(std::fs::read_to_string(&ignore).unwrap().contains('*'));
    }
}
