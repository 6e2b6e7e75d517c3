//! Writes the MJML tree back as text mrml parses exactly as mjml would have understood the
//! original: every attribute quoted (its value as written), only the elements mjml renders (an element
//! neither mjml nor mrml knows is dropped with its content, as mjml's renderer does), and the
//! content of every ending tag replaced by a marker. The content itself is kept aside and put
//! back, byte for byte, into the rendered HTML (see [`super::finish`]): mjml copies it verbatim,
//! while mrml would re-parse it (refusing unbalanced HTML and `<` in text, and dropping the
//! whitespace between inline elements).
//!
//! Every tag written records where it came from, so mrml's errors point into the right file.

use html5gum::{State, Token, Tokenizer};

use super::document::{Child, Element, Pos};
use super::tree::ENDING_TAGS;

/// Opens a marker of kept content (a private-use character outside the U+E000–U+E0FF range
/// that template exports use for their own markers).
pub(super) const MARK_OPEN: char = '\u{F0000}';
/// Closes a marker.
pub(super) const MARK_CLOSE: char = '\u{F0001}';

/// Body elements mrml renders, with the children each takes (`None`: any body element).
const BODY_ELEMENTS: [(&str, Option<&[&str]>); 22] = [
    ("mj-accordion", Some(&["mj-accordion-element"])),
    (
        "mj-accordion-element",
        Some(&["mj-accordion-title", "mj-accordion-text"]),
    ),
    ("mj-accordion-text", None),
    ("mj-accordion-title", None),
    ("mj-button", None),
    ("mj-carousel", Some(&["mj-carousel-image"])),
    ("mj-carousel-image", None),
    ("mj-column", None),
    ("mj-divider", None),
    ("mj-group", None),
    ("mj-hero", None),
    ("mj-image", None),
    ("mj-navbar", Some(&["mj-navbar-link"])),
    ("mj-navbar-link", None),
    ("mj-raw", None),
    ("mj-section", None),
    ("mj-social", Some(&["mj-social-element"])),
    ("mj-social-element", None),
    ("mj-spacer", None),
    ("mj-table", None),
    ("mj-text", None),
    ("mj-wrapper", None),
];

/// Elements that take no attributes in mrml (MJML's `position` of mj-raw is handled here).
const NO_ATTRIBUTES: [&str; 5] = [
    "mj-raw",
    "mj-title",
    "mj-preview",
    "mj-attributes",
    "mj-head",
];

/// The document as mrml will read it, and what is kept aside.
#[derive(Debug, Default)]
pub(super) struct Canonical {
    /// MJML text for mrml.
    pub text: String,
    /// Ending-tag contents, by marker number.
    pub raws: Vec<String>,
    /// Start offsets in `text` of the written tags and markers, with where each came from.
    pub segments: Vec<(usize, Pos)>,
    /// Root `mj-raw position="file-start"` content, written before the doctype.
    pub before_doctype: String,
    /// The text of the document's own `mj-title`, entities decoded.
    pub title: Option<String>,
    /// The text of the document's own `mj-preview`, markup dropped and entities decoded.
    pub preview: Option<String>,
    /// Head elements mjml drops (unknown in mj-head), with where they are.
    pub dropped: Vec<(String, Pos)>,
    /// `mj-html-attributes` blocks of the head.
    pub html_attributes: Vec<Element>,
}

impl Canonical {
    /// Where the text at `offset` of [`Canonical::text`] came from.
    pub(super) fn source_of(&self, offset: usize) -> Option<Pos> {
        let index = self.segments.partition_point(|(start, _)| *start <= offset);
        index.checked_sub(1).map(|i| self.segments[i].1)
    }

    /// The kept content of marker `n`.
    pub(super) fn raw(&self, n: usize) -> Option<&str> {
        self.raws.get(n).map(String::as_str)
    }
}

/// Writes `root` (an `<mjml>` element) for mrml.
pub(super) fn write(root: &Element) -> Canonical {
    let mut out = Canonical::default();
    out.open(root, Some(&["owa", "lang", "dir"]));
    if let Some(head) = root.child("mj-head") {
        out.head(head);
    }
    if let Some(body) = root.child("mj-body") {
        out.open(body, None);
        out.children(body, None);
        out.close("mj-body");
    }
    let file_start: Vec<&str> = root
        .elements()
        .filter(|e| e.name == "mj-raw" && e.attr("position") == Some("file-start"))
        .filter_map(|e| e.content.as_deref())
        .collect();
    out.before_doctype = file_start.join("\n");
    out.close("mjml");
    out
}

impl Canonical {
    fn head(&mut self, head: &Element) {
        self.open(head, None);
        for child in &head.children {
            let element = match child {
                Child::Comment(text) => {
                    self.text.push_str(text);
                    continue;
                }
                Child::Element(element) => element,
            };
            match element.name.as_str() {
                "mj-attributes" => self.attributes(element),
                "mj-breakpoint" => self.empty(element, Some(&["width"])),
                "mj-font" if element.attr("name").is_some() && element.attr("href").is_some() => {
                    self.empty(element, Some(&["name", "href"]));
                }
                "mj-font" => {}
                "mj-title" => {
                    let text = decode(element.content.as_deref().unwrap_or(""), true);
                    self.open(element, None);
                    self.text.push_str(&crate::html::escape(&text));
                    self.close("mj-title");
                    self.title.get_or_insert(text);
                }
                "mj-preview" => {
                    let raw = element.content.as_deref().unwrap_or("");
                    self.preview.get_or_insert_with(|| decode(raw, false));
                    self.ending(element);
                }
                "mj-style" => self.ending(element),
                "mj-raw" => self.ending(element),
                "mj-html-attributes" => self.html_attributes.push(element.clone()),
                _ => self.dropped.push((element.name.clone(), element.at)),
            }
        }
        self.close("mj-head");
    }

    /// `mj-attributes`: defaults per element, `mj-all` and `mj-class` (with a name).
    fn attributes(&mut self, element: &Element) {
        self.open(element, None);
        for child in element.elements() {
            if child.name == "mj-class" && child.attr("name").is_none() {
                continue;
            }
            self.empty(child, None);
        }
        self.close("mj-attributes");
    }

    /// The children of a body element; `allowed` limits them to what the parent takes.
    fn children(&mut self, parent: &Element, allowed: Option<&[&str]>) {
        let takes_comments = parent.name != "mj-accordion-element";
        for child in &parent.children {
            match child {
                Child::Comment(text) if takes_comments => self.text.push_str(text),
                Child::Comment(_) => {}
                Child::Element(element) => {
                    if allowed.is_some_and(|names| !names.contains(&element.name.as_str())) {
                        continue;
                    }
                    self.body_element(element);
                }
            }
        }
    }

    fn body_element(&mut self, element: &Element) {
        let Some((_, allowed)) = BODY_ELEMENTS.iter().find(|(n, _)| *n == element.name) else {
            // Neither mjml nor mrml renders it: dropped with its content, as in mjml.
            return;
        };
        match element.name.as_str() {
            "mj-carousel-image" => self.empty(element, None),
            name if ENDING_TAGS.contains(&name) => self.ending(element),
            "mj-image" | "mj-divider" | "mj-spacer" => self.empty(element, None),
            name => {
                self.open(element, None);
                self.children(element, *allowed);
                self.close(name);
            }
        }
    }

    /// An ending tag: its content becomes a marker.
    fn ending(&mut self, element: &Element) {
        let content = element.content.as_deref().unwrap_or("");
        let only: Option<&[&str]> = (element.name == "mj-style").then_some(&["inline"]);
        if content.is_empty() {
            self.empty(element, only);
            return;
        }
        self.open(element, only);
        self.segments.push((self.text.len(), element.at));
        self.text.push(MARK_OPEN);
        self.text.push_str(&self.raws.len().to_string());
        self.text.push(MARK_CLOSE);
        self.raws.push(content.to_string());
        self.close(&element.name);
    }

    /// `<name …>`; `only` lists the attributes mrml takes (`None`: any).
    fn open(&mut self, element: &Element, only: Option<&[&str]>) {
        self.start_tag(element, only);
        self.text.push('>');
    }

    fn empty(&mut self, element: &Element, only: Option<&[&str]>) {
        self.start_tag(element, only);
        self.text.push_str(" />");
    }

    fn start_tag(&mut self, element: &Element, only: Option<&[&str]>) {
        self.segments.push((self.text.len(), element.at));
        self.text.push('<');
        self.text.push_str(&element.name);
        if NO_ATTRIBUTES.contains(&element.name.as_str()) {
            return;
        }
        for (name, value) in &element.attrs {
            if only.is_some_and(|names| !names.contains(&name.as_str())) {
                continue;
            }
            if !is_attribute_name(name) {
                continue;
            }
            self.text.push(' ');
            self.text.push_str(name);
            self.text.push_str("=\"");
            self.text.push_str(&escape_attribute(value));
            self.text.push('"');
        }
    }

    fn close(&mut self, name: &str) {
        self.text.push_str("</");
        self.text.push_str(name);
        self.text.push('>');
    }
}

/// Names mrml's tokenizer reads as attribute names (letters, digits, `-`, `_`, `.`, `:`).
fn is_attribute_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// An attribute value, as written in the template, for a double-quoted attribute: only a double
/// quote (from a single-quoted value) needs escaping.
fn escape_attribute(value: &str) -> String {
    value.replace('"', "&quot;")
}

/// The text of MJML title or preview content: character references decoded; as a browser reads
/// a `<title>` (`rcdata`: tags are text) or, otherwise, with tags dropped. Whitespace collapsed.
pub(super) fn decode(raw: &str, rcdata: bool) -> String {
    let mut tokenizer = Tokenizer::new(raw);
    if rcdata {
        tokenizer.set_state(State::RcData);
    }
    let mut text = String::new();
    for token in tokenizer {
        let Ok(token) = token;
        if let Token::String(s) = token {
            text.push_str(&String::from_utf8_lossy(&s.value));
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
