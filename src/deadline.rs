//! The time bound of one email's Tera step. Tera cannot be interrupted, and a loop that prints
//! nothing (`{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}…`)
//! never reaches the output bound of [`crate::render::limits`]. So the Tera step runs on a
//! worker thread and the email waits at most [`TIME_LIMIT`] for it: past that, the email gets a
//! finding and the build goes on. The abandoned render keeps its worker (one core busy) until
//! it ends on its own; a command ends it by exiting, `watch` keeps serving meanwhile.
//!
//! Workers are kept between emails (a thread per email cost more than the render itself);
//! a worker that is busy, or stuck in a runaway render, is simply not handed new work, and a
//! new one is started when none is free.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::SourcePos;
use crate::findings::Finding;
use crate::project::EmailTemplate;
use crate::render::{Engine, Rendered};

/// Longest one email's templates may take to render. A real email takes well under 10 ms.
pub const TIME_LIMIT: Duration = Duration::from_secs(5);

/// A unit of work for a worker, with where to send its outcome.
type Job = Box<dyn FnOnce() + Send>;

/// Workers waiting for a job: the sending end of each one's queue.
static IDLE: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

/// Renders `template` with `data` in `locale`, giving up after [`TIME_LIMIT`].
pub fn render(
    engine: &Arc<Engine>,
    template: &EmailTemplate,
    locale: &str,
    data: &Map<String, Value>,
) -> Result<Rendered, Finding> {
    let (engine, owned, locale, data) = (
        Arc::clone(engine),
        template.clone(),
        locale.to_string(),
        data.clone(),
    );
    bounded(&template.body.file, move || {
        engine.render(&owned, &locale, &data)
    })
}

/// Runs `work` (a Tera render and what it needs around it) on a worker, giving up after
/// [`TIME_LIMIT`] with a finding about `file`.
pub fn bounded<T: Send + 'static>(
    file: &Path,
    work: impl FnOnce() -> Result<T, Finding> + Send + 'static,
) -> Result<T, Finding> {
    let (tx, rx) = mpsc::channel::<std::thread::Result<Result<T, Finding>>>();
    let job: Job = Box::new(move || {
        let outcome = catch_unwind(AssertUnwindSafe(work));
        let _ = tx.send(outcome);
    });
    if let Err(job) = hand_over(job) {
        // No thread to be had (the system is out of them): render here, unbounded.
        job();
    }
    match rx.recv_timeout(TIME_LIMIT) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => resume_unwind(panic),
        Err(RecvTimeoutError::Timeout) => Err(Finding::error(
            "build.template",
            format!(
                "rendering took longer than {} s, so letterpress stopped waiting; look for a loop that runs too often (nested loops over large ranges) in this template or its layout and partials",
                TIME_LIMIT.as_secs()
            ),
            Some(SourcePos::file(file)),
        )),
        Err(RecvTimeoutError::Disconnected) => Err(Finding::error(
            "build.internal",
            "rendering stopped unexpectedly; simplify the template around recent changes and report it",
            Some(SourcePos::file(file)),
        )),
    }
}

/// Gives `job` to an idle worker, or to a new one. Gives it back when no thread can be made.
fn hand_over(mut job: Job) -> Result<(), Job> {
    loop {
        let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let Some(worker) = idle else { break };
        match worker.send(job) {
            Ok(()) => return Ok(()),
            // That worker is gone: try the next one.
            Err(returned) => job = returned.0,
        }
    }
    let (tx, rx) = mpsc::channel::<Job>();
    let me = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("letterpress-tera".into())
        .stack_size(crate::build::STACK_SIZE)
        .spawn(move || work(&me, &rx));
    if spawned.is_err() {
        return Err(job);
    }
    tx.send(job).map_err(|returned| returned.0)
}

/// A worker: runs jobs from its queue, putting itself back on the idle list after each one.
fn work(me: &Sender<Job>, jobs: &Receiver<Job>) {
    crate::pipeline::mark_email_thread(true);
    while let Ok(job) = jobs.recv() {
        job();
        IDLE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(me.clone());
    }
}
