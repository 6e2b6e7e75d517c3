//! Reading: every file letterpress reads goes through [`read_in_project`] (project files:
//! settings, brand, locales, templates, fixtures, includes) or [`read_given`] (a file or
//! standard input named on the command line). Both refuse anything that is not a regular file
//! (a folder, a named pipe, a device such as `/dev/zero`), read at most a size limit counted
//! while reading (never trusting the file's reported length), and accept UTF-8 text only.
//! Project files follow one confinement rule: no symbolic link, to a file or a folder, may lead
//! outside the project.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::error::{ProjectError, SourcePos};

/// Largest YAML file letterpress reads (settings, brand, locales, fixtures, `--data`): 4 MiB.
pub const MAX_YAML_BYTES: u64 = 4 * 1024 * 1024;

/// Largest template, partial, layout or text template: 1 MiB.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Why a file could not be read, in words a designer understands.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing is there (or a symbolic link points at nothing).
    NotFound {
        /// The file as shown to the user.
        file: PathBuf,
    },
    /// A symbolic link (the file itself or a folder on its way) leads outside the project.
    OutsideProject {
        /// The file as shown to the user.
        file: PathBuf,
        /// The link, relative to the project.
        link: PathBuf,
        /// Where it leads.
        target: PathBuf,
    },
    /// A folder, named pipe, device or socket where a file was expected.
    NotAFile {
        /// The file as shown to the user.
        file: PathBuf,
        /// What it is instead, e.g. "a named pipe (FIFO)".
        what: &'static str,
    },
    /// A file where a folder was expected.
    NotAFolder {
        /// The path as shown to the user.
        file: PathBuf,
    },
    /// Longer than the limit.
    TooLarge {
        /// The file as shown to the user.
        file: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// Contains NUL bytes.
    Binary {
        /// The file as shown to the user.
        file: PathBuf,
    },
    /// Not UTF-8; the position of the first bad byte.
    NotUtf8 {
        /// The file as shown to the user.
        file: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// Any other error of the operating system.
    Io {
        /// The file as shown to the user.
        file: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl ReadError {
    /// The file the error is about, as shown to the user.
    pub fn file(&self) -> &Path {
        match self {
            ReadError::NotFound { file }
            | ReadError::OutsideProject { file, .. }
            | ReadError::NotAFile { file, .. }
            | ReadError::NotAFolder { file }
            | ReadError::TooLarge { file, .. }
            | ReadError::Binary { file }
            | ReadError::NotUtf8 { file, .. }
            | ReadError::Io { file, .. } => file,
        }
    }

    /// Where to point a message: the file, with line and column for bad UTF-8.
    pub fn pos(&self) -> SourcePos {
        match self {
            ReadError::NotUtf8 { file, line, column } => SourcePos::at(file, *line, *column),
            other => SourcePos::file(other.file()),
        }
    }

    /// What is wrong and what to do, without the file name.
    pub fn message(&self) -> String {
        match self {
            ReadError::NotFound { .. } => "the file does not exist".into(),
            ReadError::OutsideProject { file, link, target } => {
                let via = if link == file {
                    "is a symbolic link".to_string()
                } else {
                    format!("is reached through `{}`, a symbolic link", link.display())
                };
                format!(
                    "{via} to {}, outside the project; letterpress reads only files inside the project folder: copy the file into the project instead of linking it",
                    target.display()
                )
            }
            ReadError::NotAFile { what, .. } => {
                format!("this is {what}, not a file; letterpress reads only regular text files")
            }
            ReadError::NotAFolder { .. } => {
                "this should be a folder but is a file; move it away or rename it".into()
            }
            ReadError::TooLarge { limit, .. } => format!(
                "the file is larger than {}, the limit for this kind of file; is it the right file? (split a large template into partials; trim large data)",
                size(*limit)
            ),
            ReadError::Binary { .. } => {
                "the file is binary (it contains NUL bytes); expected UTF-8 text".into()
            }
            ReadError::NotUtf8 { .. } => "the file is not UTF-8 text; save it as UTF-8".into(),
            ReadError::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied => {
                    "permission denied: letterpress may not read this file".into()
                }
                _ => format!("cannot be read: {source}"),
            },
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos(), self.message())
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for ProjectError {
    fn from(err: ReadError) -> ProjectError {
        ProjectError::Invalid {
            pos: err.pos(),
            message: err.message(),
        }
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads the text file `rel` (relative to the project folder `root`, which must be canonical).
/// Refuses a path that leaves the project, by `..` or through a symbolic link; anything that is
/// not a regular file; more than `limit` bytes; binary or non-UTF-8 content.
pub fn read_in_project(root: &Path, rel: &Path, limit: u64) -> Result<String, ReadError> {
    let real = confine(root, rel)?;
    let file = open_regular(&real, rel)?;
    read_capped(file, rel, limit)
}

/// Reads a file named on the command line, or standard input for `-`, with the same limits as
/// [`read_in_project`] but no confinement (the user chose the path).
pub fn read_given(path: &Path, limit: u64) -> Result<String, ReadError> {
    if path == Path::new("-") {
        return read_capped(std::io::stdin().lock(), Path::new("<stdin>"), limit);
    }
    let file = open_regular(path, path)?;
    read_capped(file, path, limit)
}

/// Checks that the folder `rel` of the project is inside it (it may be a symbolic link to
/// another folder of the project). `Ok(None)` when it does not exist.
pub fn project_dir(root: &Path, rel: &Path) -> Result<Option<PathBuf>, ReadError> {
    let path = root.join(rel);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let real = confine(root, rel)?;
    if !real.is_dir() {
        return Err(ReadError::NotAFolder {
            file: rel.to_path_buf(),
        });
    }
    Ok(Some(path))
}

/// The real path of `rel` under `root`, when it stays inside `root`.
fn confine(root: &Path, rel: &Path) -> Result<PathBuf, ReadError> {
    let shown = rel.to_path_buf();
    let lexical_ok = rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !lexical_ok {
        return Err(ReadError::OutsideProject {
            file: shown.clone(),
            link: shown,
            target: root.join(rel),
        });
    }
    let path = root.join(rel);
    let real = match path.canonicalize() {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadError::NotFound { file: shown });
        }
        Err(source) => {
            return Err(ReadError::Io {
                file: shown,
                source,
            });
        }
    };
    if real.starts_with(root) {
        return Ok(real);
    }
    Err(ReadError::OutsideProject {
        link: first_link(root, rel).unwrap_or_else(|| shown.clone()),
        file: shown,
        target: real,
    })
}

/// The first symbolic link on the way from `root` to `rel`, relative to `root`.
fn first_link(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut prefix = PathBuf::new();
    for component in rel.components() {
        prefix.push(component);
        let meta = std::fs::symlink_metadata(root.join(&prefix)).ok()?;
        if meta.file_type().is_symlink() {
            return Some(prefix);
        }
    }
    None
}

/// Opens `path` for reading without blocking on a named pipe, and checks that it is a regular
/// file (on the open file, so it cannot be swapped in between).
fn open_regular(path: &Path, shown: &Path) -> Result<File, ReadError> {
    let file = open_nonblocking(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound {
            file: shown.to_path_buf(),
        },
        _ => ReadError::Io {
            file: shown.to_path_buf(),
            source,
        },
    })?;
    let meta = file.metadata().map_err(|source| ReadError::Io {
        file: shown.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        Ok(file)
    } else {
        Err(ReadError::NotAFile {
            file: shown.to_path_buf(),
            what: kind_of(&meta.file_type()),
        })
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    Ok(File::from(fd))
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(unix)]
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a named pipe (FIFO)"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Reads at most `limit` bytes (one more tells that the source is longer) and checks the text.
fn read_capped(source: impl Read, shown: &Path, limit: u64) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    source
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            file: shown.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            file: shown.to_path_buf(),
            limit,
        });
    }
    text_from_bytes(bytes, shown)
}

/// Checks that `bytes` are UTF-8 text without NUL bytes.
pub fn text_from_bytes(bytes: Vec<u8>, shown: &Path) -> Result<String, ReadError> {
    if bytes.contains(&0) {
        return Err(ReadError::Binary {
            file: shown.to_path_buf(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let (line, column) = crate::error::line_col(
            &String::from_utf8_lossy(valid),
            e.utf8_error().valid_up_to(),
        );
        ReadError::NotUtf8 {
            file: shown.to_path_buf(),
            line,
            column,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("p");
        std::fs::create_dir_all(root.join("locales")).unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn reads_a_file_inside_the_project() {
        let (_dir, root) = project();
        std::fs::write(root.join("locales/en.yaml"), "a: b\n").unwrap();
        let text = read_in_project(&root, Path::new("locales/en.yaml"), 100).unwrap();
        assert_eq!(text, "a: b\n");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symbolic_link_that_leads_outside() {
        let (dir, root) = project();
        std::fs::write(dir.path().join("secret.yaml"), "token: s3cret\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.yaml"), root.join("locales/en.yaml"))
            .unwrap();
        let err = read_in_project(&root, Path::new("locales/en.yaml"), 100).unwrap_err();
        assert!(matches!(err, ReadError::OutsideProject { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.starts_with("locales/en.yaml: is a symbolic link to "),
            "{message}"
        );
        assert!(message.contains("outside the project"), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_on_the_way_is_named() {
        let (dir, root) = project();
        std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
        std::fs::write(dir.path().join("elsewhere/x.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), root.join("fixtures")).unwrap();
        let err = read_in_project(&root, Path::new("fixtures/x.yaml"), 100).unwrap_err();
        assert!(
            err.to_string()
                .contains("is reached through `fixtures`, a symbolic link"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_project_are_followed() {
        let (_dir, root) = project();
        std::fs::write(root.join("locales/en.yaml"), "a: b\n").unwrap();
        std::os::unix::fs::symlink("en.yaml", root.join("locales/en-GB.yaml")).unwrap();
        assert_eq!(
            read_in_project(&root, Path::new("locales/en-GB.yaml"), 100).unwrap(),
            "a: b\n"
        );
    }

    #[test]
    fn parent_folder_steps_are_refused() {
        let (_dir, root) = project();
        let err = read_in_project(&root, Path::new("../x.yaml"), 100).unwrap_err();
        assert!(matches!(err, ReadError::OutsideProject { .. }), "{err:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_blocking() {
        let (_dir, root) = project();
        let fifo = root.join("locales/en.yaml");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        let err = read_in_project(&root, Path::new("locales/en.yaml"), 100).unwrap_err();
        assert_eq!(
            err.to_string(),
            "locales/en.yaml: this is a named pipe (FIFO), not a file; letterpress reads only regular text files"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused() {
        let err = read_given(Path::new("/dev/zero"), 100).unwrap_err();
        assert!(err.to_string().contains("a device, not a file"), "{err}");
    }

    #[test]
    fn the_limit_is_counted_while_reading() {
        let err = read_capped(std::io::repeat(b'a'), Path::new("<stdin>"), 10).unwrap_err();
        assert!(
            matches!(err, ReadError::TooLarge { limit: 10, .. }),
            "{err:?}"
        );
        assert_eq!(
            read_capped(&b"0123456789"[..], Path::new("x"), 10).unwrap(),
            "0123456789"
        );
    }

    #[test]
    fn binary_and_non_utf8_files_are_refused_with_a_position() {
        assert!(matches!(
            text_from_bytes(vec![b'a', 0], Path::new("b")).unwrap_err(),
            ReadError::Binary { .. }
        ));
        let err = text_from_bytes(b"ok\nab\xff".to_vec(), Path::new("b.yaml")).unwrap_err();
        assert_eq!(err.pos(), SourcePos::at("b.yaml", 2, 3));
    }

    #[test]
    fn project_dir_refuses_a_folder_linked_from_outside() {
        let (dir, root) = project();
        assert!(
            project_dir(&root, Path::new("templates"))
                .unwrap()
                .is_none()
        );
        assert!(project_dir(&root, Path::new("locales")).unwrap().is_some());
        #[cfg(unix)]
        {
            std::fs::create_dir(dir.path().join("t")).unwrap();
            std::os::unix::fs::symlink(dir.path().join("t"), root.join("templates")).unwrap();
            assert!(project_dir(&root, Path::new("templates")).is_err());
        }
        let _ = dir;
    }
}
