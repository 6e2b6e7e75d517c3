//! Locale strings (`locales/<code>.yaml`), exposed to templates as `t`. A key missing in one
//! locale falls back to the default locale's string.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::config::Config;
use crate::error::{ProjectError, SourcePos};

/// Locale codes written right to left; their emails get `dir="rtl"`.
const RTL_LANGUAGES: [&str; 8] = ["ar", "dv", "fa", "he", "ps", "sd", "ug", "ur"];

/// All locales of a project, with fallback already applied.
#[derive(Debug, Clone)]
pub struct Locales {
    /// The locale that fills in missing keys.
    pub default: String,
    /// Strings per locale code, merged over the default locale's strings.
    pub strings: BTreeMap<String, Value>,
}

impl Locales {
    /// Reads `locales/*.yaml` (only those listed in the settings, when listed).
    pub fn load(root: &Path, config: &Config) -> Result<Locales, ProjectError> {
        let mut raw = BTreeMap::new();
        let dir = root.join("locales");
        if dir.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .map_err(|e| ProjectError::io(Path::new("locales"), e))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect();
            files.sort();
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
                let value: Option<Value> = crate::yaml::read(&path, &rel)?;
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
        let base = raw.get(&default).cloned().unwrap_or(Value::Null);
        let strings = raw
            .into_iter()
            .map(|(code, value)| {
                let mut merged = base.clone();
                merge(&mut merged, value);
                (code, merged)
            })
            .collect();
        Ok(Locales { default, strings })
    }

    /// The locale codes, sorted.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }
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

/// Deep-merges `over` into `base`: maps merge key by key, anything else replaces.
fn merge(base: &mut Value, over: Value) {
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
