//! Accessibility rules: the language is declared, layout tables say they are layout, and
//! headings do not skip levels.

use super::{Ctx, Hit, sel};

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let lang = ctx
        .doc
        .select(sel("html"))
        .next()
        .and_then(|h| h.value().attr("lang"))
        .unwrap_or("");
    if lang.trim().is_empty() {
        hits.push(Hit::new(
            "a11y.lang",
            "<html> has no lang attribute; set it (letterpress sets it from the locale unless the template overrides <mjml lang>)",
            input.at_template(),
        ));
    }
    let mut layout_tables = 0;
    let mut first = None;
    for table in ctx.doc.select(sel("table")) {
        let role = table
            .value()
            .attr("role")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if role == "presentation" || role == "none" || inside_accordion(table) || is_mj_table(table)
        {
            continue;
        }
        let is_data = table.select(sel("th, caption, thead")).next().is_some();
        if !is_data {
            layout_tables += 1;
            first.get_or_insert_with(|| table.text().collect::<String>());
        }
    }
    if layout_tables > 0 {
        let snippet: String = first
            .unwrap_or_default()
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        hits.push(Hit::new(
            "a11y.table-role",
            format!(
                "{layout_tables} table(s) without headers and without role=\"presentation\" (first: `{snippet}`); add role=\"presentation\" to layout tables, or <th> headers to data tables"
            ),
            input
                .locate("<table")
                .filter(|p| p.line.is_some())
                .or_else(|| input.locate("<mj-table")),
        ));
    }
    let mut previous = 0;
    for heading in ctx.doc.select(sel("h1, h2, h3, h4, h5, h6")) {
        let level = heading.value().name()[1..].parse::<u32>().unwrap_or(1);
        if previous > 0 && level > previous + 1 {
            let text: String = heading
                .text()
                .collect::<String>()
                .trim()
                .chars()
                .take(40)
                .collect();
            hits.push(Hit::new(
                "a11y.heading-order",
                format!(
                    "<h{level}> `{text}` follows <h{previous}>: a heading level is skipped; use <h{}>",
                    previous + 1
                ),
                input.locate(&format!("<h{level}")),
            ));
            break;
        }
        previous = level;
    }
}

/// `<mj-table>` is MJML's element for tabular data, not layout (and mrml 6.0.1 does not render
/// its `role`); mrml marks its table with `table-layout` in the style.
fn is_mj_table(table: scraper::ElementRef) -> bool {
    table
        .value()
        .attr("style")
        .is_some_and(|s| s.contains("table-layout:"))
}

/// mrml renders `mj-accordion` as tables without a role; the author cannot change that, and
/// the accordion is interactive content rather than layout.
fn inside_accordion(table: scraper::ElementRef) -> bool {
    std::iter::successors(Some(table), |e| {
        e.parent().and_then(scraper::ElementRef::wrap)
    })
    .any(|e| e.value().classes().any(|c| c.starts_with("mj-accordion")))
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;

    #[test]
    fn missing_lang_is_an_error() {
        let mut email = TestEmail::with_body("<p>x</p>");
        assert!(email.rules("a11y.").is_empty());
        email.html = email.html.replace(" lang=\"en\"", "");
        assert_eq!(email.rules("a11y."), ["a11y.lang"]);
    }

    #[test]
    fn layout_tables_need_role_presentation_data_tables_do_not() {
        let ok = TestEmail::with_body(
            "<table role=\"presentation\"><tr><td>a</td></tr></table><table><tr><th>Item</th></tr><tr><td>b</td></tr></table>",
        );
        assert!(ok.rules("a11y.").is_empty());
        let bad = TestEmail::with_body("<table><tr><td>a</td></tr></table>");
        assert_eq!(bad.rules("a11y."), ["a11y.table-role"]);
        let mj_table = TestEmail::with_body(
            "<table border=\"0\" style=\"color:#222222;table-layout:auto;width:100%\"><tr><td>a</td></tr></table>",
        );
        assert!(mj_table.rules("a11y.").is_empty());
    }

    #[test]
    fn skipped_heading_levels_are_flagged() {
        let ok = TestEmail::with_body("<h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2>");
        assert!(ok.rules("a11y.").is_empty());
        let bad = TestEmail::with_body("<h1>A</h1><h3>C</h3>");
        assert_eq!(bad.rules("a11y."), ["a11y.heading-order"]);
    }
}
