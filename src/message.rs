//! The email as a real message: a complete RFC 5322 / MIME message (`multipart/alternative`,
//! the text part then the HTML part, UTF-8, encoded subject, From, Reply-To, To, the
//! unsubscribe headers), built with lettre. It is the bundle's `.eml` beside every `.html` and
//! the bytes `letterpress send` delivers. [`build`] is the one entry point.
//!
//! Deterministic: the bundle's messages take their Message-ID and MIME boundary from a hash of
//! the content and headers, and a fixed Date ([`Stamp::derived`]), so two builds are
//! byte-identical. A real delivery stamps the current time instead ([`Stamp::delivery`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use crate::headers::{Headers, Mailbox};
use crate::pipeline::Content;

/// The Date of a bundle's messages when `SOURCE_DATE_EPOCH` is not set: 2000-01-01 00:00 UTC,
/// plainly a sample date in a mail client.
pub const SAMPLE_DATE: u64 = 946_684_800;

/// What makes one message unique: its Date and Message-ID, and the MIME boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The `Date` header.
    pub date: SystemTime,
    /// The `Message-ID`, with its angle brackets.
    pub message_id: String,
    /// The boundary between the text and HTML parts.
    pub boundary: String,
}

impl Stamp {
    /// The stamp of a bundle's message: Message-ID and boundary from a hash of the content,
    /// headers and recipient; Date at `epoch` seconds (the build's `SOURCE_DATE_EPOCH`, the
    /// reproducible-builds convention) or [`SAMPLE_DATE`].
    pub fn derived(email: &Parts, epoch: Option<u64>) -> Stamp {
        let hash = digest(email, email.to.to_string().as_bytes());
        Stamp {
            date: UNIX_EPOCH + Duration::from_secs(epoch.unwrap_or(SAMPLE_DATE)),
            message_id: format!(
                "<{}.letterpress@{}>",
                &hash[..32],
                email.headers.from.domain()
            ),
            boundary: boundary(email),
        }
    }

    /// The stamp of a message delivered now: the current Date and a Message-ID of its own, so a
    /// mail client files it as new mail (the boundary stays the content's).
    pub fn delivery(email: &Parts, now: SystemTime) -> Stamp {
        let nanos = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let unique = format!("{}\n{nanos}", email.to);
        let id = digest(email, unique.as_bytes());
        Stamp {
            date: now,
            message_id: format!(
                "<{}.letterpress@{}>",
                &id[..32],
                email.headers.from.domain()
            ),
            boundary: boundary(email),
        }
    }
}

/// Everything a message is made of.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    /// Subject, HTML and text.
    pub content: &'a Content,
    /// From, Reply-To, List-Unsubscribe.
    pub headers: &'a Headers,
    /// The `To`.
    pub to: &'a Mailbox,
    /// The locale code, sent as `Content-Language`.
    pub locale: &'a str,
}

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
#[error("the email could not be made into a message: {0}")]
pub struct MessageError(String);

/// The message as bytes (CRLF line ends), ready to write as `.eml` or to send.
pub fn build(email: &Parts, stamp: &Stamp) -> Result<Vec<u8>, MessageError> {
    let headers = email.headers;
    let mut builder = lettre::Message::builder()
        .from(headers.from.as_lettre().clone())
        .to(email.to.as_lettre().clone())
        .subject(email.content.subject.clone())
        .date(stamp.date)
        .message_id(Some(stamp.message_id.clone()));
    if let Some(reply_to) = &headers.reply_to {
        builder = builder.reply_to(reply_to.as_lettre().clone());
    }
    // Content-Language (RFC 3282) takes a language tag: letters, digits and hyphens.
    let language = email
        .locale
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
        .then(|| email.locale.to_string());
    let raw = [
        ("Content-Language", &language),
        ("List-Unsubscribe", &headers.list_unsubscribe),
        ("List-Unsubscribe-Post", &headers.list_unsubscribe_post),
    ];
    for (name, value) in raw {
        if let Some(value) = value {
            let name = HeaderName::new_from_ascii_str(name);
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
    }
    let body = MultiPart::alternative()
        .boundary(stamp.boundary.clone())
        .singlepart(SinglePart::plain(email.content.text.clone()))
        .singlepart(SinglePart::html(email.content.html.clone()));
    let message = builder
        .multipart(body)
        .map_err(|e| MessageError(e.to_string()))?;
    Ok(message.formatted())
}

/// A hex sha256 of everything the message shows but its `To`, plus `extra`.
fn digest(email: &Parts, extra: &[u8]) -> String {
    let mut hash = Sha256::new();
    let content = email.content;
    let headers = email.headers;
    let fields = [
        content.subject.as_str(),
        content.preheader.as_str(),
        content.html.as_str(),
        content.text.as_str(),
        email.locale,
        &headers.from.to_string(),
        &headers
            .reply_to
            .as_ref()
            .map(Mailbox::to_string)
            .unwrap_or_default(),
        headers.list_unsubscribe.as_deref().unwrap_or_default(),
        headers.list_unsubscribe_post.as_deref().unwrap_or_default(),
    ];
    for field in fields {
        // length-prefixed, so no two different sets of fields hash alike
        hash.update((field.len() as u64).to_le_bytes());
        hash.update(field.as_bytes());
    }
    hash.update(extra);
    crate::pipeline::lower_hex(&hash.finalize())
}

/// The MIME boundary: from the content alone (not the recipient), so a delivery keeps the
/// bundle's. It cannot occur in the encoded parts: quoted-printable never writes `=_` and `_`
/// is not in the base64 alphabet.
fn boundary(email: &Parts) -> String {
    format!("=_letterpress_{}", &digest(email, b"boundary")[..24])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> Content {
        Content {
            subject: "Siparişiniz alındı: FH-104726".into(),
            preheader: "Teşekkürler".into(),
            html: "<!doctype html><html lang=\"tr\"><body><p>Merhaba Şule, ürünleriniz yolda.</p></body></html>".into(),
            text: "Merhaba Şule, ürünleriniz yolda.\n".into(),
            assets: Vec::new(),
        }
    }

    fn headers() -> Headers {
        Headers {
            from: Mailbox::parse("Fernwood Home <orders@fernwood-home.example>").unwrap(),
            reply_to: Some(Mailbox::parse("Fernwood Destek <help@fernwood-home.example>").unwrap()),
            list_unsubscribe: Some("<https://fernwood-home.example/u?l=news>".into()),
            list_unsubscribe_post: Some("List-Unsubscribe=One-Click".into()),
        }
    }

    fn message(content: &Content, stamp: Option<&Stamp>) -> (Vec<u8>, Stamp) {
        let headers = headers();
        let to = Mailbox::parse("Şule Yıldız <sule@example.com>").unwrap();
        let parts = Parts {
            content,
            headers: &headers,
            to: &to,
            locale: "tr",
        };
        let stamp = stamp
            .cloned()
            .unwrap_or_else(|| Stamp::derived(&parts, None));
        (build(&parts, &stamp).unwrap(), stamp)
    }

    #[test]
    fn a_message_parses_back_with_every_header_and_both_parts() {
        let content = content();
        let (bytes, _) = message(&content, None);
        let parsed = mail_parser::MessageParser::default()
            .parse(&bytes)
            .expect("parses");
        assert_eq!(parsed.subject(), Some(content.subject.as_str()));
        let from = parsed.from().and_then(|a| a.first()).unwrap();
        assert_eq!(from.name(), Some("Fernwood Home"));
        assert_eq!(from.address(), Some("orders@fernwood-home.example"));
        let reply_to = parsed.reply_to().and_then(|a| a.first()).unwrap();
        assert_eq!(reply_to.address(), Some("help@fernwood-home.example"));
        let to = parsed.to().and_then(|a| a.first()).unwrap();
        assert_eq!(to.name(), Some("Şule Yıldız"));
        assert_eq!(
            parsed.header_raw("List-Unsubscribe").map(str::trim),
            Some("<https://fernwood-home.example/u?l=news>")
        );
        assert_eq!(
            parsed.header_raw("List-Unsubscribe-Post").map(str::trim),
            Some("List-Unsubscribe=One-Click")
        );
        assert_eq!(
            parsed.header_raw("MIME-Version").map(str::trim),
            Some("1.0")
        );
        assert_eq!(parsed.text_body_count(), 1);
        assert_eq!(parsed.html_body_count(), 1);
        // MIME's canonical line end is CRLF
        let lf = |s: Option<std::borrow::Cow<str>>| s.map(|s| s.replace("\r\n", "\n"));
        assert_eq!(
            lf(parsed.body_text(0)).as_deref(),
            Some(content.text.as_str())
        );
        assert_eq!(
            lf(parsed.body_html(0)).as_deref(),
            Some(content.html.as_str())
        );
        if std::env::var_os("SHOW_EML").is_some() {
            println!("{}", String::from_utf8_lossy(&bytes));
        }
        assert_eq!(
            parsed.date().map(|d| d.to_timestamp()),
            Some(SAMPLE_DATE as i64)
        );
        // text first, then HTML, inside multipart/alternative
        let text = String::from_utf8_lossy(&bytes);
        let plain_at = text
            .find("Content-Type: text/plain; charset=utf-8")
            .unwrap();
        let html_at = text.find("Content-Type: text/html; charset=utf-8").unwrap();
        assert!(text.contains("Content-Type: multipart/alternative;"));
        assert!(plain_at < html_at);
        assert!(text.lines().all(|l| l.len() <= 998), "RFC 5322 line limit");
    }

    #[test]
    fn the_same_content_makes_the_same_bytes_and_other_content_another_id() {
        let (one, stamp) = message(&content(), None);
        let (two, _) = message(&content(), None);
        assert_eq!(one, two);
        let mut changed = content();
        changed.text.push_str("P.S.\n");
        let (_, other) = message(&changed, None);
        assert_ne!(stamp.message_id, other.message_id);
        assert!(stamp.message_id.ends_with("@fernwood-home.example>"));
    }

    #[test]
    fn a_delivery_differs_only_in_date_and_message_id() {
        let content = content();
        let (bundle, derived) = message(&content, None);
        let headers = headers();
        let to = Mailbox::parse("Şule Yıldız <sule@example.com>").unwrap();
        let parts = Parts {
            content: &content,
            headers: &headers,
            to: &to,
            locale: "tr",
        };
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let delivery = Stamp::delivery(&parts, now);
        assert_ne!(delivery.message_id, derived.message_id);
        let (sent, _) = message(&content, Some(&delivery));
        let strip = |bytes: &[u8]| {
            String::from_utf8_lossy(bytes)
                .lines()
                .filter(|l| !l.starts_with("Date:") && !l.starts_with("Message-ID:"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&bundle), strip(&sent));
        assert_eq!(delivery.boundary, derived.boundary);
    }
}
