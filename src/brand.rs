//! The style guide (`brand/brand.yaml`): palette, fonts, logo, company details and layout,
//! validated on load, and turned into the MJML head every email starts from, so a template that
//! never names a colour or a font still comes out on-brand.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{ProjectError, SourcePos};

/// Palette roles every brand must define; templates and the generated defaults use them.
pub const REQUIRED_ROLES: [&str; 8] = [
    "primary",
    "on-primary",
    "text",
    "muted",
    "background",
    "surface",
    "border",
    "link",
];

/// The whole style guide.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all(deserialize = "kebab-case"))]
pub struct Brand {
    /// The brand's name as recipients know it (used as the default sender name).
    pub name: String,
    /// Named colours. Must include every role in [`REQUIRED_ROLES`].
    #[serde(serialize_with = "serialize_palette")]
    pub palette: BTreeMap<String, Colour>,
    /// Body and heading fonts.
    pub fonts: Fonts,
    /// The logo shown in the header.
    pub logo: Logo,
    /// Who sends the email and how to reach them; shown in every footer.
    pub company: Company,
    /// Sizes of the email's frame.
    #[serde(default)]
    pub layout: Layout,
    /// Where each palette key is written in `brand/brand.yaml`, for messages about the palette.
    #[serde(skip)]
    pub palette_at: BTreeMap<String, SourcePos>,
    /// The dark scheme: a dark-mode colour for the palette's roles (see [`crate::dark`]).
    #[serde(default, serialize_with = "serialize_dark")]
    pub dark: Option<BTreeMap<String, Colour>>,
    /// Which colour schemes emails declare to clients.
    #[serde(default)]
    pub color_scheme: ColorScheme,
}

/// What emails tell clients about colour schemes (`color-scheme` in `brand.yaml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColorScheme {
    /// Light and dark when the brand has a dark palette; nothing otherwise (clients decide).
    #[default]
    Auto,
    /// Declare the emails light only, asking clients that honour it not to recolour them.
    LightOnly,
}

/// A validated colour, stored as lowercase `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Colour(String);

impl Colour {
    /// Parses `#rgb` or `#rrggbb` (any case) into lowercase `#rrggbb`.
    pub fn parse(text: &str) -> Result<Colour, String> {
        let hex = text
            .trim()
            .strip_prefix('#')
            .ok_or_else(|| colour_hint(text))?;
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(colour_hint(text));
        }
        let full = match hex.len() {
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            6 => hex.to_string(),
            _ => return Err(colour_hint(text)),
        };
        Ok(Colour(format!("#{}", full.to_ascii_lowercase())))
    }

    /// The colour as `#rrggbb`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Red, green and blue components.
    pub fn rgb(&self) -> (u8, u8, u8) {
        let byte = |i: usize| u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0);
        (byte(1), byte(3), byte(5))
    }
}

fn colour_hint(text: &str) -> String {
    format!(
        "invalid colour {text:?}: write a quoted hex colour like \"#1a73e8\" (unquoted, # starts a YAML comment)"
    )
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Colour::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn serialize_dark<S: serde::Serializer>(
    dark: &Option<BTreeMap<String, Colour>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match dark {
        Some(palette) => serialize_palette(palette, s),
        None => s.serialize_none(),
    }
}

fn serialize_palette<S: serde::Serializer>(
    palette: &BTreeMap<String, Colour>,
    s: S,
) -> Result<S::Ok, S::Error> {
    // Tera reads `brand.palette.on_primary`; YAML keys are kebab-case.
    s.collect_map(palette.iter().map(|(k, v)| (k.replace('-', "_"), v)))
}

/// The body and heading fonts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    /// Paragraphs, buttons, tables.
    pub body: Font,
    /// Headings.
    pub heading: Font,
}

/// One font: a family with its web-safe fallbacks and an optional web-font stylesheet.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all(deserialize = "kebab-case"))]
pub struct Font {
    /// The family name, e.g. `Inter`.
    pub family: FamilyName,
    /// Web-safe families tried when the first is unavailable, ending in a generic family.
    pub fallback: Vec<FamilyName>,
    /// An https stylesheet that provides the web font (Google Fonts style), if any.
    #[serde(default)]
    pub url: Option<HttpsUrl>,
    /// Font size in pixels.
    #[serde(default = "default_size")]
    pub size: u32,
    /// CSS font weight (100–900).
    #[serde(default = "default_weight")]
    pub weight: u32,
    /// Unitless line height, e.g. 1.5.
    #[serde(default = "default_line_height")]
    pub line_height: f32,
}

fn default_size() -> u32 {
    16
}
fn default_weight() -> u32 {
    400
}
fn default_line_height() -> f32 {
    1.5
}

impl Font {
    /// The CSS `font-family` value: the family followed by its fallbacks.
    pub fn stack(&self) -> String {
        std::iter::once(&self.family)
            .chain(&self.fallback)
            .map(FamilyName::css)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The fallback stack without the web font (what Outlook on Windows gets).
    pub fn fallback_stack(&self) -> String {
        self.fallback
            .iter()
            .map(FamilyName::css)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A font family name limited to letters, digits, spaces and hyphens, so it is safe inside CSS
/// and HTML attributes without escaping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FamilyName(String);

/// Generic CSS families, which are never quoted.
pub const GENERIC_FAMILIES: [&str; 5] =
    ["serif", "sans-serif", "monospace", "cursive", "system-ui"];

impl FamilyName {
    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as it appears in a CSS `font-family` list (quoted if it contains a space).
    pub fn css(&self) -> String {
        if self.0.contains(' ') {
            format!("'{}'", self.0)
        } else {
            self.0.clone()
        }
    }

    /// Whether this is a generic family like `sans-serif`.
    pub fn is_generic(&self) -> bool {
        GENERIC_FAMILIES.contains(&self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for FamilyName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let name = text.trim().trim_matches(|c| c == '\'' || c == '"');
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if ok {
            Ok(FamilyName(name.to_string()))
        } else {
            Err(serde::de::Error::custom(format!(
                "invalid font family {text:?}: use letters, digits, spaces and hyphens only"
            )))
        }
    }
}

/// An absolute https URL without quotes, angle brackets or spaces (safe in CSS and attributes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HttpsUrl(String);

impl HttpsUrl {
    /// The URL as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for HttpsUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bad = |c: char| c.is_whitespace() || "\"'<>\\`".contains(c);
        if text.starts_with("https://") && text.len() > 8 && !text.chars().any(bad) {
            Ok(HttpsUrl(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "invalid URL {text:?}: use an absolute https:// URL without spaces or quotes"
            )))
        }
    }
}

/// An image's address: an absolute https URL, or a file of the project's `assets/` folder
/// written `assets/<path>` (published with the bundle; see [`crate::assets`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ImageUrl(String);

impl ImageUrl {
    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for ImageUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bad = |c: char| c.is_whitespace() || "\"'<>\\`".contains(c);
        let https = text.starts_with("https://") && text.len() > 8;
        let local = crate::assets::local_path(&text).is_some();
        if (https || local) && !text.chars().any(bad) {
            Ok(ImageUrl(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "invalid image address {text:?}: use an absolute https:// URL, or a file in the project's assets/ folder written assets/name.png"
            )))
        }
    }
}

/// The logo in the header.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all(deserialize = "kebab-case"))]
pub struct Logo {
    /// The image: https, or a local asset (`assets/logo.png`).
    pub url: ImageUrl,
    /// A variant for dark backgrounds, shown instead of `url` when the reader's client is in
    /// dark mode (needs a `dark` palette).
    #[serde(default)]
    pub dark_url: Option<ImageUrl>,
    /// Display width in pixels.
    pub width: u32,
    /// Alternative text, usually the brand name.
    pub alt: String,
}

/// The sender's details, shown in footers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all(deserialize = "kebab-case"))]
pub struct Company {
    /// Legal or trading name.
    pub name: String,
    /// Postal address, one line per entry.
    pub address: Vec<String>,
    /// The address's country as an ISO 3166 code (`GB`), named in the reader's language by
    /// `format_country`.
    #[serde(default)]
    pub country: Option<String>,
    /// Where customers write for help.
    pub support_email: String,
    /// The help centre.
    pub support_url: HttpsUrl,
    /// Phone number for support, if any.
    #[serde(default)]
    pub phone: Option<String>,
    /// The address emails are sent from, shown in the preview's inbox header.
    #[serde(default)]
    pub sender_email: Option<String>,
}

/// Sizes of the email's frame, in pixels.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Layout {
    /// Width of the content column (MJML's `mj-body width`), 320–800.
    pub width: u32,
    /// Basic spacing unit used for paddings.
    pub spacing: u32,
    /// Corner radius of buttons and panels.
    pub radius: u32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            width: 600,
            spacing: 24,
            radius: 6,
        }
    }
}

impl Brand {
    /// Parses and validates brand YAML; `file` names it in messages.
    pub fn parse(text: &str, file: &Path) -> Result<Brand, ProjectError> {
        let mut brand: Brand = crate::yaml::parse(text, file)?;
        brand.validate(text, file)?;
        brand.palette_at = brand
            .palette
            .keys()
            .map(|key| (key.clone(), key_pos(text, file, key)))
            .collect();
        Ok(brand)
    }

    /// Reads `brand/brand.yaml` under `root`.
    pub fn from_project(root: &Path) -> Result<Brand, ProjectError> {
        let rel = Path::new("brand/brand.yaml");
        let text = match crate::files::read_in_project(root, rel, crate::files::MAX_YAML_BYTES) {
            Ok(text) => text,
            Err(crate::files::ReadError::NotFound { .. }) => {
                let reason = if root.join("brand/brand.yml").is_file() {
                    "brand/brand.yaml is missing: the style guide is brand/brand.yaml; rename brand/brand.yml"
                } else {
                    "brand/brand.yaml is missing (run `letterpress init DIR` for a starter kit)"
                };
                return Err(ProjectError::NotAProject {
                    dir: root.to_path_buf(),
                    reason: reason.into(),
                });
            }
            Err(err) => return Err(err.into()),
        };
        Brand::parse(&text, rel)
    }

    /// Cross-field rules serde cannot express.
    fn validate(&self, text: &str, file: &Path) -> Result<(), ProjectError> {
        let invalid = |key: &str, message: String| ProjectError::Invalid {
            pos: key_pos(text, file, key),
            message,
        };
        for role in REQUIRED_ROLES {
            if !self.palette.contains_key(role) {
                return Err(invalid(
                    "palette",
                    format!(
                        "palette has no `{role}` colour; every brand defines {}",
                        REQUIRED_ROLES.join(", ")
                    ),
                ));
            }
        }
        for (key, font) in [("body", &self.fonts.body), ("heading", &self.fonts.heading)] {
            if !font.fallback.last().is_some_and(FamilyName::is_generic) {
                return Err(invalid(
                    key,
                    format!(
                        "fonts.{key}.fallback must end with a generic family ({}), so clients without `{}` still pick a matching font",
                        GENERIC_FAMILIES.join(", "),
                        font.family.as_str()
                    ),
                ));
            }
            if !(8..=72).contains(&font.size) || !(100..=900).contains(&font.weight) {
                return Err(invalid(
                    key,
                    format!("fonts.{key}: size must be 8–72 px and weight 100–900"),
                ));
            }
            if !(0.8..=3.0).contains(&font.line_height) {
                return Err(invalid(
                    key,
                    format!("fonts.{key}.line-height must be between 0.8 and 3.0"),
                ));
            }
        }
        if let Some(code) = &self.company.country {
            if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(invalid(
                    "country",
                    format!(
                        "company.country is {code:?}; write the two-letter ISO 3166 code in capitals, like GB or TR"
                    ),
                ));
            }
        }
        if !(320..=800).contains(&self.layout.width) {
            return Err(invalid(
                "width",
                "layout.width must be between 320 and 800 pixels".into(),
            ));
        }
        if self.layout.spacing > 80 || self.layout.radius > 40 {
            return Err(invalid(
                "layout",
                "layout.spacing must be at most 80 and radius at most 40".into(),
            ));
        }
        crate::dark::validate(self).map_err(|(key, message)| invalid(key, message))?;
        Ok(())
    }

    /// A palette colour by role (roles in [`REQUIRED_ROLES`] always exist after validation).
    pub fn colour(&self, role: &str) -> &str {
        self.palette.get(role).map_or("#000000", Colour::as_str)
    }

    /// The MJML head elements that apply the brand: attribute defaults for every element, the
    /// link and heading styles (inlined), and an Outlook-only fallback font rule.
    pub fn mjml_head(&self) -> String {
        let body = &self.fonts.body;
        let heading = &self.fonts.heading;
        let text = self.colour("text");
        let r = self.layout.radius;
        format!(
            concat!(
                "<mj-attributes>",
                "<mj-all font-family=\"{body_stack}\" />",
                "<mj-text color=\"{text}\" font-size=\"{size}px\" line-height=\"{lh}\" />",
                "<mj-button background-color=\"{primary}\" color=\"{on_primary}\" font-weight=\"{bw}\" border-radius=\"{r}px\" font-size=\"{size}px\" inner-padding=\"12px 24px\" />",
                "<mj-table color=\"{text}\" font-size=\"{size}px\" line-height=\"{lh}\" />",
                "<mj-divider border-color=\"{border}\" border-width=\"1px\" />",
                "<mj-class name=\"heading\" font-family=\"{heading_stack}\" color=\"{heading_colour}\" font-weight=\"{hw}\" />",
                "<mj-class name=\"muted\" color=\"{muted}\" font-size=\"{small}px\" />",
                "</mj-attributes>",
                "<mj-style inline=\"inline\">",
                "a {{ color: {link}; }} ",
                "h1, h2, h3 {{ font-family: {heading_stack}; color: {heading_colour}; font-weight: {hw}; margin: 0 0 12px 0; }} ",
                "h1 {{ font-size: {h1}px; line-height: 1.25; }} h2 {{ font-size: {h2}px; line-height: 1.3; }} h3 {{ font-size: {size}px; }} ",
                "p {{ margin: 0 0 12px 0; }}",
                "</mj-style>",
                "{font_links}",
                "<mj-raw><!--[if mso]><style type=\"text/css\">body, table, td, p, a, h1, h2, h3 {{ font-family: {body_fallback} !important; }}</style><![endif]--></mj-raw>",
            ),
            font_links = self.font_links(),
            body_stack = body.stack(),
            body_fallback = body.fallback_stack(),
            heading_stack = heading.stack(),
            heading_colour = self.palette.get("heading").map_or(text, Colour::as_str),
            text = text,
            size = body.size,
            small = body.size.saturating_sub(2).max(10),
            lh = body.line_height,
            bw = heading.weight.clamp(600, 700),
            hw = heading.weight,
            r = r,
            primary = self.colour("primary"),
            on_primary = self.colour("on-primary"),
            border = self.colour("border"),
            muted = self.colour("muted"),
            link = self.colour("link"),
            h1 = heading.size,
            h2 = (heading.size * 4 / 5).max(body.size),
        )
    }

    /// Stylesheet links for the brand's web fonts, hidden from Outlook (which would otherwise
    /// wait on them and still fall back to Times). Emitted as head `mj-raw` because mrml only
    /// links fonts it sees in MJML attributes, and headings get theirs from inlined CSS.
    fn font_links(&self) -> String {
        let mut urls: Vec<&str> = [&self.fonts.body, &self.fonts.heading]
            .into_iter()
            .filter_map(|f| f.url.as_ref().map(HttpsUrl::as_str))
            .collect();
        urls.dedup();
        urls.iter()
            .map(|url| {
                let url = url.replace('&', "&amp;");
                format!(
                    "<mj-raw><!--[if !mso]><!--><link href=\"{url}\" rel=\"stylesheet\" type=\"text/css\"><!--<![endif]--></mj-raw>"
                )
            })
            .collect()
    }
}

/// The position of the first line that starts with `key:` (after indentation), for messages
/// about values serde accepted but validation refused.
fn key_pos(text: &str, file: &Path, key: &str) -> SourcePos {
    let needle = format!("{key}:");
    text.lines()
        .position(|l| l.trim_start().starts_with(&needle))
        .map(|i| {
            let line = text.lines().nth(i).unwrap_or("");
            let col = line.len() - line.trim_start().len() + 1;
            SourcePos::at(
                file,
                u32::try_from(i + 1).unwrap_or(u32::MAX),
                u32::try_from(col).unwrap_or(1),
            )
        })
        .unwrap_or_else(|| SourcePos::file(file))
}

/// The sample brand used by unit tests across modules.
#[cfg(test)]
pub(crate) fn tests_sample() -> &'static str {
    tests::SAMPLE
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SAMPLE: &str = r##"name: Test Shop
palette:
  primary: "#1A73E8"
  on-primary: "#fff"
  text: "#222222"
  muted: "#555555"
  background: "#f4f4f4"
  surface: "#ffffff"
  border: "#dddddd"
  link: "#1a73e8"
fonts:
  body:
    family: Inter
    fallback: [Helvetica, Arial, sans-serif]
    url: https://fonts.example.com/inter.css
  heading:
    family: Georgia
    fallback: [Times New Roman, serif]
    size: 28
    weight: 700
logo: { url: "https://img.example.com/logo.png", width: 120, alt: Test Shop }
company:
  name: Test Shop Ltd
  address: [1 Road, Town]
  support-email: help@example.com
  support-url: https://help.example.com
"##;

    fn parse(text: &str) -> Result<Brand, ProjectError> {
        Brand::parse(text, Path::new("brand/brand.yaml"))
    }

    #[test]
    fn colours_are_normalised() {
        let brand = parse(SAMPLE).unwrap();
        assert_eq!(brand.colour("primary"), "#1a73e8");
        assert_eq!(brand.colour("on-primary"), "#ffffff");
        assert_eq!(Colour::parse("#abc").unwrap().rgb(), (0xaa, 0xbb, 0xcc));
    }

    #[test]
    fn unquoted_colour_is_reported_with_its_line() {
        let text = SAMPLE.replace("primary: \"#1A73E8\"", "primary: #1A73E8");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("brand/brand.yaml:3:"), "{err}");
    }

    #[test]
    fn invalid_colour_names_the_value() {
        let text = SAMPLE.replace("#222222", "#22222z");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("brand/brand.yaml:5:") && err.contains("#22222z"),
            "{err}"
        );
    }

    #[test]
    fn missing_role_is_an_error() {
        let text = SAMPLE.replace("  link: \"#1a73e8\"\n", "");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("no `link` colour") && err.contains("brand/brand.yaml:2:1"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_an_error() {
        let text = SAMPLE.replace("name: Test Shop\n", "name: Test Shop\ncolour: red\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("brand/brand.yaml:2:") && err.contains("colour"),
            "{err}"
        );
    }

    #[test]
    fn fallback_must_end_generic() {
        let text = SAMPLE.replace("[Helvetica, Arial, sans-serif]", "[Helvetica, Arial]");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("generic family"), "{err}");
    }

    #[test]
    fn http_urls_are_refused() {
        let text = SAMPLE.replace("https://help.example.com", "http://help.example.com");
        assert!(parse(&text).unwrap_err().to_string().contains("https://"));
    }

    #[test]
    fn head_carries_brand_values() {
        let head = parse(SAMPLE).unwrap().mjml_head();
        assert!(
            head.contains("<mj-all font-family=\"Inter, Helvetica, Arial, sans-serif\" />"),
            "{head}"
        );
        assert!(head.contains("background-color=\"#1a73e8\""));
        assert!(head.contains("a { color: #1a73e8; }"));
        assert!(head.contains("font-family: Helvetica, Arial, sans-serif !important"));
    }
}
