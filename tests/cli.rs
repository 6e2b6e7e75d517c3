//! Runs the real `letterpress` binary on projects in temporary folders and checks exit codes,
//! messages and the files written (or not written).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_letterpress");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A project in a temporary folder.
struct Project {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed and returned.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Project {
    /// The starter kit, written by `letterpress init`.
    fn starter() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let kit = dir.path().join("kit");
        let run = run_in(dir.path(), &["init", kit.to_str().unwrap()]);
        assert_eq!(run.code, 0, "init failed: {}", run.stderr);
        // Move the kit up so the project is the temp dir itself.
        for entry in std::fs::read_dir(&kit).unwrap() {
            let entry = entry.unwrap();
            std::fs::rename(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        std::fs::remove_dir(&kit).unwrap();
        Project { dir }
    }

    /// The repository's brand and one simple template with one fixture.
    fn minimal() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let project = Project { dir };
        let brand = std::fs::read_to_string(Path::new(REPO).join("brand/brand.yaml")).unwrap();
        project
            .write("brand/brand.yaml", &brand)
            .write("locales/en.yaml", "hello: Hello\n")
            .write(
                "templates/welcome.mjml",
                "---\nsubject: \"Welcome, {{ name }}\"\npreheader: Your account is ready to use today\n---\n<mjml><mj-body><mj-section><mj-column>\n<mj-text><p>{{ t.hello }} {{ name }}</p></mj-text>\n</mj-column></mj-section></mj-body></mjml>\n",
            )
            .write("fixtures/welcome/basic.yaml", "name: Ada\n");
        project
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) -> &Project {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir` with its bytes, keyed by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path))
        } else {
            files.push(path)
        }
    }
    files
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn init_then_build_writes_every_starter_email() {
    let project = Project::starter();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let manifest = json(&project.read("out/manifest.json"));
    assert_eq!(manifest["schema_version"], 1);
    let emails = manifest["emails"].as_array().unwrap();
    // 13 templates; fixtures: order-confirmation 3, support-reply 4, account-changed 2,
    // account-summary 2, the other 9 one each = 20 cases, in 2 locales.
    assert_eq!(emails.len(), 40);
    for email in emails {
        let html = project.read(&format!("out/{}", email["html"].as_str().unwrap()));
        let text = project.read(&format!("out/{}", email["text"].as_str().unwrap()));
        assert!(!html.contains("<mj-"), "MJML tag left in {}", email["html"]);
        assert!(!html.contains("<script"), "script in {}", email["html"]);
        assert!(html.len() < 102_000);
        assert_eq!(email["html_bytes"].as_u64().unwrap() as usize, html.len());
        assert!(html.contains(&format!("lang=\"{}\"", email["locale"].as_str().unwrap())));
        for tag in ["</", "<div", "<td", "<p>", "<a ", "<span", "<br", "<img"] {
            assert!(
                !text.contains(tag),
                "{tag} left in text of {}",
                email["text"]
            );
        }
        assert!(
            !text.contains("&amp;"),
            "entity left in text of {}",
            email["text"]
        );
        assert!(text.lines().all(|l| l.chars().count() <= 998));
    }
    // Turkish survives the whole pipeline, in HTML, text and subject.
    let tr = project.read("out/tr/order-confirmation/standard.html");
    assert!(tr.contains("Siparişiniz"), "Turkish text missing");
    let subject = emails
        .iter()
        .find(|e| e["locale"] == "tr" && e["template"] == "password-reset")
        .unwrap();
    assert!(
        subject["subject"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| "çğıİöşü".contains(c)),
        "{subject}"
    );
}

#[test]
fn starter_styles_are_inlined_and_brand_applied() {
    let project = Project::starter();
    assert_eq!(project.run(&["build"]).code, 0);
    let html = project.read("out/en/order-shipped/default.html");
    // Link colour comes from brand.palette.link, inlined onto the anchor by css-inline.
    let brand = project.read("brand/brand.yaml");
    let link = brand
        .lines()
        .find(|l| l.trim_start().starts_with("link:"))
        .unwrap();
    let link = link.split('"').nth(1).unwrap().to_lowercase();
    assert!(
        html.contains(&format!("style=\"color: {link};")),
        "link colour {link} not inlined"
    );
    // Media queries stay in <style>, Outlook conditional comments survive.
    assert!(html.contains("@media only screen and (min-width:480px)"));
    assert!(html.contains("<!--[if mso"));
    // The preheader is hidden preview text.
    let manifest = json(&project.read("out/manifest.json"));
    let entry = manifest["emails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["html"] == "en/order-shipped/default.html")
        .unwrap();
    assert!(html.contains(entry["preheader"].as_str().unwrap()));
    assert!(
        !project
            .read("out/en/order-shipped/default.txt")
            .contains(entry["preheader"].as_str().unwrap())
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let project = Project::starter();
    assert_eq!(project.run(&["build", "--out", "a"]).code, 0);
    assert_eq!(project.run(&["build", "--out", "b"]).code, 0);
    let a = snapshot(&project.path().join("a"));
    let b = snapshot(&project.path().join("b"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{} differs between builds",
            path.display()
        );
    }
}

#[test]
fn failed_build_leaves_previous_out_untouched() {
    let project = Project::minimal();
    assert_eq!(project.run(&["build"]).code, 0);
    let before = snapshot(&project.path().join("out"));
    project.write(
        "templates/welcome.mjml",
        "<mjml><mj-body>{% if %}</mj-body></mjml>",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("previous output was left"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&project.path().join("out")), before);
    let leftovers: Vec<_> = std::fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn check_writes_nothing() {
    let project = Project::minimal();
    let run = project.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!project.path().join("out").exists());
}

#[test]
fn malformed_brand_yaml_is_a_usage_error_with_position() {
    let project = Project::minimal();
    let brand = project.read("brand/brand.yaml");
    let broken = brand
        .replacen("primary: \"", "primary: #", 1)
        .replacen("#\"#", "#", 1);
    let line = broken
        .lines()
        .position(|l| l.trim_start().starts_with("primary: #"))
        .unwrap()
        + 1;
    project.write("brand/brand.yaml", &broken);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with(&format!("error: brand/brand.yaml:{line}:")),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.trim().lines().count(),
        1,
        "one line: {}",
        run.stderr
    );
}

#[test]
fn missing_brand_says_how_to_start() {
    let project = Project::minimal();
    std::fs::remove_file(project.path().join("brand/brand.yaml")).unwrap();
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("brand/brand.yaml is missing")
            && run.stderr.contains("letterpress init"),
        "{}",
        run.stderr
    );
}

#[test]
fn tera_syntax_error_names_template_line_and_column() {
    let project = Project::minimal();
    project.write(
        "templates/welcome.mjml",
        "---\nsubject: Hi\n---\n<mjml><mj-body>\n  {% if name %}\n</mj-body></mjml>\n",
    );
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("templates/welcome.mjml:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[build.template]"), "{}", run.stdout);
}

#[test]
fn missing_locale_key_names_key_and_template() {
    let project = Project::minimal();
    project.write("locales/en.yaml", "other: x\n");
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("[build.template]"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        line.contains("templates/welcome.mjml:6:18") && line.contains("hello"),
        "{line}"
    );
}

#[test]
fn an_unclosed_element_is_named_at_the_line_it_opens_on() {
    let project = Project::minimal();
    project.write(
        "templates/welcome.mjml",
        "---\nsubject: Hi\n---\n<mjml>\n<mj-body>\n<mj-section>\n  <mj-column>\n</mj-section></mj-body>\n</mjml>\n",
    );
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("[build.mjml]"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        line.contains("templates/welcome.mjml:7:3")
            && line
                .contains("<mj-column> is opened here but never closed: </mj-section> on line 8"),
        "{line}"
    );
}

#[test]
fn plain_mjml_with_crlf_placeholders_and_relative_includes_builds_as_written() {
    let project = Project::minimal();
    project
        .write(
            "templates/receipt.mjml",
            &"<mjml>\n<mj-head><mj-title>Receipt {{ .OrderID }}</mj-title><mj-preview>Thanks, {{name}}</mj-preview></mj-head>\n<mj-body>\n<mj-include path=\"./parts/header.mjml\" />\n<mj-section><mj-column><mj-text padding=0>Hi {{ .FirstName }}, {% if vip %}VIP{% endif %}</mj-text></mj-column></mj-section>\n</mj-body>\n</mjml>\n".replace('\n', "\r\n"),
        )
        .write(
            "templates/parts/header.mjml",
            "<mj-section><mj-column><mj-text>Header *|FNAME|*</mj-text></mj-column></mj-section>",
        );
    let run = project.run(&["build", "--template", "receipt"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let html = project.read("out/en/receipt/default.html");
    assert!(
        html.contains("Hi {{ .FirstName }}, {% if vip %}VIP{% endif %}"),
        "{html}"
    );
    assert!(html.contains("Header *|FNAME|*"), "{html}");
    assert!(!run.stdout.contains("subject.unrendered"), "{}", run.stdout);
    let manifest = json(&project.read("out/manifest.json"));
    assert_eq!(manifest["emails"][0]["subject"], "Receipt {{ .OrderID }}");
}

#[test]
fn tera_can_be_turned_off_for_a_template_with_front_matter() {
    let project = Project::minimal();
    project.write(
        "templates/esp.mjml",
        "---\nsubject: \"Order {{ order_id }}\"\npreheader: Your receipt is attached below\ntera: false\n---\n<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{{ name }}}</mj-text></mj-column></mj-section></mj-body></mjml>\n",
    );
    let run = project.run(&["build", "--template", "esp"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        project
            .read("out/en/esp/default.html")
            .contains("Hi {{{ name }}}")
    );
    let manifest = json(&project.read("out/manifest.json"));
    assert_eq!(manifest["emails"][0]["subject"], "Order {{ order_id }}");
    // the brand still applies: its font is in the email
    assert!(project.read("out/en/esp/default.html").contains("Inter"));
}

#[test]
fn include_outside_the_project_is_refused() {
    let project = Project::minimal();
    project.write(
        "templates/welcome.mjml",
        "<mjml><mj-body><mj-include path=\"../../../../etc/passwd\" /></mj-body></mjml>",
    );
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("outside the project folder"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("root:"), "file content leaked");
}

#[test]
fn bad_fixture_fails_only_its_own_email() {
    let project = Project::minimal();
    project.write("fixtures/welcome/broken.yaml", "name: [Ada\n");
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let report = json(&run.stdout);
    let emails = report["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 2);
    let broken = emails.iter().find(|e| e["fixture"] == "broken").unwrap();
    assert_eq!(broken["status"], "error");
    assert_eq!(broken["findings"][0]["rule"], "build.fixture");
    assert_eq!(
        broken["findings"][0]["location"]["file"],
        "fixtures/welcome/broken.yaml"
    );
    assert!(broken["findings"][0]["location"]["line"].as_u64().is_some());
    let good = emails.iter().find(|e| e["fixture"] == "basic").unwrap();
    assert_eq!(good["status"], "ok");
}

#[test]
fn binary_fixture_is_refused_clearly() {
    let project = Project::minimal();
    std::fs::write(
        project.path().join("fixtures/welcome/basic.yaml"),
        [0x89, b'P', b'N', b'G', 0, 0, 1],
    )
    .unwrap();
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("fixtures/welcome/basic.yaml") && run.stdout.contains("binary"),
        "{}",
        run.stdout
    );
}

#[test]
fn plain_mjml_without_front_matter_builds() {
    let project = Project::minimal();
    project.write(
        "templates/plain.mjml",
        "<mjml><mj-head><mj-title>Your receipt</mj-title><mj-preview>Thanks for shopping with us this week</mj-preview></mj-head>\n<mj-body><mj-section><mj-column><mj-text>No Tera here</mj-text></mj-column></mj-section></mj-body></mjml>",
    );
    let run = project.run(&["build", "--template", "plain"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        project
            .read("out/en/plain/default.html")
            .contains("No Tera here")
    );
    assert!(
        project
            .read("out/en/plain/default.txt")
            .contains("No Tera here")
    );
    // the MJML's own title and preview are the subject and preheader
    let manifest = json(&project.read("out/manifest.json"));
    assert_eq!(manifest["emails"][0]["subject"], "Your receipt");
    assert_eq!(
        manifest["emails"][0]["preheader"],
        "Thanks for shopping with us this week"
    );
}

#[test]
fn plain_mjml_without_any_subject_reports_it() {
    let project = Project::minimal();
    project.write(
        "templates/plain.mjml",
        "<mjml><mj-body><mj-section><mj-column><mj-text>No subject</mj-text></mj-column></mj-section></mj-body></mjml>",
    );
    let run = project.run(&["check", "--template", "plain"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("[subject.missing]"), "{}", run.stdout);
}

#[test]
fn oversized_email_fails_with_gmail_clip() {
    let project = Project::minimal();
    let big = "<p>Lorem ipsum dolor sit amet.</p>".repeat(3500);
    project.write(
        "templates/welcome.mjml",
        &format!("<mjml><mj-body><mj-section><mj-column><mj-text>{big}</mj-text></mj-column></mj-section></mj-body></mjml>"),
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("[size.gmail-clip]"), "{}", run.stdout);
    assert!(
        !project.path().join("out").exists(),
        "nothing written on error"
    );
}

#[test]
fn unknown_template_selection_is_a_usage_error() {
    let project = Project::minimal();
    let run = project.run(&["build", "--template", "welcom"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no template named `welcom`; templates: welcome"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let project = Project::minimal();
    let run = run_in(project.path(), &["init", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
}

#[test]
fn render_escapes_data_and_prints_json() {
    let project = Project::minimal();
    project.write("data.yaml", "name: \"<script>alert(1)</script>\"\n");
    let run = project.run(&["render", "welcome", "--data", "data.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = json(&run.stdout);
    let html = out["html"].as_str().unwrap();
    let doc = scraper::Html::parse_document(html);
    let scripts = scraper::Selector::parse("script").unwrap();
    assert_eq!(
        doc.select(&scripts).count(),
        0,
        "data must never become a script element"
    );
    assert!(
        html.contains(">Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        "body text escaped"
    );
    assert_eq!(
        out["subject"], "Welcome, <script>alert(1)</script>",
        "subject is plain text"
    );
    assert!(
        out["text"]
            .as_str()
            .unwrap()
            .contains("Hello <script>alert(1)</script>")
    );
}

#[test]
fn quotes_in_data_cannot_break_out_of_attributes() {
    let project = Project::minimal();
    project.write("data.yaml", "name: 'x\" onmouseover=\"alert(1)'\n");
    let run = project.run(&["render", "welcome", "--data", "data.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = json(&run.stdout)["html"].as_str().unwrap().to_string();
    let doc = scraper::Html::parse_document(&html);
    let handlers = scraper::Selector::parse("[onmouseover]").unwrap();
    assert_eq!(
        doc.select(&handlers).count(),
        0,
        "an attribute was injected: {html}"
    );
}

#[test]
fn json_goes_to_stdout_and_messages_to_stderr() {
    let project = Project::minimal();
    let run = project.run(&["build", "--format", "json"]);
    assert_eq!(run.code, 0);
    let report = json(&run.stdout);
    assert_eq!(report["summary"]["emails"], 1);
    assert_eq!(report["summary"]["failed"], false);
}

#[test]
fn golden_starter_emails_are_unchanged() {
    let project = Project::starter();
    assert_eq!(project.run(&["build"]).code, 0);
    let golden = Path::new(REPO).join("tests/golden");
    for name in ["en/order-shipped/default", "tr/password-reset/default"] {
        for ext in ["html", "txt"] {
            let actual = project.read(&format!("out/{name}.{ext}"));
            let file = golden.join(format!("{}.{ext}", name.replace('/', "--")));
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                std::fs::create_dir_all(&golden).unwrap();
                std::fs::write(&file, &actual).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&file).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (UPDATE_GOLDEN=1 writes it; review it by eye)",
                    file.display()
                )
            });
            assert!(
                actual == expected,
                "{} changed; review the diff and rerun with UPDATE_GOLDEN=1",
                file.display()
            );
        }
    }
}

#[test]
fn huge_template_is_refused_with_its_size() {
    let project = Project::minimal();
    project.write("templates/huge.mjml", &"<!-- padding -->\n".repeat(70_000));
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "error: templates/huge.mjml: the file is larger than 1 MiB, the limit for this kind of file"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn fixture_for_a_missing_template_is_named() {
    let project = Project::minimal();
    project.write("fixtures/welcom/basic.yaml", "name: Ada\n");
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("fixtures/welcom/basic.yaml: fixture for `welcom`, but there is no templates/welcom.mjml"), "{}", run.stderr);
}

/// `check` stops before building, with every one of `messages` in what it says.
fn assert_refused(project: &Project, messages: &[&str]) {
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for message in messages {
        assert!(run.stderr.contains(message), "{message}\n{}", run.stderr);
    }
}

#[test]
fn two_files_for_one_fixture_are_refused_not_one_silently_dropped() {
    // the same case as .yaml and .yml
    let project = Project::minimal();
    project.write("fixtures/welcome/basic.yml", "name: Bob\n");
    assert_refused(
        &project,
        &[
            "fixtures/welcome/basic.yml: this file and fixtures/welcome/basic.yaml are both the `basic` case of `welcome`, and only one of them would be used; remove or rename one",
        ],
    );
    // a one-case file beside the folder's `default` case
    let project = Project::minimal();
    project
        .write("fixtures/welcome/default.yaml", "name: Ada\n")
        .write("fixtures/welcome.yaml", "name: Bob\n");
    assert_refused(
        &project,
        &[
            "are both the `default` case of `welcome`",
            "fixtures/welcome.yaml",
            "fixtures/welcome/default.yaml",
        ],
    );
    // two overlays for one locale
    let project = Project::minimal();
    project
        .write("locales/tr.yaml", "hello: Merhaba\n")
        .write("fixtures/welcome/basic.tr.yaml", "name: Ayşe\n")
        .write("fixtures/welcome/basic.tr.yml", "name: Elif\n");
    assert_refused(
        &project,
        &["are both the `tr` overlay of the `basic` case of `welcome`"],
    );
}

#[test]
fn a_locale_file_ending_in_yml_is_named_not_left_out() {
    let project = Project::minimal();
    project.write("locales/de.yml", "hello: Hallo\n");
    assert_refused(
        &project,
        &["locales/de.yml: locale files end in .yaml; rename it to de.yaml"],
    );
}

#[test]
fn settings_and_style_guide_ending_in_yml_are_named_not_left_out() {
    let project = Project::minimal();
    project.write("letterpress.yml", "strict: true\n");
    assert_refused(
        &project,
        &["letterpress.yml: the settings file is letterpress.yaml, and this one would not be read"],
    );
    let project = Project::minimal();
    std::fs::rename(
        project.path().join("brand/brand.yaml"),
        project.path().join("brand/brand.yml"),
    )
    .unwrap();
    assert_refused(
        &project,
        &["the style guide is brand/brand.yaml; rename brand/brand.yml"],
    );
}

#[test]
fn a_project_without_email_templates_says_so() {
    let project = Project::minimal();
    std::fs::remove_file(project.path().join("templates/welcome.mjml")).unwrap();
    std::fs::remove_dir_all(project.path().join("fixtures")).unwrap();
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("templates/ has no email templates"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_scaffolds_an_email_that_checks_clean_and_never_overwrites() {
    let project = Project::starter();
    let run = project.run(&["new", "gift-card"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Created templates/gift-card.mjml (extends layouts/base.mjml)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Added `gift_card:` to locales/en.yaml, locales/tr.yaml")
    );
    assert!(
        run.stdout
            .contains("http://127.0.0.1:3000/email/gift-card/en/default")
    );
    assert!(
        project
            .read("fixtures/gift-card/default.yaml")
            .contains("first_name")
    );
    let check = project.run(&["check", "--template", "gift-card", "--strict"]);
    assert_eq!(
        check.code, 0,
        "the scaffold passes every rule: {}",
        check.stdout
    );
    let template = project.read("templates/gift-card.mjml");
    let locale = project.read("locales/en.yaml");
    let again = project.run(&["new", "gift-card"]);
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .contains("templates/gift-card.mjml: already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(project.read("templates/gift-card.mjml"), template);
    assert_eq!(
        project.read("locales/en.yaml"),
        locale,
        "no second copy of the keys"
    );
    let bad = project.run(&["new", "../escape"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("lowercase letters, digits and hyphens"));
}

/// The minimal project with an image in assets/ and the template showing it.
fn project_with_image(src: &str, base_url: Option<&str>) -> Project {
    let project = Project::minimal();
    project.write(
        "templates/welcome.mjml",
        &format!(
            "---\nsubject: \"Welcome, {{{{ name }}}}\"\npreheader: Your account is ready to use today\n---\n<mjml><mj-body><mj-section><mj-column>\n<mj-image src=\"{src}\" alt=\"A welcome mat\" />\n<mj-text><p>{{{{ t.hello }}}} {{{{ name }}}}</p></mj-text>\n</mj-column></mj-section></mj-body></mjml>\n"
        ),
    );
    std::fs::create_dir_all(project.path().join("assets/img")).unwrap();
    std::fs::write(project.path().join("assets/img/mat.png"), b"\x89PNG mat").unwrap();
    std::fs::write(project.path().join("assets/unused.png"), b"\x89PNG unused").unwrap();
    if let Some(url) = base_url {
        project.write(
            "letterpress.yaml",
            &format!("assets:\n  base-url: \"{url}\"\n"),
        );
    }
    project
}

#[test]
fn local_images_are_published_at_the_base_url_with_the_bundle() {
    let project = project_with_image("assets/img/mat.png", Some("https://cdn.example.com/mail"));
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let html = project.read("out/en/welcome/basic.html");
    assert!(
        html.contains("src=\"https://cdn.example.com/mail/img/mat.png\""),
        "rewritten to the base URL (a / added)"
    );
    assert!(!html.contains("\"assets/"), "no relative reference left");
    assert_eq!(
        std::fs::read(project.path().join("out/assets/img/mat.png")).unwrap(),
        b"\x89PNG mat"
    );
    assert!(
        !project.path().join("out/assets/unused.png").exists(),
        "only files emails use are published"
    );
    let manifest = json(&project.read("out/manifest.json"));
    assert_eq!(
        manifest["emails"][0]["assets"],
        serde_json::json!(["assets/img/mat.png"])
    );
}

#[test]
fn a_missing_local_image_or_base_url_fails_with_what_to_do() {
    let missing = project_with_image("assets/img/Mat.png", Some("https://cdn.example.com/"));
    let run = missing.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("templates/welcome.mjml:6:")
            && run.stdout.contains("[assets.missing]")
            && run.stdout.contains("did you mean assets/img/mat.png?"),
        "{}",
        run.stdout
    );
    let no_base = project_with_image("assets/img/mat.png", None);
    let run = no_base.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("letterpress.yaml: error [assets.base-url]")
            && run
                .stdout
                .contains("set assets.base-url in letterpress.yaml"),
        "{}",
        run.stdout
    );
    let relative = project_with_image("images/mat.png", Some("https://cdn.example.com/"));
    let run = relative.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("[links.image-url]") && run.stdout.contains("put the file in assets/"),
        "{}",
        run.stdout
    );
    let http_base = project_with_image("assets/img/mat.png", Some("http://cdn.example.com/"));
    let run = http_base.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("letterpress.yaml:2:") && run.stderr.contains("https://"),
        "{}",
        run.stderr
    );
}

/// The repository's brand with a dark palette whose muted text is `muted`.
fn dark_brand(muted: &str) -> String {
    let brand = std::fs::read_to_string(Path::new(REPO).join("brand/brand.yaml")).unwrap();
    let start = brand
        .find("\ndark:\n")
        .expect("the starter brand has a dark palette");
    let (light, dark) = brand.split_at(start);
    let dark: String = dark
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("muted:") {
                format!("  muted: \"{muted}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    format!("{light}{dark}\n")
}

#[test]
fn the_dark_palette_reaches_every_email_and_its_contrast_is_checked() {
    let project = Project::minimal();
    project.write("brand/brand.yaml", &dark_brand("#a9b3ad"));
    project.write(
        "templates/welcome.mjml",
        "---\nsubject: \"Welcome, {{ name }}\"\npreheader: Your account is ready to use today\n---\n<mjml><mj-body background-color=\"{{ brand.palette.background }}\"><mj-section background-color=\"{{ brand.palette.surface }}\"><mj-column>\n<mj-text><p>{{ t.hello }} {{ name }}</p></mj-text>\n<mj-text mj-class=\"muted\"><p>Small print</p></mj-text>\n</mj-column></mj-section></mj-body></mjml>\n",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let html = project.read("out/en/welcome/basic.html");
    assert!(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"));
    assert!(
        html.contains(".lp-b-surface{background-color:#1e2522!important}"),
        "{html}"
    );
    assert!(html.contains(".lp-c-muted{color:#a9b3ad!important}"));
    assert!(html.contains("[data-ogsc] .lp-c-muted{color:#a9b3ad!important}"));
    // a muted colour that reads in light but not on the dark card
    project.write("brand/brand.yaml", &dark_brand("#3a4440"));
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "brand/brand.yaml: error [brand.contrast] in the dark scheme, dark `muted` (#3a4440) on `surface` (#1e2522)"
        ),
        "{}",
        run.stdout
    );
    // without a dark palette, nothing of it
    let plain = Project::minimal();
    let brand = dark_brand("#a9b3ad");
    let light: String = brand[..brand.find("\ndark:\n").unwrap()]
        .lines()
        .filter(|l| !l.trim_start().starts_with("dark-url:"))
        .map(|l| format!("{l}\n"))
        .collect();
    plain.write("brand/brand.yaml", &light);
    let run = plain.run(&["build"]);
    assert_eq!(run.code, 0);
    let html = plain.read("out/en/welcome/basic.html");
    assert!(
        !html.contains("color-scheme") && !html.contains("lp-"),
        "untouched"
    );
}
