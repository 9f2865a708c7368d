//! Derives a trimmed segmentation dictionary from the one that ships inside the jieba-rs
//! crate, so that start-up does not pay for loading all 349k entries (about 150 ms here).
//! Only words with a frequency of at least `MIN_FREQ` are kept (about 80k entries, about
//! 20 ms to load). Nothing derived from jieba's data is committed: it is written to OUT_DIR.
//! When the crate source cannot be found (vendored or unusual CARGO_HOME), an empty file is
//! written and the library falls back to jieba's full embedded dictionary.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

const MIN_FREQ: u64 = 20;
const JIEBA_DIR_PREFIX: &str = "jieba-rs-0.11.";

fn cargo_home() -> Option<PathBuf> {
    if let Some(h) = env::var_os("CARGO_HOME") {
        return Some(PathBuf::from(h));
    }
    env::var_os("HOME").map(|h| Path::new(&h).join(".cargo"))
}

fn find_dict() -> Option<PathBuf> {
    let registry = cargo_home()?.join("registry").join("src");
    let mut found: Vec<PathBuf> = Vec::new();
    for index in fs::read_dir(&registry).ok()?.flatten() {
        let Ok(entries) = fs::read_dir(index.path()) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with(JIEBA_DIR_PREFIX) {
                let dict = e.path().join("src").join("data").join("dict.txt");
                if dict.is_file() {
                    found.push(dict);
                }
            }
        }
    }
    found.sort();
    found.pop()
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let target = out.join("jieba-trimmed.txt");
    let mut trimmed = String::new();
    match find_dict() {
        Some(path) => {
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
        None => {
            println!("cargo:warning=jieba-rs dictionary not found; using the full embedded one (slower start-up)");
        }
    }
    fs::write(&target, trimmed).expect("write trimmed dictionary");
}
