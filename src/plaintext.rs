//! The plaintext part, derived from the final HTML with html2text: prose wrapped at the
//! configured width, links kept as numbered references, hidden content (the preheader)
//! dropped by honouring the document's CSS, tables read row by row without borders.

mod decorator;
mod prepare;

use prepare::BLOCK_START;

/// Derives the text part from `html`, wrapping prose at `width` columns. URLs are never split,
/// nor are short link texts or `white-space: nowrap` text.
pub fn from_html(html: &str, width: usize) -> Result<String, String> {
    from_document(&scraper::Html::parse_document(html), width)
}

/// Like [`from_html`], from the email's already parsed HTML: the pipeline parses each email
/// once and hands the same tree to the rules.
pub fn from_document(doc: &scraper::Html, width: usize) -> Result<String, String> {
    lay_out(doc, width, None)
}

/// Like [`from_html`], but the HTML comments whose text satisfies `keep` stay in the text, each
/// where it was: inline in prose, and as a row of its own between table rows (an HTML parser
/// would move text that sits between rows out of the table). The send-time compilation uses
/// this to carry its conditional and loop markers into the text part.
pub fn from_html_keeping(
    html: &str,
    width: usize,
    keep: &dyn Fn(&str) -> bool,
) -> Result<String, String> {
    lay_out(&scraper::Html::parse_document(html), width, Some(keep))
}

fn lay_out(doc: &scraper::Html, width: usize, keep: prepare::Keep) -> Result<String, String> {
    let config = config();
    let tree = config
        .dom_to_render_tree(&prepare::prepare(doc, keep))
        .map_err(|e| e.to_string())?;
    let text = config
        .render_to_string(tree, width)
        .map_err(|e| e.to_string())?;
    Ok(tidy(&text))
}

fn config() -> html2text::config::Config<decorator::EmailDecorator> {
    html2text::config::with_decorator(decorator::EmailDecorator::new())
        .use_doc_css()
        .no_table_borders()
        .no_link_wrapping()
        .link_footnotes(true)
}

/// Trims line ends, collapses runs of blank lines to one, sets paragraphs, tables, headings and
/// lone links (buttons) apart with blank lines (MJML blocks sit in separate layout cells, which
/// html2text joins without a gap), turns non-breaking spaces back into spaces once lines are
/// wrapped, and ends with a single newline.
pub fn tidy(text: &str) -> String {
    let text = text.replace('\u{a0}', " ");
    let mut lines: Vec<String> = Vec::new();
    let mut gap_after = false;
    for line in text.lines().map(str::trim_end) {
        let starts_block = line.trim_start().starts_with(BLOCK_START);
        let line = line.replace(BLOCK_START, "");
        let line = line.as_str();
        let stands_apart = is_heading(line) || is_lone_link(line);
        let last_blank = lines.last().is_none_or(|l| l.is_empty());
        if !line.is_empty() && (stands_apart || gap_after || starts_block) && !last_blank {
            lines.push(String::new());
        }
        if line.is_empty() && last_blank {
            continue;
        }
        lines.push(line.to_string());
        gap_after = stands_apart;
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn is_heading(line: &str) -> bool {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

/// A line that is only a link with a footnote reference, like `[Track your parcel][2]`.
fn is_lone_link(line: &str) -> bool {
    let line = line.trim();
    line.starts_with('[')
        && line.ends_with(']')
        && line.rfind("][").is_some_and(|i| {
            line[i + 2..line.len() - 1]
                .chars()
                .all(|c| c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_comments_reach_the_text_wherever_a_table_holds_them() {
        // straight under <table> (before its <tbody>), between rows, between cells, in prose
        let html = "<table><!--[1]--><tbody><tr><td>x</td><!--[2]--></tr><!--[3]--></tbody></table><p>a<!--[4]-->b</p><!--other-->";
        let text = from_html_keeping(html, 72, &|c| c.starts_with('[')).expect("text");
        for kept in ["[1]", "[2]", "[3]", "a[4]b"] {
            assert!(text.contains(kept), "{kept} missing from {text:?}");
        }
        assert!(!text.contains("other"), "{text:?}");
        let first = text.find("[1]").expect("kept");
        assert!(first < text.find('x').expect("cell"), "{text:?}");
    }

    #[test]
    fn hidden_preheader_is_dropped_and_links_kept() {
        let html = r#"<html><body><div style="display:none;max-height:0px;">Secret preview</div>
            <p>Hello <a href="https://shop.example/orders/1?very=long&amp;query=string&amp;that=goes&amp;on=and&amp;on">your order</a></p></body></html>"#;
        let text = from_html(html, 72).unwrap();
        assert!(!text.contains("Secret preview"), "{text}");
        assert!(
            text.contains(
                "https://shop.example/orders/1?very=long&query=string&that=goes&on=and&on"
            ),
            "{text}"
        );
    }

    /// Two MJML blocks as mrml writes them: each in its own layout table.
    fn blocks(first: &str, second: &str) -> String {
        format!(
            r#"<html><body><table role="presentation"><tr><td><div>{first}</div></td></tr><tr><td><div>{second}</div></td></tr></table></body></html>"#
        )
    }

    #[test]
    fn a_linked_logo_is_its_description_once() {
        let html = blocks(
            r#"<a href="https://shop.example/"><img src="https://shop.example/logo.png" alt="Fernwood Home"></a>"#,
            r#"<img src="https://shop.example/a.png" alt="A sofa">"#,
        );
        let text = from_html(&html, 72).unwrap();
        assert!(text.starts_with("[Fernwood Home][1]\n"), "{text}");
        assert!(
            text.contains("\n[A sofa]\n"),
            "an unlinked image keeps its brackets: {text}"
        );
    }

    #[test]
    fn paragraphs_of_separate_blocks_and_tables_are_set_apart() {
        let html = blocks(
            "<p>We will email you again soon.</p>",
            "<p>Best wishes,<br>The team</p>",
        );
        let text = from_html(&html, 72).unwrap();
        assert!(text.contains("soon.\n\nBest wishes,\nThe team"), "{text}");
        let html = blocks(
            "<p>Here is a summary.</p>",
            "<table><tr><td>Order</td><td>FH-1</td></tr></table>",
        );
        let text = from_html(&html, 72).unwrap();
        assert!(text.contains("summary.\n\nOrder FH-1"), "{text}");
    }

    #[test]
    fn blocks_without_paragraphs_are_set_apart() {
        // MJML's mj-text without <p>, each in its own layout cell: each block is a paragraph
        // (html2text's table layout ran the first two together)
        let column = |inner: &str| {
            format!(
                r#"<table role="presentation"><tr><td><table role="presentation"><tr><td>{inner}</td></tr></table></td></tr></table>"#
            )
        };
        let html = blocks(
            &column("My Company"),
            &column(r#"Slogan here <a href="https://x.example/a">Book a Corsican tour now</a>"#),
        );
        let text = from_html(&html, 72).unwrap();
        assert!(
            text.contains("My Company\n\nSlogan here [Book a Corsican tour now][1]\n"),
            "{text}"
        );
    }

    #[test]
    fn link_texts_and_nowrap_text_are_not_broken() {
        let html = blocks(
            r#"<p>Need help? Write to <a href="mailto:help@fernwood-home.example">help@fernwood-home.example</a>&nbsp;· <a href="https://x.example/help">visit our help centre</a>&nbsp;· Phone <span style="white-space:nowrap">+44 117 496 0321</span></p>"#,
            "",
        );
        let text = from_html(&html, 60).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.iter().any(|l| l.contains("[visit our help centre][")),
            "{text}"
        );
        assert!(
            lines.iter().any(|l| l.contains("+44 117 496 0321")),
            "{text}"
        );
        assert!(lines.iter().all(|l| !l.starts_with('·')), "{text}");
        assert!(
            !text.contains('\u{a0}') && !text.contains(BLOCK_START),
            "{text:?}"
        );
    }

    #[test]
    fn tidy_collapses_blank_runs_and_trailing_spaces() {
        assert_eq!(tidy("a  \n\n\n\nb\n\n"), "a\n\nb\n");
    }

    #[test]
    fn headings_and_buttons_stand_apart() {
        let text = "intro\n## Items\nrow 1\n[Track it][2]\nafter\n[2]: https://x.example\n";
        assert_eq!(
            tidy(text),
            "intro\n\n## Items\n\nrow 1\n\n[Track it][2]\n\nafter\n[2]: https://x.example\n"
        );
    }
}
