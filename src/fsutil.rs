//! Writing files without ever leaving a half-written one.

use std::io::Write;
use std::path::Path;

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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
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
}
