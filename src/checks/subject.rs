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
    for (part, text, at) in parts {
        if let Some(found) = unrendered(text) {
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

/// The first `{{ … }}` or `{% … %}` in `text`, shortened.
fn unrendered(text: &str) -> Option<String> {
    let start = [text.find("{{"), text.find("{%")]
        .into_iter()
        .flatten()
        .min()?;
    let rest = &text[start..];
    let end = rest
        .find("}}")
        .or_else(|| rest.find("%}"))
        .map_or(rest.len().min(40), |e| e + 2);
    Some(rest.chars().take(end.min(60)).collect())
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
