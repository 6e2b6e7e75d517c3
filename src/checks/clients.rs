//! Email-client support: CSS and HTML the author wrote (in `<mj-style>`, `style=""` and raw
//! HTML of the template, not what mrml generates, which MJML already makes work everywhere)
//! checked against caniemail's data for Gmail, Outlook, Apple Mail and Yahoo. One warning per
//! feature per email, naming the clients that do not support it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::sync::LazyLock;

use serde::Deserialize;

use super::css::{Decl, Sheet};
use super::markup::Tag;
use super::{Ctx, Hit};

#[derive(Deserialize)]
struct Data {
    snapshot_date: String,
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    slug: String,
    title: String,
    url: String,
    #[serde(rename = "match")]
    pattern: Pattern,
    unsupported: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Pattern {
    property: Option<String>,
    value: Option<String>,
    important: bool,
    at_rule: Option<String>,
    media_feature: Option<String>,
    pseudo: Option<String>,
    function: Option<String>,
    unit: Option<String>,
    element: Option<String>,
    attribute: Option<String>,
    any_of: Vec<Pattern>,
}

/// caniemail's data as committed in `data/caniemail.json` (MIT; see data/README.md).
static DATA: LazyLock<Data> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/caniemail.json"))
        .unwrap_or_else(|e| panic!("data/caniemail.json is invalid: {e}"))
});

/// The date of the caniemail snapshot letterpress ships.
pub fn snapshot_date() -> &'static str {
    &DATA.snapshot_date
}

/// What the author wrote: their CSS and their HTML tags.
struct Authored<'t> {
    /// The `<mj-style>` blocks (remembered across emails: a template's are the same in all).
    sheet: Rc<Sheet>,
    /// The `style=""` attributes of the tags (each distinct text parsed once per thread).
    inline: Vec<Rc<Vec<Decl>>>,
    tags: Vec<&'t Tag>,
}

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let authored = authored(ctx.input.mjml, &ctx.tags);
    let index = Index::of(&authored);
    for feature in &DATA.features {
        if feature.unsupported.is_empty()
            || degrades_gracefully(&feature.slug)
            || !matches(&feature.pattern, &authored, &index)
        {
            continue;
        }
        let clients: Vec<String> = feature
            .unsupported
            .iter()
            .map(|(client, platforms)| format!("{client} ({})", platforms.join(", ")))
            .collect();
        hits.push(Hit::new(
            "clients.unsupported",
            format!(
                "`{}` is not supported by {} (caniemail {}, {}); provide a fallback or avoid it",
                feature.title,
                clients.join("; "),
                DATA.snapshot_date,
                feature.url
            ),
            locate(ctx, &feature.pattern),
        ));
    }
}

/// Accessibility attributes a client ignores harmlessly: flagging them would fight the a11y
/// rules that ask for them.
fn degrades_gracefully(slug: &str) -> bool {
    slug == "html-role" || slug.starts_with("html-aria-")
}

fn authored<'t>(mjml: &str, tags: &'t [Tag]) -> Authored<'t> {
    let inline = tags
        .iter()
        .filter_map(|tag| tag.attr("style"))
        .map(Sheet::parse_inline_cached)
        .collect();
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(start) = mjml[from..].find("<mj-style") {
        let open_end = mjml[from + start..]
            .find('>')
            .map_or(mjml.len(), |e| from + start + e + 1);
        let close = mjml[open_end..]
            .find("</mj-style>")
            .map_or(mjml.len(), |e| open_end + e);
        blocks.push(mjml[open_end..close].to_string());
        from = close.max(open_end);
    }
    let tags = tags
        .iter()
        .filter(|t| !t.name.starts_with("mj-") && t.name != "mjml")
        .collect();
    Authored {
        sheet: Sheet::parse_blocks_cached(&blocks),
        inline,
        tags,
    }
}

/// What the author wrote, as sets to look features up in: each of caniemail's few hundred
/// patterns is one lookup instead of a pass over every declaration and tag.
#[derive(Default)]
struct Index<'a> {
    properties: HashSet<&'a str>,
    property_idents: HashSet<(&'a str, &'a str)>,
    idents: HashSet<&'a str>,
    important: bool,
    functions: HashSet<&'a str>,
    units: HashSet<&'a str>,
    tags: HashMap<&'a str, Vec<&'a Tag>>,
    attributes: HashSet<&'a str>,
}

impl<'a> Index<'a> {
    fn of(authored: &'a Authored) -> Index<'a> {
        let mut index = Index::default();
        let inline = authored.inline.iter().flat_map(|d| d.iter());
        for decl in authored.sheet.decls.iter().chain(inline) {
            index.properties.insert(&decl.property);
            index.important |= decl.important;
            for ident in &decl.idents {
                index.idents.insert(ident);
                index.property_idents.insert((&decl.property, ident));
            }
            index
                .functions
                .extend(decl.functions.iter().map(String::as_str));
            index.units.extend(decl.units.iter().map(String::as_str));
        }
        for tag in &authored.tags {
            index.tags.entry(&tag.name).or_default().push(tag);
            index
                .attributes
                .extend(tag.attrs.iter().map(|(name, _)| name.as_str()));
        }
        index
    }
}

fn matches(p: &Pattern, a: &Authored, index: &Index) -> bool {
    if !p.any_of.is_empty() {
        return p.any_of.iter().any(|q| matches(q, a, index));
    }
    if let Some(property) = &p.property {
        return match &p.value {
            Some(value) => index
                .property_idents
                .contains(&(property.as_str(), value.as_str())),
            None => index.properties.contains(property.as_str()),
        };
    }
    if let Some(element) = &p.element {
        let tags = index.tags.get(element.as_str()).into_iter().flatten();
        return tags.into_iter().any(|t| {
            p.attribute.as_ref().is_none_or(|attr| {
                t.attr(attr).is_some_and(|v| {
                    p.value
                        .as_ref()
                        .is_none_or(|want| v.eq_ignore_ascii_case(want))
                })
            })
        });
    }
    if let Some(attribute) = &p.attribute {
        return index.attributes.contains(attribute.as_str());
    }
    if let Some(value) = &p.value {
        return index.idents.contains(value.as_str());
    }
    if p.important {
        return index.important;
    }
    if let Some(at_rule) = &p.at_rule {
        return a.sheet.at_rules.iter().any(|r| {
            &r.name == at_rule
                && p.media_feature.as_ref().is_none_or(|f| {
                    r.prelude
                        .iter()
                        .any(|i| i.trim_start_matches("min-").trim_start_matches("max-") == f)
                })
        });
    }
    if let Some(pseudo) = &p.pseudo {
        return a.sheet.pseudos.contains(pseudo);
    }
    if let Some(function) = &p.function {
        return index.functions.contains(function.as_str());
    }
    if let Some(unit) = &p.unit {
        return index.units.contains(unit.as_str());
    }
    false
}

/// The first source line that shows the feature.
fn locate(ctx: &Ctx, p: &Pattern) -> Option<crate::error::SourcePos> {
    let first = p.any_of.first().unwrap_or(p);
    let needle = first
        .property
        .as_ref()
        .map(|x| format!("{x}:"))
        .or_else(|| first.at_rule.as_ref().map(|x| format!("@{x}")))
        .or_else(|| first.element.as_ref().map(|x| format!("<{x}")))
        .or_else(|| first.attribute.as_ref().map(|x| format!("{x}=")))
        .or_else(|| first.pseudo.clone())
        .or_else(|| first.function.as_ref().map(|x| format!("{x}(")))
        .or_else(|| first.value.clone())
        .or_else(|| first.important.then(|| "!important".to_string()))
        .unwrap_or_default();
    ctx.input.locate(&needle)
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;

    fn findings(mjml: &str) -> Vec<String> {
        let mut email = TestEmail::with_body("");
        email.mjml = mjml.into();
        email
            .findings()
            .into_iter()
            .filter(|f| f.rule == "clients.unsupported")
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn unsupported_css_is_reported_once_naming_clients() {
        let found = findings(
            "<mj-text><p style=\"display:flex;padding:0\">a</p><div style=\"display: flex\">b</div></mj-text>",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("flex") && found[0].contains("outlook"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn supported_or_partly_supported_css_is_not_reported() {
        assert!(
            findings("<mj-text><p style=\"padding:0;font-size:16px;color:#222\">a</p></mj-text>")
                .is_empty()
        );
    }

    #[test]
    fn accessibility_attributes_are_not_reported() {
        assert!(findings("<mj-raw><table role=\"presentation\" aria-label=\"x\"><tr><td>a</td></tr></table></mj-raw>").is_empty());
        assert_eq!(
            findings("<mj-raw><video src=\"https://x.example/a.mp4\"></video></mj-raw>").len(),
            1
        );
    }

    #[test]
    fn css_in_mj_style_is_checked() {
        assert_eq!(
            findings("<mj-style>.a:hover { color: red }</mj-style>").len(),
            1
        );
        assert!(findings("<mj-style>.a { color: red }</mj-style>").is_empty());
    }
}
