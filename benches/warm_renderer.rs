//! The warm renderer against one process per email, on the starter kit's order confirmation
//! (the repository root): emails per second through `render --stream`, through `serve`'s
//! `POST /render`, and through one `letterpress render` process per email. Per-core figures
//! divide by the CPU time the letterpress process used (from /proc), so they do not depend on
//! what else the machine is doing. Run: `cargo bench --bench warm_renderer`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_letterpress");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const REQUESTS: usize = 2000;
const PROCESSES: usize = 40;

/// The order confirmation's `standard` fixture as send-time data, one request line.
fn request_line(id: usize) -> String {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("fixtures/order-confirmation/standard.yaml"))
            .expect("the starter fixture");
    let data: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
    serde_json::json!({"id": id, "template": "order-confirmation", "locale": "en", "data": data})
        .to_string()
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // fields after the command: state is 0, utime is 11, stime is 12; 100 ticks a second
    (ticks(11) + ticks(12)) / 100.0
}

fn report(label: &str, emails: usize, wall: Duration, cpu: f64) {
    println!(
        "{label:<44} {emails:>5} emails  {:>8.0} emails/s wall  {:>8.0} emails/s per core  ({:.2} ms CPU each)",
        emails as f64 / wall.as_secs_f64(),
        emails as f64 / cpu.max(1e-9),
        cpu * 1000.0 / emails as f64
    );
}

fn stream(workers: usize) {
    let mut child = Command::new(BIN)
        .args([
            "render",
            "--stream",
            "--project",
            ROOT,
            "--workers",
            &workers.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("render --stream starts");
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let line = request_line(0);
    // warm up: the project loads, caches fill
    let mut answer = String::new();
    for _ in 0..20 {
        writeln!(input, "{line}").unwrap();
        answer.clear();
        output.read_line(&mut answer).unwrap();
    }
    assert!(answer.contains("\"html\""), "{answer}");
    let cpu_before = cpu_seconds(child.id());
    let started = Instant::now();
    let writer = std::thread::spawn(move || {
        for _ in 0..REQUESTS {
            writeln!(input, "{line}").unwrap();
        }
        input
    });
    for _ in 0..REQUESTS {
        answer.clear();
        output.read_line(&mut answer).unwrap();
    }
    let wall = started.elapsed();
    let cpu = cpu_seconds(child.id()) - cpu_before;
    drop(writer.join().unwrap());
    let _ = child.wait();
    report(
        &format!("render --stream ({workers} workers, pipelined)"),
        REQUESTS,
        wall,
        cpu,
    );
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(workers: usize) -> Server {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--port",
            "0",
            "--project",
            ROOT,
            "--workers",
            &workers.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let at = first.find("http://").expect("the URL");
    let addr = first[at + 7..].split('/').next().unwrap().to_string();
    Server(child, addr)
}

/// One keep-alive connection posting `count` requests one after another.
fn client(addr: &str, count: usize) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    let body = request_line(1);
    let head = format!(
        "POST /render HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for _ in 0..count {
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            assert!(
                !line.starts_with("HTTP/1.1 4") && !line.starts_with("HTTP/1.1 5"),
                "{line}"
            );
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
    }
}

fn http(workers: usize, clients: usize) {
    let server = serve(workers);
    client(&server.1, 20);
    let cpu_before = cpu_seconds(server.0.id());
    let started = Instant::now();
    let per_client = REQUESTS / clients;
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let addr = server.1.clone();
            std::thread::spawn(move || client(&addr, per_client))
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let wall = started.elapsed();
    let cpu = cpu_seconds(server.0.id()) - cpu_before;
    report(
        &format!("serve POST /render ({workers} workers, {clients} clients)"),
        per_client * clients,
        wall,
        cpu,
    );
}

fn process_per_email() {
    let data = std::env::temp_dir().join(format!("letterpress-bench-{}.json", std::process::id()));
    let line = request_line(0);
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    std::fs::write(&data, value["data"].to_string()).unwrap();
    let started = Instant::now();
    let mut cpu = 0.0;
    for _ in 0..PROCESSES {
        let mut child = Command::new(BIN)
            .args(["render", "order-confirmation", "--project", ROOT, "--data"])
            .arg(&data)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // the child's CPU time, read while it is a zombie (after it exits, before it is reaped)
        let pid = child.id();
        let mut last = 0.0;
        loop {
            let now = cpu_seconds(pid);
            if now > 0.0 {
                last = now;
            }
            if std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|s| {
                    s.rsplit_once(')')
                        .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
                })
                .unwrap_or(true)
            {
                last = cpu_seconds(pid).max(last);
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        assert!(child.wait().unwrap().success());
        cpu += last;
    }
    let _ = std::fs::remove_file(&data);
    report(
        "one `render` process per email",
        PROCESSES,
        started.elapsed(),
        cpu,
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: only a real run measures
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!(
        "order-confirmation/standard as send-time data, release build, {} cores",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    stream(1);
    stream(2);
    http(1, 1);
    http(2, 4);
    process_per_email();
}
