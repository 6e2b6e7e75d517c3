//! The dark scheme, derived from the brand: `dark:` in `brand.yaml` gives the palette's roles a
//! dark-mode colour, and every email gets what clients need to use it.
//!
//! A pipeline step on the final HTML: each element whose inline colour (text, background,
//! border; `bgcolor` too) is a palette colour gets a class naming the role (`lp-c-text`,
//! `lp-b-surface`, `lp-bd-border`), and the head gets the `color-scheme` and
//! `supported-color-schemes` meta tags, a `@media (prefers-color-scheme: dark)` block that gives
//! those classes the dark colours (Apple Mail, Outlook for Mac, iOS and Android, Outlook.com
//! and others that support it), and the same rules under `[data-ogsc]`/`[data-ogsb]` for
//! Outlook.com, which recolours emails itself and marks what it changed with those attributes.
//! An image showing the brand's logo gets a hidden twin showing `logo.dark-url`, swapped in by
//! the same rules. Only the rules an email uses are emitted, in `<style>` blocks of their own
//! (a client that drops one drops nothing else). Trade-offs: docs/dark-mode.md.

use std::collections::{BTreeMap, HashMap};

use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str};

use crate::brand::{Brand, ColorScheme, Colour, REQUIRED_ROLES};
use crate::checks::css::{Sheet, colour_value};

mod head;
mod logo;

use head::Used;

/// What a colour paints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Paint {
    /// Text (`color`, `<font color>`).
    Text,
    /// Backgrounds (`background`, `background-color`, `bgcolor`).
    Background,
    /// Borders (`border*`).
    Border,
}

impl Paint {
    const ALL: [Paint; 3] = [Paint::Text, Paint::Background, Paint::Border];

    fn class_prefix(self) -> &'static str {
        match self {
            Paint::Text => "lp-c-",
            Paint::Background => "lp-b-",
            Paint::Border => "lp-bd-",
        }
    }

    fn property(self) -> &'static str {
        match self {
            Paint::Text => "color",
            Paint::Background => "background-color",
            Paint::Border => "border-color",
        }
    }

    /// Roles that first claim a colour used this way, when two roles share a light colour
    /// (white is often both `surface` and `on-primary`).
    fn preferred(self) -> &'static [&'static str] {
        match self {
            Paint::Text => &["text", "heading", "muted", "link", "on-primary"],
            Paint::Background => &["background", "surface", "primary"],
            Paint::Border => &["border"],
        }
    }

    /// Outlook.com's marker of an element it recoloured this way.
    fn outlook_marker(self) -> &'static str {
        match self {
            Paint::Text => "[data-ogsc]",
            Paint::Background | Paint::Border => "[data-ogsb]",
        }
    }

    fn of_property(property: &str) -> Option<Paint> {
        match property {
            "color" => Some(Paint::Text),
            "background" | "background-color" => Some(Paint::Background),
            p if p.starts_with("border") => {
                // border, border-top, border-color, border-left-color… not widths, radii,
                // styles, collapse or spacing
                let skip = ["radius", "style", "width", "collapse", "spacing", "image"];
                (!skip.iter().any(|s| p.contains(s))).then_some(Paint::Border)
            }
            _ => None,
        }
    }
}

/// A role's colour in the dark scheme.
#[derive(Debug, Clone)]
struct Target {
    role: String,
    dark: [u8; 3],
}

/// The dark scheme of one brand, ready to apply to emails and to check contrast with.
#[derive(Debug, Clone)]
pub struct Scheme {
    targets: HashMap<(Paint, [u8; 3]), Target>,
    text: [u8; 3],
    background: [u8; 3],
    logo: Option<(String, String)>,
    light_only: bool,
}

fn rgb(colour: &Colour) -> [u8; 3] {
    let (r, g, b) = colour.rgb();
    [r, g, b]
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The class-safe form of a role name.
fn class_name(paint: Paint, role: &str) -> String {
    let role: String = role
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{}{role}", paint.class_prefix())
}

/// Checks the brand's dark settings: the dark palette names palette roles and covers the
/// required ones; `light-only` and a dark palette exclude each other; a dark logo needs a dark
/// palette. The error names the YAML key and says what to do.
pub fn validate(brand: &Brand) -> Result<(), (&'static str, String)> {
    if let Some(dark) = &brand.dark {
        if let Some(role) = dark.keys().find(|r| !brand.palette.contains_key(*r)) {
            return Err((
                "dark",
                format!(
                    "dark.{role}: the palette has no `{role}` role; the dark scheme gives the palette's own roles a dark-mode colour"
                ),
            ));
        }
        if let Some(role) = REQUIRED_ROLES.iter().find(|r| !dark.contains_key(**r)) {
            return Err((
                "dark",
                format!(
                    "dark has no `{role}` colour; a dark scheme defines every required role ({})",
                    REQUIRED_ROLES.join(", ")
                ),
            ));
        }
        if brand.color_scheme == ColorScheme::LightOnly {
            return Err((
                "color-scheme",
                "color-scheme: light-only asks clients never to show a dark version, but dark: defines one; remove one of the two".into(),
            ));
        }
    } else if brand.logo.dark_url.is_some() {
        return Err((
            "dark-url",
            "logo.dark-url needs a dark palette (dark: with a colour for each role) to be shown"
                .into(),
        ));
    }
    Ok(())
}

impl Scheme {
    /// The scheme of `brand`; `None` when emails get nothing (no dark palette and no
    /// `color-scheme: light-only`).
    pub fn of(brand: &Brand) -> Option<Scheme> {
        let light_only = brand.color_scheme == ColorScheme::LightOnly;
        let dark = match &brand.dark {
            Some(dark) => dark,
            None if light_only => &BTreeMap::new(),
            None => return None,
        };
        let mut targets = HashMap::new();
        for paint in Paint::ALL {
            let preferred = paint.preferred().iter().map(|r| r.to_string());
            let others = brand.palette.keys().cloned();
            for role in preferred.chain(others) {
                let (Some(light), Some(dark)) = (brand.palette.get(&role), dark.get(&role)) else {
                    continue;
                };
                targets.entry((paint, rgb(light))).or_insert(Target {
                    role,
                    dark: rgb(dark),
                });
            }
        }
        let pick = |role: &str, fallback: [u8; 3]| dark.get(role).map_or(fallback, rgb);
        let logo = match (&brand.logo.dark_url, light_only) {
            (Some(dark_url), false) => Some((
                brand.logo.url.as_str().to_string(),
                dark_url.as_str().to_string(),
            )),
            _ => None,
        };
        Some(Scheme {
            targets,
            text: pick("text", [255, 255, 255]),
            background: pick("background", [0, 0, 0]),
            logo,
            light_only,
        })
    }

    /// The dark-scheme colour of a light colour painted as `paint`, when it is a palette
    /// colour the dark scheme changes (or keeps).
    pub fn dark_of(&self, paint: Paint, light: [u8; 3]) -> Option<[u8; 3]> {
        if self.light_only {
            return None;
        }
        self.targets.get(&(paint, light)).map(|t| t.dark)
    }

    /// Whether emails get a dark version at all (false for `light-only`).
    pub fn has_dark(&self) -> bool {
        !self.light_only
    }

    /// Text colour where the email sets none, in the dark scheme.
    pub fn default_text(&self) -> [u8; 3] {
        self.text
    }

    /// Background where the email sets none, in the dark scheme.
    pub fn default_background(&self) -> [u8; 3] {
        self.background
    }

    /// Adds the dark scheme to an email's final HTML.
    pub fn apply(&self, html: &str) -> Result<String, String> {
        let (tagged, used) = if self.light_only {
            (html.to_string(), Used::default())
        } else {
            self.tag(html)?
        };
        let head = head::head(self, &used);
        let settings = RewriteStrSettings::new()
            .append_element_content_handler(element!("head", |el| {
                el.append(&head, ContentType::Html);
                Ok(())
            }))
            .with_strict(false)
            .with_enable_esi_tags(false);
        rewrite_str(&tagged, settings).map_err(|e| e.to_string())
    }

    /// Adds role classes to every element painted with a palette colour, and dark twins to
    /// logo images.
    fn tag(&self, html: &str) -> Result<(String, Used), String> {
        let used = std::cell::RefCell::new(Used::default());
        let settings = RewriteStrSettings::new()
            .append_element_content_handler(element!("*", |el| {
                let mut classes = Vec::new();
                for (paint, colour) in painted(el) {
                    if let Some(target) = self.targets.get(&(paint, colour)) {
                        let class = class_name(paint, &target.role);
                        if !classes.contains(&class) {
                            classes.push(class.clone());
                            used.borrow_mut().rules.insert(class, (paint, target.dark));
                        }
                    }
                }
                let twin = self
                    .logo
                    .as_ref()
                    .and_then(|(light, dark)| logo::twin(el, light, dark));
                if let Some(twin) = twin {
                    classes.push("lp-light-img".into());
                    used.borrow_mut().logo.insert(twin.1);
                    el.after(&twin.0, ContentType::Html);
                }
                if !classes.is_empty() {
                    let existing = el.get_attribute("class").unwrap_or_default();
                    let mut all: Vec<&str> = existing.split_whitespace().collect();
                    for class in &classes {
                        if !all.contains(&class.as_str()) {
                            all.push(class);
                        }
                    }
                    let joined = all.join(" ");
                    el.set_attribute("class", &joined)?;
                }
                Ok(())
            }))
            .with_strict(false)
            .with_enable_esi_tags(false);
        let tagged = rewrite_str(html, settings).map_err(|e| e.to_string())?;
        Ok((tagged, used.into_inner()))
    }
}

/// Every (paint, colour) an element sets inline: its style, `bgcolor`, and `<font color>`.
fn painted(el: &lol_html::html_content::Element) -> Vec<(Paint, [u8; 3])> {
    let mut found = Vec::new();
    if let Some(style) = el.get_attribute("style") {
        for decl in Sheet::parse_inline_cached(&style).iter() {
            let Some(paint) = Paint::of_property(&decl.property) else {
                continue;
            };
            let colours = decl.colours.iter().filter_map(|c| c.1);
            match paint {
                // the first colour of `background: url(x) #fff` is the colour
                Paint::Text | Paint::Background => {
                    found.extend(colours.take(1).map(|c| (paint, c)))
                }
                Paint::Border => found.extend(colours.map(|c| (paint, c))),
            }
        }
    }
    if let Some(bg) = el.get_attribute("bgcolor") {
        found.extend(
            colour_value(&bg)
                .into_iter()
                .filter_map(|c| c.1)
                .map(|c| (Paint::Background, c))
                .take(1),
        );
    }
    if el.tag_name().eq_ignore_ascii_case("font") {
        if let Some(colour) = el.get_attribute("color") {
            found.extend(
                colour_value(&colour)
                    .into_iter()
                    .filter_map(|c| c.1)
                    .map(|c| (Paint::Text, c))
                    .take(1),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const DARK: &str = "dark:\n  primary: \"#8ab4f8\"\n  on-primary: \"#0b1b33\"\n  text: \"#e8eaed\"\n  muted: \"#bdc1c6\"\n  background: \"#202124\"\n  surface: \"#2d2e31\"\n  border: \"#5f6368\"\n  link: \"#8ab4f8\"\n";

    fn brand(extra: &str) -> Result<Brand, crate::ProjectError> {
        let text = format!("{}{extra}", crate::brand::tests_sample());
        Brand::parse(&text, Path::new("brand/brand.yaml"))
    }

    fn scheme(extra: &str) -> Scheme {
        Scheme::of(&brand(extra).unwrap()).expect("a scheme")
    }

    #[test]
    fn without_dark_palette_emails_are_untouched() {
        assert!(Scheme::of(&brand("").unwrap()).is_none());
    }

    #[test]
    fn palette_colours_get_role_classes_and_dark_rules() {
        let html = concat!(
            "<html><head><title>t</title></head><body style=\"background-color:#f4f4f4\">",
            "<div class=\"card\" style=\"background:#ffffff;background-color:#ffffff\">",
            "<td bgcolor=\"#1A73E8\" style=\"border-top:solid 1px #dddddd\">",
            "<a style=\"color: #ffffff;\">Go</a><p style=\"color:#222222\">Hi</p>",
            "<p style=\"color:#123456\">Off palette</p></td></div></body></html>"
        );
        let out = scheme(DARK).apply(html).unwrap();
        assert!(
            out.contains("<div class=\"card lp-b-surface\" style="),
            "{out}"
        );
        assert!(out.contains("<td bgcolor=\"#1A73E8\" style=\"border-top:solid 1px #dddddd\" class=\"lp-bd-border lp-b-primary\">"), "{out}");
        // white as text is on-primary, white as background is surface
        assert!(
            out.contains("<a style=\"color: #ffffff;\" class=\"lp-c-on-primary\">"),
            "{out}"
        );
        assert!(
            out.contains("<p style=\"color:#222222\" class=\"lp-c-text\">"),
            "{out}"
        );
        assert!(
            out.contains("<p style=\"color:#123456\">Off palette"),
            "untouched: {out}"
        );
        assert!(out.contains("<meta name=\"color-scheme\" content=\"light dark\">"));
        assert!(out.contains(".lp-b-surface{background-color:#2d2e31!important}"));
        assert!(out.contains(".lp-c-on-primary{color:#0b1b33!important}"));
        assert!(out.contains("[data-ogsb] .lp-b-primary{background-color:#8ab4f8!important}"));
        assert!(out.contains("[data-ogsc] .lp-c-text{color:#e8eaed!important}"));
        assert!(!out.contains("lp-c-muted"), "only rules the email uses");
        let twice = scheme(DARK).apply(&out).unwrap();
        assert!(
            twice.contains("<div class=\"card lp-b-surface\" style="),
            "no class twice"
        );
        let head_end = out.find("</head>").unwrap();
        assert!(out.find("@media (prefers-color-scheme:dark)").unwrap() < head_end);
    }

    #[test]
    fn the_logo_gets_a_dark_twin_hidden_from_outlook() {
        let brand_text = crate::brand::tests_sample().replace(
            "logo: { url: \"https://img.example.com/logo.png\",",
            "logo: { url: \"https://img.example.com/logo.png\", dark-url: assets/logo-dark.png,",
        );
        let brand = Brand::parse(&format!("{brand_text}{DARK}"), Path::new("b.yaml")).unwrap();
        let html = "<html><head></head><body><a href=\"https://x.example\"><img alt=\"Test Shop\" src=\"https://img.example.com/logo.png\" style=\"display:block;width:100%\" width=\"120\"></a></body></html>";
        let out = Scheme::of(&brand).unwrap().apply(html).unwrap();
        assert!(out.contains("<img alt=\"Test Shop\" src=\"https://img.example.com/logo.png\" style=\"display:block;width:100%\" width=\"120\" class=\"lp-light-img\"><!--[if !mso]><!--><img alt=\"Test Shop\" width=\"120\" class=\"lp-dark-img\" src=\"assets/logo-dark.png\" style=\"display:block;width:100%;display:none;mso-hide:all;\"><!--<![endif]--></a>"), "{out}");
        assert!(out.contains(".lp-light-img{display:none!important}"));
        assert!(out.contains(".lp-dark-img{display:block!important}"));
    }

    #[test]
    fn light_only_declares_the_light_scheme_only() {
        let out = scheme("color-scheme: light-only\n")
            .apply("<html><head></head><body><p style=\"color:#222222\">x</p></body></html>")
            .unwrap();
        assert!(out.contains("content=\"light only\""));
        assert!(!out.contains("prefers-color-scheme"));
        assert!(out.contains("<p style=\"color:#222222\">x</p>"));
    }

    #[test]
    fn contrast_lookups_follow_the_roles() {
        let s = scheme(DARK);
        assert_eq!(
            s.dark_of(Paint::Background, [0xff, 0xff, 0xff]),
            Some([0x2d, 0x2e, 0x31])
        );
        assert_eq!(
            s.dark_of(Paint::Text, [0xff, 0xff, 0xff]),
            Some([0x0b, 0x1b, 0x33])
        );
        assert_eq!(s.dark_of(Paint::Text, [1, 2, 3]), None);
        assert_eq!(s.default_background(), [0x20, 0x21, 0x24]);
    }

    #[test]
    fn dark_palettes_are_validated() {
        let err = brand(&DARK.replace("  link: \"#8ab4f8\"\n", ""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("dark has no `link` colour"), "{err}");
        let err = brand(&format!("{DARK}  sparkle: \"#ffffff\"\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("dark.sparkle") && err.starts_with("brand/brand.yaml:"),
            "{err}"
        );
        let err = brand(&format!("{DARK}color-scheme: light-only\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("remove one of the two"), "{err}");
    }
}
