//! `letterpress new NAME`: scaffolds one email in an existing project: a template that extends
//! the project's layout, a fixture with sample data, and its strings (under one key named after
//! the email) added to every locale file. Nothing that exists is overwritten: the command checks
//! everything first and refuses when the template, the fixture or the key is already there.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::Config;
use crate::error::ProjectError;

mod copy;

use copy::{fixture_text, locale_text, template_text};

/// Why `new` refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The name cannot be a template name.
    #[error(
        "`{0}` cannot name an email: use lowercase letters, digits and hyphens, starting with a letter (e.g. welcome-back)"
    )]
    BadName(String),
    /// A file or folder of the scaffold exists already.
    #[error("{}: already exists; `new` never overwrites, so pick another name or remove it", .0.display())]
    Exists(PathBuf),
    /// A locale file already has the key the strings would go under.
    #[error("{}: already has a `{key}:` key; pick another name or remove the key", file.display())]
    KeyExists {
        /// The locale file.
        file: PathBuf,
        /// The key.
        key: String,
    },
    /// A folder or file on the way is a symbolic link: writing there could leave the project.
    #[error("{}: is a symbolic link; `new` only writes files that are inside the project", .0.display())]
    Link(PathBuf),
    /// The layout to extend is missing or has no block to fill.
    #[error("{0}")]
    Layout(String),
    /// The project's settings or locales do not load.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// Writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What `new` wrote.
#[derive(Debug, Clone)]
pub struct Scaffold {
    /// The email's name.
    pub name: String,
    /// The locale key its strings are under (`welcome_back`).
    pub key: String,
    /// The template file, project-relative.
    pub template: PathBuf,
    /// The fixture file, project-relative.
    pub fixture: PathBuf,
    /// The layout the template extends (Tera name), if any.
    pub layout: Option<String>,
    /// Locale files that got the key, the default locale's first.
    pub locales: Vec<PathBuf>,
    /// Locale codes whose strings were copied in English, to translate.
    pub to_translate: Vec<String>,
    /// The default locale's code.
    pub default_locale: String,
}

/// Scaffolds the email `name` in the project at `root`, extending `layout` (a file under
/// `templates/layouts/`; default: `base.mjml`, or the only layout).
pub fn new_email(root: &Path, name: &str, layout: Option<&str>) -> Result<Scaffold, NewError> {
    if !valid_name(name) {
        return Err(NewError::BadName(name.to_string()));
    }
    if !root.join("templates").is_dir() && !root.join("brand").is_dir() {
        return Err(ProjectError::NotAProject {
            dir: root.to_path_buf(),
            reason:
                "no templates/ or brand/ folder (run `letterpress init DIR` to start a project)"
                    .into(),
        }
        .into());
    }
    // Reading confines every file to the project: that compares against the real folder.
    let root = &root.canonicalize().map_err(|e| ProjectError::io(root, e))?;
    let config = Config::from_project(root)?;
    let key = name.replace('-', "_");
    let template = Path::new("templates").join(format!("{name}.mjml"));
    let fixture = Path::new("fixtures").join(name).join("default.yaml");
    check_free(root, name, &template)?;
    let (locales, default_locale) = locale_files(root, &config, &key)?;
    let layout = pick_layout(root, layout)?;
    for rel in [&template, &fixture]
        .into_iter()
        .chain(locales.iter().map(|(f, _)| f))
    {
        no_links(root, rel)?;
    }
    let url = support_url(root);
    let mut created = Vec::new();
    let result = (|| -> Result<Vec<String>, NewError> {
        write_new(
            root,
            &template,
            &template_text(&key, layout.as_ref()),
            &mut created,
        )?;
        write_new(root, &fixture, &fixture_text(name, &url), &mut created)?;
        let mut to_translate = Vec::new();
        for (file, code) in &locales {
            let (text, native) = locale_text(name, &key, code);
            if !native {
                to_translate.push(code.clone());
            }
            append(root, file, &text)?;
        }
        Ok(to_translate)
    })();
    let to_translate = result.inspect_err(|_| {
        for path in created.iter().rev() {
            let _ = std::fs::remove_file(root.join(path));
        }
        let _ = std::fs::remove_dir(root.join("fixtures").join(name));
    })?;
    Ok(Scaffold {
        name: name.to_string(),
        key,
        template,
        fixture,
        layout: layout.map(|l| l.0),
        locales: locales.into_iter().map(|(f, _)| f).collect(),
        to_translate,
        default_locale,
    })
}

/// Refuses a name whose template, plaintext template or fixtures exist already.
fn check_free(root: &Path, name: &str, template: &Path) -> Result<(), NewError> {
    for taken in [
        template.to_path_buf(),
        template.with_extension("txt"),
        Path::new("fixtures").join(name),
        Path::new("fixtures").join(format!("{name}.yaml")),
    ] {
        if root.join(&taken).exists() {
            return Err(NewError::Exists(taken));
        }
    }
    Ok(())
}

/// Refuses a path under `root` that passes through a symbolic link (checked before anything
/// is written).
fn no_links(root: &Path, rel: &Path) -> Result<(), NewError> {
    let mut path = root.to_path_buf();
    for part in rel.components() {
        path.push(part);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(NewError::Link(
                path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            ));
        }
    }
    Ok(())
}

fn valid_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Every `locales/*.yaml` with its code, the default locale's first; refuses a file that does
/// not parse or already has `key`.
fn locale_files(
    root: &Path,
    config: &Config,
    key: &str,
) -> Result<(Vec<(PathBuf, String)>, String), NewError> {
    let dir = root.join("locales");
    let mut files = Vec::new();
    if dir.is_dir() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| ProjectError::io(Path::new("locales"), e))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let kind = entry.file_type().ok();
            let is_file = kind.is_some_and(|t| t.is_file() || t.is_symlink());
            if !is_file || path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let code = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let rel = Path::new("locales").join(format!("{code}.yaml"));
            let text = crate::files::read_in_project(root, &rel, crate::files::MAX_YAML_BYTES)
                .map_err(ProjectError::from)?;
            let value: Option<Value> = crate::yaml::parse(&text, &rel)?;
            if value.as_ref().and_then(|v| v.get(key)).is_some() {
                return Err(NewError::KeyExists {
                    file: rel,
                    key: key.to_string(),
                });
            }
            files.push((rel, code));
        }
    }
    if files.is_empty() {
        files.push((PathBuf::from("locales/en.yaml"), "en".to_string()));
    }
    files.sort();
    let default = config
        .default_locale
        .clone()
        .filter(|d| files.iter().any(|(_, c)| c == d))
        .or_else(|| {
            files
                .iter()
                .find(|(_, c)| c == "en")
                .map(|(_, c)| c.clone())
        })
        .unwrap_or_else(|| files[0].1.clone());
    files.sort_by_key(|(_, code)| *code != default);
    Ok((files, default))
}

/// The layout to extend, as (Tera name, block to fill).
fn pick_layout(root: &Path, wanted: Option<&str>) -> Result<Option<(String, String)>, NewError> {
    let dir = root.join("templates/layouts");
    let mut layouts: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.ends_with(".mjml"))
                .collect()
        })
        .unwrap_or_default();
    layouts.sort();
    let file = match wanted {
        Some(w) => {
            let w = if w.ends_with(".mjml") {
                w.to_string()
            } else {
                format!("{w}.mjml")
            };
            if !layouts.contains(&w) {
                return Err(NewError::Layout(format!(
                    "templates/layouts/{w} does not exist; layouts: {}",
                    if layouts.is_empty() {
                        "none".into()
                    } else {
                        layouts.join(", ")
                    }
                )));
            }
            w
        }
        None if layouts.iter().any(|l| l == "base.mjml") => "base.mjml".into(),
        None if layouts.len() == 1 => layouts[0].clone(),
        None if layouts.is_empty() => return Ok(None),
        None => {
            return Err(NewError::Layout(format!(
                "several layouts in templates/layouts ({}): choose one with --layout NAME",
                layouts.join(", ")
            )));
        }
    };
    let text = std::fs::read_to_string(dir.join(&file)).map_err(|source| NewError::Io {
        path: Path::new("templates/layouts").join(&file),
        source,
    })?;
    let block = first_block(&text).ok_or_else(|| {
        NewError::Layout(format!(
            "templates/layouts/{file} has no {{% block NAME %}} for an email to fill: add one where the email's content goes"
        ))
    })?;
    Ok(Some((format!("layouts/{file}"), block)))
}

/// The name of the first `{% block NAME %}` in a Tera template.
fn first_block(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("{%") {
        let tag = rest[at + 2..].trim_start_matches('-').trim_start();
        if let Some(after) = tag.strip_prefix("block") {
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && after.starts_with(char::is_whitespace) {
                return Some(name);
            }
        }
        rest = &rest[at + 2..];
    }
    None
}

/// The brand's help-centre URL for the sample link, when the brand names one.
fn support_url(root: &Path) -> String {
    crate::brand::Brand::from_project(root)
        .map(|b| b.company.support_url.as_str().to_string())
        .unwrap_or_else(|_| "https://www.example.com/".into())
}

fn write_new(
    root: &Path,
    rel: &Path,
    text: &str,
    created: &mut Vec<PathBuf>,
) -> Result<(), NewError> {
    let path = root.join(rel);
    let io = |source| NewError::Io {
        path: rel.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(rel.to_path_buf()),
            _ => io(e),
        })?;
    created.push(rel.to_path_buf());
    file.write_all(text.as_bytes()).map_err(io)
}

/// Appends `text` to a locale file (creating it when the project has none), after a newline if
/// the file does not end with one, in one write.
fn append(root: &Path, rel: &Path, text: &str) -> Result<(), NewError> {
    let path = root.join(rel);
    let io = |source| NewError::Io {
        path: rel.to_path_buf(),
        source,
    };
    let needs_newline = std::fs::read(&path).is_ok_and(|b| !b.is_empty() && !b.ends_with(b"\n"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .map_err(io)?;
    let text = if needs_newline {
        format!("\n{text}")
    } else {
        text.to_string()
    };
    file.write_all(text.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        crate::starter::init(dir.path()).unwrap();
        dir
    }

    #[test]
    fn names_are_kebab_case() {
        for ok in ["welcome-back", "a", "order2-shipped"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "Welcome", "-x", "x-", "a--b", "a_b", "../x", "a b", "ğ"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn scaffolds_template_fixture_and_keys_in_every_locale() {
        let dir = project();
        let before_tr = std::fs::read_to_string(dir.path().join("locales/tr.yaml")).unwrap();
        let done = new_email(dir.path(), "welcome-back", None).unwrap();
        assert_eq!(done.layout.as_deref(), Some("layouts/base.mjml"));
        let template =
            std::fs::read_to_string(dir.path().join("templates/welcome-back.mjml")).unwrap();
        assert!(
            template.contains("{% extends \"layouts/base.mjml\" %}"),
            "{template}"
        );
        assert!(template.contains("{% block body %}") && template.contains("{% endblock body %}"));
        assert!(template.contains("{{ t.welcome_back.subject }}"));
        let tr = std::fs::read_to_string(dir.path().join("locales/tr.yaml")).unwrap();
        assert!(
            tr.starts_with(&before_tr),
            "existing strings are kept as they were"
        );
        assert!(
            tr.contains("welcome_back:\n  subject: \"Yeni e-postanızın konusu\""),
            "{tr}"
        );
        assert_eq!(
            done.locales[0],
            Path::new("locales/en.yaml"),
            "default locale first"
        );
        assert!(done.to_translate.is_empty());
        // the scaffold loads and builds clean
        let pipeline = crate::Pipeline::load(dir.path()).unwrap();
        let ids = pipeline
            .emails(&crate::Selection {
                templates: vec!["welcome-back".into()],
                locales: vec![],
            })
            .unwrap();
        assert_eq!(ids.len(), 2);
        for id in ids {
            let email = pipeline.build(&id);
            assert!(email.findings.is_empty(), "{id}: {:?}", email.findings);
        }
    }

    #[test]
    fn refuses_to_overwrite_and_changes_nothing() {
        let dir = project();
        let snapshot = |d: &Path| {
            walkdir::WalkDir::new(d)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
                .collect::<Vec<_>>()
        };
        let before = snapshot(dir.path());
        let err = new_email(dir.path(), "password-reset", None).unwrap_err();
        assert!(matches!(err, NewError::Exists(_)), "{err}");
        std::fs::write(
            dir.path().join("locales/tr.yaml"),
            std::fs::read_to_string(dir.path().join("locales/tr.yaml")).unwrap()
                + "gift_card:\n  subject: x\n",
        )
        .unwrap();
        let before_key = snapshot(dir.path());
        let err = new_email(dir.path(), "gift-card", None).unwrap_err();
        assert!(
            err.to_string()
                .contains("locales/tr.yaml: already has a `gift_card:` key"),
            "{err}"
        );
        assert_eq!(snapshot(dir.path()), before_key, "nothing written");
        assert_ne!(before, before_key);
    }

    #[test]
    fn other_locales_get_english_to_translate() {
        let dir = project();
        std::fs::write(dir.path().join("locales/de.yaml"), "greeting: Hallo").unwrap();
        std::fs::write(dir.path().join("letterpress.yaml"), "default-locale: en\n").unwrap();
        let done = new_email(dir.path(), "gift-card", None).unwrap();
        assert_eq!(done.to_translate, ["de"]);
        let de = std::fs::read_to_string(dir.path().join("locales/de.yaml")).unwrap();
        assert!(
            de.starts_with("greeting: Hallo\n\n# gift-card"),
            "newline added: {de}"
        );
        assert!(de.contains("# TODO: translate into de"));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_to_write_through_a_symbolic_link() {
        let dir = project();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("de.yaml");
        std::fs::write(&target, "greeting: Hallo\n").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("locales/de.yaml")).unwrap();
        let err = new_email(dir.path(), "gift-card", None).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("locales/de.yaml: is a symbolic link"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "greeting: Hallo\n"
        );
        assert!(
            !dir.path().join("templates/gift-card.mjml").exists(),
            "nothing written"
        );
    }

    #[test]
    fn finds_the_block_a_layout_defines() {
        assert_eq!(
            first_block("<mjml>{%- block content -%}{% endblock %}").as_deref(),
            Some("content")
        );
        assert_eq!(first_block("{% if x %}{% blockquote %}"), None);
    }
}
