//! The formatting filters in Tera (`{{ order.date | format_date(style="long") }}`): thin
//! wrappers that read the email's locale from the Tera context, map it to its CLDR locale and
//! call [`format::apply`], so a template formats exactly as a sender calling `apply` would.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use tera::{Error, Kwargs, State, Tera, TeraResult};

use super::{format, keys};

thread_local! {
    /// What the filters wrote during the current render on this thread.
    static WRITTEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Runs `render` and returns its result with every text the formatting filters wrote during it
/// (formatted data, which the spelling and language rules treat as data).
pub fn recording<T>(render: impl FnOnce() -> T) -> (T, Vec<String>) {
    WRITTEN.with(|w| w.borrow_mut().clear());
    let result = render();
    (
        result,
        WRITTEN.with(|w| std::mem::take(&mut *w.borrow_mut())),
    )
}

/// Registers every filter of [`format::FILTERS`]; `cldr` maps locale codes to the CLDR locale
/// they are formatted with (codes not in it are used as they are).
pub fn register(tera: &mut Tera, cldr: &BTreeMap<String, String>) {
    let cldr = Arc::new(cldr.clone());
    for &name in format::FILTERS {
        let cldr = Arc::clone(&cldr);
        tera.register_filter(
            name,
            move |value: tera::Value, kwargs: Kwargs, state: &State| -> TeraResult<String> {
                let code: String = state.get("locale")?.ok_or_else(|| {
                    Error::message(format!(
                        "{name} needs the email's `locale`, which is not set"
                    ))
                })?;
                let locale = cldr.get(&code).map_or(code.as_str(), String::as_str);
                let value = serde_json::to_value(&value).map_err(Error::message)?;
                let args: Map<String, Value> = kwargs.deserialize()?;
                let text = format::apply(name, &value, &args, locale).map_err(Error::message)?;
                if state.get::<bool>(keys::TRACING)?.unwrap_or(false) {
                    return Ok(with_offered_keys(text, &args));
                }
                WRITTEN.with(|w| w.borrow_mut().push(text.clone()));
                Ok(text)
            },
        );
    }
}

/// While tracing keys, a filter that chose one message (`plural`, `select`) still used every
/// message it was offered: keep their markers too.
fn with_offered_keys(mut text: String, args: &Map<String, Value>) -> String {
    for message in args.values().filter_map(Value::as_str) {
        for marker in keys::markers(message) {
            if !text.contains(marker) {
                text.push_str(marker);
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, locale: &str) -> String {
        let mut tera = Tera::new();
        register(
            &mut tera,
            &BTreeMap::from([("en".to_string(), "en-GB".to_string())]),
        );
        tera.add_raw_template("t", template).unwrap();
        let mut context = tera::Context::new();
        context.insert("locale", locale);
        context.insert("n", &1240);
        context.insert("day", "2026-04-17");
        tera.render("t", &context)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn filters_format_for_the_emails_locale() {
        let template = r##"{{ day | format_date(weekday=true, year=false) }} · {{ n | plural(one="# point", other="# points") }}"##;
        assert_eq!(render(template, "tr"), "17 Nisan Cuma · 1.240 points");
        // `en` is formatted as en-GB here, as `format-locales` would say.
        assert_eq!(render(template, "en"), "Friday 17 April · 1,240 points");
    }

    #[test]
    fn a_bad_value_is_a_template_error_naming_filter_and_value() {
        let mut tera = Tera::new();
        register(&mut tera, &BTreeMap::new());
        tera.add_raw_template("t", "{{ d | format_date }}").unwrap();
        let mut context = tera::Context::new();
        context.insert("locale", "tr");
        context.insert("d", "14 April 2026");
        let err = tera.render("t", &context).unwrap_err();
        let text = format!("{err:?}");
        assert!(
            text.contains("format_date: “14 April 2026” is not a date"),
            "{text}"
        );
    }

    #[test]
    fn tracing_keeps_every_offered_message() {
        let marked = keys::mark(&serde_json::json!({"one": "a", "other": "b"}));
        let one = marked.value["one"].as_str().unwrap();
        let other = marked.value["other"].as_str().unwrap();
        let args = Map::from_iter([
            ("one".to_string(), Value::from(one)),
            ("other".to_string(), Value::from(other)),
        ]);
        let kept = with_offered_keys(format!("5{other}"), &args);
        assert!(kept.contains(one) && kept.contains(other), "{kept:?}");
    }
}
