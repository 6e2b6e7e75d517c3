//! Nesting depth of the rendered MJML, checked before mrml sees it. mrml (and the HTML steps
//! after it) recurse once per nested element: a few hundred nested sections, or deep HTML
//! inside `mj-text`/`mj-raw`, overflow the thread's stack, which aborts the whole process (a
//! stack overflow is not a panic and cannot be caught). So the document is scanned here,
//! without recursion, and anything nested deeper than [`MAX_DEPTH`] becomes a finding for
//! that email.

use std::path::Path;

use crate::error::{SourcePos, line_col};
use crate::findings::Finding;

/// Deepest element nesting accepted, counting MJML and HTML elements from `<mjml>` down. Real
/// emails stay far below (a layout with tables inside `mj-raw` is about 30 deep).
pub const MAX_DEPTH: usize = 100;

/// HTML elements that never have a closing tag.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is text, not markup.
const RAW_TEXT: [&str; 4] = ["style", "script", "mj-style", "title"];

/// Checks the nesting depth of `mjml` (the Tera output of `template`, whose own text is
/// `source`): an error finding at the first element nested deeper than [`MAX_DEPTH`].
pub fn check(mjml: &str, template: &Path, source: &str) -> Result<(), Finding> {
    let Some(offset) = too_deep_at(mjml) else {
        return Ok(());
    };
    let (line, column) = line_col(mjml, offset);
    let location =
        same_line_in(source, mjml, line, template).unwrap_or_else(|| SourcePos::file(template));
    Err(Finding::error(
        "build.mjml",
        format!(
            "elements are nested more than {MAX_DEPTH} deep (line {line}, column {column} of the rendered MJML); flatten the layout, or check for a loop or an include that opens tags without closing them"
        ),
        Some(location),
    ))
}

/// Byte offset of the first start tag nested deeper than [`MAX_DEPTH`].
fn too_deep_at(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(found) = memchr(b'<', &bytes[i..]) {
        let start = i + found;
        let rest = &text[start..];
        if rest.starts_with("<!--") {
            i = skip_past(text, start, "-->");
        } else if rest.starts_with("<![CDATA[") {
            i = skip_past(text, start, "]]>");
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            i = skip_past(text, start, ">");
        } else if rest.starts_with("</") {
            depth = depth.saturating_sub(1);
            i = skip_past(text, start, ">");
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let tag = start_tag(text, start);
            i = tag.end;
            if tag.self_closing || VOID.contains(&tag.name.as_str()) {
                continue;
            }
            depth += 1;
            if depth > MAX_DEPTH {
                return Some(start);
            }
            if RAW_TEXT.contains(&tag.name.as_str()) {
                // The content is text: jump to the closing tag.
                let close = format!("</{}", tag.name);
                i = find_ci(text, i, &close).unwrap_or(text.len());
            }
        } else {
            i = start + 1;
        }
    }
    None
}

struct StartTag {
    name: String,
    self_closing: bool,
    /// Offset just past the `>`.
    end: usize,
}

/// Reads the start tag at `start` (`<name …>`), skipping quoted attribute values.
fn start_tag(text: &str, start: usize) -> StartTag {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len()
        && !(bytes[i].is_ascii_whitespace() || bytes[i] == b'>' || bytes[i] == b'/')
    {
        i += 1;
    }
    let name = text[start + 1..i].to_ascii_lowercase();
    let mut quote = None;
    let mut previous = 0u8;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => {
                return StartTag {
                    name,
                    self_closing: previous == b'/',
                    end: i + 1,
                };
            }
            None => {}
        }
        if !b.is_ascii_whitespace() {
            previous = b;
        }
        i += 1;
    }
    StartTag {
        name,
        self_closing: true,
        end: bytes.len(),
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn skip_past(text: &str, from: usize, end: &str) -> usize {
    text[from..]
        .find(end)
        .map_or(text.len(), |i| from + i + end.len())
}

/// Finds `needle` (ASCII) in `text` from `from`, ignoring ASCII case.
fn find_ci(text: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = text.as_bytes();
    let needle = needle.as_bytes();
    (from..hay.len().saturating_sub(needle.len() - 1))
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The position in the template's own file of line `line` of the rendered MJML, when that line
/// appears there unchanged and only once.
fn same_line_in(source: &str, mjml: &str, line: u32, template: &Path) -> Option<SourcePos> {
    let wanted = mjml.lines().nth(line.checked_sub(1)? as usize)?.trim();
    if wanted.is_empty() {
        return None;
    }
    let mut matches = source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == wanted);
    let (index, _) = matches.next()?;
    if matches.next().is_some() {
        return None;
    }
    Some(SourcePos::line(template, u32::try_from(index + 1).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(n: usize, open: &str, close: &str) -> String {
        format!(
            "<mjml><mj-body>{}{}</mj-body></mjml>",
            open.repeat(n),
            close.repeat(n)
        )
    }

    #[test]
    fn real_layouts_pass() {
        let doc = nested(20, "<mj-section><mj-column>", "</mj-column></mj-section>");
        assert_eq!(too_deep_at(&doc), None);
    }

    #[test]
    fn hundreds_of_nested_sections_are_found() {
        let doc = nested(673, "<mj-section><mj-column>", "</mj-column></mj-section>");
        let at = too_deep_at(&doc).expect("too deep");
        // <mjml> and <mj-body> are levels 1 and 2; level 101 is the 99th opened element after them.
        assert_eq!(&doc[at..at + 4], "<mj-");
        let err = check(&doc, Path::new("templates/deep.mjml"), "").unwrap_err();
        assert_eq!(err.rule, "build.mjml");
        assert!(
            err.message
                .starts_with("elements are nested more than 100 deep (line 1, column"),
            "{}",
            err.message
        );
    }

    #[test]
    fn deep_html_inside_text_counts_too() {
        let doc = nested(
            1,
            "<mj-section><mj-column><mj-text>",
            "</mj-text></mj-column></mj-section>",
        )
        .replace("<mj-text>", &format!("<mj-text>{}", "<div>".repeat(200)));
        assert!(too_deep_at(&doc).is_some());
    }

    #[test]
    fn void_self_closing_comments_and_styles_do_not_count() {
        let body = format!(
            "{}{}{}{}",
            "<br><img src=\"a>b\"><mj-image src=\"x\" />".repeat(200),
            "<!-- <div><div> -->".repeat(200),
            "<mj-style>a > b { x: y } <div></mj-style>",
            "<p>a < b</p>".repeat(200),
        );
        let doc = format!("<mjml><mj-body><mj-raw>{body}</mj-raw></mj-body></mjml>");
        assert_eq!(too_deep_at(&doc), None);
    }

    #[test]
    fn the_line_is_found_in_the_template_when_it_appears_there() {
        let line = format!("<div>{}", "<div>".repeat(150));
        let mjml = format!("<mjml><mj-body><mj-raw>\n{line}\n</mj-raw></mj-body></mjml>");
        let source = format!("---\nsubject: x\n---\n<mjml><mj-body><mj-raw>\n{line}\n");
        let err = check(&mjml, Path::new("t.mjml"), &source).unwrap_err();
        assert_eq!(err.location, Some(SourcePos::line("t.mjml", 5)));
    }
}
