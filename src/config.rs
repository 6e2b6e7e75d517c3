//! Project settings (`letterpress.yaml`, optional): where things are, which locales to build,
//! size budgets, plaintext width and rule severities. `Default` is the single source of defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::brand::Colour;
use crate::error::{ProjectError, SourcePos};
use crate::findings::Severity;

/// The name of the settings file at the project root.
pub const FILE_NAME: &str = "letterpress.yaml";

/// All project settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The locale whose strings fill in keys missing from other locales (default: `en` if
    /// present, else the first locale file alphabetically).
    pub default_locale: Option<String>,
    /// Locales to build (default: every `locales/*.yaml`).
    pub locales: Option<Vec<String>>,
    /// Where `build` writes the bundle, relative to the project (default `out`).
    pub out: PathBuf,
    /// Plaintext part settings.
    pub plaintext: PlaintextConfig,
    /// Size budgets in bytes of final HTML.
    pub budgets: Budgets,
    /// Severity per rule id, overriding the rule's default.
    pub rules: BTreeMap<String, Severity>,
    /// Colours allowed in output besides the palette, white, black and transparent.
    pub allowed_colours: Vec<Colour>,
    /// `List-Unsubscribe` values for marketing emails (written to the manifest).
    pub list_unsubscribe: Option<ListUnsubscribe>,
    /// Glob patterns of templates built as plain MJML (no Tera, no brand), e.g.
    /// `templates/sendgrid-*.mjml`; see [`crate::treatment`].
    pub plain_mjml: Vec<String>,
}

/// Plaintext settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PlaintextConfig {
    /// Wrap prose at this many columns (40–78; RFC 5322 recommends at most 78).
    pub width: usize,
}

impl Default for PlaintextConfig {
    fn default() -> Self {
        PlaintextConfig { width: 72 }
    }
}

/// Size budgets.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Budgets {
    /// Above this many bytes of HTML, a warning (`size.budget`).
    pub size_warning: usize,
    /// Above this many bytes, an error (`size.gmail-clip`): Gmail clips the message.
    pub gmail_clip: usize,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            size_warning: 90_000,
            gmail_clip: 102_000,
        }
    }
}

/// One-click unsubscribe settings for marketing email (RFC 8058).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ListUnsubscribe {
    /// A `mailto:` address for unsubscribe requests.
    #[serde(default)]
    pub mailto: Option<String>,
    /// An https URL that accepts the one-click POST.
    #[serde(default)]
    pub url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_locale: None,
            locales: None,
            out: PathBuf::from("out"),
            plaintext: PlaintextConfig::default(),
            budgets: Budgets::default(),
            rules: BTreeMap::new(),
            allowed_colours: Vec::new(),
            list_unsubscribe: None,
            plain_mjml: Vec::new(),
        }
    }
}

impl Config {
    /// Parses and validates settings text; `file` names it in messages.
    pub fn parse(text: &str, file: &Path) -> Result<Config, ProjectError> {
        let config: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            crate::yaml::parse(text, file)?
        };
        config.validate(file)?;
        Ok(config)
    }

    /// Reads `letterpress.yaml` under `root`, or the defaults when there is none.
    pub fn from_project(root: &Path) -> Result<Config, ProjectError> {
        let path = root.join(FILE_NAME);
        if !path.exists() {
            return Ok(Config::default());
        }
        let text = crate::yaml::read_text(&path, Path::new(FILE_NAME))?;
        Config::parse(&text, Path::new(FILE_NAME))
    }

    /// Cross-field rules.
    fn validate(&self, file: &Path) -> Result<(), ProjectError> {
        let invalid = |message: String| ProjectError::Invalid {
            pos: SourcePos::file(file),
            message,
        };
        if !(40..=78).contains(&self.plaintext.width) {
            return Err(invalid(format!(
                "plaintext.width is {}; use 40–78 columns (RFC 5322 recommends at most 78)",
                self.plaintext.width
            )));
        }
        let b = &self.budgets;
        if b.size_warning == 0 || b.gmail_clip == 0 || b.size_warning > b.gmail_clip {
            return Err(invalid(format!(
                "budgets: size-warning ({}) must be positive and at most gmail-clip ({})",
                b.size_warning, b.gmail_clip
            )));
        }
        for id in self.rules.keys() {
            if !crate::checks::is_rule(id) {
                return Err(invalid(format!(
                    "rules: unknown rule id `{id}` (run `letterpress rules` for the list)"
                )));
            }
        }
        if let Some(bad) = self
            .plain_mjml
            .iter()
            .find(|p| glob::Pattern::new(p).is_err())
        {
            return Err(invalid(format!(
                "plain-mjml: `{bad}` is not a valid pattern (use * and ? as in `templates/sendgrid-*.mjml`)"
            )));
        }
        if let Some(lu) = &self.list_unsubscribe {
            let mailto_ok = lu.mailto.as_deref().is_none_or(|m| m.contains('@'));
            let url_ok = lu.url.as_deref().is_none_or(|u| u.starts_with("https://"));
            if !mailto_ok || !url_ok || (lu.mailto.is_none() && lu.url.is_none()) {
                return Err(invalid(
                    "list-unsubscribe needs a mailto address and/or an https url".into(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ProjectError> {
        Config::parse(text, Path::new(FILE_NAME))
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.budgets.gmail_clip, 102_000);
        assert_eq!(c.plaintext.width, 72);
        assert_eq!(c.out, PathBuf::from("out"));
    }

    #[test]
    fn unknown_key_names_line() {
        let err = parse("out: dist\nlocale: en\n").unwrap_err().to_string();
        assert!(err.starts_with("letterpress.yaml:2:"), "{err}");
    }

    #[test]
    fn width_over_78_is_refused() {
        assert!(
            parse("plaintext: {width: 100}\n")
                .unwrap_err()
                .to_string()
                .contains("40–78")
        );
    }

    #[test]
    fn plain_mjml_patterns_are_checked() {
        assert_eq!(
            parse("plain-mjml: [\"legacy-*\"]\n").unwrap().plain_mjml,
            ["legacy-*"]
        );
        let err = parse("plain-mjml: [\"a[\"]\n").unwrap_err().to_string();
        assert!(err.contains("not a valid pattern"), "{err}");
    }

    #[test]
    fn unknown_rule_is_refused() {
        let err = parse("rules: {voice.shoutin: off}\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown rule id `voice.shoutin`"), "{err}");
    }
}
