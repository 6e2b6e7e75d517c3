//! Typed errors of the library. Every error names the file it comes from and, where it is known,
//! the line and column; the CLI renders them, the library never prints.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a project file: the path relative to the project root, and a 1-based line and
/// column where they are known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SourcePos {
    /// Path of the file, relative to the project root where possible.
    pub file: PathBuf,
    /// 1-based line, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl SourcePos {
    /// A position that names only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        SourcePos {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    /// A position with a line and column (both 1-based).
    pub fn at(file: impl Into<PathBuf>, line: u32, column: u32) -> Self {
        SourcePos {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// A position with a line only.
    pub fn line(file: impl Into<PathBuf>, line: u32) -> Self {
        SourcePos {
            file: file.into(),
            line: Some(line),
            column: None,
        }
    }
}

impl fmt::Display for SourcePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column), counting columns in characters.
/// Offsets past the end or inside a character are clamped to the nearest earlier boundary.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (to_u32(line), to_u32(column))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Why a project could not be loaded at all (exit code 2): its configuration, brand, locales or
/// folder layout is unreadable or invalid. Problems inside one email are [`crate::Finding`]s.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// A file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A YAML file is malformed or does not match its schema.
    #[error("{pos}: {message}")]
    Yaml {
        /// Where the problem is.
        pos: SourcePos,
        /// What is wrong and, where possible, what to do.
        message: String,
    },
    /// A value is well-formed YAML but not allowed (cross-field rules, missing palette roles…).
    #[error("{pos}: {message}")]
    Invalid {
        /// Where the problem is.
        pos: SourcePos,
        /// What is wrong and what to do.
        message: String,
    },
    /// The folder is not a letterpress project.
    #[error("{}: not a letterpress project: {reason}", dir.display())]
    NotAProject {
        /// The folder that was given.
        dir: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// The selection given on the command line names no template, locale or fixture that exists.
    #[error("{0}")]
    Selection(String),
}

impl ProjectError {
    /// An I/O error for `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ProjectError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "ab\nçd\nxyz";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'ç' is two bytes: offset 5 is the 'd', the second character of line 2
        assert_eq!(line_col(text, 5), (2, 2));
        assert_eq!(line_col(text, 7), (3, 1));
        assert_eq!(line_col(text, 999), (3, 4));
    }

    #[test]
    fn line_col_clamps_inside_a_character() {
        assert_eq!(line_col("ç", 1), (1, 1));
    }

    #[test]
    fn source_pos_prints_like_a_compiler() {
        assert_eq!(SourcePos::at("a/b.yaml", 3, 7).to_string(), "a/b.yaml:3:7");
        assert_eq!(SourcePos::line("a.mjml", 3).to_string(), "a.mjml:3");
        assert_eq!(SourcePos::file("a.mjml").to_string(), "a.mjml");
    }
}
