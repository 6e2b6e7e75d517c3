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

/// Most `mj-include`s followed inside each other while measuring.
const MAX_INCLUDE_NESTING: usize = 8;

/// Checks the nesting depth of `mjml` (the Tera output of `template`, whose own text is
/// `source`), counting what each `mj-include` brings in (read from the project in `root`):
/// an error finding at the first element nested deeper than [`MAX_DEPTH`].
pub fn check(mjml: &str, template: &Path, source: &str, root: &Path) -> Result<(), Finding> {
    let include = |path: &str| read_include(root, template, path);
    let Some(found) = too_deep_at(mjml, 0, &include, 0) else {
        return Ok(());
    };
    let (line, column) = line_col(mjml, found.offset);
    let location =
        same_line_in(source, mjml, line, template).unwrap_or_else(|| SourcePos::file(template));
    let inside = found
        .include
        .map(|path| format!(" inside `{path}`, included here,"))
        .unwrap_or_default();
    Err(Finding::error(
        "build.mjml",
        format!(
            "elements are nested more than {MAX_DEPTH} deep{inside} (line {line}, column {column} of the rendered MJML); flatten the layout, or check for a loop or an include that opens tags without closing them"
        ),
        Some(location),
    ))
}

/// Where the nesting went too deep: an offset in the text scanned, and the include (named
/// at that offset) it happened in, if any.
struct TooDeep {
    offset: usize,
    include: Option<String>,
}

/// The text of an `mj-include` path, read as mrml may resolve it: from the project folder,
/// or beside the including template. `None` when it cannot be read (mrml then says why).
fn read_include(root: &Path, template: &Path, path: &str) -> Option<String> {
    let path = path.trim_start_matches("file://");
    let beside = template.parent().map(|dir| dir.join(path));
    [Some(Path::new(path).to_path_buf()), beside]
        .into_iter()
        .flatten()
        .find_map(|rel| {
            crate::files::read_in_project(root, &rel, crate::files::MAX_TEMPLATE_BYTES).ok()
        })
}

/// The first start tag nested deeper than [`MAX_DEPTH`], starting at `depth`; `mj-include`s
/// are measured where they stand, through `include`.
fn too_deep_at(
    text: &str,
    mut depth: usize,
    include: &dyn Fn(&str) -> Option<String>,
    nesting: usize,
) -> Option<TooDeep> {
    let bytes = text.as_bytes();
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
            if tag.name == "mj-include" && nesting < MAX_INCLUDE_NESTING {
                let path = attribute(&text[start..tag.end], "path");
                if let Some(included) = path.as_deref().and_then(include) {
                    if too_deep_at(&included, depth, include, nesting + 1).is_some() {
                        return Some(TooDeep {
                            offset: start,
                            include: path,
                        });
                    }
                }
            }
            if tag.self_closing || VOID.contains(&tag.name.as_str()) {
                continue;
            }
            depth += 1;
            if depth > MAX_DEPTH {
                return Some(TooDeep {
                    offset: start,
                    include: None,
                });
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

/// The value of attribute `name` in the start tag `tag` (`<x name="v">`, quoted either way).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
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
        assert!(scan(&doc).is_none());
    }

    fn scan(text: &str) -> Option<usize> {
        too_deep_at(text, 0, &|_| None, 0).map(|t| t.offset)
    }

    #[test]
    fn hundreds_of_nested_sections_are_found() {
        let doc = nested(673, "<mj-section><mj-column>", "</mj-column></mj-section>");
        let at = scan(&doc).expect("too deep");
        // <mjml> and <mj-body> are levels 1 and 2; level 101 is the 99th opened element after them.
        assert_eq!(&doc[at..at + 4], "<mj-");
        let err = check(
            &doc,
            Path::new("templates/deep.mjml"),
            "",
            Path::new("/nonexistent"),
        )
        .unwrap_err();
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
        assert!(scan(&doc).is_some());
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
        assert!(scan(&doc).is_none());
    }

    #[test]
    fn what_an_include_brings_in_counts_where_it_stands() {
        let deep = format!(
            "{}x{}",
            "<mj-section><mj-column>".repeat(60),
            "</mj-column></mj-section>".repeat(60)
        );
        let include = |path: &str| (path == "templates/partials/deep.mjml").then(|| deep.clone());
        let doc =
            "<mjml><mj-body><mj-include path=\"templates/partials/deep.mjml\" /></mj-body></mjml>";
        let found = too_deep_at(doc, 0, &include, 0).expect("too deep");
        assert_eq!(
            found.include.as_deref(),
            Some("templates/partials/deep.mjml")
        );
        assert_eq!(&doc[found.offset..found.offset + 11], "<mj-include");
        // an include of itself is followed a bounded number of times
        let looping = |_: &str| Some("<div><mj-include path='x' /></div>".to_string());
        assert!(too_deep_at("<mj-include path='x' />", 0, &looping, 0).is_none());
    }

    #[test]
    fn the_line_is_found_in_the_template_when_it_appears_there() {
        let line = format!("<div>{}", "<div>".repeat(150));
        let mjml = format!("<mjml><mj-body><mj-raw>\n{line}\n</mj-raw></mj-body></mjml>");
        let source = format!("---\nsubject: x\n---\n<mjml><mj-body><mj-raw>\n{line}\n");
        let err = check(
            &mjml,
            Path::new("t.mjml"),
            &source,
            Path::new("/nonexistent"),
        )
        .unwrap_err();
        assert_eq!(err.location, Some(SourcePos::line("t.mjml", 5)));
    }
}
