//! Transformations of mrml's parsed document that make it render as mjml renders it. Each
//! reproduces one MJML behaviour mrml 6.0.1 lacks; the tests name them.

use mrml::mj_accordion::MjAccordionChild;
use mrml::mj_attributes::{MjAttributes, MjAttributesChild};
use mrml::mj_attributes_all::MjAttributesAll;
use mrml::mj_body::MjBodyChild;
use mrml::mj_carousel::MjCarouselChild;
use mrml::mj_head::{MjHead, MjHeadChild};
use mrml::mj_navbar::MjNavbarChild;
use mrml::mj_social::MjSocialChild;
use mrml::mj_style::StyleInlineMode;
use mrml::mjml::Mjml;
use mrml::prelude::AttributeMap;
use mrml::prelude::hash::Map;

/// Attributes `mj-body` takes.
const BODY_ATTRIBUTES: [&str; 3] = ["width", "background-color", "css-class"];

/// Applies every transformation to a parsed document.
pub(super) fn apply(doc: &mut Mjml) {
    body_takes_head_attributes(doc);
    images_default_to_empty_alt(doc);
    if let Some(body) = doc.children.body.as_mut() {
        each_element(&mut body.children, &mut last_mj_class_wins);
    }
}

/// With several `mj-class`es, mjml merges them in order, so the last one wins for an attribute
/// they both set; mrml takes the first that sets it. Listing them in reverse gives mjml's result.
fn last_mj_class_wins(attributes: &mut AttributeMap) {
    if let Some(Some(classes)) = attributes.get_mut("mj-class") {
        let reversed: Vec<&str> = classes.split_whitespace().rev().collect();
        *classes = reversed.join(" ");
    }
}

/// Calls `f` with the attributes of every element under `children`.
fn each_element(children: &mut [MjBodyChild], f: &mut impl FnMut(&mut AttributeMap)) {
    for child in children {
        match child {
            MjBodyChild::MjColumn(e) => {
                f(&mut e.attributes);
                each_element(&mut e.children, f);
            }
            MjBodyChild::MjGroup(e) => {
                f(&mut e.attributes);
                each_element(&mut e.children, f);
            }
            MjBodyChild::MjHero(e) => {
                f(&mut e.attributes);
                each_element(&mut e.children, f);
            }
            MjBodyChild::MjSection(e) => {
                f(&mut e.attributes);
                each_element(&mut e.children, f);
            }
            MjBodyChild::MjWrapper(e) => {
                f(&mut e.attributes);
                each_element(&mut e.children, f);
            }
            MjBodyChild::MjButton(e) => f(&mut e.attributes),
            MjBodyChild::MjDivider(e) => f(&mut e.attributes),
            MjBodyChild::MjImage(e) => f(&mut e.attributes),
            MjBodyChild::MjSpacer(e) => f(&mut e.attributes),
            MjBodyChild::MjTable(e) => f(&mut e.attributes),
            MjBodyChild::MjText(e) => f(&mut e.attributes),
            MjBodyChild::MjAccordion(e) => {
                f(&mut e.attributes);
                for c in &mut e.children {
                    if let MjAccordionChild::MjAccordionElement(el) = c {
                        f(&mut el.attributes);
                        if let Some(title) = el.children.title.as_mut() {
                            f(&mut title.attributes);
                        }
                        if let Some(text) = el.children.text.as_mut() {
                            f(&mut text.attributes);
                        }
                    }
                }
            }
            MjBodyChild::MjCarousel(e) => {
                f(&mut e.attributes);
                for c in &mut e.children {
                    if let MjCarouselChild::MjCarouselImage(image) = c {
                        f(&mut image.attributes);
                    }
                }
            }
            MjBodyChild::MjNavbar(e) => {
                f(&mut e.attributes);
                for c in &mut e.children {
                    if let MjNavbarChild::MjNavbarLink(link) = c {
                        f(&mut link.attributes);
                    }
                }
            }
            MjBodyChild::MjSocial(e) => {
                f(&mut e.attributes);
                for c in &mut e.children {
                    if let MjSocialChild::MjSocialElement(element) = c {
                        f(&mut element.attributes);
                    }
                }
            }
            _ => {}
        }
    }
}

/// mjml applies `mj-attributes` to `mj-body` as to every element (its own `mj-body` defaults,
/// its `mj-class`es, `mj-all`); mrml ignores them there (white page, 600 px).
fn body_takes_head_attributes(doc: &mut Mjml) {
    let Some(head) = doc.children.head.as_ref() else {
        return;
    };
    let Some(body) = doc.children.body.as_mut() else {
        return;
    };
    let classes: Vec<String> = body
        .attributes
        .get("mj-class")
        .cloned()
        .flatten()
        .map(|c| c.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let all = head.build_attributes_all();
    let elements = head.build_attributes_element();
    let own_classes = head.build_attributes_class();
    for key in BODY_ATTRIBUTES {
        if body.attributes.get(key).is_some_and(Option::is_some) {
            continue;
        }
        // mjml: element attributes > mj-class (the last class wins) > mj-body defaults > mj-all
        let from_class = classes
            .iter()
            .rev()
            .find_map(|c| own_classes.get(c.as_str()).and_then(|m| m.get(key)));
        let value = from_class
            .or_else(|| elements.get("mj-body").and_then(|m| m.get(key)))
            .or_else(|| all.get(key));
        if let Some(value) = value {
            body.attributes
                .insert(key.to_string(), Some((*value).to_string()));
        }
    }
}

/// mjml's `mj-image`, social icons and carousel images default to `alt=""`; mrml writes no
/// `alt` (clients then show the file name, or a broken-image icon with nothing to say). Added as
/// the lowest default (an `mj-all` first in the head), so any `alt` the template sets wins.
fn images_default_to_empty_alt(doc: &mut Mjml) {
    let head = doc.children.head.get_or_insert_with(MjHead::default);
    let all = MjAttributesAll::new(
        Map::from_iter([("alt".to_string(), Some(String::new()))]),
        (),
    );
    let attributes = MjAttributes::new((), vec![MjAttributesChild::MjAttributesAll(all)]);
    head.children
        .insert(0, MjHeadChild::MjAttributes(attributes));
}

/// Takes the `mj-style inline="inline"` blocks out of the head and returns their CSS in order:
/// letterpress inlines it after the content of ending tags is back in place, as mjml does.
pub(super) fn take_inline_styles(head: &mut MjHead) -> Vec<String> {
    let mut css = Vec::new();
    head.children.retain(|child| match child {
        MjHeadChild::MjStyle(style) if style.inline_mode() == StyleInlineMode::Inline => {
            css.push(style.children().to_string());
            false
        }
        _ => true,
    });
    css
}

#[cfg(test)]
mod tests {
    use crate::mjml::tests_support::render_plain;

    #[test]
    fn mj_body_takes_width_and_colour_from_mj_attributes() {
        let html = render_plain(
            "<mjml><mj-head><mj-attributes><mj-body background-color=\"#eeeeee\" width=\"660px\" /></mj-attributes></mj-head><mj-body><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>",
        );
        assert!(html.contains("background-color:#eeeeee"), "{html}");
        assert!(html.contains("max-width:660px"), "{html}");
    }

    #[test]
    fn mj_body_own_attributes_beat_mj_attributes_and_mj_all_applies_last() {
        let html = render_plain(
            "<mjml><mj-head><mj-attributes><mj-all background-color=\"#111111\" /><mj-body width=\"500px\" /></mj-attributes></mj-head><mj-body width=\"640px\"><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>",
        );
        assert!(html.contains("max-width:640px"), "{html}");
        assert!(!html.contains("max-width:500px"), "{html}");
        assert!(
            html.contains("<body style=\"word-spacing:normal;background-color:#111111;\""),
            "{html}"
        );
    }

    #[test]
    fn with_several_mj_classes_the_last_one_wins_like_mjml() {
        let html = render_plain(
            "<mjml><mj-head><mj-attributes><mj-class name=\"a\" color=\"#111111\" font-size=\"20px\" /><mj-class name=\"b\" color=\"#222222\" /></mj-attributes></mj-head><mj-body><mj-section><mj-column><mj-text mj-class=\"a b\">x</mj-text></mj-column></mj-section></mj-body></mjml>",
        );
        assert!(html.contains("color:#222222"), "{html}");
        assert!(html.contains("font-size:20px"), "{html}");
    }

    #[test]
    fn images_without_alt_get_an_empty_alt_like_mjml() {
        let html = render_plain(
            "<mjml><mj-head><mj-attributes><mj-image padding=\"0\" /></mj-attributes></mj-head><mj-body><mj-section><mj-column><mj-image src=\"https://x.example/a.png\" /><mj-image src=\"https://x.example/b.png\" alt=\"Logo\" /><mj-social><mj-social-element name=\"facebook\" href=\"https://x.example\" /></mj-social></mj-column></mj-section></mj-body></mjml>",
        );
        let imgs: Vec<&str> = html.split("<img").skip(1).collect();
        assert_eq!(imgs.len(), 3, "{html}");
        assert!(imgs[0].contains("alt=\"\""), "{}", imgs[0]);
        assert!(imgs[1].contains("alt=\"Logo\""), "{}", imgs[1]);
        assert!(imgs[2].contains("alt=\"\""), "{}", imgs[2]);
    }

    #[test]
    fn an_alt_default_from_mj_attributes_still_wins() {
        let html = render_plain(
            "<mjml><mj-head><mj-attributes><mj-image alt=\"Photo\" /></mj-attributes></mj-head><mj-body><mj-section><mj-column><mj-image src=\"https://x.example/a.png\" /></mj-column></mj-section></mj-body></mjml>",
        );
        assert!(html.contains("alt=\"Photo\""), "{html}");
    }
}
