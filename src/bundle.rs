//! The release bundle: one folder per locale and template with an HTML, text, message (`.eml`)
//! and metadata file per fixture, and `manifest.json`. [`files`] lists the bundle as data (the
//! preview server serves it from memory); [`Staging`] writes it to disk so a reader never sees
//! half of it.

mod carry;
mod error;
mod staging;
mod swap;
pub mod target;

use serde::Serialize;

use crate::build::Report;
use crate::config::Config;
use crate::findings::Finding;
use crate::headers::Headers;
use crate::message::{self, Parts, Stamp};
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
    /// Every template: the data it reads and its data contract (for a sending service to
    /// validate its data before sending). Empty in a preview.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<TemplateEntry>,
}

/// One template in the manifest.
#[derive(Debug, Serialize)]
pub struct TemplateEntry {
    /// Template name.
    pub name: String,
    /// Every data path it prints, tests or loops over (`order.items[].name`), sorted.
    pub variables: Vec<String>,
    /// The file its contract is declared in, relative to the project; `null` when inferred.
    pub schema_file: Option<String>,
    /// Its data contract (JSON Schema), declared or inferred; `null` for plain MJML, which
    /// reads no data, and for a schema file that is broken (the build reports it).
    pub schema: Option<serde_json::Value>,
}

/// The manifest entries of every template of the project.
pub fn templates(pipeline: &crate::pipeline::Pipeline) -> Vec<TemplateEntry> {
    pipeline
        .project
        .templates
        .iter()
        .map(|template| {
            if !template.treatment.tera {
                return TemplateEntry {
                    name: template.name.clone(),
                    variables: Vec::new(),
                    schema_file: None,
                    schema: None,
                };
            }
            let contract = pipeline.contract(template).ok();
            let variables = match pipeline.program(template, &pipeline.project.locales.default) {
                Ok(program) => crate::contract::Usage::of(&program).variables(),
                Err(_) => contract
                    .as_ref()
                    .map(|c| crate::contract::paths(&c.contract.schema))
                    .unwrap_or_default(),
            };
            TemplateEntry {
                name: template.name.clone(),
                variables,
                schema_file: contract
                    .as_ref()
                    .and_then(|c| c.contract.file.as_ref())
                    .map(|f| f.display().to_string()),
                schema: contract.map(|c| c.contract.schema.clone()),
            }
        })
        .collect()
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
    /// The complete message (RFC 5322, text and HTML parts), relative to the bundle.
    pub eml: String,
    /// HTML size in bytes.
    pub html_bytes: usize,
    /// Text size in bytes.
    pub text_bytes: usize,
    /// sha256 of the HTML, hex.
    pub sha256: String,
    /// From, Reply-To and unsubscribe headers, keyed by header name.
    pub headers: Headers,
    /// Local images and files the email references, relative to the bundle
    /// (`assets/logo.png`), published at `assets.base-url`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<String>,
    /// `List-Unsubscribe` headers for marketing email, when configured (also in `headers`;
    /// kept for readers of earlier manifests).
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
pub fn entry(email: &Email, _config: &Config) -> Option<Entry> {
    let summary = email.summary.as_ref()?;
    let headers = &summary.headers;
    let list_unsubscribe = match (email.category, &headers.list_unsubscribe) {
        (Category::Marketing, Some(value)) => Some(ListUnsubscribeHeaders {
            list_unsubscribe: value.clone(),
            list_unsubscribe_post: headers.list_unsubscribe_post.clone(),
        }),
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
        eml: path_of(&email.id, "eml"),
        html_bytes: summary.html_bytes,
        text_bytes: summary.text_bytes,
        sha256: summary.sha256_hex(),
        headers: Headers::clone(headers),
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

/// The HTML, text, message and metadata files of one email (none if it was not built or its
/// content was already dropped).
pub fn email_files(email: &Email, config: &Config) -> Vec<(String, Vec<u8>)> {
    let (Some(content), Some(entry)) = (&email.content, entry(email, config)) else {
        return Vec::new();
    };
    let mut files = vec![
        (
            path_of(&email.id, "html"),
            content.html.clone().into_bytes(),
        ),
        (path_of(&email.id, "txt"), content.text.clone().into_bytes()),
    ];
    if let Some(eml) = sample_message(email) {
        files.push((path_of(&email.id, "eml"), eml));
    }
    files.push((path_of(&email.id, "json"), to_json(&entry)));
    files
}

/// The bundle's message of an email: addressed to the fixture's example recipient, stamped
/// from its content (Date from `SOURCE_DATE_EPOCH` when set), so builds are byte-identical.
pub fn sample_message(email: &Email) -> Option<Vec<u8>> {
    let (content, summary) = (email.content.as_ref()?, email.summary.as_ref()?);
    let parts = Parts {
        content,
        headers: &summary.headers,
        to: &summary.recipient,
        locale: &email.id.locale,
    };
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok());
    message::build(&parts, &Stamp::derived(&parts, epoch)).ok()
}

/// The manifest of every built email of the report.
pub fn manifest(report: &Report, config: &Config) -> Manifest {
    Manifest {
        schema_version: SCHEMA_VERSION,
        generator: generator(),
        emails: entries(report, config).collect(),
        templates: Vec::new(),
    }
}

/// What the manifest names as its writer: `letterpress <version>`.
pub fn generator() -> String {
    format!("letterpress {}", env!("CARGO_PKG_VERSION"))
}

/// The manifest entries of the report's built emails, in its order, made one at a time: a
/// build writes them out as they come rather than holding ten thousand of them at once.
pub fn entries<'a>(report: &'a Report, config: &'a Config) -> impl Iterator<Item = Entry> + 'a {
    report.emails.iter().filter_map(move |e| entry(e, config))
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

pub use error::WriteError;
pub use staging::{Committed, Staging};

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
                    path: std::path::PathBuf::from(rel),
                    source,
                })
        })
        .collect()
}

/// Largest previous `manifest.json` letterpress reads (to recognise or complete a bundle).
pub const MAX_MANIFEST_BYTES: u64 = 512 * 1024 * 1024;
