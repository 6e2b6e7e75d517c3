//! Subject and preheader rules, and template syntax that did not render.

use super::{Ctx, Hit};

/// Subjects longer than this many characters are cut off in most inboxes.
const SUBJECT_MAX: usize = 60;
/// What mobile inboxes show, roughly.
const MOBILE_SHOWS: usize = 40;

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let subject = input.subject.trim();
    let preheader = input.preheader.trim();
    let at_subject = input.at_line(input.subject_line);
    if subject.is_empty() {
        hits.push(Hit::new(
            "subject.missing",
            "the subject is empty; add `subject:` to the front matter",
            at_subject.clone(),
        ));
    } else {
        let chars = subject.chars().count();
        if chars > SUBJECT_MAX {
            let shown: String = subject.chars().take(MOBILE_SHOWS).collect();
            hits.push(Hit::new(
                "subject.length",
                format!(
                    "the subject is {chars} characters (over {SUBJECT_MAX}); mobile shows about {MOBILE_SHOWS}: \"{shown}…\"; shorten it or put the key words first"
                ),
                at_subject.clone(),
            ));
        }
    }
    if preheader.is_empty() {
        hits.push(Hit::new(
            "subject.preheader-missing",
            "no preheader; add `preheader:` to the front matter so the inbox preview says something useful",
            input.at_template(),
        ));
    } else if normalise(preheader) == normalise(subject) {
        hits.push(Hit::new(
            "subject.preheader-repeats",
            "the preheader repeats the subject; use it for the next most useful sentence",
            input.at_line(input.preheader_line),
        ));
    }
    let parts = [
        ("subject", input.subject, at_subject),
        (
            "preheader",
            input.preheader,
            input.at_line(input.preheader_line),
        ),
        ("HTML", input.html, None),
        ("text", input.text, None),
    ];
    // A template Tera does not render keeps its foreign placeholders on purpose.
    if !input.treatment.tera {
        return;
    }
    let from_data = data_with_syntax(input.data);
    for (part, text, at) in parts {
        if let Some(found) = unrendered(text, &from_data) {
            let at = at.or_else(|| input.locate(&found));
            hits.push(Hit::new(
                "subject.unrendered",
                format!(
                    "template syntax `{found}` is left in the {part}; it did not render (check the quoting and the variable name)"
                ),
                at,
            ));
        }
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The first `{{ … }}` or `{% … %}` in `text`, shortened, that did not come from the data:
/// data is data, and a customer named `{{x}}` is not a template error.
fn unrendered(text: &str, from_data: &[String]) -> Option<String> {
    let mut offset = 0;
    // every `{` in turn (a fast byte search), kept when `{` or `%` follows
    while let Some(found) = text[offset..].find('{') {
        let start = offset + found;
        offset = start + 1;
        if !matches!(text.as_bytes().get(start + 1), Some(b'{' | b'%')) {
            continue;
        }
        let rest = &text[start..];
        offset = start + 2;
        if from_data.iter().any(|tail| starts_with_data(rest, tail)) {
            continue;
        }
        let end = rest
            .find("}}")
            .or_else(|| rest.find("%}"))
            .map_or(rest.len().min(40), |e| e + 2);
        return Some(rest.chars().take(end.min(60)).collect());
    }
    None
}

/// The template syntax found in data strings: from each `{{`/`{%` to its closer (or 20
/// characters), as a skeleton (see [`skeleton`]) to compare with the output.
fn data_with_syntax(data: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => {
                for (i, _) in s.match_indices("{{").chain(s.match_indices("{%")) {
                    let rest = &s[i..];
                    let line_end = rest.find(|c: char| c.is_control()).unwrap_or(rest.len());
                    let closed = [rest.find("}}"), rest.find("%}")]
                        .into_iter()
                        .flatten()
                        .min()
                        .map(|e| e + 2)
                        .filter(|&e| e <= line_end);
                    // Unclosed: only the marker and its word (the HTML steps may mangle
                    // what follows a line break inside an attribute).
                    let end = closed.unwrap_or_else(|| {
                        rest[2..]
                            .find(|c: char| c.is_whitespace() || c.is_control())
                            .map_or(rest.len(), |e| e + 2)
                    });
                    let piece: String = rest[..end].chars().take(20).collect();
                    out.push(skeleton(&piece));
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    data.values().for_each(|v| walk(v, &mut out));
    out
}

/// Text reduced to letters, digits and `{ } %`, after decoding the entities HTML escaping
/// adds and dropping the `\n`, `\u{…}` escapes mrml writes into attribute values: the same
/// data, escaped, wrapped or re-spaced by the HTML and text steps, has the same skeleton.
fn skeleton(text: &str) -> String {
    let decoded = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let mut out = String::new();
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('u') if chars.peek() == Some(&'{') => {
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else if c.is_alphanumeric() || matches!(c, '{' | '}' | '%') {
            out.push(c);
        }
    }
    out
}

/// Whether the output `text` (from a `{{`/`{%` on) starts with the data piece `tail`.
fn starts_with_data(text: &str, tail: &str) -> bool {
    let window: String = text.chars().take(tail.len() * 6 + 16).collect();
    skeleton(&window).starts_with(tail)
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;

    #[test]
    fn missing_subject_is_an_error() {
        let mut email = TestEmail::with_body("<p>x</p>");
        assert!(email.rules("subject.").is_empty());
        email.subject = "  ".into();
        assert_eq!(email.rules("subject."), ["subject.missing"]);
    }

    #[test]
    fn subject_over_60_characters_is_flagged() {
        let mut email = TestEmail::with_body("<p>x</p>");
        email.subject = "a".repeat(60);
        assert!(email.rules("subject.length").is_empty());
        email.subject = "ş".repeat(61);
        assert_eq!(email.rules("subject."), ["subject.length"]);
    }

    #[test]
    fn preheader_missing_or_repeating_is_flagged() {
        let mut email = TestEmail::with_body("<p>x</p>");
        email.preheader = String::new();
        assert_eq!(email.rules("subject."), ["subject.preheader-missing"]);
        email.preheader = "your ORDER 1234 is confirmed ".into();
        assert_eq!(email.rules("subject."), ["subject.preheader-repeats"]);
    }

    #[test]
    fn syntax_that_came_from_the_data_is_not_flagged() {
        let mut email = TestEmail::with_body("<p>Hello {{ Bob }} &amp; {% x</p>");
        email.data = serde_json::json!({"name": "{{ Bob }} & {% x"})
            .as_object()
            .unwrap()
            .clone();
        email.text = "Hello {{\nBob }} & {% x".into();
        assert!(email.rules("subject.").is_empty());
        // but the template's own leftovers still are
        email.html = email.html.replace("</p>", " {{ t.missing }}</p>");
        assert_eq!(email.rules("subject."), ["subject.unrendered"]);
    }

    #[test]
    fn data_with_unusual_characters_is_recognised() {
        // mrml writes attribute values with Rust escapes: `\u{2ee5e}`, `\n`
        let mut email = TestEmail::with_body("<a href=\"{%\\u{2ee5e}{{ x }}\\nBcc\">x</a>");
        email.data = serde_json::json!({"url": "{%\u{2ee5e}{{ x }}\nBcc"})
            .as_object()
            .unwrap()
            .clone();
        assert!(email.rules("subject.").is_empty(), "{:?}", email.findings());
    }

    #[test]
    fn unrendered_syntax_is_found_in_every_part() {
        let mut email = TestEmail::with_body("<p>{ not tera }</p>");
        assert!(email.rules("subject.").is_empty());
        email.text = "Hi {{ name }}".into();
        assert_eq!(email.rules("subject."), ["subject.unrendered"]);
        email.subject = "Order {% if x %}".into();
        assert_eq!(email.rules("subject.").len(), 2);
    }

    #[test]
    fn foreign_placeholders_of_a_template_tera_does_not_render_are_fine() {
        let mut email = TestEmail::with_body("<p>Hi {{ .FirstName }}, {{{ raw }}}</p>");
        email.subject = "Your order {{order_id}}".into();
        email.treatment = crate::treatment::Treatment::PLAIN;
        assert!(email.rules("subject.unrendered").is_empty());
    }
}
