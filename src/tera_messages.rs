//! Tera's errors in a designer's words, where Tera's own are misleading:
//! - an unclosed `{% if %}` is reported by Tera as "Unknown tag" at some later `{% endblock %}`:
//!   [`unclosed_tag`] finds the tag that is never closed and where it was opened;
//! - a broken partial makes every layout and email that includes it fail with "Unknown
//!   template": [`root_causes`] follows those back to the partial's own error, and names
//!   includes that go round in a circle;
//! - "Variable `x` is not defined" in a template without sample data says which file to add
//!   ([`explain_missing_variable`]);
//! - lists of "available fields" are kept short and never echo odd keys ([`shorten`]).

mod unclosed;

use std::collections::{BTreeMap, BTreeSet};

pub use unclosed::unclosed_tag;

use crate::error::SourcePos;
use crate::findings::Finding;

/// Whether `text` names the template `name` in quotes (`'…'`, `"…"` or backticks).
pub fn names(text: &str, name: &str) -> bool {
    ['\'', '"', '`']
        .iter()
        .any(|q| text.contains(&format!("{q}{name}{q}")))
}

/// Replaces each failure that only says another shared file is unknown with that file's own
/// failure (a layout that includes a broken partial is not itself the problem), and reports
/// files whose includes lead back to themselves. `failures` maps Tera names to findings and
/// the error text they came from.
pub fn root_causes(failures: &mut BTreeMap<String, (Finding, String)>) {
    let names: Vec<String> = failures.keys().cloned().collect();
    let points_to = |text: &str, me: &str| -> Option<String> {
        names
            .iter()
            .find(|n| n.as_str() != me && names_in_unknown(text, n))
            .cloned()
    };
    let mut resolved = BTreeMap::new();
    for start in &names {
        let mut chain = vec![start.clone()];
        let mut current = start.clone();
        let outcome = loop {
            let text = &failures[&current].1;
            match points_to(text, &current) {
                None => break Ok(current.clone()),
                Some(next) if chain.contains(&next) => {
                    chain.push(next);
                    break Err(chain.clone());
                }
                Some(next) => {
                    chain.push(next.clone());
                    current = next;
                }
            }
        };
        let finding = match outcome {
            Ok(root) if &root == start => continue,
            Ok(root) => failures[&root].0.clone(),
            Err(cycle) => circular(&cycle),
        };
        resolved.insert(start.clone(), finding);
    }
    for (name, finding) in resolved {
        if let Some(slot) = failures.get_mut(&name) {
            slot.0 = finding;
        }
    }
}

fn names_in_unknown(text: &str, name: &str) -> bool {
    (text.contains("Unknown template") || text.contains("not found") || text.contains("Circular"))
        && names(text, name)
}

/// A finding for includes (or extends) that go round in a circle, at the first file.
pub fn circular(chain: &[String]) -> Finding {
    let first = chain.first().cloned().unwrap_or_default();
    let unique: BTreeSet<&String> = chain.iter().collect();
    let message = if unique.len() <= 1 {
        format!(
            "`{first}` includes itself: an include cannot come back to the file that includes it"
        )
    } else {
        format!(
            "these files include each other in a circle ({}): an include cannot come back to a file that includes it; remove one of the includes",
            chain.join(" → ")
        )
    };
    Finding::error("build.template", message, Some(SourcePos::file(first)))
}

/// Tera's check-time errors come as a rendered report (`error: …` then `--> name:line:col`):
/// the message and its position, with "Unknown template" said in a designer's words.
pub fn from_report(report: &str) -> Option<(String, String, u32, u32)> {
    let mut lines = report.lines();
    let message = lines
        .next()?
        .trim()
        .trim_start_matches("error: ")
        .to_string();
    let at = lines.next()?.trim().strip_prefix("--> ")?;
    let mut parts = at.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    let message = match message
        .strip_prefix("Unknown template `")
        .and_then(|m| m.strip_suffix('`'))
    {
        Some(missing) => format!(
            "there is no template `{missing}` to include: check the name (paths are relative to templates/, e.g. partials/footer.mjml)"
        ),
        None => message,
    };
    Some((message, name, line, column))
}

/// Keeps Tera's "Available fields/variables: …" list short, without odd keys (they may come
/// from a file that is not what it seems, and go into CI logs).
pub fn shorten(message: &str) -> String {
    for marker in ["Available fields: ", "Available variables: "] {
        if let Some(at) = message.find(marker) {
            let (head, list) = message.split_at(at + marker.len());
            let names: Vec<&str> = list.split(", ").collect();
            let shown: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| {
                    n.len() <= 40
                        && n.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                })
                .take(12)
                .collect();
            let more = names.len() - shown.len();
            let mut out = format!("{head}{}", shown.join(", "));
            if shown.is_empty() {
                out = head.trim_end_matches(marker).trim_end().to_string();
            } else if more > 0 {
                out.push_str(&format!(" and {more} more"));
            }
            return out;
        }
    }
    message.to_string()
}

/// In an email whose template has no sample data, "Variable `x` is not defined" says what to
/// add; with sample data, it names the fixture file to complete.
pub fn explain_missing_variable(finding: &mut Finding, template: &str, fixture: Option<&str>) {
    if finding.rule != "build.template" {
        return;
    }
    let Some(rest) = finding.message.strip_prefix("Variable `") else {
        return;
    };
    let Some((name, _)) = rest.split_once('`') else {
        return;
    };
    let name = name.to_string();
    finding.message = match fixture {
        None => format!(
            "`{name}` is not defined: this template has no sample data yet; add fixtures/{template}.yaml (or fixtures/{template}/<case>.yaml) with a value for `{name}`"
        ),
        Some(file) => format!(
            "`{name}` is not defined: add it to the sample data in {file} (or check the spelling)"
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(message: &str, file: &str) -> (Finding, String) {
        (
            Finding::error("build.template", message, Some(SourcePos::file(file))),
            message.to_string(),
        )
    }

    #[test]
    fn a_layout_that_includes_a_broken_partial_gets_the_partials_error() {
        let mut failures = BTreeMap::from([
            (
                "layouts/base.mjml".to_string(),
                failure(
                    "error: Unknown template `partials/footer.mjml`",
                    "layouts/base.mjml",
                ),
            ),
            (
                "partials/footer.mjml".to_string(),
                failure("Unexpected token", "partials/footer.mjml"),
            ),
        ]);
        root_causes(&mut failures);
        assert_eq!(failures["layouts/base.mjml"].0.message, "Unexpected token");
        assert_eq!(
            failures["layouts/base.mjml"].0.location,
            Some(SourcePos::file("partials/footer.mjml"))
        );
    }

    #[test]
    fn includes_in_a_circle_are_named() {
        let mut failures = BTreeMap::from([
            (
                "partials/a.mjml".to_string(),
                failure("error: Unknown template `partials/b.mjml`", "a"),
            ),
            (
                "partials/b.mjml".to_string(),
                failure("error: Unknown template `partials/a.mjml`", "b"),
            ),
        ]);
        root_causes(&mut failures);
        assert_eq!(
            failures["partials/a.mjml"].0.message,
            "these files include each other in a circle (partials/a.mjml → partials/b.mjml → partials/a.mjml): an include cannot come back to a file that includes it; remove one of the includes"
        );
    }

    #[test]
    fn reports_give_their_position() {
        let report = "error: Unknown template `partials/nope.mjml`\n --> partials/footer.mjml:7:5\n  |\n7 | x\n  | ^";
        assert_eq!(
            from_report(report),
            Some((
                "there is no template `partials/nope.mjml` to include: check the name (paths are relative to templates/, e.g. partials/footer.mjml)".to_string(),
                "partials/footer.mjml".to_string(),
                7,
                5
            ))
        );
    }

    #[test]
    fn long_field_lists_are_cut_and_odd_keys_dropped() {
        let message = "Field `x` is not defined. Available fields: a, b, root:$6$secret:1::";
        assert_eq!(
            shorten(message),
            "Field `x` is not defined. Available fields: a, b and 1 more"
        );
    }

    #[test]
    fn a_missing_variable_without_sample_data_says_which_file_to_add() {
        let mut finding = Finding::error(
            "build.template",
            "Variable `reset` is not defined. Available variables: brand, email, locale, t",
            None,
        );
        explain_missing_variable(&mut finding, "password-reset", None);
        assert_eq!(
            finding.message,
            "`reset` is not defined: this template has no sample data yet; add fixtures/password-reset.yaml (or fixtures/password-reset/<case>.yaml) with a value for `reset`"
        );
    }
}
