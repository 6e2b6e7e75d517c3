//! The Tera functions and filter that the instrumented templates call (`__lp_*`): they emit
//! control markers for send-time conditionals and loops, turn locale formatting filters on
//! send-time data into derived values, and refuse everything else that would need the data's
//! real value. Refusals are Tera errors whose message starts with `⸨site N⸩`.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::markers::{self, Entry, Kind};
use super::path::Path;
use super::shape::PATH_KEY;

/// Why a construct cannot be written in an email service's template language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A filter applied to send-time data.
    Filter(String),
    /// Send-time data used as an operand (comparison, arithmetic, test, subscript, argument).
    Operand,
    /// A loop over send-time data that is not a list.
    NotAList,
    /// `loop.length` or `break`/`continue` in a loop over send-time data.
    LoopControl(String),
    /// A value the data's shape does not know (no fixture has it).
    Unknown,
}

impl Refusal {
    fn code(&self) -> String {
        match self {
            Refusal::Filter(name) => format!("filter:{name}"),
            Refusal::Operand => "operand".into(),
            Refusal::NotAList => "not-a-list".into(),
            Refusal::LoopControl(what) => format!("loop:{what}"),
            Refusal::Unknown => "unknown".into(),
        }
    }

    /// Parses what [`refuse`] wrote into a Tera error message.
    pub fn parse(message: &str) -> Option<(usize, Refusal)> {
        let start = message.find("⸨site ")? + "⸨site ".len();
        let rest = &message[start..];
        let end = rest.find('⸩')?;
        let site = rest[..end].parse().ok()?;
        let code = rest[end + '⸩'.len_utf8()..]
            .split(|c: char| c.is_whitespace() || c == '`' || c == '\'')
            .next()
            .unwrap_or("");
        let refusal = match code.split_once(':') {
            Some(("filter", name)) => Refusal::Filter(name.to_string()),
            Some(("loop", what)) => Refusal::LoopControl(what.to_string()),
            _ if code == "operand" => Refusal::Operand,
            _ if code == "not-a-list" => Refusal::NotAList,
            _ => Refusal::Unknown,
        };
        Some((site, refusal))
    }
}

fn refuse(site: i64, refusal: Refusal) -> tera::Error {
    tera::Error::message(format!("⸨site {site}⸩{}", refusal.code()))
}

/// Filters that print a single value as it would print anyway.
const IDENTITY_FILTERS: [&str; 1] = ["str"];

/// Filters that only edit the static text around send-time values (never their content).
const TEXT_FILTERS: [&str; 4] = ["replace", "trim", "trim_start", "trim_end"];

/// Whether every marker of `before` is still in `after`, undamaged (a `replace` may add the
/// markers of its `to` argument).
fn markers_survive(before: &Value, after: &Value) -> bool {
    let (Some(before), Some(after)) = (before.as_str(), after.as_str()) else {
        return false;
    };
    let (Ok(b), Ok(a)) = (markers::scan(before), markers::scan(after)) else {
        return false;
    };
    let text = |t: &str, ms: &[markers::Found]| -> Vec<String> {
        let mut v: Vec<String> = ms.iter().map(|m| t[m.start..m.end].to_string()).collect();
        v.sort();
        v
    };
    let mut after = text(after, &a);
    text(before, &b)
        .iter()
        .all(|m| match after.iter().position(|x| x == m) {
            Some(i) => {
                after.remove(i);
                true
            }
            None => false,
        })
}

/// Filters that may be applied to send-time data: they are computed again at send time with
/// the real value (locale formatting). Set by the pipeline from the formatting module.
pub type SendTimeFilters = Arc<Vec<String>>;

/// What a value of the symbolic render stands for.
#[derive(Debug, Clone, PartialEq)]
enum Sym {
    /// Exactly one send-time value (or loop flag/index): its registry number.
    Value(usize),
    /// A send-time list.
    List(Path),
    /// A send-time mapping.
    Map(Path),
    /// Static text with send-time values inside, or a static container holding some.
    Mixed,
    /// No send-time data at all.
    Static,
}

fn classify(v: &Value) -> Sym {
    if let Some(text) = v.as_str() {
        return match markers::scan(text) {
            Ok(found) if found.len() == 1 && found[0].start == 0 && found[0].end == text.len() => {
                if found[0].kind == Kind::Control {
                    Sym::Mixed
                } else {
                    Sym::Value(found[0].id)
                }
            }
            Ok(found) if found.is_empty() => Sym::Static,
            _ => Sym::Mixed,
        };
    }
    if let Some(map) = v.as_map() {
        if let Some(path) = map.get(&PATH_KEY.into()).and_then(Value::as_str) {
            return Sym::Map(Path::parse(path));
        }
        return if contains_markers(v) {
            Sym::Mixed
        } else {
            Sym::Static
        };
    }
    if let Some(items) = v.as_array() {
        if let [only] = items {
            if let Some(list) = element_path(only).and_then(|p| p.list()) {
                return Sym::List(list);
            }
        }
        return if contains_markers(v) {
            Sym::Mixed
        } else {
            Sym::Static
        };
    }
    Sym::Static
}

/// The path of a symbolic list element.
fn element_path(v: &Value) -> Option<Path> {
    match classify(v) {
        Sym::Value(id) => match markers::active(|r| r.get(id).cloned()).flatten()? {
            Entry::Value(path) => Some(path),
            _ => None,
        },
        Sym::Map(path) => Some(path),
        Sym::List(list) => Some(list.child(super::path::Seg::Each)),
        _ => None,
    }
}

/// Whether a value holds any marker, however deep.
pub fn contains_markers(v: &Value) -> bool {
    if let Some(text) = v.as_str() {
        return markers::contains(text);
    }
    if let Some(map) = v.as_map() {
        return map.contains_key(&PATH_KEY.into()) || map.values().any(contains_markers);
    }
    if let Some(items) = v.as_array() {
        return items.iter().any(contains_markers);
    }
    false
}

fn is_symbolic(sym: &Sym) -> bool {
    matches!(sym, Sym::Value(_) | Sym::List(_) | Sym::Map(_))
}

fn arg<'k>(kwargs: &'k Kwargs, key: &'k str) -> TeraResult<&'k Value> {
    kwargs.must_get::<&Value>(key)
}

fn flag(kwargs: &Kwargs, key: &str) -> TeraResult<bool> {
    Ok(kwargs.get::<bool>(key)?.unwrap_or(false))
}

fn site(kwargs: &Kwargs) -> TeraResult<i64> {
    Ok(kwargs.get::<i64>("s")?.unwrap_or(-1))
}

/// A control marker: inside an HTML comment in content, bare inside an attribute value.
fn control(entry: Entry, in_attribute: bool) -> Value {
    let id = markers::active(|r| r.add(entry)).unwrap_or(usize::MAX);
    let marker = markers::encode(Kind::Control, id);
    Value::safe_string(&if in_attribute {
        marker
    } else {
        format!("<!--{marker}-->")
    })
}

/// Registers the `__lp_*` functions and the `__lp_f` filter on `tera`.
pub fn register(tera: &mut Tera, send_time_filters: SendTimeFilters) {
    tera.register_function("__lp_v", |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let v = arg(&kwargs, "v")?;
        if contains_markers(v) {
            return Err(refuse(site(&kwargs)?, Refusal::Operand));
        }
        Ok(v.clone())
    });
    tera.register_function("__lp_t", |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let v = defined(&kwargs)?;
        let sym = classify(v);
        Ok(Value::from(
            is_symbolic(&sym) || v.is_truthy() != flag(&kwargs, "n")?,
        ))
    });
    tera.register_function("__lp_e", |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let v = defined(&kwargs)?;
        let sym = classify(v);
        Ok(Value::from(
            is_symbolic(&sym) || v.is_truthy() == flag(&kwargs, "n")?,
        ))
    });
    tera.register_function(
        "__lp_open",
        |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let v = defined(&kwargs)?;
            let subject = match classify(v) {
                Sym::Value(id) => id,
                Sym::List(path) | Sym::Map(path) => {
                    markers::active(|r| r.add(Entry::Value(path))).unwrap_or(usize::MAX)
                }
                _ => return Ok(Value::safe_string("")),
            };
            let negated = flag(&kwargs, "n")?;
            Ok(control(Entry::If { subject, negated }, flag(&kwargs, "a")?))
        },
    );
    register_tag(tera, "__lp_else", Entry::Else, false);
    register_tag(tera, "__lp_end", Entry::EndIf, false);
    tera.register_function(
        "__lp_each",
        |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let v = defined(&kwargs)?;
            match classify(v) {
                Sym::List(path) => Ok(control(Entry::Each(path), flag(&kwargs, "a")?)),
                Sym::Static => Ok(Value::safe_string("")),
                _ => Err(refuse(site(&kwargs)?, Refusal::NotAList)),
            }
        },
    );
    register_tag(tera, "__lp_each_else", Entry::EachElse, true);
    register_tag(tera, "__lp_endeach", Entry::EndEach, true);
    tera.register_function(
        "__lp_loop",
        |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let key = kwargs.must_get::<&str>("k")?;
            let Sym::List(list) = classify(arg(&kwargs, "l")?) else {
                return Ok(arg(&kwargs, "v")?.clone());
            };
            let entry = match key {
                "first" | "last" => Entry::LoopFlag {
                    list,
                    last: key == "last",
                },
                "index" | "index0" => Entry::LoopIndex {
                    list,
                    zero_based: key == "index0",
                },
                other => {
                    return Err(refuse(
                        site(&kwargs)?,
                        Refusal::LoopControl(format!("loop.{other}")),
                    ));
                }
            };
            let id = markers::active(|r| r.add(entry)).unwrap_or(usize::MAX);
            Ok(Value::from(markers::encode(Kind::Raw, id)))
        },
    );
    tera.register_function(
        "__lp_nobreak",
        |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            if matches!(classify(arg(&kwargs, "l")?), Sym::List(_)) {
                return Err(refuse(
                    site(&kwargs)?,
                    Refusal::LoopControl("break/continue".into()),
                ));
            }
            Ok(Value::safe_string(""))
        },
    );
    tera.register_filter(
        "__lp_f",
        move |value: &Value, kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let name = kwargs.must_get::<&str>("__n")?.to_string();
            let site_id = kwargs.get::<i64>("__s")?.unwrap_or(-1);
            let rest: tera::Map = kwargs
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), Some("__n" | "__s")))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !contains_markers(value) {
                return state.call_filter(&name, value, Kwargs::new(Arc::new(rest)));
            }
            if IDENTITY_FILTERS.contains(&name.as_str()) {
                if let Sym::Value(_) = classify(value) {
                    return Ok(value.clone());
                }
            }
            let from_is_static = rest
                .get(&"from".into())
                .is_none_or(|v| !contains_markers(v));
            if TEXT_FILTERS.contains(&name.as_str())
                && classify(value) == Sym::Mixed
                && from_is_static
            {
                // Static text holding send-time values (a translation with a value already
                // put in): fine as long as every value comes out intact.
                let result = state.call_filter(&name, value, Kwargs::new(Arc::new(rest)))?;
                if markers_survive(value, &result) {
                    return Ok(result);
                }
                return Err(refuse(site_id, Refusal::Filter(name)));
            }
            if rest.values().any(contains_markers) {
                return Err(refuse(site_id, Refusal::Operand));
            }
            if !send_time_filters.contains(&name) {
                return Err(refuse(site_id, Refusal::Filter(name)));
            }
            let Sym::Value(id) = classify(value) else {
                return Err(refuse(site_id, Refusal::Filter(name)));
            };
            let input = match markers::active(|r| r.get(id).cloned()).flatten() {
                Some(Entry::Value(path)) => path,
                _ => return Err(refuse(site_id, Refusal::Filter(name))),
            };
            let args = rest
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), serde_json::to_value(v).ok()?)))
                .collect();
            let id = markers::active(|r| {
                r.add(Entry::Derived {
                    input,
                    filter: name,
                    args,
                })
            })
            .unwrap_or(usize::MAX);
            let width = value.as_str().map_or(0, markers::width);
            Ok(Value::from(markers::encode_padded(Kind::Raw, id, width)))
        },
    );
}

/// `v`, refusing an undefined value: the data's shape (its fixtures) does not have it, so the
/// symbolic render cannot know whether it is a value, a list or a mapping.
fn defined(kwargs: &Kwargs) -> TeraResult<&Value> {
    let v = arg(kwargs, "v")?;
    if v.is_undefined() {
        return Err(refuse(site(kwargs).unwrap_or(-1), Refusal::Unknown));
    }
    Ok(v)
}

fn register_tag(tera: &mut Tera, name: &'static str, entry: Entry, each: bool) {
    tera.register_function(
        name,
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let sym = classify(arg(&kwargs, "v")?);
            let symbolic = if each {
                matches!(sym, Sym::List(_))
            } else {
                is_symbolic(&sym)
            };
            if !symbolic {
                return Ok(Value::safe_string(""));
            }
            Ok(control(entry.clone(), flag(&kwargs, "a")?))
        },
    );
}

/// The escape function of the symbolic render: Tera's HTML escaping, plus marking value
/// markers as escaped (the value is escaped when it is substituted at send time).
pub fn escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let flipped = markers::escaped(input);
    tera::escape_html(&flipped, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_round_trip_through_messages() {
        for refusal in [
            Refusal::Filter("upper".into()),
            Refusal::Operand,
            Refusal::NotAList,
            Refusal::LoopControl("loop.length".into()),
            Refusal::Unknown,
        ] {
            let message = format!("Rendering failed: {}", refuse(12, refusal.clone()));
            assert_eq!(Refusal::parse(&message), Some((12, refusal)));
        }
    }
}
