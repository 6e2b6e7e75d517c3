//! Send-time compilation: a template is rendered once per locale with symbolic data (markers in
//! place of every fixture value) through the same Tera → MJML → HTML → plaintext steps as any
//! email, and the marked result becomes a [`Program`]: static text with send-time values,
//! conditionals and loops. Evaluating the program with real data gives the email (fast: no
//! Tera, mrml or html2text per email); printing it in Handlebars, Mustache or Liquid gives the
//! email service templates of `export`, which render to the same email because they are the
//! same tree.
//!
//! A template that uses send-time data in a way those languages cannot express (a filter or
//! arithmetic on it, a comparison) has no program: it is built the ordinary way, and exporting it
//! is an error that names the file, line and expression.

pub mod functions;
pub mod instrument;
pub mod lexer;
pub mod markers;
pub mod path;
pub mod placement;
pub mod program;
pub mod shape;
pub mod textlinks;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::SourcePos;
use crate::findings::Finding;
use crate::mjml::{Compiler, Finish};
use crate::project::{EmailTemplate, Project};
use crate::render::{Engine, Hooks};
use markers::{Registry, Site};
use program::{Channel, Env, EvalError, Node};

pub use functions::Refusal;
pub use shape::Shape;

/// The instrumented templates of a project, ready for symbolic renders.
pub struct SendTime {
    engine: Arc<Engine>,
    /// Sites of the instrumentation (every symbolic render starts from a copy).
    sites: Registry,
}

/// A template compiled for send time, in one locale.
#[derive(Debug, Clone)]
pub struct Program {
    /// The subject line.
    pub subject: Vec<Node>,
    /// The preheader.
    pub preheader: Vec<Node>,
    /// The HTML.
    pub html: Vec<Node>,
    /// The plaintext part.
    pub text: Vec<Node>,
    /// The plaintext part with markers in place of values (for the line-width rule).
    pub text_layout: String,
    /// The MJML the symbolic render produced (markers in place of data).
    pub mjml: String,
    /// That MJML as a program: the checks that read the template's own markup get it with the
    /// email's data filled in.
    pub mjml_nodes: Vec<Node>,
    /// Files of `assets/` the HTML references (the same for every email: a local asset path
    /// that depends on data has no program).
    pub assets: Vec<String>,
    /// Local asset references that will not work.
    pub asset_problems: Vec<crate::assets::Problem>,
    /// Whether the text part was written by hand (a `.txt` template).
    pub own_text: bool,
}

/// The steps of the ordinary pipeline a symbolic render goes through.
pub struct Steps<'a> {
    /// The MJML compiler.
    pub compiler: &'a Compiler,
    /// The plaintext width.
    pub text_width: usize,
    /// The steps after MJML that every email gets (dark scheme, local assets), applied once to
    /// the marked HTML.
    pub finish_html: &'a dyn Fn(String) -> Result<crate::assets::Rewritten, NotCompiled>,
}

/// Why a template has no send-time program.
#[derive(Debug, Clone, PartialEq)]
pub enum NotCompiled {
    /// It uses send-time data in a way email services' template languages cannot express.
    Refused {
        /// Where, and the expression.
        site: Site,
        /// What.
        refusal: Refusal,
    },
    /// Something else failed (a Tera or MJML error the ordinary build reports with its
    /// position, or a layout that depends on data); the message says what.
    Failed(String),
}

impl NotCompiled {
    /// This reason as a finding about the template (used when the template must be exported).
    pub fn finding(&self, template: &EmailTemplate) -> Finding {
        match self {
            NotCompiled::Refused { site, refusal } => Finding::error(
                "export.unsupported",
                format!(
                    "`{}` cannot be exported: {}",
                    site.expr,
                    refusal_message(refusal)
                ),
                Some(SourcePos::at(&site.file, site.line, site.column)),
            ),
            NotCompiled::Failed(message) => Finding::error(
                "export.unsupported",
                format!("this template cannot be exported: {message}"),
                Some(SourcePos::file(&template.body.file)),
            ),
        }
    }
}

fn refusal_message(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Filter(name) => format!(
            "the filter `{name}` changes send-time data, and email services' template languages (Handlebars, Mustache, Liquid) cannot; compute the value before sending and add it to the data, or apply the filter to a translation string instead"
        ),
        Refusal::Operand => "send-time data is compared, calculated with or passed to a function here, which email services' template languages cannot do; compute the result before sending, add it to the data (e.g. `has_discount: true`) and test or print that field".into(),
        Refusal::NotAList => "this loops over send-time data that is not a list; loop over a list of items".into(),
        Refusal::LoopControl(what) => format!(
            "`{what}` in a loop over send-time data has no equivalent in email services' template languages; compute it before sending"
        ),
        Refusal::Unknown => "no fixture has this value, so letterpress cannot tell what it holds; add it to a fixture of the template".into(),
    }
}

impl SendTime {
    /// Instruments every template of `project`. `send_time_filters` are the filters that may
    /// be applied to send-time data (computed again when the email is produced).
    pub fn new(project: &Project, send_time_filters: Vec<String>) -> SendTime {
        let filters: functions::SendTimeFilters = Arc::new(send_time_filters);
        let mut sites = Registry::default();
        let setup = move |tera: &mut tera::Tera| {
            functions::register(tera, Arc::clone(&filters));
            tera.set_escape_fn(functions::escape);
        };
        let mut transform = |file: &std::path::Path, line: u32, source: &str| {
            if markers::contains(source) {
                return Err(format!(
                    "the template contains the characters {} or {}, which letterpress reserves for placeholders",
                    markers::OPEN,
                    markers::CLOSE
                ));
            }
            instrument::instrument(source, file, line, &mut sites).map_err(|e| {
                format!(
                    "letterpress could not read the template's {} to prepare it for sending",
                    e.what
                )
            })
        };
        let engine = Engine::with_hooks(
            project,
            Some(Hooks {
                setup: &setup,
                transform: &mut transform,
            }),
        );
        SendTime {
            engine: Arc::new(engine),
            sites,
        }
    }

    /// Compiles `template` in `locale` for data of the given shape.
    pub fn compile(
        &self,
        steps: &Steps,
        template: &EmailTemplate,
        locale: &str,
        shape: &Shape,
        sample: Option<&Map<String, Value>>,
    ) -> Result<Program, NotCompiled> {
        let Steps {
            compiler,
            text_width,
            finish_html,
        } = *steps;
        let mut registry = self.sites.clone();
        let data = shape::symbolic_data(shape, sample, &mut registry);
        // Bounded in time like any render: a template may loop for ever.
        let (engine, owned, code) = (
            Arc::clone(&self.engine),
            template.clone(),
            locale.to_string(),
        );
        let (rendered, registry) = crate::deadline::bounded(&template.body.file, move || {
            Ok(markers::with_registry(registry, || {
                engine.render(&owned, &code, &data)
            }))
        })
        .map_err(|f| NotCompiled::Failed(f.message))?;
        let rendered = rendered.map_err(|f| self.not_compiled(&f, &registry))?;
        let (title, preview) = (
            crate::sanitize::header_text(&rendered.subject),
            crate::sanitize::header_text(&rendered.preheader),
        );
        let finish = Finish {
            title: &markers::escaped(&title),
            preheader: &markers::escaped(&preview),
            lang: locale,
            dir: crate::locale::direction(locale),
            brand: template.treatment.brand,
        };
        let compiled = compiler
            .compile(
                &rendered.mjml,
                &template.body.file,
                &template.body.source,
                &finish,
            )
            .map_err(|f| NotCompiled::Failed(f.message))?;
        check_survivors(&rendered.mjml, &compiled.html, &registry)?;
        let finished = finish_html(compiled.html)?;
        let local_paths =
            finished
                .used
                .iter()
                .map(String::as_str)
                .chain(finished.problems.iter().filter_map(|p| match p {
                    crate::assets::Problem::Missing { reference, .. } => Some(reference.as_str()),
                    _ => None,
                }));
        if local_paths.clone().any(markers::contains) {
            return Err(NotCompiled::Failed(
                "a local asset path (assets/…) depends on send-time data; use a full URL for images that change per email".into(),
            ));
        }
        let parse = |text: &str, channel| {
            program::parse(text, &registry, channel).map_err(|e| NotCompiled::Failed(e.to_string()))
        };
        let html = parse(&finished.html, Channel::Html)?;
        let text = match &rendered.text {
            Some(text) => crate::plaintext::tidy(text),
            None => crate::plaintext::from_html_keeping(&finished.html, text_width, &|c| {
                markers::contains(c)
            })
            .map_err(NotCompiled::Failed)?,
        };
        let text = textlinks::inline_in_blocks(&text, &registry);
        let subject = crate::sanitize::header_text(&non_empty(title, compiled.title));
        let preheader = crate::sanitize::header_text(&non_empty(preview, compiled.preview));
        let program = Program {
            subject: parse(&subject, Channel::Text)?,
            preheader: parse(&preheader, Channel::Text)?,
            html,
            text: parse(&text, Channel::Text)?,
            text_layout: text,
            mjml_nodes: parse(&rendered.mjml, Channel::Html)?,
            mjml: rendered.mjml,
            assets: finished.used,
            asset_problems: finished.problems,
            own_text: rendered.text.is_some(),
        };
        check_scopes(&program)?;
        Ok(program)
    }

    fn not_compiled(&self, finding: &Finding, registry: &Registry) -> NotCompiled {
        match Refusal::parse(&finding.message) {
            Some((site, refusal)) => match registry.site(site) {
                Some(site) => NotCompiled::Refused {
                    site: site.clone(),
                    refusal,
                },
                None => NotCompiled::Failed(finding.message.clone()),
            },
            None => NotCompiled::Failed(finding.message.clone()),
        }
    }
}

fn non_empty(first: String, fallback: Option<String>) -> String {
    if first.is_empty() {
        fallback.unwrap_or_default()
    } else {
        first
    }
}

/// Every value marker Tera wrote must reach the HTML: one that does not was used where MJML
/// computes with an attribute (a width, a padding) instead of copying it.
fn check_survivors(mjml: &str, html: &str, registry: &Registry) -> Result<(), NotCompiled> {
    let ids = |text: &str| -> Result<BTreeSet<usize>, NotCompiled> {
        Ok(markers::scan(text)
            .map_err(|_| NotCompiled::Failed("a send-time value was changed by MJML".into()))?
            .into_iter()
            .filter(|m| m.kind != markers::Kind::Control)
            .map(|m| m.id)
            .collect())
    };
    let lost: Vec<String> = ids(mjml)?
        .difference(&ids(html)?)
        .filter_map(|id| match registry.get(*id) {
            Some(markers::Entry::Value(path)) => Some(format!("`{path}`")),
            _ => None,
        })
        .collect();
    if lost.is_empty() {
        Ok(())
    } else {
        Err(NotCompiled::Failed(format!(
            "send-time data {} is used in an MJML attribute that MJML calculates with (a width or spacing), so it cannot be filled in at send time; use a fixed value there",
            lost.join(", ")
        )))
    }
}

/// Values of list items must be inside a loop over their list (a link inside a loop whose URL
/// the text part lists at the end would not be).
fn check_scopes(program: &Program) -> Result<(), NotCompiled> {
    fn walk(nodes: &[Node], lists: &mut Vec<path::Path>) -> Result<(), String> {
        for node in nodes {
            match node {
                Node::Text(_) => {}
                Node::Value { slot, .. } => {
                    let path = match slot {
                        program::Slot::Path(p) => p,
                        program::Slot::Derived { input, .. } => input,
                        program::Slot::LoopIndex { list, .. } => list,
                    };
                    if let Some(list) = path.enclosing_list() {
                        if !lists.contains(&list) {
                            return Err(path.to_string());
                        }
                    }
                }
                Node::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    if let program::Cond::Path(p) = cond {
                        if let Some(list) = p.enclosing_list() {
                            if !lists.contains(&list) {
                                return Err(p.to_string());
                            }
                        }
                    }
                    walk(then, lists)?;
                    walk(otherwise, lists)?;
                }
                Node::Each { list, body, empty } => {
                    walk(empty, lists)?;
                    lists.push(list.clone());
                    let result = walk(body, lists);
                    lists.pop();
                    result?;
                }
            }
        }
        Ok(())
    }
    for (part, nodes) in [
        ("subject", &program.subject),
        ("preheader", &program.preheader),
        ("HTML", &program.html),
        ("text part", &program.text),
    ] {
        walk(nodes, &mut Vec::new()).map_err(|path| {
            NotCompiled::Failed(format!(
                "`{path}` appears in the {part} outside the loop over its list (a link inside a loop is listed at the end of the text part); keep list items inside their loop"
            ))
        })?;
    }
    Ok(())
}

/// An email produced from a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// Subject line.
    pub subject: String,
    /// Preheader.
    pub preheader: String,
    /// HTML.
    pub html: String,
    /// Plaintext part.
    pub text: String,
    /// The MJML (what Tera would have written), for the checks that read it.
    pub mjml: String,
}

impl Program {
    /// Produces the email for `data`.
    pub fn produce(&self, data: &Map<String, Value>, env: &Env) -> Result<Produced, EvalError> {
        let part = |nodes: &[Node], capacity: usize| -> Result<String, EvalError> {
            let mut out = String::with_capacity(capacity);
            program::eval(nodes, data, env, &mut out)?;
            Ok(out)
        };
        Ok(Produced {
            subject: part(&self.subject, 80)?,
            preheader: part(&self.preheader, 160)?,
            html: part(&self.html, 64 * 1024)?,
            text: part(&self.text, 4 * 1024)?,
            mjml: part(&self.mjml_nodes, self.mjml.len() + 1024)?,
        })
    }
}
