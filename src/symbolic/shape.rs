//! The shape of a template's send-time data (which keys, which lists, which scalars), as the
//! union of its fixtures, and the symbolic data built from it: every scalar replaced by a
//! marker, every list by one symbolic element.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::markers::{self, Entry, Kind, Registry};
use super::path::{Path, Seg};

/// Key of a symbolic mapping that holds its own path, so the Tera functions can tell which
/// send-time object or list element they were given.
pub const PATH_KEY: &str = "__lp_path";

/// Widest a marker is padded: html2text splits a word longer than its column, and a marker
/// must stay whole. A longer value makes its line of the text part longer than the sample's.
const MAX_MARKER_WIDTH: usize = 24;

/// The shape of some data.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Shape {
    /// Only ever `null` or absent: printed as a value if used.
    #[default]
    Unknown,
    /// A string, number or boolean (which of them the fixtures hold).
    Scalar(Kinds),
    /// A list whose elements have this shape.
    List(Box<Shape>),
    /// A mapping.
    Map(BTreeMap<String, Shape>),
}

/// Which kinds of scalar a path holds across fixtures (email service languages test them
/// differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds {
    /// Text.
    pub text: bool,
    /// A number.
    pub number: bool,
    /// True or false.
    pub boolean: bool,
}

impl Kinds {
    fn union(self, other: Kinds) -> Kinds {
        Kinds {
            text: self.text || other.text,
            number: self.number || other.number,
            boolean: self.boolean || other.boolean,
        }
    }
}

/// Two fixtures disagree on what a path holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Where.
    pub path: String,
}

impl Shape {
    /// The shape of one value.
    pub fn of(value: &Value) -> Shape {
        match value {
            Value::Null => Shape::Unknown,
            Value::Bool(_) => Shape::Scalar(Kinds {
                boolean: true,
                ..Kinds::default()
            }),
            Value::Number(_) => Shape::Scalar(Kinds {
                number: true,
                ..Kinds::default()
            }),
            Value::String(_) => Shape::Scalar(Kinds {
                text: true,
                ..Kinds::default()
            }),
            Value::Array(items) => {
                let mut elem = Shape::Unknown;
                for item in items {
                    // A list whose items disagree is reported when merged with itself below.
                    elem = elem.merge(&Shape::of(item), "").unwrap_or(Shape::Unknown);
                }
                Shape::List(Box::new(elem))
            }
            Value::Object(map) => {
                Shape::Map(map.iter().map(|(k, v)| (k.clone(), Shape::of(v))).collect())
            }
        }
    }

    /// The shape of a fixture (its top-level mapping).
    pub fn of_data(data: &Map<String, Value>) -> Shape {
        Shape::Map(
            data.iter()
                .map(|(k, v)| (k.clone(), Shape::of(v)))
                .collect(),
        )
    }

    /// The union of two shapes; `at` names the path for the conflict message.
    pub fn merge(&self, other: &Shape, at: &str) -> Result<Shape, Conflict> {
        Ok(match (self, other) {
            (Shape::Unknown, s) | (s, Shape::Unknown) => s.clone(),
            (Shape::Scalar(a), Shape::Scalar(b)) => Shape::Scalar(a.union(*b)),
            (Shape::List(a), Shape::List(b)) => {
                Shape::List(Box::new(a.merge(b, &format!("{at}[]"))?))
            }
            (Shape::Map(a), Shape::Map(b)) => {
                let mut out = a.clone();
                for (key, shape) in b {
                    let child = if at.is_empty() {
                        key.clone()
                    } else {
                        format!("{at}.{key}")
                    };
                    let merged = match a.get(key) {
                        Some(mine) => mine.merge(shape, &child)?,
                        None => shape.clone(),
                    };
                    out.insert(key.clone(), merged);
                }
                Shape::Map(out)
            }
            _ => {
                return Err(Conflict {
                    path: at.to_string(),
                });
            }
        })
    }
}

/// Builds the symbolic data for `shape` (a top-level mapping), registering a value marker for
/// every scalar path. Each marker is as wide as the value at its path in `sample` (the first
/// fixture), so the text part wraps as it does with that fixture.
pub fn symbolic_data(
    shape: &Shape,
    sample: Option<&Map<String, Value>>,
    registry: &mut Registry,
) -> Map<String, Value> {
    let sample = sample.map(|m| Value::Object(m.clone()));
    match symbolic(shape, &Path::default(), sample.as_ref(), registry) {
        Value::Object(mut map) => {
            map.remove(PATH_KEY);
            map
        }
        _ => Map::new(),
    }
}

fn symbolic(shape: &Shape, path: &Path, sample: Option<&Value>, registry: &mut Registry) -> Value {
    match shape {
        Shape::Unknown | Shape::Scalar(_) => {
            let id = registry.add(Entry::Value(path.clone()));
            let width = sample
                .and_then(super::program::scalar_text)
                .map_or(0, |t| t.chars().count().min(MAX_MARKER_WIDTH));
            Value::String(markers::encode_padded(Kind::Raw, id, width))
        }
        Shape::List(elem) => {
            let first = sample.and_then(Value::as_array).and_then(|a| a.first());
            Value::Array(vec![symbolic(
                elem,
                &path.child(Seg::Each),
                first,
                registry,
            )])
        }
        Shape::Map(fields) => {
            let mut map: Map<String, Value> = fields
                .iter()
                .map(|(k, s)| {
                    let field = sample.and_then(|v| v.get(k));
                    (
                        k.clone(),
                        symbolic(s, &path.child(Seg::Key(k.clone())), field, registry),
                    )
                })
                .collect();
            map.insert(PATH_KEY.into(), Value::String(path.to_string()));
            Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn fixtures_merge_into_one_shape() {
        let a = Shape::of_data(&data(
            json!({"order": {"items": [{"name": "x"}], "note": null}}),
        ));
        let b = Shape::of_data(&data(
            json!({"order": {"items": [{"qty": 1}], "note": "hi"}}),
        ));
        let merged = a.merge(&b, "").unwrap();
        let Shape::Map(top) = merged else { panic!() };
        let Shape::Map(order) = &top["order"] else {
            panic!()
        };
        assert!(matches!(order["note"], Shape::Scalar(k) if k.text));
        let Shape::List(item) = &order["items"] else {
            panic!()
        };
        let Shape::Map(fields) = item.as_ref() else {
            panic!()
        };
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["name", "qty"]);
    }

    #[test]
    fn a_list_in_one_fixture_and_text_in_another_conflict() {
        let a = Shape::of_data(&data(json!({"tags": ["a"]})));
        let b = Shape::of_data(&data(json!({"tags": "a"})));
        assert_eq!(a.merge(&b, "").unwrap_err().path, "tags");
    }

    #[test]
    fn symbolic_data_has_one_marked_element_per_list() {
        let shape = Shape::of_data(&data(
            json!({"order": {"items": [{"name": "a"}, {"name": "b"}]}}),
        ));
        let mut registry = Registry::default();
        let symbolic = symbolic_data(&shape, None, &mut registry);
        let items = symbolic["order"]["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        let name = items[0]["name"].as_str().unwrap();
        let found = markers::scan(name).unwrap();
        assert_eq!(
            registry.get(found[0].id),
            Some(&Entry::Value(Path::parse("order.items[].name")))
        );
        assert_eq!(items[0][PATH_KEY], "order.items[]");
    }
}
