//! Email service templates: every template in every locale printed in Handlebars, Mustache or
//! Liquid from its send-time program, as the files the services' tools upload
//! (`export/<dialect>/<template>.<locale>/content.html`, `content.txt`, `meta.json` in the
//! layout postmark-cli uses), with the first fixture's data as the test model.

pub mod dialect;

use serde::Serialize;
use serde_json::{Map, Value};

pub use dialect::{Dialect, Unsupported};

use crate::error::SourcePos;
use crate::findings::Finding;
use crate::pipeline::Pipeline;
use crate::project::EmailTemplate;
use crate::symbolic::Program;
use crate::symbolic::path::{Path, Seg};
use crate::symbolic::program::{Node, Slot};

/// `meta.json` of one exported template.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Meta {
    /// Display name: the template and locale.
    pub name: String,
    /// Stable identifier: `<template>-<locale>`.
    pub alias: String,
    /// The subject line, a template in the dialect.
    pub subject: String,
    /// Postmark's template type.
    pub template_type: &'static str,
    /// The fixture whose data is the test model.
    pub fixture: String,
    /// That fixture's data (in this locale), with the send-time formatted values the template
    /// uses filled in.
    pub test_render_model: Map<String, Value>,
    /// The template's data contract (JSON Schema).
    pub schema: Value,
}

/// One exported template: its folder and files.
#[derive(Debug)]
pub struct Exported {
    /// `export/<dialect>/<template>.<locale>`, relative to the bundle.
    pub dir: String,
    /// HTML.
    pub html: String,
    /// Plaintext.
    pub text: String,
    /// `meta.json`.
    pub meta: Meta,
}

impl Exported {
    /// The files, relative to the bundle.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut meta = serde_json::to_vec_pretty(&self.meta).unwrap_or_default();
        meta.push(b'\n');
        vec![
            (
                format!("{}/content.html", self.dir),
                self.html.clone().into_bytes(),
            ),
            (
                format!("{}/content.txt", self.dir),
                self.text.clone().into_bytes(),
            ),
            (format!("{}/meta.json", self.dir), meta),
        ]
    }
}

/// What exporting a build's templates gave: the bundle files, and a finding for each
/// template and locale that could not be exported, keyed by (template, locale).
#[derive(Debug, Default)]
pub struct Batch {
    /// Files relative to the bundle (`export/<dialect>/<template>.<locale>/…`).
    pub files: Vec<(String, Vec<u8>)>,
    /// Why a template could not be exported in a locale.
    pub problems: Vec<((String, String), Finding)>,
}

/// Exports every (template, locale) of `pairs` in every dialect of `dialects`, in parallel,
/// for `build` and `check`. A template that cannot be exported gets one finding per locale
/// (the first construct that cannot be written), not one per dialect.
pub fn batch(pipeline: &Pipeline, pairs: &[(String, String)], dialects: &[Dialect]) -> Batch {
    use rayon::prelude::*;
    let results: Vec<_> = crate::build::on_email_thread(|| {
        pairs
            .par_iter()
            .filter_map(|(name, locale)| {
                let template = pipeline.project.template(name)?;
                let mut files = Vec::new();
                for &dialect in dialects {
                    match export(pipeline, template, locale, dialect) {
                        Ok(exported) => files.extend(exported.files()),
                        Err(finding) => {
                            return Some((
                                Vec::new(),
                                Some(((name.clone(), locale.clone()), finding)),
                            ));
                        }
                    }
                }
                Some((files, None))
            })
            .collect()
    });
    let mut batch = Batch::default();
    for (files, problem) in results {
        batch.files.extend(files);
        batch.problems.extend(problem);
    }
    batch
}

/// Exports `template` in `locale` to `dialect`; an error is a finding at the construct that
/// cannot be expressed.
pub fn export(
    pipeline: &Pipeline,
    template: &EmailTemplate,
    locale: &str,
    dialect: Dialect,
) -> Result<Exported, Finding> {
    let program = pipeline
        .program(template, locale)
        .map_err(|reason| reason.finding(template))?;
    let shape = pipeline
        .shape(template)
        .map_err(|reason| reason.finding(template))?;
    let print = |nodes: &[Node], part: &str| {
        dialect::print(nodes, dialect, &shape).map_err(|Unsupported(what)| {
            Finding::error(
                "export.unsupported",
                format!("the {part} cannot be written in {}: {what}", dialect.name()),
                Some(SourcePos::file(&template.body.file)),
            )
        })
    };
    let (fixture, data) = match pipeline
        .project
        .fixtures_of(&template.name)
        .iter()
        .find_map(|f| f.data_for(locale).ok().map(|d| (f.name.clone(), d)))
    {
        Some(found) => found,
        None => ("default".to_string(), Map::new()),
    };
    let base = pipeline.project.config.assets.base();
    let model = model(
        &program,
        &shape,
        data,
        (locale, base.as_deref()),
        &pipeline.formatter(),
    );
    Ok(Exported {
        dir: format!("export/{}/{}.{locale}", dialect.name(), template.name),
        html: print(&program.html, "HTML")?,
        text: print(&program.text, "text part")?,
        meta: Meta {
            name: format!("{} ({locale})", template.name),
            alias: format!("{}-{locale}", template.name),
            subject: print(&program.subject, "subject")?,
            template_type: "Standard",
            fixture,
            test_render_model: model,
            schema: crate::contract::schema_of(pipeline, template).unwrap_or(Value::Null),
        },
    })
}

/// The test model of an export for `data` in `locale`: every key the data's shape has but
/// `data` lacks set to null (some engines refuse a missing key where they accept null), every
/// send-time formatted value computed and put beside its input, where the exported templates
/// read it, and local asset paths in the data (`assets/hero.png`) written as their published
/// URL under `assets_base`, as letterpress's own build does (an email service cannot).
pub fn model(
    program: &Program,
    shape: &crate::symbolic::Shape,
    mut data: Map<String, Value>,
    (locale, assets_base): (&str, Option<&str>),
    format: crate::symbolic::program::Formatter,
) -> Map<String, Value> {
    complete(&mut data, shape);
    if let Some(base) = assets_base {
        for value in data.values_mut() {
            publish_assets(value, base);
        }
    }
    let mut data = with_derived(program, data, locale, format);
    with_list_flags(program, shape, &mut data);
    data
}

/// Sets `<list>__any` (whether the list has items) beside every list the program tests, where
/// the Mustache export reads it.
fn with_list_flags(
    program: &Program,
    shape: &crate::symbolic::Shape,
    data: &mut Map<String, Value>,
) {
    let mut tested = Vec::new();
    for part in [
        &program.subject,
        &program.preheader,
        &program.html,
        &program.text,
    ] {
        collect_list_tests(part, shape, &mut tested);
    }
    for list in tested {
        let Some(flag) = dialect::any_path(&list) else {
            continue;
        };
        fill(data, &list.0, &flag.0, &mut |value| {
            Some(Value::Bool(
                value.as_array().is_some_and(|items| !items.is_empty()),
            ))
        });
    }
}

fn collect_list_tests(nodes: &[Node], shape: &crate::symbolic::Shape, out: &mut Vec<Path>) {
    for node in nodes {
        match node {
            Node::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                if let crate::symbolic::program::Cond::Path(path) = cond {
                    if matches!(
                        dialect::shape_at(shape, path),
                        Some(crate::symbolic::Shape::List(_))
                    ) && !out.contains(path)
                    {
                        out.push(path.clone());
                    }
                }
                collect_list_tests(then, shape, out);
                collect_list_tests(otherwise, shape, out);
            }
            Node::Each { body, empty, .. } => {
                collect_list_tests(body, shape, out);
                collect_list_tests(empty, shape, out);
            }
            _ => {}
        }
    }
}

/// Replaces every text in `value` that is a local asset path by its URL under `base`.
fn publish_assets(value: &mut Value, base: &str) {
    match value {
        Value::String(text) if crate::assets::local_path(text).is_some() => {
            let rest = text.trim_start_matches("./").trim_start_matches("assets/");
            *text = format!("{base}{}", rest.replace(' ', "%20"));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| publish_assets(v, base)),
        Value::Object(map) => map.values_mut().for_each(|v| publish_assets(v, base)),
        _ => {}
    }
}

/// Sets every key of `shape` that `data` lacks to null, in nested mappings and list items too.
fn complete(data: &mut Map<String, Value>, shape: &crate::symbolic::Shape) {
    use crate::symbolic::Shape;
    let Shape::Map(fields) = shape else { return };
    for (key, field) in fields {
        let value = data.entry(key.clone()).or_insert(Value::Null);
        match (value, field) {
            (Value::Object(inner), Shape::Map(_)) => complete(inner, field),
            (Value::Array(items), Shape::List(elem)) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        complete(inner, elem);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `data` with every send-time formatted value of `program` computed and put beside its input,
/// where the exported templates read it.
fn with_derived(
    program: &Program,
    mut data: Map<String, Value>,
    locale: &str,
    format: crate::symbolic::program::Formatter,
) -> Map<String, Value> {
    let mut slots = Vec::new();
    for part in [
        &program.subject,
        &program.preheader,
        &program.html,
        &program.text,
    ] {
        collect_derived(part, &mut slots);
    }
    for (input, filter, args) in slots {
        let target = dialect::derived_path(&input, &filter, &args);
        fill(&mut data, &input.0, &target.0, &mut |value| {
            format(&filter, value, &args, locale)
                .ok()
                .map(Value::String)
        });
    }
    data
}

type Derived = (Path, String, Map<String, Value>);

fn collect_derived(nodes: &[Node], out: &mut Vec<Derived>) {
    for node in nodes {
        match node {
            Node::Value {
                slot:
                    Slot::Derived {
                        input,
                        filter,
                        args,
                    },
                ..
            } => {
                let item = (input.clone(), filter.clone(), args.clone());
                if !out.contains(&item) {
                    out.push(item);
                }
            }
            Node::If {
                then, otherwise, ..
            } => {
                collect_derived(then, out);
                collect_derived(otherwise, out);
            }
            Node::Each { body, empty, .. } => {
                collect_derived(body, out);
                collect_derived(empty, out);
            }
            _ => {}
        }
    }
}

/// Walks `input` and `target` (same steps but the last key) through `data`, setting the target
/// key from the input value wherever the input exists (every item of a list).
fn fill(
    data: &mut Map<String, Value>,
    input: &[Seg],
    target: &[Seg],
    compute: &mut dyn FnMut(&Value) -> Option<Value>,
) {
    match (input, target) {
        ([Seg::Key(from)], [Seg::Key(to)]) => {
            if let Some(value) = data.get(from).and_then(&mut *compute) {
                data.insert(to.clone(), value);
            }
        }
        ([Seg::Key(k), Seg::Each, rest_in @ ..], [_, Seg::Each, rest_to @ ..]) => {
            if let Some(Value::Array(items)) = data.get_mut(k) {
                for item in items {
                    if let Value::Object(map) = item {
                        fill(map, rest_in, rest_to, compute);
                    }
                }
            }
        }
        ([Seg::Key(k), rest_in @ ..], [_, rest_to @ ..]) => {
            if let Some(Value::Object(map)) = data.get_mut(k) {
                fill(map, rest_in, rest_to, compute);
            }
        }
        _ => {}
    }
}
