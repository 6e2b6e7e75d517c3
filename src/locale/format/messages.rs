//! `plural`, `select` and `format_list`: choosing the words around a value by CLDR plural
//! rules or by the value itself, and joining lists the locale's way ("a, b ve c").

use icu_list::ListFormatter;
use icu_list::options::{ListFormatterOptions, ListLength};
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRuleType, PluralRules, PluralRulesOptions};
use serde_json::Value;

use super::{Args, FormatError, numbers};

const CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// `plural(one="# item", other="# items", ordinal=false)`: the message for the value's CLDR
/// plural category (falling back to `other`), with `#` or `{}` replaced by the number written
/// the locale's way.
pub(super) fn plural(value: &Value, args: &Args, locale: &Locale) -> Result<String, FormatError> {
    let mut allowed = CATEGORIES.to_vec();
    allowed.push("ordinal");
    args.only(&allowed)?;
    let number = numbers::parse(value).ok_or_else(|| {
        args.wrong_value(
            value,
            "a number: plural picks the words for a count, like 3 or \"3\"",
        )
    })?;
    let rule_type = if args.flag("ordinal")?.unwrap_or(false) {
        PluralRuleType::Ordinal
    } else {
        PluralRuleType::Cardinal
    };
    let rules = PluralRules::try_new(
        locale.into(),
        PluralRulesOptions::default().with_type(rule_type),
    )
    .map_err(|_| FormatError::Locale(locale.to_string()))?;
    let category = match rules.category_for(&number) {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        _ => "other",
    };
    let message = match args.text(category)? {
        Some(message) => message,
        None => args.text("other")?.ok_or(FormatError::MissingArgument {
            filter: "plural",
            name: "other",
            example: "{{ n | plural(one=\"# question\", other=\"# questions\") }}",
        })?,
    };
    let written = numbers::formatter(locale)?.format(&number).to_string();
    Ok(message.replace("{}", &written).replace('#', &written))
}

/// `select(email="…", phone="…", other="…")`: the message named by the value (text, a whole
/// number or true/false), else `other`.
pub(super) fn select(value: &Value, args: &Args) -> Result<String, FormatError> {
    let key = match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        _ => {
            return Err(args.wrong_value(
                value,
                "a key to choose by: a word, a whole number or true/false",
            ));
        }
    };
    let chosen = args.map.get(&key).or_else(|| args.map.get("other"));
    match chosen {
        Some(Value::String(message)) => Ok(message.clone()),
        Some(other) => Err(args.bad(&key, other, "a quoted text")),
        None => {
            let mut names: Vec<&str> = args.map.keys().map(String::as_str).collect();
            names.sort_unstable();
            Err(args.wrong_value(
                value,
                &format!(
                    "one of the choices ({}), and there is no other=\"…\" to fall back on",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// `format_list(type="and"|"or"|"unit", style="wide"|"short"|"narrow")`: "a, b and c",
/// "a, b ve c", "a veya b". Numbers in the list are written the locale's way.
pub(super) fn list(value: &Value, args: &Args, locale: &Locale) -> Result<String, FormatError> {
    args.only(&["type", "style"])?;
    let hint = "a list of words or numbers, like [\"linen\", \"wool\"]";
    let items = value
        .as_array()
        .ok_or_else(|| args.wrong_value(value, hint))?;
    let numbers = numbers::formatter(locale)?;
    let words = items
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.clone()),
            Value::Number(_) => numbers::parse(item)
                .map(|n| numbers.format(&n).to_string())
                .ok_or_else(|| args.wrong_value(item, hint)),
            other => Err(args.wrong_value(other, hint)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let length = match args.choice("style", &["wide", "short", "narrow"])? {
        Some("short") => ListLength::Short,
        Some("narrow") => ListLength::Narrow,
        _ => ListLength::Wide,
    };
    let prefs = locale.into();
    let options = ListFormatterOptions::default().with_length(length);
    let formatter = match args
        .choice("type", &["and", "or", "unit"])?
        .unwrap_or("and")
    {
        "or" => ListFormatter::try_new_or(prefs, options),
        "unit" => ListFormatter::try_new_unit(prefs, options),
        _ => ListFormatter::try_new_and(prefs, options),
    }
    .map_err(|_| FormatError::Locale(locale.to_string()))?;
    Ok(formatter.format(words.iter()).to_string())
}

#[cfg(test)]
mod tests {
    use super::super::{apply, args};
    use serde_json::{Value, json};

    fn fmt(filter: &str, value: Value, a: Value, locale: &str) -> String {
        apply(filter, &value, &args(a), locale).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn plural_picks_by_cldr_category_and_writes_the_number() {
        let points = json!({"one": "# point", "other": "# points"});
        assert_eq!(fmt("plural", json!(1), points.clone(), "en-GB"), "1 point");
        assert_eq!(
            fmt("plural", json!(1240), points.clone(), "en-GB"),
            "1,240 points"
        );
        assert_eq!(fmt("plural", json!(0), points, "en-GB"), "0 points");
        let puan = json!({"one": "{} puan", "other": "{} puan"});
        assert_eq!(fmt("plural", json!(1240), puan, "tr"), "1.240 puan");
    }

    #[test]
    fn plural_uses_the_locales_own_categories() {
        // Arabic has a "two" form; English uses "other" for 2.
        let forms = json!({"one": "one", "two": "two", "few": "few", "other": "other"});
        assert_eq!(fmt("plural", json!(2), forms.clone(), "ar"), "two");
        assert_eq!(fmt("plural", json!(2), forms.clone(), "en"), "other");
        assert_eq!(fmt("plural", json!(3), forms, "ar"), "few");
        let ordinal =
            json!({"one": "#st", "two": "#nd", "few": "#rd", "other": "#th", "ordinal": true});
        assert_eq!(fmt("plural", json!(22), ordinal.clone(), "en"), "22nd");
        assert_eq!(fmt("plural", json!(11), ordinal, "en"), "11th");
    }

    #[test]
    fn plural_needs_other() {
        let err = apply("plural", &json!(5), &args(json!({"one": "# item"})), "en").unwrap_err();
        assert!(err.to_string().contains("plural needs other="), "{err}");
    }

    #[test]
    fn select_chooses_by_value_then_other() {
        let choices =
            json!({"email": "Email address", "phone": "Phone number", "other": "Account detail"});
        assert_eq!(
            fmt("select", json!("phone"), choices.clone(), "en"),
            "Phone number"
        );
        assert_eq!(fmt("select", json!("fax"), choices, "en"), "Account detail");
        let err = apply(
            "select",
            &json!("fax"),
            &args(json!({"email": "E-posta"})),
            "tr",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("“fax”") && err.to_string().contains("email"),
            "{err}"
        );
    }

    #[test]
    fn lists_join_the_locales_way() {
        let items = json!(["keten", "yün", "pamuk"]);
        assert_eq!(
            fmt("format_list", items.clone(), json!({}), "tr"),
            "keten, yün ve pamuk"
        );
        assert_eq!(
            fmt("format_list", items, json!({"type": "or"}), "tr"),
            "keten, yün veya pamuk"
        );
        assert_eq!(
            fmt("format_list", json!(["a", "b", "c"]), json!({}), "en-GB"),
            "a, b and c"
        );
        assert_eq!(
            fmt("format_list", json!(["a", "b", "c"]), json!({}), "en"),
            "a, b, and c"
        );
        assert_eq!(
            fmt("format_list", json!([1200, 3]), json!({}), "tr"),
            "1.200 ve 3"
        );
    }
}
