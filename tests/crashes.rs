//! Issue 12, "crashes", through the real binary: deep input is a finding for its email (never
//! an abort of the build or of `watch`), a template that loops too long is stopped, and the
//! preview server survives running out of file descriptors.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::{BIN, Project, json};

fn nested_sections(n: usize) -> String {
    format!(
        "<mjml><mj-body>{}<mj-text>deep</mj-text>{}</mj-body></mjml>\n",
        "<mj-section><mj-column>".repeat(n),
        "</mj-column></mj-section>".repeat(n)
    )
}

/// Findings of `template` in a JSON report, as `rule: message`.
fn findings_of(report: &serde_json::Value, template: &str) -> Vec<String> {
    report["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["template"] == template)
        .flat_map(|e| e["findings"].as_array().unwrap().clone())
        .map(|f| {
            format!(
                "{}: {}",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn hundreds_of_nested_sections_are_a_finding_and_the_other_emails_still_build() {
    let project = Project::minimal();
    project.write("templates/deep.mjml", &nested_sections(673));
    assert!(project.read("templates/deep.mjml").len() > 32_000);
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(
        run.code, 1,
        "an ordinary failure, not an abort: {}",
        run.stderr
    );
    let report = json(&run.stdout);
    let deep = findings_of(&report, "deep");
    assert!(
        deep.iter()
            .any(|f| f.starts_with("build.mjml: elements are nested more than 100 deep")),
        "{deep:?}"
    );
    assert_eq!(
        findings_of(&report, "welcome"),
        Vec::<String>::new(),
        "the other email is reported"
    );
}

#[test]
fn a_short_tera_loop_that_nests_deeply_is_a_finding() {
    let project = Project::minimal();
    let template = "---\nsubject: Loops\n---\n<mjml><mj-body>{% for i in range(end=700) %}<mj-section><mj-column>{% endfor %}<mj-text>x</mj-text>{% for i in range(end=700) %}</mj-column></mj-section>{% endfor %}</mj-body></mjml>\n";
    assert!(template.len() < 256);
    project.write("templates/loop.mjml", template);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout
            .contains("elements are nested more than 100 deep"),
        "{}",
        run.stdout
    );
    let run = project.run(&["render", "loop"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(json(&run.stdout)["findings"][0]["rule"], "build.mjml");
}

#[test]
fn deep_html_inside_text_and_raw_is_a_finding() {
    for (element, open, close) in [
        ("mj-text", "<div>", "</div>"),
        ("mj-raw", "<table><tr><td>", "</td></tr></table>"),
        ("mj-text", "<span><b>", "</b></span>"),
    ] {
        let project = Project::minimal();
        let wrap = |inner: String| {
            if element == "mj-raw" {
                format!("<mjml><mj-body><mj-raw>{inner}</mj-raw></mj-body></mjml>\n")
            } else {
                format!(
                    "<mjml><mj-body><mj-section><mj-column><mj-text>{inner}</mj-text></mj-column></mj-section></mj-body></mjml>\n"
                )
            }
        };
        project.write(
            "templates/deep.mjml",
            &wrap(format!("{}x{}", open.repeat(5000), close.repeat(5000))),
        );
        let run = project.run(&["check", "--format", "json"]);
        assert_eq!(run.code, 1, "{element}: {}", run.stderr);
        let deep = findings_of(&json(&run.stdout), "deep");
        assert!(
            deep.iter().any(|f| f.contains("nested more than 100 deep")),
            "{element}: {deep:?}"
        );
    }
}

#[test]
fn a_loop_that_prints_too_much_is_stopped() {
    let project = Project::minimal();
    // a kilobyte a turn: the output bound (4 MB) is reached in milliseconds, far inside the
    // time limit (5 s) even in a debug build on a busy machine; one letter a turn took about
    // 4 s there, and a busy run passed the time limit first
    let kilobyte = "x".repeat(1000);
    project.write(
        "templates/loop.mjml",
        &format!("---\nsubject: Loops\n---\n<mjml><mj-body><mj-section><mj-column><mj-text>{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{kilobyte}{{% endfor %}}{{% endfor %}}</mj-text></mj-column></mj-section></mj-body></mjml>\n"),
    );
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = findings_of(&json(&run.stdout), "loop");
    assert_eq!(
        found,
        [
            "build.template: the template wrote more than 4 MB, so letterpress stopped it; look for a loop that runs too often (an email over 102 KB is clipped by Gmail anyway)"
        ]
    );
}

#[test]
fn a_loop_that_prints_nothing_is_given_up_on() {
    let project = Project::minimal();
    project.write(
        "templates/loop.mjml",
        "---\nsubject: Loops\n---\n<mjml><mj-body><mj-section><mj-column><mj-text>{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}</mj-text></mj-column></mj-section></mj-body></mjml>\n",
    );
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = findings_of(&json(&run.stdout), "loop");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("build.template: rendering took longer than 5 s"),
        "{found:?}"
    );
    assert_eq!(
        findings_of(&json(&run.stdout), "welcome"),
        Vec::<String>::new()
    );
}

/// `letterpress watch` on a free port, under `ulimit -n <fds>`; killed when dropped.
struct Watch {
    child: Child,
    addr: String,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn watch(project: &Project, fds: u32) -> Watch {
    let mut server = Watch {
        child: Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -n {fds} && exec \"$0\" watch --port 0"))
            .arg(BIN)
            .current_dir(&project.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        addr: String::new(),
    };
    let stdout = server.child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let prefix = "http://127.0.0.1:";
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("watch prints its URL");
        if let Some(at) = line.find(prefix) {
            let port: String = line[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            // keep draining stdout so the server never blocks on a full pipe
            std::thread::spawn(move || while rx.recv().is_ok() {});
            server.addr = format!("127.0.0.1:{port}");
            return server;
        }
    }
}

fn status_of(addr: &str, target: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split(' ').nth(1)?.parse().ok()
}

fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("{what}");
}

#[cfg(unix)]
#[test]
fn watch_keeps_serving_after_running_out_of_file_descriptors() {
    let project = Project::minimal();
    let server = watch(&project, 64);
    assert_eq!(status_of(&server.addr, "/"), Some(200));
    // Hold more connections than the server has descriptors left.
    let held: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect(&server.addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    drop(held);
    eventually("the server answers again once descriptors are free", || {
        status_of(&server.addr, "/") == Some(200)
    });
}

#[test]
fn watch_survives_saving_a_template_that_nests_too_deep() {
    let project = Project::minimal();
    let server = watch(&project, 1024);
    assert_eq!(status_of(&server.addr, "/"), Some(200));
    project.write("templates/welcome.mjml", &nested_sections(2000));
    eventually("the deep template is rebuilt and reported", || {
        let mut stream = match TcpStream::connect(&server.addr) {
            Ok(s) => s,
            Err(_) => return false,
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        );
        let mut page = String::new();
        let _ = stream.read_to_string(&mut page);
        page.contains("nested more than 100 deep")
    });
    project.write("templates/welcome.mjml", &nested_sections(3));
    eventually("and it recovers", || {
        status_of(&server.addr, "/email/welcome/en/basic") == Some(200)
    });
}

#[test]
fn watch_is_not_held_up_by_a_template_that_never_finishes() {
    let project = Project::minimal();
    project.write(
        "templates/spin.mjml",
        "---\nsubject: Loops\n---\n<mjml><mj-body><mj-section><mj-column><mj-text>{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}</mj-text></mj-column></mj-section></mj-body></mjml>\n",
    );
    let server = watch(&project, 1024);
    let page = |target: &str| -> String {
        let Ok(mut stream) = TcpStream::connect(&server.addr) else {
            return String::new();
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        );
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        text
    };
    assert!(
        page("/").contains("rendering took longer than 5 s"),
        "the spinning email is reported"
    );
    project.write(
        "templates/welcome.mjml",
        &project
            .read("templates/welcome.mjml")
            .replace("{{ t.hello }}", "Bonjour"),
    );
    eventually("a save of another template is rebuilt", || {
        page("/raw/welcome/en/basic.html").contains("Bonjour")
    });
}

#[test]
fn a_deep_file_brought_in_by_mj_include_is_a_finding() {
    let project = Project::minimal();
    project.write(
        "templates/partials/deep.mjml",
        &format!(
            "<mj-wrapper>{}<mj-text>x</mj-text>{}</mj-wrapper>\n",
            "<mj-section><mj-column>".repeat(3000),
            "</mj-column></mj-section>".repeat(3000)
        ),
    );
    project.write(
        "templates/inc.mjml",
        "<mjml><mj-body><mj-include path=\"templates/partials/deep.mjml\" /></mj-body></mjml>\n",
    );
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(
        run.code, 1,
        "an ordinary failure, not an abort: {}",
        run.stderr
    );
    let found = findings_of(&json(&run.stdout), "inc");
    assert!(
        found.iter().any(|f| f.starts_with(
            "build.mjml: elements are nested more than 100 deep inside `templates/partials/deep.mjml`, included here,"
        )),
        "{found:?}"
    );
}
