//! The real binary: built HTML never carries a script, and `watch` serves each email's HTML
//! byte for byte as `build` writes it, refuses paths outside its in-memory build, and says
//! clearly when its port is taken.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_letterpress");

fn starter_kit(dir: &Path) -> PathBuf {
    let project = dir.join("kit");
    let out = Command::new(BIN)
        .arg("init")
        .arg(&project)
        .output()
        .unwrap();
    assert!(out.status.success(), "init: {out:?}");
    project
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
    files
}

fn has_script(html: &str) -> bool {
    html.to_ascii_lowercase().contains("<script")
}

/// Runs `letterpress build` on `project` into `<dir>/out` and returns that folder.
fn build(project: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let build = Command::new(BIN)
        .args(["build", "--project"])
        .arg(project)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(build.status.success(), "build: {build:?}");
    out
}

#[test]
fn built_html_has_no_script() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter_kit(temp.path());
    let out = build(&project, temp.path());
    let files = html_files(&out);
    assert!(files.len() >= 13, "the starter kit builds its emails");
    for file in files {
        let html = std::fs::read_to_string(&file).unwrap();
        assert!(!has_script(&html), "{} has a <script>", file.display());
    }
    let render = Command::new(BIN)
        .args(["render", "order-confirmation", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&render.stdout).unwrap();
    let html = json["html"].as_str().expect("render prints html");
    assert!(!has_script(html), "render output has a <script>");
}

/// Kills the server when the test ends.
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn watch(project: &Path, port: u16) -> Server {
    let mut child = Command::new(BIN)
        .args(["watch", "--project"])
        .arg(project)
        .args(["--port", &port.to_string()])
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
        .recv_timeout(Duration::from_secs(20))
        .expect("watch prints its URL");
    Server(child, addr)
}

/// Sends `target` as the request target, exactly as given, and returns (status, body).
fn get(addr: &str, target: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, response[split + 4..].to_vec())
}

#[test]
fn watch_serves_built_html_byte_for_byte_and_nothing_else() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter_kit(temp.path());
    let out = build(&project, temp.path());
    let server = watch(&project, 0);
    let (status, body) = get(&server.1, "/raw/order-confirmation/en/default.html");
    assert_eq!(status, 200);
    let built = std::fs::read_to_string(out.join("en/order-confirmation/default.html")).unwrap();
    // The starter kit publishes its images at assets.base-url; the preview serves them itself.
    let base = "https://www.fernwood-home.example/email-assets/";
    assert!(built.contains(&format!("src=\"{base}logo.png\"")));
    assert!(
        String::from_utf8(body).unwrap() == built.replace(base, "/assets/"),
        "the frame gets exactly the built HTML, its local images pointed at the preview"
    );
    for image in ["logo.png", "logo-dark.png"] {
        let (status, served) = get(&server.1, &format!("/assets/{image}"));
        assert_eq!(status, 200, "{image}");
        let published = std::fs::read(out.join("assets").join(image)).unwrap();
        assert!(
            served == published,
            "{image} is served as the bundle publishes it"
        );
    }
    let (status, source) = get(&server.1, "/source/templates/order-confirmation.mjml");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&source).contains("id=\"L1\""));
    let (status, page) = get(&server.1, "/email/order-confirmation/en/default");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("/_assets/live.js"));
    for target in [
        "/../../../../etc/passwd",
        "/raw/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/raw/order-confirmation/en/..%2f..%2f..%2fletterpress.yaml",
        "/%2fetc%2fpasswd",
        "/assets/..%2f..%2fletterpress.yaml",
        "/source/..%2fletterpress.yaml",
        "/source/templates/../../etc/passwd",
    ] {
        let (status, body) = get(&server.1, target);
        assert_eq!(status, 400, "{target}");
        assert!(!String::from_utf8_lossy(&body).contains("root:"));
    }
    for target in [
        "/etc/passwd",
        "/templates/order-confirmation.mjml",
        "/letterpress.yaml",
        "/assets/newsletter-spring.png.bak",
        "/source/out/manifest.json",
        "/source/assets/logo.png",
    ] {
        assert_eq!(get(&server.1, target).0, 404, "{target}");
    }
    // an image saved while watching is served anew
    std::fs::write(project.join("assets/logo.png"), b"\x89PNG redrawn").unwrap();
    let started = std::time::Instant::now();
    while get(&server.1, "/assets/logo.png").1 != b"\x89PNG redrawn" {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the saved image is served"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!project.join("out").exists(), "watch never writes out/");
}

#[test]
fn watch_says_when_its_port_is_taken() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter_kit(temp.path());
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = Command::new(BIN)
        .args(["watch", "--project"])
        .arg(&project)
        .args(["--port", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port}")) && stderr.contains("already in use"),
        "{stderr}"
    );
}

#[test]
fn watch_on_all_interfaces_prints_network_urls_that_answer() {
    let temp = tempfile::tempdir().unwrap();
    let project = starter_kit(temp.path());
    let mut child = Command::new(BIN)
        .args(["watch", "--host", "0.0.0.0", "--port", "0", "--project"])
        .arg(&project)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child, String::new());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let (etx, erx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = etx.send(line);
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(if lines.is_empty() { 20 } else { 1 }))
    {
        lines.push(line);
    }
    let serving = lines
        .iter()
        .find(|l| l.contains("serving http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("the local URL first: {lines:?}"));
    let port: String = serving
        .split("http://127.0.0.1:")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let warning = erx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
    assert!(warning.contains("visible to the network"), "{warning}");
    for line in lines.iter().filter(|l| l.contains("on your network:")) {
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap();
        let addr = url.trim_start_matches("http://").trim_end_matches('/');
        assert!(addr.ends_with(&format!(":{port}")), "{line}");
        assert!(!addr.starts_with("127."), "not loopback: {line}");
        assert_eq!(get(addr, "/").0, 200, "{url} answers");
    }
    drop(server);
}
