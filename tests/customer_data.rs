//! Issue 12, "customer data at send time", through `render` (what a sending service runs) and
//! `build`: data never breaks an email, and no control character ever reaches a subject or
//! preheader, whatever the template takes them from.

mod support;

use support::{Project, json};

/// A Tera template with empty front matter (so Tera renders it) and no `subject:`: subject and
/// preheader come from mj-title/mj-preview.
const PLAIN: &str = "---\n---\n<mjml><mj-head><mj-title>Order {{ number }} confirmed</mj-title><mj-preview>Hi {{ name }}, thanks</mj-preview></mj-head><mj-body><mj-section><mj-column><mj-text><p>Dear {{ name }}, order {{ number }}.</p><a href=\"{{ url }}\">Track it</a></mj-text></mj-column></mj-section></mj-body></mjml>\n";

fn render(project: &Project, template: &str, data: &serde_json::Value) -> (i32, serde_json::Value) {
    let run = project.run_with_stdin(
        &["render", template, "--data", "-"],
        data.to_string().as_bytes(),
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    (run.code, json(&run.stdout))
}

fn rules(email: &serde_json::Value) -> Vec<String> {
    email["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_header_injection_through_mj_title_comes_out_as_one_clean_line() {
    let project = Project::minimal();
    project.write("templates/plain.mjml", PLAIN);
    let data = serde_json::json!({
        "number": "1\r\nBcc: victim@evil.example",
        "name": "Ada\nX-Spam: yes",
        "url": "https://shop.example/o/1"
    });
    let (_, email) = render(&project, "plain", &data);
    assert_eq!(
        email["subject"],
        "Order 1 Bcc: victim@evil.example confirmed"
    );
    assert_eq!(email["preheader"], "Hi Ada X-Spam: yes, thanks");

    project.write(
        "fixtures/plain/default.yaml",
        "number: \"1\\r\\nBcc: victim@evil.example\"\nname: \"Ada\\u0007\"\nurl: https://shop.example/o/1\n",
    );
    let run = project.run(&["build", "--format", "json"]);
    assert!(run.code <= 1, "{}", run.all());
    let manifest = json(&project.read("out/manifest.json"));
    let entry = manifest["emails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["template"] == "plain")
        .expect("built");
    let subject = entry["subject"].as_str().unwrap();
    assert_eq!(subject, "Order 1 Bcc: victim@evil.example confirmed");
    assert!(
        !entry["preheader"]
            .as_str()
            .unwrap()
            .chars()
            .any(char::is_control)
    );
}

#[test]
fn control_characters_in_data_never_fail_an_email() {
    let project = Project::minimal();
    project.write("templates/plain.mjml", PLAIN);
    for c in [
        '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{7f}',
        '\u{85}', '\u{9b}', '\r',
    ] {
        let data = serde_json::json!({
            "number": format!("4{c}2"),
            "name": format!("{c}Ada{c}"),
            "url": format!("https://shop.example/o/4{c}2"),
        });
        let (code, email) = render(&project, "plain", &data);
        assert_eq!(code, 0, "{:?}: {email}", c);
        for part in ["subject", "preheader", "html", "text"] {
            let text = email[part].as_str().unwrap();
            let bad: Vec<char> = text
                .chars()
                .filter(|ch| ch.is_control() && !matches!(ch, '\n' | '\t'))
                .collect();
            assert!(bad.is_empty(), "{:?} left {bad:?} in the {part}", c);
        }
        assert!(email["html"].as_str().unwrap().contains("Ada"), "{:?}", c);
    }
}

#[test]
fn template_syntax_in_data_is_just_text() {
    let project = Project::minimal();
    let (code, email) = render(
        &project,
        "welcome",
        &serde_json::json!({"name": "{{ Ada }} {% raw %} {{"}),
    );
    assert_eq!(code, 0, "{email}");
    assert!(
        !rules(&email).contains(&"subject.unrendered".to_string()),
        "{email}"
    );
    assert!(email["subject"].as_str().unwrap().contains("{{ Ada }}"));
    assert!(email["html"].as_str().unwrap().contains("{{ Ada }}"));
    // A locale string that holds template syntax is still caught: that one is a real mistake.
    project.write("locales/en.yaml", "hello: \"Hello {{ name }}\"\n");
    let (code, email) = render(&project, "welcome", &serde_json::json!({"name": "Ada"}));
    assert_eq!(code, 1);
    assert!(
        rules(&email).contains(&"subject.unrendered".to_string()),
        "{email}"
    );
}

#[test]
fn placeholder_markers_are_stripped_from_data() {
    let project = Project::minimal();
    let (_, email) = render(
        &project,
        "welcome",
        &serde_json::json!({"name": "A\u{E000}da\u{E0FF}"}),
    );
    assert!(
        email["html"].as_str().unwrap().contains("Hello Ada"),
        "{email}"
    );
    assert!(!email["html"].as_str().unwrap().contains('\u{E000}'));
}

#[test]
fn data_and_vbscript_links_are_flagged_like_javascript() {
    let project = Project::minimal();
    project.write("templates/plain.mjml", PLAIN);
    for url in [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "  JaVaScRiPt:alert(1)",
    ] {
        let (code, email) = render(
            &project,
            "plain",
            &serde_json::json!({"number": "1", "name": "Ada", "url": url}),
        );
        assert_eq!(code, 1, "{url}");
        assert!(
            rules(&email).contains(&"links.placeholder".to_string()),
            "{url}: {email}"
        );
    }
}
