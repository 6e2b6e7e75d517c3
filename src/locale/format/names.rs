//! `format_country`: a country or region code (`GB`) as its name in the locale ("United
//! Kingdom", "Birleşik Krallık"), from CLDR.

use icu_experimental::displaynames::multi::RegionDisplayNames;
use icu_experimental::displaynames::{DisplayNamesOptions, Style};
use icu_locale_core::Locale;
use icu_locale_core::subtags::Region;
use serde_json::Value;

use super::{Args, FormatError};

const HINT: &str = "a country code: write the ISO 3166 code in capitals, like \"GB\" or \"TR\"";

/// `format_country(style="short")`.
pub(super) fn country(value: &Value, args: &Args, locale: &Locale) -> Result<String, FormatError> {
    args.only(&["style"])?;
    let code = value.as_str().map(str::trim).unwrap_or_default();
    let region: Region = code
        .parse()
        .ok()
        .filter(|_| {
            code.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .ok_or_else(|| args.wrong_value(value, HINT))?;
    let mut options = DisplayNamesOptions::default();
    if args.choice("style", &["long", "short"])? == Some("short") {
        options.style = Some(Style::Short);
    }
    let names = RegionDisplayNames::try_new(locale.into(), options)
        .map_err(|_| FormatError::Locale(locale.to_string()))?;
    names
        .of(region)
        .map(str::to_string)
        .ok_or_else(|| args.wrong_value(value, HINT))
}

#[cfg(test)]
mod tests {
    use super::super::{apply, args};
    use serde_json::json;

    #[test]
    fn countries_are_named_in_the_readers_language() {
        let name = |code: &str, locale: &str| {
            apply("format_country", &json!(code), &args(json!({})), locale).unwrap()
        };
        assert_eq!(name("GB", "tr"), "Birleşik Krallık");
        assert_eq!(name("GB", "en-GB"), "United Kingdom");
        assert_eq!(name("TR", "tr"), "Türkiye");
        assert_eq!(
            apply(
                "format_country",
                &json!("GB"),
                &args(json!({"style": "short"})),
                "en"
            )
            .unwrap(),
            "UK"
        );
    }

    #[test]
    fn a_country_name_is_not_a_code() {
        let err = apply(
            "format_country",
            &json!("United Kingdom"),
            &args(json!({})),
            "tr",
        )
        .unwrap_err();
        assert!(err.to_string().contains("ISO 3166"), "{err}");
        assert!(apply("format_country", &json!("gb"), &args(json!({})), "tr").is_err());
    }
}
