//! Project settings (`letterpress.yaml`, optional): where things are, which locales to build,
//! size budgets, plaintext width and rule severities. `Default` is the single source of defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::brand::Colour;
use crate::error::{ProjectError, SourcePos};
use crate::findings::Severity;
use crate::headers::Mailbox;

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
    /// The CLDR locale (with its region) that formats dates, numbers and money and picks the
    /// spelling dictionary, per locale code: `{en: en-GB}`. Default: the code itself.
    pub format_locales: BTreeMap<String, String>,
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
    /// Local assets: where `out/assets/` is published.
    pub assets: crate::assets::AssetsConfig,
    /// Default `From` of every email (default: the brand's name and `company.sender-email`).
    pub from: Option<Mailbox>,
    /// Default `Reply-To` of every email (default: none, replies go to `from`).
    pub reply_to: Option<Mailbox>,
    /// Where `letterpress send` delivers test emails.
    pub smtp: Option<SmtpConfig>,
    /// Email service template languages `build` writes every template in, under
    /// `<out>/export/<dialect>/` (see [`crate::export`]).
    pub export: Vec<crate::export::Dialect>,
}

/// SMTP settings for test sends. The password never lives here (this file is committed): it
/// comes from `LETTERPRESS_SMTP_PASSWORD` or a `LETTERPRESS_SMTP_URL` in the environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SmtpConfig {
    /// `smtp://user@host:587` (STARTTLS), `smtps://user@host:465` (TLS), or
    /// `smtp://host:1025?tls=none` for a local test server.
    pub url: String,
}

impl SmtpConfig {
    /// Checks the URL's form, and that it holds no password.
    pub fn validate(&self) -> Result<(), String> {
        let url = url::Url::parse(&self.url)
            .map_err(|e| format!("smtp.url {:?} is not a URL ({e})", self.url))?;
        if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
            return Err(format!(
                "smtp.url must look like smtp://user@host:587 or smtps://user@host:465, not {:?}",
                self.url
            ));
        }
        if url.password().is_some() {
            return Err(
                "smtp.url holds a password, and letterpress.yaml is usually committed: \
                 remove it and set LETTERPRESS_SMTP_PASSWORD in the environment instead"
                    .into(),
            );
        }
        Ok(())
    }
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

impl ListUnsubscribe {
    /// Checks that there is a mailto address and/or an https URL.
    pub fn validate(&self) -> Result<(), String> {
        // one token each: the values go into a header between < >
        let clean = |v: &str| {
            !v.chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>,\"".contains(c))
        };
        let mailto_ok = self
            .mailto
            .as_deref()
            .is_none_or(|m| m.contains('@') && clean(m));
        let url_ok = self
            .url
            .as_deref()
            .is_none_or(|u| u.starts_with("https://") && clean(u));
        if !mailto_ok || !url_ok || (self.mailto.is_none() && self.url.is_none()) {
            return Err(
                "list-unsubscribe needs a mailto address and/or an https url, each without spaces, quotes, commas or < >"
                    .into(),
            );
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_locale: None,
            locales: None,
            format_locales: BTreeMap::new(),
            out: PathBuf::from("out"),
            plaintext: PlaintextConfig::default(),
            budgets: Budgets::default(),
            rules: BTreeMap::new(),
            allowed_colours: Vec::new(),
            list_unsubscribe: None,
            from: None,
            reply_to: None,
            smtp: None,
            assets: crate::assets::AssetsConfig::default(),
            plain_mjml: Vec::new(),
            export: Vec::new(),
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
        // settings written as `letterpress.yml` would otherwise be left out without a word
        let yml = Path::new("letterpress.yml");
        if std::fs::symlink_metadata(root.join(yml)).is_ok() {
            return Err(ProjectError::Invalid {
                pos: SourcePos::file(yml),
                message: format!(
                    "the settings file is {FILE_NAME}, and this one would not be read; rename it (or merge it into {FILE_NAME})"
                ),
            });
        }
        if std::fs::symlink_metadata(root.join(FILE_NAME)).is_err() {
            return Ok(Config::default());
        }
        let text = crate::files::read_in_project(
            root,
            Path::new(FILE_NAME),
            crate::files::MAX_YAML_BYTES,
        )?;
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
        for (code, cldr) in &self.format_locales {
            if cldr.parse::<icu_locale_core::Locale>().is_err() {
                return Err(invalid(format!(
                    "format-locales: `{code}: {cldr}` is not a locale; write a language and region like en-GB or pt-BR"
                )));
            }
        }
        for id in self.rules.keys() {
            if !crate::checks::is_rule(id) {
                return Err(invalid(format!(
                    "rules: unknown rule id `{id}` (run `letterpress rules` for the list)"
                )));
            }
        }
        self.assets.validate().map_err(invalid)?;
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
            lu.validate().map_err(invalid)?;
        }
        if let Some(smtp) = &self.smtp {
            smtp.validate().map_err(invalid)?;
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
    fn list_unsubscribe_values_cannot_smuggle_headers() {
        let err = parse("list-unsubscribe: {url: \"https://x.example/u\\r\\nBcc: a@b.example\"}\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("list-unsubscribe"), "{err}");
        assert!(parse("list-unsubscribe: {mailto: \"a@b.example>, <https://evil\"}\n").is_err());
        assert!(parse("list-unsubscribe: {url: \"https://x.example/u?l=1\"}\n").is_ok());
    }

    #[test]
    fn a_password_in_smtp_url_is_refused() {
        let err = parse("smtp: {url: \"smtp://me:hunter2@mail.example.com:587\"}\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("LETTERPRESS_SMTP_PASSWORD"), "{err}");
        assert!(
            !err.contains("hunter2"),
            "the password is never printed: {err}"
        );
        assert!(parse("smtp: {url: \"smtp://me@mail.example.com:587\"}\n").is_ok());
        assert!(parse("smtp: {url: \"http://mail.example.com\"}\n").is_err());
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
