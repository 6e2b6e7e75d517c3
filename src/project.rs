//! Loading a project from disk: settings, brand, locales, email templates (with front matter)
//! and fixtures. Loading checks everything that concerns the whole project; problems that
//! concern one email (a bad fixture, a Tera error) are kept and reported with that email.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::brand::Brand;
use crate::config::Config;
use crate::error::{ProjectError, SourcePos};
use crate::findings::{Finding, Severity};
use crate::locale::Locales;
use crate::overlay::{self, Overlay, Overlays};
use crate::stored::StoredMap;
use crate::treatment::{self, Treatment};

pub use crate::files::MAX_TEMPLATE_BYTES;

/// A loaded project, ready to render.
#[derive(Debug)]
pub struct Project {
    /// The project folder (canonical).
    pub root: PathBuf,
    /// Settings from `letterpress.yaml`.
    pub config: Config,
    /// The style guide.
    pub brand: Brand,
    /// Strings per locale.
    pub locales: Locales,
    /// Email templates (`templates/*.mjml`), sorted by name.
    pub templates: Vec<EmailTemplate>,
    /// Shared pieces (layouts, partials): Tera name and file contents.
    pub shared: Vec<SourceFile>,
    /// Sample data per template name.
    pub fixtures: BTreeMap<String, Vec<Fixture>>,
}

/// A text file of the project with its Tera name.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name Tera knows it by: its path under `templates/` with `/` separators.
    pub name: String,
    /// Path relative to the project root, for messages.
    pub file: PathBuf,
    /// Contents (front matter replaced by blank lines, so line numbers still match the file).
    pub source: String,
}

/// Whether an email is transactional (no consent needed) or marketing (needs unsubscribe).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A service email the recipient needs (order, password reset…).
    #[default]
    Transactional,
    /// Promotional email: requires consent and a visible unsubscribe link.
    Marketing,
}

/// The YAML block at the top of a template, between `---` lines.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrontMatter {
    /// Tera template for the subject line.
    pub subject: Option<String>,
    /// Tera template for the preheader (preview text).
    pub preheader: Option<String>,
    /// Transactional or marketing.
    pub category: Category,
    /// Rule severities for this template only.
    pub rules: BTreeMap<String, Severity>,
    /// Free values exposed to the template as `email.data`.
    pub data: Map<String, Value>,
    /// `From` of this template's emails (default: letterpress.yaml's, else the brand's).
    pub from: Option<crate::headers::Mailbox>,
    /// `Reply-To` of this template's emails (default: letterpress.yaml's `reply-to`).
    #[serde(rename = "reply-to")]
    pub reply_to: Option<crate::headers::Mailbox>,
    /// Unsubscribe headers of this (marketing) template (default: letterpress.yaml's).
    #[serde(rename = "list-unsubscribe")]
    pub list_unsubscribe: Option<crate::config::ListUnsubscribe>,
    /// `false`: the body, subject and preheader are used as written, not rendered by Tera (for
    /// foreign placeholders). Default: on when the file has front matter.
    pub tera: Option<bool>,
    /// Whether the brand applies. Default: on when the file has front matter.
    pub brand: Option<bool>,
}

/// One email template.
#[derive(Debug, Clone)]
pub struct EmailTemplate {
    /// Name: the file name without `.mjml`.
    pub name: String,
    /// The template body as Tera sees it.
    pub body: SourceFile,
    /// Front matter, or the finding that explains why it could not be read.
    pub front: Result<FrontMatter, Finding>,
    /// 1-based line of `subject:` and `preheader:` in the file, for messages.
    pub subject_line: u32,
    /// 1-based line of `preheader:` in the file.
    pub preheader_line: u32,
    /// A hand-written plaintext template (`templates/<name>.txt`), if any.
    pub text: Option<SourceFile>,
    /// Letterpress template or plain MJML (see [`crate::treatment`]).
    pub treatment: Treatment,
}

/// One set of sample data for a template.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Case name (file stem), `default` when the template has no fixtures.
    pub name: String,
    /// Path relative to the project root (`None` for the implicit empty fixture).
    pub file: Option<PathBuf>,
    /// The data (kept compact: see [`crate::stored`]), or why it could not be read (boxed: a
    /// finding is three times the size of the data's handle).
    pub data: Result<StoredMap, Box<Finding>>,
    /// Per-locale overlays (`<case>.<locale>.yaml`) by locale code.
    pub overlays: Overlays,
}

impl Fixture {
    /// The data for an email in `locale`: the case with that locale's overlay merged over it.
    pub fn data_for(&self, locale: &str) -> Result<Map<String, Value>, Finding> {
        let base = self.data.as_ref().map_err(|f| (**f).clone())?.get();
        crate::overlay::merged(base, self.overlays.get(locale))
    }
}

impl EmailTemplate {
    /// The category from front matter (transactional when the front matter is broken).
    pub fn category(&self) -> Category {
        self.front.as_ref().map(|f| f.category).unwrap_or_default()
    }
}

impl Project {
    /// Loads the project in `root`.
    pub fn load(root: &Path) -> Result<Project, ProjectError> {
        let root = root.canonicalize().map_err(|e| ProjectError::io(root, e))?;
        if !root.join("templates").is_dir() {
            return Err(ProjectError::NotAProject {
                dir: root,
                reason: "no templates/ folder (run `letterpress init DIR` to start a project)"
                    .into(),
            });
        }
        let config = Config::from_project(&root)?;
        let brand = Brand::from_project(&root)?;
        let locales = Locales::load(&root, &config)?;
        let (templates, shared) = load_templates(&root, &config)?;
        if templates.is_empty() {
            return Err(ProjectError::NotAProject {
                dir: root,
                reason: "templates/ has no email templates: add templates/<name>.mjml (layouts/ and partials/ hold shared pieces only)".into(),
            });
        }
        let fixtures = load_fixtures(&root, &templates, &locales)?;
        Ok(Project {
            root,
            config,
            brand,
            locales,
            templates,
            shared,
            fixtures,
        })
    }

    /// The template called `name`.
    pub fn template(&self, name: &str) -> Option<&EmailTemplate> {
        self.templates.iter().find(|t| t.name == name)
    }

    /// The fixtures of a template (at least one: an empty `default` when it has none).
    pub fn fixtures_of(&self, template: &str) -> &[Fixture] {
        self.fixtures.get(template).map_or(&[], Vec::as_slice)
    }
}

fn load_templates(
    root: &Path,
    config: &Config,
) -> Result<(Vec<EmailTemplate>, Vec<SourceFile>), ProjectError> {
    let Some(dir) = crate::files::project_dir(root, Path::new("templates"))? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut templates = Vec::new();
    let mut shared = Vec::new();
    let mut texts = BTreeMap::new();
    for entry in walk(root, &dir, 1, usize::MAX) {
        let entry = entry?;
        let path = entry.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if ext != "mjml" && ext != "txt" {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        let name = tera_name(path.strip_prefix(&dir).unwrap_or(path));
        let source = crate::files::read_in_project(root, &rel, MAX_TEMPLATE_BYTES)?;
        let top_level = entry.depth() == 1;
        let stem = name.trim_end_matches(&format!(".{ext}")).to_string();
        if top_level {
            crate::names::validate(crate::names::Kind::Template, &stem).map_err(|message| {
                ProjectError::Invalid {
                    pos: SourcePos::file(&rel),
                    message,
                }
            })?;
        }
        match (top_level, ext) {
            (true, "mjml") => templates.push(email_template(stem, name, rel, &source, config)),
            (true, _) => {
                texts.insert(
                    stem,
                    SourceFile {
                        name,
                        file: rel,
                        source,
                    },
                );
            }
            (false, _) => shared.push(SourceFile {
                name,
                file: rel,
                source,
            }),
        }
    }
    for template in &mut templates {
        template.text = texts.remove(&template.name);
    }
    if let Some((name, file)) = texts.into_iter().next() {
        return Err(ProjectError::Invalid {
            pos: SourcePos::file(file.file),
            message: format!("plaintext template has no matching templates/{name}.mjml"),
        });
    }
    Ok((templates, shared))
}

/// The Tera name of a file: its path under `templates/` with forward slashes.
fn tera_name(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every entry under `dir` between the depths given that is not a folder, sorted by name.
/// Symbolic links are followed (reading them applies the confinement rule); a link that leads
/// nowhere or into a loop is an error naming it.
fn walk<'a>(
    root: &'a Path,
    dir: &Path,
    min_depth: usize,
    max_depth: usize,
) -> impl Iterator<Item = Result<walkdir::DirEntry, ProjectError>> + 'a {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .min_depth(min_depth)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter(|entry| !entry.as_ref().is_ok_and(|e| e.file_type().is_dir()))
        .map(move |entry| entry.map_err(|e| walk_error(root, &e)))
}

fn walk_error(root: &Path, err: &walkdir::Error) -> ProjectError {
    let path = err.path().unwrap_or(root);
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let message = if err.loop_ancestor().is_some() {
        "a symbolic link here leads back into a folder that contains it; remove the link".into()
    } else if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        "a symbolic link here leads to nothing; remove it or fix where it points".into()
    } else {
        match err.io_error() {
            Some(e) => format!("cannot be read: {e}"),
            None => "cannot be read".into(),
        }
    };
    ProjectError::Invalid {
        pos: SourcePos::file(rel),
        message,
    }
}

/// Splits front matter from a template file and parses it.
fn email_template(
    name: String,
    tera_name: String,
    file: PathBuf,
    text: &str,
    config: &Config,
) -> EmailTemplate {
    let split = split_front_matter(text);
    let front = match split.yaml {
        Some(yaml) => crate::yaml::parse_at::<Option<FrontMatter>>(yaml, &file, 1)
            .map(Option::unwrap_or_default)
            .map_err(|e| front_matter_finding(e, &file)),
        None => Ok(FrontMatter::default()),
    };
    let line_of = |key: &str| {
        split
            .yaml
            .and_then(|y| y.lines().position(|l| l.starts_with(key)))
            .map_or(1, |i| i as u32 + 2)
    };
    let front = front.and_then(|f| validate_rule_ids(f, &file));
    let treatment = treatment::decide(&file, split.yaml.is_some(), front.as_ref().ok(), config);
    EmailTemplate {
        subject_line: line_of("subject:"),
        preheader_line: line_of("preheader:"),
        name,
        body: SourceFile {
            name: tera_name,
            file,
            source: split.body,
        },
        front,
        text: None,
        treatment,
    }
}

fn front_matter_finding(err: ProjectError, file: &Path) -> Finding {
    let (location, message) = match err {
        ProjectError::Yaml { pos, message } | ProjectError::Invalid { pos, message } => {
            (pos, format!("front matter: {message}"))
        }
        other => (SourcePos::file(file), other.to_string()),
    };
    Finding::error("build.front-matter", message, Some(location))
}

fn validate_rule_ids(front: FrontMatter, file: &Path) -> Result<FrontMatter, Finding> {
    if let Some(Err(message)) = front.list_unsubscribe.as_ref().map(|lu| lu.validate()) {
        return Err(Finding::error(
            "build.front-matter",
            format!("front matter: {message}"),
            Some(SourcePos::file(file)),
        ));
    }
    match front.rules.keys().find(|id| !crate::checks::is_rule(id)) {
        Some(id) => Err(Finding::error(
            "build.front-matter",
            format!("front matter: unknown rule id `{id}` (run `letterpress rules` for the list)"),
            Some(SourcePos::file(file)),
        )),
        None => Ok(front),
    }
}

/// A template split into its front matter YAML and its body.
struct Split<'a> {
    yaml: Option<&'a str>,
    /// The body with the front matter replaced by as many empty lines, so that positions in
    /// the body are positions in the file.
    body: String,
}

fn split_front_matter(text: &str) -> Split<'_> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text_no_bom
        .strip_prefix("---\n")
        .or_else(|| text_no_bom.strip_prefix("---\r\n"))
    else {
        return Split {
            yaml: None,
            body: text_no_bom.to_string(),
        };
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body_start = offset + line.len();
            let blank_lines = yaml.matches('\n').count() + 2;
            let body = "\n".repeat(blank_lines) + &rest[body_start..];
            return Split {
                yaml: Some(yaml),
                body,
            };
        }
        offset += line.len();
    }
    // An opening `---` with no closing one: treat the whole file as the body so the MJML or
    // Tera error points at it, rather than silently swallowing the template.
    Split {
        yaml: None,
        body: text_no_bom.to_string(),
    }
}

fn load_fixtures(
    root: &Path,
    templates: &[EmailTemplate],
    locales: &Locales,
) -> Result<BTreeMap<String, Vec<Fixture>>, ProjectError> {
    let codes: Vec<&str> = locales.codes().collect();
    let mut all: BTreeMap<String, Vec<Fixture>> = BTreeMap::new();
    let mut overlays = overlay::Found::new();
    if let Some(dir) = crate::files::project_dir(root, Path::new("fixtures"))? {
        for entry in walk(root, &dir, 1, 2) {
            let entry = entry?;
            let path = entry.path();
            if !is_yaml(path) {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let (template, case) = if entry.depth() == 1 {
                match overlay::name(&stem, &codes) {
                    overlay::Name::Case(_) => (stem, "default".to_string()),
                    overlay::Name::Overlay { case, locale }
                    | overlay::Name::OtherLocale { case, locale } => {
                        (case, format!("default.{locale}"))
                    }
                }
            } else {
                let parent = path.parent().and_then(Path::file_name);
                (
                    parent
                        .map(|p| p.to_string_lossy().to_string())
                        .unwrap_or_default(),
                    stem,
                )
            };
            crate::names::validate_fixture_stem(&case).map_err(|message| {
                ProjectError::Invalid {
                    pos: SourcePos::file(&rel),
                    message,
                }
            })?;
            if !templates.iter().any(|t| t.name == template) {
                return Err(ProjectError::Invalid {
                    pos: SourcePos::file(&rel),
                    message: format!(
                        "fixture for `{template}`, but there is no templates/{template}.mjml; rename the fixture or the template"
                    ),
                });
            }
            let data = read_fixture(root, &rel)
                .map(StoredMap::from)
                .map_err(Box::new);
            match overlay::name(&case, &codes) {
                overlay::Name::Overlay { case, locale } => {
                    let by_locale = overlays
                        .entry((template.clone(), case.clone()))
                        .or_default();
                    if let Some(other) = by_locale.get(&locale) {
                        let what = format!("the `{locale}` overlay of the `{case}` case");
                        return Err(same_fixture_twice(rel, &other.file, &what, &template));
                    }
                    by_locale.insert(locale, Overlay { file: rel, data });
                }
                overlay::Name::OtherLocale { locale, .. } => {
                    return Err(overlay::other_locale_error(rel, &locale, &codes));
                }
                overlay::Name::Case(case) => all.entry(template).or_default().push(Fixture {
                    name: case,
                    file: Some(rel),
                    data,
                    overlays: Overlays::default(),
                }),
            }
        }
    }
    for (template, cases) in &all {
        let mut seen = std::collections::HashMap::with_capacity(cases.len());
        for fixture in cases {
            let file = fixture.file.as_deref().unwrap_or(Path::new(""));
            if let Some(other) = seen.insert(fixture.name.as_str(), file) {
                let what = format!("the `{}` case", fixture.name);
                return Err(same_fixture_twice(
                    file.to_path_buf(),
                    other,
                    &what,
                    template,
                ));
            }
        }
    }
    for ((template, case), by_locale) in overlays {
        let base = all
            .get_mut(&template)
            .and_then(|cases| cases.iter_mut().find(|f| f.name == case));
        match base {
            Some(fixture) => fixture.overlays = Overlays::from(by_locale),
            None => {
                let file = by_locale
                    .into_values()
                    .next()
                    .map(|o| o.file)
                    .unwrap_or_default();
                return Err(overlay::orphan_error(file, &template, &case));
            }
        }
    }
    for template in templates {
        all.entry(template.name.clone()).or_insert_with(|| {
            vec![Fixture {
                name: "default".into(),
                file: None,
                data: Ok(StoredMap::from(Map::new())),
                overlays: Overlays::default(),
            }]
        });
    }
    Ok(all)
}

/// The error for two fixture files that are the same case or overlay of a template
/// (`default.yaml` and `default.yml`, or `fixtures/<template>.yaml` and
/// `fixtures/<template>/default.yaml`): one of them would be silently ignored.
fn same_fixture_twice(rel: PathBuf, other: &Path, what: &str, template: &str) -> ProjectError {
    ProjectError::Invalid {
        message: format!(
            "this file and {} are both {what} of `{template}`, and only one of them would be used; remove or rename one",
            other.display()
        ),
        pos: SourcePos::file(rel),
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn read_fixture(root: &Path, rel: &Path) -> Result<Map<String, Value>, Finding> {
    let to_finding = |err: ProjectError| {
        let (pos, message) = match err {
            ProjectError::Yaml { pos, message } | ProjectError::Invalid { pos, message } => {
                (pos, message)
            }
            other => (SourcePos::file(rel), other.to_string()),
        };
        Finding::error("build.fixture", message, Some(pos))
    };
    let text = crate::files::read_in_project(root, rel, crate::files::MAX_YAML_BYTES)
        .map_err(|e| to_finding(e.into()))?;
    let value = crate::yaml::parse_data(&text, rel).map_err(to_finding)?;
    match value {
        None => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(Finding::error(
            "build.fixture",
            "a fixture must be a mapping of names to values (key: value)",
            Some(SourcePos::at(rel, 1, 1)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_blanked_keeping_line_numbers() {
        let text = "---\nsubject: Hi\n---\n<mjml>\n";
        let split = split_front_matter(text);
        assert_eq!(split.yaml, Some("subject: Hi\n"));
        assert_eq!(split.body, "\n\n\n<mjml>\n");
        assert_eq!(split.body.lines().count(), text.lines().count());
    }

    #[test]
    fn files_without_front_matter_are_all_body() {
        let split = split_front_matter("<mjml><mj-body></mj-body></mjml>");
        assert!(split.yaml.is_none());
        assert_eq!(split.body, "<mjml><mj-body></mj-body></mjml>");
    }

    #[test]
    fn bad_front_matter_is_a_finding_with_file_line() {
        let t = email_template(
            "x".into(),
            "x.mjml".into(),
            "templates/x.mjml".into(),
            "---\nsubject: Hi\ncategory: spam\n---\n<mjml/>",
            &Config::default(),
        );
        let finding = t.front.unwrap_err();
        assert_eq!(finding.rule, "build.front-matter");
        let loc = finding.location.unwrap();
        assert_eq!(
            (loc.file.as_path(), loc.line),
            (Path::new("templates/x.mjml"), Some(3))
        );
    }

    #[test]
    fn subject_line_is_found() {
        let t = email_template(
            "x".into(),
            "x.mjml".into(),
            "t/x.mjml".into(),
            "---\ncategory: marketing\nsubject: Hi\n---\n",
            &Config::default(),
        );
        assert_eq!(t.subject_line, 3);
        assert_eq!(t.front.unwrap().category, Category::Marketing);
    }
}
