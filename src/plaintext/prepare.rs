//! The HTML as the text part should read it, prepared on the parsed document before html2text
//! lays it out: no `<head>`, no inline styles that cannot hide anything, a mark at the start of
//! every paragraph and data table (MJML puts each block in its own layout table cell, where
//! html2text would run them together), and non-breaking spaces where the HTML must not wrap:
//! link texts (so `[visit our help centre][5]` stays on one line) and `white-space:nowrap`
//! (a phone number).

use ego_tree::NodeId;
use scraper::node::Text;
use scraper::{ElementRef, Html, Node, Selector};

/// Marks "a block starts here": the line it begins on gets a blank line before it. A word
/// joiner, which html2text keeps and counts as zero wide.
pub(super) const BLOCK_START: char = '\u{2060}';
/// Link texts longer than this may wrap.
const UNBREAKABLE_LINK: usize = 40;

/// The document to hand to html2text.
pub(super) fn prepare(html: &str) -> String {
    let mut doc = Html::parse_document(&drop_inert_styles(html));
    let heads: Vec<NodeId> = doc.select(&selector("head")).map(|e| e.id()).collect();
    let mut starts: Vec<NodeId> = doc.select(&selector("p")).map(|e| e.id()).collect();
    starts.extend(
        doc.select(&selector("table:not([role=presentation])"))
            .filter_map(|table| table.select(&selector("td, th")).next())
            .map(|cell| cell.id()),
    );
    let unbreakable: Vec<NodeId> = doc
        .select(&selector("a, [style*=nowrap]"))
        .filter(|e| keeps_together(e))
        .flat_map(|e| {
            e.descendants()
                .filter(|n| n.value().is_text())
                .map(|n| n.id())
        })
        .collect();
    for id in heads {
        if let Some(mut head) = doc.tree.get_mut(id) {
            head.detach();
        }
    }
    for id in starts {
        if let Some(mut block) = doc.tree.get_mut(id) {
            block.prepend(Node::Text(Text {
                text: BLOCK_START.to_string().into(),
            }));
        }
    }
    for id in unbreakable {
        if let Some(mut node) = doc.tree.get_mut(id) {
            if let Node::Text(text) = node.value() {
                text.text = text.text.replace(' ', "\u{a0}").into();
            }
        }
    }
    doc.html()
}

/// A short link text, or an element styled `white-space: nowrap`.
fn keeps_together(element: &ElementRef) -> bool {
    let style = element.value().attr("style").unwrap_or_default();
    let nowrap = style.replace(' ', "").contains("white-space:nowrap");
    nowrap
        || (element.value().name() == "a"
            && element.text().map(|t| t.chars().count()).sum::<usize>() <= UNBREAKABLE_LINK)
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|_| unreachable!("invalid selector {css}"))
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
        // Serialised HTML writes the non-breaking space as an entity.
        assert!(prepared.contains("our&nbsp;help&nbsp;centre"), "{prepared}");
        assert!(
            prepared.contains("+44&nbsp;117&nbsp;496&nbsp;0321"),
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
}
