//! Brand rules: colours in the output come from the palette, fonts are the brand's with
//! web-safe fallbacks, and text is readable on its background (WCAG 2 contrast).

use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;

use ego_tree::iter::Edge;
use scraper::Node;

use super::css::{Decl, Sheet, colour_value};
use super::{Ctx, Hit};
use crate::brand::Brand;
use crate::dark::{Paint, Scheme};

/// Families every client has (or a generic family), good as a fallback.
const WEB_SAFE: [&str; 16] = [
    "arial",
    "helvetica",
    "helvetica neue",
    "georgia",
    "times new roman",
    "times",
    "verdana",
    "tahoma",
    "trebuchet ms",
    "courier new",
    "courier",
    "segoe ui",
    "lucida grande",
    "lucida sans unicode",
    "palatino linotype",
    "garamond",
];

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let walked = walk(ctx);
    let decls: Vec<&Decl> = walked
        .unique
        .iter()
        .flat_map(|d| d.iter())
        .chain(&ctx.sheet.decls)
        .collect();
    // The palette and the brand fonts are checked where the brand applies; readability always.
    if ctx.input.treatment.brand {
        let attributes = walked.bgcolor.into_iter().chain(walked.color);
        off_palette(ctx, &decls, attributes, hits);
        fonts(ctx, &decls, hits);
    }
    hits.extend(walked.contrast);
}

/// What one walk down the document finds.
struct Walked {
    /// Each distinct `style=""` parsed, in document order (mrml repeats the same few styles
    /// many times; each text is parsed once per thread).
    unique: Vec<Rc<Vec<Decl>>>,
    /// Colours of `bgcolor=""` attributes, in document order: the text as written and its RGB.
    bgcolor: Vec<(String, [u8; 3])>,
    /// Colours of `color=""` attributes (`<font>`), in document order.
    color: Vec<(String, [u8; 3])>,
    /// The readability findings (see [`Contrast`]).
    contrast: Vec<Hit>,
}

/// One walk down the document, without selectors: the inline styles, the colour attributes
/// and, since each element's look is its parent's with its own styles applied, the contrast
/// of every text.
fn walk(ctx: &Ctx) -> Walked {
    // the cache hands out one `Rc` per distinct text: its address tells styles apart
    let mut parsed: HashSet<*const Vec<Decl>> = HashSet::new();
    let mut walked = Walked {
        unique: Vec::new(),
        bgcolor: Vec::new(),
        color: Vec::new(),
        contrast: Vec::new(),
    };
    let mut contrast = Contrast::new(ctx);
    let mut looks = vec![Look::default()];
    for edge in ctx.doc.root_element().traverse() {
        let node = match edge {
            Edge::Open(node) => node,
            Edge::Close(node) => {
                if node.value().is_element() {
                    looks.pop();
                }
                continue;
            }
        };
        let parent = looks.last().copied().unwrap_or_default();
        match node.value() {
            Node::Element(element) => {
                // one pass over the attributes (each `attr()` call interns its name)
                let (mut style, mut bgcolor, mut color) = (None, None, None);
                for (name, value) in element.attrs() {
                    match name {
                        "style" => style = Some(value),
                        "bgcolor" => bgcolor = Some(value),
                        "color" => color = Some(value),
                        _ => {}
                    }
                }
                let decls = style.map(|style| {
                    let decls = Sheet::parse_inline_cached(style);
                    if parsed.insert(Rc::as_ptr(&decls)) {
                        walked.unique.push(Rc::clone(&decls));
                    }
                    decls
                });
                let attribute = |value: Option<&str>, found: &mut Vec<(String, [u8; 3])>| {
                    let colours = value.map(colour_value).unwrap_or_default();
                    let first = colours.first().and_then(|c| c.1);
                    found.extend(
                        colours
                            .into_iter()
                            .filter_map(|(text, rgb)| Some((text, rgb?))),
                    );
                    first
                };
                let presentational = Presentational {
                    bgcolor: attribute(bgcolor, &mut walked.bgcolor),
                    color: attribute(color, &mut walked.color),
                };
                let decls = decls.as_deref().map_or(&[][..], |d| d);
                looks.push(parent.of_child(element.name(), decls, presentational));
            }
            Node::Text(text) if !parent.hidden => {
                contrast.text(ctx, text, parent, &mut walked.contrast);
            }
            _ => {}
        }
    }
    walked
}

fn allowed(ctx: &Ctx, rgb: [u8; 3]) -> bool {
    let input = ctx.input;
    let hex = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
    hex == "#ffffff"
        || hex == "#000000"
        || input.brand.palette.values().any(|c| c.as_str() == hex)
        || input
            .brand
            .dark
            .iter()
            .flat_map(|dark| dark.values())
            .any(|c| c.as_str() == hex)
        || input
            .config
            .allowed_colours
            .iter()
            .any(|c| c.as_str() == hex)
}

fn off_palette(
    ctx: &Ctx,
    decls: &[&Decl],
    attributes: impl Iterator<Item = (String, [u8; 3])>,
    hits: &mut Vec<Hit>,
) {
    let found = decls
        .iter()
        .flat_map(|d| d.colours.iter())
        .filter_map(|(text, rgb)| rgb.map(|rgb| (text.clone(), rgb)))
        .chain(attributes);
    let mut seen = BTreeSet::new();
    for (text, rgb) in found {
        if allowed(ctx, rgb) || !seen.insert(rgb) {
            continue;
        }
        hits.push(Hit::new(
            "brand.off-palette",
            format!(
                "colour `{text}` is not in the brand palette; use a palette colour (brand.palette.*) or add it to allowed-colours in letterpress.yaml"
            ),
            ctx.input.locate(&text),
        ));
    }
}

fn brand_families(brand: &Brand) -> Vec<String> {
    [&brand.fonts.body, &brand.fonts.heading]
        .into_iter()
        .map(|f| f.family.as_str().to_lowercase())
        .collect()
}

fn is_safe(family: &str) -> bool {
    let family = family.to_lowercase();
    WEB_SAFE.contains(&family.as_str()) || crate::brand::GENERIC_FAMILIES.contains(&family.as_str())
}

fn fonts(ctx: &Ctx, decls: &[&Decl], hits: &mut Vec<Hit>) {
    let brand = brand_families(ctx.input.brand);
    // Web fonts: the brand's (unless web-safe) and any declared with <mj-font>.
    let mut web: Vec<String> = brand.clone();
    web.extend(
        ctx.tags
            .iter()
            .filter(|t| t.name == "mj-font")
            .filter_map(|t| t.attr("name").map(str::to_lowercase)),
    );
    let mut seen_first = BTreeSet::new();
    let mut seen_stack = BTreeSet::new();
    for decl in decls.iter().filter(|d| d.property == "font-family") {
        let Some(first) = decl.families.first() else {
            continue;
        };
        let lower = first.to_lowercase();
        if is_inherit(first) {
            continue;
        }
        if !brand.contains(&lower) && seen_first.insert(lower.clone()) {
            hits.push(Hit::new(
                "brand.font",
                format!(
                    "font-family `{}` starts with `{first}`, not a brand font ({}); leave font-family to the brand defaults",
                    decl.value,
                    brand.join(", ")
                ),
                ctx.input.locate(first),
            ));
        }
        let no_fallback = !decl.families[1..].iter().any(|f| is_safe(f));
        if web.contains(&lower)
            && !is_safe(first)
            && no_fallback
            && seen_stack.insert(decl.families.join(",").to_lowercase())
        {
            hits.push(Hit::new(
                "brand.font-fallback",
                format!(
                    "font-family `{}`: web font `{first}` has no web-safe fallback; add e.g. `Arial, sans-serif` (Outlook otherwise shows Times New Roman)",
                    decl.value
                ),
                ctx.input.locate(&decl.value),
            ));
        }
    }
}

fn is_inherit(family: &str) -> bool {
    matches!(
        family.to_lowercase().as_str(),
        "inherit" | "initial" | "unset" | "revert"
    )
}

/// Colour, background, size and weight in effect at an element (from inline styles and
/// presentational attributes of it and its ancestors).
#[derive(Clone, Copy, Default)]
struct Look {
    fg: Option<[u8; 3]>,
    bg: Option<[u8; 3]>,
    size: Option<f32>,
    bold: bool,
    hidden: bool,
}

/// The first colour of an element's `bgcolor` and `color` attributes.
#[derive(Clone, Copy)]
struct Presentational {
    bgcolor: Option<[u8; 3]>,
    color: Option<[u8; 3]>,
}

impl Look {
    /// The look of `element` (styled by `decls`) whose parent looks like `self`: what the
    /// element sets itself, and for the rest what it inherits.
    fn of_child(&self, tag: &str, decls: &[Decl], attributes: Presentational) -> Look {
        let mut own = Look {
            bold: matches!(tag, "b" | "strong" | "h1" | "h2" | "h3" | "h4" | "th"),
            hidden: matches!(tag, "head" | "style" | "title" | "script"),
            ..Look::default()
        };
        for decl in decls {
            let colour = decl.colours.first().map(|c| c.1);
            match decl.property.as_str() {
                "color" if own.fg.is_none() => own.fg = colour.flatten(),
                "background-color" | "background" if own.bg.is_none() => {
                    own.bg = colour.flatten();
                }
                "font-size" if own.size.is_none() => {
                    own.size = decl
                        .value
                        .strip_suffix("px")
                        .and_then(|v| v.trim().parse().ok());
                }
                "font-weight" => {
                    own.bold |=
                        decl.value == "bold" || decl.value.parse::<u32>().is_ok_and(|w| w >= 700);
                }
                "display" if decl.value.starts_with("none") => own.hidden = true,
                "opacity" if decl.value == "0" => own.hidden = true,
                _ => {}
            }
        }
        if own.bg.is_none() {
            own.bg = attributes.bgcolor;
        }
        if own.fg.is_none() && tag == "font" {
            own.fg = attributes.color;
        }
        Look {
            fg: own.fg.or(self.fg),
            bg: own.bg.or(self.bg),
            size: own.size.or(self.size),
            bold: own.bold || self.bold,
            hidden: own.hidden || self.hidden,
        }
    }
}

/// Readable text in both schemes: the colours as written, and (when the brand has a dark
/// palette) as the dark scheme repaints them, where text without a colour of its own gets the
/// dark `text` and `background` roles. A template the brand does not apply to gets no dark
/// scheme, so only its colours as written are checked. Each pair of colours is judged once.
struct Contrast {
    dark: Option<Scheme>,
    seen: HashSet<Pair>,
    /// The last pair judged: most texts look like the one before.
    last: Option<Pair>,
}

/// Text colour, background, large text, dark scheme.
type Pair = ([u8; 3], [u8; 3], bool, bool);

impl Contrast {
    fn new(ctx: &Ctx) -> Contrast {
        let dark = Scheme::of(ctx.input.brand)
            .filter(Scheme::has_dark)
            .filter(|_| ctx.input.treatment.brand);
        Contrast {
            dark,
            seen: HashSet::new(),
            last: None,
        }
    }

    /// Judges one visible text node that looks like `look`.
    fn text(&mut self, ctx: &Ctx, text: &str, look: Look, hits: &mut Vec<Hit>) {
        if text.trim().is_empty() {
            return;
        }
        let size = look.size.unwrap_or(16.0);
        let large = size >= 24.0 || (look.bold && size >= 18.66);
        let fg = look.fg.unwrap_or([0, 0, 0]);
        let bg = look.bg.unwrap_or([255, 255, 255]);
        if self.first_time((fg, bg, large, false)) {
            check_pair(ctx, text, [fg, bg], large, false, hits);
        }
        if let Some(dark) = &self.dark {
            let repaint = |c: Option<[u8; 3]>, paint, default| {
                c.map_or(default, |c| dark.dark_of(paint, c).unwrap_or(c))
            };
            let fg = repaint(look.fg, Paint::Text, dark.default_text());
            let bg = repaint(look.bg, Paint::Background, dark.default_background());
            if self.first_time((fg, bg, large, true)) {
                check_pair(ctx, text, [fg, bg], large, true, hits);
            }
        }
    }

    /// Whether `pair` has not been judged in this email yet.
    fn first_time(&mut self, pair: Pair) -> bool {
        if self.last == Some(pair) {
            return false;
        }
        self.last = Some(pair);
        self.seen.insert(pair)
    }
}

/// One text colour on one background, reported when below WCAG AA.
fn check_pair(
    ctx: &Ctx,
    text: &str,
    [fg, bg]: [[u8; 3]; 2],
    large: bool,
    in_dark: bool,
    hits: &mut Vec<Hit>,
) {
    let needed = if large { 3.0 } else { 4.5 };
    let ratio = ratio(fg, bg);
    if ratio >= needed {
        return;
    }
    let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
    let brand = ctx.input.brand;
    let palette = if in_dark {
        brand.dark.as_ref()
    } else {
        Some(&brand.palette)
    };
    let roles = palette.and_then(|p| Some((role_of(p, fg, FG_ROLES)?, role_of(p, bg, BG_ROLES)?)));
    if let Some((text_role, back_role)) = roles {
        // Two palette colours: the palette is where to fix it, reported once there.
        let (section, at) = if in_dark {
            ("dark", crate::error::SourcePos::file("brand/brand.yaml"))
        } else {
            (
                "palette",
                brand
                    .palette_at
                    .get(text_role)
                    .cloned()
                    .unwrap_or_else(|| crate::error::SourcePos::file("brand/brand.yaml")),
            )
        };
        hits.push(Hit::new(
            "brand.contrast",
            format!(
                "{}`{text_role}` ({}) on `{back_role}` ({}): contrast {ratio:.2}:1, below {needed}:1 (WCAG AA{}); change `{text_role}` or `{back_role}` under {section}: in brand/brand.yaml so they contrast more",
                if in_dark { "in the dark scheme, dark " } else { "palette " },
                hex(fg),
                hex(bg),
                if large { ", large text" } else { "" }
            ),
            Some(at),
        ));
        return;
    }
    let snippet: String = text.trim().chars().take(30).collect();
    // Quoted text goes into CI logs: long digit runs (card or account numbers in sample data)
    // are masked there, as the safety rules do.
    let shown: String = if snippet.chars().filter(char::is_ascii_digit).count() >= 8 {
        snippet
            .chars()
            .map(|c| if c.is_ascii_digit() { '•' } else { c })
            .collect()
    } else {
        snippet.clone()
    };
    let (scheme, fix) = if in_dark {
        (
            "in the dark scheme, ",
            "change the dark colours (dark: in brand/brand.yaml) or the colours the template sets",
        )
    } else {
        ("", "darken the text or lighten the background")
    };
    hits.push(Hit::new(
        "brand.contrast",
        format!(
            "{scheme}text `{shown}` is {} on {}: contrast {ratio:.2}:1, below {needed}:1 (WCAG AA{}); {fix}",
            hex(fg),
            hex(bg),
            if large { ", large text" } else { "" }
        ),
        ctx.input.locate(&snippet),
    ));
}

/// Palette roles preferred when a text colour is in the palette under several names.
const FG_ROLES: &[&str] = &["text", "muted", "link", "heading", "on-primary"];
/// Palette roles preferred when a background colour is in the palette under several names.
const BG_ROLES: &[&str] = &["surface", "background", "primary"];

/// The palette role of `rgb`: one of `preferred` if it has several names, else the first.
fn role_of<'a>(
    palette: &'a std::collections::BTreeMap<String, crate::brand::Colour>,
    rgb: [u8; 3],
    preferred: &[&str],
) -> Option<&'a str> {
    let hex = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
    let mut roles = palette
        .iter()
        .filter(|(_, c)| c.as_str() == hex)
        .map(|(k, _)| k.as_str());
    let all: Vec<&str> = roles.by_ref().collect();
    preferred
        .iter()
        .find_map(|p| all.iter().find(|r| *r == p).copied())
        .or_else(|| all.first().copied())
}

/// WCAG 2 contrast ratio of two sRGB colours.
pub(crate) fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let lum = |c: [u8; 3]| {
        let ch = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
    };
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;
    use super::ratio;

    #[test]
    fn contrast_ratio_matches_wcag_examples() {
        assert!((ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert!((ratio([0x77, 0x77, 0x77], [255, 255, 255]) - 4.48).abs() < 0.01);
    }

    #[test]
    fn white_on_white_fails_contrast_dark_on_white_passes() {
        let ok = TestEmail::with_body(
            "<div style=\"background-color:#ffffff\"><p style=\"color:#222222\">Hello</p></div>",
        );
        assert!(ok.rules("brand.").is_empty());
        let bad = TestEmail::with_body(
            "<div style=\"background-color:#ffffff\"><p style=\"color:#fff\">Hello</p></div>",
        );
        assert_eq!(bad.rules("brand."), ["brand.contrast"]);
    }

    #[test]
    fn contrast_message_masks_long_numbers() {
        let bad = TestEmail::with_body(
            "<div style=\"background-color:#ffffff\"><p style=\"color:#eeeeee\">Card 4111 1111 1111 1111</p></div>",
        );
        let finding = bad
            .findings()
            .into_iter()
            .find(|f| f.rule == "brand.contrast")
            .unwrap();
        assert!(!finding.message.contains("4111"), "{}", finding.message);
        assert!(
            finding.message.contains("Card •••• ••••"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn contrast_is_checked_in_the_dark_scheme_too() {
        let dark = "dark:\n  primary: \"#8ab4f8\"\n  on-primary: \"#0b1b33\"\n  text: \"#e8eaed\"\n  muted: \"#3c4043\"\n  background: \"#202124\"\n  surface: \"#2d2e31\"\n  border: \"#5f6368\"\n  link: \"#8ab4f8\"\n";
        let body = "<div style=\"background-color:#ffffff\"><p style=\"color:#222222\">Hello</p><p style=\"color:#555555\">Small print</p></div>";
        let mut email = TestEmail::with_body(body);
        assert!(email.rules("brand.").is_empty(), "light scheme reads well");
        email.brand = crate::brand::Brand::parse(
            &format!("{}{dark}", crate::brand::tests_sample()),
            std::path::Path::new("brand/brand.yaml"),
        )
        .unwrap();
        let findings = email.findings();
        let contrast: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "brand.contrast")
            .collect();
        // muted #555555 becomes #3c4043 on the dark surface #2d2e31: unreadable
        assert_eq!(contrast.len(), 1, "{contrast:?}");
        assert!(
            contrast[0]
                .message
                .starts_with("in the dark scheme, dark `muted` (#3c4043) on `surface` (#2d2e31)"),
            "{}",
            contrast[0].message
        );
        assert_eq!(
            contrast[0].location.as_ref().map(|l| l.file.clone()),
            Some(std::path::PathBuf::from("brand/brand.yaml")),
            "two palette colours: the palette is what to fix"
        );
        email.treatment = crate::treatment::Treatment::PLAIN;
        assert!(
            email.rules("brand.contrast").is_empty(),
            "plain MJML gets no dark scheme, so its dark colours are not judged"
        );
        // the dark colours in the dark style block are not off-palette
        email.html = email.html.replace(
            "</head>",
            "<style>@media (prefers-color-scheme: dark) { .x { color: #3c4043 !important; } }</style></head>",
        );
        assert!(email.rules("brand.off-palette").is_empty());
    }

    #[test]
    fn large_text_needs_only_3_to_1() {
        // #888888 on white is 3.54:1
        let large = TestEmail::with_body(
            "<div style=\"background-color:#ffffff\"><h1 style=\"color:#888;font-size:28px\">Hi</h1></div>",
        );
        let mut email = large;
        email.config.allowed_colours = vec![crate::brand::Colour::parse("#888888").unwrap()];
        assert!(email.rules("brand.").is_empty());
        email.html = email.html.replace("28px", "14px");
        assert_eq!(email.rules("brand."), ["brand.contrast"]);
    }

    #[test]
    fn off_palette_colours_in_any_notation_are_flagged() {
        let ok = TestEmail::with_body(
            "<table bgcolor=\"#FFF\"><tr><td style=\"color: rgb(34,34,34); border-color: transparent\">x</td></tr></table>",
        );
        assert!(ok.rules("brand.off-palette").is_empty());
        for colour in [
            "#ff0000",
            "#f00",
            "rgb(255, 0, 0)",
            "red",
            "hsl(0, 100%, 50%)",
        ] {
            let bad =
                TestEmail::with_body(&format!("<p style=\"border: 1px solid {colour}\">x</p>"));
            assert_eq!(
                bad.rules("brand.off-palette"),
                ["brand.off-palette"],
                "{colour}"
            );
        }
        let attr = TestEmail::with_body("<table bgcolor=\"#123456\"><tr><td>x</td></tr></table>");
        assert_eq!(attr.rules("brand.off-palette"), ["brand.off-palette"]);
    }

    #[test]
    fn palette_and_fonts_are_not_checked_where_the_brand_does_not_apply() {
        let mut email = TestEmail::with_body(
            "<p style=\"color: #123456; font-family: Comic Sans MS\">x</p><p style=\"color: #dddddd\">faint</p>",
        );
        email.treatment = crate::treatment::Treatment::PLAIN;
        assert_eq!(email.rules("brand."), ["brand.contrast"]);
    }

    #[test]
    fn off_brand_fonts_and_missing_fallbacks_are_flagged() {
        let ok = TestEmail::with_body(
            "<p style=\"font-family: Inter, Helvetica, Arial, sans-serif\">x</p>",
        );
        assert!(ok.rules("brand.font").is_empty());
        let off = TestEmail::with_body("<p style=\"font-family: Comic Sans MS\">x</p>");
        assert_eq!(off.rules("brand.font"), ["brand.font"]);
        let bare = TestEmail::with_body("<p style=\"font-family: Inter\">x</p>");
        assert_eq!(bare.rules("brand.font"), ["brand.font-fallback"]);
    }
}
