//! The MJML step. The rendered template is read the way mjml reads MJML (a WHATWG tokenizer,
//! includes relative to the including file, the content of ending tags kept verbatim) and written
//! back as text mrml parses; the parsed document is transformed where mrml renders differently
//! from mjml, gets the brand's head (for letterpress templates), the title, preview text, `lang`
//! and `dir`; mrml renders it; the kept content goes back in place and `mj-style
//! inline="inline"` CSS is inlined (css-inline). Other styles, media queries and Outlook
//! conditional comments stay as they are.

mod canonical;
mod document;
mod errors;
mod finish;
mod html_attributes;
mod include;
mod precedence;
mod transform;
mod tree;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mrml::mj_head::{MjHead, MjHeadChild};
use mrml::mj_preview::MjPreview;
use mrml::mj_title::MjTitle;
use mrml::prelude::render::RenderOptions;

use crate::brand::Brand;
use crate::error::SourcePos;
use crate::findings::Finding;

/// Compiles MJML for one project: knows the brand head and where includes may come from.
pub struct Compiler {
    root: PathBuf,
    brand_head: Vec<MjHeadChild>,
    /// For templates the brand applies to: no web fonts but the brand's.
    branded: RenderOptions,
    /// For plain MJML: mjml's defaults (Google Fonts links for Open Sans, Roboto, Ubuntu… when
    /// the email uses them).
    plain: RenderOptions,
}

/// What the email's head gets besides the MJML itself: from the front matter, the locale and
/// whether the template asks for the brand.
pub struct Finish<'a> {
    /// `<title>`: the subject.
    pub title: &'a str,
    /// Hidden preview text; empty for none.
    pub preheader: &'a str,
    /// `lang` of `<html>`, unless the MJML sets its own.
    pub lang: &'a str,
    /// `dir` of `<html>` (`ltr` or `rtl`), unless the MJML sets its own.
    pub dir: &'a str,
    /// Whether the brand's head (fonts, colours, element defaults, styles) applies.
    pub brand: bool,
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
        let branded = RenderOptions {
            disable_comments: false,
            social_icon_origin: None,
            fonts: HashMap::new(),
        };
        Ok(Compiler {
            root: root.to_path_buf(),
            brand_head,
            branded,
            plain: RenderOptions::default(),
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
        let mut includes = include::Includes::new(&self.root, template, mjml);
        let read = tree::read(mjml, 0, &mut includes);
        let sources = errors::Sources {
            template,
            source,
            includes: &includes,
        };
        let root = read.map_err(|problem| sources.problem(&problem))?;
        let canonical = canonical::write(&root);
        let mut doc = mrml::parse(&canonical.text)
            .map_err(|e| sources.parse(&e, &canonical))?
            .element;
        if crate::symbolic::markers::contains(mjml) {
            crate::symbolic::placement::check(&doc).map_err(|message| {
                Finding::error("build.mjml", message, Some(SourcePos::file(template)))
            })?;
        }
        doc.attributes
            .lang
            .get_or_insert_with(|| finish.lang.to_string());
        doc.attributes
            .dir
            .get_or_insert_with(|| finish.dir.to_string());
        let head = doc.children.head.get_or_insert_with(MjHead::default);
        let own = std::mem::take(&mut head.children);
        if finish.brand {
            let own_css = own_styles(&own, &canonical);
            head.children = precedence::brand_head(&self.brand_head, &own, &own_css);
        }
        if canonical.title.is_none() && !finish.title.is_empty() {
            head.children.push(MjHeadChild::MjTitle(MjTitle::new(
                (),
                crate::html::escape(finish.title),
            )));
        }
        if canonical.preview.is_none() && !finish.preheader.is_empty() {
            head.children.push(MjHeadChild::MjPreview(MjPreview::from(
                crate::html::escape(finish.preheader),
            )));
        }
        head.children.extend(own);
        let inline: Vec<String> = transform::take_inline_styles(head)
            .iter()
            .map(|css| finish::restore(css, &canonical))
            .collect();
        transform::apply(&mut doc);
        let failed = |e: String| {
            Finding::error(
                "build.mjml",
                format!("MJML could not be rendered: {e}"),
                Some(SourcePos::file(template)),
            )
        };
        let options = if finish.brand {
            &self.branded
        } else {
            &self.plain
        };
        let html = doc.render(options).map_err(|e| failed(e.to_string()))?;
        let html = finish::restore(&html, &canonical);
        let html = finish::inline_css(&html, &inline.join("\n")).map_err(failed)?;
        let rules = html_attributes::rules(&canonical.html_attributes);
        let html = html_attributes::apply(&html, &rules)
            .map_err(|(at, message)| sources.at(at, message))?;
        let html = match canonical.before_doctype.as_str() {
            "" => html,
            before => format!("{before}\n{html}"),
        };
        Ok(Compiled {
            html,
            title: canonical.title,
            preview: canonical.preview,
        })
    }
}

/// The CSS of the template's own `mj-style` blocks, with their kept content.
fn own_styles(own: &[MjHeadChild], canonical: &canonical::Canonical) -> Vec<String> {
    own.iter()
        .filter_map(|c| match c {
            MjHeadChild::MjStyle(style) => Some(finish::restore(style.children(), canonical)),
            _ => None,
        })
        .collect()
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

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_reading;

/// Helpers for the tests of the MJML step's modules.
#[cfg(test)]
pub(crate) mod tests_support {
    use std::path::Path;

    use super::{Compiler, Finish};
    use crate::findings::Finding;

    /// A compiler for the sample brand in a project at `root` (canonical).
    pub(crate) fn compiler(root: &Path) -> Compiler {
        let brand =
            crate::brand::Brand::parse(crate::brand::tests_sample(), Path::new("brand/brand.yaml"))
                .unwrap();
        Compiler::new(root, &brand).unwrap()
    }

    /// Head additions like a plain MJML file gets: none but `lang` and `dir`.
    pub(crate) fn plain() -> Finish<'static> {
        Finish {
            title: "",
            preheader: "",
            lang: "en",
            dir: "ltr",
            brand: false,
        }
    }

    /// Head additions like a letterpress template gets: the brand, a title and a preheader.
    pub(crate) fn branded() -> Finish<'static> {
        Finish {
            title: "Hello & welcome",
            preheader: "Preview <text>",
            lang: "tr",
            dir: "ltr",
            brand: true,
        }
    }

    /// `body` inside one section and column of a document.
    pub(crate) fn wrap(body: &str) -> String {
        format!(
            "<mjml><mj-body><mj-section><mj-column>{body}</mj-column></mj-section></mj-body></mjml>"
        )
    }

    /// Compiles the plain document `mjml` as `templates/t.mjml` of a project holding `files`.
    fn in_project(mjml: &str, files: &[(&str, &str)]) -> Result<super::Compiled, Finding> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        compiler(&root).compile(mjml, Path::new("templates/t.mjml"), mjml, &plain())
    }

    /// The HTML of [`in_project`], panicking on errors.
    pub(crate) fn compile_in(mjml: &str, files: &[(&str, &str)]) -> String {
        in_project(mjml, files)
            .unwrap_or_else(|e| panic!("{e}"))
            .html
    }

    /// The error of [`in_project`], panicking when it builds.
    pub(crate) fn error_of(mjml: &str, files: &[(&str, &str)]) -> Finding {
        in_project(mjml, files).expect_err("an error")
    }

    /// The HTML of a plain MJML document (no brand), panicking on errors.
    pub(crate) fn render_plain(mjml: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        compiler(&dir.path().canonicalize().unwrap())
            .compile(mjml, Path::new("templates/t.mjml"), mjml, &plain())
            .unwrap_or_else(|e| panic!("{e}"))
            .html
    }
}
