//! The time bound of one email's Tera step. Tera cannot be interrupted, and a loop that prints
//! nothing (`{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}…`)
//! never reaches the output bound of [`crate::render::limits`]. So the Tera step runs on a
//! thread of its own and the email waits at most [`TIME_LIMIT`] for it: past that, the email
//! gets a finding and the build goes on. The abandoned render keeps running until it ends on its
//! own (one core busy); a command ends it by exiting, `watch` keeps serving meanwhile.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::SourcePos;
use crate::findings::Finding;
use crate::project::EmailTemplate;
use crate::render::{Engine, Rendered};

/// Longest one email's templates may take to render. A real email takes well under 10 ms.
pub const TIME_LIMIT: Duration = Duration::from_secs(5);

/// Renders `template` with `data` in `locale`, giving up after [`TIME_LIMIT`].
pub fn render(
    engine: &Arc<Engine>,
    template: &EmailTemplate,
    locale: &str,
    data: &Map<String, Value>,
) -> Result<Rendered, Finding> {
    let (tx, rx) = mpsc::channel();
    let job = {
        let (engine, template, locale, data) = (
            Arc::clone(engine),
            template.clone(),
            locale.to_string(),
            data.clone(),
        );
        move || {
            crate::pipeline::mark_email_thread(true);
            let result = catch_unwind(AssertUnwindSafe(|| {
                engine.render(&template, &locale, &data)
            }));
            let _ = tx.send(result);
        }
    };
    let spawned = std::thread::Builder::new()
        .name("letterpress-tera".into())
        .stack_size(crate::build::STACK_SIZE)
        .spawn(job);
    if spawned.is_err() {
        // No thread to be had (the system is out of them): render here, unbounded.
        return engine.render(template, locale, data);
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
            Some(SourcePos::file(&template.body.file)),
        )),
        Err(RecvTimeoutError::Disconnected) => Err(Finding::error(
            "build.internal",
            "rendering stopped unexpectedly; simplify the template around recent changes and report it",
            Some(SourcePos::file(&template.body.file)),
        )),
    }
}
