//! Per-locale fixture overlays: `fixtures/<template>/<case>.<locale>.yaml` (or
//! `fixtures/<template>.<locale>.yaml` for a one-case template) is deep-merged over the case's
//! own data for that locale only. Maps merge key by key; lists and values replace. So free text
//! (a support reply, a delivery note, product names) is written once per locale without
//! copying the rest of the case.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::error::{ProjectError, SourcePos};
use crate::findings::Finding;
use crate::stored::StoredMap;

/// One overlay file and its data (or why it could not be read).
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Path relative to the project root.
    pub file: PathBuf,
    /// The data to merge over the case, or the finding that says why it could not be read
    /// (boxed: a finding is three times the size of the data's handle).
    pub data: Result<StoredMap, Box<Finding>>,
}

/// What a fixture file's name (without `.yaml`) says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// A case of its own.
    Case(String),
    /// An overlay of `case` for `locale`, a locale the project builds.
    Overlay {
        /// The case it lays over.
        case: String,
        /// The locale it is for.
        locale: String,
    },
    /// Named like an overlay for a locale the project does not build.
    OtherLocale {
        /// The case it would lay over.
        case: String,
        /// The locale in its name.
        locale: String,
    },
}

/// Reads `<case>.<locale>` off a fixture file stem. The suffix counts as a locale when it is one
/// the project builds, or looks like a language tag (`de`, `pt-BR`); anything else
/// (`v1.2`) stays part of the case name.
pub fn name(stem: &str, locales: &[&str]) -> Name {
    let Some((case, suffix)) = stem.rsplit_once('.') else {
        return Name::Case(stem.to_string());
    };
    if case.is_empty() {
        return Name::Case(stem.to_string());
    }
    let (case, locale) = (case.to_string(), suffix.to_string());
    if locales.contains(&suffix) {
        Name::Overlay { case, locale }
    } else if looks_like_locale(suffix) {
        Name::OtherLocale { case, locale }
    } else {
        Name::Case(stem.to_string())
    }
}

/// A BCP 47 tag whose language is two or three lowercase letters (`de`, `pt-BR`, `zh-Hant`).
pub fn looks_like_locale(text: &str) -> bool {
    let language = text.split(['-', '_']).next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_lowercase())
        && text.parse::<icu_locale_core::LanguageIdentifier>().is_ok()
}

/// The case's data for one locale: `base` with the locale's overlay merged over it.
pub fn merged(
    base: Map<String, Value>,
    overlay: Option<&Overlay>,
) -> Result<Map<String, Value>, Finding> {
    let Some(overlay) = overlay else {
        return Ok(base);
    };
    let over = overlay.data.as_ref().map_err(|f| (**f).clone())?.get();
    let mut data = Value::Object(base);
    crate::locale::merge(&mut data, Value::Object(over));
    match data {
        Value::Object(map) => Ok(map),
        // merging a mapping over a mapping gives a mapping
        _ => Ok(Map::new()),
    }
}

/// The error for an overlay named for a locale the project does not build.
pub fn other_locale_error(file: PathBuf, locale: &str, locales: &[&str]) -> ProjectError {
    ProjectError::Invalid {
        pos: SourcePos::file(file),
        message: format!(
            "this overlay is for locale `{locale}`, but the project builds {}: add locales/{locale}.yaml (and list it under `locales` if the settings list them), or rename the file",
            locales.join(", ")
        ),
    }
}

/// The error for an overlay with no case to lay over.
pub fn orphan_error(file: PathBuf, template: &str, case: &str) -> ProjectError {
    let base = if case == "default" {
        format!("fixtures/{template}/default.yaml or fixtures/{template}.yaml")
    } else {
        format!("fixtures/{template}/{case}.yaml")
    };
    ProjectError::Invalid {
        pos: SourcePos::file(file),
        message: format!(
            "an overlay lays over a case, but there is no {base}: add the case, or fix the overlay's name"
        ),
    }
}

/// Overlays found while loading, per (template, case), then per locale.
pub type Found = BTreeMap<(String, String), BTreeMap<String, Overlay>>;

/// A case's overlays, by locale code. A case has at most one per other locale, so they are kept
/// in a slice sorted by code: a map's smallest node holds eleven, 1.6 KB a case, which was
/// 50 MB of a 100,000-email build.
#[derive(Debug, Clone, Default)]
pub struct Overlays(Box<[(String, Overlay)]>);

impl Overlays {
    /// The overlay for `locale`, if the case has one.
    pub fn get(&self, locale: &str) -> Option<&Overlay> {
        self.0
            .binary_search_by(|(code, _)| code.as_str().cmp(locale))
            .ok()
            .map(|at| &self.0[at].1)
    }

    /// Each overlay with its locale code, in order of the codes.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Overlay)> {
        self.0
            .iter()
            .map(|(code, overlay)| (code.as_str(), overlay))
    }
}

impl From<BTreeMap<String, Overlay>> for Overlays {
    fn from(by_locale: BTreeMap<String, Overlay>) -> Overlays {
        Overlays(by_locale.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_locale_suffix_makes_an_overlay() {
        let locales = ["en", "tr"];
        assert_eq!(
            name("complaint.tr", &locales),
            Name::Overlay {
                case: "complaint".into(),
                locale: "tr".into()
            }
        );
        assert_eq!(name("complaint", &locales), Name::Case("complaint".into()));
        assert_eq!(name("v1.2", &locales), Name::Case("v1.2".into()));
        assert_eq!(
            name("complaint.de", &locales),
            Name::OtherLocale {
                case: "complaint".into(),
                locale: "de".into()
            }
        );
        assert_eq!(name(".tr", &locales), Name::Case(".tr".into()));
    }

    #[test]
    fn overlays_merge_maps_and_replace_lists() {
        let base = json!({"order": {"number": "FH-1", "note": "Left in the porch", "items": [1, 2, 3]}, "name": "Emma"});
        let overlay = Overlay {
            file: "fixtures/x/default.tr.yaml".into(),
            data: Ok(
                json!({"order": {"note": "Verandaya bırakıldı", "items": [9]}})
                    .as_object()
                    .cloned()
                    .unwrap_or_default()
                    .into(),
            ),
        };
        let data = merged(base.as_object().cloned().unwrap(), Some(&overlay)).unwrap();
        assert_eq!(
            Value::Object(data),
            json!({"order": {"number": "FH-1", "note": "Verandaya bırakıldı", "items": [9]}, "name": "Emma"})
        );
    }

    #[test]
    fn a_broken_overlay_fails_only_its_locale() {
        let base = Map::new();
        let broken = Overlay {
            file: "fixtures/x/default.tr.yaml".into(),
            data: Err(Box::new(Finding::error("build.fixture", "bad yaml", None))),
        };
        assert!(merged(base.clone(), Some(&broken)).is_err());
        assert!(merged(base, None).is_ok());
    }

    #[test]
    fn a_cases_overlays_are_found_by_locale() {
        let overlay = |code: &str| Overlay {
            file: format!("fixtures/x/default.{code}.yaml").into(),
            data: Ok(Map::new().into()),
        };
        let by_locale: BTreeMap<String, Overlay> = ["tr", "de", "pt-BR", "fr"]
            .into_iter()
            .map(|code| (code.to_string(), overlay(code)))
            .collect();
        let overlays = Overlays::from(by_locale);
        for code in ["de", "fr", "pt-BR", "tr"] {
            let found = overlays.get(code).map(|o| o.file.display().to_string());
            assert_eq!(found, Some(format!("fixtures/x/default.{code}.yaml")));
        }
        assert!(overlays.get("en").is_none() && overlays.get("pt").is_none());
        assert!(Overlays::default().get("tr").is_none());
        let codes: Vec<&str> = overlays.iter().map(|(code, _)| code).collect();
        assert_eq!(codes, ["de", "fr", "pt-BR", "tr"]);
    }
}
