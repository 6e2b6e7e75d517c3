//! Fuzzing the pipeline entry point (issue 12): mutated templates, partials and customer data
//! go through `build::build_all` (the same pool and limits `build`, `check` and `watch` use).
//! Whatever the input, no email may crash the process, panic out of the library or hang; a
//! failed email has an error finding that points at a project file; a built email's subject
//! and preheader hold no control character; and when only a partial was broken, the error
//! points at that partial. `cargo fuzz` needs a nightly compiler, so this is proptest with a
//! bounded number of cases (about 15 s in a debug build on two cores; set LETTERPRESS_FUZZ_CASES=N for N times more).

use std::path::{Path, PathBuf};

use letterpress::build;
use letterpress::pipeline::{Pipeline, Selection};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Pieces a careless or hostile author (or a fuzzer) inserts.
const SNIPPETS: &[&str] = &[
    "<mj-section>",
    "</mj-section>",
    "<mj-column>",
    "</mj-column>",
    "<mj-text>",
    "</mj-text>",
    "<mj-raw><div><div><div>",
    "</div>",
    "<mj-wrapper>",
    "<mj-include path=\"templates/partials/signoff.mjml\" />",
    "<mj-include path=\"../../etc/passwd\" />",
    "{% if x %}",
    "{% endif %}",
    "{% for i in range(end=300) %}<mj-section><mj-column>{% endfor %}",
    "{% for i in range(end=40) %}{% for j in range(end=40) %}x{% endfor %}{% endfor %}",
    "{% block body %}",
    "{% endblock %}",
    "{% include \"partials/footer.mjml\" %}",
    "{% include \"partials/nope.mjml\" %}",
    "{% raw %}",
    "{{ customer.first_name }}",
    "{{ nothing.here }}",
    "{{ ",
    " }}",
    "{%",
    "%}",
    "{#",
    "<",
    ">",
    "&",
    "\"",
    "\r\n",
    "\u{0}",
    "\u{1b}[31m",
    "\u{E000}",
    "ş İ ı ğ",
    "<mj-title>x\r\nBcc: a@b.example</mj-title>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<mj-style inline=\"inline\">p { color: #123456 }</mj-style>",
];

/// One edit of a text: insert a snippet, delete a range, or duplicate a range.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    Repeat(usize, usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        4 => (any::<usize>(), 0..SNIPPETS.len()).prop_map(|(at, s)| Edit::Insert(at, s)),
        2 => (any::<usize>(), 1usize..200).prop_map(|(at, n)| Edit::Delete(at, n)),
        1 => (any::<usize>(), 1usize..80, 2usize..40).prop_map(|(at, n, k)| Edit::Repeat(at, n, k)),
    ];
    prop::collection::vec(edit, 1..6)
}

/// Applies `edits` to `text`, positions taken modulo its length, on character boundaries.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut text = text.to_string();
    let boundary = |text: &str, at: usize| {
        let mut at = if text.is_empty() {
            0
        } else {
            at % (text.len() + 1)
        };
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    for edit in edits {
        match *edit {
            Edit::Insert(at, snippet) => {
                let at = boundary(&text, at);
                text.insert_str(at, SNIPPETS[snippet]);
            }
            Edit::Delete(at, n) => {
                let start = boundary(&text, at);
                let end = boundary(&text, (start + n).min(text.len()));
                if end > start {
                    text.replace_range(start..end, "");
                }
            }
            Edit::Repeat(at, n, times) => {
                let start = boundary(&text, at);
                let end = boundary(&text, (start + n).min(text.len()));
                let piece = text[start..end].repeat(times);
                text.insert_str(end, &piece);
            }
        }
    }
    text
}

/// Customer data with control characters, template syntax and markers in it.
fn data() -> impl Strategy<Value = serde_json::Value> {
    let text = prop::collection::vec(
        prop_oneof![
            Just("{{ x }}".to_string()),
            Just("{%".to_string()),
            Just("\r\nBcc: v@evil.example".to_string()),
            Just("\u{E001}".to_string()),
            "[a-zA-Z ]{0,12}",
            any::<char>().prop_map(String::from),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat());
    (text.clone(), text).prop_map(|(first_name, url)| {
        serde_json::json!({
            "customer": {"first_name": first_name, "email": "a@b.example"},
            "reset": {"url": url, "expires_in_minutes": 30}
        })
    })
}

/// The starter kit in a temporary folder.
fn starter() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kit");
    letterpress::starter::init(&root).unwrap();
    (dir, root)
}

/// Builds every email of `template` and checks what must hold whatever the input. Returns the
/// findings of failed emails.
fn build_and_check(root: &Path, template: &str) -> Vec<letterpress::Finding> {
    let pipeline = match Pipeline::load(root) {
        Ok(pipeline) => pipeline,
        Err(err) => {
            let message = err.to_string();
            assert!(!message.contains('\n'), "one line: {message}");
            return Vec::new();
        }
    };
    let selection = Selection {
        templates: vec![template.to_string()],
        locales: vec!["en".to_string()],
    };
    let ids = pipeline.emails(&selection).unwrap();
    let report = build::build_all(&pipeline, &ids, &|_| {});
    let mut failures = Vec::new();
    for email in &report.emails {
        for finding in &email.findings {
            assert!(!finding.message.contains('\n'), "one line: {finding}");
        }
        match &email.content {
            Some(content) => {
                for header in [&content.subject, &content.preheader] {
                    assert!(
                        !header.chars().any(char::is_control),
                        "control character in {header:?}"
                    );
                }
            }
            None => {
                let error = email
                    .findings
                    .iter()
                    .find(|f| f.severity == letterpress::Severity::Error)
                    .expect("a failed email says why");
                let at = error.location.as_ref().expect("and where");
                assert!(at.file.is_relative(), "{error}");
                assert!(
                    root.join(&at.file).exists(),
                    "{error} names a file of the project"
                );
                failures.push(error.clone());
            }
        }
    }
    failures
}

/// `cases` runs, or `LETTERPRESS_FUZZ_CASES` times as many for a longer session.
fn runner(cases: u32) -> TestRunner {
    let factor = std::env::var("LETTERPRESS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1);
    TestRunner::new(Config {
        cases: cases * factor,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn mutated_templates_never_crash_and_every_failure_points_somewhere() {
    let (_dir, root) = starter();
    let file = root.join("templates/password-reset.mjml");
    let original = std::fs::read_to_string(&file).unwrap();
    runner(100)
        .run(&edits(), |edits| {
            std::fs::write(&file, apply(&original, &edits)).unwrap();
            build_and_check(&root, "password-reset");
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_broken_partial_is_always_blamed_on_the_partial() {
    let (_dir, root) = starter();
    let file = root.join("templates/partials/signoff.mjml");
    let original = std::fs::read_to_string(&file).unwrap();
    let failures = std::cell::Cell::new(0);
    let template_errors = std::cell::Cell::new(0);
    runner(100)
        .run(&edits(), |edits| {
            std::fs::write(&file, apply(&original, &edits)).unwrap();
            for failure in build_and_check(&root, "password-reset") {
                failures.set(failures.get() + 1);
                if failure.rule == "build.template" {
                    template_errors.set(template_errors.get() + 1);
                    let at = failure.location.as_ref().unwrap();
                    prop_assert_eq!(
                        at.file.as_path(),
                        Path::new("templates/partials/signoff.mjml"),
                        "{}",
                        failure
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(
        failures.get() > 0 && template_errors.get() > 0,
        "the mutations break the partial sometimes"
    );
}

#[test]
fn any_customer_data_builds() {
    let (_dir, root) = starter();
    let pipeline = Pipeline::load(&root).unwrap();
    let template = pipeline.project.template("password-reset").unwrap();
    runner(120)
        .run(&data(), |data| {
            let map = data.as_object().unwrap();
            let email = build::on_email_thread(|| pipeline.build_with(template, "tr", "data", map));
            let errors: Vec<_> = email
                .findings
                .iter()
                .filter(|f| f.severity == letterpress::Severity::Error)
                .filter(|f| !f.rule.starts_with("links."))
                .collect();
            prop_assert!(errors.is_empty(), "data made the email fail: {:?}", errors);
            let content = email.content.as_ref().unwrap();
            prop_assert!(!content.subject.chars().any(char::is_control));
            prop_assert!(
                !content.html.contains('\u{E001}'),
                "a placeholder marker in the HTML"
            );
            Ok(())
        })
        .unwrap();
}

/// YAML pieces a careless author (or a fuzzer) leaves in settings, brand, locales and fixtures.
const YAML_SNIPPETS: &[&str] = &[
    ": ",
    "\n  ",
    "\n- ",
    "#",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "<<: *a",
    "\t",
    "!!binary ",
    "---\n",
    "...\n",
    "26px",
    "#ffffff",
    "~",
    "null",
    "\u{0}",
    "\u{feff}",
    "{{ x }}",
    "\r\n",
    "é",
    "?",
    "|\n",
    ">-\n",
];

#[test]
fn mutated_settings_brand_locales_and_fixtures_never_crash() {
    let (_dir, root) = starter();
    let files = [
        "brand/brand.yaml",
        "locales/en.yaml",
        "letterpress.yaml",
        "fixtures/password-reset/default.yaml",
        "templates/layouts/base.mjml",
    ];
    let originals: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(root.join(f)).unwrap())
        .collect();
    let edit = prop_oneof![
        3 => (any::<usize>(), 0..YAML_SNIPPETS.len()).prop_map(|(at, s)| (at, Some(s), 0)),
        1 => (any::<usize>(), 1usize..40).prop_map(|(at, n)| (at, None, n)),
    ];
    let case = (0..files.len(), prop::collection::vec(edit, 1..5));
    runner(100)
        .run(&case, |(which, edits)| {
            let mut text = originals[which].clone();
            for (at, snippet, n) in edits {
                let mut at = at % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match snippet {
                    Some(s) => text.insert_str(at, YAML_SNIPPETS[s]),
                    None => {
                        let mut end = (at + n).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text.replace_range(at..end, "");
                    }
                }
            }
            std::fs::write(root.join(files[which]), &text).unwrap();
            let outcome = std::panic::catch_unwind(|| build_and_check(&root, "password-reset"));
            std::fs::write(root.join(files[which]), &originals[which]).unwrap();
            prop_assert!(
                outcome.is_ok(),
                "a panic loading or building {}",
                files[which]
            );
            Ok(())
        })
        .unwrap();
}
