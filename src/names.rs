//! Names that become paths: template, locale and fixture names end up as folder and file names
//! in the bundle (`out/<locale>/<template>/<fixture>.html`) and in preview URLs, so they are
//! checked against one safe set before anything uses them.

use std::fmt;

/// Longest name accepted, in bytes.
const MAX_LEN: usize = 100;

/// What a name names, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An email template: the file stem of `templates/<name>.mjml`.
    Template,
    /// A locale: the file stem of `locales/<code>.yaml`.
    Locale,
    /// A fixture case: the file stem of `fixtures/<template>/<case>.yaml`, before any
    /// `.<locale>` suffix.
    Fixture,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Template => "template",
            Kind::Locale => "locale",
            Kind::Fixture => "sample data",
        })
    }
}

/// Checks that `name` uses only ASCII letters, digits, `-` and `_`, does not start with `-`,
/// and is at most 100 bytes. The error says what is wrong in a designer's words; the caller
/// adds the file.
pub fn validate(kind: Kind, name: &str) -> Result<(), String> {
    let problem = if name.is_empty() {
        Some("is empty".to_string())
    } else if name.starts_with('.') || name.starts_with('-') {
        Some(format!("starts with `{}`", &name[..1]))
    } else if name.len() > MAX_LEN {
        Some(format!("is longer than {MAX_LEN} characters"))
    } else {
        name.chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            .map(|c| format!("contains {}", describe(c)))
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(format!(
            "the {kind} name `{}` {problem}: names become folder names in the bundle, so use only letters a–z, digits, `-` and `_` (not first); rename the file",
            name.escape_debug()
        )),
    }
}

/// Checks a fixture file stem: a case name, optionally followed by `.<locale>` (an overlay for
/// one locale, e.g. `default.tr`). Every part must be a valid name.
pub fn validate_fixture_stem(stem: &str) -> Result<(), String> {
    let mut parts = stem.splitn(2, '.');
    let case = parts.next().unwrap_or_default();
    validate(Kind::Fixture, case)?;
    match parts.next() {
        Some(locale) => validate(Kind::Locale, locale),
        None => Ok(()),
    }
}

/// The case name of a fixture file stem (the part before any `.<locale>` suffix).
pub fn fixture_case(stem: &str) -> &str {
    stem.split('.').next().unwrap_or(stem)
}

fn describe(c: char) -> String {
    match c {
        '.' => "a dot".into(),
        ' ' => "a space".into(),
        '/' | '\\' => format!("a slash `{c}`"),
        c if c.is_control() => "a control character".into(),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_names_projects_use() {
        for name in ["order-confirmation", "en", "pt-BR", "zh_Hant", "case1", "A"] {
            assert_eq!(validate(Kind::Template, name), Ok(()), "{name}");
        }
    }

    #[test]
    fn refuses_names_that_could_leave_a_folder() {
        for (name, why) in [
            ("..", "starts with `.`"),
            (".", "starts with `.`"),
            ("a/b", "contains a slash `/`"),
            ("a\\b", "contains a slash `\\`"),
            ("-rf", "starts with `-`"),
            ("", "is empty"),
            ("order confirmation", "contains a space"),
            ("a.b", "contains a dot"),
            ("é", "contains `é`"),
            ("a\u{7}", "contains a control character"),
        ] {
            let err = validate(Kind::Locale, name).unwrap_err();
            assert!(err.contains(why), "{name:?}: {err}");
            assert!(err.starts_with("the locale name"), "{err}");
        }
        assert!(validate(Kind::Template, &"a".repeat(101)).is_err());
    }

    #[test]
    fn fixture_stems_may_carry_a_locale_suffix() {
        assert_eq!(validate_fixture_stem("default"), Ok(()));
        assert_eq!(validate_fixture_stem("default.tr"), Ok(()));
        assert_eq!(fixture_case("default.tr"), "default");
        assert!(validate_fixture_stem("..").is_err());
        assert!(validate_fixture_stem("a..b").is_err());
        assert!(validate_fixture_stem("default.").is_err());
        assert!(validate_fixture_stem("a.b.c").is_err());
    }
}
