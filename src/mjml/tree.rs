//! Reads MJML text into the tree that MJML's own parser (mjml-parser-xml on htmlparser2) builds,
//! using a WHATWG HTML tokenizer (html5gum), so everything mjml accepts reads here too: CRLF line
//! endings, unquoted attribute values, attributes on closing tags, upper-case tag names,
//! comments anywhere. As in MJML:
//! - the content of an *ending tag* (`mj-text`, `mj-button`, `mj-table`, `mj-raw`, `mj-style`…)
//!   is kept as the raw text between its tags, trimmed, whatever markup it holds;
//! - text outside ending tags is not part of the document (mjml's parser drops it), but for the
//!   value of an `mj-html-attribute`;
//! - `mj-include` is replaced by what it includes (see [`super::include`]);
//! - an element that never holds children (`mj-image`, `mj-divider`…) may be left unclosed.
//!
//! What MJML would silently turn into a broken email is an error that points at the spot: an
//! element never closed (named, with the line it was opened on) and a closing tag that matches
//! no open element.

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::document::{Child, Element, Pos, Problem};
use super::include::Includes;

/// Elements whose content MJML copies verbatim (`endingTag` in mjml's components).
pub(super) const ENDING_TAGS: [&str; 13] = [
    "mj-accordion-text",
    "mj-accordion-title",
    "mj-button",
    "mj-carousel-image",
    "mj-breakpoint",
    "mj-navbar-link",
    "mj-preview",
    "mj-raw",
    "mj-social-element",
    "mj-style",
    "mj-table",
    "mj-text",
    "mj-title",
];

/// MJML elements that never hold children: left unclosed, they are closed by their parent's
/// closing tag, as htmlparser2 does.
const CHILDLESS: [&str; 8] = [
    "mj-image",
    "mj-divider",
    "mj-spacer",
    "mj-font",
    "mj-all",
    "mj-class",
    "mj-html-attribute",
    "mj-include",
];

/// Deepest nesting of elements outside ending tags. Real emails nest under a dozen levels;
/// mrml's renderer recurses per level and overflows a 2 MiB thread stack (a test thread, a
/// build worker) near 200 in a debug build.
pub(super) const MAX_DEPTH: usize = 64;

/// HTML elements that never have a closing tag.
const VOID_HTML: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Reads `text` (origin `origin`) into its root element, expanding includes through `includes`.
pub(super) fn read(text: &str, origin: usize, includes: &mut Includes) -> Result<Element, Problem> {
    let mut reader = Reader {
        text,
        origin,
        stack: Vec::new(),
        root: None,
        css_includes: Vec::new(),
    };
    reader.run(includes)?;
    let mut root = match reader.root {
        Some(root) if root.name == "mjml" => root,
        Some(other) => {
            return Err(Problem::NoRoot {
                found: Some((other.name, other.at)),
            });
        }
        None => return Err(Problem::NoRoot { found: None }),
    };
    // mjml adds `mj-include type="css"` styles at the end of the head, once all is read.
    if !reader.css_includes.is_empty() {
        let at = root.at;
        let head = head_of(&mut root, at);
        head.children
            .extend(reader.css_includes.into_iter().map(Child::Element));
    }
    Ok(root)
}

/// The first `mj-head` of `root`, created at the end when there is none (as mjml does).
pub(super) fn head_of(root: &mut Element, at: Pos) -> &mut Element {
    let index = match root
        .children
        .iter()
        .position(|c| matches!(c, Child::Element(e) if e.name == "mj-head"))
    {
        Some(index) => index,
        None => {
            root.children
                .push(Child::Element(Element::new("mj-head", at)));
            root.children.len() - 1
        }
    };
    match &mut root.children[index] {
        Child::Element(head) => head,
        Child::Comment(_) => unreachable!("index points at an element"),
    }
}

struct Reader<'t> {
    text: &'t str,
    origin: usize,
    /// Open elements; `stack[0]` is the root once it is open.
    stack: Vec<Element>,
    /// The root, once closed.
    root: Option<Element>,
    /// `mj-include type="css"` styles, added to the head at the end.
    css_includes: Vec<Element>,
}

/// An ending tag being read: the element and where its content starts.
struct Ending {
    element: Element,
    content_start: usize,
    depth: usize,
}

impl Reader<'_> {
    fn pos(&self, offset: usize) -> Pos {
        Pos {
            origin: self.origin,
            offset,
        }
    }

    fn run(&mut self, includes: &mut Includes) -> Result<(), Problem> {
        let mut emitter = DefaultEmitter::<usize>::new_with_span();
        // <style>, <script>, <title>… inside mj-raw and mj-text hold raw text, as in browsers.
        emitter.naively_switch_states(true);
        let mut ending: Option<Ending> = None;
        for token in Tokenizer::new_with_emitter(self.text, emitter) {
            let Ok(token) = token;
            if self.root.is_some() {
                // Anything after the root element is not part of the document.
                break;
            }
            if let Some(current) = &mut ending {
                if let Some(end) = ending_tag_end(current, &token) {
                    if let Some(mut done) = ending.take() {
                        let raw = self.text.get(done.content_start..end).unwrap_or("");
                        done.element.content = Some(raw.trim().to_string());
                        self.attach(done.element);
                    }
                }
                continue;
            }
            match token {
                Token::StartTag(tag) => ending = self.start_tag(&tag, includes)?,
                Token::EndTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    self.close(&name, self.pos(tag.span.start))?;
                }
                Token::Comment(comment) => {
                    let raw = self.text.get(comment.span.start..comment.span.end);
                    if let (Some(parent), Some(raw)) = (self.stack.last_mut(), raw) {
                        parent.children.push(Child::Comment(raw.to_string()));
                    }
                }
                Token::String(text) => {
                    self.text_outside_ending_tags(text.span.start..text.span.end)
                }
                // Doctypes and recoverable tokenizer errors are not part of an MJML document.
                Token::Doctype(_) | Token::Error(_) => {}
            }
        }
        let open = ending.map(|e| e.element).or_else(|| self.stack.pop());
        match open {
            Some(open) => Err(Problem::Unclosed {
                name: open.name,
                at: open.at,
                closed_by: None,
            }),
            None => Ok(()),
        }
    }

    /// Handles a start tag; returns the ending tag whose content starts there, if it is one.
    fn start_tag(
        &mut self,
        tag: &html5gum::StartTag<usize>,
        includes: &mut Includes,
    ) -> Result<Option<Ending>, Problem> {
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        let at = self.pos(tag.span.start);
        if name == "mj-include" {
            self.include(&attributes(self.text, &tag.attributes), at, includes)?;
            return Ok(None);
        }
        let mut element = Element::new(&name, at);
        element.attrs = attributes(self.text, &tag.attributes);
        if ENDING_TAGS.contains(&name.as_str()) && !tag.self_closing {
            return Ok(Some(Ending {
                element,
                content_start: tag.span.end,
                depth: 1,
            }));
        }
        if tag.self_closing || VOID_HTML.contains(&name.as_str()) {
            self.attach(element);
        } else if self.stack.len() >= MAX_DEPTH {
            return Err(Problem::TooDeep { at });
        } else {
            self.stack.push(element);
        }
        Ok(None)
    }

    /// Text outside ending tags is not part of the document, but for the value of an
    /// `mj-html-attribute`, as in mjml.
    fn text_outside_ending_tags(&mut self, span: std::ops::Range<usize>) {
        let raw = self.text.get(span).unwrap_or("");
        if let Some(parent) = self.stack.last_mut() {
            if parent.name == "mj-html-attribute" {
                let content = parent.content.get_or_insert_with(String::new);
                content.push_str(raw.trim());
            }
        }
    }

    /// Adds a finished element to the open parent, or makes it the root.
    fn attach(&mut self, element: Element) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(Child::Element(element)),
            None => {
                if self.root.is_none() {
                    self.root = Some(element);
                }
            }
        }
    }

    /// Handles `</name>`: closes the matching open element, and the childless elements left
    /// open inside it.
    fn close(&mut self, name: &str, at: Pos) -> Result<(), Problem> {
        if name == "mj-include" {
            return Ok(());
        }
        let Some(index) = self.stack.iter().rposition(|e| e.name == name) else {
            if !name.starts_with("mj") {
                // htmlparser2 ignores a stray closing tag; only MJML structure matters here.
                return Ok(());
            }
            let open = self
                .stack
                .iter()
                .rev()
                .find(|e| e.name.starts_with("mj"))
                .map(|e| (e.name.clone(), e.at));
            return Err(Problem::Mismatched {
                name: name.to_string(),
                at,
                open,
            });
        };
        while self.stack.len() > index + 1 {
            let Some(inner) = self.stack.pop() else {
                break;
            };
            let mj = inner.name.starts_with("mj");
            if mj && !CHILDLESS.contains(&inner.name.as_str()) {
                return Err(Problem::Unclosed {
                    name: inner.name,
                    at: inner.at,
                    closed_by: Some((name.to_string(), at)),
                });
            }
            if mj && inner.elements().next().is_some() {
                return Err(Problem::Swallowed {
                    name: inner.name,
                    at: inner.at,
                });
            }
            self.attach(inner);
        }
        if let Some(element) = self.stack.pop() {
            self.attach(element);
        }
        Ok(())
    }

    /// Replaces an `mj-include` by what it includes, as mjml does: an MJML file's body parts in
    /// place and its head parts at the end of the document's head; `type="css"` as a style at the
    /// end of the head; `type="html"` as an `mj-raw` in place.
    fn include(
        &mut self,
        attrs: &[(String, String)],
        at: Pos,
        includes: &mut Includes,
    ) -> Result<(), Problem> {
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let Some(path) = get("path") else {
            return Err(Problem::Include {
                message: "mj-include has no `path` attribute".into(),
                at,
            });
        };
        let kind = get("type").unwrap_or("mjml");
        let file = includes.load(path, self.origin, at)?;
        match kind {
            "css" => {
                let mut style = Element::new("mj-style", at);
                if get("css-inline") == Some("inline") {
                    style.attrs.push(("inline".into(), "inline".into()));
                }
                style.content = Some(file.text.clone());
                self.css_includes.push(style);
            }
            "html" => {
                let mut raw = Element::new("mj-raw", at);
                raw.content = Some(file.text.clone());
                self.attach(raw);
            }
            _ => {
                let included = includes.read_mjml(&file, at)?;
                self.merge_included(included, at);
            }
        }
        Ok(())
    }

    /// Puts an included document's body children in place and its head children at the end of
    /// this document's head.
    fn merge_included(&mut self, mut included: Element, at: Pos) {
        let take = |root: &mut Element, name: &str| -> Vec<Child> {
            root.children
                .iter_mut()
                .find_map(|c| match c {
                    Child::Element(e) if e.name == name => Some(std::mem::take(&mut e.children)),
                    _ => None,
                })
                .unwrap_or_default()
        };
        let body = take(&mut included, "mj-body");
        let head = take(&mut included, "mj-head");
        match self.stack.last_mut() {
            Some(parent) => parent.children.extend(body),
            None => return,
        }
        if head.is_empty() {
            return;
        }
        // The head may still be open (an include inside mj-head), or already closed.
        if let Some(open) = self
            .stack
            .iter_mut()
            .skip(1)
            .take(1)
            .find(|e| e.name == "mj-head")
        {
            open.children.extend(head);
        } else if let Some(root) = self.stack.first_mut() {
            head_of(root, at).children.extend(head);
        }
    }
}

/// If `token` ends the ending tag being read, the offset where its content ends.
fn ending_tag_end(current: &mut Ending, token: &Token<usize>) -> Option<usize> {
    match token {
        Token::StartTag(tag) if !tag.self_closing => {
            let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
            if ENDING_TAGS.contains(&name.as_str()) {
                current.depth += 1;
            }
            None
        }
        Token::EndTag(tag) => {
            let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
            if ENDING_TAGS.contains(&name.as_str()) {
                current.depth -= 1;
                if current.depth == 0 {
                    return Some(tag.span.start);
                }
            }
            None
        }
        _ => None,
    }
}

/// Attributes in source order, their values as written (character references not decoded), as
/// mjml's parser keeps them: `&amp;`, `<%= url %>` and `{{ x }}` reach the email unchanged.
fn attributes(
    text: &str,
    map: &std::collections::BTreeMap<
        html5gum::HtmlString,
        html5gum::Spanned<html5gum::HtmlString, usize>,
    >,
) -> Vec<(String, String)> {
    let mut attrs: Vec<_> = map
        .iter()
        .map(|(name, value)| {
            let written = text
                .get(value.span.start..value.span.end.min(text.len()))
                .and_then(value_as_written);
            let start = value.span.start;
            let value = written.map_or_else(
                || String::from_utf8_lossy(&value.value).into_owned(),
                str::to_string,
            );
            (start, String::from_utf8_lossy(name).into_owned(), value)
        })
        .collect();
    attrs.sort_by_key(|(start, _, _)| *start);
    attrs.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// The value of an attribute as written in its source text `name="value"`, `name='value'` or
/// `name=value` (the span the tokenizer gives for it); `""` when it has none.
fn value_as_written(attribute: &str) -> Option<&str> {
    let Some(equals) = attribute.find('=') else {
        return Some("");
    };
    let rest = attribute[equals + 1..].trim_start();
    match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let inner = &rest[1..];
            inner.find(quote).map(|end| &inner[..end])
        }
        Some(_) => {
            let end = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .unwrap_or(rest.len());
            Some(&rest[..end])
        }
        None => Some(""),
    }
}

#[cfg(test)]
mod tests {
    use super::value_as_written;

    #[test]
    fn attribute_values_are_taken_as_written() {
        assert_eq!(
            value_as_written("href=\"?a=1&amp;b={{x}}\""),
            Some("?a=1&amp;b={{x}}")
        );
        assert_eq!(value_as_written("title='say \"hi\"'"), Some("say \"hi\""));
        assert_eq!(value_as_written("padding=0 "), Some("0"));
        assert_eq!(value_as_written("src=x/>"), Some("x/"));
        assert_eq!(
            value_as_written("href = \"<%= url %>\""),
            Some("<%= url %>")
        );
        assert_eq!(value_as_written("hidden"), Some(""));
    }
}
