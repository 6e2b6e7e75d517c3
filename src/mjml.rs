//! The MJML step: mrml parses the rendered template, letterpress adds the brand's head, the
//! title, preview text, `lang` and `dir` to the parsed document, and mrml renders HTML (with
//! `mj-style inline="inline"` CSS inlined by css-inline through mrml's feature; other styles,
//! media queries and Outlook conditional comments stay as they are).

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use mrml::mj_head::{MjHead, MjHeadChild};
use mrml::mj_preview::MjPreview;
use mrml::mj_title::MjTitle;
use mrml::prelude::parser::loader::{IncludeLoader, IncludeLoaderError};
use mrml::prelude::parser::{Error as ParseError, Origin, ParserOptions};
use mrml::prelude::render::RenderOptions;

use crate::brand::Brand;
use crate::error::{SourcePos, line_col};
use crate::findings::Finding;

/// Compiles MJML for one project: knows the brand head and where includes may come from.
pub struct Compiler {
    root: PathBuf,
    brand_head: Vec<MjHeadChild>,
    options: RenderOptions,
}

/// What the email's head gets besides the brand: from the front matter and the locale.
pub struct Finish<'a> {
    /// `<title>`: the subject.
    pub title: &'a str,
    /// Hidden preview text; empty for none.
    pub preheader: &'a str,
    /// `lang` of `<html>`.
    pub lang: &'a str,
    /// `dir` of `<html>`: `ltr` or `rtl`.
    pub dir: &'a str,
}

impl Compiler {
    /// Prepares the brand head for a project rooted at `root` (canonical).
    pub fn new(root: &Path, brand: &Brand) -> Result<Compiler, String> {
        let head_source = format!(
            "<mjml><mj-head>{}</mj-head><mj-body></mj-body></mjml>",
            brand.mjml_head()
        );
        let parsed =
            mrml::parse(&head_source).map_err(|e| format!("brand head does not parse: {e}"))?;
        let brand_head = parsed
            .element
            .children
            .head
            .map(|h| h.children)
            .unwrap_or_default();
        // Web fonts are linked by the brand head; mrml's default fonts (Google Fonts for Open
        // Sans, Roboto…) must not be linked behind the author's back.
        let options = RenderOptions {
            disable_comments: false,
            social_icon_origin: None,
            fonts: HashMap::new(),
        };
        Ok(Compiler {
            root: root.to_path_buf(),
            brand_head,
            options,
        })
    }

    /// Parses and renders `mjml` (the Tera output of `template`, a project-relative path used
    /// in messages, whose own text is `source`) into HTML.
    pub fn compile(
        &self,
        mjml: &str,
        template: &Path,
        source: &str,
        finish: &Finish,
    ) -> Result<Compiled, Finding> {
        let options = ParserOptions {
            include_loader: Box::new(ProjectLoader {
                root: self.root.clone(),
            }),
        };
        let mut doc = mrml::parse_with_options(mjml, &options)
            .map_err(|e| parse_finding(&e, mjml, template, source))?
            .element;
        doc.attributes.lang = Some(finish.lang.to_string());
        doc.attributes.dir = Some(finish.dir.to_string());
        let head = doc.children.head.get_or_insert_with(MjHead::default);
        let own = std::mem::take(&mut head.children);
        let own_title = own.iter().find_map(|c| match c {
            MjHeadChild::MjTitle(t) => Some(unescape(t.content())),
            _ => None,
        });
        let own_preview = own.iter().find_map(|c| match c {
            MjHeadChild::MjPreview(p) => Some(unescape(&p.content())),
            _ => None,
        });
        let (has_title, has_preview) = (own_title.is_some(), own_preview.is_some());
        // Brand first, so the template's own mj-attributes and styles override it.
        head.children = self.brand_head.clone();
        if !has_title && !finish.title.is_empty() {
            head.children.push(MjHeadChild::MjTitle(MjTitle::new(
                (),
                crate::html::escape(finish.title),
            )));
        }
        if !has_preview && !finish.preheader.is_empty() {
            head.children.push(MjHeadChild::MjPreview(MjPreview::from(
                crate::html::escape(finish.preheader),
            )));
        }
        head.children.extend(own);
        let html = doc.render(&self.options).map_err(|e| {
            Finding::error(
                "build.mjml",
                format!("MJML could not be rendered: {e}"),
                Some(SourcePos::file(template)),
            )
        })?;
        Ok(Compiled {
            html,
            title: own_title,
            preview: own_preview,
        })
    }
}

/// The HTML of an email, with the title and preview text the MJML itself declared (plain MJML
/// files from other tools carry their subject in `mj-title` and preheader in `mj-preview`).
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Final HTML.
    pub html: String,
    /// Text of the template's own `mj-title`, if it has one.
    pub title: Option<String>,
    /// Text of the template's own `mj-preview`, if it has one.
    pub preview: Option<String>,
}

/// Decodes the few entities that appear in MJML title and preview text, and trims it.
fn unescape(text: &str) -> String {
    text.trim()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A finding for an mrml parse error. mrml reports byte offsets into the text it was given
/// (the Tera output); they become line:column in that rendered MJML, with the text found there.
fn parse_finding(err: &ParseError, mjml: &str, template: &Path, source: &str) -> Finding {
    let (origin, span, what) = match err {
        ParseError::UnexpectedElement { origin, position } => (
            Some(origin),
            Some(*position),
            "unexpected element".to_string(),
        ),
        ParseError::UnexpectedToken { origin, position } => (
            Some(origin),
            Some(*position),
            "unexpected token".to_string(),
        ),
        ParseError::MissingAttribute {
            name,
            origin,
            position,
        } => (
            Some(origin),
            Some(*position),
            format!("missing attribute `{name}`"),
        ),
        ParseError::InvalidAttribute { origin, position } => (
            Some(origin),
            Some(*position),
            "invalid attribute".to_string(),
        ),
        ParseError::InvalidFormat { origin, position } => {
            (Some(origin), Some(*position), "invalid format".to_string())
        }
        ParseError::EndOfStream { origin } => (
            Some(origin),
            None,
            "unexpected end of the document: an element is not closed".to_string(),
        ),
        ParseError::SizeLimit { origin } => (Some(origin), None, "document too large".to_string()),
        ParseError::ParserError { origin, source } => (
            Some(origin),
            None,
            format!("malformed markup in the rendered MJML: {source}"),
        ),
        ParseError::NoRootNode => (
            None,
            None,
            "no <mjml> root element: wrap the template in <mjml>…</mjml>".to_string(),
        ),
        ParseError::IncludeLoaderError {
            origin,
            position,
            source,
        } => (Some(origin), Some(*position), include_message(source)),
    };
    let included = match origin {
        Some(Origin::Include { path }) => Some(path.clone()),
        _ => None,
    };
    let mut message = what;
    let mut location = SourcePos::file(template);
    match (span, &included) {
        (Some(span), None) => {
            let (line, column) = line_col(mjml, span.start);
            let found: String = mjml
                .get(span.start..span.end.max(span.start))
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            let found = found.split_whitespace().collect::<Vec<_>>().join(" ");
            message = format!("{message} at line {line}, column {column} of the rendered MJML");
            if !found.is_empty() {
                message.push_str(&format!(" (near `{found}`)"));
            }
            if let Some(pos) = source_line(mjml, line, column, source, template) {
                location = pos;
            }
        }
        (_, Some(path)) => {
            message = format!("{message} in included file `{path}`");
            location = SourcePos::file(template);
        }
        (None, None) => {}
    }
    Finding::error("build.mjml", message, Some(location))
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

fn include_message(err: &IncludeLoaderError) -> String {
    match err.reason {
        ErrorKind::PermissionDenied => format!(
            "mj-include `{}` points outside the project folder; includes must stay inside the project",
            err.path
        ),
        ErrorKind::NotFound => format!(
            "mj-include `{}` not found (paths are relative to the project folder, e.g. templates/partials/x.mjml)",
            err.path
        ),
        _ => format!("mj-include `{}` could not be read", err.path),
    }
}

/// mrml include loader confined to the project folder: a path that resolves outside it (by
/// `..`, an absolute path or a symbolic link) is refused, and "not found" says so.
#[derive(Debug)]
struct ProjectLoader {
    root: PathBuf,
}

impl IncludeLoader for ProjectLoader {
    fn resolve(&self, url: &str) -> Result<String, IncludeLoaderError> {
        let rel = url.trim_start_matches("file://");
        let joined = self.root.join(rel);
        let Ok(path) = joined.canonicalize() else {
            // Does not exist: but say "outside" when it would be outside anyway.
            let lexical_escape = Path::new(rel).is_absolute()
                || Path::new(rel)
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir));
            let kind = if lexical_escape {
                ErrorKind::PermissionDenied
            } else {
                ErrorKind::NotFound
            };
            return Err(IncludeLoaderError::new(url, kind));
        };
        if !path.starts_with(&self.root) {
            return Err(IncludeLoaderError::new(url, ErrorKind::PermissionDenied));
        }
        let too_big = std::fs::metadata(&path)
            .map(|m| m.len() > crate::project::MAX_TEMPLATE_BYTES)
            .unwrap_or(true);
        if too_big {
            return Err(IncludeLoaderError::new(url, ErrorKind::InvalidData));
        }
        std::fs::read_to_string(&path)
            .map_err(|_| IncludeLoaderError::new(url, ErrorKind::InvalidData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiler(root: &Path) -> Compiler {
        let brand =
            Brand::parse(crate::brand::tests_sample(), Path::new("brand/brand.yaml")).unwrap();
        Compiler::new(root, &brand).unwrap()
    }

    fn finish() -> Finish<'static> {
        Finish {
            title: "Hello & welcome",
            preheader: "Preview <text>",
            lang: "tr",
            dir: "ltr",
        }
    }

    #[test]
    fn brand_title_preview_and_lang_are_applied() {
        let dir = tempfile::tempdir().unwrap();
        let html = compiler(dir.path())
            .compile("<mjml><mj-body><mj-section><mj-column><mj-text><a href=\"https://x.example\">x</a></mj-text></mj-column></mj-section></mj-body></mjml>", Path::new("t.mjml"), "", &finish())
            .unwrap()
            .html;
        assert!(html.contains("lang=\"tr\""), "lang");
        assert!(html.contains("<title>Hello &amp; welcome</title>"), "title");
        assert!(html.contains("Preview &lt;text&gt;"), "preview");
        // the brand's link colour is inlined on the link itself
        assert!(
            html.contains("href=\"https://x.example\" style=\"color: #1a73e8;\""),
            "{html}"
        );
        assert!(
            html.contains("Inter, Helvetica, Arial, sans-serif"),
            "font stack"
        );
    }

    #[test]
    fn own_title_and_preview_are_kept_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let doc = "<mjml><mj-head><mj-title>Tom &amp; Jerry</mj-title><mj-preview>Soon</mj-preview></mj-head><mj-body></mj-body></mjml>";
        let compiled = compiler(dir.path())
            .compile(doc, Path::new("t.mjml"), "", &finish())
            .unwrap();
        assert_eq!(compiled.title.as_deref(), Some("Tom & Jerry"));
        assert_eq!(compiled.preview.as_deref(), Some("Soon"));
        assert!(
            compiled.html.contains("<title>Tom &amp; Jerry</title>"),
            "the template's title wins"
        );
    }

    #[test]
    fn parse_errors_point_into_rendered_mjml() {
        let dir = tempfile::tempdir().unwrap();
        let err = compiler(dir.path())
            .compile(
                "<mjml>\n<mj-head>\n  <mj-section></mj-section></mj-head></mjml>",
                Path::new("templates/t.mjml"),
                "---\nsubject: x\n---\n<mjml>\n<mj-head>\n    <mj-section></mj-section></mj-head></mjml>",
                &finish(),
            )
            .unwrap_err();
        assert_eq!(err.rule, "build.mjml");
        assert!(
            err.message
                .contains("line 3, column 4 of the rendered MJML"),
            "{}",
            err.message
        );
        // the line appears unchanged in the file (indented two more): located there
        assert_eq!(err.location, Some(SourcePos::at("templates/t.mjml", 6, 6)));
    }

    #[test]
    fn include_outside_project_is_refused() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("project");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(
            outer.path().join("secret.mjml"),
            "<mj-text>secret</mj-text>",
        )
        .unwrap();
        let root = root.canonicalize().unwrap();
        let doc = "<mjml><mj-body><mj-include path=\"../secret.mjml\" /></mj-body></mjml>";
        let err = compiler(&root)
            .compile(doc, Path::new("templates/t.mjml"), "", &finish())
            .unwrap_err();
        assert!(
            err.message.contains("outside the project"),
            "{}",
            err.message
        );
    }
}
