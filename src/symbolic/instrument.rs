//! Rewrites a Tera template so that a render with symbolic data (markers instead of values)
//! records what depends on send-time data instead of deciding it:
//!
//! - `{% if path %}A{% else %}B{% endif %}` renders both A and B between control markers when
//!   `path` is send-time data (and behaves as before when it is not);
//! - `{% for x in path %}` over send-time data renders its body once between loop markers, and
//!   `loop.first`/`last`/`index` inside it become send-time values;
//! - every filter goes through `__lp_f`, which lets the locale formatting filters turn
//!   send-time data into a derived value and refuses any other filter on it;
//! - every path used as an operand of anything other than plain output, `~` or a filter
//!   argument is wrapped in `__lp_v`, which refuses send-time data (a comparison or arithmetic
//!   on it cannot be written in Handlebars, Mustache or Liquid).
//!
//! Each rewritten place gets a site number that the runtime functions put in their errors, so a
//! refusal names the file, line, column and the expression the designer wrote.

use std::fmt::Write;
use std::path::Path as FsPath;

use super::lexer::{self, Delimited, LexError, Piece, Tok, Token};
use super::markers::{Registry, Site};

/// Words that are never the start of a data path.
const KEYWORDS: [&str; 14] = [
    "and", "or", "not", "in", "is", "if", "else", "true", "false", "True", "False", "none", "None",
    "loop",
];

/// Filters that never change a value's content: left as they are.
const TRANSPARENT_FILTERS: [&str; 2] = ["safe", "escape"];

/// Rewrites `src` (text of the template file `file` that starts on line `first_line`) for a
/// symbolic render; sites go into `registry`.
pub fn instrument(
    src: &str,
    file: &FsPath,
    first_line: u32,
    registry: &mut Registry,
) -> Result<String, LexError> {
    let pieces = lexer::pieces(src)?;
    let mut parser = Parser {
        src,
        pieces: &pieces,
        at: 0,
    };
    let items = parser.items(&[])?;
    let mut writer = Writer {
        src,
        file,
        first_line,
        registry,
        out: String::with_capacity(src.len() * 2),
        loops: Vec::new(),
        attr: AttrTracker::default(),
    };
    writer.items(&items);
    Ok(writer.out)
}

/// The template as a tree of the tags the rewrite cares about.
#[derive(Debug)]
enum Item<'p> {
    Text(std::ops::Range<usize>),
    Verbatim(std::ops::Range<usize>),
    Output(&'p Delimited),
    Tag(&'p Delimited),
    If(IfItem<'p>),
    For(ForItem<'p>),
}

#[derive(Debug)]
struct IfItem<'p> {
    /// `if` then every `elif`: the tag and its body.
    branches: Vec<(&'p Delimited, Vec<Item<'p>>)>,
    otherwise: Option<(&'p Delimited, Vec<Item<'p>>)>,
    end: &'p Delimited,
}

#[derive(Debug)]
struct ForItem<'p> {
    open: &'p Delimited,
    body: Vec<Item<'p>>,
    otherwise: Option<(&'p Delimited, Vec<Item<'p>>)>,
    end: &'p Delimited,
}

struct Parser<'s, 'p> {
    src: &'s str,
    pieces: &'p [Piece],
    at: usize,
}

impl<'p> Parser<'_, 'p> {
    fn keyword(&self, d: &Delimited) -> &str {
        lexer::keyword(&self.src[d.inner.clone()])
    }

    /// Items until one of `stop` (a tag keyword) is next, which is left unconsumed.
    fn items(&mut self, stop: &[&str]) -> Result<Vec<Item<'p>>, LexError> {
        let mut items = Vec::new();
        while let Some(piece) = self.pieces.get(self.at) {
            match piece {
                Piece::Text(r) => items.push(Item::Text(r.clone())),
                Piece::Verbatim(r) => items.push(Item::Verbatim(r.clone())),
                Piece::Output(d) => items.push(Item::Output(d)),
                Piece::Tag(d) => {
                    let keyword = self.keyword(d);
                    if stop.contains(&keyword) {
                        return Ok(items);
                    }
                    match keyword {
                        "if" => {
                            self.at += 1;
                            items.push(Item::If(self.if_item(d)?));
                            continue;
                        }
                        "for" => {
                            self.at += 1;
                            items.push(Item::For(self.for_item(d)?));
                            continue;
                        }
                        _ => items.push(Item::Tag(d)),
                    }
                }
            }
            self.at += 1;
        }
        if stop.is_empty() {
            Ok(items)
        } else {
            // Tera reports unclosed blocks itself, with a better message; the symbolic render
            // is never attempted for a template Tera refuses.
            Err(LexError {
                at: self.src.len(),
                what: "block",
            })
        }
    }

    fn next_tag(&mut self) -> Option<&'p Delimited> {
        let piece = self.pieces.get(self.at)?;
        self.at += 1;
        match piece {
            Piece::Tag(d) => Some(d),
            _ => None,
        }
    }

    fn if_item(&mut self, open: &'p Delimited) -> Result<IfItem<'p>, LexError> {
        let mut branches = vec![(open, self.items(&["elif", "else", "endif"])?)];
        let mut otherwise = None;
        loop {
            let tag = self.next_tag().ok_or(LexError {
                at: open.range.start,
                what: "`{% if %}`",
            })?;
            match self.keyword(tag) {
                "elif" => branches.push((tag, self.items(&["elif", "else", "endif"])?)),
                "else" => otherwise = Some((tag, self.items(&["endif"])?)),
                _ => {
                    return Ok(IfItem {
                        branches,
                        otherwise,
                        end: tag,
                    });
                }
            }
        }
    }

    fn for_item(&mut self, open: &'p Delimited) -> Result<ForItem<'p>, LexError> {
        let body = self.items(&["else", "endfor"])?;
        let mut otherwise = None;
        let unclosed = LexError {
            at: open.range.start,
            what: "`{% for %}`",
        };
        let mut tag = self.next_tag().ok_or(unclosed.clone())?;
        if self.keyword(tag) == "else" {
            otherwise = Some((tag, self.items(&["endfor"])?));
            tag = self.next_tag().ok_or(unclosed)?;
        }
        Ok(ForItem {
            open,
            body,
            otherwise,
            end: tag,
        })
    }
}

/// Tracks whether a position in the template's text is inside an HTML/MJML start tag, so a
/// control marker there is written bare (an attribute value) and elsewhere inside an HTML
/// comment (which mrml, css-inline and every HTML parser keep in place, even between table rows).
#[derive(Debug, Default, Clone, Copy)]
struct AttrTracker {
    in_tag: bool,
    quote: Option<u8>,
    in_comment: bool,
}

impl AttrTracker {
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
            } else if let Some(q) = self.quote {
                if b == q {
                    self.quote = None;
                }
            } else if self.in_tag {
                match b {
                    b'"' | b'\'' => self.quote = Some(b),
                    b'>' => self.in_tag = false,
                    _ => {}
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
            }
            i += 1;
        }
    }

    fn in_attribute(&self) -> bool {
        self.in_tag
    }
}

/// Where a path sits in an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `{{ … }}` or the value of `{% set x = … %}`: a plain path, `~` and filters are allowed.
    Output,
    /// A condition or loop source that is not a plain path: every path is an operand.
    Operand,
}

struct Writer<'s, 'r> {
    src: &'s str,
    file: &'s FsPath,
    first_line: u32,
    registry: &'r mut Registry,
    out: String,
    /// Names of the variables holding the lists of the enclosing `for` loops.
    loops: Vec<String>,
    attr: AttrTracker,
}

impl Writer<'_, '_> {
    fn site(&mut self, at: usize, expr: &str) -> usize {
        let (line, column) = lexer::line_col(self.src, at);
        self.registry.add_site(Site {
            file: self.file.to_path_buf(),
            line: line + self.first_line.saturating_sub(1),
            column,
            expr: expr.split_whitespace().collect::<Vec<_>>().join(" "),
        })
    }

    fn items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Text(r) => {
                    let text = &self.src[r.clone()];
                    self.attr.feed(text);
                    self.out.push_str(text);
                }
                Item::Verbatim(r) => self.out.push_str(&self.src[r.clone()]),
                Item::Output(d) => {
                    let expr = self.expr(d.inner.clone(), Mode::Output);
                    self.delimited(d, "{{", "}}", &expr);
                }
                Item::Tag(d) => self.tag(d),
                Item::If(item) => self.if_item(item),
                Item::For(item) => self.for_item(item),
            }
        }
    }

    fn delimited(&mut self, d: &Delimited, open: &str, close: &str, inner: &str) {
        let _ = write!(
            self.out,
            "{open}{} {} {}{close}",
            if d.trim_before { "-" } else { "" },
            inner.trim(),
            if d.trim_after { "-" } else { "" }
        );
    }

    /// Whitespace control of an original tag, kept as an empty Tera comment at its place.
    fn trim(&mut self, before: bool, after: bool) {
        if before {
            self.out.push_str("{#- #}");
        }
        if after {
            self.out.push_str("{# -#}");
        }
    }

    fn tag(&mut self, d: &Delimited) {
        let inner = &self.src[d.inner.clone()];
        let keyword = lexer::keyword(inner);
        match keyword {
            "set" | "set_global" if inner.contains('=') => {
                let eq = inner.find('=').unwrap_or(0);
                let value = self.expr(d.inner.start + eq + 1..d.inner.end, Mode::Output);
                let head = inner[..eq].to_string();
                self.delimited(d, "{%", "%}", &format!("{}= {value}", head.trim()));
            }
            "filter" => {
                let rest = inner.trim_start()["filter".len()..].to_string();
                let site = self.site(d.inner.start, inner.trim());
                let rewritten = filter_call(&rest, site);
                self.delimited(d, "{%", "%}", &format!("filter {rewritten}"));
            }
            "break" | "continue" if !self.loops.is_empty() => {
                let site = self.site(d.inner.start, keyword);
                let list = self.loops.last().cloned().unwrap_or_default();
                self.trim(d.trim_before, false);
                let _ = write!(self.out, "{{{{ __lp_nobreak(l={list}, s={site}) }}}}");
                let _ = write!(self.out, "{{% {keyword} %}}");
                self.trim(false, d.trim_after);
            }
            _ => self.out.push_str(&self.src[d.range.clone()]),
        }
    }

    /// The condition of an `if`/`elif` tag: `Some((value expression, negated))` when it is a
    /// plain path (or `not` one) that may be send-time data.
    fn plain_condition(&mut self, d: &Delimited, keyword: &str) -> Option<(String, bool, usize)> {
        let inner = &self.src[d.inner.clone()];
        let cond_start = inner.find(keyword)? + keyword.len();
        let cond = &inner[cond_start..];
        let toks = lexer::tokens(cond);
        let text = |t: &Token| &cond[t.range.clone()];
        let (negated, rest) = match toks.first() {
            Some(t) if text(t) == "not" => (true, &toks[1..]),
            _ => (false, &toks[..]),
        };
        let path = simple_path(cond, rest)?;
        let site = self.site(d.inner.start + cond_start, cond.trim());
        Some((self.path_value(&path, site), negated, site))
    }

    /// The expression for a path's value: `loop.x` of an enclosing loop becomes `__lp_loop`.
    fn path_value(&self, path: &str, site: usize) -> String {
        match (path.strip_prefix("loop."), self.loops.last()) {
            (Some(key), Some(list)) => {
                format!("__lp_loop(k=\"{key}\", v={path}, l={list}, s={site})")
            }
            _ => path.to_string(),
        }
    }

    fn if_item(&mut self, item: &IfItem) {
        self.trim(item.branches[0].0.trim_before, false);
        self.branches(item, 0);
        self.trim(false, item.end.trim_after);
    }

    /// Writes branch `i` onwards as nested if/else.
    fn branches(&mut self, item: &IfItem, i: usize) {
        let Some((tag, body)) = item.branches.get(i) else {
            if let Some((tag, body)) = &item.otherwise {
                self.trim(false, tag.trim_after);
                self.items(body);
            }
            return;
        };
        // Whitespace control of the tag that ends this branch's body.
        let ends_trim = item
            .branches
            .get(i + 1)
            .map(|(t, _)| t.trim_before)
            .or(item.otherwise.as_ref().map(|(t, _)| t.trim_before))
            .unwrap_or(item.end.trim_before);
        let keyword = if i == 0 { "if" } else { "elif" };
        let attr = self.attr.in_attribute();
        match self.plain_condition(tag, keyword) {
            Some((value, negated, site)) => {
                let n = negated;
                let a = attr;
                let _ = write!(
                    self.out,
                    "{{% if __lp_t(v={value}, n={n}, s={site}) %}}{{{{ __lp_open(v={value}, n={n}, a={a}, s={site}) }}}}"
                );
                self.trim(false, tag.trim_after);
                self.items(body);
                self.trim(ends_trim, false);
                let _ = write!(
                    self.out,
                    "{{{{ __lp_else(v={value}, a={a}) }}}}{{% endif %}}{{% if __lp_e(v={value}, n={n}, s={site}) %}}"
                );
                self.branches(item, i + 1);
                self.trim(item.end.trim_before, false);
                let _ = write!(
                    self.out,
                    "{{{{ __lp_end(v={value}, a={a}) }}}}{{% endif %}}"
                );
            }
            None => {
                let inner = &self.src[tag.inner.clone()];
                let cond_start = inner.find(keyword).unwrap_or(0) + keyword.len();
                let cond = self.expr(tag.inner.start + cond_start..tag.inner.end, Mode::Operand);
                let _ = write!(self.out, "{{% if {} %}}", cond.trim());
                self.trim(false, tag.trim_after);
                self.items(body);
                self.trim(ends_trim, false);
                self.out.push_str("{% else %}");
                self.branches(item, i + 1);
                self.trim(item.end.trim_before, false);
                self.out.push_str("{% endif %}");
            }
        }
    }

    fn for_item(&mut self, item: &ForItem) {
        let inner = &self.src[item.open.inner.clone()];
        let Some(in_at) = find_in(inner) else {
            // Not a loop Tera accepts: leave it to Tera's own error.
            self.out.push_str(&self.src[item.open.range.clone()]);
            self.items(&item.body);
            self.out.push_str(&self.src[item.end.range.clone()]);
            return;
        };
        let vars = inner.trim_start()["for".len()..]
            .split(" in ")
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let source_start = item.open.inner.start + in_at + " in ".len();
        let source_text = &self.src[source_start..item.open.inner.end];
        let toks = lexer::tokens(source_text);
        let site = self.site(source_start, source_text.trim());
        let source = match simple_path(source_text, &toks) {
            Some(path) => self.path_value(&path, site),
            None => self.expr(source_start..item.open.inner.end, Mode::Operand),
        };
        let list = format!("__lp_l{site}");
        let a = self.attr.in_attribute();
        self.trim(item.open.trim_before, false);
        let _ = write!(
            self.out,
            "{{% set {list} = {source} %}}{{{{ __lp_each(v={list}, a={a}, s={site}) }}}}{{% for {vars} in {list} %}}"
        );
        self.trim(false, item.open.trim_after);
        self.loops.push(list.clone());
        self.items(&item.body);
        self.loops.pop();
        let body_end_trim = item
            .otherwise
            .as_ref()
            .map_or(item.end.trim_before, |(t, _)| t.trim_before);
        self.trim(body_end_trim, false);
        self.out.push_str("{% endfor %}");
        let _ = write!(
            self.out,
            "{{% if __lp_e(v={list}, n=false, s={site}) %}}{{{{ __lp_each_else(v={list}, a={a}) }}}}"
        );
        if let Some((tag, body)) = &item.otherwise {
            self.trim(false, tag.trim_after);
            self.items(body);
            self.trim(item.end.trim_before, false);
        }
        let _ = write!(
            self.out,
            "{{% endif %}}{{{{ __lp_endeach(v={list}, a={a}) }}}}"
        );
        self.trim(false, item.end.trim_after);
    }

    /// Rewrites the expression in bytes `range` of the source.
    fn expr(&mut self, range: std::ops::Range<usize>, mode: Mode) -> String {
        let start = range.start;
        let expr = &self.src[range];
        let toks = lexer::tokens(expr);
        let mut out = String::with_capacity(expr.len() * 2);
        let mut last = 0;
        // For each open paren/bracket: whether it is a filter's argument list.
        let mut parens: Vec<bool> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            let text = &expr[t.range.clone()];
            let prev = i.checked_sub(1).map(|p| &expr[toks[p].range.clone()]);
            let next = toks.get(i + 1).map(|n| &expr[n.range.clone()]);
            match (t.tok, text) {
                (Tok::Punct, "(" | "[" | "{" | "?[") => {
                    let is_filter_args = text == "("
                        && i >= 2
                        && toks[i - 1].tok == Tok::Ident
                        && &expr[toks[i - 2].range.clone()] == "|";
                    parens.push(is_filter_args);
                }
                (Tok::Punct, ")" | "]" | "}") => {
                    parens.pop();
                }
                (Tok::Punct, "|") if next.is_some() && toks[i + 1].tok == Tok::Ident => {
                    let name_tok = &toks[i + 1];
                    let name = &expr[name_tok.range.clone()];
                    if !TRANSPARENT_FILTERS.contains(&name) {
                        let site = self.site(start + t.range.start, expr.trim());
                        out.push_str(&expr[last..name_tok.range.start]);
                        let has_args = toks
                            .get(i + 2)
                            .is_some_and(|n| &expr[n.range.clone()] == "(");
                        let empty_args = has_args
                            && toks
                                .get(i + 3)
                                .is_some_and(|n| &expr[n.range.clone()] == ")");
                        let _ = write!(out, "__lp_f(__n=\"{name}\", __s={site}");
                        if has_args && !empty_args {
                            out.push_str(", ");
                            last = toks[i + 2].range.end;
                            parens.push(true);
                            i += 3;
                        } else if empty_args {
                            out.push(')');
                            last = toks[i + 3].range.end;
                            i += 4;
                        } else {
                            out.push(')');
                            last = name_tok.range.end;
                            i += 2;
                        }
                        continue;
                    }
                    i += 2;
                    continue;
                }
                (Tok::Ident, _) if self.starts_path(&toks, expr, i, parens.last().copied()) => {
                    let path_end = path_end(&toks, expr, i);
                    let raw_path = &expr[t.range.start..toks[path_end - 1].range.end];
                    let path_owned = self.subscripts(start + t.range.start, raw_path);
                    let path_text = path_owned.as_str();
                    let after = toks.get(path_end).map(|n| &expr[n.range.clone()]);
                    let in_filter_args = parens.last() == Some(&true);
                    let transparent_before = match prev {
                        None => true,
                        Some("~") => true,
                        Some("=") => in_filter_args,
                        _ => false,
                    };
                    let transparent_after = match after {
                        None | Some("~" | "|") => true,
                        Some("," | ")") => in_filter_args,
                        _ => false,
                    };
                    let simple = !raw_path.contains('[');
                    let is_loop = path_text.starts_with("loop.") && !self.loops.is_empty();
                    out.push_str(&expr[last..t.range.start]);
                    let transparent =
                        mode == Mode::Output && transparent_before && transparent_after;
                    if transparent && simple && !is_loop {
                        out.push_str(path_text);
                    } else {
                        let site = self.site(start + t.range.start, expr.trim());
                        let value = if is_loop {
                            self.path_value(path_text, site)
                        } else {
                            path_text.to_string()
                        };
                        if transparent && is_loop {
                            out.push_str(&value);
                        } else {
                            let _ = write!(out, "__lp_v(v={value}, s={site})");
                        }
                    }
                    last = toks[path_end - 1].range.end;
                    i = path_end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        out.push_str(&expr[last..]);
        out
    }

    /// A path with the expressions inside its subscripts (`fields[change.field]`) rewritten as
    /// operands: a lookup keyed by send-time data cannot be exported.
    fn subscripts(&mut self, start: usize, path: &str) -> String {
        if !path.contains('[') {
            return path.to_string();
        }
        let toks = lexer::tokens(path);
        let mut out = String::with_capacity(path.len() * 2);
        let mut last = 0;
        let mut i = 0;
        while i < toks.len() {
            let text = &path[toks[i].range.clone()];
            if text == "[" || text == "?[" {
                let mut depth = 0;
                let mut j = i;
                while j < toks.len() {
                    match &path[toks[j].range.clone()] {
                        "[" | "?[" => depth += 1,
                        "]" => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let inner = toks[i].range.end..toks.get(j).map_or(path.len(), |t| t.range.start);
                out.push_str(&path[last..inner.start]);
                out.push_str(&self.expr(start + inner.start..start + inner.end, Mode::Operand));
                last = inner.end;
                i = j;
            }
            i += 1;
        }
        out.push_str(&path[last..]);
        out
    }

    /// Whether the identifier at `i` starts a data path (not a keyword, filter, function,
    /// test, attribute or argument name).
    fn starts_path(&self, toks: &[Token], expr: &str, i: usize, in_parens: Option<bool>) -> bool {
        let text = &expr[toks[i].range.clone()];
        let prev = i.checked_sub(1).map(|p| &expr[toks[p].range.clone()]);
        let prev2 = i.checked_sub(2).map(|p| &expr[toks[p].range.clone()]);
        let next = toks.get(i + 1).map(|n| &expr[n.range.clone()]);
        if text.starts_with("__lp_") || text.starts_with("__tera_") {
            return false;
        }
        if text == "loop" {
            return !self.loops.is_empty() && next == Some(".");
        }
        if KEYWORDS.contains(&text) {
            return false;
        }
        if matches!(prev, Some("." | "?." | "|" | "is"))
            || (prev == Some("not") && prev2 == Some("is"))
        {
            return false;
        }
        if next == Some("(") {
            return false;
        }
        if next == Some("=") && in_parens.is_some() {
            return false;
        }
        true
    }
}

/// Index just past the path that starts at token `i` (`a.b?.c[0].d`).
fn path_end(toks: &[Token], expr: &str, i: usize) -> usize {
    let mut j = i + 1;
    while j < toks.len() {
        let text = &expr[toks[j].range.clone()];
        match text {
            "." | "?." if toks.get(j + 1).is_some_and(|t| t.tok == Tok::Ident) => j += 2,
            "[" | "?[" => {
                let mut depth = 0;
                while j < toks.len() {
                    match &expr[toks[j].range.clone()] {
                        "[" | "?[" => depth += 1,
                        "]" => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                j += 1;
            }
            _ => break,
        }
    }
    j.min(toks.len())
}

/// The text of `toks` when they form exactly one plain path (`a.b.c`, no subscripts).
fn simple_path(expr: &str, toks: &[Token]) -> Option<String> {
    let first = toks.first()?;
    if first.tok != Tok::Ident
        || KEYWORDS.contains(&&expr[first.range.clone()]) && &expr[first.range.clone()] != "loop"
    {
        return None;
    }
    let mut text = expr[first.range.clone()].to_string();
    let mut rest = &toks[1..];
    while let [dot, name, tail @ ..] = rest {
        if &expr[dot.range.clone()] != "." || name.tok != Tok::Ident {
            return None;
        }
        text.push('.');
        text.push_str(&expr[name.range.clone()]);
        rest = tail;
    }
    rest.is_empty().then_some(text)
}

/// Byte offset of ` in ` in a `for` tag's inner text (outside strings).
fn find_in(inner: &str) -> Option<usize> {
    let toks = lexer::tokens(inner);
    toks.iter()
        .find(|t| t.tok == Tok::Ident && &inner[t.range.clone()] == "in")
        .map(|t| t.range.start - 1)
}

/// `name(args)` or `name` of a `{% filter %}` section, routed through `__lp_f`.
fn filter_call(rest: &str, site: usize) -> String {
    let rest = rest.trim();
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, args) = rest.split_at(name_end);
    if TRANSPARENT_FILTERS.contains(&name) {
        return rest.to_string();
    }
    let args = args.trim();
    match args.strip_prefix('(').and_then(|a| a.strip_suffix(')')) {
        Some(inner) if !inner.trim().is_empty() => {
            format!("__lp_f(__n=\"{name}\", __s={site}, {inner})")
        }
        _ => format!("__lp_f(__n=\"{name}\", __s={site})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(src: &str) -> String {
        let mut registry = Registry::default();
        instrument(src, FsPath::new("t.mjml"), 1, &mut registry).unwrap()
    }

    #[test]
    fn plain_output_is_left_alone() {
        assert_eq!(rewrite("a{{ order.number }}b"), "a{{ order.number }}b");
        assert_eq!(rewrite("{{ x | safe }}"), "{{ x | safe }}");
        assert_eq!(rewrite("{{ \"#\" ~ x ~ y }}"), "{{ \"#\" ~ x ~ y }}");
    }

    #[test]
    fn filters_go_through_the_guard() {
        assert_eq!(
            rewrite("{{ x | upper }}"),
            "{{ x | __lp_f(__n=\"upper\", __s=0) }}"
        );
        assert_eq!(
            rewrite("{{ t.s | replace(from=\"{n}\", to=o.n) }}"),
            "{{ t.s | __lp_f(__n=\"replace\", __s=0, from=\"{n}\", to=o.n) }}"
        );
    }

    #[test]
    fn operands_are_wrapped() {
        assert_eq!(
            rewrite("{{ price * qty }}"),
            "{{ __lp_v(v=price, s=0) * __lp_v(v=qty, s=1) }}"
        );
        assert_eq!(rewrite("{{ a[0] }}"), "{{ __lp_v(v=a[0], s=0) }}");
        assert_eq!(
            rewrite("{{ t.f[c.k] }}"),
            "{{ __lp_v(v=t.f[__lp_v(v=c.k, s=0)], s=1) }}"
        );
        assert_eq!(rewrite("{{ f(x=a) }}"), "{{ f(x=__lp_v(v=a, s=0)) }}");
    }

    #[test]
    fn plain_conditions_render_both_branches() {
        let out = rewrite("{% if a.b %}X{% else %}Y{% endif %}");
        assert!(out.starts_with("{% if __lp_t(v=a.b, n=false, s=0) %}{{ __lp_open(v=a.b, n=false, a=false, s=0) }}X{{ __lp_else(v=a.b, a=false) }}{% endif %}{% if __lp_e(v=a.b, n=false, s=0) %}Y"), "{out}");
        assert!(
            out.ends_with("{{ __lp_end(v=a.b, a=false) }}{% endif %}"),
            "{out}"
        );
    }

    #[test]
    fn other_conditions_wrap_their_paths() {
        let out = rewrite("{% if a == 1 %}X{% endif %}");
        assert!(
            out.starts_with("{% if __lp_v(v=a, s=0) == 1 %}X{% else %}"),
            "{out}"
        );
    }

    #[test]
    fn loops_are_marked_and_loop_fields_rewritten() {
        let out = rewrite(
            "{% for i in o.items %}{{ i.n }}{% if not loop.last %},{% endif %}{% endfor %}",
        );
        assert!(out.starts_with("{% set __lp_l0 = o.items %}{{ __lp_each(v=__lp_l0, a=false, s=0) }}{% for i in __lp_l0 %}{{ i.n }}"), "{out}");
        assert!(
            out.contains(
                "__lp_t(v=__lp_loop(k=\"last\", v=loop.last, l=__lp_l0, s=1), n=true, s=1)"
            ),
            "{out}"
        );
        assert!(out.ends_with("{% endfor %}{% if __lp_e(v=__lp_l0, n=false, s=0) %}{{ __lp_each_else(v=__lp_l0, a=false) }}{% endif %}{{ __lp_endeach(v=__lp_l0, a=false) }}"), "{out}");
    }

    #[test]
    fn whitespace_control_is_kept_at_its_place() {
        let out = rewrite("a {%- if x -%} b {%- endif -%} c");
        assert!(out.starts_with("a {#- #}{% if __lp_t"), "{out}");
        assert!(out.contains("}}{# -#} b {#- #}{{ __lp_else"), "{out}");
        assert!(out.ends_with("{% endif %}{# -#} c"), "{out}");
    }

    #[test]
    fn attribute_context_is_detected() {
        let out = rewrite("<a href=\"{% if x %}1{% endif %}\">{% if y %}2{% endif %}</a>");
        assert!(out.contains("__lp_open(v=x, n=false, a=true"), "{out}");
        assert!(out.contains("__lp_open(v=y, n=false, a=false"), "{out}");
    }
}
