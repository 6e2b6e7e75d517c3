//! YAML reading with serde-saphyr: strict booleans (`NO` stays a string), and errors turned
//! into [`ProjectError::Yaml`] with file, line and column.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{ProjectError, SourcePos};

/// Largest YAML file letterpress reads (fixtures, locales, brand, config): 4 MiB. Anything
/// larger is almost certainly a mistake (a data dump, a binary) and is refused with a message.
pub const MAX_YAML_BYTES: u64 = 4 * 1024 * 1024;

/// Parses `text` (the contents of `file`, a project-relative path used in messages) into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, ProjectError> {
    parse_at(text, file, 0)
}

/// Like [`parse`], for YAML that starts `line_offset` lines into its file (front matter).
pub fn parse_at<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    line_offset: u32,
) -> Result<T, ProjectError> {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, options).map_err(|err| {
        let location = err.location();
        let pos = match location {
            Some(loc) if loc.line() > 0 => SourcePos::at(
                file,
                u32::try_from(loc.line())
                    .unwrap_or(u32::MAX)
                    .saturating_add(line_offset),
                u32::try_from(loc.column()).unwrap_or(u32::MAX),
            ),
            _ => SourcePos::file(file),
        };
        ProjectError::Yaml {
            pos,
            message: plain_message(&err),
        }
    })
}

/// Reads a YAML file from disk (refusing huge or binary files) and parses it.
pub fn read<T: DeserializeOwned>(path: &Path, shown_as: &Path) -> Result<T, ProjectError> {
    let text = read_text(path, shown_as)?;
    parse(&text, shown_as)
}

/// Reads a UTF-8 text file, refusing files over [`MAX_YAML_BYTES`] or with NUL bytes, so a
/// binary dropped into the project gives a clear message instead of a parse error.
pub fn read_text(path: &Path, shown_as: &Path) -> Result<String, ProjectError> {
    let meta = std::fs::metadata(path).map_err(|e| ProjectError::io(shown_as, e))?;
    if meta.len() > MAX_YAML_BYTES {
        return Err(ProjectError::Invalid {
            pos: SourcePos::file(shown_as),
            message: format!(
                "file is {} bytes; letterpress reads text files up to {} bytes: is this the right file?",
                meta.len(),
                MAX_YAML_BYTES
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ProjectError::io(shown_as, e))?;
    text_from_bytes(bytes, shown_as)
}

/// Checks that `bytes` are UTF-8 text without NUL bytes.
pub fn text_from_bytes(bytes: Vec<u8>, shown_as: &Path) -> Result<String, ProjectError> {
    if bytes.contains(&0) {
        return Err(ProjectError::Invalid {
            pos: SourcePos::file(shown_as),
            message: "file is binary (contains NUL bytes); expected UTF-8 text".into(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::error::line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        ProjectError::Invalid {
            pos: SourcePos::at(shown_as, line, column),
            message: "file is not valid UTF-8; save it as UTF-8".into(),
        }
    })
}

/// serde-saphyr's message without its snippet and without its own position prefix, so the
/// caller can print one line `file:line:col: message`.
fn plain_message(err: &serde_saphyr::Error) -> String {
    let text = err.without_snippet().to_string();
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid YAML");
    let first = first.trim();
    // Drop a trailing " at line X column Y" that the crate appends; we print our own position.
    match first.find(" at line ") {
        Some(i) => first[..i].trim_end_matches(':').to_string(),
        None => first.trim_start_matches("error: ").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn strict_booleans_keep_country_codes_as_strings() {
        let map: BTreeMap<String, String> = parse("country: NO\n", Path::new("x.yaml")).unwrap();
        assert_eq!(map["country"], "NO");
    }

    #[test]
    fn errors_carry_file_line_and_column() {
        let err = parse::<BTreeMap<String, String>>("a: 1\nb: [unclosed\n", Path::new("f.yaml"))
            .unwrap_err();
        let ProjectError::Yaml { pos, message } = err else {
            panic!("not a YAML error")
        };
        assert_eq!(pos.file, Path::new("f.yaml"));
        assert!(
            pos.line.is_some_and(|l| l >= 2),
            "line should point at the bad list: {pos}"
        );
        assert!(!message.contains('\n'), "one-line message: {message}");
    }

    #[test]
    fn binary_files_are_refused() {
        let err = text_from_bytes(vec![b'a', 0, b'b'], Path::new("bin.yaml")).unwrap_err();
        assert!(err.to_string().contains("binary"), "{err}");
    }
}
