//! Building many emails at once, in parallel with rayon, in a stable order, on threads with a
//! large fixed stack.

use std::sync::OnceLock;

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
        self.emails.iter().any(|email| email.fails(strict))
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

/// Stack of every thread that builds emails: 64 MiB (reserved, not used, until needed). mrml
/// and the HTML steps recurse once per nested element; with the depth bound of
/// [`crate::depth`] this leaves a wide margin where the default 2 MiB leaves none.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// The pool that builds emails, created on first use.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("letterpress-email-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `work` on a thread of the email pool (large stack); `render` and `watch` build single
/// emails through this.
pub fn on_email_thread<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Builds `ids` in parallel, passing each finished email through `finish` (from any thread)
/// before it is kept: a build that writes emails out as they come drops their content there,
/// so memory does not grow with the HTML of every email.
///
/// Each locale's dictionary starts loading at once on a thread of its own, and the emails are
/// ordered by locale, the default first: while a large dictionary loads (Turkish: 9 MB, a fifth
/// of a second), the thread that starts on the default locale's emails builds them instead of
/// waiting for it. (Taking the emails strictly in this order, with `par_bridge`, measured the
/// same: the load, not the order, is the longest path.)
pub fn build_each(
    pipeline: &Pipeline,
    ids: &[EmailId],
    finish: &(dyn Fn(Email) -> Email + Sync),
) -> Report {
    let mut order: Vec<&EmailId> = ids.iter().collect();
    order.sort_by_key(|id| pipeline.locale_rank(&id.locale));
    let mut locales: Vec<&str> = order.iter().map(|id| id.locale.as_str()).collect();
    locales.dedup();
    let mut emails: Vec<Email> = std::thread::scope(|scope| {
        for locale in locales {
            // without a thread of its own (none to be had), the first email to need it loads it
            let _ = std::thread::Builder::new()
                .name(format!("letterpress-dictionary-{locale}"))
                .spawn_scoped(scope, move || {
                    // a panic is not the build's end: the first email needing the dictionary
                    // loads it again and reports what went wrong as its finding
                    crate::pipeline::mark_email_thread(true);
                    let load = std::panic::AssertUnwindSafe(|| pipeline.load_dictionary(locale));
                    let _ = std::panic::catch_unwind(load);
                });
        }
        on_email_thread(|| {
            order
                .par_iter()
                .map(|id| finish(pipeline.build(id)))
                .collect()
        })
    });
    // ids are unique (the project refuses two files for one fixture): an unstable sort orders
    // them the same, without a buffer of half the report (30 MB at 100,000 emails)
    emails.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Report { emails }
}
