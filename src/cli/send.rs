//! `letterpress send TEMPLATE --to ADDRESS`: a test send of one email, built as the bundle
//! builds it, as the bundle's `.eml` message, over SMTP. The message differs from the
//! bundle's file only in `To` (the address given), `Date` (now, so the inbox files it as new
//! mail) and `Message-ID` (its own, so a repeat send is not folded into the last one).

use std::time::SystemTime;

use letterpress::headers::Mailbox;
use letterpress::message::{self, Parts, Stamp};
use letterpress::pipeline::{EmailId, Pipeline};
use letterpress::{Email, Severity};

use super::args::SendArgs;
use super::commands::fail;
use super::smtp::Smtp;
use super::{EXIT_FINDINGS, EXIT_OK};

/// Runs `send`.
pub fn run(args: &SendArgs) -> u8 {
    let pipeline = match Pipeline::load(&args.project) {
        Ok(p) => p,
        Err(err) => return fail(err),
    };
    let to = match Mailbox::parse(&args.to) {
        Ok(to) => to,
        Err(err) => return fail(format!("--to: {err}")),
    };
    let smtp = match Smtp::from_settings(args.smtp.as_deref(), &pipeline.project.config) {
        Ok(smtp) => smtp,
        Err(err) => return fail(err),
    };
    let id = match email_id(&pipeline, args) {
        Ok(id) => id,
        Err(err) => return fail(err),
    };
    let email = pipeline.build(&id);
    for finding in &email.findings {
        eprintln!("{finding}");
    }
    match deliver(&email, &to, &smtp) {
        Ok(answer) => {
            println!("sent {id} to {to} through {} ({answer})", smtp.describe());
            if email.has_errors() {
                eprintln!(
                    "note: this email has {} error-level findings (above); it was sent so you can see it",
                    email.count(Severity::Error)
                );
                EXIT_FINDINGS
            } else {
                EXIT_OK
            }
        }
        Err(err) => {
            let _ = fail(err);
            EXIT_FINDINGS
        }
    }
}

/// The email the arguments name: the default locale and the first fixture unless given.
fn email_id(pipeline: &Pipeline, args: &SendArgs) -> Result<EmailId, String> {
    let project = &pipeline.project;
    let locale = args
        .locale
        .clone()
        .unwrap_or_else(|| project.locales.default.clone());
    let selection = letterpress::Selection {
        templates: vec![args.template.clone()],
        locales: vec![locale],
    };
    let ids = pipeline.emails(&selection).map_err(|e| e.to_string())?;
    match &args.fixture {
        None => ids.into_iter().next(),
        Some(name) => ids.into_iter().find(|id| &id.fixture == name),
    }
    .ok_or_else(|| {
        let known: Vec<_> = project
            .fixtures_of(&args.template)
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        format!(
            "`{}` has no fixture `{}`; fixtures: {}",
            args.template,
            args.fixture.as_deref().unwrap_or_default(),
            known.join(", ")
        )
    })
}

/// Sends a built email to `to`; returns the server's answer. An email that did not build is
/// not sent.
pub fn deliver(email: &Email, to: &Mailbox, smtp: &Smtp) -> Result<String, String> {
    let (Some(content), Some(summary)) = (&email.content, &email.summary) else {
        return Err(format!(
            "{} did not build, so there is nothing to send: fix the error above first",
            email.id
        ));
    };
    let parts = Parts {
        content,
        headers: &summary.headers,
        to,
        locale: &email.id.locale,
    };
    let stamp = Stamp::delivery(&parts, SystemTime::now());
    let bytes = message::build(&parts, &stamp).map_err(|e| e.to_string())?;
    smtp.deliver(summary.headers.from.address(), to.address(), &bytes)
}
