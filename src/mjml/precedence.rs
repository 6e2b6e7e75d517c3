//! The brand's head comes first and the template's own head after it, so a template's own
//! `mj-attributes` and styles win. Two MJML rules would still let the brand win, so they are
//! settled here:
//! - in MJML an element default (`<mj-text color>`) beats `mj-all`: a brand default for an
//!   attribute the template sets in its own `mj-all` is dropped;
//! - inlined CSS beats any `<style>` rule: a declaration of the brand's inlined rules (for `a`,
//!   `p`, `h1`–`h3`) is dropped when the template's own CSS sets that property for that element.

use std::collections::{BTreeMap, BTreeSet};

use cssparser::{Delimiter, ParseError, Parser, ParserInput, Token};
use mrml::mj_attributes::MjAttributesChild;
use mrml::mj_head::MjHeadChild;
use mrml::mj_style::StyleInlineMode;

/// The brand's head children, minus what the template's own head (`own`, whose style contents
/// are `own_css`) overrides.
pub(super) fn brand_head(
    brand: &[MjHeadChild],
    own: &[MjHeadChild],
    own_css: &[String],
) -> Vec<MjHeadChild> {
    let own_all = own_mj_all(own);
    let overridden = properties_by_element(own_css);
    if own_all.is_empty() && overridden.is_empty() {
        return brand.to_vec();
    }
    brand
        .iter()
        .cloned()
        .map(|mut child| {
            match &mut child {
                MjHeadChild::MjAttributes(attributes) => {
                    for entry in &mut attributes.children {
                        if let MjAttributesChild::MjAttributesElement(element) = entry {
                            element.attributes.retain(|k, _| !own_all.contains(k));
                        }
                    }
                }
                MjHeadChild::MjStyle(style) if style.inline_mode() == StyleInlineMode::Inline => {
                    style.children = without_overridden(&style.children, &overridden);
                }
                _ => {}
            }
            child
        })
        .collect()
}

/// Attribute names the template's own `mj-all` sets.
fn own_mj_all(own: &[MjHeadChild]) -> BTreeSet<String> {
    own.iter()
        .filter_map(|c| match c {
            MjHeadChild::MjAttributes(a) => Some(a),
            _ => None,
        })
        .flat_map(|a| &a.children)
        .filter_map(|c| match c {
            MjAttributesChild::MjAttributesAll(all) => Some(all.attributes.keys().cloned()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// A style rule: its selectors and declarations (property, value), as written.
#[derive(Debug)]
struct Rule {
    selectors: Vec<String>,
    declarations: Vec<(String, String)>,
}

/// Properties each element type is given by top-level rules of `css` (`*` for the universal
/// selector), keyed by the element its selectors end on.
fn properties_by_element(css: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for sheet in css {
        for rule in rules(sheet) {
            for selector in &rule.selectors {
                if let Some(subject) = subject(selector) {
                    let entry = map.entry(subject).or_default();
                    entry.extend(
                        rule.declarations
                            .iter()
                            .map(|(p, _)| p.to_ascii_lowercase()),
                    );
                }
            }
        }
    }
    map
}

/// `css` with the declarations other CSS sets for the same element dropped.
fn without_overridden(css: &str, overridden: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::new();
    for rule in rules(css) {
        for selector in &rule.selectors {
            let subject = subject(selector).unwrap_or_default();
            let taken = |p: &str| {
                [subject.as_str(), "*"]
                    .iter()
                    .filter_map(|s| overridden.get(*s))
                    .any(|set| set.contains(&p.to_ascii_lowercase()))
            };
            let kept: Vec<String> = rule
                .declarations
                .iter()
                .filter(|(p, _)| !taken(p))
                .map(|(p, v)| format!("{p}: {v};"))
                .collect();
            if !kept.is_empty() {
                out.push_str(&format!("{selector} {{ {} }} ", kept.join(" ")));
            }
        }
    }
    out.trim_end().to_string()
}

/// The top-level style rules of a stylesheet (at-rules such as `@media` are skipped: they only
/// apply under conditions).
fn rules(css: &str) -> Vec<Rule> {
    let mut input = ParserInput::new(css);
    let mut parser = Parser::new(&mut input);
    let mut rules = Vec::new();
    while !parser.is_exhausted() {
        let start = parser.position();
        let mut at_rule = false;
        // The prelude: up to the `{` of the block (or a `;` ending an at-rule statement).
        let prelude: Result<(), ParseError<'_, ()>> =
            parser.parse_until_before(Delimiter::CurlyBracketBlock | Delimiter::Semicolon, |p| {
                while let Ok(token) = p.next() {
                    if matches!(token, Token::AtKeyword(_)) {
                        at_rule = true;
                    }
                }
                Ok(())
            });
        if prelude.is_err() {
            break;
        }
        let prelude_text = parser.slice_from(start).trim().to_string();
        match parser.next() {
            Ok(Token::CurlyBracketBlock) => {
                let declarations = parser
                    .parse_nested_block(|block| Ok::<_, ParseError<'_, ()>>(declarations(block)))
                    .unwrap_or_default();
                if !at_rule && !prelude_text.is_empty() {
                    rules.push(Rule {
                        selectors: prelude_text
                            .split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect(),
                        declarations,
                    });
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    rules
}

/// `property: value` pairs of a declaration block.
fn declarations(block: &mut Parser<'_, '_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while !block.is_exhausted() {
        let parsed: Result<Option<(String, String)>, ParseError<'_, ()>> =
            block.parse_until_after(Delimiter::Semicolon, |d| {
                let name = match d.next() {
                    Ok(Token::Ident(name)) => name.to_string(),
                    _ => {
                        while d.next().is_ok() {}
                        return Ok(None);
                    }
                };
                if d.expect_colon().is_err() {
                    while d.next().is_ok() {}
                    return Ok(None);
                }
                let start = d.position();
                while d.next().is_ok() {}
                Ok(Some((name, d.slice_from(start).trim().to_string())))
            });
        if let Ok(Some(pair)) = parsed {
            out.push(pair);
        }
    }
    out
}

/// The element type a selector applies to: the type selector of its last compound (`p` for
/// `.intro p.lead`, `*` for `*`). `None` for a compound without a type (`.note` applies only to
/// elements with that class) or with a pseudo-class (`a:hover` applies only sometimes).
fn subject(selector: &str) -> Option<String> {
    let mut input = ParserInput::new(selector);
    let mut parser = Parser::new(&mut input);
    let mut subject: Option<String> = None;
    let mut at_start = true;
    let mut conditional = false;
    while let Ok(token) = parser.next_including_whitespace() {
        match token {
            Token::WhiteSpace(_) | Token::Delim('>' | '+' | '~') => {
                at_start = true;
                conditional = false;
            }
            Token::Ident(name) if at_start => {
                subject = Some(name.to_ascii_lowercase());
                at_start = false;
            }
            Token::Delim('*') if at_start => {
                subject = Some("*".into());
                at_start = false;
            }
            Token::Colon => {
                conditional = true;
                at_start = false;
            }
            _ => {
                if at_start {
                    subject = None;
                }
                at_start = false;
            }
        }
    }
    subject.filter(|_| !conditional)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(css: &str) -> BTreeMap<String, BTreeSet<String>> {
        properties_by_element(&[css.to_string()])
    }

    #[test]
    fn the_subject_of_a_selector_is_its_last_type() {
        assert_eq!(subject("p").as_deref(), Some("p"));
        assert_eq!(subject(".intro p.lead").as_deref(), Some("p"));
        assert_eq!(subject("td > h1").as_deref(), Some("h1"));
        assert_eq!(subject("*").as_deref(), Some("*"));
        assert_eq!(subject(".note"), None);
        assert_eq!(subject("p .note"), None);
        assert_eq!(subject("a:hover"), None);
    }

    #[test]
    fn a_template_rule_for_p_margins_removes_the_brands_p_margin_only() {
        let brand =
            "a { color: #1a73e8; } p { margin: 0 0 12px 0; } h1, h2 { margin: 0; color: #222222; }";
        let kept = without_overridden(brand, &sets(".content p { margin: 0 } h2 { color: red }"));
        assert_eq!(
            kept,
            "a { color: #1a73e8; } h1 { margin: 0; color: #222222; } h2 { margin: 0; }"
        );
    }

    #[test]
    fn media_queries_and_class_only_rules_do_not_override_the_brand() {
        let brand = "p { margin: 0 0 12px 0; }";
        let css = "@media (max-width: 480px) { p { margin: 0 } } .note { margin: 4px }";
        assert_eq!(without_overridden(brand, &sets(css)), brand);
    }
}
