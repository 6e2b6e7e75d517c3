//! Formatting values for a locale from CLDR data (ICU4X, compiled into the binary): dates and
//! times, numbers, money, percentages, plural and select messages, lists and country names. One entry point,
//! [`apply`], used by the Tera filters of every template and by anything that formats data after
//! rendering (a sender substituting values at send time). Results depend only on the input:
//! never on the machine's locale or time zone.

use serde_json::{Map, Value};

mod cache;
mod dates;
mod messages;
mod names;
mod numbers;

/// The filters [`apply`] knows, as registered in Tera.
pub const FILTERS: &[&str] = &[
    "format_date",
    "format_time",
    "format_datetime",
    "format_number",
    "format_money",
    "format_percent",
    "plural",
    "select",
    "format_list",
    "format_country",
];

/// Why a value could not be formatted. The message names the filter and the value, in a
/// designer's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// No such filter.
    #[error("`{0}` is not a formatting filter; they are: {list}", list = FILTERS.join(", "))]
    UnknownFilter(String),
    /// The locale code is not a valid language tag.
    #[error("`{0}` is not a locale code CLDR knows (write it like `en`, `tr` or `en-GB`)")]
    Locale(String),
    /// The value is of the wrong kind for the filter.
    #[error("{filter}: {value} is not {expected}")]
    Value {
        /// The filter.
        filter: &'static str,
        /// The value, quoted and shortened.
        value: String,
        /// What the filter takes, with an example.
        expected: String,
    },
    /// An argument has a value the filter does not take.
    #[error("{filter}: {name}={value} is not allowed; use {expected}")]
    Argument {
        /// The filter.
        filter: &'static str,
        /// The argument's name.
        name: String,
        /// Its value, quoted and shortened.
        value: String,
        /// What it takes.
        expected: String,
    },
    /// An argument the filter does not know (often a typo).
    #[error("{filter} has no argument `{name}`; it takes {allowed}")]
    UnknownArgument {
        /// The filter.
        filter: &'static str,
        /// The unknown name.
        name: String,
        /// The names it takes.
        allowed: String,
    },
    /// A required argument is missing.
    #[error("{filter} needs {name}=…, for example {example}")]
    MissingArgument {
        /// The filter.
        filter: &'static str,
        /// The argument.
        name: &'static str,
        /// A complete call that works.
        example: &'static str,
    },
}

/// Formats `value` with the filter called `filter` and its arguments, for `locale` (a BCP 47
/// locale such as `tr` or `en-GB`). Every filter, argument and input form is documented in the
/// README ("Formatting dates, numbers and money").
///
/// ```
/// use letterpress::locale::format::apply;
/// use serde_json::{json, Map};
/// let args = json!({"style": "long"}).as_object().cloned().unwrap();
/// assert_eq!(apply("format_date", &json!("2026-04-14"), &args, "tr").unwrap(), "14 Nisan 2026");
/// let money = json!({"currency": "GBP"}).as_object().cloned().unwrap();
/// assert_eq!(apply("format_money", &json!("2183.00"), &money, "tr").unwrap(), "£2.183,00");
/// ```
pub fn apply(
    filter: &str,
    value: &Value,
    args: &Map<String, Value>,
    locale: &str,
) -> Result<String, FormatError> {
    let locale: icu_locale_core::Locale = locale
        .parse()
        .map_err(|_| FormatError::Locale(locale.to_string()))?;
    let Some(&name) = FILTERS.iter().find(|f| **f == filter) else {
        return Err(FormatError::UnknownFilter(filter.to_string()));
    };
    let args = Args {
        filter: name,
        map: args,
    };
    match name {
        "format_date" => dates::format(dates::Parts::Date, value, &args, &locale),
        "format_time" => dates::format(dates::Parts::Time, value, &args, &locale),
        "format_datetime" => dates::format(dates::Parts::DateTime, value, &args, &locale),
        "format_number" => numbers::number(value, &args, &locale),
        "format_money" => numbers::money(value, &args, &locale),
        "format_percent" => numbers::percent(value, &args, &locale),
        "plural" => messages::plural(value, &args, &locale),
        "select" => messages::select(value, &args),
        "format_country" => names::country(value, &args, &locale),
        _ => messages::list(value, &args, &locale),
    }
}

/// A filter's keyword arguments, read with the filter's name at hand for messages.
pub(crate) struct Args<'a> {
    filter: &'static str,
    map: &'a Map<String, Value>,
}

impl Args<'_> {
    /// Refuses any argument not in `allowed`.
    fn only(&self, allowed: &[&str]) -> Result<(), FormatError> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(name) => Err(FormatError::UnknownArgument {
                filter: self.filter,
                name: name.clone(),
                allowed: allowed
                    .iter()
                    .map(|a| format!("{a}="))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
            None => Ok(()),
        }
    }

    /// A string argument that must be one of `choices` (`None` when absent).
    fn choice(
        &self,
        name: &str,
        choices: &[&'static str],
    ) -> Result<Option<&'static str>, FormatError> {
        let Some(value) = self.map.get(name) else {
            return Ok(None);
        };
        value
            .as_str()
            .and_then(|text| choices.iter().find(|c| **c == text).copied())
            .map(Some)
            .ok_or_else(|| self.bad(name, value, &format!("one of {}", choices.join(", "))))
    }

    /// A true/false argument.
    fn flag(&self, name: &str) -> Result<Option<bool>, FormatError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.bad(name, other, "true or false")),
        }
    }

    /// A string argument.
    fn text(&self, name: &str) -> Result<Option<&str>, FormatError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.bad(name, other, "a quoted text")),
        }
    }

    /// A small whole number argument (0–`max`).
    fn count(&self, name: &str, max: u8) -> Result<Option<u8>, FormatError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .filter(|n| *n <= max)
                .map(Some)
                .ok_or_else(|| self.bad(name, value, &format!("a whole number from 0 to {max}"))),
        }
    }

    fn bad(&self, name: &str, value: &Value, expected: &str) -> FormatError {
        FormatError::Argument {
            filter: self.filter,
            name: name.to_string(),
            value: quote(value),
            expected: expected.to_string(),
        }
    }

    /// The error for a value this filter cannot take.
    fn wrong_value(&self, value: &Value, expected: &str) -> FormatError {
        FormatError::Value {
            filter: self.filter,
            value: quote(value),
            expected: expected.to_string(),
        }
    }
}

/// A value as a designer would write it, shortened: strings in quotes, others as JSON.
fn quote(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("“{s}”"),
        Value::Null => "an empty value (null or missing)".to_string(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        let short: String = text.chars().take(57).collect();
        format!("{short}…")
    } else {
        text
    }
}

#[cfg(test)]
pub(crate) fn args(json: Value) -> Map<String, Value> {
    json.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_filter_lists_the_real_ones() {
        let err = apply("format_dat", &json!("2026-04-14"), &Map::new(), "en").unwrap_err();
        assert!(
            err.to_string().contains("format_date, format_time"),
            "{err}"
        );
    }

    #[test]
    fn a_misspelt_argument_is_named_with_the_allowed_ones() {
        let err = apply(
            "format_date",
            &json!("2026-04-14"),
            &args(json!({"stlye": "long"})),
            "en",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`stlye`") && err.contains("style="), "{err}");
    }

    #[test]
    fn an_invalid_locale_is_refused() {
        let err = apply("format_number", &json!(1), &Map::new(), "not a locale").unwrap_err();
        assert_eq!(err, FormatError::Locale("not a locale".into()));
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(100);
        let quoted = quote(&json!(long));
        assert!(
            quoted.ends_with('…') && quoted.chars().count() == 58,
            "{quoted}"
        );
    }
}
