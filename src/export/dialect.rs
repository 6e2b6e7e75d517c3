//! Prints a compiled part in an email service's template language: Handlebars (SES, SendGrid,
//! Mailgun, Mandrill), Mustache (Postmark's Mustachio) or Liquid (Customer.io, Braze).
//!
//! Static text is printed as it is; values, conditionals and loops become the language's own
//! variables, `if` and `each`/`for`. What a language cannot say (a loop position in Mustache, a
//! test of a list in Mustache) is an error naming the value.

use std::fmt::Write;

use crate::symbolic::path::{Path, Seg};
use crate::symbolic::program::{Cond, Escape, Node, Slot};
use crate::symbolic::shape::Shape;

/// An email service template language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Handlebars: SES, SendGrid, Mailgun, Mandrill.
    Handlebars,
    /// Mustache: Postmark (Mustachio).
    Mustache,
    /// Liquid: Customer.io, Braze.
    Liquid,
}

impl Dialect {
    /// Every dialect, in a stable order.
    pub const ALL: [Dialect; 3] = [Dialect::Handlebars, Dialect::Mustache, Dialect::Liquid];

    /// The name used in settings, on the command line and as the export folder.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Handlebars => "handlebars",
            Dialect::Mustache => "mustache",
            Dialect::Liquid => "liquid",
        }
    }

    /// The dialect called `name`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Something the language cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// Where a printed reference sits: one entry per enclosing loop.
struct Scope {
    list: Path,
    var: String,
}

/// Prints `nodes` in `dialect`. `html` says whether the part is HTML (values escaped as the
/// tree says) or plain text (values as they are). `shape` tells lists from other values.
pub fn print(nodes: &[Node], dialect: Dialect, shape: &Shape) -> Result<String, Unsupported> {
    let mut printer = Printer {
        dialect,
        shape,
        scopes: Vec::new(),
        out: String::new(),
    };
    printer.nodes(nodes)?;
    Ok(keep_lines(&printer.out, dialect))
}

/// Handlebars and Mustache drop a line that holds nothing but one block tag ("standalone"),
/// newline included; letterpress keeps it. A comment tag after such a tag makes the line hold
/// two tags, which neither language drops, so the output is the same as letterpress's own.
fn keep_lines(printed: &str, dialect: Dialect) -> String {
    let comment = match dialect {
        Dialect::Handlebars => "{{!}}",
        Dialect::Mustache => "{{! }}",
        Dialect::Liquid => return printed.to_string(),
    };
    let mut out = String::with_capacity(printed.len() + 64);
    for (i, line) in printed.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        let tag = line.trim();
        let block = tag.starts_with("{{")
            && tag.ends_with("}}")
            && tag[2..].find("{{").is_none()
            && matches!(tag.as_bytes().get(2), Some(b'#' | b'/' | b'^'))
            || tag == "{{else}}";
        if block {
            out.push_str(comment);
        }
    }
    out
}

struct Printer<'a> {
    dialect: Dialect,
    shape: &'a Shape,
    scopes: Vec<Scope>,
    out: String,
}

impl Printer<'_> {
    fn nodes(&mut self, nodes: &[Node]) -> Result<(), Unsupported> {
        for node in nodes {
            match node {
                Node::Text(t) => self.out.push_str(t),
                Node::Value { slot, escape } => self.value(slot, *escape)?,
                Node::If {
                    cond,
                    negated,
                    then,
                    otherwise,
                } => self.conditional(cond, *negated, then, otherwise)?,
                Node::Each { list, body, empty } => self.each(list, body, empty)?,
            }
        }
        Ok(())
    }

    fn value(&mut self, slot: &Slot, escape: Escape) -> Result<(), Unsupported> {
        let reference = match slot {
            Slot::Path(path) => self.reference(path)?,
            Slot::Derived {
                input,
                filter,
                args,
            } => self.reference(&derived_path(input, filter, args))?,
            Slot::LoopIndex { list, zero_based } => self.loop_index(list, *zero_based)?,
        };
        let escaped = escape != Escape::None;
        let _ = match (self.dialect, escaped) {
            (Dialect::Handlebars | Dialect::Mustache, true) => {
                write!(self.out, "{{{{{reference}}}}}")
            }
            (Dialect::Handlebars | Dialect::Mustache, false) => {
                write!(self.out, "{{{{{{{reference}}}}}}}")
            }
            (Dialect::Liquid, true) => write!(self.out, "{{{{ {reference} | escape }}}}"),
            (Dialect::Liquid, false) => write!(self.out, "{{{{ {reference} }}}}"),
        };
        Ok(())
    }

    fn loop_index(&self, list: &Path, zero_based: bool) -> Result<String, Unsupported> {
        let innermost = self.scopes.last().is_some_and(|s| s.list == *list);
        match (self.dialect, zero_based) {
            (Dialect::Handlebars, true) if innermost => Ok("@index".into()),
            (Dialect::Liquid, _) if innermost => Ok(if zero_based {
                "forloop.index0".into()
            } else {
                "forloop.index".into()
            }),
            _ => Err(Unsupported(format!(
                "the position in the loop over `{list}` (`loop.index`): {} has no equivalent; add a number field to each item",
                self.dialect.name()
            ))),
        }
    }

    /// How the dialect names the value at `path` from where the printer is.
    fn reference(&self, path: &Path) -> Result<String, Unsupported> {
        for (depth, scope) in self.scopes.iter().enumerate().rev() {
            let element = scope.list.child(Seg::Each);
            if !path.starts_with(&element) {
                continue;
            }
            let rest = keys(path.after(&element))?;
            let up = self.scopes.len() - 1 - depth;
            return Ok(match self.dialect {
                Dialect::Handlebars => {
                    let prefix = "../".repeat(up);
                    if rest.is_empty() {
                        format!("{prefix}this")
                    } else {
                        format!("{prefix}{}", rest.join("."))
                    }
                }
                Dialect::Mustache => {
                    if rest.is_empty() {
                        if up > 0 {
                            return Err(Unsupported(format!(
                                "`{path}`, an item of an outer loop, inside an inner loop: Mustache cannot name it"
                            )));
                        }
                        ".".into()
                    } else {
                        rest.join(".")
                    }
                }
                Dialect::Liquid => {
                    if rest.is_empty() {
                        scope.var.clone()
                    } else {
                        format!("{}.{}", scope.var, rest.join("."))
                    }
                }
            });
        }
        let all = keys(&path.0)?;
        Ok(match self.dialect {
            Dialect::Handlebars if !self.scopes.is_empty() => format!("@root.{}", all.join(".")),
            _ => all.join("."),
        })
    }

    fn conditional(
        &mut self,
        cond: &Cond,
        negated: bool,
        then: &[Node],
        otherwise: &[Node],
    ) -> Result<(), Unsupported> {
        let (open, else_, close) = match cond {
            Cond::Path(path) => self.path_condition(path, negated)?,
            Cond::LoopEdge { list, last } => self.edge_condition(list, *last, negated)?,
        };
        if self.dialect == Dialect::Mustache {
            // Mustache has no else: a section for one case, an inverted section for the other.
            let (name, when_true, when_false) = mustache_cases(&open, then, otherwise, negated);
            if !when_true.is_empty() {
                let _ = write!(self.out, "{{{{#{name}}}}}");
                self.nodes(when_true)?;
                let _ = write!(self.out, "{{{{/{name}}}}}");
            }
            if !when_false.is_empty() {
                let _ = write!(self.out, "{{{{^{name}}}}}");
                self.nodes(when_false)?;
                let _ = write!(self.out, "{{{{/{name}}}}}");
            }
            return Ok(());
        }
        self.out.push_str(&open);
        self.nodes(then)?;
        if !otherwise.is_empty() {
            self.out.push_str(&else_);
            self.nodes(otherwise)?;
        }
        self.out.push_str(&close);
        Ok(())
    }

    /// Open, else and close tags of a test of the value at `path` (for Mustache, the open
    /// string is the section name).
    fn path_condition(
        &self,
        path: &Path,
        negated: bool,
    ) -> Result<(String, String, String), Unsupported> {
        let reference = self.reference(path)?;
        Ok(match self.dialect {
            Dialect::Handlebars => {
                let helper = if negated { "unless" } else { "if" };
                (
                    format!("{{{{#{helper} {reference}}}}}"),
                    "{{else}}".into(),
                    format!("{{{{/{helper}}}}}"),
                )
            }
            Dialect::Mustache => {
                if matches!(shape_at(self.shape, path), Some(Shape::List(_))) {
                    // A section over a list repeats for every item: test the derived
                    // `<list>__any` (true when the list has items) instead.
                    let flag = any_path(path).ok_or_else(|| {
                        Unsupported(format!(
                            "the test of `{path}`, a list in a list: Mustache can only test a list by a true/false field beside it; add one (e.g. `has_items`) and test that"
                        ))
                    })?;
                    return Ok((self.reference(&flag)?, String::new(), String::new()));
                }
                (reference, String::new(), String::new())
            }
            Dialect::Liquid => {
                // Liquid counts only nil and false as false; Tera also empty text, zero and
                // empty lists and mappings. The test depends on what the value holds.
                let test = match shape_at(self.shape, path) {
                    Some(Shape::Scalar(k)) if k.boolean && !k.text && !k.number => {
                        reference.clone()
                    }
                    Some(Shape::Scalar(k)) if k.number && !k.text && !k.boolean => {
                        format!("{reference} and {reference} != 0")
                    }
                    Some(Shape::Scalar(k)) if k.number || k.boolean => {
                        return Err(Unsupported(format!(
                            "the test of `{path}`, which holds text in some fixtures and a number or true/false in others: Liquid tests those differently; make it one kind"
                        )));
                    }
                    _ => format!("{reference} != blank"),
                };
                let tag = if negated { "unless" } else { "if" };
                (
                    format!("{{% {tag} {test} %}}"),
                    "{% else %}".into(),
                    format!("{{% end{tag} %}}"),
                )
            }
        })
    }

    fn edge_condition(
        &self,
        list: &Path,
        last: bool,
        negated: bool,
    ) -> Result<(String, String, String), Unsupported> {
        let innermost = self.scopes.last().is_some_and(|s| s.list == *list);
        let which = if last { "last" } else { "first" };
        match self.dialect {
            Dialect::Handlebars if innermost => {
                let helper = if negated { "unless" } else { "if" };
                Ok((
                    format!("{{{{#{helper} @{which}}}}}"),
                    "{{else}}".into(),
                    format!("{{{{/{helper}}}}}"),
                ))
            }
            Dialect::Liquid if innermost => {
                let tag = if negated { "unless" } else { "if" };
                Ok((
                    format!("{{% {tag} forloop.{which} %}}"),
                    "{% else %}".into(),
                    format!("{{% end{tag} %}}"),
                ))
            }
            _ => Err(Unsupported(format!(
                "`loop.{which}` in the loop over `{list}`: {} cannot tell the {which} item; put a separator in the data or add a true/false field to each item",
                self.dialect.name()
            ))),
        }
    }

    fn each(&mut self, list: &Path, body: &[Node], empty: &[Node]) -> Result<(), Unsupported> {
        let reference = self.reference(list)?;
        let var = format!("item{}", self.scopes.len() + 1);
        let (open, else_, close) = match self.dialect {
            Dialect::Handlebars => (
                format!("{{{{#each {reference}}}}}"),
                "{{else}}".to_string(),
                "{{/each}}".to_string(),
            ),
            Dialect::Mustache => (
                format!("{{{{#{reference}}}}}"),
                format!("{{{{/{reference}}}}}{{{{^{reference}}}}}"),
                format!("{{{{/{reference}}}}}"),
            ),
            Dialect::Liquid => (
                format!("{{% for {var} in {reference} %}}"),
                "{% else %}".to_string(),
                "{% endfor %}".to_string(),
            ),
        };
        self.out.push_str(&open);
        self.scopes.push(Scope {
            list: list.clone(),
            var,
        });
        let result = self.nodes(body);
        self.scopes.pop();
        result?;
        if !empty.is_empty() {
            self.out.push_str(&else_);
            self.nodes(empty)?;
        }
        self.out.push_str(&close);
        Ok(())
    }
}

/// For Mustache: the section name, and what shows when the value is true and when it is false.
fn mustache_cases<'n>(
    name: &str,
    then: &'n [Node],
    otherwise: &'n [Node],
    negated: bool,
) -> (String, &'n [Node], &'n [Node]) {
    if negated {
        (name.to_string(), otherwise, then)
    } else {
        (name.to_string(), then, otherwise)
    }
}

fn keys(segs: &[Seg]) -> Result<Vec<&str>, Unsupported> {
    segs.iter()
        .map(|s| match s {
            Seg::Key(k) => Ok(k.as_str()),
            Seg::Each => Err(Unsupported(
                "an item of a list used outside its loop".into(),
            )),
        })
        .collect()
}

/// The shape of the value at `path`.
pub fn shape_at<'s>(shape: &'s Shape, path: &Path) -> Option<&'s Shape> {
    let mut current = shape;
    for seg in &path.0 {
        current = match (seg, current) {
            (Seg::Key(k), Shape::Map(fields)) => fields.get(k)?,
            (Seg::Each, Shape::List(elem)) => elem,
            _ => return None,
        };
    }
    Some(current)
}

/// Where a send-time formatted value is put in the data of an email service: beside the value it
/// is computed from, named after the value, the filter and its arguments
/// (`order.total` with `format_money(currency="GBP")` → `order.total__format_money_GBP`).
pub fn derived_path(
    input: &Path,
    filter: &str,
    args: &serde_json::Map<String, serde_json::Value>,
) -> Path {
    let mut name = String::new();
    if let Some(Seg::Key(last)) = input.0.last() {
        name.push_str(last);
    }
    name.push_str("__");
    name.push_str(filter);
    for value in args.values() {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let clean: String = text
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        name.push('_');
        name.push_str(&clean);
    }
    let mut segs = input.0.clone();
    match segs.last_mut() {
        Some(Seg::Key(k)) => *k = name,
        _ => segs.push(Seg::Key(name)),
    }
    Path(segs)
}

/// Where the export's data holds whether the list at `list` has items (`orders` →
/// `orders__any`): Mustache tests a list through it. `None` for a list in a list.
pub fn any_path(list: &Path) -> Option<Path> {
    let mut segs = list.0.clone();
    match segs.last_mut() {
        Some(Seg::Key(k)) => *k = format!("{k}__any"),
        _ => return None,
    }
    Some(Path(segs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(path: &str, escape: Escape) -> Node {
        Node::Value {
            slot: Slot::Path(Path::parse(path)),
            escape,
        }
    }

    fn t(text: &str) -> Node {
        Node::Text(text.into())
    }

    fn shape() -> Shape {
        Shape::of_data(
            json!({"name": "x", "items": [{"label": "a"}], "vip": true})
                .as_object()
                .unwrap(),
        )
    }

    fn sample() -> Vec<Node> {
        vec![
            t("Hi "),
            v("name", Escape::Html),
            Node::If {
                cond: Cond::Path(Path::parse("vip")),
                negated: false,
                then: vec![t("!")],
                otherwise: vec![t(".")],
            },
            Node::Each {
                list: Path::parse("items"),
                body: vec![v("items[].label", Escape::None), v("name", Escape::Html)],
                empty: vec![t("none")],
            },
        ]
    }

    #[test]
    fn handlebars() {
        assert_eq!(
            print(&sample(), Dialect::Handlebars, &shape()).unwrap(),
            "Hi {{name}}{{#if vip}}!{{else}}.{{/if}}{{#each items}}{{{label}}}{{@root.name}}{{else}}none{{/each}}"
        );
    }

    #[test]
    fn mustache() {
        assert_eq!(
            print(&sample(), Dialect::Mustache, &shape()).unwrap(),
            "Hi {{name}}{{#vip}}!{{/vip}}{{^vip}}.{{/vip}}{{#items}}{{{label}}}{{name}}{{/items}}{{^items}}none{{/items}}"
        );
    }

    #[test]
    fn liquid() {
        assert_eq!(
            print(&sample(), Dialect::Liquid, &shape()).unwrap(),
            "Hi {{ name | escape }}{% if vip %}!{% else %}.{% endif %}{% for item1 in items %}{{ item1.label }}{{ name | escape }}{% else %}none{% endfor %}"
        );
    }

    #[test]
    fn a_block_tag_alone_on_its_line_keeps_the_line() {
        let nodes = vec![
            t("a\n"),
            Node::If {
                cond: Cond::Path(Path::parse("vip")),
                negated: false,
                then: vec![t("b\n")],
                otherwise: vec![],
            },
            t("\nc"),
        ];
        assert_eq!(
            print(&nodes, Dialect::Handlebars, &shape()).unwrap(),
            "a\n{{#if vip}}b\n{{/if}}{{!}}\nc"
        );
    }

    #[test]
    fn mustache_tests_a_list_through_its_any_field() {
        let nodes = vec![Node::If {
            cond: Cond::Path(Path::parse("items")),
            negated: false,
            then: vec![t("x")],
            otherwise: vec![t("y")],
        }];
        // a section over the list itself would repeat `x` for every item
        assert_eq!(
            print(&nodes, Dialect::Mustache, &shape()).unwrap(),
            "{{#items__any}}x{{/items__any}}{{^items__any}}y{{/items__any}}"
        );
        assert_eq!(
            print(&nodes, Dialect::Handlebars, &shape()).unwrap(),
            "{{#if items}}x{{else}}y{{/if}}"
        );
    }

    #[test]
    fn derived_values_sit_beside_their_input() {
        let args = json!({"currency": "GBP"}).as_object().cloned().unwrap();
        assert_eq!(
            derived_path(&Path::parse("order.items[].price"), "format_money", &args).to_string(),
            "order.items[].price__format_money_GBP"
        );
    }
}
