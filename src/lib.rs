//! letterpress builds transactional email: MJML templates written with Tera, one YAML brand,
//! locales and sample data become CSS-inlined, size-checked HTML with a plaintext part and a
//! subject line, checked against the rules of good service email, written as a release bundle.
//!
//! The library is what a sending service depends on (`default-features = false`):
//!
//! ```no_run
//! use letterpress::pipeline::{Pipeline, Selection};
//! let pipeline = Pipeline::load(std::path::Path::new("."))?;
//! let ids = pipeline.emails(&Selection::default())?;
//! let report = letterpress::build::build_all(&pipeline, &ids, &|_| {});
//! assert!(!report.has_errors());
//! # Ok::<(), letterpress::ProjectError>(())
//! ```
#![warn(missing_docs)]

pub mod assets;
pub mod brand;
pub mod build;
pub mod bundle;
pub mod checks;
pub mod config;
pub mod contract;
pub mod dark;
pub mod deadline;
pub mod depth;
pub mod error;
pub mod export;
pub mod files;
pub mod findings;
pub mod headers;
pub mod html;
pub mod l10n;
pub mod locale;
pub mod message;
pub mod mjml;
pub mod names;
pub mod overlay;
pub mod pipeline;
pub mod plaintext;
pub mod project;
pub mod render;
pub mod request;
pub mod sanitize;
pub mod scaffold;
pub mod spelling;
pub mod starter;
pub mod stored;
pub mod symbolic;
pub mod tera_messages;
pub mod treatment;
pub mod yaml;

pub use error::{ProjectError, SourcePos};
pub use findings::{Finding, Severity};
pub use pipeline::{Email, EmailId, Pipeline, Selection};
