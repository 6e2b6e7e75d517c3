//! The HTML as the text part should read it, prepared in two streaming passes (lol_html) before
//! html2text parses and lays it out: no `<head>`, no inline styles that cannot hide anything, a mark at the start of
//! every paragraph and data table (MJML puts each block in its own layout table cell, where
//! html2text would run them together), and non-breaking spaces where the HTML must not wrap:
//! link texts (so `[visit our help centre][5]` stays on one line) and `white-space:nowrap`
//! (a phone number).

/// Marks "a block starts here": the line it begins on gets a blank line before it. A word
/// joiner, which html2text keeps and counts as zero wide.
pub(super) const BLOCK_START: char = '\u{2060}';
/// Link texts longer than this may wrap.
const UNBREAKABLE_LINK: usize = 40;

/// The document to hand to html2text. Two streaming passes of lol_html over the HTML (the
/// first measures link texts), instead of parsing and serialising a DOM: the document html2text
/// then parses is the same tree as if the changes had been made to a parsed one.
pub(super) fn prepare(html: &str) -> String {
    let html = drop_inert_styles(html);
    let short_links = link_lengths(&html)
        .into_iter()
        .map(|chars| chars <= UNBREAKABLE_LINK)
        .collect::<Vec<_>>();
    rewrite(&html, &short_links).unwrap_or(html)
}

/// Where the rewrite is: the short link it is in, how many `white-space: nowrap` elements
/// enclose it, and for each open table whether it is a data table still waiting for its mark.
#[derive(Default)]
struct State {
    links_seen: usize,
    in_short_link: bool,
    nowrap_depth: usize,
    tables: Vec<bool>,
}

fn rewrite(html: &str, short_links: &[bool]) -> Option<String> {
    use lol_html::html_content::ContentType;
    use lol_html::{RewriteStrSettings, doc_text, element, end_tag, rewrite_str};
    use std::cell::RefCell;
    use std::rc::Rc;

    let state = Rc::new(RefCell::new(State::default()));
    let mark = BLOCK_START.to_string();
    let mark = mark.as_str();
    let (for_links, for_nowrap, for_tables, for_cells, for_text) = (
        Rc::clone(&state),
        Rc::clone(&state),
        Rc::clone(&state),
        Rc::clone(&state),
        Rc::clone(&state),
    );
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("head", |el| {
            el.remove();
            Ok(())
        }))
        .append_element_content_handler(element!("p", |el| {
            el.prepend(mark, ContentType::Text);
            Ok(())
        }))
        .append_element_content_handler(element!("table", move |el| {
            let data = el.get_attribute("role").as_deref() != Some("presentation");
            for_tables.borrow_mut().tables.push(data);
            let state = Rc::clone(&for_tables);
            el.on_end_tag(end_tag!(move |_| {
                state.borrow_mut().tables.pop();
                Ok(())
            }))
        }))
        .append_element_content_handler(element!("td, th", move |el| {
            let mut state = for_cells.borrow_mut();
            if let Some(waiting @ true) = state.tables.last_mut() {
                *waiting = false;
                el.prepend(mark, ContentType::Text);
            }
            Ok(())
        }))
        .append_element_content_handler(element!("a", move |el| {
            let short = {
                let mut state = for_links.borrow_mut();
                let short = short_links.get(state.links_seen).copied().unwrap_or(false);
                state.links_seen += 1;
                state.in_short_link = short;
                short
            };
            if !short || !el.can_have_content() {
                return Ok(());
            }
            let state = Rc::clone(&for_links);
            el.on_end_tag(end_tag!(move |_| {
                state.borrow_mut().in_short_link = false;
                Ok(())
            }))
        }))
        .append_element_content_handler(element!("[style*=nowrap]", move |el| {
            let style = el.get_attribute("style").unwrap_or_default();
            if !style.replace(' ', "").contains("white-space:nowrap") {
                return Ok(());
            }
            if !el.can_have_content() {
                return Ok(());
            }
            for_nowrap.borrow_mut().nowrap_depth += 1;
            let state = Rc::clone(&for_nowrap);
            el.on_end_tag(end_tag!(move |_| {
                let mut state = state.borrow_mut();
                state.nowrap_depth = state.nowrap_depth.saturating_sub(1);
                Ok(())
            }))
        }))
        .append_document_content_handler(doc_text!(move |chunk| {
            let state = for_text.borrow();
            if (state.in_short_link || state.nowrap_depth > 0) && chunk.as_str().contains(' ') {
                let joined = chunk.as_str().replace(' ', "\u{a0}");
                chunk.replace(&joined, ContentType::Html);
            }
            Ok(())
        }))
        .with_strict(false)
        .with_enable_esi_tags(false);
    rewrite_str(html, settings).ok()
}

/// The length in characters of the text of every `<a>`, in document order (a character
/// reference counts as one).
fn link_lengths(html: &str) -> Vec<usize> {
    use lol_html::{RewriteStrSettings, element, rewrite_str, text};
    use std::cell::RefCell;

    let lengths = RefCell::new(Vec::new());
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("a", |_| {
            lengths.borrow_mut().push(0);
            Ok(())
        }))
        .append_element_content_handler(text!("a", |chunk| {
            if let Some(last) = lengths.borrow_mut().last_mut() {
                *last += decoded_len(chunk.as_str());
            }
            Ok(())
        }))
        .with_strict(false)
        .with_enable_esi_tags(false);
    let _ = rewrite_str(html, settings);
    lengths.into_inner()
}

/// Characters of HTML text once character references (`&amp;`, `&#8217;`) are decoded.
fn decoded_len(raw: &str) -> usize {
    let mut count = 0;
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        count += rest[..at].chars().count() + 1;
        let after = &rest[at + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        rest = if name_len > 0 && after[name_len..].starts_with(';') {
            &after[name_len + 1..]
        } else {
            after
        };
    }
    count + rest.chars().count()
}

/// Removes ` style="…"` attributes that can neither hide an element nor keep it on one line.
/// Only `display` and `white-space` matter for plaintext; parsing the thousand other inline
/// styles of an MJML document was most of html2text's time. Attribute values in HTML written
/// by mrml and css-inline are double-quoted with `"` escaped, so the closing quote is the next
/// `"`; anything else is left as it is.
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
        if value.contains("display") || value.contains("white-space") {
            out.push_str(&rest[start..value_start + len + 1]);
        }
        rest = &rest[value_start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_styles_that_can_hide_or_hold_together_survive() {
        let html = r#"<p style="color:red">a</p><div style="display:none;x:y">b</div><i style="">c</i><span style="white-space:nowrap">d</span>"#;
        assert_eq!(
            drop_inert_styles(html),
            r#"<p>a</p><div style="display:none;x:y">b</div><i>c</i><span style="white-space:nowrap">d</span>"#
        );
        assert_eq!(
            drop_inert_styles("<p style=\"unclosed"),
            "<p style=\"unclosed"
        );
    }

    #[test]
    fn short_links_and_nowrap_keep_their_words_together() {
        let html = r#"<html><head><title>x</title></head><body><p>See <a href="https://x.example">our help centre</a> or call <span style="white-space: nowrap">+44 117 496 0321</span></p></body></html>"#;
        let prepared = prepare(html);
        assert!(prepared.contains("our\u{a0}help\u{a0}centre"), "{prepared}");
        assert!(
            prepared.contains("+44\u{a0}117\u{a0}496\u{a0}0321"),
            "{prepared}"
        );
        assert!(
            prepared.contains("See <a"),
            "text outside links keeps its spaces: {prepared}"
        );
        assert!(
            !prepared.contains("<title>"),
            "the head is dropped: {prepared}"
        );
    }

    #[test]
    fn paragraphs_and_data_tables_are_marked_layout_tables_not() {
        let html = r#"<table role="presentation"><tr><td><p>Hello</p></td></tr></table><table><tr><td>Item</td><td>£5</td></tr></table>"#;
        let prepared = prepare(html);
        assert_eq!(prepared.matches(BLOCK_START).count(), 2, "{prepared}");
        assert!(
            prepared.contains(&format!("<p>{BLOCK_START}Hello")),
            "{prepared}"
        );
        assert!(
            prepared.contains(&format!("<td>{BLOCK_START}Item")),
            "{prepared}"
        );
    }

    #[test]
    fn a_character_reference_counts_as_one_character_of_a_link() {
        assert_eq!(decoded_len("Terms &amp; conditions"), 18);
        assert_eq!(decoded_len("caf&eacute; &#8217;s &x"), 10);
        let at =
            |text: &str| format!(r#"<body><p><a href="https://x.example">{text}</a></p></body>"#);
        // 40 characters once decoded: kept together; 41: may wrap
        let forty = format!("{}&amp;{}", "a ".repeat(17), "b ".repeat(2).trim_end());
        assert_eq!(decoded_len(&forty), 38);
        assert!(prepare(&at(&format!("{forty} c"))).contains('\u{a0}'));
        assert!(!prepare(&at(&format!("{forty} cd"))).contains('\u{a0}'));
    }

    #[test]
    fn each_data_table_is_marked_once_at_its_first_cell_however_nested() {
        let html = r#"<table role="presentation"><tr><td><table><tr><th>Item</th><td>Price</td></tr></table></td></tr></table><table><tr><td><table role="presentation"><tr><td>inner</td></tr></table></td><td>x</td></tr></table>"#;
        let prepared = prepare(html);
        assert_eq!(prepared.matches(BLOCK_START).count(), 2, "{prepared}");
        assert!(
            prepared.contains(&format!("<th>{BLOCK_START}Item")),
            "{prepared}"
        );
        assert!(
            prepared.contains(&format!("<td>{BLOCK_START}<table")),
            "{prepared}"
        );
        assert!(prepared.contains("<td>inner"), "{prepared}");
    }

    #[test]
    fn nowrap_holds_until_its_own_end_tag() {
        let html = r#"<div style="white-space:nowrap">a b <span style="white-space: nowrap">c d</span> e f</div><p>g h</p>"#;
        let prepared = prepare(html);
        assert!(prepared.contains("a\u{a0}b"), "{prepared}");
        assert!(prepared.contains("c\u{a0}d"), "{prepared}");
        assert!(prepared.contains("e\u{a0}f"), "{prepared}");
        assert!(prepared.contains("g h"), "{prepared}");
    }
}
