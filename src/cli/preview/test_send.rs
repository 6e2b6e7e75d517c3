//! The preview's "Send test": a small form on each email's page that posts an address to
//! `/send/<template>/<locale>/<fixture>`; the server delivers the email exactly as
//! `letterpress send` does (the bundle's message, over SMTP). Only a page of this preview may
//! post it: a request from another site (its `Origin`) is refused, so no web page can make the
//! preview mail an unreleased email anywhere.

use std::io::Read;

use letterpress::EmailId;
use letterpress::headers::Mailbox;

use super::pages::esc;
use super::router::segments;
use super::server::{Shared, read};
use super::site::Site;
use crate::cli::send::deliver;
use crate::cli::smtp::Smtp;

/// Path prefix of the form's target.
const PREFIX: &str = "/send/";

/// Largest form body read.
const MAX_FORM_BYTES: u64 = 4096;

/// The form for the page of `id`, naming the SMTP server it would use.
pub fn form(site: &Site, id: &EmailId) -> String {
    let via = match Smtp::from_sources(None, site.smtp_url.as_deref()) {
        Ok(smtp) => format!("through {}", smtp.describe()),
        Err(_) => format!(
            "needs an SMTP server: set {} or smtp.url in letterpress.yaml",
            crate::cli::smtp::URL_VAR
        ),
    };
    format!(
        "<form class=\"test-send\" method=\"post\" action=\"{PREFIX}{}/{}/{}\">\
         <label>Send a test to <input type=\"email\" name=\"to\" required placeholder=\"you@example.com\"></label> \
         <button type=\"submit\">Send test</button> <span class=\"muted small\">{}</span></form>",
        esc(&id.template),
        esc(&id.locale),
        esc(&id.fixture),
        esc(&via)
    )
}

/// Whether a request is a test send.
pub fn is_send(request: &tiny_http::Request) -> bool {
    *request.method() == tiny_http::Method::Post && request.url().starts_with(PREFIX)
}

/// Delivers the email a form posted for, and answers with a small page.
pub fn handle(mut request: tiny_http::Request, site: &Shared) {
    let (status, message) = match answer(&mut request, site) {
        Ok(message) => (200, message),
        Err((status, message)) => (status, message),
    };
    let back = request
        .url()
        .strip_prefix(PREFIX)
        .map(|rest| format!("/email/{}", rest.split('?').next().unwrap_or_default()))
        .unwrap_or_else(|| "/".to_string());
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Test send</title>\
         <link rel=\"stylesheet\" href=\"/_assets/preview.css\"></head><body class=\"test-send-result\">\
         <p>{}</p><p><a href=\"{}\">Back to the email</a></p></body></html>",
        esc(&message),
        esc(&back)
    );
    let mut response = tiny_http::Response::from_data(page.into_bytes()).with_status_code(status);
    for (name, value) in [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
    ] {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    let _ = request.respond(response);
}

fn answer(request: &mut tiny_http::Request, site: &Shared) -> Result<String, (u16, String)> {
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
    };
    if !same_site(header("Origin").as_deref(), header("Host").as_deref()) {
        return Err((
            403,
            "a test send can only be asked from this preview's own page".into(),
        ));
    }
    let path = request
        .url()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let id = match segments(&path).as_deref() {
        Some([_, template, locale, fixture]) => EmailId {
            template: template.clone(),
            locale: locale.clone(),
            fixture: fixture.clone(),
        },
        _ => return Err((404, "no such email".into())),
    };
    let mut body = Vec::new();
    let _ = request
        .as_reader()
        .take(MAX_FORM_BYTES)
        .read_to_end(&mut body);
    let to = url::form_urlencoded::parse(&body)
        .find(|(key, _)| key == "to")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let to = Mailbox::parse(&to).map_err(|e| (400, e))?;
    let (email, smtp_url) = {
        let site = read(site);
        let slot = site
            .emails
            .get(&id)
            .ok_or_else(|| (404, format!("no email {id}")))?;
        (slot.email.clone(), site.smtp_url.clone())
    };
    let smtp = Smtp::from_sources(None, smtp_url.as_deref()).map_err(|e| (503, e))?;
    let answer = deliver(&email, &to, &smtp).map_err(|e| (502, e))?;
    Ok(format!(
        "Sent {id} to {to} through {} ({answer}).",
        smtp.describe()
    ))
}

/// A form post from a page of this server carries its own origin (`http://` + the `Host` it
/// was served under), or none in older browsers; any other site's page is refused.
fn same_site(origin: Option<&str>, host: Option<&str>) -> bool {
    match (origin, host) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .strip_prefix("http://")
            .is_some_and(|o| o.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_this_machine_may_ask_for_a_send() {
        let here = Some("127.0.0.1:3000");
        assert!(same_site(None, here));
        assert!(same_site(Some("http://127.0.0.1:3000"), here));
        assert!(same_site(
            Some("http://192.168.1.5:3000"),
            Some("192.168.1.5:3000")
        ));
        assert!(!same_site(Some("http://evil.example"), here));
        assert!(
            !same_site(Some("http://localhost:3001"), here),
            "another local server"
        );
        assert!(
            !same_site(Some("null"), here),
            "sandboxed frames and file pages"
        );
    }

    #[test]
    fn the_form_escapes_names_and_says_what_it_needs() {
        let id = EmailId {
            template: "a\"b".into(),
            locale: "en".into(),
            fixture: "x".into(),
        };
        let html = form(&Site::default(), &id);
        assert!(html.contains("action=\"/send/a&quot;b/en/x\""), "{html}");
    }
}
