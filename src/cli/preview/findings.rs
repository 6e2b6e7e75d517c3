//! What the preview says about problems: finding counts by severity, the findings panel at the
//! top of an email's page (each location links to the source line), and the overlay of a
//! failed build with a code frame of the lines around the error.

use std::fmt::Write as _;

use letterpress::Severity;

use super::code;
use super::pages::esc;
use super::site::{Problem, Site, Slot};
use super::sources::Sources;

/// Pills with the number of errors and warnings, or "ok".
pub fn counts(slot: &Slot) -> String {
    let errors = slot.email.count(Severity::Error);
    let warnings = slot.email.count(Severity::Warning);
    let mut out = String::new();
    if errors > 0 {
        let _ = write!(
            out,
            "<span class=\"pill error\">{errors} error{}</span>",
            plural(errors)
        );
    }
    if warnings > 0 {
        let _ = write!(
            out,
            "<span class=\"pill warning\">{warnings} warning{}</span>",
            plural(warnings)
        );
    }
    if out.is_empty() {
        out.push_str("<span class=\"pill ok\">ok</span>");
    }
    out
}

/// `s` unless `n` is one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The findings panel: counts in the summary line, the list (errors first) below, open when
/// the email has errors. Each location links to its line in the source page.
pub fn panel(site: &Site, slot: &Slot) -> String {
    let findings = &slot.email.findings;
    let open = if slot.email.has_errors() { " open" } else { "" };
    let mut out = format!(
        "<details id=\"findings\" data-live{open}><summary><strong>Findings</strong> {}",
        counts(slot)
    );
    if findings.is_empty() {
        out.push_str(" <span class=\"muted\">passes every rule</span>");
    }
    out.push_str("</summary><ul>");
    for f in findings {
        let at = f.location.as_ref().map_or_else(String::new, |pos| {
            let shown = esc(&pos.to_string());
            if site.sources.contains_key(&code::key(pos)) {
                format!(
                    " <a class=\"where\" href=\"{}\">{shown}</a>",
                    esc(&code::href(pos))
                )
            } else {
                format!(" <span class=\"where\">{shown}</span>")
            }
        });
        let _ = write!(
            out,
            "<li class=\"{sev}\"><span class=\"sev\">{sev}</span> <code class=\"rule\">{}</code> {}{at}</li>",
            esc(&f.rule),
            esc(&f.message),
            sev = f.severity,
        );
    }
    out.push_str("</ul></details>");
    out
}

/// The overlay: empty, or the build error with file, line, column, the lines around it and a
/// link to the whole file.
pub fn overlay(problem: Option<&Problem>, sources: &Sources) -> String {
    let mut out = String::from("<div id=\"overlay\" data-live>");
    if let Some(problem) = problem {
        out.push_str("<div class=\"overlay-box\"><h2>Build failed</h2>");
        if let Some(loc) = &problem.location {
            let _ = write!(
                out,
                "<p class=\"where\"><span class=\"file\">{}</span>",
                esc(&loc.file.to_string_lossy())
            );
            if let Some(line) = loc.line {
                let _ = write!(out, " line <span class=\"line\">{line}</span>");
            }
            if let Some(column) = loc.column {
                let _ = write!(out, " column <span class=\"column\">{column}</span>");
            }
            if sources.contains_key(&code::key(loc)) {
                let _ = write!(
                    out,
                    " · <a href=\"{}\">open the file</a>",
                    esc(&code::href(loc))
                );
            }
            out.push_str("</p>");
        }
        let _ = write!(
            out,
            "<pre class=\"message\">{}</pre>",
            esc(&problem.message)
        );
        if let Some(frame) = problem
            .location
            .as_ref()
            .and_then(|l| code::frame(sources, l))
        {
            out.push_str(&frame);
        }
        out.push_str(
            "<p class=\"hint\">The last good render stays below. Fix the file and save: this \
             page updates by itself.</p></div>",
        );
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn overlay_names_file_line_and_column_with_the_lines_around() {
        let sources = Sources::from([(
            "templates/a.mjml".to_string(),
            Arc::from("<mjml>\n<mj-body>\n{% if x %}\n</mj-body>\n</mjml>\n"),
        )]);
        let html = overlay(
            Some(&Problem {
                message: "unclosed `if`".into(),
                location: Some(letterpress::SourcePos::at("templates/a.mjml", 3, 4)),
            }),
            &sources,
        );
        assert!(
            html.contains("<span class=\"file\">templates/a.mjml</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"line\">3</span>"), "{html}");
        assert!(html.contains("<span class=\"column\">4</span>"), "{html}");
        assert!(
            html.contains("&gt; 3 │ </span><code>{% if x %}</code>"),
            "code frame: {html}"
        );
        assert!(
            html.contains("href=\"/source/templates/a.mjml#L3\""),
            "{html}"
        );
        assert_eq!(
            overlay(None, &sources),
            "<div id=\"overlay\" data-live></div>"
        );
    }
}
