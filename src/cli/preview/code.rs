//! Source code in the preview: the frame of lines around an error (in the overlay), the page
//! that shows a whole project file with numbered, linkable lines (where findings point), and
//! the links to it. Text comes from the in-memory [`Sources`]; syntax colouring is added in the
//! browser by highlight.js (`/_assets/highlight.js`).

use std::fmt::Write as _;

use letterpress::SourcePos;

use super::pages::esc;
use super::sources::Sources;

/// Lines shown before and after the error line in a code frame.
const CONTEXT: usize = 2;

/// The link to a place in a project file: `/source/<path>#L<line>`.
pub fn href(pos: &SourcePos) -> String {
    let path: String = pos
        .file
        .components()
        .map(|c| encode(&c.as_os_str().to_string_lossy()))
        .collect::<Vec<_>>()
        .join("/");
    match pos.line {
        Some(line) => format!("/source/{path}#L{line}"),
        None => format!("/source/{path}"),
    }
}

/// Percent-encodes a path segment (everything but unreserved characters).
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The project-relative path of a position, with `/` separators (the key of [`Sources`]).
pub fn key(pos: &SourcePos) -> String {
    pos.file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The highlight.js language of a file.
fn language(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("yaml" | "yml") => "yaml",
        Some("mjml" | "txt") => "django",
        Some("html") => "xml",
        _ => "plaintext",
    }
}

/// The lines around `pos` with the line marked and a caret under the column; `None` when the
/// file or line is unknown.
pub fn frame(sources: &Sources, pos: &SourcePos) -> Option<String> {
    let text = sources.get(&key(pos))?;
    let line = usize::try_from(pos.line?).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    if line == 0 || line > lines.len().max(1) {
        return None;
    }
    let first = line.saturating_sub(CONTEXT).max(1);
    let last = (line + CONTEXT).min(lines.len());
    let width = last.to_string().len();
    let mut out = format!(
        "<pre class=\"frame\" data-lang=\"{}\">",
        language(&key(pos))
    );
    for n in first..=last {
        let body = lines.get(n - 1).copied().unwrap_or("");
        let (mark, class) = if n == line {
            ("&gt;", "line err")
        } else {
            (" ", "line")
        };
        let _ = writeln!(
            out,
            "<span class=\"{class}\"><span class=\"ln\">{mark} {n:>width$} │ </span><code>{}</code></span>",
            esc(body)
        );
        if n == line {
            if let Some(column) = pos.column {
                let caret: String = body
                    .chars()
                    .take((column as usize).saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(
                    out,
                    "<span class=\"ln\">  {:>width$} │ </span><span class=\"caret\">{caret}^</span>",
                    ""
                );
            }
        }
    }
    out.push_str("</pre>");
    Some(out)
}

/// The body of the page showing the project file `path` with numbered lines (`#L<n>` anchors),
/// or `None` when the preview does not know that file.
pub fn source_body(sources: &Sources, path: &str) -> Option<String> {
    let text = sources.get(path)?;
    let mut out = format!(
        "<main id=\"source-file\" data-live><h1><code>{}</code></h1><pre class=\"source\" data-lang=\"{}\">",
        esc(path),
        language(path)
    );
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let _ = write!(
            out,
            "<span class=\"line\" id=\"L{n}\"><a class=\"ln\" href=\"#L{n}\">{n}</a><code>{}</code></span>",
            esc(line)
        );
    }
    out.push_str("</pre></main>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sources() -> Sources {
        let text: String = (1..=10).map(|n| format!("line {n} <x>\n")).collect();
        Sources::from([("templates/a b.mjml".to_string(), Arc::from(text.as_str()))])
    }

    #[test]
    fn frame_shows_the_lines_around_the_error_with_a_caret() {
        let shown = frame(&sources(), &SourcePos::at("templates/a b.mjml", 5, 3)).unwrap();
        assert!(
            shown.contains("<span class=\"line err\"><span class=\"ln\">&gt; 5 │ </span><code>line 5 &lt;x&gt;</code>"),
            "{shown}"
        );
        assert!(shown.contains("  3 │ </span><code>line 3"), "{shown}");
        assert!(!shown.contains("line 2 "), "two lines of context: {shown}");
        assert!(shown.contains("line 7") && !shown.contains("line 8"));
        assert!(
            shown.contains("<span class=\"caret\">  ^</span>"),
            "{shown}"
        );
        assert!(frame(&sources(), &SourcePos::file("templates/a b.mjml")).is_none());
        assert!(frame(&sources(), &SourcePos::at("templates/a b.mjml", 99, 1)).is_none());
        assert!(frame(&sources(), &SourcePos::at("templates/nope.mjml", 1, 1)).is_none());
    }

    #[test]
    fn links_name_the_file_and_line() {
        assert_eq!(
            href(&SourcePos::at("templates/a b.mjml", 5, 3)),
            "/source/templates/a%20b.mjml#L5"
        );
        let page = source_body(&sources(), "templates/a b.mjml").unwrap();
        assert!(page.contains("<span class=\"line\" id=\"L5\"><a class=\"ln\" href=\"#L5\">5</a><code>line 5 &lt;x&gt;</code></span>"));
        assert!(source_body(&sources(), "letterpress.yaml").is_none());
    }
}
