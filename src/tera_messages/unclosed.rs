//! Tera reports an unclosed `{% if %}` as "Unknown tag" at some later `{% endblock %}`: this
//! scanner reads a template's tags and names the block tag that is never closed, where it
//! opens (or a closing tag without its opening).

use crate::error::SourcePos;
use crate::findings::Finding;

/// Tags that open a block closed by `end<tag>`.
const BLOCK_TAGS: [&str; 7] = ["if", "for", "block", "filter", "component", "macro", "raw"];

/// A `{% … %}` tag of a template: its first word, 1-based line and column, and whether it is
/// `set`/`set_global` without `=` (a block that `endset` closes).
struct Tag {
    word: String,
    line: u32,
    column: u32,
    block_set: bool,
}

/// Every `{% … %}` tag of `source`, skipping `{# … #}` comments and `{% raw %}` content.
fn tags(source: &str) -> Vec<Tag> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(start) = next_open(source, i) {
        let rest = &source[start..];
        // Closers are looked for after the opener: `{%}` opens and does not close.
        let close = |closer: &str| rest[2..].find(closer).map(|e| e + 2);
        if rest.starts_with("{#") {
            i = close("#}").map_or(source.len(), |e| start + e + 2);
            continue;
        }
        if rest.starts_with("{{") {
            i = close("}}").map_or(source.len(), |e| start + e + 2);
            continue;
        }
        let Some(end) = close("%}") else { break };
        let inner = rest[2..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        let mut words = inner.split_whitespace();
        let word = words.next().unwrap_or_default().to_string();
        let block_set = (word == "set" || word == "set_global") && !inner.contains('=');
        let (line, column) = crate::error::line_col(source, start);
        i = start + end + 2;
        if word == "raw" {
            // Skip to `{% endraw %}` without reading tags in between.
            let after = &source[i..];
            let close = find_endraw(after);
            found.push(Tag {
                word,
                line,
                column,
                block_set,
            });
            if let Some((at, len)) = close {
                let (line, column) = crate::error::line_col(source, i + at);
                found.push(Tag {
                    word: "endraw".into(),
                    line,
                    column,
                    block_set: false,
                });
                i += at + len;
            } else {
                break;
            }
            continue;
        }
        found.push(Tag {
            word,
            line,
            column,
            block_set,
        });
    }
    found
}

/// The next `{%`, `{#` or `{{` from `from` (one pass: large templates stay linear).
fn next_open(source: &str, from: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    (from..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'%' | b'#' | b'{'))
}

/// Offset and length of the first `{% endraw %}` (any whitespace control) in `text`.
fn find_endraw(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{%") {
        let at = from + i;
        let end = text[at + 2..].find("%}")? + 2;
        let inner = text[at + 2..at + end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == "endraw" {
            return Some((at, end + 2));
        }
        from = at + 2;
    }
    None
}

fn opens(tag: &Tag) -> Option<&str> {
    if BLOCK_TAGS.contains(&tag.word.as_str()) {
        Some(&tag.word)
    } else if tag.block_set {
        Some("set")
    } else {
        None
    }
}

/// The block tag of `source` (Tera name `name`) that is never closed, or a closing tag without
/// its opening, as a finding at the tag; `None` when the tags balance.
pub fn unclosed_tag(source: &str, name: &str) -> Option<Finding> {
    let mut open: Vec<Tag> = Vec::new();
    for tag in tags(source) {
        if let Some(kind) = opens(&tag) {
            let _ = kind;
            open.push(tag);
            continue;
        }
        let Some(closes) = tag.word.strip_prefix("end") else {
            continue;
        };
        let closes = if closes == "set_global" {
            "set"
        } else {
            closes
        };
        match open.last() {
            Some(top) if opens(top) == Some(closes) => {
                open.pop();
            }
            Some(top) => {
                let kind = opens(top).unwrap_or("?");
                return Some(Finding::error(
                    "build.template",
                    format!(
                        "`{{% {kind} %}}` opened here is never closed: add `{{% end{kind} %}}` where it should end (Tera stopped at `{{% {} %}}` on line {})",
                        tag.word, tag.line
                    ),
                    Some(SourcePos::at(name, top.line, top.column)),
                ));
            }
            None => {
                return Some(Finding::error(
                    "build.template",
                    format!(
                        "`{{% {} %}}` closes a `{{% {closes} %}}` that was never opened: remove it, or add the opening tag above",
                        tag.word
                    ),
                    Some(SourcePos::at(name, tag.line, tag.column)),
                ));
            }
        }
    }
    let top = open.pop()?;
    let kind = opens(&top).unwrap_or("?").to_string();
    Some(Finding::error(
        "build.template",
        format!(
            "`{{% {kind} %}}` opened here is never closed: add `{{% end{kind} %}}` where it should end"
        ),
        Some(SourcePos::at(name, top.line, top.column)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_if_is_named_where_it_opens() {
        let source = "{% extends \"base\" %}\n{% block body %}\n<p>\n{% if x %}\nhi\n</p>\n{% endblock body %}\n";
        let finding = unclosed_tag(source, "t.mjml").unwrap();
        assert_eq!(finding.location, Some(SourcePos::at("t.mjml", 4, 1)));
        assert_eq!(
            finding.message,
            "`{% if %}` opened here is never closed: add `{% endif %}` where it should end (Tera stopped at `{% endblock %}` on line 7)"
        );
    }

    #[test]
    fn balanced_tags_raw_blocks_and_comments_are_fine() {
        let source = "{% for a in b %}{% if a %}{%- set x = 1 -%}{% else %}{% endif %}{% endfor %}{# {% if %} #}{% raw %}{% if %}{% endraw %}{% set y %}z{% endset %}";
        assert!(unclosed_tag(source, "t").is_none());
    }

    #[test]
    fn odd_delimiters_do_not_trip_the_scanner() {
        for source in ["{%}", "{#}", "{{}", "{% raw %}{%}", "{%-%}", "{%"] {
            let _ = unclosed_tag(source, "t");
        }
    }

    #[test]
    fn a_stray_closing_tag_and_an_unclosed_for_at_the_end() {
        let finding = unclosed_tag("a\n{% endif %}", "t").unwrap();
        assert!(
            finding
                .message
                .starts_with("`{% endif %}` closes a `{% if %}` that was never opened"),
            "{}",
            finding.message
        );
        let finding = unclosed_tag("{% for x in y %}\n", "t").unwrap();
        assert_eq!(
            finding.message,
            "`{% for %}` opened here is never closed: add `{% endfor %}` where it should end"
        );
    }
}
