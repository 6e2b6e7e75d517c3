//! Fixture data kept compact. A build holds every fixture of the project for as long as it
//! runs, and a parsed JSON tree takes four to five times the memory of its text: 5.8 KB for
//! the starter kit's one-kilobyte order, 20 KB for its 40-item order. Kept as text, the
//! fixtures of a 10,000-email project take a fifth of that; each email parses its own data
//! again, which costs less than copying the tree did.

use std::fmt;

use serde_json::{Map, Value};

/// Deeper than this, a mapping is kept as a tree: serde_json reads at most 128 levels back.
const MAX_TEXT_DEPTH: usize = 120;

/// A mapping, kept as compact JSON text when it can be read back the same.
#[derive(Clone, PartialEq)]
pub struct StoredMap(Stored);

#[derive(Clone, PartialEq)]
enum Stored {
    Text(Box<str>),
    Tree(Map<String, Value>),
}

impl StoredMap {
    /// The mapping, as a fresh copy the caller owns.
    pub fn get(&self) -> Map<String, Value> {
        match &self.0 {
            Stored::Tree(map) => map.clone(),
            // written by `from` below, so it reads back; an empty map is never reached
            Stored::Text(text) => serde_json::from_str(text).unwrap_or_default(),
        }
    }
}

impl From<Map<String, Value>> for StoredMap {
    fn from(map: Map<String, Value>) -> StoredMap {
        if map.values().any(|v| depth(v) >= MAX_TEXT_DEPTH) {
            return StoredMap(Stored::Tree(map));
        }
        match serde_json::to_string(&map) {
            Ok(text) => StoredMap(Stored::Text(text.into_boxed_str())),
            Err(_) => StoredMap(Stored::Tree(map)),
        }
    }
}

impl fmt::Debug for StoredMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

/// How many arrays and objects `value` nests, itself included (without recursion: the depth
/// is what is in question).
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1)];
    while let Some((value, level)) = stack.pop() {
        if !(value.is_array() || value.is_object()) {
            continue;
        }
        deepest = deepest.max(level);
        if level >= MAX_TEXT_DEPTH {
            break;
        }
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|child| (child, level + 1))),
            Value::Object(map) => stack.extend(map.values().map(|child| (child, level + 1))),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_mapping_reads_back_the_same_and_is_kept_as_text() {
        let data = map(json!({
            "order": {"number": "FH-1", "total": 145.95, "qty": 3, "big": 18446744073709551615u64,
                      "neg": -7, "items": [{"name": "Mug \"Oat\" <b>"}, null, true]},
            "émoji": "🙂 ğüşiöç", "empty": {}, "none": []
        }));
        let stored = StoredMap::from(data.clone());
        assert!(matches!(stored.0, Stored::Text(_)));
        assert_eq!(stored.get(), data);
    }

    #[test]
    fn every_float_reads_back_to_the_same_bits() {
        // serde_json's default float parsing may miss by one unit in the last place; the
        // `float_roundtrip` feature reads back exactly what it wrote
        let floats: [f64; 13] = [
            0.1,
            0.30000000000000004,
            12.5,
            145.95,
            1e-7,
            5e-324,
            2.2250738585072014e-308,
            1.7976931348623157e308,
            9007199254740993.0,
            0.1 + 0.7,
            123456.789e-3,
            4.35,
            2.675,
        ];
        for x in floats {
            let data = map(json!({ "x": x }));
            let back = StoredMap::from(data).get();
            assert_eq!(back["x"].as_f64().unwrap().to_bits(), x.to_bits(), "{x:e}");
        }
    }

    #[test]
    fn a_mapping_too_deep_to_read_back_is_kept_as_a_tree() {
        let mut deep = json!("bottom");
        for _ in 0..200 {
            deep = json!([deep]);
        }
        let data = map(json!({ "deep": deep }));
        let stored = StoredMap::from(data.clone());
        assert!(matches!(stored.0, Stored::Tree(_)));
        assert_eq!(stored.get(), data, "nothing lost");
        // serde_json itself would have refused it
        assert!(serde_json::from_str::<Value>(&serde_json::to_string(&data).unwrap()).is_err());
    }
}
