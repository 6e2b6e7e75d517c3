//! Customer data is data: whatever characters it holds, it never breaks a build and never
//! reaches a header. [`data`] cleans every string of the data once, where an email starts
//! ([`crate::Pipeline::build_with`]); [`header_text`] makes the subject and preheader one line
//! without any control character, whatever their source (front matter, locale strings, or the
//! `mj-title`/`mj-preview` of a plain MJML file).

use std::borrow::Cow;

use serde_json::{Map, Value};

/// Private-use characters letterpress itself uses as placeholder markers (ESP export).
const MARKERS: std::ops::RangeInclusive<char> = '\u{E000}'..='\u{E0FF}';

/// `data` with control characters (C0 except tab and line breaks, DEL, C1) and the
/// placeholder markers U+E000–U+E0FF removed from every string and key, and line breaks
/// normalised to `\n`. Borrowed when nothing needed cleaning (the usual case).
pub fn data(data: &Map<String, Value>) -> Cow<'_, Map<String, Value>> {
    if data.iter().all(|(k, v)| clean_str(k) && clean_value(v)) {
        return Cow::Borrowed(data);
    }
    Cow::Owned(
        data.iter()
            .map(|(k, v)| (body_text(k).into_owned(), value(v)))
            .collect(),
    )
}

fn clean_value(value: &Value) -> bool {
    match value {
        Value::String(s) => clean_str(s),
        Value::Array(items) => items.iter().all(clean_value),
        Value::Object(map) => map.iter().all(|(k, v)| clean_str(k) && clean_value(v)),
        _ => true,
    }
}

fn clean_str(text: &str) -> bool {
    !text.chars().any(|c| c == '\r' || removed_from_body(c))
}

fn value(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(body_text(s).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(self::value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (body_text(k).into_owned(), self::value(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether `c` is removed from text that goes into an email's body.
fn removed_from_body(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || MARKERS.contains(&c)
}

/// Text for an email's body: control characters but tab and line breaks removed, `\r\n` and
/// `\r` made `\n`, placeholder markers removed.
pub fn body_text(text: &str) -> Cow<'_, str> {
    if clean_str(text) {
        return Cow::Borrowed(text);
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    Cow::Owned(text.chars().filter(|&c| !removed_from_body(c)).collect())
}

/// Text for a header (subject, preheader): one line, no control character of any kind (line
/// breaks and tabs become spaces, so `1\r\nBcc: x` cannot start a header of its own), no
/// placeholder markers, whitespace runs collapsed.
pub fn header_text(text: &str) -> String {
    let spaced: String = text
        .chars()
        .filter(|c| !MARKERS.contains(c))
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn clean_data_is_borrowed_untouched() {
        let map = json!({"name": "Ada\tLovelace\nLondon", "n": 3})
            .as_object()
            .unwrap()
            .clone();
        assert!(matches!(data(&map), Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_and_markers_go_everywhere_in_the_data() {
        let map = json!({
            "name": "A\u{0}d\u{7}a\u{1b}[31m\u{7f}\u{85}\u{9b}",
            "lines": ["one\r\ntwo\rthree"],
            "deep": {"k\u{1}ey": "x\u{E000}y\u{E0FF}z\u{E100}"}
        });
        let cleaned = data(json_map(&map)).into_owned();
        assert_eq!(
            Value::Object(cleaned),
            json!({
                "name": "Ada[31m",
                "lines": ["one\ntwo\nthree"],
                "deep": {"key": "xyz\u{E100}"}
            })
        );
    }

    fn json_map(value: &Value) -> &Map<String, Value> {
        value.as_object().unwrap()
    }

    #[test]
    fn headers_are_one_line_without_control_characters() {
        assert_eq!(
            header_text("Order 1\r\nBcc: victim@evil.example"),
            "Order 1 Bcc: victim@evil.example"
        );
        assert_eq!(
            header_text(" a\u{0}b\tc\u{2028}d\u{85}e\u{E001} "),
            "a b c d e"
        );
        assert_eq!(
            header_text("Siparişiniz onaylandı"),
            "Siparişiniz onaylandı"
        );
    }
}
