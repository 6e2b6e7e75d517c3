//! Building many emails at once, in parallel with rayon, in a stable order.

use rayon::prelude::*;

use crate::findings::Severity;
use crate::pipeline::{Email, EmailId, Pipeline};

/// Every email of a build, sorted by template, locale and fixture.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The emails.
    pub emails: Vec<Email>,
}

impl Report {
    /// Whether any email has an error-level finding.
    pub fn has_errors(&self) -> bool {
        self.emails.iter().any(Email::has_errors)
    }

    /// Total findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.emails.iter().map(|e| e.count(severity)).sum()
    }

    /// Whether the build fails: errors, or warnings when `strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.has_errors() || (strict && self.count(Severity::Warning) > 0)
    }
}

/// Builds `ids` in parallel; `on_done` is called once per finished email (from any thread),
/// for progress display.
pub fn build_all(
    pipeline: &Pipeline,
    ids: &[EmailId],
    on_done: &(dyn Fn(&Email) + Sync),
) -> Report {
    let mut emails: Vec<Email> = ids
        .par_iter()
        .map(|id| {
            let email = pipeline.build(id);
            on_done(&email);
            email
        })
        .collect();
    emails.sort_by(|a, b| a.id.cmp(&b.id));
    Report { emails }
}
