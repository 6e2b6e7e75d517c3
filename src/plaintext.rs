//! The plaintext part, derived from the final HTML with html2text: prose wrapped at the
//! configured width, links kept as numbered references, hidden content (the preheader)
//! dropped by honouring the document's CSS, tables read row by row without borders.

/// Derives the text part from `html`, wrapping prose at `width` columns. URLs are never split.
pub fn from_html(html: &str, width: usize) -> Result<String, String> {
    let config = html2text::config::plain()
        .use_doc_css()
        .no_table_borders()
        .no_link_wrapping()
        .link_footnotes(true);
    let text = config
        .string_from_read(html.as_bytes(), width)
        .map_err(|e| e.to_string())?;
    Ok(tidy(&text))
}

/// Trims line ends, collapses runs of blank lines to one, and ends with a single newline.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
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
    fn tidy_collapses_blank_runs_and_trailing_spaces() {
        assert_eq!(tidy("a  \n\n\n\nb\n\n"), "a\n\nb\n");
    }
}
