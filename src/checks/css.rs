//! CSS as the rules see it: a `<style>` sheet or a `style=""` attribute, tokenized by
//! `cssparser` (the tokenizer browsers' engines share) and flattened into declarations, at-rules
//! and selector pseudo-classes. No selector matching or cascade: the rules only ask what is used.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::rc::Rc;
use std::thread::LocalKey;

use cssparser::{Parser, ParserInput, Token};

/// One `property: value` declaration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Decl {
    /// Property name, lowercase.
    pub property: String,
    /// The value as written (without `!important`), trimmed.
    pub value: String,
    /// Marked `!important`.
    pub important: bool,
    /// Keywords in the value, lowercase.
    pub idents: Vec<String>,
    /// Functions called in the value, lowercase, without `(`.
    pub functions: Vec<String>,
    /// Units of dimensions in the value, lowercase.
    pub units: Vec<String>,
    /// Colours in the value: the text as written and its RGB (alpha 0 gives `None`).
    pub colours: Vec<(String, Option<[u8; 3]>)>,
    /// Family names when the property is `font-family` (or `font`), unquoted, in order.
    pub families: Vec<String>,
}

/// An at-rule such as `@media screen and (max-width: 480px)`.
#[derive(Debug, Clone)]
pub(crate) struct AtRule {
    /// Name without `@`, lowercase.
    pub name: String,
    /// Idents in the prelude, lowercase (media features, types).
    pub prelude: Vec<String>,
    /// The name of the at-rule that directly encloses this one, if any.
    pub parent: Option<String>,
}

/// Everything found in one piece of CSS.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sheet {
    /// Declarations, in order.
    pub decls: Vec<Decl>,
    /// At-rules, in order.
    pub at_rules: Vec<AtRule>,
    /// Selector pseudo-classes and -elements, colons included (`:hover`, `::before`).
    pub pseudos: Vec<String>,
}

impl Sheet {
    /// Parses a style sheet (`<style>` contents).
    pub fn parse(css: &str) -> Sheet {
        let mut sheet = Sheet::default();
        let mut input = ParserInput::new(css);
        let mut parser = Parser::new(&mut input);
        block(&mut parser, &mut sheet, None);
        sheet
    }

    /// Parses the declarations of a `style=""` attribute.
    pub fn parse_inline(css: &str) -> Vec<Decl> {
        Sheet::parse(css).decls
    }

    /// [`Sheet::parse_inline`], remembered per thread across emails: mrml writes the same
    /// few hundred `style` attributes into every email of a project.
    pub fn parse_inline_cached(css: &str) -> Rc<Vec<Decl>> {
        thread_local! {
            static CACHE: Cache<String, Vec<Decl>> = RefCell::default();
        }
        remembered(&CACHE, css, 8192, || Sheet::parse_inline(css))
    }

    /// The sheet of all of an email's `<style>` blocks, remembered per thread across emails:
    /// every email of a template carries the same head styles, and tokenizing them was a tenth
    /// of the rules' time.
    pub fn parse_blocks_cached(blocks: &[String]) -> Rc<Sheet> {
        thread_local! {
            static CACHE: Cache<Vec<String>, Sheet> = RefCell::default();
        }
        remembered(&CACHE, blocks, 256, || {
            let mut sheet = Sheet::default();
            for block in blocks {
                sheet.extend(Sheet::parse(block));
            }
            sheet
        })
    }

    /// Adds another sheet's contents.
    pub fn extend(&mut self, other: Sheet) {
        self.decls.extend(other.decls);
        self.at_rules.extend(other.at_rules);
        self.pseudos.extend(other.pseudos);
    }
}

/// A per-thread cache of parsed CSS, keyed by its text.
type Cache<K, V> = RefCell<HashMap<K, Rc<V>>>;

/// The value for `key` in `cache`, made with `make` the first time. The cache starts over once
/// it holds `limit` entries, which bounds a long watch or serve session.
fn remembered<K, Q, V>(
    cache: &'static LocalKey<Cache<K, V>>,
    key: &Q,
    limit: usize,
    make: impl FnOnce() -> V,
) -> Rc<V>
where
    K: Borrow<Q> + Eq + Hash,
    Q: ToOwned<Owned = K> + Eq + Hash + ?Sized,
{
    cache.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(found) = cache.get(key) {
            return Rc::clone(found);
        }
        if cache.len() >= limit {
            cache.clear();
        }
        let value = Rc::new(make());
        cache.insert(key.to_owned(), Rc::clone(&value));
        value
    })
}

/// Parses items until the end of the current block: declarations (`a: b;`), qualified rules
/// (`sel { … }`) and at-rules (`@x …;` or `@x … { … }`).
fn block(p: &mut Parser, sheet: &mut Sheet, parent: Option<&str>) {
    loop {
        let start = p.state();
        let Ok(first) = p.next().cloned() else { return };
        match first {
            Token::Semicolon => {}
            Token::AtKeyword(name) => {
                let name = name.to_ascii_lowercase();
                let mut prelude = Vec::new();
                loop {
                    match p.next().cloned() {
                        Ok(Token::Ident(i)) => prelude.push(i.to_ascii_lowercase()),
                        Ok(Token::ParenthesisBlock) => {
                            let _ = p.parse_nested_block(|p| {
                                while let Ok(t) = p.next() {
                                    if let Token::Ident(i) = t {
                                        prelude.push(i.to_ascii_lowercase());
                                    }
                                }
                                Ok::<(), cssparser::ParseError<()>>(())
                            });
                        }
                        Ok(Token::CurlyBracketBlock) => {
                            sheet.at_rules.push(AtRule {
                                name: name.clone(),
                                prelude,
                                parent: parent.map(str::to_string),
                            });
                            let _ = p.parse_nested_block(|p| {
                                block(p, sheet, Some(&name));
                                Ok::<(), cssparser::ParseError<()>>(())
                            });
                            break;
                        }
                        Ok(Token::Semicolon) | Err(_) => {
                            sheet.at_rules.push(AtRule {
                                name,
                                prelude,
                                parent: parent.map(str::to_string),
                            });
                            break;
                        }
                        Ok(_) => {}
                    }
                }
            }
            Token::Ident(name) if p.try_parse(|p| p.expect_colon()).is_ok() && !opens_block(p) => {
                let decl = declaration(p, &name.to_ascii_lowercase());
                sheet.decls.push(decl);
            }
            _ => {
                // A qualified rule: selector tokens up to `{`, then its block.
                p.reset(&start);
                let mut prev_colon = 0;
                loop {
                    match p.next_including_whitespace().cloned() {
                        Ok(Token::Colon) => prev_colon += 1,
                        Ok(Token::Ident(i)) if prev_colon > 0 => {
                            sheet.pseudos.push(format!(
                                "{}{}",
                                ":".repeat(prev_colon),
                                i.to_ascii_lowercase()
                            ));
                            prev_colon = 0;
                        }
                        Ok(Token::Function(f)) if prev_colon > 0 => {
                            sheet.pseudos.push(format!(
                                "{}{}",
                                ":".repeat(prev_colon),
                                f.to_ascii_lowercase()
                            ));
                            prev_colon = 0;
                        }
                        Ok(Token::CurlyBracketBlock) => {
                            let _ = p.parse_nested_block(|p| {
                                block(p, sheet, parent);
                                Ok::<(), cssparser::ParseError<()>>(())
                            });
                            break;
                        }
                        Ok(Token::Semicolon) | Err(_) => break,
                        Ok(_) => prev_colon = 0,
                    }
                }
            }
        }
    }
}

/// Whether the tokens ahead reach a `{` block before a `;` (then `a:hover {` is a rule, not
/// a declaration). The parser is left where it was.
fn opens_block(p: &mut Parser) -> bool {
    let state = p.state();
    let mut block = false;
    while let Ok(t) = p.next() {
        match t {
            Token::CurlyBracketBlock => {
                block = true;
                break;
            }
            Token::Semicolon => break,
            _ => {}
        }
    }
    p.reset(&state);
    block
}

/// Reads a declaration's value up to `;` or the end of the block.
fn declaration(p: &mut Parser, property: &str) -> Decl {
    let mut decl = Decl {
        property: property.to_string(),
        ..Decl::default()
    };
    let _ = p.parse_until_after(cssparser::Delimiter::Semicolon, |p| {
        let start = p.position();
        let mut end = start;
        value_tokens(p, &mut decl, &mut end);
        decl.value = p.slice(start..end).trim().to_string();
        Ok::<(), cssparser::ParseError<()>>(())
    });
    decl
}

/// Walks value tokens, recording keywords, functions, units, colours and font families;
/// `end` is moved past the last token that belongs to the value (not `!important`).
fn value_tokens(p: &mut Parser, decl: &mut Decl, end: &mut cssparser::SourcePosition) {
    let is_font = decl.property == "font-family";
    let mut family = String::new();
    loop {
        let Ok(token) = p.next().cloned() else { break };
        match token {
            Token::Delim('!') => {
                if matches!(p.next(), Ok(Token::Ident(i)) if i.eq_ignore_ascii_case("important")) {
                    decl.important = true;
                }
                continue;
            }
            Token::Ident(ref i) => {
                let lower = i.to_ascii_lowercase();
                if is_font {
                    if !family.is_empty() {
                        family.push(' ');
                    }
                    family.push_str(i);
                } else if let Some(rgb) = named_colour(&lower) {
                    decl.colours.push((lower.clone(), rgb));
                }
                decl.idents.push(lower);
            }
            Token::QuotedString(ref s) if is_font => family.push_str(s),
            Token::Comma if is_font => {
                decl.families.push(std::mem::take(&mut family));
            }
            Token::Hash(ref h) | Token::IDHash(ref h) => {
                if let Ok((r, g, b, a)) = cssparser::color::parse_hash_color(h.as_bytes()) {
                    let rgb = (a > 0.0).then_some([r, g, b]);
                    decl.colours.push((format!("#{h}"), rgb));
                }
            }
            Token::Dimension { ref unit, .. } => decl.units.push(unit.to_ascii_lowercase()),
            Token::Function(ref name) => {
                let name = name.to_ascii_lowercase();
                let colour_fn = matches!(name.as_str(), "rgb" | "rgba" | "hsl" | "hsla");
                let fn_start = p.position();
                let mut args = Vec::new();
                let _ = p.parse_nested_block(|p| {
                    while let Ok(t) = p.next() {
                        match t {
                            Token::Number { value, .. } => args.push(*value),
                            Token::Percentage { unit_value, .. } => args.push(unit_value * 100.0),
                            Token::Dimension { value, .. } => args.push(*value),
                            _ => {}
                        }
                    }
                    Ok::<(), cssparser::ParseError<()>>(())
                });
                if colour_fn {
                    let text = format!("{name}({}", p.slice_from(fn_start));
                    decl.colours.push((text, function_colour(&name, &args)));
                }
                decl.functions.push(name);
            }
            _ => {}
        }
        *end = p.position();
    }
    if is_font && !family.is_empty() {
        decl.families.push(family);
    }
}

/// A CSS colour keyword's RGB; `Some(None)` for `transparent`.
fn named_colour(name: &str) -> Option<Option<[u8; 3]>> {
    if name == "transparent" {
        return Some(None);
    }
    cssparser::color::parse_named_color(name)
        .ok()
        .map(|(r, g, b)| Some([r, g, b]))
}

/// RGB of `rgb()`/`rgba()`/`hsl()`/`hsla()` with numeric arguments; `None` when fully
/// transparent or not understood.
fn function_colour(name: &str, args: &[f32]) -> Option<[u8; 3]> {
    if args.len() < 3 || args.get(3).is_some_and(|a| *a == 0.0) {
        return None;
    }
    let clamp = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    if name.starts_with("rgb") {
        return Some([clamp(args[0]), clamp(args[1]), clamp(args[2])]);
    }
    let (h, s, l) = (
        args[0].rem_euclid(360.0) / 360.0,
        args[1] / 100.0,
        args[2] / 100.0,
    );
    let q = if l < 0.5 {
        l * (1.0 + s)
    } else {
        l + s - l * s
    };
    let p = 2.0 * l - q;
    let channel = |t: f32| {
        let t = t.rem_euclid(1.0);
        let v = if t < 1.0 / 6.0 {
            p + (q - p) * 6.0 * t
        } else if t < 0.5 {
            q
        } else if t < 2.0 / 3.0 {
            p + (q - p) * (2.0 / 3.0 - t) * 6.0
        } else {
            p
        };
        clamp(v * 255.0)
    };
    Some([channel(h + 1.0 / 3.0), channel(h), channel(h - 1.0 / 3.0)])
}

/// Parses a colour written as an HTML attribute value (`bgcolor`, `color`) or a CSS value.
pub(crate) fn colour_value(text: &str) -> Vec<(String, Option<[u8; 3]>)> {
    let css = format!("color: {text}");
    Sheet::parse_inline(&css)
        .into_iter()
        .flat_map(|d| d.colours)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_rules_at_rules_and_declarations() {
        let sheet = Sheet::parse(
            "a:hover { color: #F00 !important } @media (max-width: 480px) { @supports (display:grid) { p { margin: 0 } } }",
        );
        assert_eq!(sheet.pseudos, [":hover"]);
        assert_eq!(sheet.decls[0].property, "color");
        assert!(sheet.decls[0].important);
        assert_eq!(sheet.decls[0].colours[0].1, Some([255, 0, 0]));
        assert_eq!(sheet.at_rules[0].prelude, ["max-width"]);
        assert_eq!(sheet.at_rules[1].parent.as_deref(), Some("media"));
    }

    #[test]
    fn reads_colours_in_every_notation() {
        let decls = Sheet::parse_inline(
            "color: rgb(0, 128, 0); background: hsl(0, 100%, 50%) url(x.png); border-color: navy transparent",
        );
        assert_eq!(decls[0].colours[0].1, Some([0, 128, 0]));
        assert_eq!(decls[1].colours[0].1, Some([255, 0, 0]));
        assert_eq!(decls[2].colours[0].1, Some([0, 0, 128]));
        assert_eq!(decls[2].colours[1].1, None);
    }

    #[test]
    fn reads_font_families_in_order() {
        let decls = Sheet::parse_inline("font-family: 'Open Sans', Helvetica Neue, sans-serif");
        assert_eq!(
            decls[0].families,
            ["Open Sans", "Helvetica Neue", "sans-serif"]
        );
        assert!(decls[0].colours.is_empty());
    }
}
