//! The Tera step: every template, layout and partial compiled once per project; per email, the
//! subject, preheader, MJML body and (optional) hand-written text rendered with the context
//! `brand`, `locale`, `t`, `email` and the fixture's data.

pub mod limits;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::{Map, Value};
use tera::{Context, Tera};

use crate::error::SourcePos;
use crate::findings::Finding;
use crate::locale::keys::{self, Marked};
use crate::project::{EmailTemplate, Project, SourceFile};
use crate::tera_messages;

/// Suffix of the Tera name of a template's subject line.
const SUBJECT: &str = "#subject";
/// Suffix of the Tera name of a template's preheader.
const PREHEADER: &str = "#preheader";

/// All templates of a project, compiled.
pub struct Engine {
    tera: Tera,
    /// Project-relative file of every Tera name, and the line to report for front matter parts.
    files: BTreeMap<String, (PathBuf, u32)>,
    /// Templates that failed to compile, with the reason.
    broken: BTreeMap<String, Finding>,
    brand: tera::Value,
    locales: BTreeMap<String, tera::Value>,
    /// Each locale's strings with markers in place of text, to trace the keys an email uses.
    marked: BTreeMap<String, (Marked, tera::Value)>,
}

/// What Tera produced for one email.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The subject line (plain text).
    pub subject: String,
    /// The preheader (plain text), empty when the template has none.
    pub preheader: String,
    /// MJML source, ready for mrml.
    pub mjml: String,
    /// The hand-written plaintext, if the template has a `.txt` twin.
    pub text: Option<String>,
    /// Every text the formatting filters wrote (dates, amounts…): data, not copy.
    pub formatted: Vec<String>,
}

/// Changes every source before Tera compiles it, and prepares the Tera instance: how the
/// symbolic render (export, send-time compilation) instruments templates.
pub struct Hooks<'a> {
    /// Registers extra functions, filters or an escape function.
    pub setup: &'a dyn Fn(&mut Tera),
    /// Rewrites `(project file, first line of the text in that file, text)`; an error marks
    /// the template broken with that message.
    pub transform: &'a mut dyn FnMut(&std::path::Path, u32, &str) -> Result<String, String>,
}

impl Engine {
    /// Compiles every template of `project`. Templates that fail are remembered and reported
    /// with each email that uses them; the others still work.
    pub fn new(project: &Project) -> Engine {
        Engine::with_hooks(project, None)
    }

    /// Like [`Engine::new`], with every source rewritten by `hooks` first.
    pub fn with_hooks(project: &Project, mut hooks: Option<Hooks>) -> Engine {
        let mut tera = Tera::new();
        tera.autoescape_on([".mjml"]);
        crate::locale::filters::register(&mut tera, &project.locales.cldr);
        if let Some(hooks) = &hooks {
            (hooks.setup)(&mut tera);
        }
        let mut files = BTreeMap::new();
        let mut broken = BTreeMap::new();
        for file in &project.shared {
            files.insert(file.name.clone(), (file.file.clone(), 0));
        }
        let mut transform = |file: &std::path::Path, line: u32, source: &str| match &mut hooks {
            Some(hooks) => (hooks.transform)(file, line, source),
            None => Ok(source.to_string()),
        };
        let shared: Vec<SourceFile> = project
            .shared
            .iter()
            .filter_map(|f| match transform(&f.file, 1, &f.source) {
                Ok(source) => Some(SourceFile {
                    source,
                    ..f.clone()
                }),
                Err(message) => {
                    broken.insert(
                        f.name.clone(),
                        Finding::error("build.template", message, Some(SourcePos::file(&f.file))),
                    );
                    None
                }
            })
            .collect();
        add_until_stable(&mut tera, shared.iter().collect(), &mut broken);
        for template in project.templates.iter().filter(|t| t.treatment.tera) {
            add_email(&mut tera, template, &mut files, &mut broken, &mut transform);
        }
        let brand = tera::Value::from_serializable(&project.brand);
        let locales = project
            .locales
            .strings
            .iter()
            .map(|(code, strings)| (code.clone(), tera::Value::from_serializable(strings)))
            .collect();
        let marked = project
            .locales
            .strings
            .iter()
            .map(|(code, strings)| {
                let marked = keys::mark(strings);
                let value = tera::Value::from_serializable(&marked.value);
                (code.clone(), (marked, value))
            })
            .collect();
        for finding in broken.values_mut() {
            locate(&files, finding);
        }
        Engine {
            tera,
            files,
            broken,
            brand,
            locales,
            marked,
        }
    }

    /// Renders subject, preheader, body and text of one email.
    pub fn render(
        &self,
        template: &EmailTemplate,
        locale: &str,
        data: &Map<String, Value>,
    ) -> Result<Rendered, Finding> {
        let t = self
            .locales
            .get(locale)
            .cloned()
            .unwrap_or_else(|| tera::Value::from_serializable(&Map::new()));
        let (rendered, formatted) = crate::locale::filters::recording(|| {
            self.render_with(template, locale, data, t, false)
        });
        rendered.map(|r| Rendered { formatted, ..r })
    }

    /// The locale keys one email uses, found by rendering it with every string of `t` marked
    /// (see [`crate::locale::keys`]). `None` when that render fails (the real render reports
    /// why).
    pub fn used_keys(
        &self,
        template: &EmailTemplate,
        locale: &str,
        data: &Map<String, Value>,
    ) -> Option<BTreeSet<Vec<String>>> {
        let (marked, t) = self.marked.get(locale)?;
        let rendered = self
            .render_with(template, locale, data, t.clone(), true)
            .ok()?;
        let mut used = BTreeSet::new();
        for part in [&rendered.subject, &rendered.preheader, &rendered.mjml] {
            marked.collect(part, &mut used);
        }
        if let Some(text) = &rendered.text {
            marked.collect(text, &mut used);
        }
        Some(used)
    }

    fn render_with(
        &self,
        template: &EmailTemplate,
        locale: &str,
        data: &Map<String, Value>,
        t: tera::Value,
        tracing: bool,
    ) -> Result<Rendered, Finding> {
        let front = template.front.as_ref().map_err(Clone::clone)?;
        if !template.treatment.tera {
            return Ok(as_written(template, front));
        }
        if let Some(finding) = self.broken.get(&template.body.name) {
            return Err(finding.clone());
        }
        let mut context = Context::new();
        if tracing {
            context.insert(keys::TRACING, &true);
        }
        for (key, value) in data {
            context.insert_value(key.clone(), tera::Value::from_serializable(value));
        }
        context.insert_value("brand", self.brand.clone());
        context.insert("locale", locale);
        context.insert_value("t", t);
        let mut email = serde_json::json!({
            "template": template.name,
            "category": front.category,
            "data": front.data,
        });
        let render = |name: &str, ctx: &Context| {
            limits::render(&self.tera, name, ctx).map_err(|e| self.failure(e, name))
        };
        let subject_name = format!("{}{SUBJECT}", template.body.name);
        let subject = if front.subject.is_some() {
            one_line(&render(&subject_name, &context)?)
        } else {
            String::new()
        };
        let preheader_name = format!("{}{PREHEADER}", template.body.name);
        let preheader = if front.preheader.is_some() {
            one_line(&render(&preheader_name, &context)?)
        } else {
            String::new()
        };
        email["subject"] = Value::String(subject.clone());
        email["preheader"] = Value::String(preheader.clone());
        context.insert_value("email", tera::Value::from_serializable(&email));
        let mjml = render(&template.body.name, &context)?;
        let text = match &template.text {
            Some(file) => Some(render(&file.name, &context)?),
            None => None,
        };
        Ok(Rendered {
            subject,
            preheader,
            mjml,
            text,
            formatted: Vec::new(),
        })
    }

    /// The finding for a render that failed or wrote too much.
    fn failure(&self, failure: limits::Failure, rendering: &str) -> Finding {
        match failure {
            limits::Failure::Tera(err) => self.error(err, rendering),
            limits::Failure::TooLong => {
                let mut finding = Finding::error(
                    "build.template",
                    format!(
                        "the template wrote more than {} MB, so letterpress stopped it; look for a loop that runs too often (an email over 102 KB is clipped by Gmail anyway)",
                        limits::MAX_OUTPUT_BYTES / (1024 * 1024)
                    ),
                    Some(SourcePos::file(rendering)),
                );
                locate(&self.files, &mut finding);
                finding
            }
        }
    }

    /// Turns a Tera error into a finding that names the project file, line and column.
    fn error(&self, err: tera::Error, rendering: &str) -> Finding {
        let mut finding = tera_finding(&err, rendering);
        locate(&self.files, &mut finding);
        finding
    }
}

/// A template Tera does not render: body, subject, preheader and text as written.
fn as_written(template: &EmailTemplate, front: &crate::project::FrontMatter) -> Rendered {
    Rendered {
        subject: one_line(front.subject.as_deref().unwrap_or("")),
        preheader: one_line(front.preheader.as_deref().unwrap_or("")),
        mjml: template.body.source.clone(),
        text: template.text.as_ref().map(|t| t.source.clone()),
        formatted: Vec::new(),
    }
}

/// Replaces a Tera name in a finding's location with the project file it comes from.
fn locate(files: &BTreeMap<String, (PathBuf, u32)>, finding: &mut Finding) {
    let Some(loc) = &mut finding.location else {
        return;
    };
    let name = loc.file.to_string_lossy().to_string();
    if let Some((file, line)) = files.get(&name) {
        if *line > 0 {
            // Subject and preheader: report the front matter line, column unknown.
            *loc = SourcePos::line(file, *line);
        } else {
            loc.file = file.clone();
        }
    }
}

/// Adds one email's body, subject, preheader and text templates.
fn add_email(
    tera: &mut Tera,
    template: &EmailTemplate,
    files: &mut BTreeMap<String, (PathBuf, u32)>,
    broken: &mut BTreeMap<String, Finding>,
    transform: &mut dyn FnMut(&std::path::Path, u32, &str) -> Result<String, String>,
) {
    let body = &template.body;
    files.insert(body.name.clone(), (body.file.clone(), 0));
    let mut parts: Vec<(String, &std::path::Path, u32, &str)> =
        vec![(body.name.clone(), &body.file, 1, body.source.as_str())];
    if let Ok(front) = &template.front {
        if let Some(subject) = &front.subject {
            let name = format!("{}{SUBJECT}", body.name);
            files.insert(name.clone(), (body.file.clone(), template.subject_line));
            parts.push((name, &body.file, template.subject_line, subject));
        }
        if let Some(preheader) = &front.preheader {
            let name = format!("{}{PREHEADER}", body.name);
            files.insert(name.clone(), (body.file.clone(), template.preheader_line));
            parts.push((name, &body.file, template.preheader_line, preheader));
        }
    }
    if let Some(text) = &template.text {
        files.insert(text.name.clone(), (text.file.clone(), 0));
        parts.push((text.name.clone(), &text.file, 1, text.source.as_str()));
    }
    for (name, file, line, source) in parts {
        let source = match transform(file, line, source) {
            Ok(source) => source,
            Err(message) => {
                broken.entry(body.name.clone()).or_insert(Finding::error(
                    "build.template",
                    message,
                    Some(SourcePos::file(file)),
                ));
                continue;
            }
        };
        if let Err(err) = tera.add_raw_template(&name, &source) {
            // A broken layout or partial makes its users fail with "doesn't exist": report
            // the shared file's own error (file, line, column) instead.
            let finding =
                broken_cause(&err, broken).unwrap_or_else(|| syntax_finding(&err, &name, &source));
            // Any part failing makes the whole email fail, reported against its body.
            broken.entry(body.name.clone()).or_insert(finding);
        }
    }
}

/// The error of a broken shared file that `err` names, if any.
fn broken_cause(err: &tera::Error, broken: &BTreeMap<String, Finding>) -> Option<Finding> {
    let text = format!("{err} {:?}", err.kind());
    broken
        .iter()
        .find(|(name, _)| tera_messages::names(&text, name))
        .map(|(_, finding)| finding.clone())
}

/// The finding for a template that does not compile: an unclosed block tag is named where it
/// opens (Tera reports it later, as "Unknown tag"); anything else as Tera says it.
fn syntax_finding(err: &tera::Error, name: &str, source: &str) -> Finding {
    if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
        if let Some(finding) = tera_messages::unclosed_tag(source, name) {
            return finding;
        }
    }
    tera_finding(err, name)
}

/// Adds shared pieces in any order: a layout may need a partial added after it, so retry the
/// failures until no more succeed; what still fails is broken.
fn add_until_stable(
    tera: &mut Tera,
    mut pending: Vec<&SourceFile>,
    broken: &mut BTreeMap<String, Finding>,
) {
    if tera
        .add_raw_templates(pending.iter().map(|f| (f.name.as_str(), f.source.as_str())))
        .is_ok()
    {
        return;
    }
    loop {
        let before = pending.len();
        let mut errors = BTreeMap::new();
        pending.retain(|f| match tera.add_raw_template(&f.name, &f.source) {
            Ok(()) => false,
            Err(err) => {
                let text = format!("{err} {:?}", err.kind());
                errors.insert(
                    f.name.clone(),
                    (syntax_finding(&err, &f.name, &f.source), text),
                );
                true
            }
        });
        if pending.is_empty() || pending.len() == before {
            tera_messages::root_causes(&mut errors);
            broken.extend(
                errors
                    .into_iter()
                    .map(|(name, (finding, _))| (name, finding)),
            );
            return;
        }
    }
}

/// A finding for a Tera error: syntax and rendering errors carry the template name and the
/// line and column (Tera columns are 0-based).
fn tera_finding(err: &tera::Error, rendering: &str) -> Finding {
    use tera::ErrorKind;
    let (name, line, column, message) = match err.kind() {
        ErrorKind::CircularInclude { include_chain, .. } => {
            return tera_messages::circular(include_chain);
        }
        ErrorKind::CircularExtend {
            inheritance_chain, ..
        } => return tera_messages::circular(inheritance_chain),
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let name = if report.filename().is_empty() {
                rendering
            } else {
                report.filename()
            };
            (
                name.to_string(),
                span.start_line,
                span.start_col + 1,
                report.message().to_string(),
            )
        }
        _ => match tera_messages::from_report(&err.to_string()) {
            Some((message, name, line, column)) => (name, line as usize, column as usize, message),
            None => (rendering.to_string(), 0, 0, first_line(&err.to_string())),
        },
    };
    let location = if line > 0 {
        SourcePos::at(name, to_u32(line), to_u32(column))
    } else {
        SourcePos::file(name)
    };
    Finding::error(
        "build.template",
        tera_messages::shorten(&first_line(&message)),
        Some(location),
    )
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("template error")
        .to_string()
}

/// Collapses whitespace runs (including newlines) to single spaces: subjects are one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_layout_is_reported_at_its_own_position() {
        let dir = tempfile::tempdir().unwrap();
        crate::starter::init(&dir.path().join("kit")).unwrap();
        let layout = dir.path().join("kit/templates/layouts/base.mjml");
        let text = std::fs::read_to_string(&layout).unwrap();
        std::fs::write(
            &layout,
            text.replacen("{% block body %}", "{% block body %}{% if x %}", 1),
        )
        .unwrap();
        let project = Project::load(&dir.path().join("kit")).unwrap();
        let engine = Engine::new(&project);
        let template = project.template("password-reset").unwrap();
        let err = engine.render(template, "en", &Map::new()).unwrap_err();
        let location = err.location.clone().expect("a location");
        assert_eq!(location.file, PathBuf::from("templates/layouts/base.mjml"));
        assert!(location.line.is_some(), "{err}");
    }

    #[test]
    fn subject_is_one_line() {
        assert_eq!(one_line("  Your order\n  #42 "), "Your order #42");
    }
}
