//! Finding the files to lint: explicit files always, directories walked recursively
//! honouring `.gitignore` and `.answerlintignore`, keeping the configured extensions.

use std::path::{Path, PathBuf};

pub struct DiscoverOptions<'a> {
    /// Extensions (without the dot, lower case) that a walked file must have.
    pub extensions: &'a [String],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovered {
    /// A file to lint; `explicit` when it was named on the command line.
    File { path: PathBuf, explicit: bool },
    /// A path that could not be read or walked, with the reason.
    Error { path: PathBuf, message: String },
}

impl Discovered {
    pub fn path(&self) -> &Path {
        match self {
            Discovered::File { path, .. } | Discovered::Error { path, .. } => path,
        }
    }
}

/// Lists the files under `paths`, sorted by path, without duplicates.
pub fn discover(paths: &[PathBuf], opts: &DiscoverOptions) -> Vec<Discovered> {
    let mut out = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.push(Discovered::Error {
                    path: root.clone(),
                    message: describe_io(&e),
                });
                continue;
            }
        };
        if !meta.is_dir() {
            out.push(Discovered::File {
                path: root.clone(),
                explicit: true,
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .add_custom_ignore_filename(".answerlintignore")
            .require_git(false)
            .follow_links(false)
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file())
                        && has_extension(e.path(), opts.extensions)
                    {
                        out.push(Discovered::File {
                            path: e.into_path(),
                            explicit: false,
                        });
                    }
                }
                Err(err) => out.push(Discovered::Error {
                    path: error_path(&err).unwrap_or_else(|| root.clone()),
                    message: err.to_string(),
                }),
            }
        }
    }
    out.sort_by(|a, b| a.path().cmp(b.path()));
    out.dedup_by(|a, b| a.path() == b.path());
    out
}

fn has_extension(path: &Path, extensions: &[String]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// A short description of an I/O error without Rust's "(os error N)" suffix.
pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
