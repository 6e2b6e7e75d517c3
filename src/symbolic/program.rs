//! A compiled part of an email (HTML, text, subject or preheader) as a tree: static text, send-time
//! values, conditionals and loops. Built once per template and locale from the marked output of
//! a symbolic render; evaluated per email with real data; printed in an email service's template
//! language by `export`. Evaluating it and rendering its export with the same data give the
//! same text, because both are this tree.

use std::fmt;

use serde_json::{Map, Value};

use super::markers::{self, Entry, Found, Kind, Registry};
use super::path::{Path, Seg};

/// How a value is written where it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As it is (plain text parts, `| safe`).
    None,
    /// HTML-escaped, like Tera's autoescape.
    Html,
    /// Inside CSS (a `style` attribute or element): CSS-escaped, then HTML-escaped, so data
    /// cannot end the declaration or the attribute.
    Css,
}

/// What a value node prints.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// The value at a path.
    Path(Path),
    /// A formatting filter applied to the value at a path at send time.
    Derived {
        /// The data it is computed from.
        input: Path,
        /// The filter name.
        filter: String,
        /// Its arguments (never send-time data: the filter guard refuses that).
        args: Map<String, Value>,
    },
    /// The position in a loop over a list.
    LoopIndex {
        /// The list.
        list: Path,
        /// Counting from zero.
        zero_based: bool,
    },
}

/// What a conditional tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// The truth of the value at a path (Tera's rules: empty text, zero, empty list, null and a
    /// missing value are false).
    Path(Path),
    /// Whether the loop over a list is at its first (`last: false`) or last item.
    LoopEdge {
        /// The list.
        list: Path,
        /// Last rather than first.
        last: bool,
    },
}

/// One node of a compiled part.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Static text.
    Text(String),
    /// A send-time value.
    Value {
        /// What it prints.
        slot: Slot,
        /// How it is escaped.
        escape: Escape,
    },
    /// A conditional.
    If {
        /// The test.
        cond: Cond,
        /// `not`.
        negated: bool,
        /// Shown when the test holds.
        then: Vec<Node>,
        /// Shown otherwise.
        otherwise: Vec<Node>,
    },
    /// A loop over a list.
    Each {
        /// The list.
        list: Path,
        /// Shown once per item.
        body: Vec<Node>,
        /// Shown when the list is empty.
        empty: Vec<Node>,
    },
}

/// Which part a text is, which decides escaping and where markers may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The HTML.
    Html,
    /// Plain text: the text part, subject, preheader.
    Text,
}

/// The marked output does not form a well-nested program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// A marker was changed on its way (byte offset): a filter or an MJML computation.
    Damaged(usize),
    /// A marker number that the registry does not know.
    Unknown(usize),
    /// An else or end without its opening, or an opening never closed: MJML moved part of a
    /// conditional or loop (e.g. into an Outlook-only comment).
    Unbalanced,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Damaged(_) => f.write_str("a send-time value was changed on its way into the HTML (by a filter or an MJML attribute that MJML computes with)"),
            ParseError::Unknown(_) => f.write_str("an unknown placeholder marker"),
            ParseError::Unbalanced => f.write_str("MJML moved part of a send-time conditional or loop (for example into an Outlook-only comment of mj-wrapper); put the condition inside a section's column"),
        }
    }
}

/// Parses marked text into nodes.
pub fn parse(text: &str, registry: &Registry, channel: Channel) -> Result<Vec<Node>, ParseError> {
    let found = markers::scan(text).map_err(ParseError::Damaged)?;
    let contexts = match channel {
        Channel::Html => css_contexts(text, &found),
        Channel::Text => vec![false; found.len()],
    };
    // Control markers with their comment wrapper and standalone line.
    let mut cuts: Vec<(usize, usize)> = found
        .iter()
        .map(|m| {
            let wrapped = m.kind == Kind::Control
                && text[..m.start].ends_with("<!--")
                && text[m.end..].starts_with("-->");
            if wrapped {
                (m.start - 4, m.end + 3)
            } else {
                (m.start, m.end)
            }
        })
        .collect();
    // Runs of control tags with only spaces between them; a run alone on its line takes the
    // line with it.
    let mut i = 0;
    while i < found.len() {
        if found[i].kind != Kind::Control {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < found.len()
            && found[j + 1].kind == Kind::Control
            && text[cuts[j].1..cuts[j + 1].0]
                .chars()
                .all(|c| c == ' ' || c == '\t')
        {
            j += 1;
        }
        let (start, end) = (cuts[i].0, cuts[j].1);
        let (line_start, through) = standalone(text, start, end);
        if (line_start, through) != (start, end) {
            // In plain text a run that stands as a paragraph of its own takes one of the blank
            // lines around it along, so a hidden block or a loop leaves one blank line.
            let own_paragraph = channel == Channel::Text
                && (line_start == 0 || text[..line_start].ends_with("\n\n"))
                && text[through..].starts_with('\n');
            cuts[i].0 = line_start;
            cuts[j].1 = through + usize::from(own_paragraph);
        }
        i = j + 1;
    }
    let mut builder = Builder::default();
    let mut pos = 0;
    for (i, m) in found.iter().enumerate() {
        let (start, end) = cuts[i];
        let start = start.max(pos);
        builder.text(&text[pos..start]);
        pos = end.max(start);
        let entry = registry.get(m.id).ok_or(ParseError::Unknown(m.id))?;
        let escape = match (channel, m.kind) {
            (Channel::Text, _) | (_, Kind::Raw) => Escape::None,
            _ if contexts[i] => Escape::Css,
            _ => Escape::Html,
        };
        builder.marker(entry, escape, registry)?;
    }
    builder.text(&text[pos..]);
    builder.finish()
}

/// Widens a control marker's range to its whole line when it stands alone on it (only
/// whitespace around it), like Mustache and Handlebars do with block tags: the line and its
/// newline disappear, so evaluating the tree and rendering its export agree.
fn standalone(text: &str, start: usize, end: usize) -> (usize, usize) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t' || c == '\r');
    if blank(&text[line_start..start]) && blank(&text[end..line_end]) {
        let through = if line_end < text.len() {
            line_end + 1
        } else {
            line_end
        };
        (line_start, through)
    } else {
        (start, end)
    }
}

/// For each marker, whether it lies in CSS: a `style` attribute or a `<style>` element.
fn css_contexts(html: &str, found: &[Found]) -> Vec<bool> {
    let mut out = Vec::with_capacity(found.len());
    let mut state = HtmlState::default();
    let mut pos = 0;
    for m in found {
        state.feed(&html[pos..m.start]);
        out.push(state.in_css());
        pos = m.end;
    }
    out
}

/// Just enough of an HTML tokenizer's state to tell attribute values (and which attribute) from
/// text, over markup serialized by html5ever (attributes double-quoted).
#[derive(Debug, Default)]
struct HtmlState {
    in_tag: bool,
    tag_name: String,
    reading_tag_name: bool,
    attr_name: String,
    in_value: Option<u8>,
    in_comment: bool,
    in_style_element: bool,
}

impl HtmlState {
    fn feed(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if self.in_comment {
                if bytes[i..].starts_with(b"-->") {
                    self.in_comment = false;
                    i += 3;
                    continue;
                }
            } else if let Some(q) = self.in_value {
                if b == q {
                    self.in_value = None;
                    self.attr_name.clear();
                }
            } else if self.in_tag {
                match b {
                    b'>' => {
                        self.in_tag = false;
                        self.in_style_element = self.tag_name.eq_ignore_ascii_case("style");
                    }
                    b'"' | b'\'' => self.in_value = Some(b),
                    b'=' => self.reading_tag_name = false,
                    c if c.is_ascii_whitespace() => {
                        if self.reading_tag_name {
                            self.reading_tag_name = false;
                        } else {
                            self.attr_name.clear();
                        }
                    }
                    c => {
                        if self.reading_tag_name {
                            self.tag_name.push(c as char);
                        } else {
                            self.attr_name.push(c as char);
                        }
                    }
                }
            } else if bytes[i..].starts_with(b"<!--") {
                self.in_comment = true;
                i += 4;
                continue;
            } else if b == b'<'
                && bytes
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/')
            {
                self.in_tag = true;
                self.reading_tag_name = true;
                self.tag_name.clear();
                self.attr_name.clear();
                if self.in_style_element && !bytes[i..].starts_with(b"</") {
                    self.in_tag = false;
                }
            }
            i += 1;
        }
    }

    fn in_css(&self) -> bool {
        (self.in_value.is_some() && self.attr_name.eq_ignore_ascii_case("style"))
            || (!self.in_tag && self.in_style_element)
    }
}

/// Builds the tree from a flat sequence of text and markers.
#[derive(Default)]
struct Builder {
    /// Open containers: the nodes so far at each level, and what opened it.
    stack: Vec<(Vec<Node>, Open)>,
    top: Vec<Node>,
}

enum Open {
    If {
        cond: Cond,
        negated: bool,
        then: Option<Vec<Node>>,
    },
    Each {
        list: Path,
        body: Option<Vec<Node>>,
    },
}

impl Builder {
    fn current(&mut self) -> &mut Vec<Node> {
        match self.stack.last_mut() {
            Some((nodes, _)) => nodes,
            None => &mut self.top,
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let nodes = self.current();
        if let Some(Node::Text(last)) = nodes.last_mut() {
            last.push_str(text);
        } else {
            nodes.push(Node::Text(text.to_string()));
        }
    }

    fn marker(
        &mut self,
        entry: &Entry,
        escape: Escape,
        registry: &Registry,
    ) -> Result<(), ParseError> {
        match entry {
            Entry::Value(path) => self.current().push(Node::Value {
                slot: Slot::Path(path.clone()),
                escape,
            }),
            Entry::Derived {
                input,
                filter,
                args,
            } => self.current().push(Node::Value {
                slot: Slot::Derived {
                    input: input.clone(),
                    filter: filter.clone(),
                    args: args.clone(),
                },
                escape,
            }),
            Entry::LoopIndex { list, zero_based } => self.current().push(Node::Value {
                slot: Slot::LoopIndex {
                    list: list.clone(),
                    zero_based: *zero_based,
                },
                escape,
            }),
            Entry::LoopFlag { .. } => return Err(ParseError::Unbalanced),
            Entry::If { subject, negated } => {
                let cond = match registry.get(*subject) {
                    Some(Entry::Value(path)) => Cond::Path(path.clone()),
                    Some(Entry::LoopFlag { list, last }) => Cond::LoopEdge {
                        list: list.clone(),
                        last: *last,
                    },
                    _ => return Err(ParseError::Unknown(*subject)),
                };
                self.stack.push((
                    Vec::new(),
                    Open::If {
                        cond,
                        negated: *negated,
                        then: None,
                    },
                ));
            }
            Entry::Each(list) => self.stack.push((
                Vec::new(),
                Open::Each {
                    list: list.clone(),
                    body: None,
                },
            )),
            Entry::Else | Entry::EachElse => {
                let (nodes, open) = self.stack.last_mut().ok_or(ParseError::Unbalanced)?;
                let slot = match (open, entry) {
                    (Open::If { then, .. }, Entry::Else) => then,
                    (Open::Each { body, .. }, Entry::EachElse) => body,
                    _ => return Err(ParseError::Unbalanced),
                };
                if slot.is_some() {
                    return Err(ParseError::Unbalanced);
                }
                *slot = Some(std::mem::take(nodes));
            }
            Entry::EndIf | Entry::EndEach => {
                let (nodes, open) = self.stack.pop().ok_or(ParseError::Unbalanced)?;
                let node = match (open, entry) {
                    (
                        Open::If {
                            cond,
                            negated,
                            then,
                        },
                        Entry::EndIf,
                    ) => {
                        let (then, otherwise) = match then {
                            Some(then) => (then, nodes),
                            None => (nodes, Vec::new()),
                        };
                        Node::If {
                            cond,
                            negated,
                            then,
                            otherwise,
                        }
                    }
                    (Open::Each { list, body }, Entry::EndEach) => {
                        let (body, empty) = match body {
                            Some(body) => (body, nodes),
                            None => (nodes, Vec::new()),
                        };
                        Node::Each { list, body, empty }
                    }
                    _ => return Err(ParseError::Unbalanced),
                };
                self.current().push(node);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<Node>, ParseError> {
        if self.stack.is_empty() {
            Ok(self.top)
        } else {
            Err(ParseError::Unbalanced)
        }
    }
}

/// Why an email could not be produced from a compiled part with the given data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The template prints a value the data does not have.
    Missing(String),
    /// The template prints something that is a list or mapping in this data.
    NotText(String),
    /// The template loops over something that is not a list in this data.
    NotAList(String),
    /// A formatting filter refused the value.
    Format {
        /// The value's path.
        path: String,
        /// The filter's own message.
        message: String,
    },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Missing(p) => {
                write!(f, "`{p}` is missing from the data: the template prints it")
            }
            EvalError::NotText(p) => write!(
                f,
                "`{p}` is a list or mapping in the data, but the template prints it as text"
            ),
            EvalError::NotAList(p) => write!(
                f,
                "`{p}` is not a list in the data, but the template loops over it"
            ),
            EvalError::Format { path, message } => write!(f, "`{path}`: {message}"),
        }
    }
}

/// Computes a formatting filter at send time: `(filter, value, args, locale)` → text.
pub type Formatter<'a> =
    &'a dyn Fn(&str, &Value, &Map<String, Value>, &str) -> Result<String, String>;

/// What evaluation needs besides the data.
pub struct Env<'a> {
    /// The email's locale (for formatting filters).
    pub locale: &'a str,
    /// The formatting filters.
    pub format: Formatter<'a>,
}

/// One enclosing loop during evaluation.
struct Scope<'d> {
    list: Path,
    item: &'d Value,
    index: usize,
    len: usize,
}

/// Evaluates `nodes` with `data`, appending to `out`.
pub fn eval(
    nodes: &[Node],
    data: &Map<String, Value>,
    env: &Env,
    out: &mut String,
) -> Result<(), EvalError> {
    let mut scopes = Vec::new();
    eval_in(nodes, data, env, &mut scopes, out)
}

fn eval_in<'d>(
    nodes: &[Node],
    data: &'d Map<String, Value>,
    env: &Env,
    scopes: &mut Vec<Scope<'d>>,
    out: &mut String,
) -> Result<(), EvalError> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Value { slot, escape } => {
                let text = slot_text(slot, data, env, scopes)?;
                write_escaped(out, &text, *escape);
            }
            Node::If {
                cond,
                negated,
                then,
                otherwise,
            } => {
                let holds = match cond {
                    Cond::Path(path) => lookup(path, data, scopes).is_some_and(truthy),
                    Cond::LoopEdge { list, last } => scopes
                        .iter()
                        .rev()
                        .find(|s| s.list == *list)
                        .is_some_and(|s| {
                            if *last {
                                s.index + 1 == s.len
                            } else {
                                s.index == 0
                            }
                        }),
                };
                let branch = if holds != *negated { then } else { otherwise };
                eval_in(branch, data, env, scopes, out)?;
            }
            Node::Each { list, body, empty } => {
                let items = match lookup(list, data, scopes) {
                    None | Some(Value::Null) => &[][..],
                    Some(Value::Array(items)) => items.as_slice(),
                    Some(_) => return Err(EvalError::NotAList(list.to_string())),
                };
                if items.is_empty() {
                    eval_in(empty, data, env, scopes, out)?;
                }
                for (index, item) in items.iter().enumerate() {
                    scopes.push(Scope {
                        list: list.clone(),
                        item,
                        index,
                        len: items.len(),
                    });
                    let result = eval_in(body, data, env, scopes, out);
                    scopes.pop();
                    result?;
                }
            }
        }
    }
    Ok(())
}

fn slot_text(
    slot: &Slot,
    data: &Map<String, Value>,
    env: &Env,
    scopes: &[Scope],
) -> Result<String, EvalError> {
    match slot {
        Slot::Path(path) => {
            let value =
                lookup(path, data, scopes).ok_or_else(|| EvalError::Missing(path.to_string()))?;
            scalar_text(value).ok_or_else(|| EvalError::NotText(path.to_string()))
        }
        Slot::Derived {
            input,
            filter,
            args,
        } => {
            let value =
                lookup(input, data, scopes).ok_or_else(|| EvalError::Missing(input.to_string()))?;
            (env.format)(filter, value, args, env.locale).map_err(|message| EvalError::Format {
                path: input.to_string(),
                message,
            })
        }
        Slot::LoopIndex { list, zero_based } => {
            let index = scopes
                .iter()
                .rev()
                .find(|s| s.list == *list)
                .map_or(0, |s| s.index);
            Ok((index + usize::from(!zero_based)).to_string())
        }
    }
}

/// The value at `path`: from the innermost loop item it lies under, else from the data.
fn lookup<'d>(
    path: &Path,
    data: &'d Map<String, Value>,
    scopes: &[Scope<'d>],
) -> Option<&'d Value> {
    for scope in scopes.iter().rev() {
        let element = scope.list.child(Seg::Each);
        if path.starts_with(&element) {
            return walk(scope.item, path.after(&element));
        }
    }
    let (first, rest) = path.0.split_first()?;
    let Seg::Key(key) = first else { return None };
    walk(data.get(key)?, rest)
}

fn walk<'d>(mut value: &'d Value, segs: &[Seg]) -> Option<&'d Value> {
    for seg in segs {
        match seg {
            Seg::Key(k) => value = value.as_object()?.get(k)?,
            Seg::Each => return None,
        }
    }
    Some(value)
}

/// Tera's truthiness.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// How Tera prints a scalar (`None` for lists and mappings).
pub fn scalar_text(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => format!("{f:?}"),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// Appends `text` escaped for its place.
pub fn write_escaped(out: &mut String, text: &str, escape: Escape) {
    match escape {
        Escape::None => out.push_str(text),
        Escape::Html => html_escape(out, text),
        Escape::Css => {
            let mut css = String::with_capacity(text.len());
            for c in text.chars() {
                if c.is_ascii_alphanumeric()
                    || matches!(c, ' ' | '#' | '.' | ',' | '%' | '-' | '_')
                    || !c.is_ascii() && !c.is_control()
                {
                    css.push(c);
                } else {
                    css.push_str(&format!("\\{:x} ", u32::from(c)));
                }
            }
            html_escape(out, &css);
        }
    }
}

fn html_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_format(_: &str, _: &Value, _: &Map<String, Value>, _: &str) -> Result<String, String> {
        Err("no formatting in this test".into())
    }

    fn run(text: &str, registry: &Registry, channel: Channel, data: Value) -> String {
        let nodes = parse(text, registry, channel).unwrap();
        let mut out = String::new();
        let env = Env {
            locale: "en",
            format: &no_format,
        };
        eval(&nodes, data.as_object().unwrap(), &env, &mut out).unwrap();
        out
    }

    fn setup() -> (Registry, [String; 6]) {
        let mut r = Registry::default();
        let name = r.add(Entry::Value(Path::parse("customer.name")));
        let items = r.add(Entry::Value(Path::parse("items")));
        let item = r.add(Entry::Value(Path::parse("items[].label")));
        let open_if = r.add(Entry::If {
            subject: items,
            negated: false,
        });
        let else_ = r.add(Entry::Else);
        let end_if = r.add(Entry::EndIf);
        let each = r.add(Entry::Each(Path::parse("items")));
        let end_each = r.add(Entry::EndEach);
        let c = |id| markers::encode(Kind::Control, id);
        let _ = (else_, end_if, end_each);
        (
            r,
            [
                markers::encode(Kind::Escaped, name),
                markers::encode(Kind::Raw, item),
                c(open_if),
                c(each),
                c(end_each),
                c(end_if),
            ],
        )
    }

    #[test]
    fn values_conditionals_and_loops_evaluate() {
        let (r, [name, item, open_if, each, end_each, end_if]) = setup();
        let text = format!(
            "Hi {name}!{open_if}<ul><!--{each}--><li>{item}</li><!--{end_each}--></ul>{end_if}"
        );
        assert_eq!(
            run(
                &text,
                &r,
                Channel::Html,
                json!({"customer": {"name": "<Ann>"}, "items": [{"label": "a"}, {"label": "b"}]})
            ),
            "Hi &lt;Ann&gt;!<ul><li>a</li><li>b</li></ul>"
        );
        assert_eq!(
            run(
                &text,
                &r,
                Channel::Html,
                json!({"customer": {"name": "Bo"}, "items": []})
            ),
            "Hi Bo!"
        );
    }

    #[test]
    fn standalone_control_lines_disappear() {
        let (r, [_, item, _, each, end_each, _]) = setup();
        let text = format!("Items:\n  {each}\n- {item}\n  {end_each}\nEnd\n");
        assert_eq!(
            run(
                &text,
                &r,
                Channel::Text,
                json!({"items": [{"label": "a"}, {"label": "b"}]})
            ),
            "Items:\n- a\n- b\nEnd\n"
        );
    }

    #[test]
    fn a_block_between_paragraphs_leaves_one_blank_line() {
        let (r, [_, item, _, each, end_each, _]) = setup();
        let text = format!("Intro\n\n{each}\n\n{item}\n\n{end_each}\n\nEnd\n");
        assert_eq!(
            run(
                &text,
                &r,
                Channel::Text,
                json!({"items": [{"label": "a"}, {"label": "b"}]})
            ),
            "Intro\n\na\n\nb\n\nEnd\n"
        );
        assert_eq!(
            run(&text, &r, Channel::Text, json!({"items": []})),
            "Intro\n\nEnd\n"
        );
    }

    #[test]
    fn values_in_style_attributes_are_css_escaped() {
        let (r, [name, ..]) = setup();
        let text = format!("<td style=\"color:{name}\">{name}</td>");
        assert_eq!(
            run(
                &text,
                &r,
                Channel::Html,
                json!({"customer": {"name": "red;x:url(y)"}})
            ),
            "<td style=\"color:red\\3b x\\3a url\\28 y\\29 \">red;x:url(y)</td>"
        );
    }

    #[test]
    fn an_else_without_its_if_is_refused() {
        let mut r = Registry::default();
        let else_ = r.add(Entry::Else);
        assert_eq!(
            parse(&markers::encode(Kind::Control, else_), &r, Channel::Html),
            Err(ParseError::Unbalanced)
        );
    }

    #[test]
    fn missing_values_name_their_path() {
        let (r, [name, ..]) = setup();
        let nodes = parse(&name, &r, Channel::Html).unwrap();
        let env = Env {
            locale: "en",
            format: &no_format,
        };
        let err = eval(&nodes, &Map::new(), &env, &mut String::new()).unwrap_err();
        assert_eq!(err, EvalError::Missing("customer.name".into()));
    }

    #[test]
    fn scalars_print_like_tera() {
        assert_eq!(scalar_text(&json!(3)).unwrap(), "3");
        assert_eq!(scalar_text(&json!(2.5)).unwrap(), "2.5");
        assert_eq!(scalar_text(&json!(2.0)).unwrap(), "2.0");
        assert_eq!(scalar_text(&json!(null)).unwrap(), "");
        assert!(scalar_text(&json!([1])).is_none());
    }
}
