//! Which locale keys an email really uses. The email is rendered a second time with every
//! string of `t` replaced by a marker that names its key; the markers in that output are the
//! keys used, whether a template names them directly, through a layout or partial, in a loop,
//! or looks them up by a data value. The markers are private-use characters that never reach
//! a built email.

use std::collections::BTreeSet;

use serde_json::Value;

/// Starts a key marker.
const OPEN: char = '\u{E000}';
/// Ends a key marker.
const CLOSE: char = '\u{E001}';
/// The Tera context flag set while tracing keys (the formatting filters then keep the markers
/// of every message they were offered, not only the one they chose).
pub const TRACING: &str = "__letterpress_tracing_keys";

/// A locale's strings with every string replaced by a marker, and the key of each marker.
#[derive(Debug, Clone)]
pub struct Marked {
    /// The strings, marked: same shape as the original.
    pub value: Value,
    /// Key paths by marker number, e.g. `["order", "tax"]`.
    pub keys: Vec<Vec<String>>,
}

/// Marks every string of `strings`.
pub fn mark(strings: &Value) -> Marked {
    let mut keys = Vec::new();
    let value = mark_in(strings, &mut Vec::new(), &mut keys);
    Marked { value, keys }
}

fn mark_in(value: &Value, path: &mut Vec<String>, keys: &mut Vec<Vec<String>>) -> Value {
    match value {
        Value::String(_) => {
            keys.push(path.clone());
            Value::String(format!("{OPEN}{}{CLOSE}", keys.len() - 1))
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, child)| {
                    path.push(key.clone());
                    let marked = mark_in(child, path, keys);
                    path.pop();
                    (key.clone(), marked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, child)| {
                    path.push(i.to_string());
                    let marked = mark_in(child, path, keys);
                    path.pop();
                    marked
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

impl Marked {
    /// Adds the keys whose markers appear in `text` to `used`.
    pub fn collect(&self, text: &str, used: &mut BTreeSet<Vec<String>>) {
        for marker in markers(text) {
            let index = marker
                .trim_matches([OPEN, CLOSE])
                .parse::<usize>()
                .ok()
                .and_then(|i| self.keys.get(i));
            if let Some(key) = index {
                used.insert(key.clone());
            }
        }
    }
}

/// The markers in `text`, each with its delimiters.
pub fn markers(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices(OPEN).filter_map(move |(start, _)| {
        let end = text[start..].find(CLOSE)? + start + CLOSE.len_utf8();
        Some(&text[start..end])
    })
}

/// The value at `path` in `strings`, if there is one.
pub fn get<'v>(strings: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(strings, |node, segment| match node {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// Every string of `strings` with its key path, in file order.
pub fn strings(value: &Value) -> Vec<(Vec<String>, &str)> {
    let mut out = Vec::new();
    collect_strings(value, &mut Vec::new(), &mut out);
    out
}

fn collect_strings<'v>(
    value: &'v Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'v str)>,
) {
    match value {
        Value::String(s) => out.push((path.clone(), s)),
        Value::Object(map) => {
            for (key, child) in map {
                path.push(key.clone());
                collect_strings(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(i.to_string());
                collect_strings(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A key path as written in templates: `order.tax`.
pub fn dotted(path: &[String]) -> String {
    path.join(".")
}

/// The 1-based line of the key `path` in a locale file's YAML text (nested keys are found under
/// their parents by indentation).
pub fn line_of(source: &str, path: &[String]) -> Option<u32> {
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    let mut lines = source.lines().enumerate();
    for segment in path {
        let mut hit = None;
        for (i, line) in lines.by_ref() {
            let body = line.trim_start();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            let indent = line.len() - body.len();
            if parent_indent.is_some_and(|p| indent <= p) {
                return None;
            }
            if key_of(body) == Some(segment.as_str()) {
                hit = Some((i, indent));
                break;
            }
        }
        let (i, indent) = hit?;
        parent_indent = Some(indent);
        found = Some(i);
    }
    found.map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

/// The key of a `key: value` YAML line, unquoted.
fn key_of(body: &str) -> Option<&str> {
    let (key, _) = body.split_once(':')?;
    let key = key.trim();
    let unquoted = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')));
    Some(unquoted.unwrap_or(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(text: &str) -> Vec<String> {
        text.split('.').map(str::to_string).collect()
    }

    #[test]
    fn markers_name_the_keys_found_in_output() {
        let strings = json!({"greeting": "Hi", "order": {"tax": "VAT", "total": "Total"}, "n": 3});
        let marked = mark(&strings);
        let tax = marked.value["order"]["tax"].as_str().unwrap().to_string();
        let mut used = BTreeSet::new();
        marked.collect(&format!("<p>{tax}: £3</p>"), &mut used);
        assert_eq!(used, BTreeSet::from([path("order.tax")]));
        assert_eq!(
            marked.value["n"],
            json!(3),
            "numbers are not strings to translate"
        );
    }

    #[test]
    fn a_key_is_found_under_its_parent() {
        let yaml = "# comment\norder:\n  number: Order number\n  tax: VAT\nfooter:\n  tax: other\n\"1\": January\n";
        assert_eq!(line_of(yaml, &path("order.tax")), Some(4));
        assert_eq!(line_of(yaml, &path("footer.tax")), Some(6));
        assert_eq!(line_of(yaml, &path("1")), Some(7));
        assert_eq!(line_of(yaml, &path("order.missing")), None);
    }

    #[test]
    fn get_walks_maps_and_lists() {
        let strings = json!({"a": {"b": ["x", "y"]}});
        assert_eq!(get(&strings, &path("a.b.1")), Some(&json!("y")));
        assert_eq!(get(&strings, &path("a.c")), None);
    }
}
