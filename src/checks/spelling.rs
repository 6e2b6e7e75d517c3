//! `spelling.word`: words of the subject, preheader, HTML and text part that the locale's
//! Hunspell dictionary (plus `dictionary/<locale>.txt`) does not know. Data values (customer
//! names, addresses, product names from fixtures), the brand's own details and text shown in
//! place of a missing translation (reported by `locale.missing-key`) are not checked.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::Value;

use super::locale::{LocaleInput, Spelling, fallbacks, literal_pieces};
use super::{Ctx, Hit};
use crate::error::{SourcePos, line_col};
use crate::locale::Locales;
use crate::spelling::{self, Speller};

/// Misspellings reported per email before the rest are summed up in one finding.
const MAX_REPORTED: usize = 10;
/// Misspellings per email that get suggestions (suggesting is slow with large dictionaries).
const MAX_SUGGESTED: usize = 3;

/// Checks one email's words; words of the `foreign` passages (reported by `locale.language` as
/// another language) are left to that finding.
pub(super) fn check(ctx: &Ctx, foreign: &[String], hits: &mut Vec<Hit>) {
    let Some(input) = ctx.input.locale else {
        return;
    };
    match input.spelling {
        Spelling::Off | Spelling::Missing { report: false, .. } => {}
        Spelling::Missing { reason, .. } => {
            let file = Locales::file(input.code);
            hits.push(Hit::new(
                "spelling.word",
                reason.to_string(),
                Some(SourcePos::file(file)),
            ));
        }
        Spelling::Ready(speller) => misspellings(ctx, input, speller, foreign, hits),
    }
}

fn misspellings(
    ctx: &Ctx,
    input: &LocaleInput,
    speller: &Speller,
    foreign: &[String],
    hits: &mut Vec<Hit>,
) {
    let text = visible_text(ctx);
    // each word once, whatever its case (most words are already lowercase: no allocation)
    let mut seen = HashSet::new();
    // a paragraph in another language is one `locale.language` finding, not a finding a word
    let foreign: HashSet<&str> = foreign.iter().flat_map(|p| spelling::words(p)).collect();
    let unknown = speller.unknown(spelling::words(&text).into_iter().filter(|word| {
        !foreign.contains(word)
            && seen.insert(if word.chars().any(char::is_uppercase) {
                Cow::Owned(word.to_lowercase())
            } else {
                Cow::Borrowed(*word)
            })
    }));
    if unknown.is_empty() {
        return;
    }
    let wrong = not_in_data(ctx, input, unknown);
    for (i, word) in wrong.iter().take(MAX_REPORTED).enumerate() {
        let suggestions = if i < MAX_SUGGESTED {
            speller.suggest(word)
        } else {
            Vec::new()
        };
        let hint = if suggestions.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", suggestions.join(", "))
        };
        hits.push(Hit::new(
            "spelling.word",
            format!(
                "`{word}` is not in the {} dictionary{hint}: correct it, or add it to {}/{}.txt if it is a name",
                speller.name,
                spelling::PROJECT_DIR,
                input.code
            ),
            locate_word(ctx, input, word),
        ));
    }
    if wrong.len() > MAX_REPORTED {
        hits.push(Hit::new(
            "spelling.word",
            format!(
                "{} more words are not in the {} dictionary: {}",
                wrong.len() - MAX_REPORTED,
                speller.name,
                wrong[MAX_REPORTED..].join(", ")
            ),
            ctx.input.at_template(),
        ));
    }
}

/// Everything a reader sees: subject, preheader, the HTML's text and image descriptions, and
/// the text part.
fn visible_text(ctx: &Ctx) -> String {
    let input = ctx.input;
    let mut parts = vec![input.subject.to_string(), input.preheader.to_string()];
    if let Some(body) = ctx.doc.select(super::sel("body")).next() {
        parts.push(body.text().collect::<Vec<_>>().join(" "));
    }
    parts.extend(
        ctx.doc
            .select(super::sel("img[alt]"))
            .filter_map(|img| img.value().attr("alt"))
            .map(str::to_string),
    );
    parts.push(input.text.to_string());
    parts.join("\n")
}

/// The `unknown` words that are not data: not a word of a data value, of what the formatting
/// filters wrote, of fallback text, or of the brand's details (compared lowercased). The brand
/// is only read when a word is still unknown after the rest.
fn not_in_data<'w>(ctx: &Ctx, input: &LocaleInput, unknown: Vec<&'w str>) -> Vec<&'w str> {
    let mut left: Vec<(&str, String)> = unknown
        .into_iter()
        .map(|word| (word, word.to_lowercase()))
        .collect();
    let mut strike = |text: &str| strike_words_of(text, &mut left);
    for value in ctx.input.data.values() {
        super::string_leaves(value, &mut strike);
    }
    input.formatted.iter().for_each(|text| strike(text));
    for (_, text) in fallbacks(input) {
        literal_pieces(text).iter().for_each(|piece| strike(piece));
    }
    if !left.is_empty() {
        let brand = serde_json::to_value(ctx.input.brand).unwrap_or(Value::Null);
        super::string_leaves(&brand, &mut |text| strike_words_of(text, &mut left));
    }
    left.into_iter().map(|(word, _)| word).collect()
}

/// Drops from `left` (word, lowercased) the words that `text` has, whatever their case.
fn strike_words_of(text: &str, left: &mut Vec<(&str, String)>) {
    if left.is_empty() {
        return;
    }
    for word in spelling::words(text) {
        left.retain(|(_, lower)| !word.chars().flat_map(char::to_lowercase).eq(lower.chars()));
    }
}

/// The first line where `word` stands as a whole word: in the template, its layouts and
/// partials, then the locale file.
fn locate_word(ctx: &Ctx, input: &LocaleInput, word: &str) -> Option<SourcePos> {
    let templates = ctx
        .input
        .sources
        .iter()
        .map(|s| (s.file.clone(), s.source.as_str()));
    let locale = input
        .locales
        .sources
        .get(input.code)
        .map(|s| (Locales::file(input.code), s.as_str()));
    for (file, source) in templates.chain(locale) {
        if let Some(at) = whole_word(source, word) {
            let (line, column) = line_col(source, at);
            return Some(SourcePos::at(file, line, column));
        }
    }
    ctx.input.at_template()
}

/// The byte offset of `word` in `text` where it is not part of a longer word.
fn whole_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;
    use super::*;
    use std::collections::BTreeMap;
    use std::path::Path;

    const WORDS: &[&str] = &[
        "hello",
        "there",
        "your",
        "order",
        "is",
        "confirmed",
        "it",
        "ships",
        "tomorrow",
        "by",
    ];

    /// A tiny English dictionary in a project folder.
    fn speller(dir: &Path) -> std::sync::Arc<Speller> {
        spelling::test_speller(dir, WORDS)
    }

    fn locales() -> Locales {
        Locales {
            default: "zz".into(),
            strings: BTreeMap::new(),
            own: BTreeMap::new(),
            sources: BTreeMap::new(),
            cldr: BTreeMap::new(),
        }
    }

    fn input<'a>(
        locales: &'a Locales,
        spelling: Spelling<'a>,
        formatted: &'a [String],
    ) -> LocaleInput<'a> {
        LocaleInput {
            code: "zz",
            cldr: "zz",
            locales,
            used: None,
            unused: &[],
            spelling,
            root: Path::new("."),
            fixture_files: Vec::new(),
            formatted,
            own_text: false,
        }
    }

    fn messages(email: &TestEmail, input: &LocaleInput) -> Vec<String> {
        email
            .findings_in(input)
            .into_iter()
            .filter(|f| f.rule == "spelling.word")
            .map(|f| f.message)
            .collect()
    }

    fn email(body: &str) -> TestEmail {
        let mut email = TestEmail::with_body(body);
        email.subject = "Your order is confirmed".into();
        email.preheader = "It ships tomorrow".into();
        email.text = String::new();
        email
    }

    #[test]
    fn a_misspelt_word_is_reported_with_suggestions() {
        let dir = tempfile::tempdir().unwrap();
        let speller = speller(dir.path());
        let locales = locales();
        let found = messages(
            &email("<p>Hello there, your ordr is confirmed.</p>"),
            &input(&locales, Spelling::Ready(&speller), &[]),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("`ordr` is not in the zz dictionary (did you mean order"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn data_acronyms_and_formatted_values_are_not_checked() {
        let dir = tempfile::tempdir().unwrap();
        let speller = speller(dir.path());
        let locales = locales();
        let mut email =
            email("<p>Hello Zebedee, your order FH-1234 is confirmed by DPD: Nisan 2026.</p>");
        email.data.insert("name".into(), "Zebedee".into());
        let formatted = ["14 Nisan 2026".to_string()];
        assert!(
            messages(
                &email,
                &input(&locales, Spelling::Ready(&speller), &formatted)
            )
            .is_empty()
        );
        // Without the data and the formatted value, both words are unknown.
        email.data.clear();
        assert_eq!(
            messages(&email, &input(&locales, Spelling::Ready(&speller), &[])).len(),
            2
        );
    }

    #[test]
    fn a_paragraph_in_another_language_is_one_language_finding_not_a_spelling_one_a_word() {
        let dir = tempfile::tempdir().unwrap();
        let turkish = [
            "merhaba",
            "emma",
            "siparişiniz",
            "yolda",
            "ve",
            "yarın",
            "kapınızda",
            "olacak",
            "teşekkür",
            "ederiz",
        ];
        let speller = spelling::test_speller(dir.path(), &turkish);
        let locales = locales();
        let mut turkish_input = input(&locales, Spelling::Ready(&speller), &[]);
        (turkish_input.code, turkish_input.cldr) = ("tr", "tr");
        let mut email = email(
            "<p>Merhaba Emma, siparşiniz yolda ve yarın kapınızda olacak, teşekkür ederiz.</p>\
             <p>I've refunded the delivery charge and sent a replacement dish by next-day delivery.</p>",
        );
        email.subject = "Siparişiniz yolda".into();
        email.preheader = "Teşekkür ederiz".into();
        let rules = |email: &TestEmail| -> Vec<(String, String)> {
            email
                .findings_in(&turkish_input)
                .into_iter()
                .filter(|f| f.rule.starts_with("locale.") || f.rule.starts_with("spelling."))
                .map(|f| (f.rule, f.message))
                .collect()
        };
        let found = rules(&email);
        // the English paragraph: one finding; the Turkish one is still spell-checked
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "locale.language");
        assert_eq!(found[1].0, "spelling.word");
        assert!(found[1].1.starts_with("`siparşiniz`"), "{}", found[1].1);
        // with the language rule off, the English words are the dictionary's to judge
        email
            .config
            .rules
            .insert("locale.language".into(), crate::findings::Severity::Off);
        let found = rules(&email);
        assert!(
            found
                .iter()
                .any(|(_, message)| message.starts_with("`refunded`")),
            "{found:?}"
        );
    }

    #[test]
    fn a_missing_dictionary_is_said_once_at_the_locale_file() {
        let locales = locales();
        let reason = "no Hunspell dictionary for `zz`";
        let email = email("<p>Anything at all</p>");
        let told = Spelling::Missing {
            reason,
            report: true,
        };
        let findings = email.findings_in(&input(&locales, told, &[]));
        let spelling: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "spelling.word")
            .collect();
        assert_eq!(spelling.len(), 1);
        assert_eq!(
            spelling[0].location.as_ref().map(|l| l.file.clone()),
            Some("locales/zz.yaml".into())
        );
        let quiet = Spelling::Missing {
            reason,
            report: false,
        };
        assert!(
            messages(&email, &input(&locales, quiet, &[])).is_empty(),
            "said once, by another email"
        );
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(whole_word("the order, ordr here", "ordr"), Some(11));
        assert_eq!(whole_word("orders", "order"), None);
    }
}
