//! The rules engine: every rule has a stable id (`family.name`), a default severity and a
//! one-line explanation; families of rules look at one built email and report findings, whose
//! severity is then set from the project settings and the template's front matter.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use scraper::{Html, Selector};

use crate::brand::Brand;
use crate::config::Config;
use crate::error::SourcePos;
use crate::findings::{Finding, Severity};
use crate::project::{Category, SourceFile};

mod a11y;
mod assets;
mod brand;
mod clients;
pub(crate) mod css;
mod links;
mod locale;
mod marketing;
mod markup;
mod mjml;
mod plaintext;
mod safety;
mod size;
mod spelling;
mod subject;
#[cfg(test)]
mod testing;
mod voice;

pub use clients::snapshot_date as caniemail_snapshot_date;
pub use locale::{LocaleInput, Spelling};

/// A rule: its id, default severity and what it checks.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, `family.name`.
    pub id: &'static str,
    /// Severity unless configured otherwise.
    pub default: Severity,
    /// One sentence: what the rule catches and why it matters.
    pub summary: &'static str,
}

/// Every rule letterpress knows, in the order `letterpress rules` lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "size.gmail-clip",
        default: Severity::Error,
        summary: "HTML over the Gmail clip limit (default 102,000 bytes): Gmail cuts the message and hides the rest behind a link.",
    },
    Rule {
        id: "size.budget",
        default: Severity::Warning,
        summary: "HTML over the warning budget (default 90,000 bytes): close to being clipped by Gmail.",
    },
    Rule {
        id: "size.style-block",
        default: Severity::Warning,
        summary: "More than 16 KB of CSS in the <style> blocks: Gmail drops the styles.",
    },
    Rule {
        id: "size.nested-at-rule",
        default: Severity::Error,
        summary: "An at-rule nested in another at-rule (e.g. @supports inside @media): Gmail strips the whole <style>.",
    },
    Rule {
        id: "subject.missing",
        default: Severity::Error,
        summary: "The subject line is empty: write one that says what the email is about.",
    },
    Rule {
        id: "subject.length",
        default: Severity::Warning,
        summary: "Subject over 60 characters: mobile inboxes show about 40; put the key words first.",
    },
    Rule {
        id: "subject.preheader-missing",
        default: Severity::Warning,
        summary: "No preheader: inboxes fill the preview with the email's first words instead.",
    },
    Rule {
        id: "subject.preheader-repeats",
        default: Severity::Warning,
        summary: "The preheader repeats the subject: use it to add the next piece of information.",
    },
    Rule {
        id: "subject.unrendered",
        default: Severity::Error,
        summary: "Template syntax ({{ or {%) left in the subject, preheader, HTML or text: a variable or tag did not render.",
    },
    Rule {
        id: "voice.exclamation",
        default: Severity::Warning,
        summary: "More than one ! in the subject, or !! anywhere: service email informs calmly.",
    },
    Rule {
        id: "voice.shouting",
        default: Severity::Warning,
        summary: "A subject word of 4+ letters in ALL CAPS reads as shouting (and as spam).",
    },
    Rule {
        id: "brand.off-palette",
        default: Severity::Warning,
        summary: "A colour in the output that is not in the brand palette (white, black, transparent and allowed-colours excepted).",
    },
    Rule {
        id: "brand.font",
        default: Severity::Warning,
        summary: "A font-family whose first family is not one of the brand fonts (or their fallbacks).",
    },
    Rule {
        id: "brand.font-fallback",
        default: Severity::Warning,
        summary: "A web font with no web-safe fallback: clients without it (Outlook) fall back to Times New Roman.",
    },
    Rule {
        id: "brand.contrast",
        default: Severity::Error,
        summary: "Text and background colours below the WCAG AA contrast ratio (4.5:1, 3:1 for large text).",
    },
    Rule {
        id: "links.http",
        default: Severity::Warning,
        summary: "An http:// link or image: use https (mixed content is blocked or flagged as unsafe).",
    },
    Rule {
        id: "links.placeholder",
        default: Severity::Error,
        summary: "An empty, # or javascript:, vbscript: or data: href: the link goes nowhere (or is blocked).",
    },
    Rule {
        id: "links.no-text",
        default: Severity::Warning,
        summary: "A link with no text or image alt: screen readers announce only \"link\".",
    },
    Rule {
        id: "links.img-alt",
        default: Severity::Error,
        summary: "An image without an alt attribute (use alt=\"\" for decorative images).",
    },
    Rule {
        id: "links.img-alt-filename",
        default: Severity::Warning,
        summary: "An image whose alt text is its file name: describe the image instead.",
    },
    Rule {
        id: "links.malformed",
        default: Severity::Error,
        summary: "A mailto: or tel: link that is malformed (no address, or not a phone number).",
    },
    Rule {
        id: "links.image-url",
        default: Severity::Error,
        summary: "An image whose URL no inbox can load: relative (outside assets/), data:, cid:, file: or protocol-relative; use https or a file in assets/.",
    },
    Rule {
        id: "assets.missing",
        default: Severity::Error,
        summary: "A reference to assets/<file> that is not in the project's assets/ folder (names are case-sensitive once published).",
    },
    Rule {
        id: "assets.base-url",
        default: Severity::Error,
        summary: "Local assets are referenced but letterpress.yaml has no assets.base-url to publish them at: inboxes cannot load relative URLs.",
    },
    Rule {
        id: "safety.card-number",
        default: Severity::Error,
        summary: "A Luhn-valid 13-19 digit number in the email: never send a full card number.",
    },
    Rule {
        id: "safety.iban",
        default: Severity::Error,
        summary: "An IBAN (valid mod-97 checksum) in the email: mask account numbers.",
    },
    Rule {
        id: "safety.secret",
        default: Severity::Error,
        summary: "A fixture value whose key names a password, secret, token or CVV appears as visible text.",
    },
    Rule {
        id: "marketing.unsubscribe",
        default: Severity::Error,
        summary: "A marketing email without a visible unsubscribe link.",
    },
    Rule {
        id: "marketing.list-unsubscribe-header",
        default: Severity::Warning,
        summary: "A marketing email without one-click List-Unsubscribe headers (RFC 8058): Gmail and Yahoo require them of bulk senders.",
    },
    Rule {
        id: "plaintext.missing",
        default: Severity::Error,
        summary: "The plaintext part is missing or empty.",
    },
    Rule {
        id: "plaintext.link-missing",
        default: Severity::Warning,
        summary: "A link in the HTML is missing from the plaintext part.",
    },
    Rule {
        id: "plaintext.line-length",
        default: Severity::Error,
        summary: "A plaintext line over 998 characters: RFC 5322 forbids it; servers break the line.",
    },
    Rule {
        id: "plaintext.width",
        default: Severity::Warning,
        summary: "A plaintext prose line wider than plaintext.width (default 72).",
    },
    Rule {
        id: "mjml.unknown-element",
        default: Severity::Error,
        summary: "An unknown mj- element (a typo like <mj-sectoin>): it is dropped with its content, as MJML does.",
    },
    Rule {
        id: "mjml.invalid-attribute",
        default: Severity::Warning,
        summary: "An attribute the MJML element does not take, or a value of the wrong type (MJML 4.18's validator).",
    },
    Rule {
        id: "a11y.lang",
        default: Severity::Error,
        summary: "The <html> element has no lang: screen readers cannot pick the language.",
    },
    Rule {
        id: "a11y.table-role",
        default: Severity::Warning,
        summary: "A layout table without role=\"presentation\": screen readers read it as a data table.",
    },
    Rule {
        id: "a11y.heading-order",
        default: Severity::Warning,
        summary: "A heading level is skipped (e.g. h1 then h3): the outline is broken for screen readers.",
    },
    Rule {
        id: "locale.missing-key",
        default: Severity::Warning,
        summary: "A locale key the email uses is missing from its locale file, so the default locale's text is shown instead.",
    },
    Rule {
        id: "locale.unused-key",
        default: Severity::Off,
        summary: "A key in a locale file that no email uses (off by default; turn it on to tidy locale files).",
    },
    Rule {
        id: "locale.language",
        default: Severity::Warning,
        summary: "A passage of the email (a paragraph long enough to judge) is written in another language than the email's locale.",
    },
    Rule {
        id: "spelling.word",
        default: Severity::Warning,
        summary: "A word the locale's Hunspell dictionary and dictionary/<locale>.txt do not know (data values excepted); says so once when no dictionary is installed.",
    },
    Rule {
        id: "clients.unsupported",
        default: Severity::Warning,
        summary: "CSS or HTML the author wrote that some major clients (Gmail, Outlook, Apple Mail, Yahoo) do not support, from caniemail data.",
    },
];

/// Whether `id` names a configurable rule.
pub fn is_rule(id: &str) -> bool {
    RULES.iter().any(|r| r.id == id)
}

/// Everything the rules may look at for one email.
pub struct EmailInput<'a> {
    /// Final HTML.
    pub html: &'a str,
    /// Plaintext part.
    pub text: &'a str,
    /// Rendered subject.
    pub subject: &'a str,
    /// Rendered preheader.
    pub preheader: &'a str,
    /// Transactional or marketing.
    pub category: Category,
    /// The fixture's data.
    pub data: &'a Map<String, Value>,
    /// The template file (project-relative), for locations.
    pub template: &'a Path,
    /// Project settings.
    pub config: &'a Config,
    /// Per-template severities from front matter.
    pub overrides: &'a BTreeMap<String, Severity>,
    /// The MJML mrml parsed (the template's Tera output).
    pub mjml: &'a str,
    /// The style guide.
    pub brand: &'a Brand,
    /// Source files to locate offending text in: the template first, then layouts and partials.
    pub sources: &'a [&'a SourceFile],
    /// 1-based line of `subject:` in the template file (0 when unknown).
    pub subject_line: u32,
    /// 1-based line of `preheader:` in the template file (0 when unknown).
    pub preheader_line: u32,
    /// The email's headers (From, Reply-To, List-Unsubscribe).
    pub headers: &'a crate::headers::Headers,
    /// Local asset references that will not work (from the assets step).
    pub assets: &'a [crate::assets::Problem],
    /// What the locale and spelling rules need (`None` skips them).
    pub locale: Option<&'a LocaleInput<'a>>,
    /// Letterpress template or plain MJML: Tera syntax is not checked in a template Tera does
    /// not render, nor the brand's palette and fonts where the brand does not apply.
    pub treatment: crate::treatment::Treatment,
}

impl EmailInput<'_> {
    /// The template file, without a line.
    pub(crate) fn at_template(&self) -> Option<SourcePos> {
        Some(SourcePos::file(self.template))
    }

    /// The first line of the template, then of the shared layouts and partials, that contains
    /// `needle` (case-insensitive); the template file when none does.
    pub(crate) fn locate(&self, needle: &str) -> Option<SourcePos> {
        self.locate_all(&[needle])
    }

    /// The first source line containing every one of `needles` (case-insensitive), searched
    /// like [`EmailInput::locate`].
    pub(crate) fn locate_all(&self, needles: &[&str]) -> Option<SourcePos> {
        let lower: Vec<String> = needles
            .iter()
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        if lower.is_empty() {
            return self.at_template();
        }
        for source in self.sources {
            for (i, line) in source.source.lines().enumerate() {
                let line_lower = line.to_lowercase();
                if !lower.iter().all(|n| line_lower.contains(n.as_str())) {
                    continue;
                }
                let byte = line_lower.find(lower[0].as_str()).unwrap_or(0);
                let col = line_lower[..byte].chars().count() + 1;
                return Some(SourcePos::at(
                    &source.file,
                    u32::try_from(i + 1).unwrap_or(u32::MAX),
                    u32::try_from(col).unwrap_or(1),
                ));
            }
        }
        self.at_template()
    }

    /// A line of the template file, or the file when the line is unknown.
    pub(crate) fn at_line(&self, line: u32) -> Option<SourcePos> {
        Some(if line > 0 {
            SourcePos::line(self.template, line)
        } else {
            SourcePos::file(self.template)
        })
    }
}

/// What every rule family shares for one email: the input and the HTML, parsed once.
pub(crate) struct Ctx<'a> {
    /// The email.
    pub input: &'a EmailInput<'a>,
    /// The final HTML, parsed (once per email: the plaintext was laid out from the same tree).
    pub doc: &'a Html,
    /// Text of every `<style>` element outside conditional comments, in order.
    pub style_blocks: Vec<String>,
    /// The CSS of those `<style>` elements, parsed (shared by the emails that have the same).
    pub sheet: std::rc::Rc<css::Sheet>,
    /// The start tags of the MJML source, scanned once.
    pub tags: Vec<markup::Tag>,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a EmailInput<'a>, doc: &'a Html) -> Ctx<'a> {
        let style_blocks: Vec<String> = doc
            .select(sel("style"))
            .map(|e| e.text().collect::<String>())
            .collect();
        let sheet = css::Sheet::parse_blocks_cached(&style_blocks);
        Ctx {
            input,
            doc,
            style_blocks,
            sheet,
            tags: markup::tags(input.mjml),
        }
    }
}

/// A CSS selector known to be valid, parsed once per thread (parsing one costs more than
/// running it on a small email).
pub(crate) fn sel(selector: &'static str) -> &'static Selector {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<&'static str, &'static Selector>> =
            std::cell::RefCell::default();
    }
    CACHE.with(|cache| {
        *cache.borrow_mut().entry(selector).or_insert_with(|| {
            let parsed = Selector::parse(selector)
                .unwrap_or_else(|_| unreachable!("invalid selector {selector}"));
            Box::leak(Box::new(parsed))
        })
    })
}

/// A rule's raw report before severities are applied.
pub(crate) struct Hit {
    rule: &'static str,
    message: String,
    location: Option<SourcePos>,
}

impl Hit {
    pub(crate) fn new(
        rule: &'static str,
        message: impl Into<String>,
        location: Option<SourcePos>,
    ) -> Hit {
        debug_assert!(is_rule(rule), "unregistered rule {rule}");
        Hit {
            rule,
            message: message.into(),
            location,
        }
    }
}

/// Runs every rule family on one email and returns its findings, severities applied and
/// rules set to `off` dropped.
pub fn run(input: &EmailInput) -> Vec<Finding> {
    run_parsed(input, &Html::parse_document(input.html))
}

/// Like [`run`], with `input.html` already parsed into `doc` (the pipeline parses each email
/// once, for the plaintext and the rules).
pub fn run_parsed(input: &EmailInput, doc: &Html) -> Vec<Finding> {
    let ctx = Ctx::new(input, doc);
    let mut hits = Vec::new();
    size::check(&ctx, &mut hits);
    subject::check(&ctx, &mut hits);
    voice::check(&ctx, &mut hits);
    brand::check(&ctx, &mut hits);
    links::check(&ctx, &mut hits);
    assets::check(&ctx, &mut hits);
    safety::check(&ctx, &mut hits);
    marketing::check(&ctx, &mut hits);
    plaintext::check(&ctx, &mut hits);
    mjml::check(&ctx, &mut hits);
    a11y::check(&ctx, &mut hits);
    clients::check(&ctx, &mut hits);
    let foreign = locale::check(&ctx, &mut hits);
    spelling::check(&ctx, &foreign, &mut hits);
    hits.into_iter()
        .filter_map(|hit| {
            let severity = severity_of(hit.rule, input.config, input.overrides);
            (severity != Severity::Off).then(|| Finding {
                rule: hit.rule.to_string(),
                severity,
                message: crate::findings::one_line(hit.message),
                location: hit.location,
            })
        })
        .collect()
}

/// The severity of `rule`: the template's front matter wins over `letterpress.yaml`, which
/// wins over the rule's default.
pub fn severity_of(
    rule: &str,
    config: &Config,
    overrides: &BTreeMap<String, Severity>,
) -> Severity {
    overrides
        .get(rule)
        .or_else(|| config.rules.get(rule))
        .copied()
        .or_else(|| RULES.iter().find(|r| r.id == rule).map(|r| r.default))
        .unwrap_or(Severity::Error)
}

/// Calls `f` with every string in `value`, however deep.
pub(super) fn string_leaves<'v>(value: &'v Value, f: &mut dyn FnMut(&'v str)) {
    match value {
        Value::String(text) => f(text),
        Value::Array(items) => items.iter().for_each(|item| string_leaves(item, f)),
        Value::Object(map) => map.values().for_each(|item| string_leaves(item, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_well_formed() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(
            RULES
                .iter()
                .all(|r| r.id.split('.').count() == 2 && r.id == r.id.to_lowercase())
        );
    }

    #[test]
    fn front_matter_beats_config_beats_default() {
        let mut config = Config::default();
        assert_eq!(
            severity_of("size.budget", &config, &BTreeMap::new()),
            Severity::Warning
        );
        config.rules.insert("size.budget".into(), Severity::Error);
        assert_eq!(
            severity_of("size.budget", &config, &BTreeMap::new()),
            Severity::Error
        );
        let overrides = BTreeMap::from([("size.budget".to_string(), Severity::Off)]);
        assert_eq!(
            severity_of("size.budget", &config, &overrides),
            Severity::Off
        );
    }
}
