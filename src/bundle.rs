//! The release bundle: one folder per locale and template with an HTML, text and metadata file
//! per fixture, and `manifest.json`. [`files`] lists the bundle as data (the preview server
//! serves it from memory); [`write_atomic`] writes it to disk so a reader never sees half of it.

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
    /// Local images and files the email references, relative to the bundle
    /// (`assets/logo.png`), published at `assets.base-url`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<String>,
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
        assets: summary
            .assets
            .iter()
            .map(|a| format!("{}/{a}", crate::assets::DIR))
            .collect(),
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

/// `manifest.json` for every built email of the report.
pub fn manifest_file(report: &Report, config: &Config) -> (String, Vec<u8>) {
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        generator: format!("letterpress {}", env!("CARGO_PKG_VERSION")),
        emails: report
            .emails
            .iter()
            .filter_map(|e| entry(e, config))
            .collect(),
    };
    ("manifest.json".to_string(), to_json(&manifest))
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The `assets/` files the built emails of `report` reference, as bundle files
/// (`assets/<path>`), read from the project's folder: only what emails use is published.
pub fn asset_files(
    report: &Report,
    assets: &crate::assets::Assets,
) -> Result<Vec<(String, Vec<u8>)>, WriteError> {
    let used: std::collections::BTreeSet<&str> = report
        .emails
        .iter()
        .filter_map(|e| e.summary.as_ref())
        .flat_map(|s| s.assets.iter().map(String::as_str))
        .collect();
    used.into_iter()
        .map(|path| {
            let rel = format!("{}/{path}", crate::assets::DIR);
            assets
                .read(path)
                .map(|bytes| (rel.clone(), bytes))
                .map_err(|source| WriteError::Io {
                    path: PathBuf::from(rel),
                    source,
                })
        })
        .collect()
}

/// Why the bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder exists but is not a bundle letterpress wrote: refusing to replace it.
    #[error("{}: exists and is not a letterpress bundle (no manifest.json); choose another --out or remove it", .0.display())]
    NotABundle(PathBuf),
    /// The output folder would contain the project itself.
    #[error("{}: the output folder contains the project; choose another --out", .0.display())]
    ContainsProject(PathBuf),
    /// A file system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes `files` as the folder `out`: first into a temporary folder beside it, then swapped
/// in, so `out` is always either the previous bundle or the complete new one.
pub fn write_atomic(
    out: &Path,
    files: &[(String, Vec<u8>)],
    project_root: &Path,
) -> Result<(), WriteError> {
    let staging = Staging::new(out, project_root)?;
    staging.write(files)?;
    staging.commit()
}

/// A bundle being written: files go into a temporary folder beside the output folder as they
/// are ready; [`Staging::commit`] swaps it in, dropping it without a commit removes it and leaves
/// the previous output untouched.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl Staging {
    /// Prepares to replace `out`; refuses a folder that is not a previous bundle or that
    /// contains the project.
    pub fn new(out: &Path, project_root: &Path) -> Result<Staging, WriteError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let parent = parent.canonicalize().map_err(io(&parent))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "out".into());
        let out = parent.join(&name);
        if project_root.starts_with(&out) {
            return Err(WriteError::ContainsProject(out));
        }
        if out.exists() && !is_replaceable(&out) {
            return Err(WriteError::NotABundle(out));
        }
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        Ok(Staging {
            out,
            tmp,
            committed: false,
        })
    }

    /// Writes files (relative paths) into the staging folder; callable from many threads.
    pub fn write(&self, files: &[(String, Vec<u8>)]) -> Result<(), WriteError> {
        for (rel, bytes) in files {
            let path = self.tmp.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
            }
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        Ok(())
    }

    /// Swaps the staged bundle in place of the output folder.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let old = self.tmp.with_file_name(
            self.tmp
                .file_name()
                .map(|n| n.to_string_lossy().replace(".tmp-", ".old-"))
                .unwrap_or_default(),
        );
        if self.out.exists() {
            std::fs::rename(&self.out, &old).map_err(io(&self.out))?;
        }
        if let Err(source) = std::fs::rename(&self.tmp, &self.out) {
            // Put the previous bundle back before reporting.
            let _ = std::fs::rename(&old, &self.out);
            return Err(WriteError::Io {
                path: self.out.clone(),
                source,
            });
        }
        self.committed = true;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(())
    }

    /// The folder the bundle will replace.
    pub fn out(&self) -> &Path {
        &self.out
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io { path, source }
}

/// An existing output folder may be replaced when it is empty or holds a manifest.
fn is_replaceable(out: &Path) -> bool {
    out.is_dir()
        && (out.join("manifest.json").is_file()
            || std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_a_folder_that_is_not_a_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep me").unwrap();
        let err = write_atomic(
            &out,
            &[("a.txt".into(), b"x".to_vec())],
            Path::new("/nonexistent"),
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::NotABundle(_)));
        assert_eq!(
            std::fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn replaces_a_previous_bundle_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_atomic(
            &out,
            &[
                ("manifest.json".into(), b"1".to_vec()),
                ("old.txt".into(), b"o".to_vec()),
            ],
            Path::new("/x"),
        )
        .unwrap();
        write_atomic(
            &out,
            &[("manifest.json".into(), b"2".to_vec())],
            Path::new("/x"),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("manifest.json")).unwrap(),
            "2"
        );
        assert!(
            !out.join("old.txt").exists(),
            "stale files from the previous bundle are gone"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers,
            vec![std::ffi::OsString::from("out")],
            "no temporary folders left behind"
        );
    }

    #[test]
    fn dropping_an_uncommitted_staging_leaves_out_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_atomic(
            &out,
            &[("manifest.json".into(), b"1".to_vec())],
            Path::new("/x"),
        )
        .unwrap();
        let staging = Staging::new(&out, Path::new("/x")).unwrap();
        staging
            .write(&[("manifest.json".into(), b"2".to_vec())])
            .unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("manifest.json")).unwrap(),
            "1"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary folder removed"
        );
    }

    #[test]
    fn refuses_an_out_folder_that_contains_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let err = write_atomic(&root, &[], &root.join("sub")).unwrap_err();
        assert!(matches!(err, WriteError::ContainsProject(_)));
    }
}
