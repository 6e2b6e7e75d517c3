//! The rules engine through the real binary: small projects in temp folders, each breaking one
//! rule, checked for exactly the expected rule ids in JSON and GitHub output, exit codes, and
//! the JSON report against docs/report.schema.json.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CLEAN_BODY: &str = r#"<mjml><mj-body><mj-section><mj-column><mj-text>
<h1>Thanks for your order</h1>
<p>Your order is confirmed. <a href="https://shop.example/orders/1234">See your order</a></p>
</mj-text></mj-column></mj-section></mj-body></mjml>"#;

const SETTINGS: &str = "rules: {spelling.word: off}\n";

const FRONT: &str = "subject: \"Your order 1234 is confirmed\"\npreheader: \"It ships tomorrow\"";

/// A throwaway project: the repository's brand, one locale, one template.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["brand", "templates", "locales"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(
            manifest.join("brand/brand.yaml"),
            root.join("brand/brand.yaml"),
        )
        .unwrap();
        std::fs::write(root.join("locales/en.yaml"), "hello: Hello\n").unwrap();
        // These projects test other rules; spelling depends on the machine's dictionaries and
        // has its own tests (tests/l10n.rs).
        std::fs::write(root.join("letterpress.yaml"), SETTINGS).unwrap();
        Project { dir }
    }

    /// Writes `templates/t.mjml` with front matter lines and a body.
    fn template(self, front: &str, body: &str) -> Project {
        let text = format!("---\n{front}\n---\n{body}\n");
        std::fs::write(self.dir.path().join("templates/t.mjml"), text).unwrap();
        self
    }

    fn file(self, path: &str, text: &str) -> Project {
        let path: PathBuf = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn run(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_letterpress"))
            .arg("check")
            .arg("--project")
            .arg(self.dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    /// Exit code and sorted rule ids of the JSON report (validated against the schema; every
    /// finding must have a location).
    fn rules(&self, args: &[&str]) -> (i32, Vec<String>) {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let (code, out) = self.run(&all);
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let schema = schema();
        validate(&schema, &report, &schema, "$");
        let mut ids: Vec<String> = report["emails"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["findings"].as_array().unwrap().clone())
            .map(|f| {
                assert!(f.get("location").is_some(), "finding without location: {f}");
                f["rule"].as_str().unwrap().to_string()
            })
            .collect();
        ids.sort();
        ids.dedup();
        (code, ids)
    }

    /// Sorted rule ids of the GitHub annotations; each must name a file.
    fn github_rules(&self) -> Vec<String> {
        let (_, out) = self.run(&["--format", "github"]);
        let mut ids: Vec<String> = out
            .lines()
            .map(|line| {
                assert!(
                    line.starts_with("::error file=") || line.starts_with("::warning file="),
                    "{line}"
                );
                let title = line.split("title=").nth(1).unwrap();
                title.split("::").next().unwrap().to_string()
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn schema() -> Value {
    serde_json::from_str(include_str!("../docs/report.schema.json")).unwrap()
}

/// Validates `value` against the subset of JSON Schema the report schema uses: `$ref` into
/// `$defs`, `type` (one or several), `required`, `properties`, `additionalProperties: false`,
/// `items`, `enum`, `minimum` and `pattern` (checked as the rule-id shape).
fn validate(schema: &Value, value: &Value, root: &Value, at: &str) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], value, root, at);
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_u64() || value.is_i64(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
        assert!(ok, "{at}: {value} is not {types:?}");
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        assert!(options.contains(value), "{at}: {value} not in {options:?}");
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_i64),
        value.as_i64(),
    ) {
        assert!(n >= min, "{at}: {n} < {min}");
    }
    if schema.get("pattern").is_some() {
        let id = value.as_str().unwrap();
        let (family, name) = id.split_once('.').unwrap_or_else(|| panic!("{at}: {id}"));
        assert!(
            !family.is_empty() && !name.is_empty() && !name.contains('.'),
            "{at}: {id}"
        );
    }
    if let Some(object) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(
                object.contains_key(key.as_str().unwrap()),
                "{at}: missing {key}"
            );
        }
        for (key, v) in object {
            match props.and_then(|p| p.get(key)) {
                Some(sub) => validate(sub, v, root, &format!("{at}.{key}")),
                None => assert!(
                    schema.get("additionalProperties") != Some(&Value::Bool(false)),
                    "{at}: unexpected property {key}"
                ),
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            validate(items, v, root, &format!("{at}[{i}]"));
        }
    }
}

#[test]
fn clean_project_has_no_findings_and_passes_strict() {
    let project = Project::new().template(FRONT, CLEAN_BODY);
    assert_eq!(project.rules(&[]), (0, vec![]));
    assert_eq!(project.rules(&["--strict"]), (0, vec![]));
    assert!(project.github_rules().is_empty());
}

#[test]
fn missing_subject_is_an_error() {
    let project = Project::new().template("preheader: \"It ships tomorrow\"", CLEAN_BODY);
    assert_eq!(project.rules(&[]), (1, ids(&["subject.missing"])));
    assert_eq!(project.github_rules(), ["subject.missing"]);
}

#[test]
fn warnings_pass_unless_strict() {
    let project = Project::new().template(
        "subject: \"Your order is confirmed!!\"\npreheader: \"It ships tomorrow\"",
        CLEAN_BODY,
    );
    assert_eq!(project.rules(&[]), (0, ids(&["voice.exclamation"])));
    assert_eq!(project.rules(&["--strict"]).0, 1);
    assert_eq!(project.github_rules(), ["voice.exclamation"]);
}

#[test]
fn http_link_is_flagged_with_its_line() {
    let body = CLEAN_BODY.replace("https://shop", "http://shop");
    let project = Project::new().template(FRONT, &body);
    assert_eq!(project.rules(&[]), (0, ids(&["links.http"])));
    let (_, out) = project.run(&["--format", "github"]);
    assert!(
        out.starts_with("::warning file=templates/t.mjml,line=7,"),
        "{out}"
    );
}

#[test]
fn unknown_mj_element_is_an_error() {
    let body = CLEAN_BODY
        .replace("<mj-section>", "<mj-sectoin>")
        .replace("</mj-section>", "</mj-sectoin>");
    let project = Project::new().template(FRONT, &body);
    let (code, found) = project.rules(&[]);
    assert_eq!(code, 1);
    assert!(
        found.contains(&"mjml.unknown-element".to_string()),
        "{found:?}"
    );
}

#[test]
fn card_number_is_an_error() {
    let body = CLEAN_BODY.replace("<h1>", "<p>Paid with 4111 1111 1111 1111</p><h1>");
    let project = Project::new().template(FRONT, &body);
    assert_eq!(project.rules(&[]), (1, ids(&["safety.card-number"])));
}

#[test]
fn secret_from_fixture_is_an_error() {
    let body = CLEAN_BODY.replace("<h1>", "<p>Your password: {{ account.password }}</p><h1>");
    let project = Project::new()
        .template(
            "subject: \"Your account is ready\"\npreheader: \"Sign in any time\"",
            &body,
        )
        .file(
            "fixtures/t/default.yaml",
            "account:\n  password: \"s3cret-Pa55\"\n",
        );
    assert_eq!(project.rules(&[]), (1, ids(&["safety.secret"])));
}

#[test]
fn marketing_without_unsubscribe_is_an_error() {
    let project = Project::new().template(
        "subject: \"New in this autumn\"\npreheader: \"Wool throws and oak shelves\"\ncategory: marketing",
        CLEAN_BODY,
    );
    // no visible link (error) and, with no list-unsubscribe configured, no one-click headers
    assert_eq!(
        project.rules(&[]),
        (
            1,
            ids(&["marketing.list-unsubscribe-header", "marketing.unsubscribe"])
        )
    );
    let project = project.file(
        "letterpress.yaml",
        "list-unsubscribe: {url: \"https://shop.example/unsubscribe/one-click\"}\n",
    );
    assert_eq!(project.rules(&[]), (1, ids(&["marketing.unsubscribe"])));
}

#[test]
fn off_palette_colour_is_flagged() {
    let body = CLEAN_BODY.replace("<mj-text>", "<mj-text color=\"#123456\">");
    let project = Project::new().template(FRONT, &body);
    // The repository's brand has a dark scheme: a hard-coded navy stays navy there, on the
    // dark background, so it also fails contrast (in the dark scheme only).
    assert_eq!(
        project.rules(&[]),
        (1, ids(&["brand.contrast", "brand.off-palette"]))
    );
    let (_, out) = project.run(&[]);
    assert!(
        out.contains("in the dark scheme, text `Your order is confirmed.` is #123456 on #151a18"),
        "{out}"
    );
    let light = project.file("letterpress.yaml", "rules: {brand.contrast: off}\n");
    assert_eq!(light.rules(&[]), (0, ids(&["brand.off-palette"])));
}

#[test]
fn severities_come_from_front_matter_then_config() {
    let body = CLEAN_BODY.replace("https://shop", "http://shop");
    let front = format!("{FRONT}\nrules: {{links.http: off}}");
    let project = Project::new().template(&front, &body);
    assert_eq!(project.rules(&[]), (0, vec![]));
    let project = Project::new().template(FRONT, &body).file(
        "letterpress.yaml",
        "rules: {links.http: error, spelling.word: off}\n",
    );
    assert_eq!(project.rules(&[]), (1, ids(&["links.http"])));
}

#[test]
fn junit_has_one_case_per_email_and_family() {
    let project = Project::new().template("preheader: \"It ships tomorrow\"", CLEAN_BODY);
    let (code, out) = project.run(&["--format", "junit"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("<testcase classname=\"t.en.default\" name=\"subject\">"),
        "{out}"
    );
    assert!(out.contains("<failure type=\"subject.missing\""), "{out}");
    assert!(
        out.contains("<testcase classname=\"t.en.default\" name=\"clients\"/>"),
        "{out}"
    );
}

#[test]
fn rules_command_lists_every_family_and_the_caniemail_date() {
    let out = Command::new(env!("CARGO_BIN_EXE_letterpress"))
        .arg("rules")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "size.gmail-clip",
        "subject.missing",
        "voice.shouting",
        "brand.contrast",
        "links.img-alt",
        "safety.iban",
        "marketing.unsubscribe",
        "plaintext.missing",
        "mjml.unknown-element",
        "a11y.lang",
        "clients.unsupported",
    ] {
        assert!(text.contains(id), "{id}");
    }
    assert!(text.contains("2026-05-13"));
}

#[test]
fn docs_list_every_rule_the_binary_knows() {
    let out = Command::new(env!("CARGO_BIN_EXE_letterpress"))
        .arg("rules")
        .output()
        .unwrap();
    let docs = include_str!("../docs/rules.md");
    let listed = String::from_utf8_lossy(&out.stdout);
    let ids: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.contains('.') && !w.contains(':'))
        .collect();
    assert!(ids.len() >= 30, "{ids:?}");
    for id in ids {
        assert!(
            docs.contains(&format!("`{id}`")),
            "docs/rules.md lacks {id}"
        );
    }
}

#[test]
fn junit_fails_warning_families_only_when_strict() {
    let project = Project::new().template(
        "subject: \"Your order is confirmed!!\"\npreheader: \"It ships tomorrow\"",
        CLEAN_BODY,
    );
    let (code, out) = project.run(&["--format", "junit"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("failures=\"0\"") && out.contains("<system-out>"),
        "{out}"
    );
    let (code, out) = project.run(&["--format", "junit", "--strict"]);
    assert_eq!(code, 1);
    assert!(out.contains("<failure type=\"voice.exclamation\""), "{out}");
}
