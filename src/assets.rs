//! Local assets: images (and other files) in the project's `assets/` folder, referenced from
//! templates, fixtures or the brand as `assets/<path>`. In the final HTML every such reference
//! is rewritten to `assets.base-url` from `letterpress.yaml` (where `out/assets/` is published),
//! and the bundle gets a copy of exactly the files its emails reference. The preview serves
//! them from memory, so designers see real images before anything is uploaded.
//!
//! References are found as URLs, not as text: `assets/` right after a quote, `=`, `(` or an
//! entity-encoded quote (`src="assets/a.png"`, `url('assets/a.png')`, `url(&quot;assets/…`),
//! optionally written `./assets/`, anywhere in the HTML, Outlook's conditional comments (VML
//! backgrounds) included. Words in the text ("see assets/") are left alone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::brand::HttpsUrl;
use crate::error::ProjectError;

/// The folder of local assets, relative to the project root.
pub const DIR: &str = "assets";

/// How a local reference starts.
const PREFIX: &str = "assets/";

/// `assets:` in `letterpress.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct AssetsConfig {
    /// Where `out/assets/` will be published: local references become this URL plus the path
    /// under `assets/`.
    pub base_url: Option<HttpsUrl>,
}

impl AssetsConfig {
    /// What serde cannot check: a base URL that paths can be appended to.
    pub fn validate(&self) -> Result<(), String> {
        match &self.base_url {
            Some(url) if url.as_str().contains(['?', '#']) => Err(format!(
                "assets.base-url {:?}: a folder URL without ? or #, since each file's path is appended to it",
                url.as_str()
            )),
            _ => Ok(()),
        }
    }

    /// The base URL, ending with `/`.
    pub fn base(&self) -> Option<String> {
        self.base_url.as_ref().map(|url| {
            let url = url.as_str();
            if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            }
        })
    }
}

/// The path under `assets/` that a URL names, percent-decoded, without query or fragment; `None`
/// when the URL is not a local asset reference or would leave the folder.
pub fn local_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("./").unwrap_or(url).strip_prefix(PREFIX)?;
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(path);
    let ok = !decoded.is_empty()
        && !decoded.contains(['\\', '\0'])
        && decoded
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
    ok.then_some(decoded)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = text.get(i + 1..i + 3).filter(|_| bytes[i] == b'%');
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// What is wrong with a local reference of one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is not in `assets/`.
    Missing {
        /// The reference as written in the HTML (`assets/logo.png`).
        reference: String,
        /// What might be meant, or why the file does not count.
        hint: Option<String>,
    },
    /// Local references, but no `assets.base-url` to rewrite them to: inboxes cannot load them.
    NoBaseUrl {
        /// The first reference.
        reference: String,
        /// How many distinct files the email references.
        count: usize,
    },
}

/// The final HTML with local references rewritten, and what the rewrite found.
#[derive(Debug, Clone)]
pub struct Rewritten {
    /// The HTML, with `assets/…` replaced by the base URL (unchanged without one).
    pub html: String,
    /// Paths under `assets/` the email uses that exist, sorted.
    pub used: Vec<String>,
    /// References that will not work.
    pub problems: Vec<Problem>,
}

/// The files of a project's `assets/` folder (symbolic links are not followed or served).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    dir: PathBuf,
    files: BTreeSet<String>,
    links: BTreeSet<String>,
}

impl Assets {
    /// Lists `assets/` under `root` (an empty list when there is no such folder).
    pub fn load(root: &Path) -> Result<Assets, ProjectError> {
        let dir = root.join(DIR);
        let mut assets = Assets {
            dir: dir.clone(),
            ..Assets::default()
        };
        let is_dir = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir());
        if !is_dir {
            return Ok(assets);
        }
        for entry in walkdir::WalkDir::new(&dir).follow_links(false).min_depth(1) {
            let entry = entry.map_err(|e| ProjectError::io(Path::new(DIR), e.into()))?;
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let Some(name) = rel
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<_>>>()
                .map(|parts| parts.join("/"))
            else {
                continue;
            };
            if name.split('/').any(|seg| seg.starts_with('.')) {
                continue;
            }
            if entry.path_is_symlink() {
                assets.links.insert(name);
            } else if entry.file_type().is_file() {
                assets.files.insert(name);
            }
        }
        Ok(assets)
    }

    /// Whether `path` (under `assets/`) is a file of the folder.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// Every file, sorted.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(String::as_str)
    }

    /// Reads a file of the folder; anything not listed (or no longer a plain file) is refused.
    pub fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        let full = self.dir.join(path);
        let plain = std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_file());
        if !self.contains(path) || !plain {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{DIR}/{path} is not a file of the assets folder"),
            ));
        }
        std::fs::read(full)
    }

    /// Rewrites every local reference in `html` to `base` (when there is one) and reports
    /// which files are used and which references will not work.
    pub fn rewrite(&self, html: &str, base: Option<&str>) -> Rewritten {
        let mut used = BTreeSet::new();
        let mut problems = Vec::new();
        let mut missing = BTreeSet::new();
        let mut first = None;
        let html = replace_refs(html, PREFIX, |written, rest| {
            let reference = format!("{PREFIX}{rest}");
            let name = local_path(&reference)?;
            first.get_or_insert_with(|| written.to_string());
            if self.contains(&name) {
                used.insert(name);
            } else if missing.insert(name.clone()) {
                problems.push(Problem::Missing {
                    reference: reference.clone(),
                    hint: self.hint(&name),
                });
            }
            base.map(|base| format!("{base}{}", rest.replace(' ', "%20")))
        });
        if let (None, Some(reference)) = (base, first) {
            let count = used.len() + missing.len();
            problems.insert(0, Problem::NoBaseUrl { reference, count });
        }
        Rewritten {
            html,
            used: used.into_iter().collect(),
            problems,
        }
    }

    fn hint(&self, name: &str) -> Option<String> {
        if self.links.contains(name) {
            return Some(format!(
                "{DIR}/{name} is a symbolic link; letterpress only publishes real files inside the project"
            ));
        }
        let lower = name.to_lowercase();
        self.files
            .iter()
            .find(|f| f.to_lowercase() == lower)
            .map(|f| format!("did you mean {PREFIX}{f}? Names are case-sensitive once published"))
    }
}

/// Points the local references of one email's final HTML (`from`: the base URL it was built
/// with, or `assets/` when there was none) at `to`, for `used` paths only. The preview uses it
/// to show images from its own server.
pub fn relocate(html: &str, from: &str, to: &str, used: &[String]) -> String {
    replace_refs(html, from, |_, rest| {
        let name = local_path(&format!("{PREFIX}{rest}"))?;
        used.contains(&name).then(|| format!("{to}{rest}"))
    })
}

/// Replaces each URL that starts with `prefix` (or `./` and `prefix`) with what
/// `replace(written, rest)` returns: `written` is the URL as written, `rest` what follows the
/// prefix; `None` keeps it. A URL ends where its quote closes (so a file name may contain
/// spaces), or at `)`, whitespace or `>` when it is not quoted.
fn replace_refs(
    html: &str,
    prefix: &str,
    mut replace: impl FnMut(&str, &str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = html[from..].find(prefix) {
        let at = from + found;
        from = at + prefix.len();
        let start = if html[..at].ends_with("./") {
            at - 2
        } else {
            at
        };
        if !starts_url(&html[..start]) {
            continue;
        }
        let tail = &html[from..];
        let rest = &tail[..url_end(&html[..start], tail)];
        if let Some(new) = replace(&html[start..from + rest.len()], rest) {
            out.push_str(&html[copied..start]);
            out.push_str(&new);
            copied = from + rest.len();
            from = copied;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// Where a URL that follows `before` ends in `tail`.
fn url_end(before: &str, tail: &str) -> usize {
    let stops: &[char] = match before.chars().last() {
        Some('"') => &['"', '<', '>', '\n'],
        Some('\'') => &['\'', '<', '>', '\n'],
        Some(';') => &['"', '\'', '<', '>', '\n'],
        _ => &[')', '"', '\'', '<', '>', ' ', '\t', '\r', '\n'],
    };
    let end = tail.find(stops).unwrap_or(tail.len());
    ENTITY_QUOTES
        .iter()
        .filter_map(|q| tail[..end].find(q))
        .min()
        .unwrap_or(end)
}

/// Quotes as they appear written as entities inside attribute values.
const ENTITY_QUOTES: [&str; 4] = ["&quot;", "&#39;", "&#x27;", "&apos;"];

/// Whether a URL can start right after `before`: an attribute value, a CSS `url(`, or a quote
/// written as an entity inside a style attribute.
fn starts_url(before: &str) -> bool {
    matches!(before.chars().last(), Some('"' | '\'' | '=' | '('))
        || ENTITY_QUOTES.iter().any(|q| before.ends_with(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets(files: &[&str]) -> Assets {
        Assets {
            dir: PathBuf::from("/nonexistent/assets"),
            files: files.iter().map(|f| f.to_string()).collect(),
            links: BTreeSet::new(),
        }
    }

    #[test]
    fn local_paths_stay_inside_the_folder() {
        assert_eq!(local_path("assets/logo.png").as_deref(), Some("logo.png"));
        assert_eq!(
            local_path("./assets/img/my%20hero.jpg?v=2#x").as_deref(),
            Some("img/my hero.jpg")
        );
        for url in [
            "assets/",
            "assets/../secret.txt",
            "assets/a/./b.png",
            "assets//b.png",
            "https://cdn.example/assets/a.png",
            "/assets/a.png",
            "images/a.png",
        ] {
            assert_eq!(local_path(url), None, "{url}");
        }
    }

    #[test]
    fn rewrites_references_in_attributes_css_and_outlook_comments() {
        let html = concat!(
            "<img src=\"assets/logo.png\" alt=\"\">",
            "<td background=\"./assets/bg.jpg\" style=\"background:url('assets/bg.jpg?v=1') #fff\">",
            "<!--[if mso]><v:fill src=\"assets/bg.jpg\" /><![endif]-->",
            "<div style=\"background-image:url(&quot;assets/bg.jpg&quot;)\"></div>",
            "<p>Files live in assets/ next to templates/.</p>",
            "<a href=\"https://cdn.example/assets/logo.png\">x</a>"
        );
        let out = assets(&["logo.png", "bg.jpg"]).rewrite(html, Some("https://cdn.example/e/"));
        assert_eq!(
            out.html,
            concat!(
                "<img src=\"https://cdn.example/e/logo.png\" alt=\"\">",
                "<td background=\"https://cdn.example/e/bg.jpg\" style=\"background:url('https://cdn.example/e/bg.jpg?v=1') #fff\">",
                "<!--[if mso]><v:fill src=\"https://cdn.example/e/bg.jpg\" /><![endif]-->",
                "<div style=\"background-image:url(&quot;https://cdn.example/e/bg.jpg&quot;)\"></div>",
                "<p>Files live in assets/ next to templates/.</p>",
                "<a href=\"https://cdn.example/assets/logo.png\">x</a>"
            )
        );
        assert_eq!(out.used, ["bg.jpg", "logo.png"]);
        assert!(out.problems.is_empty());
    }

    #[test]
    fn file_names_with_spaces_are_published_encoded() {
        let html =
            "<img src=\"assets/my logo.png\"><div style=\"background:url('assets/my logo.png')\">";
        let out = assets(&["my logo.png"]).rewrite(html, Some("https://cdn.example/"));
        assert_eq!(
            out.html,
            "<img src=\"https://cdn.example/my%20logo.png\"><div style=\"background:url('https://cdn.example/my%20logo.png')\">"
        );
        assert_eq!(out.used, ["my logo.png"]);
        let back = relocate(&out.html, "https://cdn.example/", "/assets/", &out.used);
        assert_eq!(back.matches("/assets/my%20logo.png").count(), 2, "{back}");
    }

    #[test]
    fn missing_files_are_reported_once_with_a_hint() {
        let html = "<img src=\"assets/Logo.png\"><img src=\"assets/Logo.png\"><img src=\"assets/nope.gif\">";
        let out = assets(&["logo.png"]).rewrite(html, Some("https://cdn.example/"));
        assert_eq!(
            out.problems,
            vec![
                Problem::Missing {
                    reference: "assets/Logo.png".into(),
                    hint: Some(
                        "did you mean assets/logo.png? Names are case-sensitive once published"
                            .into()
                    ),
                },
                Problem::Missing {
                    reference: "assets/nope.gif".into(),
                    hint: None,
                },
            ]
        );
        assert!(out.used.is_empty());
    }

    #[test]
    fn without_a_base_url_references_stay_and_are_reported() {
        let html = "<img src=\"assets/logo.png\"><img src=\"assets/hero.png\">";
        let out = assets(&["logo.png", "hero.png"]).rewrite(html, None);
        assert_eq!(out.html, html);
        assert_eq!(
            out.problems,
            vec![Problem::NoBaseUrl {
                reference: "assets/logo.png".into(),
                count: 2
            }]
        );
    }

    #[test]
    fn relocate_moves_only_used_files() {
        let html = "<img src=\"https://cdn.example/e/logo.png\"><img src=\"https://cdn.example/e/other.png\">";
        let out = relocate(
            html,
            "https://cdn.example/e/",
            "/assets/",
            &["logo.png".to_string()],
        );
        assert_eq!(
            out,
            "<img src=\"/assets/logo.png\"><img src=\"https://cdn.example/e/other.png\">"
        );
    }

    #[test]
    fn reads_only_listed_plain_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("assets/img")).unwrap();
        std::fs::write(root.join("assets/img/a.png"), b"png").unwrap();
        std::fs::write(root.join("assets/.DS_Store"), b"x").unwrap();
        std::fs::write(root.join("secret.txt"), b"secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("secret.txt"), root.join("assets/link.png")).unwrap();
        let assets = Assets::load(root).unwrap();
        assert_eq!(assets.files().collect::<Vec<_>>(), ["img/a.png"]);
        assert_eq!(assets.read("img/a.png").unwrap(), b"png");
        assert!(assets.read("link.png").is_err());
        assert!(assets.read("../secret.txt").is_err());
        #[cfg(unix)]
        {
            let out = assets.rewrite("<img src=\"assets/link.png\">", Some("https://c.example/"));
            let Problem::Missing { hint, .. } = &out.problems[0] else {
                panic!("{:?}", out.problems)
            };
            assert!(hint.as_deref().unwrap().contains("symbolic link"));
        }
    }
}
