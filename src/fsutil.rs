//! Writing files without ever leaving a half-written one, and (for fixes) without
//! losing a concurrent edit or breaking the file's identity (symlinks, hard links, owner).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary files are named `.answerlint-PID-N.tmp`: short (a 250-byte file name still
/// gets one), and recognisable as ours.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_name(dir: &Path) -> PathBuf {
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".answerlint-{}-{n}.tmp", std::process::id()))
}

/// Writes `bytes` to a temporary file in the same directory and renames it over `path`,
/// with the permissions `path` had. On any error `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, bytes, |f, b| f.write_all(b))
}

/// [`write_atomic`] with the bytes written to the temporary file by `write` (tests inject
/// faults there: a full disk, an interrupted write).
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut std::fs::File, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = temp_name(dir);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        write(&mut f, bytes)?;
        if let Ok(m) = std::fs::metadata(path) {
            f.set_permissions(m.permissions())?;
        }
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Removes temporary files of ours left in `dir` by a run that was killed: named
/// `.answerlint-PID-N.tmp` with the PID of a process that no longer exists (on Linux,
/// no `/proc/PID`), or else older than a day. Other files are never touched.
pub fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let ours = std::process::id();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = name
            .strip_prefix(".answerlint-")
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|r| r.split_once('-'))
            .filter(|(pid, n)| {
                n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() && !pid.is_empty()
            })
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == ours {
            continue;
        }
        let proc = Path::new("/proc");
        let gone = if proc.join("self").exists() {
            !proc.join(pid.to_string()).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400)
        };
        if gone {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Why [`replace_checked`] did not write.
#[derive(Debug)]
pub enum ReplaceError {
    /// The file's bytes, size or modification time changed since it was read.
    Changed,
    /// The file is read-only (and `force` was not given).
    ReadOnly,
    /// The file has this many hard links: replacing it would split them.
    HardLinked(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for ReplaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplaceError::Changed => {
                write!(f, "changed on disk since it was read; fixes not written")
            }
            ReplaceError::ReadOnly => {
                write!(
                    f,
                    "the file is read-only; fixes not written (--force writes it anyway)"
                )
            }
            ReplaceError::HardLinked(n) => write!(
                f,
                "the file has {n} hard links, which a rewrite would split; fixes not written"
            ),
            ReplaceError::Io(e) => write!(f, "cannot write fixes: {e}"),
        }
    }
}

/// Replaces the file at `path` with `bytes`, for fixes. Symlinks are followed and their
/// target written; a file with several hard links or (unless `force`) a read-only file is
/// refused; owner, group and permissions are kept where permitted. `unchanged` is asked
/// about the file's current bytes right before the rename (after the new content is
/// written and synced), and the size and modification time must be those seen at the
/// start: an edit saved meanwhile is never lost, the fix is refused instead.
pub fn replace_checked(
    path: &Path,
    bytes: &[u8],
    force: bool,
    unchanged: &dyn Fn(&[u8]) -> bool,
) -> Result<(), ReplaceError> {
    replace_checked_with(path, bytes, force, unchanged, |f, b| f.write_all(b))
}

/// [`replace_checked`] with the temporary file written by `write` (tests make an editor
/// save the file there).
pub fn replace_checked_with(
    path: &Path,
    bytes: &[u8],
    force: bool,
    unchanged: &dyn Fn(&[u8]) -> bool,
    write: impl FnOnce(&mut std::fs::File, &[u8]) -> std::io::Result<()>,
) -> Result<(), ReplaceError> {
    let target = std::fs::canonicalize(path).map_err(ReplaceError::Io)?;
    let before = std::fs::metadata(&target).map_err(ReplaceError::Io)?;
    if before.permissions().readonly() && !force {
        return Err(ReplaceError::ReadOnly);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if before.nlink() > 1 {
            return Err(ReplaceError::HardLinked(before.nlink()));
        }
    }
    let stamp = |m: &std::fs::Metadata| (m.len(), m.modified().ok());
    let dir = target.parent().unwrap_or(Path::new("."));
    sweep_stale(dir);
    let tmp = temp_name(dir);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(ReplaceError::Io)?;
        write(&mut f, bytes).map_err(ReplaceError::Io)?;
        f.set_permissions(before.permissions())
            .map_err(ReplaceError::Io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Keep owner and group where permitted (root, or a group of ours); otherwise
            // the file becomes ours, as any editor's save would make it.
            let _ = std::os::unix::fs::fchown(&f, Some(before.uid()), Some(before.gid()));
        }
        f.sync_all().map_err(ReplaceError::Io)?;
        drop(f);
        let now = std::fs::metadata(&target).map_err(ReplaceError::Io)?;
        let current = std::fs::read(&target).map_err(ReplaceError::Io)?;
        if stamp(&now) != stamp(&before) || !unchanged(&current) {
            return Err(ReplaceError::Changed);
        }
        std::fs::rename(&tmp, &target).map_err(ReplaceError::Io)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_original_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "原文不变\r\n").unwrap();
        let new = "新内容".repeat(1000);
        // The disk fills up half-way through the write.
        let err = write_atomic_with(&path, new.as_bytes(), |f, b| {
            f.write_all(&b[..b.len() / 2])?;
            Err(std::io::Error::from_raw_os_error(28)) // ENOSPC
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28));
        assert_eq!(std::fs::read(&path).unwrap(), "原文不变\r\n".as_bytes());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("a.md")]);
        // A write that succeeds replaces it whole.
        write_atomic(&path, new.as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), new);
    }

    #[test]
    fn an_unwritable_directory_is_an_error_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("a.md");
        assert!(write_atomic(&missing, b"x").is_err());
        assert!(!missing.exists());
    }

    fn replace_test_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn an_edit_saved_while_the_fix_is_written_is_kept() {
        let (dir, path) = replace_test_file("原文\n");
        let seen = std::fs::read(&path).unwrap();
        let same = |now: &[u8]| now == seen.as_slice();
        // An editor appends while the temporary file is written and synced.
        let err = replace_checked_with(&path, "修好的\n".as_bytes(), false, &same, |f, b| {
            let mut e = std::fs::OpenOptions::new().append(true).open(&path)?;
            e.write_all("编辑器保存的一行\n".as_bytes())?;
            f.write_all(b)
        })
        .unwrap_err();
        assert!(matches!(err, ReplaceError::Changed), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "原文\n编辑器保存的一行\n"
        );
        // No temporary file left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Unchanged, it is written.
        let seen = std::fs::read(&path).unwrap();
        replace_checked(&path, b"new", false, &|now| now == seen.as_slice()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_hard_links_and_read_only_files_keep_their_identity() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, path) = replace_test_file("old");
        let any = |_: &[u8]| true;
        // A symlink stays a symlink; its target gets the new text.
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        replace_checked(&link, b"via link", false, &any).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&path).unwrap(), b"via link");
        // A hard-linked file is refused, both names untouched.
        let hard = dir.path().join("hard.md");
        std::fs::hard_link(&path, &hard).unwrap();
        let err = replace_checked(&path, b"x", false, &any).unwrap_err();
        assert!(matches!(err, ReplaceError::HardLinked(2)), "{err}");
        assert_eq!(std::fs::read(&hard).unwrap(), b"via link");
        std::fs::remove_file(&hard).unwrap();
        // A read-only file is refused unless forced, and stays read-only when forced.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = replace_checked(&path, b"x", false, &any).unwrap_err();
        assert!(matches!(err, ReplaceError::ReadOnly), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"via link");
        replace_checked(&path, b"forced", true, &any).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"forced");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o444);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stale_temporary_files_of_ours_are_removed_and_nothing_else() {
        let (dir, path) = replace_test_file("x");
        // PIDs above the kernel's limit (4194304) never exist.
        let stale = dir.path().join(".answerlint-4294967-3.tmp");
        let mine = dir
            .path()
            .join(format!(".answerlint-{}-999.tmp", std::process::id()));
        let other = dir.path().join(".answerlint-notes.tmp");
        for f in [&stale, &mine, &other] {
            std::fs::write(f, "left").unwrap();
        }
        replace_checked(&path, b"y", false, &|_| true).unwrap();
        assert!(!stale.exists());
        assert!(mine.exists() && other.exists());
    }

    #[test]
    fn temporary_names_are_short_whatever_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{}.md", "长".repeat(80)));
        std::fs::write(&path, "x").unwrap();
        write_atomic(&path, b"y").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"y");
    }
}
