//! Plaintext rules: the text part exists, keeps every link of the HTML, stays under the RFC 5322
//! line limit and wraps prose at the configured width.

use std::collections::BTreeSet;

use super::{Ctx, Hit, sel};

/// RFC 5322: lines must not exceed 998 characters.
const HARD_LIMIT: usize = 998;

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let text = input.text;
    if text.trim().is_empty() {
        hits.push(Hit::new(
            "plaintext.missing",
            "the plaintext part is empty; give the email text content (or a templates/<name>.txt)",
            input.at_template(),
        ));
        return;
    }
    let mut seen = BTreeSet::new();
    for a in ctx.doc.select(sel("a[href]")) {
        let href = a.value().attr("href").unwrap_or("").trim();
        let lower = href.to_ascii_lowercase();
        let needle = if lower.starts_with("https://") || lower.starts_with("http://") {
            href
        } else if lower.starts_with("mailto:") {
            href[7..].split('?').next().unwrap_or("")
        } else {
            continue;
        };
        if needle.is_empty() || !seen.insert(needle.to_string()) {
            continue;
        }
        if !text.contains(needle) && !text.contains(needle.trim_end_matches('/')) {
            hits.push(Hit::new(
                "plaintext.link-missing",
                format!(
                    "link `{href}` is in the HTML but not in the plaintext; add it to the text part"
                ),
                input.locate(href),
            ));
        }
    }
    let width = input.config.plaintext.width;
    let mut too_wide = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let chars = line.chars().count();
        if chars > HARD_LIMIT {
            hits.push(Hit::new(
                "plaintext.line-length",
                format!(
                    "plaintext line {} has {chars} characters, over the {HARD_LIMIT} RFC 5322 allows; wrap it",
                    i + 1
                ),
                input.at_template(),
            ));
        } else if chars > width && is_prose(line, width) {
            too_wide.push(i + 1);
        }
    }
    if let Some(first) = too_wide.first() {
        hits.push(Hit::new(
            "plaintext.width",
            format!(
                "{} plaintext line(s) wider than {width} columns (first: line {first}); wrap prose at plaintext.width",
                too_wide.len()
            ),
            input.at_template(),
        ));
    }
}

/// Whether a line is prose that could have been wrapped: it has a space before the width and
/// holds no URL (a long URL on its own line is fine).
fn is_prose(line: &str, width: usize) -> bool {
    !line.contains("://")
        && line
            .trim_start()
            .chars()
            .take(width)
            .any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;

    #[test]
    fn empty_text_is_an_error() {
        let mut email = TestEmail::with_body("<p>x</p>");
        assert!(email.rules("plaintext.").is_empty());
        email.text = " \n".into();
        assert_eq!(email.rules("plaintext."), ["plaintext.missing"]);
    }

    #[test]
    fn links_of_the_html_must_be_in_the_text() {
        let mut email = TestEmail::with_body("<a href=\"https://x.example/track?id=1\">Track</a>");
        email.text = "Track: https://x.example/track?id=1\n".into();
        assert!(email.rules("plaintext.").is_empty());
        email.text = "Track your parcel on our site\n".into();
        assert_eq!(email.rules("plaintext."), ["plaintext.link-missing"]);
    }

    #[test]
    fn long_lines_are_flagged_urls_are_not() {
        let mut email = TestEmail::with_body("<p>x</p>");
        email.text = format!(
            "{}\nhttps://x.example/{}\n",
            "word ".repeat(14),
            "a".repeat(90)
        );
        assert!(email.rules("plaintext.").is_empty());
        email.text = format!("{}\n", "word ".repeat(16));
        assert_eq!(email.rules("plaintext."), ["plaintext.width"]);
        email.text = format!("{}\n", "x".repeat(999));
        assert_eq!(email.rules("plaintext."), ["plaintext.line-length"]);
    }
}
