//! Locale rules: a key the email uses that its locale lacks (`locale.missing-key`), keys nothing
//! uses (`locale.unused-key`), and passages written in another language than the email's
//! (`locale.language`, by whatlang's trigram models).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};
use serde_json::Value;

use super::{Ctx, Hit};
use crate::error::{SourcePos, line_col};
use crate::findings::Severity;
use crate::locale::{Locales, keys};
use crate::spelling::Speller;

/// What the localisation and spelling rules need about one email besides its content.
#[derive(Debug)]
pub struct LocaleInput<'a> {
    /// The email's locale code, e.g. `tr`.
    pub code: &'a str,
    /// The CLDR locale it is formatted and spelled as, e.g. `en-GB`.
    pub cldr: &'a str,
    /// The project's locales (own strings, sources, default).
    pub locales: &'a Locales,
    /// The locale keys the email used; `None` when they could not be traced.
    pub used: Option<&'a BTreeSet<Vec<String>>>,
    /// Keys of this locale's file that no email of the project uses, reported with this email.
    pub unused: &'a [Vec<String>],
    /// The spelling dictionary, or why there is none.
    pub spelling: Spelling<'a>,
    /// The project folder and the email's fixture files (relative), to point at data.
    pub root: &'a Path,
    /// The fixture case and its locale overlay, when the data came from fixtures.
    pub fixture_files: Vec<PathBuf>,
    /// What the formatting filters wrote (dates, amounts…): data, not copy.
    pub formatted: &'a [String],
    /// Whether the text part was written by hand; a derived one repeats the HTML.
    pub own_text: bool,
}

/// The spelling dictionary of an email's locale.
#[derive(Debug, Clone, Copy)]
pub enum Spelling<'a> {
    /// `spelling.word` is off: nothing was loaded.
    Off,
    /// Loaded.
    Ready(&'a Speller),
    /// None could be loaded: `reason` says why and what to install; `report` is true for the
    /// one email per locale that says so.
    Missing {
        /// Why, in a designer's words.
        reason: &'a str,
        /// Whether this email reports it.
        report: bool,
    },
}

/// Fewest words a passage needs before its language is judged.
const MIN_WORDS: usize = 6;
/// How clearly (whatlang's confidence, 0–1) the passage must read as the detected language
/// rather than the email's own, compared as a pair. Among all ~70 languages whatlang's margins
/// are small and its guesses noisy on short text (English taken for French or Afrikaans), but
/// measured on the starter kit a passage really in another language scores 1.0 against the
/// email's language, and the noisy guesses 0.89 or less.
const MIN_MARGIN_OVER_OWN: f64 = 0.9;
/// Data values with fewer words than this (names, address lines, carriers, product names) are
/// labels, not prose: they are left out of the passages whose language is judged.
const LABEL_WORDS: usize = 4;
/// Languages whatlang confuses with each other: a passage detected as one of a group is not
/// reported in an email in another of the same group.
const NEIGHBOURS: &[&[&str]] = &[
    &["tr", "az"],
    &["hr", "sr", "bs"],
    &["id", "ms"],
    &["da", "nb", "nn", "no"],
];

/// The locale rules of one email: `locale.missing-key`, `locale.unused-key` and
/// `locale.language`.
///
/// Returns the passages `locale.language` reported as another language, which the spelling
/// rule leaves alone: one finding for a Latin or untranslated paragraph, not one per word.
pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) -> Vec<String> {
    let Some(input) = ctx.input.locale else {
        return Vec::new();
    };
    missing_keys(ctx, input, hits);
    unused_keys(input, hits);
    // Detecting languages is the costly part (about a quarter of a millisecond per email):
    // skip it when the rule is off.
    let (config, overrides) = (ctx.input.config, ctx.input.overrides);
    if super::severity_of("locale.language", config, overrides) != Severity::Off {
        language(ctx, input, hits)
    } else {
        Vec::new()
    }
}

/// Keys the email used that the locale's own file lacks, with the default locale's text shown
/// instead.
pub(super) fn fallbacks<'a>(input: &'a LocaleInput) -> Vec<(&'a Vec<String>, &'a str)> {
    let locales = input.locales;
    let (Some(used), Some(own), Some(default)) = (
        input.used,
        locales.own.get(input.code),
        locales.own.get(&locales.default),
    ) else {
        return Vec::new();
    };
    if input.code == locales.default {
        return Vec::new();
    }
    used.iter()
        .filter(|key| keys::get(own, key).is_none())
        .filter_map(|key| match keys::get(default, key) {
            Some(Value::String(text)) => Some((key, text.as_str())),
            _ => None,
        })
        .collect()
}

fn missing_keys(ctx: &Ctx, input: &LocaleInput, hits: &mut Vec<Hit>) {
    let file = Locales::file(input.code);
    for (key, text) in fallbacks(input) {
        let key = keys::dotted(key);
        let shown: String = text.chars().take(40).collect();
        let more = if text.chars().count() > 40 { "…" } else { "" };
        hits.push(Hit::new(
            "locale.missing-key",
            format!(
                "`{key}` is missing from {}: this email shows the {} text instead (“{shown}{more}”); add the key to {}",
                file.display(),
                input.locales.default,
                file.display()
            ),
            ctx.input.locate(&format!("t.{key}")),
        ));
    }
}

fn unused_keys(input: &LocaleInput, hits: &mut Vec<Hit>) {
    let file = Locales::file(input.code);
    let source = input.locales.sources.get(input.code);
    for key in input.unused {
        let line = source.and_then(|s| keys::line_of(s, key));
        hits.push(Hit::new(
            "locale.unused-key",
            format!(
                "`{}` in {} is not used by any email; remove it, or use it in a template",
                keys::dotted(key),
                file.display()
            ),
            Some(line.map_or_else(|| SourcePos::file(&file), |l| SourcePos::line(&file, l))),
        ));
    }
}

/// Reports the passages that read as another language, and returns them.
fn language(ctx: &Ctx, input: &LocaleInput, hits: &mut Vec<Hit>) -> Vec<String> {
    let mut foreign = Vec::new();
    let Some(expected) = language_of(input.cldr) else {
        return foreign;
    };
    // A language whatlang does not know cannot be judged.
    let Some(own) = whatlang_lang(&expected) else {
        return foreign;
    };
    let pieces: Vec<String> = fallbacks(input)
        .into_iter()
        .flat_map(|(_, text)| literal_pieces(text))
        .collect();
    let brand = serde_json::to_value(ctx.input.brand).unwrap_or(Value::Null);
    let mut omit: Vec<&str> = pieces.iter().map(String::as_str).collect();
    for value in ctx.input.data.values().chain([&brand]) {
        labels(value, &mut omit);
    }
    omit.extend(input.formatted.iter().map(String::as_str));
    omit.sort_by_key(|piece| std::cmp::Reverse(piece.len()));
    let mut reported = BTreeSet::new();
    let long_enough = |text: &str| {
        let words = text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic));
        words.count() >= MIN_WORDS
    };
    for passage in passages(ctx, input.own_text) {
        if !long_enough(&passage) {
            continue;
        }
        let judged = omit
            .iter()
            .filter(|piece| passage.contains(*piece))
            .fold(passage.clone(), |text, piece| text.replace(piece, " "));
        if !long_enough(&judged) {
            continue;
        }
        let Some(name) = verdict(input, &expected, own, &judged) else {
            continue;
        };
        let start: String = passage.chars().take(60).collect();
        if reported.insert(start.clone()) {
            let more = if passage.chars().count() > 60 {
                "…"
            } else {
                ""
            };
            hits.push(Hit::new(
                "locale.language",
                format!(
                    "this passage reads as {}, not {} (the email's locale is `{}`): “{start}{more}”; translate it (data that differs per locale goes in a fixture overlay such as <case>.{}.yaml)",
                    name,
                    english_name(&expected),
                    input.code,
                    input.code
                ),
                locate_text(ctx, input, &start),
            ));
        }
        foreign.push(passage);
    }
    foreign
}

/// The visible prose of the email: paragraphs, list items and headings of the HTML (tables are
/// rows of labels, not prose), the subject and preheader, and a hand-written text part's
/// paragraphs (a derived one repeats the HTML).
pub(super) fn passages(ctx: &Ctx, own_text: bool) -> Vec<String> {
    const BLOCKS: [&str; 9] = ["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"];
    let is_block = |node: &ego_tree::NodeRef<Node>| matches!(node.value(), Node::Element(el) if BLOCKS.contains(&el.name()));
    // Only the innermost blocks, in document order: one walk, each open block remembering
    // whether a block opened inside it.
    let mut out: Vec<String> = Vec::new();
    let mut open: Vec<bool> = Vec::new();
    for edge in ctx.doc.root_element().traverse() {
        match edge {
            Edge::Open(node) if is_block(&node) => {
                if let Some(outer) = open.last_mut() {
                    *outer = true;
                }
                open.push(false);
            }
            Edge::Close(node) if is_block(&node) => {
                let has_inner = open.pop().unwrap_or(true);
                if let Some(outer) = open.last_mut() {
                    *outer = true;
                }
                if !has_inner {
                    let el = ElementRef::wrap(node).map(|el| el.text().collect::<Vec<_>>());
                    out.push(el.unwrap_or_default().join(" "));
                }
            }
            _ => {}
        }
    }
    out.push(ctx.input.subject.to_string());
    out.push(ctx.input.preheader.to_string());
    if own_text {
        out.extend(ctx.input.text.split("\n\n").map(str::to_string));
    }
    out.iter_mut()
        .for_each(|p| *p = p.split_whitespace().collect::<Vec<_>>().join(" "));
    out.retain(|p| !p.is_empty());
    out
}

/// Short data values (names, address lines, product names): left out of language judging.
fn labels<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    super::string_leaves(value, &mut |text| {
        let text = text.trim();
        if !text.is_empty() && text.split_whitespace().count() < LABEL_WORDS {
            out.push(text);
        }
    });
}

/// The literal parts of a locale string around its `{placeholders}` and the `#` that `plural`
/// replaces with the number, as they appear in output.
pub(super) fn literal_pieces(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        pieces.push(rest[..open].to_string());
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    pieces.push(rest.to_string());
    pieces
        .iter()
        .flat_map(|p| p.split('#'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The two-letter (or CLDR canonical) language of a locale or ISO 639-3 code: `en-GB` → `en`,
/// `tur` → `tr`.
fn language_of(code: &str) -> Option<String> {
    let mut locale: icu_locale_core::Locale = code.parse().ok()?;
    icu_locale::LocaleCanonicalizer::new_common().canonicalize(&mut locale);
    Some(locale.id.language.to_string())
}

fn neighbours(a: &str, b: &str) -> bool {
    NEIGHBOURS
        .iter()
        .any(|group| group.contains(&a) && group.contains(&b))
}

/// A language's English name, from whatlang's list (the code itself when whatlang lacks it).
fn english_name(language: &str) -> String {
    whatlang_lang(language).map_or_else(
        || format!("`{language}`"),
        |lang| lang.eng_name().to_string(),
    )
}

/// The name of the other language `judged` (a passage without data and fallback strings)
/// reads as, or `None` when it reads as `expected`. Remembered per locale, project languages
/// and text: most passages are the same static text in every email of a template, and whatlang
/// is the costliest step of the rules.
fn verdict(
    input: &LocaleInput,
    expected: &str,
    own: whatlang::Lang,
    judged: &str,
) -> Option<&'static str> {
    type Verdicts = Mutex<HashMap<String, Option<&'static str>>>;
    static VERDICTS: OnceLock<Verdicts> = OnceLock::new();
    const MAX_REMEMBERED: usize = 20_000;
    let languages: Vec<&str> = input.locales.cldr.values().map(String::as_str).collect();
    let key = format!("{}\u{1}{}\u{1}{judged}", input.cldr, languages.join(","));
    let verdicts = VERDICTS.get_or_init(Verdicts::default);
    if let Some(known) = verdicts.lock().ok().and_then(|v| v.get(&key).copied()) {
        return known;
    }
    let found = judge(input, expected, own, judged);
    if let Ok(mut remembered) = verdicts.lock() {
        if remembered.len() >= MAX_REMEMBERED {
            remembered.clear();
        }
        remembered.insert(key, found);
    }
    found
}

/// whatlang's verdict on `judged`, computed (see [`verdict`]).
fn judge(
    input: &LocaleInput,
    expected: &str,
    own: whatlang::Lang,
    judged: &str,
) -> Option<&'static str> {
    let info = whatlang::detect(judged)?;
    let found = language_of(info.lang().code())?;
    if found == expected || neighbours(&found, expected) {
        return None;
    }
    let against_own = whatlang::Detector::with_allowlist(vec![info.lang(), own]).detect(judged);
    if !against_own
        .is_some_and(|d| d.lang() == info.lang() && d.confidence() >= MIN_MARGIN_OVER_OWN)
    {
        return None;
    }
    Some(likely_name(input, info.lang(), judged))
}

/// The name of the language a flagged passage is in: whatlang's guess, unless one of the
/// project's other languages fits better (whatlang takes short English for Dutch or French).
fn likely_name(input: &LocaleInput, guess: whatlang::Lang, text: &str) -> &'static str {
    let mut candidates: Vec<whatlang::Lang> = input
        .locales
        .cldr
        .values()
        .filter_map(|cldr| language_of(cldr))
        .filter_map(|language| whatlang_lang(&language))
        .collect();
    candidates.push(guess);
    candidates.sort_by_key(|lang| lang.code());
    candidates.dedup();
    whatlang::Detector::with_allowlist(candidates)
        .detect(text)
        .map_or(guess, |info| info.lang())
        .eng_name()
}

/// whatlang's language for a CLDR language code (`tr` → Turkish), if it knows it.
fn whatlang_lang(language: &str) -> Option<whatlang::Lang> {
    whatlang::Lang::all()
        .iter()
        .copied()
        .find(|lang| language_of(lang.code()).as_deref() == Some(language))
}

/// Where `text` was written: the template and its layouts and partials, the locale file, or the
/// fixture files; the template file when none contains it.
pub(super) fn locate_text(ctx: &Ctx, input: &LocaleInput, text: &str) -> Option<SourcePos> {
    let needle = text
        .split_whitespace()
        .take(5)
        .collect::<Vec<_>>()
        .join(" ");
    for source in ctx.input.sources {
        if let Some(at) = source.source.find(&needle) {
            let (line, column) = line_col(&source.source, at);
            return Some(SourcePos::at(&source.file, line, column));
        }
    }
    let locale_file = (
        Locales::file(input.code),
        input.locales.sources.get(input.code).cloned(),
    );
    // The overlay (last) before the case it lays over.
    let fixtures = input
        .fixture_files
        .iter()
        .rev()
        .map(|f| (f.clone(), std::fs::read_to_string(input.root.join(f)).ok()));
    for (file, source) in std::iter::once(locale_file).chain(fixtures) {
        if let Some(at) = source
            .as_deref()
            .and_then(|s| s.find(&needle).map(|at| (s, at)))
        {
            let (line, column) = line_col(at.0, at.1);
            return Some(SourcePos::at(file, line, column));
        }
    }
    ctx.input.at_template()
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    /// English (default) and Turkish strings; Turkish lacks `order.tax`.
    fn locales() -> Locales {
        let en = json!({"greeting": "Hi", "order": {"total": "Total", "tax": "VAT"}});
        let tr = json!({"greeting": "Merhaba", "order": {"total": "Toplam"}});
        let mut merged = en.clone();
        crate::locale::merge(&mut merged, tr.clone());
        Locales {
            default: "en".into(),
            strings: BTreeMap::from([("en".into(), en.clone()), ("tr".into(), merged)]),
            own: BTreeMap::from([("en".into(), en), ("tr".into(), tr)]),
            sources: BTreeMap::from([(
                "tr".into(),
                "greeting: Merhaba\norder:\n  total: Toplam\n  old: Eski\n".into(),
            )]),
            cldr: BTreeMap::from([("en".into(), "en-GB".into()), ("tr".into(), "tr".into())]),
        }
    }

    fn input<'a>(
        locales: &'a Locales,
        used: &'a BTreeSet<Vec<String>>,
        unused: &'a [Vec<String>],
    ) -> LocaleInput<'a> {
        LocaleInput {
            code: "tr",
            cldr: "tr",
            locales,
            used: Some(used),
            unused,
            spelling: Spelling::Off,
            root: Path::new("."),
            fixture_files: Vec::new(),
            formatted: &[],
            own_text: false,
        }
    }

    fn key(path: &str) -> Vec<String> {
        path.split('.').map(str::to_string).collect()
    }

    fn rules(email: &TestEmail, input: &LocaleInput) -> Vec<String> {
        email
            .findings_in(input)
            .into_iter()
            .filter(|f| f.rule.starts_with("locale."))
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_used_key_the_locale_lacks_is_missing_but_a_present_one_is_not() {
        let locales = locales();
        let email = TestEmail::with_body("<p>Merhaba</p>");
        let used = BTreeSet::from([key("greeting"), key("order.tax")]);
        let findings = email.findings_in(&input(&locales, &used, &[]));
        let missing: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "locale.missing-key")
            .collect();
        assert_eq!(missing.len(), 1, "{findings:?}");
        assert!(
            missing[0].message.contains("`order.tax`")
                && missing[0].message.contains("locales/tr.yaml")
        );
        assert!(
            missing[0].message.contains("“VAT”"),
            "shows the fallback text"
        );
        let used = BTreeSet::from([key("greeting"), key("order.total")]);
        assert!(rules(&email, &input(&locales, &used, &[])).is_empty());
    }

    #[test]
    fn the_default_locale_never_misses_a_key() {
        let locales = locales();
        let email = TestEmail::with_body("<p>Hi</p>");
        let used = BTreeSet::from([key("order.tax")]);
        let mut en = input(&locales, &used, &[]);
        en.code = "en";
        en.cldr = "en-GB";
        assert!(rules(&email, &en).is_empty());
    }

    #[test]
    fn unused_keys_are_reported_at_their_line() {
        let locales = locales();
        let mut email = TestEmail::with_body("<p>Merhaba</p>");
        let used = BTreeSet::new();
        let unused = [key("order.old")];
        assert!(
            rules(&email, &input(&locales, &used, &unused)).is_empty(),
            "off by default"
        );
        email.config.rules.insert(
            "locale.unused-key".into(),
            crate::findings::Severity::Warning,
        );
        let findings = email.findings_in(&input(&locales, &used, &unused));
        let found = findings.iter().find(|f| f.rule == "locale.unused-key");
        let location = found
            .and_then(|f| f.location.clone())
            .expect("a finding at a line");
        assert_eq!(
            (location.file, location.line),
            ("locales/tr.yaml".into(), Some(4))
        );
        assert!(rules(&email, &input(&locales, &used, &[])).is_empty());
    }

    #[test]
    fn an_english_paragraph_in_a_turkish_email_is_reported() {
        let locales = locales();
        let used = BTreeSet::new();
        let email = TestEmail::with_body(
            "<p>Merhaba Emma,</p><p>I've refunded the delivery charge and sent a replacement dish by next-day delivery.</p>",
        );
        let findings = email.findings_in(&input(&locales, &used, &[]));
        let language: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "locale.language")
            .collect();
        assert_eq!(language.len(), 1, "{findings:?}");
        assert!(
            language[0]
                .message
                .contains("reads as English, not Turkish"),
            "{}",
            language[0].message
        );
        assert!(
            language[0].message.contains("“I've refunded the delivery"),
            "{}",
            language[0].message
        );
    }

    #[test]
    fn turkish_prose_short_english_and_english_data_labels_are_not() {
        let locales = locales();
        let used = BTreeSet::new();
        let mut email = TestEmail::with_body(
            "<p>Siparişinizi aldık ve hazırlamaya başladık; kargonuz yola çıkar çıkmaz size haber vereceğiz.</p><p>Thanks for your order!</p><p>Ürün: Washed Linen Duvet Cover, Double, Sage ve yastık kılıfları hazır.</p>",
        );
        email
            .data
            .insert("product".into(), json!("Washed Linen Duvet Cover"));
        assert!(
            rules(&email, &input(&locales, &used, &[])).is_empty(),
            "{:?}",
            email.findings_in(&input(&locales, &used, &[]))
        );
    }

    #[test]
    fn fallback_text_is_left_to_missing_key() {
        let mut locales = locales();
        let long =
            "We'll email you again with tracking details as soon as your parcel is on its way.";
        locales.own.get_mut("en").unwrap()["next"] = json!(long);
        let used = BTreeSet::from([key("next")]);
        let email = TestEmail::with_body(&format!("<p>Merhaba Emma,</p><p>{long}</p>"));
        assert_eq!(
            rules(&email, &input(&locales, &used, &[])),
            ["locale.missing-key"]
        );
    }

    #[test]
    fn placeholders_split_a_string_into_what_is_shown() {
        assert_eq!(
            literal_pieces("Your order {number} is confirmed"),
            ["Your order", "is confirmed"]
        );
        assert_eq!(literal_pieces("{number}"), Vec::<String>::new());
        assert_eq!(literal_pieces("# points"), ["points"]);
    }

    #[test]
    fn iso_639_3_codes_are_canonicalised() {
        assert_eq!(language_of("tur").as_deref(), Some("tr"));
        assert_eq!(language_of("eng").as_deref(), Some("en"));
        assert_eq!(language_of("en-GB").as_deref(), Some("en"));
        assert_eq!(english_name("tr"), "Turkish");
    }
}
