//! Why a bundle could not be written, in words that say what to do.

use std::path::{Path, PathBuf};

/// Why the bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder exists and holds files letterpress did not write.
    #[error(
        "{}: this folder holds files letterpress did not write ({}); a build replaces its output folder as a whole, so letterpress only replaces a folder it built (or an empty one): choose a new or empty folder with --out (or `out:` in letterpress.yaml), or move those files away",
        out.display(), examples(found)
    )]
    NotABundle {
        /// The folder.
        out: PathBuf,
        /// Names found in it, sorted.
        found: Vec<String>,
    },
    /// The output folder would be the project, or a folder containing it.
    #[error(
        "{}: the output folder{} contains the project itself; choose a folder of its own, e.g. --out out",
        out.display(), given_as(given, out)
    )]
    ContainsProject {
        /// What the user wrote.
        given: PathBuf,
        /// What it names.
        out: PathBuf,
    },
    /// The output folder would be inside the project's sources.
    #[error(
        "{}: the output folder is inside {folder}/, where letterpress reads your sources; choose a folder outside it, e.g. --out out",
        out.display()
    )]
    InsideSources {
        /// The folder.
        out: PathBuf,
        /// Which source folder.
        folder: String,
    },
    /// `--out /`.
    #[error(
        "{}: that is the root of the file system; the bundle needs a folder of its own, e.g. --out out",
        .0.display()
    )]
    RootFolder(PathBuf),
    /// The output folder is a symbolic link.
    #[error(
        "{}: the output folder is a symbolic link; a build replaces the folder as a whole, so give the real folder with --out",
        .0.display()
    )]
    Symlink(PathBuf),
    /// The output path is a file.
    #[error(
        "{}: this is a file, not a folder; choose a folder for the bundle with --out",
        .0.display()
    )]
    NotAFolder(PathBuf),
    /// A file name that would leave the bundle (never produced by letterpress itself).
    #[error("refusing to write `{0}`: it would land outside the bundle folder")]
    Escapes(String),
    /// A file system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl WriteError {
    /// Wraps an I/O error about `path`.
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    }
}

fn examples(found: &[String]) -> String {
    let mut shown: Vec<&str> = found.iter().take(4).map(String::as_str).collect();
    if found.len() > shown.len() {
        shown.push("…");
    }
    shown.join(", ")
}

fn given_as(given: &Path, out: &Path) -> String {
    if given == out {
        String::new()
    } else {
        format!(" (`{}`)", given.display())
    }
}
