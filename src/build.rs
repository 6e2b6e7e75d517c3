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

/// Most emails one thread of the pool puts aside, waiting for a dictionary, to build others:
/// each one keeps its HTML and parsed tree meanwhile.
const MAX_PUT_ASIDE: usize = 8;

thread_local! {
    /// How many emails on this thread are put aside by [`build_others_until`].
    static PUT_ASIDE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// While the email on this thread waits for something another thread is making (a
/// dictionary: `ready` says when it is there), builds other emails of the pool's work on this
/// thread instead of waiting idle. Returns once `ready`, once the pool has no work left to
/// take, or at once when [`MAX_PUT_ASIDE`] emails on this thread already wait; the caller then
/// waits as before. Outside the pool it does nothing.
///
/// On a small build every email reaches the spelling rule before the loader has read the
/// dictionary (`en_US` takes 12–35 ms): without this both email threads sat idle for that
/// long, a quarter of the build of the 34 official MJML templates.
///
/// The work taken meanwhile is not part of the waiting email: the thread is not marked as
/// building one while it runs (a panic there is the panic hook's to report, not the email's).
pub(crate) fn build_others_until(ready: impl Fn() -> bool) {
    /// Takes this thread's email back off the count, and gives the thread back its mark,
    /// however the work below ends.
    struct Resume {
        aside: usize,
        in_email: bool,
    }
    impl Drop for Resume {
        fn drop(&mut self) {
            PUT_ASIDE.set(self.aside);
            crate::pipeline::mark_email_thread(self.in_email);
        }
    }
    let aside = PUT_ASIDE.get();
    if aside >= MAX_PUT_ASIDE {
        return;
    }
    let _resume = Resume {
        aside,
        in_email: crate::pipeline::in_email_pipeline(),
    };
    PUT_ASIDE.set(aside + 1);
    crate::pipeline::mark_email_thread(false);
    while !ready() && rayon::yield_now() == Some(rayon::Yield::Executed) {}
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
            // one email a job: a thread that runs out of work takes single emails from the
            // other, instead of idling while it works through a chunk of them alone (the last
            // 10-30 ms of the official templates' build ran on one thread)
            order
                .par_iter()
                .with_max_len(1)
                .map(|id| finish(pipeline.build(id)))
                .collect()
        })
    });
    // ids are unique (the project refuses two files for one fixture): an unstable sort orders
    // them the same, without a buffer of half the report (30 MB at 100,000 emails)
    emails.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Report { emails }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use super::*;

    fn one_thread() -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool of one thread")
    }

    #[test]
    fn a_waiting_email_builds_the_others_meanwhile() {
        // one thread: the second half of the join only runs if the first puts itself aside
        let ready = AtomicBool::new(false);
        let seen = one_thread().install(|| {
            rayon::join(
                || {
                    build_others_until(|| ready.load(Ordering::Acquire));
                    ready.load(Ordering::Acquire)
                },
                || ready.store(true, Ordering::Release),
            )
            .0
        });
        assert!(seen, "the waiting job ran the other one before it went on");
    }

    #[test]
    fn at_most_so_many_emails_wait_on_one_thread() {
        // every job waits for something that never comes, and builds the next ones meanwhile
        let (ran, deepest) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let jobs = 4 * MAX_PUT_ASIDE;
        let after = one_thread().install(|| {
            (0..jobs).into_par_iter().with_max_len(1).for_each(|_| {
                ran.fetch_add(1, Ordering::AcqRel);
                build_others_until(|| {
                    deepest.fetch_max(PUT_ASIDE.get(), Ordering::AcqRel);
                    false
                });
            });
            PUT_ASIDE.get()
        });
        assert_eq!(ran.load(Ordering::Acquire), jobs, "every job ran");
        assert_eq!(deepest.load(Ordering::Acquire), MAX_PUT_ASIDE);
        assert_eq!(
            after, 0,
            "the pool's thread counts no email aside once all are done"
        );
    }

    #[test]
    fn work_taken_meanwhile_is_not_marked_as_the_waiting_email() {
        let ready = AtomicBool::new(false);
        let (marked_meanwhile, marked_after) = one_thread().install(|| {
            crate::pipeline::mark_email_thread(true);
            let (after, meanwhile) = rayon::join(
                || {
                    build_others_until(|| ready.load(Ordering::Acquire));
                    crate::pipeline::in_email_pipeline()
                },
                || {
                    ready.store(true, Ordering::Release);
                    crate::pipeline::in_email_pipeline()
                },
            );
            crate::pipeline::mark_email_thread(false);
            (meanwhile, after)
        });
        assert!(!marked_meanwhile, "the other job ran unmarked");
        assert!(marked_after, "the waiting email got its mark back");
    }

    #[test]
    fn outside_the_pool_nothing_else_runs() {
        let asked = AtomicUsize::new(0);
        build_others_until(|| {
            asked.fetch_add(1, Ordering::AcqRel);
            false
        });
        assert_eq!(
            asked.load(Ordering::Acquire),
            1,
            "asked once, then left to wait"
        );
    }
}
