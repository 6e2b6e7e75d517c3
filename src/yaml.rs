//! YAML reading with serde-saphyr: strict booleans (`NO` stays a string), and errors turned
//! into [`ProjectError::Yaml`] with file, line and column.

mod explain;

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{ProjectError, SourcePos};

pub use crate::files::MAX_YAML_BYTES;

/// Parses `text` (the contents of `file`, a project-relative path used in messages) into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, ProjectError> {
    parse_at(text, file, 0)
}

/// Parses sample or sending data (a fixture, `render --data`): JSON when the text is a JSON
/// object (what senders send; JSON may carry characters YAML refuses), else YAML with the
/// control characters YAML does not allow removed first: data is data, and a stray control
/// character in it must not fail an email.
pub fn parse_data(text: &str, file: &Path) -> Result<Option<serde_json::Value>, ProjectError> {
    if text.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str(text) {
            return Ok(Some(value));
        }
    }
    let allowed = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    if text.chars().all(allowed) {
        return parse(text, file);
    }
    let cleaned: String = text.chars().filter(|&c| allowed(c)).collect();
    parse(&cleaned, file)
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
            message: explain::explain(&err, text),
        }
    })
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
}
