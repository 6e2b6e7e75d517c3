//! How a template is built: as a letterpress template or as plain MJML.
//!
//! A file with front matter is a letterpress template: Tera renders it and the brand applies
//! (fonts, colours, element defaults, styles). A file without front matter, or one that
//! `plain-mjml` in letterpress.yaml matches, is plain MJML, built as the mjml CLI builds it: its
//! text is not Tera, so foreign placeholders (`{{ .Token }}`, `{{name}}`, `{% if %}`, `*|FNAME|*`)
//! stay exactly as written, and the brand adds nothing but `lang` and `dir`. The front matter keys
//! `tera:` and `brand:` decide either for one template.

use std::path::Path;

use crate::config::Config;
use crate::project::FrontMatter;

/// What letterpress does to one template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Treatment {
    /// Whether Tera renders the template (otherwise its text is used as written).
    pub tera: bool,
    /// Whether the brand's head applies (and the brand's palette and font rules check it).
    pub brand: bool,
}

impl Treatment {
    /// A letterpress template.
    pub const LETTERPRESS: Treatment = Treatment {
        tera: true,
        brand: true,
    };
    /// Plain MJML.
    pub const PLAIN: Treatment = Treatment {
        tera: false,
        brand: false,
    };
}

/// The treatment of the template at `file` (project-relative), given whether it has front
/// matter, its front matter and the project settings.
pub fn decide(
    file: &Path,
    has_front_matter: bool,
    front: Option<&FrontMatter>,
    config: &Config,
) -> Treatment {
    let plain = !has_front_matter || matches_plain(file, config);
    let base = if plain {
        Treatment::PLAIN
    } else {
        Treatment::LETTERPRESS
    };
    Treatment {
        tera: front.and_then(|f| f.tera).unwrap_or(base.tera),
        brand: front.and_then(|f| f.brand).unwrap_or(base.brand),
    }
}

/// Whether a `plain-mjml` pattern matches the file's project path (`templates/x.mjml`) or its
/// path under `templates/` (`x.mjml`).
fn matches_plain(file: &Path, config: &Config) -> bool {
    let full = file.to_string_lossy().replace('\\', "/");
    let short = full.strip_prefix("templates/").unwrap_or(&full).to_string();
    config
        .plain_mjml
        .iter()
        .filter_map(|p| glob::Pattern::new(p).ok())
        .any(|p| p.matches(&full) || p.matches(&short))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(patterns: &[&str]) -> Config {
        Config {
            plain_mjml: patterns.iter().map(|p| p.to_string()).collect(),
            ..Config::default()
        }
    }

    #[test]
    fn front_matter_makes_a_letterpress_template_and_its_absence_plain_mjml() {
        let file = Path::new("templates/welcome.mjml");
        let front = FrontMatter::default();
        assert_eq!(
            decide(file, true, Some(&front), &config(&[])),
            Treatment::LETTERPRESS
        );
        assert_eq!(
            decide(file, false, Some(&front), &config(&[])),
            Treatment::PLAIN
        );
    }

    #[test]
    fn plain_mjml_patterns_match_with_or_without_the_folder() {
        let front = FrontMatter::default();
        let file = Path::new("templates/sendgrid-receipt.mjml");
        for pattern in [
            "sendgrid-*",
            "sendgrid-*.mjml",
            "templates/sendgrid-*.mjml",
            "templates/*",
        ] {
            assert_eq!(
                decide(file, true, Some(&front), &config(&[pattern])),
                Treatment::PLAIN,
                "{pattern}"
            );
        }
        assert_eq!(
            decide(file, true, Some(&front), &config(&["postmark-*"])),
            Treatment::LETTERPRESS
        );
    }

    #[test]
    fn front_matter_keys_decide_for_one_template() {
        let file = Path::new("templates/esp.mjml");
        let front = FrontMatter {
            tera: Some(false),
            ..FrontMatter::default()
        };
        assert_eq!(
            decide(file, true, Some(&front), &config(&[])),
            Treatment {
                tera: false,
                brand: true
            }
        );
        let front = FrontMatter {
            brand: Some(true),
            ..FrontMatter::default()
        };
        assert_eq!(
            decide(file, true, Some(&front), &config(&["esp*"])),
            Treatment {
                tera: false,
                brand: true
            }
        );
    }
}
