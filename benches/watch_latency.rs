//! Save-to-update latency of `letterpress watch` on the starter kit: the time from writing a
//! file to (a) the server-sent event that tells open pages to update, and (b) the page and the
//! email HTML it reloads both showing the new text. Run with `cargo bench --bench watch_latency`.
//!
//! This is what a browser waits for, minus its own parsing and painting (a few ms).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_letterpress");
const RUNS: usize = 15;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(project: &Path) -> (Server, String) {
    let mut child = Command::new(BIN)
        .args(["watch", "--port", "0", "--project"])
        .arg(project)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("letterpress runs");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let addr = loop {
        let line = lines.next().expect("watch prints its URL").expect("line");
        if let Some(at) = line.find("http://") {
            let url = line[at + 7..].split_whitespace().next().unwrap_or_default();
            break url.trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (Server(child), addr)
}

fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).expect("response");
    body
}

/// Opens the event stream and returns a reader positioned after the first event.
fn events(addr: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET /_events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    next_event(&mut reader);
    reader
}

fn next_event(reader: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("an event in time");
        if line.starts_with("data:") {
            return;
        }
    }
}

fn stats(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{name:<44} median {:6.1} ms   min {:6.1}   p90 {:6.1}   max {:6.1}   ({} runs)",
        ms[ms.len() / 2],
        ms[0],
        ms[ms.len() * 9 / 10],
        ms[ms.len() - 1],
        ms.len()
    );
}

/// Edits `file` RUNS times, each time replacing `anchor` with `anchor` plus a new marker.
fn measure(addr: &str, project: &Path, file: &str, anchor: &str, page: &str, raw: &str) {
    let path = project.join(file);
    let original = std::fs::read_to_string(&path).expect("file");
    assert!(original.contains(anchor), "{anchor} in {file}");
    let mut stream = events(addr);
    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        std::thread::sleep(Duration::from_millis(150));
        let marker = format!("Latency marker {run} {}", std::process::id());
        let edited = original.replacen(anchor, &format!("{anchor} {marker}"), 1);
        let started = Instant::now();
        std::fs::write(&path, edited).expect("write");
        next_event(&mut stream);
        to_event.push(started.elapsed().as_secs_f64() * 1000.0);
        let shown = get(addr, page).contains(&marker) && get(addr, raw).contains(&marker);
        to_page.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(
            shown,
            "run {run}: the page shows the new text after the event"
        );
    }
    std::fs::write(&path, original).expect("restore");
    next_event(&mut stream);
    stats(&format!("{file}: save → event"), to_event);
    stats(&format!("{file}: save → page and email HTML"), to_page);
}

fn main() {
    let temp = tempfile::tempdir().expect("temp dir");
    let project = temp.path().join("kit");
    let init = Command::new(BIN)
        .arg("init")
        .arg(&project)
        .output()
        .expect("init");
    assert!(init.status.success());
    let (_server, addr) = start(&project);
    let page = "/email/order-confirmation/en/default";
    let raw = "/raw/order-confirmation/en/default.html";
    measure(
        &addr,
        &project,
        "templates/order-confirmation.mjml",
        "<p>{{ t.order_confirmation.next }}",
        page,
        raw,
    );
    measure(
        &addr,
        &project,
        "fixtures/order-confirmation/default.yaml",
        "first_name: ",
        page,
        raw,
    );
}
