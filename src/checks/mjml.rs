//! MJML rules, as MJML's own validator reports them (mrml does not validate): unknown `mj-`
//! elements, and attributes an element does not take or whose value has the wrong type. The
//! table of elements and attribute types is `data/mjml-attributes.json`, generated from the
//! `mjml` 4.18.0 npm package's components (`allowedAttributes`) by scripts/mjml-attributes.js.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::markup::Tag;
use super::{Ctx, Hit};

#[derive(Deserialize)]
struct Table {
    global: Vec<String>,
    components: BTreeMap<String, BTreeMap<String, String>>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/mjml-attributes.json"))
        .unwrap_or_else(|e| panic!("data/mjml-attributes.json is invalid: {e}"))
});

/// Elements mrml and MJML know besides the components: structure, includes and the children
/// of `mj-attributes` / `mj-html-attributes`. Their attributes are not checked (free-form).
const STRUCTURAL: [&str; 6] = [
    "mjml",
    "mj-include",
    "mj-all",
    "mj-class",
    "mj-selector",
    "mj-html-attribute",
];

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let skip = attribute_defaults(input.mjml);
    for tag in &ctx.tags {
        if !tag.name.starts_with("mj-") && tag.name != "mjml" {
            continue;
        }
        if STRUCTURAL.contains(&tag.name.as_str()) {
            continue;
        }
        let Some(allowed) = TABLE.components.get(&tag.name) else {
            hits.push(Hit::new(
                "mjml.unknown-element",
                format!(
                    "<{}> is not an MJML element{}; it is dropped with its content, as MJML does",
                    tag.name,
                    suggestion(&tag.name)
                ),
                input.locate(&format!("<{}", tag.name)),
            ));
            continue;
        };
        if skip.iter().any(|r| r.contains(&tag.offset)) {
            continue;
        }
        attributes(ctx, tag, allowed, hits);
    }
}

fn attributes(ctx: &Ctx, tag: &Tag, allowed: &BTreeMap<String, String>, hits: &mut Vec<Hit>) {
    for (name, value) in &tag.attrs {
        if TABLE.global.contains(name) {
            continue;
        }
        let at = || {
            ctx.input
                .locate_all(&[&format!("<{}", tag.name), &format!("{name}=")])
        };
        let Some(kind) = allowed.get(name) else {
            hits.push(Hit::new(
                "mjml.invalid-attribute",
                format!(
                    "<{}> does not take the attribute `{name}` (MJML ignores it); see the element's documentation",
                    tag.name
                ),
                at(),
            ));
            continue;
        };
        let value = value.as_deref().unwrap_or("");
        if let Some(expected) = type_error(kind, value) {
            hits.push(Hit::new(
                "mjml.invalid-attribute",
                format!("<{}> {name}=\"{value}\" is not {expected}", tag.name),
                at(),
            ));
        }
    }
}

/// Byte ranges of `<mj-attributes>` blocks, whose children are defaults, not elements.
fn attribute_defaults(mjml: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(start) = mjml[from..].find("<mj-attributes") {
        let start = from + start;
        let end = mjml[start..]
            .find("</mj-attributes>")
            .map_or(mjml.len(), |e| start + e);
        ranges.push(start + 1..end);
        from = end.max(start + 1);
    }
    ranges
}

/// " (did you mean <mj-section>?)" for a near miss.
fn suggestion(name: &str) -> String {
    TABLE
        .components
        .keys()
        .map(|k| (distance(name, k), k))
        .min()
        .filter(|(d, _)| *d <= 2)
        .map(|(_, k)| format!(" (did you mean <{k}>?)"))
        .unwrap_or_default()
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What `value` should be, when it does not match MJML's type `kind`.
fn type_error(kind: &str, value: &str) -> Option<String> {
    let value = value.trim();
    let ok = match kind {
        "string" => true,
        "boolean" => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
        "integer" => value.chars().any(|c| c.is_ascii_digit()),
        "color" => !value.contains(' ') && !super::css::colour_value(value).is_empty(),
        _ if kind.starts_with("enum(") => {
            let options = kind.trim_start_matches("enum(").trim_end_matches(')');
            if !options.split(',').any(|o| o == value) {
                return Some(format!("one of {options}"));
            }
            true
        }
        _ if kind.starts_with("unit") => return unit_error(kind, value),
        _ => true,
    };
    (!ok).then(|| format!("a valid {kind}"))
}

/// MJML's `unit(px,%){1,4}` / `unitWithNegative(px,em)` types: 1 (or min–max) space-separated
/// numbers with one of the units (an empty unit allows a bare number; `0` is always fine).
fn unit_error(kind: &str, value: &str) -> Option<String> {
    let negative = kind.starts_with("unitWithNegative");
    let inner = kind.split_once('(')?.1;
    let (units, rest) = inner.split_once(')')?;
    let units: Vec<&str> = units.split(',').collect();
    let (min, max) = rest
        .trim_start_matches('{')
        .trim_end_matches('}')
        .split_once(',')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .unwrap_or((1usize, 1usize));
    let parts: Vec<&str> = value.split(' ').filter(|p| !p.is_empty()).collect();
    let part_ok = |p: &str| {
        if p == "0" || (p == "auto" && units.contains(&"auto")) {
            return true;
        }
        let number_end = p
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || (negative && c == '-')))
            .unwrap_or(p.len());
        number_end > 0 && units.iter().any(|u| *u != "auto" && &p[number_end..] == *u)
    };
    let ok = (min..=max).contains(&parts.len()) && parts.iter().all(|p| part_ok(p));
    let units: Vec<&str> = units.into_iter().filter(|u| !u.is_empty()).collect();
    (!ok).then(|| {
        let count = if min == max {
            min.to_string()
        } else {
            format!("{min} to {max}")
        };
        format!("{count} value(s) in {}", units.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;
    use super::*;

    fn rules(mjml: &str) -> Vec<String> {
        let mut email = TestEmail::with_body("");
        email.mjml = mjml.into();
        email.rules("mjml.")
    }

    #[test]
    fn unknown_mj_elements_are_flagged_known_ones_not() {
        assert!(rules("<mjml><mj-body><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>").is_empty());
        assert_eq!(
            rules("<mjml><mj-body><mj-sectoin></mj-sectoin></mj-body></mjml>"),
            ["mjml.unknown-element"]
        );
        assert_eq!(suggestion("mj-sectoin"), " (did you mean <mj-section>?)");
    }

    #[test]
    fn attributes_the_element_does_not_take_are_flagged() {
        assert!(
            rules("<mj-text align=\"center\" padding=\"0 24px\" css-class=\"x\">x</mj-text>")
                .is_empty()
        );
        assert_eq!(
            rules("<mj-text href=\"https://x.example\">x</mj-text>"),
            ["mjml.invalid-attribute"]
        );
    }

    #[test]
    fn values_of_the_wrong_type_are_flagged() {
        assert_eq!(
            rules("<mj-text align=\"middle\">x</mj-text>"),
            ["mjml.invalid-attribute"]
        );
        assert_eq!(
            rules("<mj-text padding=\"1px 2px 3px 4px 5px\">x</mj-text>"),
            ["mjml.invalid-attribute"]
        );
        assert_eq!(
            rules("<mj-section background-color=\"blu\"></mj-section>"),
            ["mjml.invalid-attribute"]
        );
        assert!(
            rules("<mj-section background-color=\"#abc\" padding=\"24px 0\"></mj-section>")
                .is_empty()
        );
        assert!(
            rules("<mj-text line-height=\"1.5\" letter-spacing=\"-1px\">x</mj-text>").is_empty()
        );
    }

    #[test]
    fn defaults_in_mj_attributes_are_not_elements() {
        assert!(rules("<mj-attributes><mj-all font-family=\"X\" /><mj-class name=\"a\" color=\"red\" /></mj-attributes>").is_empty());
    }
}
