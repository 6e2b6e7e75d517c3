//! Locale strings (`locales/<code>.yaml`), exposed to templates as `t`. A key missing in one
//! locale falls back to the default locale's string (and `locale.missing-key` says so).
//! [`format`] writes dates, numbers, money and lists the locale's way; [`keys`] finds the keys
//! an email really uses.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::config::Config;
use crate::error::{ProjectError, SourcePos};

pub mod filters;
pub mod format;
pub mod keys;

/// Locale codes written right to left; their emails get `dir="rtl"`.
const RTL_LANGUAGES: [&str; 8] = ["ar", "dv", "fa", "he", "ps", "sd", "ug", "ur"];

/// All locales of a project, with fallback already applied.
#[derive(Debug, Clone)]
pub struct Locales {
    /// The locale that fills in missing keys.
    pub default: String,
    /// Strings per locale code, merged over the default locale's strings.
    pub strings: BTreeMap<String, Value>,
    /// Each locale file's own strings, before fallback.
    pub own: BTreeMap<String, Value>,
    /// Each locale file's text, to point at a key's line.
    pub sources: BTreeMap<String, String>,
    /// The CLDR locale each code is formatted and spelled with (`format-locales`, else the
    /// code itself).
    pub cldr: BTreeMap<String, String>,
}

impl Locales {
    /// Whether the file of locale `code` lacks a string the default locale has, so an email in
    /// it may show default-locale text (and is worth tracing for `locale.missing-key`).
    pub fn has_gaps(&self, code: &str) -> bool {
        if code == self.default {
            return false;
        }
        let (Some(own), Some(default)) = (self.own.get(code), self.own.get(&self.default)) else {
            return false;
        };
        keys::strings(default)
            .iter()
            .any(|(key, _)| keys::get(own, key).is_none())
    }

    /// Reads `locales/*.yaml` (only those listed in the settings, when listed).
    pub fn load(root: &Path, config: &Config) -> Result<Locales, ProjectError> {
        let mut raw = BTreeMap::new();
        let mut sources = BTreeMap::new();
        if let Some(dir) = crate::files::project_dir(root, Path::new("locales"))? {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .map_err(|e| ProjectError::io(Path::new("locales"), e))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            files.sort();
            // a locale written as `.yml` would otherwise be left out without a word
            if let Some(yml) = files
                .iter()
                .find(|p| p.extension().is_some_and(|e| e == "yml"))
            {
                let name = yml.file_name().unwrap_or_default().to_string_lossy();
                return Err(ProjectError::Invalid {
                    pos: SourcePos::file(Path::new("locales").join(&*name)),
                    message: format!(
                        "locale files end in .yaml; rename it to {}.yaml",
                        name.trim_end_matches(".yml")
                    ),
                });
            }
            files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
            for path in files {
                let code = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default();
                if config
                    .locales
                    .as_ref()
                    .is_some_and(|list| !list.contains(&code))
                {
                    continue;
                }
                let rel = Path::new("locales").join(path.file_name().unwrap_or_default());
                crate::names::validate(crate::names::Kind::Locale, &code).map_err(|message| {
                    ProjectError::Invalid {
                        pos: SourcePos::file(&rel),
                        message,
                    }
                })?;
                let text = crate::files::read_in_project(root, &rel, crate::files::MAX_YAML_BYTES)?;
                let value: Option<Value> = crate::yaml::parse(&text, &rel)?;
                sources.insert(code.clone(), text);
                match value.unwrap_or_else(|| Value::Object(Map::new())) {
                    Value::Object(map) => raw.insert(code, Value::Object(map)),
                    _ => {
                        return Err(ProjectError::Invalid {
                            pos: SourcePos::at(rel, 1, 1),
                            message: "a locale file must be a mapping of keys to strings".into(),
                        });
                    }
                };
            }
        }
        if let Some(listed) = &config.locales {
            if let Some(missing) = listed.iter().find(|code| !raw.contains_key(*code)) {
                return Err(ProjectError::Invalid {
                    pos: SourcePos::file(crate::config::FILE_NAME),
                    message: format!(
                        "locales lists `{missing}` but locales/{missing}.yaml does not exist"
                    ),
                });
            }
        }
        if raw.is_empty() {
            raw.insert("en".to_string(), Value::Object(Map::new()));
        }
        let default = match &config.default_locale {
            Some(code) if raw.contains_key(code) => code.clone(),
            Some(code) => {
                return Err(ProjectError::Invalid {
                    pos: SourcePos::file(crate::config::FILE_NAME),
                    message: format!(
                        "default-locale is `{code}` but there is no locales/{code}.yaml"
                    ),
                });
            }
            None if raw.contains_key("en") => "en".to_string(),
            None => raw.keys().next().cloned().unwrap_or_else(|| "en".into()),
        };
        let cldr = cldr_locales(&raw, config)?;
        let base = raw.get(&default).cloned().unwrap_or(Value::Null);
        let strings = raw
            .iter()
            .map(|(code, value)| {
                let mut merged = base.clone();
                merge(&mut merged, value.clone());
                (code.clone(), merged)
            })
            .collect();
        Ok(Locales {
            default,
            strings,
            own: raw,
            sources,
            cldr,
        })
    }

    /// The locale codes, sorted.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }

    /// The CLDR locale that formats and spells `code` (`en-GB` for `en` when
    /// `format-locales` says so; otherwise `code` itself). This is the `locale` to pass to
    /// [`format::apply`] for an email in `code`.
    pub fn cldr<'a>(&'a self, code: &'a str) -> &'a str {
        self.cldr.get(code).map_or(code, String::as_str)
    }

    /// The locale file of `code`, relative to the project.
    pub fn file(code: &str) -> std::path::PathBuf {
        Path::new("locales").join(format!("{code}.yaml"))
    }
}

/// `format-locales` checked against the locales the project builds; every code maps to itself
/// unless configured.
fn cldr_locales(
    raw: &BTreeMap<String, Value>,
    config: &Config,
) -> Result<BTreeMap<String, String>, ProjectError> {
    if let Some(code) = config.format_locales.keys().find(|c| !raw.contains_key(*c)) {
        return Err(ProjectError::Invalid {
            pos: SourcePos::file(crate::config::FILE_NAME),
            message: format!(
                "format-locales names `{code}`, which this project does not build (it builds {}); remove it or add locales/{code}.yaml",
                raw.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    Ok(raw
        .keys()
        .map(|code| {
            let cldr = config.format_locales.get(code).unwrap_or(code);
            (code.clone(), cldr.clone())
        })
        .collect())
}

/// Text direction of a locale code (`rtl` for Arabic, Hebrew, Persian…, else `ltr`).
pub fn direction(code: &str) -> &'static str {
    let language = code
        .split(['-', '_'])
        .next()
        .unwrap_or(code)
        .to_ascii_lowercase();
    if RTL_LANGUAGES.contains(&language.as_str()) {
        "rtl"
    } else {
        "ltr"
    }
}

/// Deep-merges `over` into `base`: maps merge key by key, anything else (lists too) replaces.
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (slot, over) => *slot = over,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_keys_fall_back_deeply() {
        let mut base = json!({"a": {"x": "en-x", "y": "en-y"}, "b": "en-b"});
        merge(&mut base, json!({"a": {"x": "tr-x"}}));
        assert_eq!(base, json!({"a": {"x": "tr-x", "y": "en-y"}, "b": "en-b"}));
    }

    #[test]
    fn arabic_and_hebrew_are_rtl() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("he-IL"), "rtl");
        assert_eq!(direction("tr"), "ltr");
    }
}
