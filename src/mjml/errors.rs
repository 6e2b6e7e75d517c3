//! Findings for MJML that cannot be built, pointing at the spot: the file (the template or an
//! included file), line and column. For a template rendered by Tera the position is a line of
//! the rendered MJML, located in the template file itself when that line appears there
//! unchanged.

use std::path::Path;

use mrml::prelude::parser::Error as ParseError;

use super::canonical::Canonical;
use super::document::{Pos, Problem};
use super::include::Includes;
use crate::error::{SourcePos, line_col};
use crate::findings::Finding;

/// The texts a document was read from, for turning positions into file, line and column.
pub(super) struct Sources<'a> {
    /// The template file, project-relative.
    pub template: &'a Path,
    /// The template's own text (front matter blanked).
    pub source: &'a str,
    /// The origins: the rendered template and every included file.
    pub includes: &'a Includes,
}

impl Sources<'_> {
    /// Where `pos` is, and how to say it in a message when it is in rendered MJML.
    fn place(&self, pos: Pos) -> (SourcePos, String) {
        let (origin, offset) = self.includes.locate(pos);
        let (line, column) = line_col(&origin.text, offset);
        if pos.origin != 0 || origin.text == self.source {
            return (SourcePos::at(&origin.file, line, column), String::new());
        }
        let near: String = origin.text[offset.min(origin.text.len())..]
            .chars()
            .take(40)
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut said = format!(" (line {line}, column {column} of the rendered MJML");
        if !near.is_empty() {
            said.push_str(&format!(", near `{near}`"));
        }
        said.push(')');
        let location = source_line(&origin.text, line, column, self.source, self.template)
            .unwrap_or_else(|| SourcePos::file(self.template));
        (location, said)
    }

    /// "line 12" of a position, for mentioning a second place in a message.
    fn line_of(&self, pos: Pos) -> String {
        let (origin, offset) = self.includes.locate(pos);
        let (line, _) = line_col(&origin.text, offset);
        if pos.origin == 0 {
            format!("line {line}")
        } else {
            format!("line {line} of {}", origin.file.display())
        }
    }

    /// A finding with `message` about the MJML at `pos`.
    pub(super) fn at(&self, pos: Pos, message: String) -> Finding {
        let (location, said) = self.place(pos);
        Finding::error("build.mjml", format!("{message}{said}"), Some(location))
    }

    /// The finding for a document that could not be read.
    pub(super) fn problem(&self, problem: &Problem) -> Finding {
        let (at, message) = match problem {
            Problem::Unclosed {
                name,
                at,
                closed_by: None,
            } => (
                *at,
                format!("<{name}> is opened here but never closed: add </{name}> where it ends"),
            ),
            Problem::Unclosed {
                name,
                at,
                closed_by: Some((closer, closed_at)),
            } => (
                *at,
                format!(
                    "<{name}> is opened here but never closed: </{closer}> on {} closes its parent first; add </{name}> before it",
                    self.line_of(*closed_at)
                ),
            ),
            Problem::Mismatched { name, at, open } => {
                let open = match open {
                    Some((open, open_at)) => format!(
                        "; the element open here is <{open}> from {}",
                        self.line_of(*open_at)
                    ),
                    None => String::new(),
                };
                (
                    *at,
                    format!("</{name}> closes no open element{open}: check the tag name"),
                )
            }
            Problem::Swallowed { name, at } => (
                *at,
                format!(
                    "<{name}> is not closed, so the elements after it would become its content and disappear: write <{name} … />"
                ),
            ),
            Problem::NoRoot {
                found: Some((name, at)),
            } => (
                *at,
                format!(
                    "the document starts with <{name}>, not <mjml>: wrap it in <mjml><mj-body>…</mj-body></mjml>"
                ),
            ),
            Problem::NoRoot { found: None } => {
                return Finding::error(
                    "build.mjml",
                    "no <mjml> root element: wrap the template in <mjml>…</mjml>",
                    Some(SourcePos::file(self.template)),
                );
            }
            Problem::Include { message, at } => (*at, message.clone()),
            Problem::TooDeep { at } => (
                *at,
                format!(
                    "elements are nested more than {} deep here: close the elements you opened",
                    super::tree::MAX_DEPTH
                ),
            ),
        };
        let (location, said) = self.place(at);
        Finding::error("build.mjml", format!("{message}{said}"), Some(location))
    }

    /// The finding for an error mrml reports on the canonical text.
    pub(super) fn parse(&self, err: &ParseError, canonical: &Canonical) -> Finding {
        let (span, what) = match err {
            ParseError::UnexpectedElement { position, .. } => {
                (Some(*position), "this element is not allowed here")
            }
            ParseError::UnexpectedToken { position, .. } => (Some(*position), "unexpected markup"),
            ParseError::MissingAttribute { position, .. } => {
                (Some(*position), "this element misses a required attribute")
            }
            ParseError::InvalidAttribute { position, .. } => {
                (Some(*position), "this attribute is not valid here")
            }
            ParseError::InvalidFormat { position, .. } => {
                (Some(*position), "a value has an invalid format")
            }
            ParseError::SizeLimit { .. } => (None, "the document is too large"),
            ParseError::NoRootNode => (None, "no <mjml> root element"),
            _ => (None, "the MJML could not be read"),
        };
        let what = match err {
            ParseError::MissingAttribute { name, .. } => {
                format!("this element needs the attribute `{name}`")
            }
            _ => what.to_string(),
        };
        match span.and_then(|s| canonical.source_of(s.start)) {
            Some(pos) => {
                let (location, said) = self.place(pos);
                Finding::error("build.mjml", format!("{what}{said}"), Some(location))
            }
            None => Finding::error("build.mjml", what, Some(SourcePos::file(self.template))),
        }
    }
}

/// Where a line of rendered MJML comes from in the template's own file, when that line appears
/// there unchanged (once): most structural errors sit on lines Tera did not touch.
fn source_line(
    mjml: &str,
    line: u32,
    column: u32,
    source: &str,
    template: &Path,
) -> Option<SourcePos> {
    let rendered = mjml.lines().nth(line.checked_sub(1)? as usize)?;
    let wanted = rendered.trim();
    if wanted.is_empty() {
        return None;
    }
    let mut matches = source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == wanted);
    let (index, text) = matches.next()?;
    if matches.next().is_some() {
        return None;
    }
    let shift = text.len() as i64
        - text.trim_start().len() as i64
        - (rendered.len() as i64 - rendered.trim_start().len() as i64);
    let column = (i64::from(column) + shift).max(1);
    Some(SourcePos::at(
        template,
        u32::try_from(index + 1).ok()?,
        u32::try_from(column).ok()?,
    ))
}
