//! The release bundle: one folder per locale and template with an HTML, text and metadata file
//! per fixture, and `manifest.json`. [`files`] lists the bundle as data (the preview server
//! serves it from memory); [`Staging`] writes it to disk so a reader never sees half of it.

mod carry;
mod staging;
mod swap;
pub mod target;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::build::Report;
use crate::config::Config;
use crate::findings::Finding;
use crate::pipeline::{Email, EmailId};
use crate::project::Category;

/// Version of the manifest's schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// `manifest.json`.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// See [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `letterpress <version>`.
    pub generator: String,
    /// Every email built, sorted by template, locale, fixture.
    pub emails: Vec<Entry>,
}

/// One email in the manifest (also written beside it as `<fixture>.json`).
#[derive(Debug, Serialize)]
pub struct Entry {
    /// Template name.
    pub template: String,
    /// Locale code.
    pub locale: String,
    /// Fixture name.
    pub fixture: String,
    /// Transactional or marketing.
    pub category: Category,
    /// Subject line.
    pub subject: String,
    /// Preheader.
    pub preheader: String,
    /// HTML file, relative to the bundle.
    pub html: String,
    /// Text file, relative to the bundle.
    pub text: String,
    /// HTML size in bytes.
    pub html_bytes: usize,
    /// Text size in bytes.
    pub text_bytes: usize,
    /// sha256 of the HTML, hex.
    pub sha256: String,
    /// `List-Unsubscribe` headers for marketing email, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_unsubscribe: Option<ListUnsubscribeHeaders>,
    /// Findings of the checks.
    pub findings: Vec<Finding>,
}

/// Header values a sender sets on a marketing email (RFC 2369 and RFC 8058).
#[derive(Debug, Serialize)]
pub struct ListUnsubscribeHeaders {
    /// `List-Unsubscribe` value, e.g. `<https://…>, <mailto:…>`.
    pub list_unsubscribe: String,
    /// `List-Unsubscribe-Post` value when a one-click URL is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_unsubscribe_post: Option<String>,
}

/// The path of an email's file in the bundle, with extension `ext`.
pub fn path_of(id: &EmailId, ext: &str) -> String {
    format!("{}/{}/{}.{ext}", id.locale, id.template, id.fixture)
}

/// The manifest entry of a built email (`None` if it could not be built).
pub fn entry(email: &Email, config: &Config) -> Option<Entry> {
    let summary = email.summary.as_ref()?;
    let list_unsubscribe = match (email.category, &config.list_unsubscribe) {
        (Category::Marketing, Some(lu)) => {
            let mut parts = Vec::new();
            if let Some(url) = &lu.url {
                parts.push(format!("<{url}>"));
            }
            if let Some(mailto) = &lu.mailto {
                let mailto = mailto.strip_prefix("mailto:").unwrap_or(mailto);
                parts.push(format!("<mailto:{mailto}>"));
            }
            Some(ListUnsubscribeHeaders {
                list_unsubscribe: parts.join(", "),
                list_unsubscribe_post: lu
                    .url
                    .as_ref()
                    .map(|_| "List-Unsubscribe=One-Click".to_string()),
            })
        }
        _ => None,
    };
    Some(Entry {
        template: email.id.template.clone(),
        locale: email.id.locale.clone(),
        fixture: email.id.fixture.clone(),
        category: email.category,
        subject: summary.subject.clone(),
        preheader: summary.preheader.clone(),
        html: path_of(&email.id, "html"),
        text: path_of(&email.id, "txt"),
        html_bytes: summary.html_bytes,
        text_bytes: summary.text_bytes,
        sha256: summary.sha256.clone(),
        list_unsubscribe,
        findings: email.findings.clone(),
    })
}

/// Every file of the bundle as (relative path, contents), in a stable order (the preview
/// server keeps the bundle in memory this way).
pub fn files(report: &Report, config: &Config) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = report
        .emails
        .iter()
        .flat_map(|e| email_files(e, config))
        .collect();
    files.push(manifest_file(report, config));
    files
}

/// The HTML, text and metadata files of one email (none if it was not built or its content
/// was already dropped).
pub fn email_files(email: &Email, config: &Config) -> Vec<(String, Vec<u8>)> {
    let (Some(content), Some(entry)) = (&email.content, entry(email, config)) else {
        return Vec::new();
    };
    vec![
        (
            path_of(&email.id, "html"),
            content.html.clone().into_bytes(),
        ),
        (path_of(&email.id, "txt"), content.text.clone().into_bytes()),
        (path_of(&email.id, "json"), to_json(&entry)),
    ]
}

/// The manifest of every built email of the report.
pub fn manifest(report: &Report, config: &Config) -> Manifest {
    Manifest {
        schema_version: SCHEMA_VERSION,
        generator: format!("letterpress {}", env!("CARGO_PKG_VERSION")),
        emails: report
            .emails
            .iter()
            .filter_map(|e| entry(e, config))
            .collect(),
    }
}

/// `manifest.json` for every built email of the report.
pub fn manifest_file(report: &Report, config: &Config) -> (String, Vec<u8>) {
    (
        "manifest.json".to_string(),
        to_json(&manifest(report, config)),
    )
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

pub use staging::{Committed, Staging};

/// Largest previous `manifest.json` letterpress reads (to recognise or complete a bundle).
pub const MAX_MANIFEST_BYTES: u64 = 512 * 1024 * 1024;

/// Why the bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder exists and holds files letterpress did not write.
    #[error(
        "{}: this folder holds files letterpress did not write ({}); a build replaces its output folder as a whole, so letterpress only replaces a folder it built (or an empty one): choose a new or empty folder with --out (or `out:` in letterpress.yaml), or move those files away",
        out.display(), examples(found)
    )]
    NotABundle {
        /// The folder.
        out: PathBuf,
        /// Names found in it, sorted.
        found: Vec<String>,
    },
    /// The output folder would be the project, or a folder containing it.
    #[error(
        "{}: the output folder{} contains the project itself; choose a folder of its own, e.g. --out out",
        out.display(), given_as(given, out)
    )]
    ContainsProject {
        /// What the user wrote.
        given: PathBuf,
        /// What it names.
        out: PathBuf,
    },
    /// The output folder would be inside the project's sources.
    #[error(
        "{}: the output folder is inside {folder}/, where letterpress reads your sources; choose a folder outside it, e.g. --out out",
        out.display()
    )]
    InsideSources {
        /// The folder.
        out: PathBuf,
        /// Which source folder.
        folder: String,
    },
    /// `--out /`.
    #[error(
        "{}: that is the root of the file system; the bundle needs a folder of its own, e.g. --out out",
        .0.display()
    )]
    RootFolder(PathBuf),
    /// The output folder is a symbolic link.
    #[error(
        "{}: the output folder is a symbolic link; a build replaces the folder as a whole, so give the real folder with --out",
        .0.display()
    )]
    Symlink(PathBuf),
    /// The output path is a file.
    #[error(
        "{}: this is a file, not a folder; choose a folder for the bundle with --out",
        .0.display()
    )]
    NotAFolder(PathBuf),
    /// A file name that would leave the bundle (never produced by letterpress itself).
    #[error("refusing to write `{0}`: it would land outside the bundle folder")]
    Escapes(String),
    /// A file system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl WriteError {
    /// Wraps an I/O error about `path`.
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    }
}

fn examples(found: &[String]) -> String {
    let mut shown: Vec<&str> = found.iter().take(4).map(String::as_str).collect();
    if found.len() > shown.len() {
        shown.push("…");
    }
    shown.join(", ")
}

fn given_as(given: &Path, out: &Path) -> String {
    if given == out {
        String::new()
    } else {
        format!(" (`{}`)", given.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Selection;

    fn manifest_of(names: &[(&str, &str, &str)]) -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            generator: "letterpress test".into(),
            emails: names
                .iter()
                .map(|(template, locale, fixture)| Entry {
                    template: (*template).into(),
                    locale: (*locale).into(),
                    fixture: (*fixture).into(),
                    category: Category::Transactional,
                    subject: "s".into(),
                    preheader: "p".into(),
                    html: format!("{locale}/{template}/{fixture}.html"),
                    text: format!("{locale}/{template}/{fixture}.txt"),
                    html_bytes: 1,
                    text_bytes: 1,
                    sha256: String::new(),
                    list_unsubscribe: None,
                    findings: Vec::new(),
                })
                .collect(),
        }
    }

    fn build(
        out: &Path,
        files: &[(&str, &str)],
        emails: &[(&str, &str, &str)],
        selection: &Selection,
    ) -> Committed {
        let staging = Staging::new(out, Path::new("/nonexistent")).unwrap();
        let files: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(p, t)| ((*p).to_string(), t.as_bytes().to_vec()))
            .collect();
        staging.write(&files).unwrap();
        staging.commit(&manifest_of(emails), selection).unwrap()
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn refuses_to_replace_a_folder_that_is_not_a_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep me").unwrap();
        let err = Staging::new(&out, Path::new("/nonexistent")).unwrap_err();
        assert!(matches!(err, WriteError::NotABundle { .. }));
        assert_eq!(
            std::fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep me"
        );
        assert_eq!(names_in(dir.path()), ["out"], "nothing staged beside it");
    }

    #[test]
    fn replaces_a_previous_bundle_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        build(&out, &[("old.txt", "o")], &[], &Selection::default());
        build(&out, &[("new.txt", "n")], &[], &Selection::default());
        assert_eq!(
            names_in(&out),
            [".letterpress-bundle", "manifest.json", "new.txt"]
        );
        assert_eq!(
            names_in(dir.path()),
            ["out"],
            "no temporary folders left behind"
        );
    }

    #[test]
    fn dropping_an_uncommitted_staging_leaves_out_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        build(&out, &[("a.txt", "1")], &[], &Selection::default());
        let staging = Staging::new(&out, Path::new("/x")).unwrap();
        staging.write(&[("a.txt".into(), b"2".to_vec())]).unwrap();
        drop(staging);
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "1");
        assert_eq!(names_in(dir.path()), ["out"], "temporary folder removed");
    }

    #[test]
    fn refuses_an_out_folder_that_contains_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let err = Staging::new(&root, &root.join("sub")).unwrap_err();
        assert!(matches!(err, WriteError::ContainsProject { .. }));
    }

    #[test]
    fn refuses_paths_that_leave_the_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("out"), Path::new("/x")).unwrap();
        for rel in [
            "../escape.html",
            "/etc/x",
            "a/../../b",
            "",
            ".letterpress-bundle",
        ] {
            let err = staging.write(&[(rel.into(), b"x".to_vec())]).unwrap_err();
            assert!(matches!(err, WriteError::Escapes(_)), "{rel}: {err}");
        }
        assert!(!dir.path().join("escape.html").exists());
    }

    #[test]
    fn stale_staging_folders_of_dead_builds_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // A build killed before committing: its marker exists but nobody holds its lock.
        let stale = dir.path().join(".out.tmp-999999-0");
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join(target::MARKER), "").unwrap();
        std::fs::write(stale.join("big.html"), "x").unwrap();
        // A build that is still running holds its lock: left alone.
        let running = Staging::new(&out, Path::new("/x")).unwrap();
        // Someone's folder that merely looks similar: no marker, not empty.
        let theirs = dir.path().join(".out.tmp-12-3");
        std::fs::create_dir(&theirs).unwrap();
        std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
        build(&out, &[], &[], &Selection::default());
        let names = names_in(dir.path());
        assert!(
            !names.contains(&".out.tmp-999999-0".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&".out.tmp-12-3".to_string()), "{names:?}");
        assert_eq!(
            names.len(),
            3,
            "out, the running build's folder, theirs: {names:?}"
        );
        drop(running);
    }

    #[test]
    fn a_filtered_build_keeps_the_emails_it_did_not_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        build(
            &out,
            &[
                ("en/a/x.html", "a1"),
                ("en/b/x.html", "b1"),
                ("tr/a/x.html", "ta1"),
                ("en/a/gone.html", "stale"),
            ],
            &[
                ("a", "en", "x"),
                ("a", "en", "gone"),
                ("a", "tr", "x"),
                ("b", "en", "x"),
            ],
            &Selection::default(),
        );
        let selection = Selection {
            templates: vec!["a".into()],
            locales: vec!["en".into()],
        };
        let committed = build(
            &out,
            &[("en/a/x.html", "a2")],
            &[("a", "en", "x")],
            &selection,
        );
        assert_eq!(committed.kept, 2);
        assert_eq!(
            std::fs::read_to_string(out.join("en/a/x.html")).unwrap(),
            "a2"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("en/b/x.html")).unwrap(),
            "b1"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("tr/a/x.html")).unwrap(),
            "ta1"
        );
        assert!(
            !out.join("en/a/gone.html").exists(),
            "a rebuilt folder holds only the new build"
        );
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        let ids: Vec<String> = manifest["emails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}/{}/{}",
                    e["template"].as_str().unwrap(),
                    e["locale"].as_str().unwrap(),
                    e["fixture"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(ids, ["a/en/x", "a/tr/x", "b/en/x"]);
    }
}
