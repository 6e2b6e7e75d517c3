//! Emails made from send-time programs (the fast path of `build`, `render` and `serve`) are the
//! emails the step-by-step pipeline renders: same subject, preheader, HTML and findings; the
//! same text for the fixture the program was laid out with, the same words for the others.

use std::path::Path;

use letterpress::pipeline::{Pipeline, Selection};

/// HTML as a reader sees it: whitespace runs collapsed, and the entities Tera and the program
/// spell differently decoded.
fn normal_html(html: &str) -> String {
    let decoded = html
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The head and body of normalised HTML, with the dark-scheme rules of the head taken out and
/// returned on their own: a program's head has the rules of every branch of the template (a
/// rule for a border only some data shows is harmless where no element uses it).
fn parts(html: &str) -> (String, std::collections::BTreeSet<String>, String) {
    let html = normal_html(html);
    let (head, body) = html.split_at(html.find("<body").expect("a body"));
    let mut rules = std::collections::BTreeSet::new();
    let kept: Vec<String> = head
        .replace("[data-ogsb] ", "[data-ogsb]")
        .replace("[data-ogsc] ", "[data-ogsc]")
        .split(' ')
        .filter(|token| {
            let dark = token.contains(".lp-") && token.contains('{');
            if dark {
                rules.insert(token.to_string());
            }
            !dark
        })
        .map(str::to_string)
        .collect();
    (kept.join(" "), rules, body.to_string())
}

/// Where two long strings first differ, with some context.
fn same(made: &str, rendered: &str, what: &str) {
    if made == rendered {
        return;
    }
    let (made, rendered): (Vec<char>, Vec<char>) =
        (made.chars().collect(), rendered.chars().collect());
    let at = made
        .iter()
        .zip(&rendered)
        .position(|(a, b)| a != b)
        .unwrap_or(made.len().min(rendered.len()));
    let around = |text: &[char]| -> String {
        text[at.saturating_sub(120).min(text.len())..(at + 200).min(text.len())]
            .iter()
            .collect()
    };
    panic!(
        "{what} differ at character {at}:\nprogram:  {}\nrendered: {}",
        around(&made),
        around(&rendered)
    );
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

#[test]
fn programs_make_the_same_emails_as_rendering_step_by_step() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fast = Pipeline::load(root).unwrap();
    let slow = Pipeline::load(root).unwrap().without_programs();
    let ids = fast.emails(&Selection::default()).unwrap();
    let mut from_programs = 0;
    for id in &ids {
        let template = fast.project.template(&id.template).unwrap();
        if fast.program(template, &id.locale).is_ok() {
            from_programs += 1;
        }
        let (made, rendered) = (fast.build(id), slow.build(id));
        let findings = |email: &letterpress::pipeline::Email| -> Vec<String> {
            email
                .findings
                .iter()
                .map(|f| format!("{} {}", f.rule, f.message))
                .collect()
        };
        assert_eq!(findings(&made), findings(&rendered), "{id}");
        let (made, rendered) = (made.content.unwrap(), rendered.content.unwrap());
        assert_eq!(made.subject, rendered.subject, "{id}");
        assert_eq!(made.preheader, rendered.preheader, "{id}");
        assert_eq!(made.assets, rendered.assets, "{id}");
        let (made_head, made_rules, made_body) = parts(&made.html);
        let (head, rules, body) = parts(&rendered.html);
        same(&made_body, &body, &format!("{id}: bodies"));
        same(&made_head, &head, &format!("{id}: heads"));
        assert!(
            rules.is_subset(&made_rules),
            "{id}: dark rules missing from the program's head: {:?}",
            rules.difference(&made_rules).collect::<Vec<_>>()
        );
        assert_eq!(words(&made.text), words(&rendered.text), "{id}");
        let laid_out_with = fast
            .project
            .fixtures_of(&id.template)
            .first()
            .map(|f| f.name.clone());
        if laid_out_with.as_deref() == Some(id.fixture.as_str()) {
            assert_eq!(made.text, rendered.text, "{id}");
        }
    }
    // Every starter template is written to have a program; a regression here is a slow build.
    assert_eq!(
        from_programs,
        ids.len(),
        "emails without a send-time program"
    );
}
