//! `mj-html-attributes`: attributes added to the elements of the rendered email that a CSS
//! selector matches, as mjml does (with cheerio there; with lol_html here, which rewrites only
//! the start tags it changes and leaves every other byte as it is).
//!
//! ```xml
//! <mj-html-attributes>
//!   <mj-selector path=".custom div">
//!     <mj-html-attribute name="data-id">42</mj-html-attribute>
//!   </mj-selector>
//! </mj-html-attributes>
//! ```

use std::borrow::Cow;

use lol_html::html_content::Element as HtmlElement;
use lol_html::{ElementContentHandlers, RewriteStrSettings, Selector, rewrite_str};

use super::document::{Element, Pos};

/// One `mj-selector`: where it is, its CSS selector and the attributes it sets.
pub(super) struct Rule {
    at: Pos,
    path: String,
    attributes: Vec<(String, String)>,
}

/// The rules of the `mj-html-attributes` blocks of a head, in order.
pub(super) fn rules(blocks: &[Element]) -> Vec<Rule> {
    blocks
        .iter()
        .flat_map(Element::elements)
        .filter(|s| s.name == "mj-selector")
        .filter_map(|selector| {
            let path = selector.attr("path")?.to_string();
            let attributes = selector
                .elements()
                .filter(|a| a.name == "mj-html-attribute")
                .filter_map(|a| {
                    let name = a.attr("name")?.to_string();
                    Some((name, a.content.clone().unwrap_or_default()))
                })
                .collect();
            Some(Rule {
                at: selector.at,
                path,
                attributes,
            })
        })
        .collect()
}

/// Sets the attributes of every rule on the elements of `html` its selector matches. A selector
/// that cannot be read is returned with where it is.
pub(super) fn apply(html: &str, rules: &[Rule]) -> Result<String, (Pos, String)> {
    if rules.is_empty() {
        return Ok(html.to_string());
    }
    let mut settings = RewriteStrSettings::new();
    for rule in rules {
        let selector: Selector = rule.path.parse().map_err(|e| {
            (
                rule.at,
                format!(
                    "mj-selector path `{}` is not a CSS selector letterpress can match ({e})",
                    rule.path
                ),
            )
        })?;
        let attributes = rule.attributes.clone();
        let handler = ElementContentHandlers::default().element(move |el: &mut HtmlElement| {
            for (name, value) in &attributes {
                el.set_attribute(name, value)?;
            }
            Ok(())
        });
        settings = settings.append_element_content_handler((Cow::Owned(selector), handler));
    }
    rewrite_str(html, settings).map_err(|e| (rules[0].at, e.to_string()))
}

#[cfg(test)]
mod tests {
    use crate::mjml::tests_support::render_plain;

    #[test]
    fn attributes_land_on_the_elements_the_selector_matches_like_mjml() {
        let html = render_plain(
            "<mjml><mj-head><mj-html-attributes><mj-selector path=\".custom div\"><mj-html-attribute name=\"data-id\">42</mj-html-attribute><mj-html-attribute name=\"title\">A &amp; B</mj-html-attribute></mj-selector></mj-html-attributes></mj-head><mj-body><mj-section><mj-column><mj-text css-class=\"custom\">Hi</mj-text><mj-text>Other</mj-text></mj-column></mj-section></mj-body></mjml>",
        );
        let tagged: Vec<&str> = html
            .match_indices("data-id=\"42\"")
            .map(|(i, _)| &html[i..])
            .collect();
        assert_eq!(tagged.len(), 1, "{html}");
        assert!(tagged[0].contains(">Hi</div>"), "{html}");
        assert!(html.contains("title=\"A &amp; B\""), "{html}");
        assert!(!html.contains("mj-html-attribute"), "{html}");
    }
}
