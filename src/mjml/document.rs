//! The MJML document as mjml's parser sees it: elements with their attributes, comments, the
//! raw content of ending tags, where each came from, and what can be wrong with it.

/// A place in one of the texts the document was read from: `origin` 0 is the template's own
/// (rendered) text, others are included files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    /// Which text.
    pub origin: usize,
    /// Byte offset in that text.
    pub offset: usize,
}

/// A node of the MJML tree.
#[derive(Debug, Clone)]
pub(super) enum Child {
    /// An MJML (or stray HTML) element.
    Element(Element),
    /// A comment, as written (`<!--…-->`).
    Comment(String),
}

/// An element with its attributes (first occurrence wins, values decoded) in source order.
#[derive(Debug, Clone)]
pub(super) struct Element {
    /// Lower-case tag name.
    pub name: String,
    /// Attributes in source order.
    pub attrs: Vec<(String, String)>,
    /// Child elements and comments (never for ending tags).
    pub children: Vec<Child>,
    /// The raw content of an ending tag, trimmed.
    pub content: Option<String>,
    /// Where the start tag is.
    pub at: Pos,
}

impl Element {
    pub(super) fn new(name: &str, at: Pos) -> Element {
        Element {
            name: name.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
            content: None,
            at,
        }
    }

    /// The value of attribute `name`.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child element called `name`.
    pub(super) fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Child elements (comments skipped).
    pub(super) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(e) => Some(e),
            Child::Comment(_) => None,
        })
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Problem {
    /// An element opened at `at` is not closed before `closed_by` (or the end of the text).
    Unclosed {
        /// The element's name.
        name: String,
        /// Where it was opened.
        at: Pos,
        /// The closing tag that closed its parent first, if any.
        closed_by: Option<(String, Pos)>,
    },
    /// A closing tag that matches no open element.
    Mismatched {
        /// The closing tag's name.
        name: String,
        /// Where it is.
        at: Pos,
        /// The innermost open MJML element, if any.
        open: Option<(String, Pos)>,
    },
    /// An element that takes no children was left unclosed and swallowed what follows.
    Swallowed {
        /// The element's name.
        name: String,
        /// Where it was opened.
        at: Pos,
    },
    /// No element at all, or the first one is not `<mjml>`.
    NoRoot {
        /// The first element, if any.
        found: Option<(String, Pos)>,
    },
    /// Elements nested deeper than [`super::tree::MAX_DEPTH`].
    TooDeep {
        /// The element that went past the limit.
        at: Pos,
    },
    /// An mj-include could not be used.
    Include {
        /// What went wrong, in a designer's words.
        message: String,
        /// The mj-include tag.
        at: Pos,
    },
}
