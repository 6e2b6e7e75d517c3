//! SMTP settings and delivery for test sends (`letterpress send`, the preview's "Send test"),
//! with lettre. Settings come from `--smtp`, else `LETTERPRESS_SMTP_URL`, else `smtp.url` in
//! letterpress.yaml; the password from the URL or `LETTERPRESS_SMTP_PASSWORD`. They are never
//! written anywhere, and printed only without the password.
//!
//! `smtp://` requires STARTTLS (port 587 by default), `smtps://` is TLS from the start (465),
//! `?tls=none` allows a plaintext connection (a local test server), never with a password.
//! Certificates are checked against the system's store; `SSL_CERT_FILE` adds a private CA.

use std::time::Duration;

use letterpress::config::Config;
use lettre::Transport;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{SmtpTransport, SmtpTransportBuilder};
use url::Url;

/// The environment variable with the server URL.
pub const URL_VAR: &str = "LETTERPRESS_SMTP_URL";
/// The environment variable with the password.
pub const PASSWORD_VAR: &str = "LETTERPRESS_SMTP_PASSWORD";

/// How long to wait for the server at each step.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plaintext upgraded with STARTTLS, which must succeed.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption (local test servers only; no password allowed).
    None,
}

/// Where and how to deliver.
#[derive(Clone)]
pub struct Smtp {
    host: String,
    port: u16,
    security: Security,
    user: Option<String>,
    password: Option<String>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The SMTP URL in force, from the flag, the environment or the settings' `smtp.url`.
fn url_text(flag: Option<&str>, settings: Option<&str>) -> Option<(String, &'static str)> {
    let env = std::env::var(URL_VAR).ok().filter(|v| !v.trim().is_empty());
    flag.map(|f| (f.to_string(), "--smtp"))
        .or_else(|| env.map(|e| (e, URL_VAR)))
        .or_else(|| settings.map(|s| (s.to_string(), "smtp.url in letterpress.yaml")))
}

impl Smtp {
    /// The settings in force, or a message saying how to give them.
    pub fn from_settings(flag: Option<&str>, config: &Config) -> Result<Smtp, String> {
        let settings = config.smtp.as_ref().map(|s| s.url.as_str());
        Smtp::from_sources(flag, settings)
    }

    /// The settings in force, from the flag, the environment, or `smtp.url` of the settings.
    pub fn from_sources(flag: Option<&str>, settings: Option<&str>) -> Result<Smtp, String> {
        let Some((text, source)) = url_text(flag, settings) else {
            return Err(format!(
                "no SMTP server: pass --smtp smtp://user@host:587, set {URL_VAR}, or add `smtp: {{url: …}}` to letterpress.yaml (the password goes in {PASSWORD_VAR})"
            ));
        };
        let password = std::env::var(PASSWORD_VAR).ok().filter(|p| !p.is_empty());
        Smtp::parse(&text, password).map_err(|e| format!("{source}: {e}"))
    }

    /// Reads a URL; `password` is used when the URL has none.
    pub fn parse(text: &str, password: Option<String>) -> Result<Smtp, String> {
        let url = Url::parse(text.trim())
            .map_err(|e| format!("not an SMTP URL ({e}); write smtp://user@host:587"))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("the SMTP URL has no host: write smtp://user@host:587")?
            .trim_matches(['[', ']'])
            .to_string();
        let mut tls = None;
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "none" | "required") => tls = Some(value.to_string()),
                _ => {
                    return Err(format!(
                        "unknown URL option `{key}={value}`: the only option is tls=none (plaintext, for a local test server) or tls=required"
                    ));
                }
            }
        }
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", None | Some("required")) => Security::Tls,
            ("smtp", None | Some("required")) => Security::StartTls,
            ("smtp", Some(_)) => Security::None,
            ("smtps", Some(_)) => return Err("smtps:// is always encrypted: drop tls=none".into()),
            (scheme, _) => {
                return Err(format!(
                    "unknown scheme `{scheme}:`: use smtp:// (STARTTLS) or smtps:// (TLS)"
                ));
            }
        };
        let decode = |s: &str| {
            percent_encoding_decode(s).ok_or("the SMTP URL's user or password is not valid UTF-8")
        };
        let user = (!url.username().is_empty())
            .then(|| decode(url.username()))
            .transpose()?;
        let password = match url.password() {
            Some(p) => Some(decode(p)?),
            None => password,
        };
        let password = password.filter(|_| user.is_some());
        if security == Security::None && password.is_some() {
            return Err(
                "refusing to send a password over an unencrypted connection: drop tls=none".into(),
            );
        }
        let port = url.port().unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::None => 25,
        });
        Ok(Smtp {
            host,
            port,
            security,
            user,
            password,
        })
    }

    /// The server as it can be shown: `smtp://user@host:587 (STARTTLS)`, never the password.
    pub fn describe(&self) -> String {
        let scheme = if self.security == Security::Tls {
            "smtps"
        } else {
            "smtp"
        };
        let user = self
            .user
            .as_ref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let how = match self.security {
            Security::StartTls => "STARTTLS",
            Security::Tls => "TLS",
            Security::None => "unencrypted",
        };
        format!("{scheme}://{user}{}:{} ({how})", self.host, self.port)
    }

    /// Delivers `message` (complete RFC 5322 bytes) from `from` to `to`; returns the server's
    /// answer.
    pub fn deliver(&self, from: &str, to: &str, message: &[u8]) -> Result<String, String> {
        let failed = |e: String| format!("could not send through {}: {e}", self.describe());
        let envelope = Envelope::new(
            Some(
                from.parse()
                    .map_err(|e| failed(format!("sender {from}: {e}")))?,
            ),
            vec![
                to.parse()
                    .map_err(|e| failed(format!("recipient {to}: {e}")))?,
            ],
        )
        .map_err(|e| failed(e.to_string()))?;
        let transport = self.transport().map_err(failed)?;
        let response = transport
            .send_raw(&envelope, message)
            .map_err(|e| failed(explain(&e)))?;
        let text: Vec<&str> = response.message().collect();
        Ok(format!("{} {}", response.code(), text.join(" ")))
    }

    fn transport(&self) -> Result<SmtpTransport, String> {
        let tls = || TlsParameters::new(self.host.clone()).map_err(|e| e.to_string());
        let mut builder: SmtpTransportBuilder = SmtpTransport::builder_dangerous(&self.host)
            .port(self.port)
            .timeout(Some(TIMEOUT));
        builder = match self.security {
            Security::StartTls => builder.tls(Tls::Required(tls()?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls()?)),
            Security::None => builder.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&self.user, &self.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }
}

/// An SMTP error in a sentence, with what to do for the usual causes.
fn explain(err: &lettre::transport::smtp::Error) -> String {
    let text = err.to_string();
    let hint = if text.contains("STARTTLS is not supported") {
        " (use smtps:// if the server speaks TLS from the start, or ?tls=none for a local test server without a password)"
    } else if err.is_tls() {
        " (the server's certificate is not trusted or TLS failed: check the host name, or point SSL_CERT_FILE at your CA's certificate)"
    } else if err
        .status()
        .is_some_and(|c| c.to_string().starts_with("53"))
    {
        " (the server refused the user name or password)"
    } else if err.is_timeout() {
        " (the server did not answer in time)"
    } else {
        ""
    };
    format!("{text}{hint}")
}

fn percent_encoding_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_choose_security_and_default_ports() {
        let s = Smtp::parse("smtp://me@mail.example.com", Some("pw".into())).unwrap();
        assert_eq!((s.security, s.port), (Security::StartTls, 587));
        assert_eq!(s.password.as_deref(), Some("pw"));
        let s = Smtp::parse("smtps://me:p%40ss@mail.example.com", None).unwrap();
        assert_eq!((s.security, s.port), (Security::Tls, 465));
        assert_eq!(s.password.as_deref(), Some("p@ss"), "percent-decoded");
        let s = Smtp::parse("smtp://127.0.0.1:1025?tls=none", None).unwrap();
        assert_eq!((s.security, s.port), (Security::None, 1025));
    }

    #[test]
    fn the_password_is_never_shown_nor_sent_in_the_clear() {
        let s = Smtp::parse("smtp://me:hunter2@mail.example.com:2525", None).unwrap();
        assert_eq!(s.describe(), "smtp://me@mail.example.com:2525 (STARTTLS)");
        assert!(!format!("{s:?}").contains("hunter2"));
        let err = Smtp::parse("smtp://me:hunter2@mail.example.com?tls=none", None).unwrap_err();
        assert!(err.contains("refusing"), "{err}");
        assert!(Smtp::parse("http://mail.example.com", None).is_err());
        assert!(Smtp::parse("smtp://mail.example.com?tls=maybe", None).is_err());
    }
}
