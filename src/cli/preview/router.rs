//! URL → response, from the in-memory build only: nothing is read from disk, so no request can
//! reach a file. Segments are percent-decoded and `..`, `.`, empty segments, slashes and
//! backslashes inside a segment, and non-origin-form targets are refused with 400.

use super::pages;
use super::site::Site;

/// The stylesheet of the preview pages.
pub const CSS: &str = include_str!("assets/preview.css");
/// The preview pages' own script: tabs, widths, filter, frame height.
pub const UI_JS: &str = include_str!("assets/preview.js");
/// The live-reload script (server-sent events), in preview pages only.
pub const LIVE_JS: &str = include_str!("assets/live.js");
/// The syntax colouring module, over the vendored highlight.js.
pub const HIGHLIGHT_JS: &str = include_str!("assets/highlight.js");

/// highlight.js 11.11.1 (BSD-3-Clause): the core and the grammars the preview uses.
const VENDOR: [(&str, &str); 4] = [
    (
        "core.min.js",
        include_str!("assets/vendor/highlight/core.min.js"),
    ),
    (
        "xml.min.js",
        include_str!("assets/vendor/highlight/xml.min.js"),
    ),
    (
        "yaml.min.js",
        include_str!("assets/vendor/highlight/yaml.min.js"),
    ),
    (
        "django.min.js",
        include_str!("assets/vendor/highlight/django.min.js"),
    ),
];

/// Where local assets are served; the emails' references point here in the preview.
const ASSETS_PATH: &str = "/assets/";

/// The path of the server-sent events stream, handled by the server itself.
pub const EVENTS: &str = "/_events";

/// A response, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Content-Type header.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// Whether this is an email's own HTML (served with a policy that forbids scripts).
    pub email_html: bool,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            email_html: false,
        }
    }

    fn html(body: String) -> Reply {
        Reply::new(200, "text/html; charset=utf-8", body)
    }

    fn error(status: u16, message: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", format!("{message}\n"))
    }
}

/// Answers a request for `url` (the request target as sent).
pub fn route(method: &str, url: &str, site: &Site) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::error(405, "method not allowed");
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Some(segments) = segments(path) else {
        return Reply::error(400, "bad path");
    };
    let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    match parts.as_slice() {
        [] => Reply::html(pages::index(site)),
        ["_assets", "preview.css"] => Reply::new(200, "text/css; charset=utf-8", CSS),
        ["_assets", "preview.js"] => Reply::new(200, "text/javascript; charset=utf-8", UI_JS),
        ["_assets", "live.js"] => Reply::new(200, "text/javascript; charset=utf-8", LIVE_JS),
        ["_assets", "highlight.js"] => {
            Reply::new(200, "text/javascript; charset=utf-8", HIGHLIGHT_JS)
        }
        ["_assets", "vendor", "highlight", file] => match VENDOR.iter().find(|(n, _)| n == file) {
            Some((_, js)) => Reply::new(200, "text/javascript; charset=utf-8", *js),
            None => Reply::error(404, "not found"),
        },
        ["assets", rest @ ..] | ["raw", _, _, "assets", rest @ ..] => asset(site, rest),
        ["source", rest @ ..] if !rest.is_empty() => match pages::source(site, &rest.join("/")) {
            Some(page) => Reply::html(page),
            None => Reply::error(404, "not a source file of this project"),
        },
        ["_version"] => Reply::new(200, "text/plain", site.version.to_string()),
        ["email", template, locale, fixture] => {
            match pages::email(site, &email_id(template, locale, fixture)) {
                Some(page) => Reply::html(page),
                None => Reply::error(404, "no such email"),
            }
        }
        ["raw", template, locale, file] => raw(site, template, locale, file),
        _ => Reply::error(404, "not found"),
    }
}

/// The email's own HTML or text, exactly as built (the last good build while it is broken).
fn raw(site: &Site, template: &str, locale: &str, file: &str) -> Reply {
    let (fixture, html) = match (file.strip_suffix(".html"), file.strip_suffix(".txt")) {
        (Some(stem), _) => (stem, true),
        (_, Some(stem)) => (stem, false),
        _ => return Reply::error(404, "not found"),
    };
    let Some(slot) = site.emails.get(&email_id(template, locale, fixture)) else {
        return Reply::error(404, "no such email");
    };
    match (&slot.last_good, html) {
        (Some(content), true) => {
            // the built HTML, with its local assets pointed at this server
            let from = site.asset_base.as_deref().unwrap_or("assets/");
            let html =
                letterpress::assets::relocate(&content.html, from, ASSETS_PATH, &content.assets);
            Reply {
                email_html: true,
                ..Reply::new(200, "text/html; charset=utf-8", html)
            }
        }
        (Some(content), false) => {
            Reply::new(200, "text/plain; charset=utf-8", content.text.clone())
        }
        // with the emails' no-script policy too (beside the frame's sandbox): live.js swaps the
        // next email into this document
        (None, true) => Reply {
            email_html: true,
            ..Reply::html(pages::never_built())
        },
        (None, false) => Reply::error(404, "this email has not built yet"),
    }
}

/// A local asset an email uses, from memory (served with the same no-script policy as the
/// emails: an SVG opened on its own cannot run anything).
fn asset(site: &Site, segments: &[&str]) -> Reply {
    let path = segments.join("/");
    match site.images.get(&path) {
        Some(image) => Reply {
            email_html: true,
            ..Reply::new(
                200,
                super::images::content_type(&path),
                image.bytes.as_ref().clone(),
            )
        },
        None => Reply::error(404, "no email uses this file of assets/"),
    }
}

fn email_id(template: &str, locale: &str, fixture: &str) -> letterpress::EmailId {
    letterpress::EmailId {
        template: template.to_string(),
        locale: locale.to_string(),
        fixture: fixture.to_string(),
    }
}

/// The decoded segments of an origin-form path, or `None` when the path must be refused.
pub fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    rest.split('/')
        .map(|raw| {
            let seg = decode(raw)?;
            let bad = seg.is_empty()
                || seg == "."
                || seg == ".."
                || seg.contains(['/', '\\', '\0'])
                || seg.contains(':');
            (!bad).then_some(seg)
        })
        .collect()
}

/// Percent-decodes one segment; `None` when malformed or not UTF-8.
fn decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use letterpress::pipeline::Content;
    use letterpress::project::Category;
    use letterpress::{Email, EmailId};

    fn site() -> Site {
        let mut site = Site {
            sender_name: "Fernwood".into(),
            clip: 102_000,
            ..Site::default()
        };
        let id = EmailId {
            template: "order".into(),
            locale: "en".into(),
            fixture: "default".into(),
        };
        let email = Email {
            id: id.clone(),
            category: Category::Transactional,
            template_file: "templates/order.mjml".into(),
            summary: None,
            content: Some(Box::new(Content {
                subject: "Your order".into(),
                preheader: "It is on its way".into(),
                html: "<html><body><p>Hello</p></body></html>".into(),
                text: "Hello".into(),
                assets: vec![],
            })),
            findings: vec![],
        };
        site.emails.insert(
            id,
            super::super::site::Slot {
                last_good: email.content.clone(),
                email,
                revision: 1,
                images_revision: 0,
            },
        );
        site
    }

    #[test]
    fn serves_the_index_and_the_email_page() {
        let site = site();
        let index = route("GET", "/", &site);
        assert_eq!(index.status, 200);
        let body = String::from_utf8(index.body).unwrap();
        assert!(body.contains("Your order") && body.contains("/email/order/en/default"));
        let page = route("GET", "/email/order/en/default", &site);
        assert_eq!(page.status, 200);
        let body = String::from_utf8(page.body).unwrap();
        assert!(
            body.contains("/_assets/live.js"),
            "live reload is injected in pages"
        );
    }

    #[test]
    fn serves_the_email_html_unmodified() {
        let reply = route("GET", "/raw/order/en/default.html?rev=3", &site());
        assert_eq!(reply.status, 200);
        assert!(reply.email_html);
        assert_eq!(reply.body, b"<html><body><p>Hello</p></body></html>");
        let text = route("GET", "/raw/order/en/default.txt", &site());
        assert_eq!(text.body, b"Hello");
    }

    #[test]
    fn refuses_traversal_and_absolute_paths() {
        let site = site();
        for url in [
            "/../Cargo.toml",
            "/raw/../../etc/passwd",
            "/raw/%2e%2e/%2E%2E/etc/passwd",
            "/raw/order/en/..%2f..%2fCargo.toml",
            "/raw/order/en/%2fetc%2fpasswd",
            "/raw/order/en/..%5c..%5cCargo.toml",
            "//etc/passwd",
            "/_assets/./preview.css",
            "/raw/order/en/%zz",
            "/raw/order/en/C:%5cwindows",
            "http://evil/etc/passwd",
            "etc/passwd",
        ] {
            let reply = route("GET", url, &site);
            assert_eq!(reply.status, 400, "{url}");
        }
        for url in [
            "/etc/passwd",
            "/raw/order/en/Cargo.toml",
            "/raw/order/en/default.mjml",
            "/email/order/en/nope",
            "/templates/order.mjml",
        ] {
            assert_eq!(route("GET", url, &site).status, 404, "{url}");
        }
    }

    #[test]
    fn a_never_built_email_has_the_no_script_policy_too() {
        // live.js swaps the next email into whatever document the frame shows
        let mut site = site();
        for slot in site.emails.values_mut() {
            slot.last_good = None;
        }
        let reply = route("GET", "/raw/order/en/default.html?rev=1", &site);
        assert_eq!(reply.status, 200);
        assert!(
            String::from_utf8(reply.body)
                .unwrap()
                .contains("has not built yet")
        );
        assert!(reply.email_html, "served with the no-script policy");
    }

    #[test]
    fn serves_local_assets_and_sources_from_memory_only() {
        let mut site = site();
        let id = EmailId {
            template: "order".into(),
            locale: "en".into(),
            fixture: "default".into(),
        };
        let slot = site.emails.get_mut(&id).unwrap();
        let content = slot.last_good.as_mut().unwrap();
        content.html =
            "<img src=\"https://cdn.example/e/logo.png\"><img src=\"https://cdn.example/e/x.png\">"
                .into();
        content.assets = vec!["logo.png".into()];
        site.asset_base = Some("https://cdn.example/e/".into());
        site.images.insert(
            "logo.png".into(),
            super::super::images::Image::from_bytes(b"\x89PNG"),
        );
        site.sources.insert(
            "templates/order.mjml".into(),
            std::sync::Arc::from("<mjml>\n</mjml>\n"),
        );
        let raw = route("GET", "/raw/order/en/default.html", &site);
        assert_eq!(
            String::from_utf8(raw.body).unwrap(),
            "<img src=\"/assets/logo.png\"><img src=\"https://cdn.example/e/x.png\">",
            "only the email's own local assets point at the preview"
        );
        let logo = route("GET", "/assets/logo.png", &site);
        assert_eq!((logo.status, logo.content_type), (200, "image/png"));
        assert_eq!(logo.body, b"\x89PNG");
        assert!(logo.email_html, "served with the no-script policy");
        let relative = route("GET", "/raw/order/en/assets/logo.png", &site);
        assert_eq!(
            relative.status, 200,
            "relative references (no base URL) resolve too"
        );
        assert_eq!(route("GET", "/assets/other.png", &site).status, 404);
        let source = route("GET", "/source/templates/order.mjml", &site);
        assert_eq!(source.status, 200);
        assert!(
            String::from_utf8(source.body)
                .unwrap()
                .contains("id=\"L2\"")
        );
        assert_eq!(route("GET", "/source/letterpress.yaml", &site).status, 404);
        assert_eq!(route("GET", "/source", &site).status, 404);
    }

    #[test]
    fn refuses_other_methods() {
        assert_eq!(route("POST", "/", &site()).status, 405);
    }
}
