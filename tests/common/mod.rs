//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// Every .md and .txt script under examples/ and tests/fixtures/, sorted.
pub fn script_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut walk = vec![PathBuf::from("examples"), PathBuf::from("tests/fixtures")];
    while let Some(dir) = walk.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
