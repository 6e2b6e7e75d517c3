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
/// How long Chromium waits for a hung renderer before it answers with an error.
const HANG: Duration = Duration::from_secs(20);

/// One browser at a time: three headless Chromiums at once on a 2-core machine hang a renderer
/// now and then, and the tests check the page, not the machine's load.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

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
        // Only the local preview resolves: the email's web font and remote logo fail at once
        // instead of waiting on a resolver that may never answer on a closed network.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    // `goto` returns once the page's DOM is ready; the tests poll for what they wait for.
    let caps = json!({
        "pageLoadStrategy": "eager",
        "timeouts": { "pageLoad": 20_000 },
        "goog:chromeOptions": { "binary": chromium, "args": args },
    });
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

/// Opens `url`. Headless Chromium on a loaded machine now and then never answers a navigation
/// ("timed out receiving message from renderer", about one run in five on a 2-core machine): the
/// page gets 20 s and up to three tries, so that flake does not hide what the tests check.
async fn open_page(client: &Client, url: &str) {
    let mut failures = Vec::new();
    for _ in 0..3 {
        match client.goto(url).await {
            Ok(()) => return,
            Err(e) => failures.push(e.to_string()),
        }
    }
    panic!("{url} did not open in three tries: {failures:?}");
}

/// Polls `script` (which returns a boolean) until it is true; panics with `what` on timeout.
/// The same renderer hang `open_page` allows for can stall a script too ("timed out receiving
/// message from renderer" after 20 s): the poll then goes on, and only a third hang fails it.
async fn wait_for(client: &Client, what: &str, script: &str) {
    let started = Instant::now();
    let mut hangs = Vec::new();
    loop {
        match client.execute(script, vec![]).await {
            Ok(Value::Bool(true)) => return,
            Ok(_) => {}
            Err(e) if hangs.len() < 2 => hangs.push(e.to_string()),
            Err(e) => panic!("script for {what} does not run: {e} (before: {hangs:?})"),
        }
        // time lost to a hang is not the page's: it gets its full wait besides
        assert!(
            started.elapsed() < WAIT + HANG * hangs.len() as u32,
            "timed out waiting for: {what}"
        );
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

/// A scaffolded starter kit under `letterpress watch`, and headless Chromium showing its order
/// confirmation's page. Everything is stopped and removed when it is dropped.
struct Kit {
    project: PathBuf,
    url: String,
    client: Client,
    _driver: Killed,
    _watch: Killed,
    _temp: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Kit {
    async fn open() -> Kit {
        // a test that failed still hands over its turn (its guard is dropped as it unwinds)
        let turn = ONE_BROWSER.lock().await;
        let temp = tempfile::tempdir().expect("temp dir");
        let project = temp.path().join("kit");
        let init = Command::new(env!("CARGO_BIN_EXE_letterpress"))
            .arg("init")
            .arg(&project)
            .output()
            .expect("init runs");
        assert!(init.status.success(), "init: {init:?}");
        let (watch, url) = start_watch(&project);
        let (driver, driver_url) = start_chromedriver();
        let client = open_browser(&driver_url, &temp.path().join("profile")).await;
        open_page(
            &client,
            &format!("{url}email/order-confirmation/en/default"),
        )
        .await;
        Kit {
            project,
            url,
            client,
            _driver: driver,
            _watch: watch,
            _temp: temp,
            _turn: turn,
        }
    }

    async fn close(self) {
        self.client.close().await.expect("browser closes");
    }
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs Chromium (apt-get install -y chromium chromium-driver); run with --include-ignored"]
async fn saved_template_updates_the_open_page_and_errors_show_in_an_overlay() {
    let kit = Kit::open().await;
    let (project, client) = (&kit.project, &kit.client);
    wait_for(client, "the email in the frame", &frame_has("")).await;
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
    edit(project, ORIGINAL, EDITED);
    let shows_edit = frame_has("Fresh from disk 4711");
    wait_for(client, "the edited text in the frame", &shows_edit).await;
    let same_page = client
        .execute("return window.notNavigated === true;", vec![])
        .await
        .expect("script runs");
    assert_eq!(same_page, Value::Bool(true), "the page was not navigated");
    wait_for(
        client,
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

    edit(project, EDITED, BROKEN);
    wait_for(
        client,
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

    edit(project, BROKEN, EDITED);
    wait_for(
        client,
        "the overlay to clear",
        "return document.querySelector('#overlay').children.length === 0;",
    )
    .await;
    kit.close().await;
}

/// A script that returns a computed style property of the first element matching `selector`
/// inside the email frame ('' when there is none).
fn frame_style(selector: &str, property: &str) -> String {
    format!(
        "const d = document.getElementById('email').contentDocument; \
         const e = d && d.querySelector({selector:?}); \
         return e ? getComputedStyle(e).getPropertyValue({property:?}) : '';"
    )
}

async fn script(client: &Client, code: &str) -> Value {
    client.execute(code, vec![]).await.expect("script runs")
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs Chromium (apt-get install -y chromium chromium-driver); run with --include-ignored"]
async fn dark_switch_shows_the_dark_palette_and_findings_come_first() {
    let kit = Kit::open().await;
    let (project, url, client) = (&kit.project, &kit.url, &kit.client);
    wait_for(client, "the email in the frame", &frame_has("")).await;

    // The findings panel is the first thing under the header, above the email.
    let order = script(
        client,
        "const f = document.getElementById('findings').getBoundingClientRect().top; \
         const e = document.getElementById('frame-wrap').getBoundingClientRect().top; \
         return [f < e, document.querySelector('#findings summary').textContent];",
    )
    .await;
    assert_eq!(order[0], Value::Bool(true), "findings above the email");
    assert!(
        order[1]
            .as_str()
            .unwrap_or("")
            .contains("passes every rule"),
        "{order}"
    );

    // The logo is a local asset the preview serves.
    wait_for(
        client,
        "the local logo to load",
        "const i = document.getElementById('email').contentDocument.querySelector('img.lp-light-img'); \
         return !!i && i.complete && i.naturalWidth === 280 && i.src.includes('/assets/logo.png');",
    )
    .await;

    // Light: the brand's light background (#f4f1ea); the light logo shows.
    let light_bg = frame_style("body", "background-color");
    let light = script(client, &format!("{{ {} }}", light_bg)).await;
    assert_eq!(light, Value::String("rgb(244, 241, 234)".into()));

    // Dark: the brand's dark palette (#151a18 background, #1e2522 card, #8cc7b1 button) and the
    // dark logo instead of the light one.
    client
        .find(fantoccini::Locator::Css("button[data-scheme=dark]"))
        .await
        .expect("dark button")
        .click()
        .await
        .expect("click");
    wait_for(
        client,
        "the dark background",
        &format!(
            "return (() => {{ {} }})() === 'rgb(21, 26, 24)';",
            frame_style("body", "background-color")
        ),
    )
    .await;
    let button_bg = script(client, &frame_style("td.lp-b-primary", "background-color")).await;
    assert_eq!(button_bg, Value::String("rgb(140, 199, 177)".into()));
    let logos = script(
        client,
        &format!(
            "return [(() => {{ {} }})(), (() => {{ {} }})()];",
            frame_style("img.lp-light-img", "display"),
            frame_style("img.lp-dark-img", "display")
        ),
    )
    .await;
    assert_eq!(
        logos,
        json!(["none", "block"]),
        "the dark logo replaces the light one"
    );

    // Forced inversion: the whole email inverted, images inverted back.
    client
        .find(fantoccini::Locator::Css("button[data-scheme=inverted]"))
        .await
        .expect("inversion button")
        .click()
        .await
        .expect("click");
    let inverted = script(
        client,
        &format!(
            "return [(() => {{ {} }})(), (() => {{ {} }})(), (() => {{ {} }})()];",
            frame_style("html", "filter"),
            frame_style("img.lp-light-img", "filter"),
            frame_style("body", "background-color")
        ),
    )
    .await;
    assert_eq!(
        inverted,
        json!([
            "invert(1) hue-rotate(180deg)",
            "invert(1) hue-rotate(180deg)",
            "rgb(244, 241, 234)"
        ]),
        "light colours, inverted by a filter as Gmail's apps do"
    );
    client
        .find(fantoccini::Locator::Css("button[data-scheme=light]"))
        .await
        .expect("light button")
        .click()
        .await
        .expect("click");
    let back = script(
        client,
        &format!(
            "return [(() => {{ {} }})(), (() => {{ {} }})()];",
            frame_style("html", "filter"),
            frame_style("body", "background-color")
        ),
    )
    .await;
    assert_eq!(back, json!(["none", "rgb(244, 241, 234)"]));

    // A save that breaks a rule shows up in the panel, with a link to the line.
    edit(
        project,
        ORIGINAL,
        "<p>{{ t.order_confirmation.next }} <a href=\"http://plain.example/track\">Track</a></p>",
    );
    wait_for(
        client,
        "a warning in the findings panel",
        "const s = document.querySelector('#findings summary'); \
         return !!s && s.textContent.includes('1 warning');",
    )
    .await;
    let item = script(
        client,
        "const li = document.querySelector('#findings li.warning'); \
         return [li.querySelector('.rule').textContent, li.querySelector('a.where').getAttribute('href')];",
    )
    .await;
    assert_eq!(item[0], Value::String("links.http".into()));
    let href = item[1].as_str().expect("a link to the source").to_string();
    assert!(
        href.starts_with("/source/templates/order-confirmation.mjml#L"),
        "{href}"
    );
    let line: usize = href
        .rsplit("#L")
        .next()
        .unwrap_or("")
        .parse()
        .expect("a line");
    let text = std::fs::read_to_string(project.join(TEMPLATE)).expect("template");
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap_or("")
            .contains("http://plain.example"),
        "the link points at the line with the http link"
    );
    open_page(client, &format!("{}{}", url.trim_end_matches('/'), href)).await;
    wait_for(
        client,
        "the target line, syntax-coloured",
        &format!(
            "const l = document.getElementById('L{line}'); \
             return !!l && l.matches(':target') && l.textContent.includes('http://plain.example') \
               && document.querySelectorAll('#source-file .hljs-name').length > 0;"
        ),
    )
    .await;
    kit.close().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs Chromium (apt-get install -y chromium chromium-driver); run with --include-ignored"]
async fn a_saved_image_shows_in_the_open_page() {
    // The page swaps a rebuilt email into its frame; a saved image leaves the HTML as it was,
    // so the frame must load anew for the browser to fetch the new picture.
    let kit = Kit::open().await;
    let (project, client) = (&kit.project, &kit.client);
    let logo_width = |width: u32| {
        format!(
            "const d = document.getElementById('email').contentDocument; \
             const img = d && Array.from(d.images).find((i) => i.src.includes('/logo.png')); \
             return !!img && img.complete && img.naturalWidth === {width};"
        )
    };
    wait_for(client, "the 280-pixel logo in the frame", &logo_width(280)).await;
    let wider = std::fs::read(project.join("assets/newsletter-spring.png")).expect("an image");
    std::fs::write(project.join("assets/logo.png"), wider).expect("logo is written");
    wait_for(
        client,
        "the new 1100-pixel logo in the frame",
        &logo_width(1100),
    )
    .await;
    // and a template save after it is swapped in, with the new logo kept
    edit(project, ORIGINAL, EDITED);
    wait_for(
        client,
        "the edited text",
        &frame_has("Fresh from disk 4711"),
    )
    .await;
    wait_for(client, "the new logo still", &logo_width(1100)).await;
    kit.close().await;
}
