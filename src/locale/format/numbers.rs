//! `format_number`, `format_money` and `format_percent`: decimal numbers written with the
//! locale's separators, grouping, currency placement and percent sign (CLDR).

use std::str::FromStr;

use fixed_decimal::{Decimal, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_locale_core::Locale;
use serde_json::Value;

use super::{Args, FormatError};

const NUMBER_HINT: &str = "a number: write it as a number (1240) or as text with a dot for decimals and no separators (\"2183.50\")";
const MONEY_HINT: &str = "an amount of money: write it as text with a dot for decimals and no currency sign or separators, like \"2183.50\" (the currency comes from currency=)";

/// `format_number(decimals=N)`.
pub(super) fn number(value: &Value, args: &Args, locale: &Locale) -> Result<String, FormatError> {
    args.only(&["decimals"])?;
    let mut decimal = parse(value).ok_or_else(|| args.wrong_value(value, NUMBER_HINT))?;
    round(&mut decimal, args.count("decimals", 12)?);
    Ok(formatter(locale)?.format(&decimal).to_string())
}

/// `format_money(currency="GBP", display="symbol"|"code"|"name")`: the currency's own number
/// of decimals (two for GBP, none for JPY), its symbol placed the locale's way.
pub(super) fn money(value: &Value, args: &Args, locale: &Locale) -> Result<String, FormatError> {
    args.only(&["currency", "display"])?;
    let decimal = parse(value).ok_or_else(|| args.wrong_value(value, MONEY_HINT))?;
    let code = args.text("currency")?.ok_or(FormatError::MissingArgument {
        filter: "format_money",
        name: "currency",
        example: "{{ order.total | format_money(currency=\"GBP\") }}",
    })?;
    let currency = currency_code(code).ok_or_else(|| {
        args.bad(
            "currency",
            &Value::String(code.to_string()),
            "an ISO 4217 currency code in capitals, such as \"GBP\", \"EUR\" or \"TRY\"",
        )
    })?;
    let display = args
        .choice("display", &["symbol", "code", "name"])?
        .unwrap_or("symbol");
    let formatter = super::cache::formatter(format!("{locale}|{code}|{display}"), || {
        let prefs = locale.into();
        let options = Default::default();
        match display {
            "code" => CurrencyFormatter::try_new_code(prefs, currency, options),
            "name" => CurrencyFormatter::try_new_name(prefs, currency),
            _ => CurrencyFormatter::try_new_symbol(prefs, currency, options),
        }
        .map_err(|_| FormatError::Locale(locale.to_string()))
    })?;
    Ok(formatter.format_fixed_decimal(&decimal).to_string())
}

/// `format_percent(decimals=N)`: the value is a ratio, so 0.15 is 15 % (as in spreadsheets
/// and ICU); the sign goes where the locale puts it (`%15` in Turkish).
pub(super) fn percent(value: &Value, args: &Args, locale: &Locale) -> Result<String, FormatError> {
    args.only(&["decimals"])?;
    let mut decimal = parse(value).ok_or_else(|| {
        args.wrong_value(
            value,
            "a ratio: 0.15 is 15 %; write it as a number or as text like \"0.15\"",
        )
    })?;
    decimal.absolute.multiply_pow10(2);
    decimal.absolute.trim_start();
    round(&mut decimal, args.count("decimals", 12)?);
    let formatter = super::cache::formatter(locale.to_string(), || {
        PercentFormatter::try_new(locale.into(), Default::default())
            .map_err(|_| FormatError::Locale(locale.to_string()))
    })?;
    Ok(formatter.format(&decimal).to_string())
}

/// The locale's plain number formatter.
pub(super) fn formatter(locale: &Locale) -> Result<std::rc::Rc<DecimalFormatter>, FormatError> {
    super::cache::formatter(locale.to_string(), || {
        DecimalFormatter::try_new(locale.into(), Default::default())
            .map_err(|_| FormatError::Locale(locale.to_string()))
    })
}

/// A number from JSON: an integer, a decimal (read by its shortest decimal form, so 20.17 stays
/// 20.17), or text holding one. Text with separators or symbols (`1,240`, `£5`) is refused
/// rather than guessed at.
pub(super) fn parse(value: &Value) -> Option<Decimal> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    let plain = text.strip_prefix(['-', '+']).unwrap_or(&text);
    let well_formed = !plain.is_empty()
        && plain
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && plain.starts_with(|c: char| c.is_ascii_digit());
    if !well_formed {
        return None;
    }
    let mut decimal = Decimal::from_str(&text).ok()?;
    decimal.absolute.trim_start();
    Some(decimal)
}

/// Rounds half away from zero to exactly `decimals` digits after the point, when asked.
fn round(decimal: &mut Decimal, decimals: Option<u8>) {
    if let Some(digits) = decimals {
        let position = -i16::from(digits);
        decimal.round_with_mode(
            position,
            SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
        );
        decimal.absolute.pad_end(position);
    }
}

fn currency_code(code: &str) -> Option<CurrencyType> {
    let valid = code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase());
    valid
        .then(|| CurrencyType::try_from_str(code).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::super::{apply, args};
    use serde_json::{Value, json};

    fn fmt(filter: &str, value: Value, a: Value, locale: &str) -> String {
        apply(filter, &value, &args(a), locale).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn turkish_numbers_group_with_dots() {
        assert_eq!(fmt("format_number", json!(1240), json!({}), "tr"), "1.240");
        assert_eq!(
            fmt("format_number", json!(1240), json!({}), "en-GB"),
            "1,240"
        );
        assert_eq!(fmt("format_number", json!("2.5"), json!({}), "tr"), "2,5");
        assert_eq!(
            fmt("format_number", json!(2.125), json!({"decimals": 2}), "tr"),
            "2,13"
        );
        assert_eq!(
            fmt("format_number", json!(3), json!({"decimals": 1}), "en"),
            "3.0"
        );
    }

    #[test]
    fn money_keeps_the_shops_currency_in_the_readers_format() {
        let gbp = json!({"currency": "GBP"});
        assert_eq!(
            fmt("format_money", json!("2183.00"), gbp.clone(), "tr"),
            "£2.183,00"
        );
        assert_eq!(
            fmt("format_money", json!("2183.00"), gbp.clone(), "en-GB"),
            "£2,183.00"
        );
        assert_eq!(
            fmt("format_money", json!("-4.95"), gbp.clone(), "tr"),
            "-£4,95"
        );
        assert_eq!(fmt("format_money", json!(12), gbp, "tr"), "£12,00");
        assert_eq!(
            fmt(
                "format_money",
                json!("2183"),
                json!({"currency": "EUR"}),
                "de"
            ),
            "2.183,00\u{a0}€"
        );
        assert_eq!(
            fmt(
                "format_money",
                json!("5"),
                json!({"currency": "GBP", "display": "code"}),
                "en-GB"
            ),
            "GBP\u{a0}5.00"
        );
    }

    #[test]
    fn money_needs_a_currency() {
        let err = apply("format_money", &json!("5.00"), &args(json!({})), "tr").unwrap_err();
        assert!(err.to_string().contains("currency=\"GBP\""), "{err}");
        let err = apply(
            "format_money",
            &json!("5.00"),
            &args(json!({"currency": "gbp"})),
            "tr",
        )
        .unwrap_err();
        assert!(err.to_string().contains("ISO 4217"), "{err}");
    }

    #[test]
    fn preformatted_amounts_are_refused_not_guessed() {
        for bad in [
            json!("£121.00"),
            json!("1,240"),
            json!(""),
            json!(true),
            json!(null),
        ] {
            let err = apply(
                "format_money",
                &bad,
                &args(json!({"currency": "GBP"})),
                "tr",
            )
            .unwrap_err();
            assert!(err.to_string().starts_with("format_money: "), "{err}");
        }
    }

    #[test]
    fn percent_takes_a_ratio_and_puts_the_sign_first_in_turkish() {
        assert_eq!(fmt("format_percent", json!(0.15), json!({}), "tr"), "%15");
        assert_eq!(
            fmt("format_percent", json!("0.125"), json!({}), "en-GB"),
            "12.5%"
        );
        assert_eq!(
            fmt(
                "format_percent",
                json!("0.125"),
                json!({"decimals": 0}),
                "en-GB"
            ),
            "13%"
        );
    }
}
