//! Derives a trimmed segmentation dictionary from the one that ships inside the jieba-rs
//! crate, so that start-up does not pay for loading all 349k entries (about 150 ms here).
//! Only words with a frequency of at least `MIN_FREQ` are kept (about 80k entries, about
//! 20 ms to load). Nothing derived from jieba's data is committed: it is written to OUT_DIR.
//!
//! The dictionary is read from the jieba-rs that this build links: `cargo metadata` (run
//! offline, so it resolves through Cargo.lock) names that package's manifest, and its
//! `src/data/dict.txt` sits next to it, wherever the source lives (registry, vendored
//! directory, git checkout). Segmentation therefore never depends on which other
//! versions happen to be unpacked under CARGO_HOME. When metadata cannot be had (no
//! cargo, an offline machine without the lock's sources), an empty file is written and the
//! library falls back to jieba's full embedded dictionary, with a build warning.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const MIN_FREQ: u64 = 20;
const JIEBA: &str = "jieba-rs";

/// The `src/data/dict.txt` of the jieba-rs package in this build's resolved graph.
fn find_dict(manifest_dir: &Path) -> Result<PathBuf, String> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(manifest_dir)
        .args(["metadata", "--format-version", "1", "--offline"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    // The jieba-rs that our own package depends on, by package id from the resolve graph.
    let own = env::var("CARGO_PKG_NAME").unwrap_or_default();
    let packages = meta["packages"].as_array().ok_or("no packages")?;
    let id_of = |name: &str| {
        packages
            .iter()
            .filter(|p| p["name"] == name)
            .filter_map(|p| p["id"].as_str())
            .collect::<Vec<_>>()
    };
    let own_ids = id_of(&own);
    let nodes = meta["resolve"]["nodes"]
        .as_array()
        .ok_or("no resolve graph")?;
    let jieba_id = nodes
        .iter()
        .filter(|n| own_ids.iter().any(|id| n["id"] == *id))
        .flat_map(|n| n["deps"].as_array().into_iter().flatten())
        .find(|d| d["name"] == JIEBA.replace('-', "_"))
        .and_then(|d| d["pkg"].as_str())
        .ok_or("jieba-rs is not in the resolved dependencies")?;
    let manifest = packages
        .iter()
        .find(|p| p["id"] == jieba_id)
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or("jieba-rs has no manifest path")?;
    let dict = Path::new(manifest)
        .parent()
        .ok_or("manifest without directory")?
        .join("src")
        .join("data")
        .join("dict.txt");
    if dict.is_file() {
        Ok(dict)
    } else {
        Err(format!("{} is missing", dict.display()))
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let target = out.join("jieba-trimmed.txt");
    let mut trimmed = String::new();
    match find_dict(&manifest_dir) {
        Ok(path) => {
            println!("cargo:rerun-if-changed={}", path.display());
            let text = fs::read_to_string(&path).expect("read jieba dictionary");
            for line in text.lines() {
                let mut it = line.split_ascii_whitespace();
                let (Some(_word), Some(freq)) = (it.next(), it.next()) else {
                    continue;
                };
                if freq.parse::<u64>().map(|f| f >= MIN_FREQ).unwrap_or(false) {
                    trimmed.push_str(line);
                    trimmed.push('\n');
                }
            }
        }
        Err(why) => {
            println!("cargo:warning=jieba-rs dictionary not found ({why}); using the full embedded one (slower start-up)");
        }
    }
    fs::write(&target, trimmed).expect("write trimmed dictionary");
}
