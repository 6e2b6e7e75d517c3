//! Sending: the real binary's `.eml` files read by a real mail parser, `render --stream` fed
//! thousands of requests (some malformed), `serve` over real HTTP, and `send` (and the
//! preview's "Send test") delivering to a real SMTP server with STARTTLS and AUTH on loopback.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use mail_parser::{Message, MessageParser};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_letterpress");

/// The starter kit in a temporary folder.
fn starter(dir: &Path) -> PathBuf {
    let project = dir.join("kit");
    let out = Command::new(BIN)
        .arg("init")
        .arg(&project)
        .output()
        .unwrap();
    assert!(out.status.success(), "init: {out:?}");
    project
}

fn letterpress(project: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(project)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("LETTERPRESS_SMTP_URL")
        .env_remove("LETTERPRESS_SMTP_PASSWORD")
        .env_remove("SOURCE_DATE_EPOCH");
    command
}

fn build(project: &Path) -> Value {
    let out = letterpress(project, &["build"]).output().unwrap();
    assert!(out.status.success(), "build: {out:?}");
    serde_json::from_slice(&std::fs::read(project.join("out/manifest.json")).unwrap()).unwrap()
}

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(bytes)
        .expect("a mail parser reads it")
}

/// A body part with MIME's CRLF line ends turned back into the bundle's LF.
fn lf(text: Option<std::borrow::Cow<'_, str>>) -> String {
    text.expect("the part is there").replace("\r\n", "\n")
}

fn first_address(list: Option<&mail_parser::Address>) -> (String, String) {
    let addr = list.and_then(|a| a.first()).expect("an address");
    (
        addr.name().unwrap_or_default().to_string(),
        addr.address().unwrap_or_default().to_string(),
    )
}

#[test]
fn every_email_has_an_eml_that_a_mail_parser_reads_whole() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    let manifest = build(&project);
    let out = project.join("out");
    let emails = manifest["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 40);
    for entry in emails {
        let eml = std::fs::read(out.join(entry["eml"].as_str().unwrap())).unwrap();
        let message = parse(&eml);
        let name = entry["eml"].as_str().unwrap();
        assert_eq!(message.subject(), entry["subject"].as_str(), "{name}");
        let (_, from) = first_address(message.from());
        let headers = &entry["headers"];
        assert!(
            headers["From"]
                .as_str()
                .unwrap()
                .ends_with(&format!("<{from}>")),
            "{name}"
        );
        assert_eq!(message.text_body_count(), 1, "{name}");
        assert_eq!(message.html_body_count(), 1, "{name}");
        let text = std::fs::read_to_string(out.join(entry["text"].as_str().unwrap())).unwrap();
        let html = std::fs::read_to_string(out.join(entry["html"].as_str().unwrap())).unwrap();
        assert_eq!(lf(message.body_text(0)), text, "{name}: text part");
        assert_eq!(lf(message.body_html(0)), html, "{name}: HTML part");
        let raw = String::from_utf8_lossy(&eml);
        assert!(raw.contains("MIME-Version: 1.0\r\n"), "{name}");
        assert!(
            raw.contains("Content-Type: multipart/alternative;"),
            "{name}"
        );
        assert!(
            raw.find("Content-Type: text/plain; charset=utf-8")
                < raw.find("Content-Type: text/html; charset=utf-8"),
            "{name}: text first, then HTML"
        );
        assert!(
            raw.lines().all(|l| l.len() <= 998),
            "{name}: RFC 5322 line length"
        );
        assert!(
            message.message_id().is_some() && message.date().is_some(),
            "{name}"
        );
        let (to_name, to) = first_address(message.to());
        assert_eq!(to, "recipient@example.com", "{name}: an example recipient");
        assert!(
            !to_name.is_empty(),
            "{name}: the fixture's customer by name"
        );
    }
    let by = |template: &str, locale: &str| {
        emails
            .iter()
            .find(|e| e["template"] == template && e["locale"] == locale)
            .unwrap()
    };
    let read = |entry: &Value| std::fs::read(out.join(entry["eml"].as_str().unwrap())).unwrap();
    // the newsletter: a marketing sender and one-click unsubscribe
    let newsletter = read(by("newsletter", "en"));
    let message = parse(&newsletter);
    assert_eq!(
        first_address(message.from()),
        (
            "Fernwood Home Journal".to_string(),
            "journal@news.fernwood-home.example".to_string()
        )
    );
    let unsubscribe = message.header_raw("List-Unsubscribe").unwrap().trim();
    assert!(unsubscribe.starts_with("<https://") && unsubscribe.contains("<mailto:"));
    assert_eq!(
        message.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
    // support replies: a support Reply-To; transactional email: no List-Unsubscribe
    let support = read(by("support-reply", "en"));
    let message = parse(&support);
    assert_eq!(
        first_address(message.reply_to()).1,
        "help@fernwood-home.example"
    );
    assert!(message.header_raw("List-Unsubscribe").is_none());
    // Turkish survives the encoded subject
    let tr = by("password-reset", "tr");
    let tr_eml = read(tr);
    let message = parse(&tr_eml);
    assert_eq!(message.subject(), tr["subject"].as_str());
    assert!(
        message
            .subject()
            .unwrap()
            .chars()
            .any(|c| "çğıİöşü".contains(c))
    );
    assert_eq!(
        message.header_raw("Content-Language").map(str::trim),
        Some("tr")
    );
}

#[test]
fn source_date_epoch_sets_the_date_of_the_bundle_messages() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    let out = letterpress(&project, &["build", "--template", "password-reset"])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    assert!(out.status.success());
    let eml = std::fs::read(project.join("out/en/password-reset/default.eml")).unwrap();
    assert_eq!(parse(&eml).date().unwrap().to_timestamp(), 1_767_225_600);
}

/// A running `render --stream`: requests go in, one answer line per request comes out.
struct Stream {
    child: Child,
    input: Option<std::process::ChildStdin>,
    answers: mpsc::Receiver<String>,
}

impl Stream {
    fn start(project: &Path) -> Stream {
        let mut child = letterpress(project, &["render", "--stream"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Stream {
            child,
            input: Some(input),
            answers,
        }
    }

    fn next(&self) -> Value {
        let line = self
            .answers
            .recv_timeout(Duration::from_secs(60))
            .expect("an answer line");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn stream_answers_each_request_as_soon_as_it_is_sent() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    let mut stream = Stream::start(&project);
    // one request at a time, waiting for each answer: only a flushed answer arrives
    for (id, locale) in [(1, "en"), (2, "tr"), (3, "en")] {
        let request = json!({"id": id, "template": "password-reset", "locale": locale,
            "data": {"customer": {"first_name": "Ada"}, "reset": {"url": format!("https://x.example/r/{id}"), "expires_in_minutes": 15}}});
        let input = stream.input.as_mut().unwrap();
        writeln!(input, "{request}").unwrap();
        input.flush().unwrap();
        let answer = stream.next();
        assert_eq!(answer["id"], id);
        assert_eq!(answer["locale"], locale);
        assert!(
            answer["html"]
                .as_str()
                .unwrap()
                .contains(&format!("https://x.example/r/{id}"))
        );
        assert_eq!(
            answer["headers"]["From"],
            "Fernwood Home <orders@fernwood-home.example>"
        );
    }
    drop(stream.input.take()); // end of input ends the stream cleanly
    let status = stream.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn stream_survives_thousands_of_requests_some_malformed() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    let mut input: Vec<u8> = Vec::new();
    let mut expected: Vec<(Value, &str)> = Vec::new();
    for i in 0..3000u32 {
        let id = json!(i);
        let line: Vec<u8> = match i % 10 {
            0 => {
                expected.push((id.clone(), "ok"));
                json!({"id": i, "template": "order-shipped", "locale": if i % 20 == 0 { "en" } else { "tr" }, "fixture": "default"}).to_string().into_bytes()
            }
            1 => {
                expected.push((Value::Null, "bad_json"));
                format!("{{\"id\": {i}, \"template\": ").into_bytes()
            }
            2 => {
                expected.push((id.clone(), "unknown_template"));
                json!({"id": i, "template": "order-shiped", "data": {}})
                    .to_string()
                    .into_bytes()
            }
            3 => {
                expected.push((id.clone(), "unknown_locale"));
                json!({"id": i, "template": "order-shipped", "locale": "de", "data": {}})
                    .to_string()
                    .into_bytes()
            }
            4 => {
                expected.push((id.clone(), "bad_request"));
                json!({"id": i, "template": "order-shipped", "data": "not an object"})
                    .to_string()
                    .into_bytes()
            }
            5 if i % 20 == 5 => {
                // against the template's data contract: every problem, before rendering
                expected.push((id.clone(), "invalid_data"));
                json!({"id": i, "template": "order-shipped", "data": {"order": {"number": 5}}})
                    .to_string()
                    .into_bytes()
            }
            5 => {
                // fits the contract, but a filter cannot read the date
                expected.push((id.clone(), "render_failed"));
                let mut data = shipped_data();
                data["shipment"]["window_start"] = json!("next Tuesday");
                json!({"id": i, "template": "order-shipped", "data": data})
                    .to_string()
                    .into_bytes()
            }
            6 => {
                expected.push((Value::Null, "bad_json"));
                b"\xff\xfe{\"id\": 6}".to_vec()
            }
            7 => {
                expected.push((Value::Null, "bad_request"));
                b"[1, 2, 3]".to_vec()
            }
            8 if i == 8 => {
                expected.push((Value::Null, "too_large"));
                format!(
                    "{{\"id\": 8, \"template\": \"x\", \"data\": {{\"pad\": \"{}\"}}}}",
                    "x".repeat(2 << 20)
                )
                .into_bytes()
            }
            _ => {
                expected.push((id.clone(), "bad_request"));
                json!({"id": i, "template": "order-shipped", "fixture": "default", "extra": true})
                    .to_string()
                    .into_bytes()
            }
        };
        input.extend_from_slice(&line);
        input.extend_from_slice(if i % 7 == 0 { b"\r\n\n" } else { b"\n" });
    }
    let mut child = letterpress(&project, &["render", "--stream"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        answers.len(),
        expected.len(),
        "one answer per request, blank lines skipped"
    );
    for (answer, (id, code)) in answers.iter().zip(&expected) {
        assert_eq!(&answer["id"], id, "{answer}");
        if *code == "ok" {
            assert!(answer["error"].is_null(), "{answer}");
            assert!(
                answer["html"]
                    .as_str()
                    .unwrap()
                    .starts_with("<!DOCTYPE html>")
            );
            assert!(!answer["text"].as_str().unwrap().is_empty());
        } else {
            assert_eq!(answer["error"]["code"], *code, "{answer}");
            assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
        }
    }
    let failed = answers
        .iter()
        .find(|a| a["error"]["code"] == "render_failed")
        .unwrap();
    let finding = &failed["error"]["findings"][0];
    assert_eq!(finding["location"]["file"], "templates/order-shipped.mjml");
    let invalid = answers
        .iter()
        .find(|a| a["error"]["code"] == "invalid_data")
        .unwrap();
    let paths: Vec<&str> = invalid["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["customer", "order.number", "shipment"], "{invalid}");
}

/// The starter kit's order-shipped data, as a sender would send it.
fn shipped_data() -> Value {
    json!({
        "customer": {"first_name": "Ada"},
        "order": {"number": "FH-1"},
        "shipment": {
            "carrier": "DPD",
            "tracking_number": "DPD1",
            "tracking_url": "https://www.fernwood-home.example/track/FH-1",
            "window_start": "2026-04-16T10:15:00+01:00",
            "window_end": "2026-04-16T11:15:00+01:00"
        }
    })
}

/// A running `serve`, killed when the test ends.
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a server command that prints `http://127.0.0.1:PORT` and returns its address.
fn start_server(mut command: Command) -> Server {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://127.0.0.1:") {
                let rest = &line[at + "http://127.0.0.1:".len()..];
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let _ = tx.send(format!("127.0.0.1:{port}"));
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server prints its URL");
    Server(child, addr)
}

/// One HTTP/1.1 exchange; returns (status, head, body).
fn http(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, response[split + 4..].to_vec())
}

fn post_json(addr: &str, body: &Value) -> (u16, Value) {
    let (status, _, body) = http(
        addr,
        "POST",
        "/render",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    (status, serde_json::from_slice(&body).unwrap())
}

#[test]
fn serve_renders_over_http_for_many_clients_at_once() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    let mut command = letterpress(&project, &["serve", "--port", "0", "--workers", "2"]);
    command.current_dir(&project);
    let server = start_server(command);
    let addr = server.1.clone();
    let (status, _, body) = http(&addr, "GET", "/health", &[], b"");
    assert_eq!(status, 200);
    let health: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(health["status"], "ok");
    // eight clients at once, each checking it got its own email back
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let name = format!("Client{i}");
                let (status, answer) = post_json(&addr, &json!({"id": i, "template": "password-reset", "locale": if i % 2 == 0 { "en" } else { "tr" },
                    "data": {"customer": {"first_name": name}, "reset": {"url": "https://x.example/r", "expires_in_minutes": 30}}}));
                assert_eq!(status, 200, "{answer}");
                assert_eq!(answer["id"], i);
                assert!(answer["html"].as_str().unwrap().contains(&name));
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let (status, answer) = post_json(&addr, &json!({"id": "q", "template": "nope", "data": {}}));
    assert_eq!(
        (
            status,
            answer["id"].clone(),
            answer["error"]["code"].clone()
        ),
        (404, json!("q"), json!("unknown_template"))
    );
    let (status, answer) = post_json(&addr, &json!({"template": "order-shipped", "data": {}}));
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (422, json!("invalid_data"))
    );
    let (status, answer) = post_json(
        &addr,
        &json!({"template": "order-shipped", "data": shipped_data()}),
    );
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["html"].as_str().unwrap().contains("DPD1"),
        "{answer}"
    );
    let (status, _, body) = http(
        &addr,
        "POST",
        "/render",
        &[("Content-Type", "application/json")],
        b"{\"template\": ",
    );
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["error"]["code"],
        "bad_json"
    );
    let (status, _, _) = http(
        &addr,
        "POST",
        "/render",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"template=x",
    );
    assert_eq!(status, 415);
    let (status, head, _) = http(&addr, "GET", "/render", &[], b"");
    assert_eq!(status, 405);
    assert!(head.contains("Allow: POST"), "{head}");
    // a body over the limit is refused from its declared length, unread
    let big = vec![b' '; 2 << 20];
    let (status, _, body) = http(
        &addr,
        "POST",
        "/render",
        &[("Content-Type", "application/json")],
        &big,
    );
    assert_eq!(status, 413);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["error"]["code"],
        "too_large"
    );
    // DNS rebinding: a page under another name is refused
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
    // still serving after all of that
    assert_eq!(http(&addr, "GET", "/health", &[], b"").0, 200);
}

// ---- SMTP ----------------------------------------------------------------------------------

/// What the test SMTP server saw.
#[derive(Default)]
struct Inbox {
    logins: Vec<(String, String)>,
    recipients: Vec<String>,
    messages: Vec<Vec<u8>>,
    current: Vec<u8>,
}

#[derive(Clone)]
struct Recorder(Arc<Mutex<Inbox>>, mpsc::Sender<()>);

impl mailin_embedded::Handler for Recorder {
    fn auth_plain(
        &mut self,
        _authz: &str,
        user: &str,
        password: &str,
    ) -> mailin_embedded::Response {
        self.0
            .lock()
            .unwrap()
            .logins
            .push((user.into(), password.into()));
        if (user, password) == ("designer", "s3cret pass") {
            mailin_embedded::response::AUTH_OK
        } else {
            mailin_embedded::response::INVALID_CREDENTIALS
        }
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        let mut inbox = self.0.lock().unwrap();
        inbox.recipients.extend(to.iter().cloned());
        inbox.current.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.lock().unwrap().current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let mut inbox = self.0.lock().unwrap();
        let message = std::mem::take(&mut inbox.current);
        inbox.messages.push(message);
        let _ = self.1.send(());
        mailin_embedded::response::OK
    }
}

/// A self-signed certificate for `localhost`, written as PEM files.
fn certificate(dir: &Path) -> (PathBuf, PathBuf) {
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::extension::SubjectAlternativeName;
    use openssl::x509::{X509, X509NameBuilder};
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "localhost").unwrap();
    let name = name.build();
    let mut cert = X509::builder().unwrap();
    cert.set_version(2).unwrap();
    cert.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .dns("localhost")
        .build(&cert.x509v3_context(None, None))
        .unwrap();
    cert.append_extension(san).unwrap();
    cert.sign(&key, MessageDigest::sha256()).unwrap();
    let (cert_path, key_path) = (dir.join("smtp-cert.pem"), dir.join("smtp-key.pem"));
    std::fs::write(&cert_path, cert.build().to_pem().unwrap()).unwrap();
    std::fs::write(&key_path, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    (cert_path, key_path)
}

/// A real SMTP server on loopback: STARTTLS with a self-signed certificate (or none), AUTH
/// PLAIN. Returns its port, what it saw, and a channel told of each message.
fn smtp_server(dir: &Path, tls: bool) -> (u16, Arc<Mutex<Inbox>>, mpsc::Receiver<()>, PathBuf) {
    let (cert, key) = certificate(dir);
    let inbox = Arc::new(Mutex::new(Inbox::default()));
    let (tx, rx) = mpsc::channel();
    let mut server = mailin_embedded::Server::new(Recorder(Arc::clone(&inbox), tx));
    let ssl = if tls {
        mailin_embedded::SslConfig::SelfSigned {
            cert_path: cert.to_string_lossy().into(),
            key_path: key.to_string_lossy().into(),
        }
    } else {
        mailin_embedded::SslConfig::None
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    server
        .with_name("localhost")
        .with_ssl(ssl)
        .unwrap()
        .with_auth(mailin_embedded::AuthMechanism::Plain)
        .with_num_threads(2)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, inbox, rx, cert)
}

/// The message without the lines a delivery stamps anew (and SMTP's final line end).
fn without_delivery_headers(bytes: &[u8]) -> BTreeMap<usize, String> {
    String::from_utf8_lossy(bytes)
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|l| {
            !["Date:", "Message-ID:", "To:"]
                .iter()
                .any(|h| l.starts_with(h))
        })
        .map(str::to_string)
        .enumerate()
        .collect()
}

#[test]
fn send_delivers_the_bundle_message_over_starttls_with_auth() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    build(&project);
    let (port, inbox, arrived, cert) = smtp_server(temp.path(), true);
    let out = letterpress(
        &project,
        &[
            "send",
            "support-reply",
            "--locale",
            "tr",
            "--fixture",
            "one-question",
            "--to",
            "Ada Lovelace <ada@example.org>",
            "--smtp",
            &format!("smtp://designer@localhost:{port}"),
        ],
    )
    .env("LETTERPRESS_SMTP_PASSWORD", "s3cret pass")
    .env("SSL_CERT_FILE", &cert)
    .output()
    .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("ada@example.org") && stdout.contains("STARTTLS"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("s3cret") && !stderr.contains("s3cret"),
        "the password is never printed"
    );
    arrived
        .recv_timeout(Duration::from_secs(30))
        .expect("a message arrives");
    let inbox = inbox.lock().unwrap();
    assert_eq!(
        inbox.logins,
        vec![("designer".to_string(), "s3cret pass".to_string())]
    );
    assert_eq!(inbox.recipients, vec!["ada@example.org".to_string()]);
    let received = &inbox.messages[0];
    let message = parse(received);
    assert_eq!(
        first_address(message.to()),
        ("Ada Lovelace".to_string(), "ada@example.org".to_string())
    );
    assert_eq!(
        first_address(message.reply_to()).1,
        "help@fernwood-home.example"
    );
    let html =
        std::fs::read_to_string(project.join("out/tr/support-reply/one-question.html")).unwrap();
    let text =
        std::fs::read_to_string(project.join("out/tr/support-reply/one-question.txt")).unwrap();
    assert_eq!(lf(message.body_html(0)), html);
    assert_eq!(lf(message.body_text(0)), text);
    // exactly the bundle's message, but for the delivery's To, Date and Message-ID
    let bundle = std::fs::read(project.join("out/tr/support-reply/one-question.eml")).unwrap();
    assert_eq!(
        without_delivery_headers(received),
        without_delivery_headers(&bundle)
    );
    assert_ne!(message.message_id(), parse(&bundle).message_id());
}

#[test]
fn send_refuses_a_server_without_starttls_and_says_why() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    let (port, inbox, _arrived, _) = smtp_server(temp.path(), false);
    let out = letterpress(
        &project,
        &["send", "password-reset", "--to", "ada@example.org"],
    )
    .env(
        "LETTERPRESS_SMTP_URL",
        format!("smtp://designer:s3cret@127.0.0.1:{port}"),
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("smtp://designer@127.0.0.1:{port} (STARTTLS)")),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
    let inbox = inbox.lock().unwrap();
    assert!(
        inbox.logins.is_empty() && inbox.messages.is_empty(),
        "no password, no message in the clear"
    );
    // and no server configured at all is a usage error that says what to set
    let out = letterpress(
        &project,
        &["send", "password-reset", "--to", "ada@example.org"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("LETTERPRESS_SMTP_URL"));
}

#[test]
fn the_preview_sends_a_test_from_its_own_page_only() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter(temp.path());
    let (port, inbox, arrived, cert) = smtp_server(temp.path(), true);
    let mut command = letterpress(&project, &["watch", "--port", "0"]);
    command
        .env(
            "LETTERPRESS_SMTP_URL",
            format!("smtp://designer@localhost:{port}"),
        )
        .env("LETTERPRESS_SMTP_PASSWORD", "s3cret pass")
        .env("SSL_CERT_FILE", &cert);
    let server = start_server(command);
    let addr = server.1.clone();
    let (status, _, page) = http(&addr, "GET", "/email/newsletter/en/default", &[], b"");
    assert_eq!(status, 200);
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains("action=\"/send/newsletter/en/default\""),
        "the page has the form"
    );
    assert!(!page.contains("s3cret"));
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    // another site's page cannot make the preview send
    let evil = [form[0], ("Origin", "http://evil.example")];
    let (status, _, _) = http(
        &addr,
        "POST",
        "/send/newsletter/en/default",
        &evil,
        b"to=victim%40example.org",
    );
    assert_eq!(status, 403);
    let own_origin = format!("http://{addr}");
    let own = [form[0], ("Origin", own_origin.as_str())];
    let (status, _, body) = http(
        &addr,
        "POST",
        "/send/newsletter/en/default",
        &own,
        b"to=grace%40example.org",
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("grace@example.org"));
    arrived
        .recv_timeout(Duration::from_secs(30))
        .expect("a message arrives");
    let inbox = inbox.lock().unwrap();
    assert_eq!(
        inbox.recipients,
        vec!["grace@example.org".to_string()],
        "only the page's own send went out"
    );
    let message = parse(&inbox.messages[0]);
    assert_eq!(
        first_address(message.from()).1,
        "journal@news.fernwood-home.example"
    );
    assert_eq!(
        message.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
    assert_eq!(message.html_body_count(), 1);
    assert_eq!(message.text_body_count(), 1);
}
