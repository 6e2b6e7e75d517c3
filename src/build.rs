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
    build_each(pipeline, ids, &|email| {
        on_done(&email);
        email
    })
}

/// Builds `ids` in parallel, passing each finished email through `finish` (from any thread)
/// before it is kept: a build that writes emails out as they come drops their content there,
/// so memory does not grow with the HTML of every email.
pub fn build_each(
    pipeline: &Pipeline,
    ids: &[EmailId],
    finish: &(dyn Fn(Email) -> Email + Sync),
) -> Report {
    let mut emails: Vec<Email> = ids
        .par_iter()
        .map(|id| finish(pipeline.build(id)))
        .collect();
    emails.sort_by(|a, b| a.id.cmp(&b.id));
    Report { emails }
}
