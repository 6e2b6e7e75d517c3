//! The plaintext part, derived from the final HTML with html2text: prose wrapped at the
//! configured width, links kept as numbered references, hidden content (the preheader)
//! dropped by honouring the document's CSS, tables read row by row without borders.

/// Derives the text part from `html`, wrapping prose at `width` columns. URLs are never split.
pub fn from_html(html: &str, width: usize) -> Result<String, String> {
    let config = html2text::config::plain_no_decorate()
        .use_doc_css()
        .no_table_borders()
        .no_link_wrapping()
        .link_footnotes(true);
    let text = config
        .string_from_read(visible_markup(html).as_bytes(), width)
        .map_err(|e| e.to_string())?;
    Ok(tidy(&text))
}

/// What html2text needs to see: the document without its `<head>` (nothing there is visible,
/// and MJML's responsive CSS would be matched against every element) and without the inline
/// `style` attributes that cannot hide anything. Only `display` matters for plaintext; parsing
/// the thousand other inline styles of an MJML document was most of html2text's time.
fn visible_markup(html: &str) -> String {
    let html = match (html.find("<head>"), html.find("</head>")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}", &html[..start], &html[end + "</head>".len()..])
        }
        _ => html.to_string(),
    };
    drop_inert_styles(&html)
}

/// Removes ` style="…"` attributes whose value does not mention `display`. Attribute values in
/// HTML written by mrml and css-inline are double-quoted with `"` escaped, so the closing quote
/// is the next `"`; anything else is left as it is.
fn drop_inert_styles(html: &str) -> String {
    const ATTR: &str = " style=\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(ATTR) {
        let value_start = start + ATTR.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        out.push_str(&rest[..start]);
        if value.contains("display") {
            out.push_str(&rest[start..value_start + len + 1]);
        }
        rest = &rest[value_start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Trims line ends, collapses runs of blank lines to one, sets headings and lone links (buttons)
/// apart with blank lines (MJML blocks are `div`s, which html2text joins without a gap), and
/// ends with a single newline.
pub fn tidy(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    let mut gap_after = false;
    for line in text.lines().map(str::trim_end) {
        let stands_apart = is_heading(line) || is_lone_link(line);
        let last_blank = lines.last().is_none_or(|l| l.is_empty());
        if !line.is_empty() && (stands_apart || gap_after) && !last_blank {
            lines.push("");
        }
        if line.is_empty() && last_blank {
            continue;
        }
        lines.push(line);
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

    #[test]
    fn only_styles_that_can_hide_survive() {
        let html =
            r#"<p style="color:red">a</p><div style="display:none;x:y">b</div><i style="">c</i>"#;
        assert_eq!(
            drop_inert_styles(html),
            r#"<p>a</p><div style="display:none;x:y">b</div><i>c</i>"#
        );
        assert_eq!(
            drop_inert_styles("<p style=\"unclosed"),
            "<p style=\"unclosed"
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
