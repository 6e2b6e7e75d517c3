//! The data contract of a template: a JSON Schema its send-time data must satisfy. Declared in
//! `fixtures/<template>/schema.json` (or `fixtures/<template>.schema.json`), or inferred from
//! what the template uses and what its fixtures hold (`letterpress schema TEMPLATE` prints it as
//! a starting point to edit). `check` validates every fixture against it; `render`, the stream
//! and the HTTP endpoint validate request data first and report every problem at once.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::error::SourcePos;
use crate::findings::Finding;
use crate::pipeline::Pipeline;
use crate::project::{EmailTemplate, Project};
use crate::stored::StoredMap;
use crate::symbolic::Program;
use crate::symbolic::path::{Path, Seg};
use crate::symbolic::program::{Cond, Node, Slot};

/// Where a template's declared schema lives, relative to the project (the first that exists).
pub fn schema_files(template: &str) -> [PathBuf; 2] {
    [
        PathBuf::from("fixtures").join(template).join("schema.json"),
        PathBuf::from("fixtures").join(format!("{template}.schema.json")),
    ]
}

/// A template's contract.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The schema.
    pub schema: Value,
    /// The file it was declared in; `None` when inferred.
    pub file: Option<PathBuf>,
}

/// One way data breaks a contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where in the data, like `order.items[2].price` (empty for the whole data).
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// The declared contract of `template`, if it has one. A schema file that is not valid JSON or
/// not a valid JSON Schema is an error finding at that file.
pub fn declared(project: &Project, template: &str) -> Result<Option<Contract>, Finding> {
    for rel in schema_files(template) {
        if std::fs::symlink_metadata(project.root.join(&rel)).is_err() {
            continue;
        }
        let at = |message: String| {
            Finding::error("contract.schema", message, Some(SourcePos::file(&rel)))
        };
        // confined to the project, size-bounded, UTF-8: as every other project file
        let text = crate::files::read_in_project(&project.root, &rel, crate::files::MAX_YAML_BYTES)
            .map_err(|e| at(format!("cannot read the schema: {e}")))?;
        let schema: Value = serde_json::from_str(&text).map_err(|e| {
            Finding::error(
                "contract.schema",
                format!("the schema is not valid JSON: {e}"),
                Some(SourcePos::at(&rel, to_u32(e.line()), to_u32(e.column()))),
            )
        })?;
        jsonschema::validator_for(&schema)
            .map_err(|e| at(format!("not a valid JSON Schema: {e}")))?;
        return Ok(Some(Contract {
            schema,
            file: Some(rel),
        }));
    }
    Ok(None)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The contract of `template`: declared, or else inferred.
pub fn of(pipeline: &Pipeline, template: &EmailTemplate) -> Result<Contract, Finding> {
    if let Some(contract) = declared(&pipeline.project, &template.name)? {
        return Ok(contract);
    }
    Ok(Contract {
        schema: infer(pipeline, template),
        file: None,
    })
}

/// The schema of `template` (declared or inferred), for export metadata.
pub fn schema_of(pipeline: &Pipeline, template: &EmailTemplate) -> Option<Value> {
    of(pipeline, template).ok().map(|c| c.schema)
}

/// A contract ready to validate data: its schema compiled once, shared by every email and
/// request of the template.
pub struct Checker {
    /// The contract.
    pub contract: Contract,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("contract", &self.contract)
            .finish_non_exhaustive()
    }
}

impl Checker {
    /// Compiles `contract`; an invalid schema is the error's words.
    pub fn new(contract: Contract) -> Result<Checker, String> {
        let validator = jsonschema::validator_for(&contract.schema)
            .map_err(|e| format!("not a valid JSON Schema: {e}"))?;
        Ok(Checker {
            contract,
            validator,
        })
    }

    /// Every problem of `data`, sorted by path.
    pub fn problems(&self, data: &Map<String, Value>) -> Vec<Problem> {
        let instance = Value::Object(data.clone());
        let mut problems: Vec<Problem> = self
            .validator
            .iter_errors(&instance)
            .map(|e| problem(&e))
            .collect();
        problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
        problems.dedup();
        problems
    }

    /// The file the contract was declared in, or words saying it was inferred.
    pub fn source(&self) -> String {
        match &self.contract.file {
            Some(file) => file.display().to_string(),
            None => "inferred from the template and its fixtures; `letterpress schema TEMPLATE --write` makes it a file to edit".into(),
        }
    }
}

/// The contract of `template` compiled for validation: declared, or else inferred.
pub fn checker(pipeline: &Pipeline, template: &EmailTemplate) -> Result<Checker, Finding> {
    let contract = of(pipeline, template)?;
    let file = contract.file.clone();
    Checker::new(contract).map_err(|message| {
        Finding::error(
            "contract.schema",
            message,
            Some(SourcePos::file(file.unwrap_or_default())),
        )
    })
}

/// Every problem of `data` against `contract`, sorted by path.
pub fn validate(contract: &Contract, data: &Map<String, Value>) -> Vec<Problem> {
    match Checker::new(contract.clone()) {
        Ok(checker) => checker.problems(data),
        Err(_) => Vec::new(),
    }
}

/// Findings for fixture data `data` against the declared contract of its template (none when
/// the contract is inferred: it comes from the fixtures). `fixture_file` is where they point.
pub fn fixture_findings(
    checker: &Checker,
    data: &Map<String, Value>,
    fixture_file: Option<&std::path::Path>,
) -> Vec<Finding> {
    let Some(schema_file) = &checker.contract.file else {
        return Vec::new();
    };
    checker
        .problems(data)
        .into_iter()
        .map(|problem| {
            Finding::error(
                "contract.fixture",
                format!(
                    "{problem} (the contract in {} says so; fix the fixture or the schema)",
                    schema_file.display()
                ),
                fixture_file.map(SourcePos::file),
            )
        })
        .collect()
}

fn problem(error: &jsonschema::ValidationError) -> Problem {
    use jsonschema::error::ValidationErrorKind as K;
    let path = dotted(error.instance_path().as_str());
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match error.kind() {
        K::Required { property } => Problem {
            path: join(property.as_str().unwrap_or("?")),
            message: "is required but missing".into(),
        },
        K::Type { kind } => Problem {
            path,
            message: format!("expected {}", type_words(&format!("{kind:?}"))),
        },
        _ => Problem {
            path,
            message: error.to_string(),
        },
    }
}

/// `/order/items/2/price` → `order.items[2].price`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part);
        }
    }
    out
}

/// Words for a JSON Schema type list as jsonschema prints it in debug form.
fn type_words(debug: &str) -> String {
    let lower = debug.to_ascii_lowercase();
    let mut names = Vec::new();
    for (needle, words) in [
        ("string", "text"),
        ("integer", "a whole number"),
        ("number", "a number"),
        ("boolean", "true or false"),
        ("array", "a list"),
        ("object", "a mapping (key: value)"),
        ("null", "nothing (null)"),
    ] {
        if lower.contains(needle) {
            names.push(words);
        }
    }
    if names.is_empty() {
        debug.to_string()
    } else {
        names.join(" or ")
    }
}

/// Infers a schema from what the template uses (its send-time program, when it has one) and
/// what its fixtures hold: every key the fixtures have, typed by their values; required when
/// every fixture has it and the template does not test it with `{% if %}`.
pub fn infer(pipeline: &Pipeline, template: &EmailTemplate) -> Value {
    let data: Vec<Map<String, Value>> = pipeline
        .project
        .fixtures_of(&template.name)
        .iter()
        .filter_map(|f| f.data.as_ref().ok().map(StoredMap::get))
        .collect();
    let fixtures: Vec<&Map<String, Value>> = data.iter().collect();
    let program = pipeline
        .program(template, &pipeline.project.locales.default)
        .ok();
    let usage = program.as_deref().map(Usage::of);
    let mut schema = infer_objects(&fixtures, &Path::default(), usage.as_ref());
    if let Value::Object(map) = &mut schema {
        let mut ordered = Map::new();
        ordered.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        ordered.insert(
            "title".into(),
            json!(format!("Data of the `{}` email", template.name)),
        );
        ordered.extend(std::mem::take(map));
        *map = ordered;
    }
    schema
}

/// Every data path a schema describes (`order.items[].name`), sorted: the variables of a
/// template that has no send-time program to read them from.
pub fn paths(schema: &Value) -> Vec<String> {
    fn walk(schema: &Value, at: &Path, out: &mut Vec<String>) {
        let mut leaf = true;
        if let Some(Value::Object(properties)) = schema.get("properties") {
            leaf = false;
            for (key, child) in properties {
                walk(child, &at.child(Seg::Key(key.clone())), out);
            }
        }
        if let Some(items) = schema.get("items") {
            leaf = false;
            walk(items, &at.child(Seg::Each), out);
        }
        if leaf && !at.0.is_empty() {
            out.push(at.to_string());
        }
    }
    let mut out = Vec::new();
    walk(schema, &Path::default(), &mut out);
    out.sort();
    out
}

/// Which paths a program prints, tests and loops over.
#[derive(Debug, Default)]
pub struct Usage {
    /// Printed (or formatted) paths.
    pub printed: Vec<Path>,
    /// Paths tested by a conditional.
    pub tested: Vec<Path>,
    /// Lists looped over.
    pub lists: Vec<Path>,
    /// Paths given to a number formatting filter (`format_money`…), which takes text or a
    /// number.
    pub formatted: Vec<Path>,
}

impl Usage {
    /// The usage of a program.
    pub fn of(program: &Program) -> Usage {
        let mut usage = Usage::default();
        for part in [
            &program.subject,
            &program.preheader,
            &program.html,
            &program.text,
        ] {
            usage.walk(part);
        }
        usage
    }

    fn walk(&mut self, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::Text(_) => {}
                Node::Value { slot, .. } => match slot {
                    Slot::Path(p) => push(&mut self.printed, p),
                    Slot::Derived {
                        input: p, filter, ..
                    } => {
                        push(&mut self.printed, p);
                        if matches!(
                            filter.as_str(),
                            "format_number" | "format_money" | "format_percent"
                        ) {
                            push(&mut self.formatted, p);
                        }
                    }
                    Slot::LoopIndex { .. } => {}
                },
                Node::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    if let Cond::Path(p) = cond {
                        push(&mut self.tested, p);
                    }
                    self.walk(then);
                    self.walk(otherwise);
                }
                Node::Each { list, body, empty } => {
                    push(&mut self.lists, list);
                    self.walk(body);
                    self.walk(empty);
                }
            }
        }
    }

    /// Every path used, sorted and printed (`order.items[].name`), for the manifest.
    pub fn variables(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .printed
            .iter()
            .chain(&self.tested)
            .chain(&self.lists)
            .map(ToString::to_string)
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// Whether `path` or anything under it is used.
    fn uses(&self, path: &Path) -> bool {
        self.printed
            .iter()
            .chain(&self.tested)
            .chain(&self.lists)
            .any(|p| p.starts_with(path))
    }
}

fn push(list: &mut Vec<Path>, path: &Path) {
    if !list.contains(path) {
        list.push(path.clone());
    }
}

/// The schema of the top-level data: like [`infer_value`] on objects.
fn infer_objects(objects: &[&Map<String, Value>], path: &Path, usage: Option<&Usage>) -> Value {
    let mut schema = Map::new();
    if !objects.is_empty() {
        schema.insert("type".into(), json!("object"));
        describe_objects(&mut schema, objects, path, usage);
    }
    Value::Object(schema)
}

/// The schema the fixtures' values at `path` agree on. Works on borrowed values: a project
/// with thousands of fixtures never copies their data to describe it.
fn infer_value(values: &[&Value], path: &Path, usage: Option<&Usage>) -> Value {
    let present: Vec<&Value> = values.iter().copied().filter(|v| !v.is_null()).collect();
    let mut types: Vec<&str> = Vec::new();
    for v in &present {
        let t = match v {
            Value::Bool(_) => "boolean",
            // a whole number in a fixture says nothing about the next order's total
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Null => continue,
        };
        if !types.contains(&t) {
            types.push(t);
        }
    }
    // a formatting filter reads `"89.00"` and `89` alike: the sender may send either
    if usage.is_some_and(|u| u.formatted.contains(path))
        && types.iter().all(|t| matches!(*t, "string" | "number"))
        && !types.is_empty()
    {
        types = vec!["string", "number"];
    }
    if present.len() < values.len() {
        types.push("null");
    }
    let mut schema = Map::new();
    match types.as_slice() {
        [] => {}
        [one] => {
            schema.insert("type".into(), json!(one));
        }
        many => {
            schema.insert("type".into(), json!(many));
        }
    }
    if types.contains(&"object") {
        let objects: Vec<&Map<String, Value>> =
            present.iter().filter_map(|v| v.as_object()).collect();
        describe_objects(&mut schema, &objects, path, usage);
    }
    if types.contains(&"array") {
        let items: Vec<&Value> = present
            .iter()
            .filter_map(|v| v.as_array())
            .flatten()
            .collect();
        if !items.is_empty() {
            schema.insert(
                "items".into(),
                infer_value(&items, &path.child(Seg::Each), usage),
            );
        }
    }
    Value::Object(schema)
}

/// Adds `properties` and `required` of `objects` (the fixtures' objects at `path`) to `schema`.
fn describe_objects(
    schema: &mut Map<String, Value>,
    objects: &[&Map<String, Value>],
    path: &Path,
    usage: Option<&Usage>,
) {
    let mut by_key: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for object in objects {
        for (k, v) in *object {
            by_key.entry(k.as_str()).or_default().push(v);
        }
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (key, vals) in by_key {
        let child = path.child(Seg::Key(key.to_string()));
        if usage.is_some_and(|u| !u.uses(&child)) {
            continue;
        }
        let everywhere = vals.len() == objects.len() && vals.iter().all(|v| !v.is_null());
        // without a program nothing says what the template needs, so nothing is required
        let tested = usage.is_none_or(|u| u.tested.contains(&child));
        if everywhere && !tested {
            required.push(json!(key));
        }
        properties.insert(key.to_string(), infer_value(&vals, &child, usage));
    }
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_dotted_paths() {
        assert_eq!(dotted("/order/items/2/price"), "order.items[2].price");
        assert_eq!(dotted(""), "");
    }

    #[test]
    fn problems_name_the_path_and_say_what_is_expected() {
        let contract = Contract {
            schema: json!({
                "type": "object",
                "required": ["order"],
                "properties": {"order": {"type": "object", "required": ["number"],
                    "properties": {"number": {"type": "string"},
                        "items": {"type": "array", "items": {"type": "object",
                            "properties": {"price": {"type": "number"}}}}}}}
            }),
            file: None,
        };
        let data = json!({"order": {"items": [{"price": 1}, {"price": "x"}]}});
        let problems = validate(&contract, data.as_object().unwrap());
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "order.items[1].price: expected a number",
                "order.number: is required but missing"
            ]
        );
    }
}
