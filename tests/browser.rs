//! End to end in a real browser: the real `letterpress watch` on a copy of the starter kit,
//! driven in headless Chromium through chromedriver (WebDriver). Edits a template on disk and
//! checks that the open page updates by itself, shows an overlay naming the file when the
//! template breaks, and clears it when the template is fixed.
//!
//! Needs Debian's `chromium` and `chromium-driver` (or `CHROMIUM` / `CHROMEDRIVER` set to the
//! binaries); ignored by default, run with `cargo test -- --include-ignored`.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// Every wait in this test is bounded by this.
const WAIT: Duration = Duration::from_secs(15);

const TEMPLATE: &str = "templates/order-confirmation.mjml";
const ORIGINAL: &str = "<p>{{ t.order_confirmation.next }}</p>";
const EDITED: &str = "<p>{{ t.order_confirmation.next }} Fresh from disk 4711</p>";
const BROKEN: &str =
    "<p>{% if order.number %}{{ t.order_confirmation.next }} Fresh from disk 4711</p>";

/// Kills a child process when the test ends, passed or not.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn program(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.exists(),
        "{} not found: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver) or set {env}",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").port()
}

/// Starts `letterpress watch --port 0` and returns it with the URL it printed.
fn start_watch(project: &Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_letterpress"))
        .args(["watch", "--port", "0", "--project"])
        .arg(project)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("letterpress runs");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let url = line[at..].split_whitespace().next().unwrap_or_default();
                let _ = tx.send(url.to_string());
            }
        }
    });
    let url = rx.recv_timeout(WAIT).expect("watch prints its URL");
    (Killed(child), url)
}

fn start_chromedriver() -> (Killed, String) {
    let driver = program("CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < WAIT, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Killed(child), format!("http://127.0.0.1:{port}"))
}

async fn open_browser(driver: &str, profile: &Path) -> Client {
    let chromium = program("CHROMIUM", "/usr/bin/chromium");
    let args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let caps = json!({ "goog:chromeOptions": { "binary": chromium, "args": args } });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    tokio::time::timeout(
        WAIT,
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(driver),
    )
    .await
    .expect("the browser starts in time")
    .expect("chromedriver opens a session")
}

/// Polls `script` (which returns a boolean) until it is true; panics with `what` on timeout.
async fn wait_for(client: &Client, what: &str, script: &str) {
    let started = Instant::now();
    loop {
        let value = client.execute(script, vec![]).await.expect("script runs");
        if value == Value::Bool(true) {
            return;
        }
        assert!(started.elapsed() < WAIT, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn edit(project: &Path, from: &str, to: &str) {
    let path = project.join(TEMPLATE);
    let text = std::fs::read_to_string(&path).expect("template");
    assert!(text.contains(from), "{from} is in {TEMPLATE}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("template is written");
}

/// Wall-clock milliseconds, comparable with the page's `Date.now()`.
fn now_ms() -> f64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970");
    since.as_secs_f64() * 1000.0
}

/// A script that is true when the email frame's text contains `text` ('' for any text).
fn frame_has(text: &str) -> String {
    format!(
        "const d = document.getElementById('email').contentDocument; \
         return !!(d && d.body && d.body.innerText.length > 0 && d.body.innerText.includes({text:?}));"
    )
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs Chromium (apt-get install -y chromium chromium-driver); run with --include-ignored"]
async fn saved_template_updates_the_open_page_and_errors_show_in_an_overlay() {
    let temp = tempfile::tempdir().expect("temp dir");
    let project = temp.path().join("kit");
    let init = Command::new(env!("CARGO_BIN_EXE_letterpress"))
        .arg("init")
        .arg(&project)
        .output()
        .expect("init runs");
    assert!(init.status.success(), "init: {init:?}");
    let (_watch, url) = start_watch(&project);
    let (_driver, driver_url) = start_chromedriver();
    let client = open_browser(&driver_url, &temp.path().join("profile")).await;

    client
        .goto(&format!("{url}email/order-confirmation/en/default"))
        .await
        .expect("page opens");
    wait_for(&client, "the email in the frame", &frame_has("")).await;
    client
        .execute(
            "window.notNavigated = true; window.shownAt = 0; \
             const f = document.getElementById('email'); \
             const poll = setInterval(() => { \
               const d = f.contentDocument; \
               if (d && d.body && d.body.innerText.includes('Fresh from disk 4711')) { \
                 window.shownAt = Date.now(); clearInterval(poll); \
               } \
             }, 2); return true;",
            vec![],
        )
        .await
        .expect("script runs");

    let saved_at = now_ms();
    edit(&project, ORIGINAL, EDITED);
    let shows_edit = frame_has("Fresh from disk 4711");
    wait_for(&client, "the edited text in the frame", &shows_edit).await;
    let same_page = client
        .execute("return window.notNavigated === true;", vec![])
        .await
        .expect("script runs");
    assert_eq!(same_page, Value::Bool(true), "the page was not navigated");
    wait_for(
        &client,
        "the frame's load event",
        "return window.shownAt > 0;",
    )
    .await;
    let shown_at = client
        .execute("return window.shownAt;", vec![])
        .await
        .expect("script runs");
    if let Some(shown_at) = shown_at.as_f64() {
        eprintln!(
            "save → new text visible in the browser's frame: {:.0} ms",
            shown_at - saved_at
        );
    }

    edit(&project, EDITED, BROKEN);
    wait_for(
        &client,
        "the overlay naming the template",
        "const f = document.querySelector('#overlay .file'); \
         return !!f && f.textContent.includes('order-confirmation.mjml');",
    )
    .await;
    let still_there = client
        .execute(&shows_edit, vec![])
        .await
        .expect("script runs");
    assert_eq!(
        still_there,
        Value::Bool(true),
        "the last good render stays visible"
    );

    edit(&project, BROKEN, EDITED);
    wait_for(
        &client,
        "the overlay to clear",
        "return document.querySelector('#overlay').children.length === 0;",
    )
    .await;
    client.close().await.expect("browser closes");
}
