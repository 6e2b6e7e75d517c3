//! The HTML as the text part should read it, built straight from the email's parsed tree (the
//! one the rules read, so the HTML is parsed once) into the DOM html2text lays out: no `<head>`,
//! no inline styles that cannot hide anything, one-column layout tables as plain blocks, a mark
//! at the start of every paragraph, layout cell and data table (MJML puts each block in its own
//! layout table cell, where html2text would run them together), and non-breaking spaces where
//! the HTML must not wrap: link texts (so `[visit our help centre][5]` stays on one line) and
//! `white-space:nowrap` (a phone number).

use ego_tree::iter::Edge;
use html2text::RcDom;
use markup5ever::interface::tree_builder::{ElementFlags, NodeOrText, TreeSink};
use markup5ever::{Attribute, LocalName, Namespace, QualName};
use scraper::{Html, Node};

/// Marks "a block starts here": the line it begins on gets a blank line before it. A word
/// joiner, which html2text keeps and counts as zero wide.
pub(super) const BLOCK_START: char = '\u{2060}';
/// Link texts longer than this may wrap.
const UNBREAKABLE_LINK: usize = 40;

/// Decides which HTML comments stay in the text (the send-time markers); `None` drops them all.
pub(super) type Keep<'a> = Option<&'a dyn Fn(&str) -> bool>;

/// Where the walk is: the short link it is in, how many `white-space: nowrap` elements enclose
/// it, and how each open table, innermost last, reaches html2text.
#[derive(Default)]
struct State {
    in_short_link: bool,
    nowrap_depth: usize,
    tables: Vec<OpenTable>,
}

/// How an open table reaches html2text.
enum OpenTable {
    /// A one-column layout table, given as plain blocks (see [`is_one_column`]).
    Blocks,
    /// A layout table kept as a table: columns side by side, or send-time markers to place.
    Layout,
    /// A data table; `marked` once its first cell carries the block mark.
    Data { marked: bool },
}

/// html2text's DOM of `doc`, prepared for the text part. Kept comments become text where they
/// were: inline in prose, and a row (or cell) of their own between table rows, where a parser
/// puts a comment but a table has no place for text.
pub(super) fn prepare(doc: &Html, keep: Keep) -> RcDom {
    let dom = RcDom::default();
    let mut open = vec![dom.get_document()];
    let mut state = State::default();
    let mut skipping = None;
    let keeps = if styles_outside_head(doc) {
        KeptStyles::HidingOrHolding
    } else {
        KeptStyles::HidingOnly
    };
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                let Some(parent) = open.last() else { break };
                match node.value() {
                    Node::Element(el) if &*el.name.local == "head" => skipping = Some(node.id()),
                    Node::Element(el) => {
                        let name = el.name();
                        if name == "table" {
                            state
                                .tables
                                .push(if el.attr("role") != Some("presentation") {
                                    OpenTable::Data { marked: false }
                                // Not with send-time markers: their blank lines are placed for
                                // html2text's table layout (see `is_one_column`).
                                } else if keep.is_none() && is_one_column(node) {
                                    OpenTable::Blocks
                                } else {
                                    OpenTable::Layout
                                });
                        }
                        let as_block = matches!(
                            name,
                            "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th"
                        ) && matches!(state.tables.last(), Some(OpenTable::Blocks));
                        let handle = dom.create_element(
                            qual_name(&el.name.ns, if as_block { "div" } else { name }),
                            attributes(el, keeps),
                            ElementFlags::default(),
                        );
                        dom.append(parent, NodeOrText::AppendNode(handle.clone()));
                        let style = el.attr("style").unwrap_or_default();
                        if is_nowrap(style) {
                            state.nowrap_depth += 1;
                        }
                        match name {
                            "p" => mark(&dom, &handle),
                            "td" | "th" => {
                                // a layout cell given as a block starts a block, as its own
                                // cell would have, but only outside tables kept as tables: a
                                // mark there would put a blank line in the middle of a row
                                let all_blocks =
                                    state.tables.iter().all(|t| matches!(t, OpenTable::Blocks));
                                match state.tables.last_mut() {
                                    Some(OpenTable::Blocks) if all_blocks => mark(&dom, &handle),
                                    Some(OpenTable::Data {
                                        marked: marked @ false,
                                    }) => {
                                        *marked = true;
                                        mark(&dom, &handle);
                                    }
                                    _ => {}
                                }
                            }
                            "a" => {
                                let chars: usize = scraper::ElementRef::wrap(node)
                                    .map(|a| a.text().map(|t| t.chars().count()).sum())
                                    .unwrap_or(0);
                                state.in_short_link = chars <= UNBREAKABLE_LINK;
                            }
                            _ => {}
                        }
                        open.push(handle);
                    }
                    Node::Text(text) => {
                        let together = state.in_short_link || state.nowrap_depth > 0;
                        let contents = if together && text.contains(' ') {
                            text.replace(' ', "\u{a0}").into()
                        } else {
                            text.text.clone()
                        };
                        dom.append(parent, NodeOrText::AppendText(contents));
                    }
                    Node::Comment(comment) if keep.is_some_and(|keep| keep(&comment.comment)) => {
                        kept_comment(&dom, parent, &comment.comment);
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                let Node::Element(el) = node.value() else {
                    continue;
                };
                open.pop();
                if is_nowrap(el.attr("style").unwrap_or_default()) {
                    state.nowrap_depth = state.nowrap_depth.saturating_sub(1);
                }
                match el.name() {
                    "table" => {
                        state.tables.pop();
                    }
                    "a" => state.in_short_link = false,
                    _ => {}
                }
            }
        }
    }
    dom
}

/// Whether the table `node` has at most one cell in each row: a layout table of MJML's
/// sections, columns and blocks stacked one above the other. Given to html2text as plain
/// blocks (each cell starting a paragraph), it reads as the table did, and html2text lays it out
/// without measuring and copying every cell's lines: a third of the text part's time. Lines
/// also wrap at the text width, not at a narrower cell's (where `[Privacy policy][15` used to
/// break before its `]`). The send-time layout, with its markers, keeps the tables: the markers'
/// own lines and the blank lines the program keeps around them are placed for that layout.
fn is_one_column(node: ego_tree::NodeRef<Node>) -> bool {
    fn name<'a>(node: &ego_tree::NodeRef<'a, Node>) -> Option<&'a str> {
        match node.value() {
            Node::Element(el) => Some(el.name()),
            _ => None,
        }
    }
    let rows = node.children().flat_map(|child| match name(&child) {
        Some("tbody" | "thead" | "tfoot") => child.children().collect::<Vec<_>>(),
        _ => vec![child],
    });
    rows.filter(|row| name(row) == Some("tr")).all(|row| {
        row.children()
            .filter(|cell| matches!(name(cell), Some("td" | "th")))
            .count()
            <= 1
    })
}

/// The element name in html2text's own (newer) html5ever types.
fn qual_name(ns: &str, local: &str) -> QualName {
    QualName::new(None, Namespace::from(ns), LocalName::from(local))
}

/// Which inline styles html2text is given.
#[derive(Clone, Copy)]
enum KeptStyles {
    /// Those that set `display` or `white-space`: a `<style>` in the body (html2text reads it)
    /// may hide an element that an inline `display` shows again.
    HidingOrHolding,
    /// Those that can hide an element (`display: none`) or hold text on one line: with no sheet
    /// for html2text to read, any other `display` changes nothing in the text.
    HidingOnly,
}

/// The element's attributes, less `style` values that can neither hide an element nor keep it
/// on one line: only `display` and `white-space` matter for plaintext, and parsing the thousand
/// other inline styles of an MJML document was most of html2text's time.
fn attributes(el: &scraper::node::Element, keeps: KeptStyles) -> Vec<Attribute> {
    el.attrs
        .iter()
        .filter(|(name, value)| {
            &*name.local != "style"
                || value.contains("white-space")
                || match keeps {
                    KeptStyles::HidingOrHolding => value.contains("display"),
                    KeptStyles::HidingOnly => value.contains("display") && value.contains("none"),
                }
        })
        .map(|(name, value)| Attribute {
            name: qual_name(&name.ns, &name.local),
            value: value.clone(),
        })
        .collect()
}

/// Whether the document has a `<style>` element outside its `<head>` (which is not given to
/// html2text).
fn styles_outside_head(doc: &Html) -> bool {
    let named = |node: &ego_tree::NodeRef<Node>, name: &str| matches!(node.value(), Node::Element(el) if el.name() == name);
    doc.tree
        .nodes()
        .any(|node| named(&node, "style") && !node.ancestors().any(|a| named(&a, "head")))
}

fn is_nowrap(style: &str) -> bool {
    style.contains("nowrap") && style.replace(' ', "").contains("white-space:nowrap")
}

/// Puts the block mark at the start of `element`.
fn mark(dom: &RcDom, element: &html2text::Handle) {
    dom.append(
        element,
        NodeOrText::AppendText(BLOCK_START.to_string().into()),
    );
}

/// A kept comment as text where a table has no place for text: a row of its own between rows,
/// a cell of its own between cells. html2text reads rows only inside a row group, so a comment
/// straight under `<table>` (MJML's mj-table puts one before its `<tbody>`) gets a group too.
fn kept_comment(dom: &RcDom, parent: &html2text::Handle, text: &str) {
    let wrappers: &[&str] = match parent.element_name().as_deref() {
        Some("table") => &["tbody", "tr", "td"],
        Some("tbody" | "thead" | "tfoot") => &["tr", "td"],
        Some("tr") => &["td"],
        _ => &[],
    };
    let holder = wrappers.iter().fold(parent.clone(), |outer, name| {
        let inner = dom.create_element(
            qual_name("http://www.w3.org/1999/xhtml", name),
            Vec::new(),
            ElementFlags::default(),
        );
        dom.append(&outer, NodeOrText::AppendNode(inner.clone()));
        inner
    });
    dom.append(&holder, NodeOrText::AppendText(text.into()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prepared DOM as HTML, with non-breaking spaces left as characters.
    fn prepared(html: &str) -> String {
        prepared_keeping(html, None)
    }

    /// The same, keeping the comments `keep` accepts.
    fn prepared_keeping(html: &str, keep: Keep) -> String {
        let mut out = Vec::new();
        let dom = prepare(&Html::parse_document(html), keep);
        dom.serialize(&mut out).expect("serialise to memory");
        String::from_utf8(out)
            .expect("html5ever writes UTF-8")
            .replace("&nbsp;", "\u{a0}")
    }

    #[test]
    fn only_styles_that_can_hide_or_hold_together_survive() {
        let html = r#"<p style="color:red">a</p><div style="display:none;x:y">b</div><i style="display:block">c</i><span style="white-space:nowrap">d</span>"#;
        let out = prepared(html);
        assert!(
            out.contains(&format!(
                r#"<p>{BLOCK_START}a</p><div style="display:none;x:y">b</div><i>c</i><span style="white-space:nowrap">d</span>"#
            )),
            "{out}"
        );
    }

    #[test]
    fn a_display_that_cannot_hide_stays_only_where_a_body_sheet_could_hide() {
        let html = r#"<div style="display:block;color:red">a</div><p style="display: none">b</p>"#;
        let out = prepared(html);
        assert!(out.contains("<div>a</div>"), "{out}");
        assert!(out.contains(r#"<p style="display: none">"#), "{out}");
        // after body content, so the parser leaves the sheet in the body
        let sheet = format!("{html}<style>div {{ display: none }}</style>");
        let out = prepared(&sheet);
        assert!(
            out.contains(r#"<div style="display:block;color:red">a</div>"#),
            "{out}"
        );
    }

    #[test]
    fn short_links_and_nowrap_keep_their_words_together() {
        let html = r#"<html><head><title>x</title></head><body><p>See <a href="https://x.example">our help centre</a> or call <span style="white-space: nowrap">+44 117 496 0321</span></p></body></html>"#;
        let prepared = prepared(html);
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
            !prepared.contains("<title>") && !prepared.contains("<head>"),
            "the head is dropped: {prepared}"
        );
    }

    #[test]
    fn paragraphs_and_data_tables_are_marked_layout_tables_not() {
        // a layout table of two columns stays a table, its cells unmarked
        let html = r#"<table role="presentation"><tr><td><p>Hello</p></td><td>side</td></tr></table><table><tr><td>Item</td><td>£5</td></tr></table>"#;
        let prepared = prepared(html);
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
        let at =
            |text: &str| format!(r#"<body><p><a href="https://x.example">{text}</a></p></body>"#);
        // 38 characters once `&amp;` is decoded; with " c" 40: kept together; with " cd" 41: may wrap
        let forty = format!("{}&amp;{}", "a ".repeat(17), "b ".repeat(2).trim_end());
        assert!(prepared(&at(&format!("{forty} c"))).contains('\u{a0}'));
        assert!(!prepared(&at(&format!("{forty} cd"))).contains('\u{a0}'));
    }

    #[test]
    fn each_data_table_is_marked_once_at_its_first_cell_however_nested() {
        let html = r#"<table role="presentation"><tr><td><table><tr><th>Item</th><td>Price</td></tr></table></td></tr></table><table><tr><td><table role="presentation"><tr><td>inner</td></tr></table></td><td>x</td></tr></table>"#;
        let prepared = prepared(html);
        // each data table once, and the cell of the outer one-column layout table (not the
        // inner one's, inside a table kept as a table)
        assert_eq!(prepared.matches(BLOCK_START).count(), 3, "{prepared}");
        assert!(
            prepared.contains(&format!(
                "<div>{BLOCK_START}<table><tbody><tr><th>{BLOCK_START}Item</th><td>Price"
            )),
            "{prepared}"
        );
        // the inner layout table, one column, is plain blocks
        assert!(
            prepared.contains(&format!(
                "<td>{BLOCK_START}<div role=\"presentation\"><div><div><div>inner"
            )),
            "{prepared}"
        );
    }

    #[test]
    fn one_column_layout_tables_become_blocks_columns_and_data_tables_stay() {
        let stacked = r#"<table role="presentation"><tbody><tr><td><p>a</p></td></tr><tr><td><p>b</p></td></tr></tbody></table>"#;
        let columns = r#"<table role="presentation"><tr><td>left</td><td>right</td></tr></table>"#;
        let data = r#"<table><tr><td>only</td></tr></table>"#;
        let prepared = prepared(&format!("{stacked}{columns}{data}"));
        assert!(
            prepared.contains(&format!(
                r#"<div role="presentation"><div><div><div>{BLOCK_START}<p>{BLOCK_START}a</p></div></div><div><div>{BLOCK_START}<p>{BLOCK_START}b</p></div></div></div></div>"#
            )),
            "{prepared}"
        );
        assert!(
            prepared.contains(
                r#"<table role="presentation"><tbody><tr><td>left</td><td>right</td></tr>"#
            ),
            "{prepared}"
        );
        assert!(
            prepared.contains(&format!("<table><tbody><tr><td>{BLOCK_START}only")),
            "{prepared}"
        );
    }

    #[test]
    fn blocks_inside_a_table_kept_as_a_table_are_not_set_apart() {
        // a column of two blocks beside another column: a blank line there would split a row
        let html = r#"<table role="presentation"><tr><td><table role="presentation"><tr><td>a</td></tr><tr><td>b</td></tr></table></td><td>c</td></tr></table>"#;
        let prepared = prepared(html);
        assert!(
            prepared.contains(r#"<td><div role="presentation"><div><div><div>a</div></div><div><div>b</div></div></div></div></td><td>c</td>"#),
            "{prepared}"
        );
    }

    #[test]
    fn with_send_time_markers_layout_tables_stay_tables() {
        let html = r#"<table role="presentation"><tbody><tr><td>a</td></tr><!--{{#each items}}--><tr><td>b</td></tr></tbody></table>"#;
        let out = prepared_keeping(html, Some(&|c: &str| c.starts_with("{{")));
        assert!(
            out.contains("<tr><td>a</td></tr><tr><td>{{#each items}}</td></tr><tr><td>b</td></tr>"),
            "{out}"
        );
    }

    #[test]
    fn nowrap_holds_until_its_own_end_tag() {
        let html = r#"<div style="white-space:nowrap">a b <span style="white-space: nowrap">c d</span> e f</div><p>g h</p>"#;
        let prepared = prepared(html);
        assert!(prepared.contains("a\u{a0}b"), "{prepared}");
        assert!(prepared.contains("c\u{a0}d"), "{prepared}");
        assert!(prepared.contains("e\u{a0}f"), "{prepared}");
        assert!(prepared.contains("g h"), "{prepared}");
    }

    #[test]
    fn kept_comments_become_text_rows_between_rows_and_vanish_otherwise() {
        let html = "<table><tbody><!--{{#each items}}--><tr><td>x</td></tr><!--other--></tbody></table><p>a<!--{{/each}}-->b</p>";
        let out = prepared_keeping(html, Some(&|c: &str| c.starts_with("{{")));
        assert!(
            out.contains("<tbody><tr><td>{{#each items}}</td></tr><tr>"),
            "{out}"
        );
        assert!(out.contains("a{{/each}}b"), "{out}");
        assert!(!out.contains("other"), "{out}");
    }
}
