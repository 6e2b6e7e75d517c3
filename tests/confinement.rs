//! Issue 12, "confinement" and the FIFO/device/huge-file cases, through the real binary: one
//! rule for every file a project reads (no symbolic link may lead outside the project), no read
//! that blocks or eats memory, and no message that echoes an unrelated file.

#![cfg(unix)]

mod support;

use std::os::unix::fs::symlink;
use std::path::Path;

use support::{Project, json, write_file};

const TOKEN: &str = "tok_live_51H8outside";

/// A secret file beside the project, as a hostile project would link to it.
fn secret_beside(project: &Project, name: &str, text: &str) -> std::path::PathBuf {
    let path = project.outer().join(name);
    write_file(&path, text);
    path
}

fn assert_token_nowhere(project: &Project, run: &support::Run) {
    assert!(!run.all().contains(TOKEN), "token echoed: {}", run.all());
    let out = project.root.join("out");
    if out.exists() {
        for (path, bytes) in support::snapshot(&out) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(TOKEN),
                "token in {}",
                path.display()
            );
        }
    }
}

#[test]
fn a_locale_file_linked_from_outside_is_refused() {
    let project = Project::minimal();
    let secret = secret_beside(&project, "secret.yaml", &format!("hello: {TOKEN}\n"));
    std::fs::remove_file(project.root.join("locales/en.yaml")).unwrap();
    symlink(&secret, project.root.join("locales/en.yaml")).unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains(&format!(
            "error: locales/en.yaml: is a symbolic link to {}, outside the project; letterpress reads only files inside the project folder",
            secret.display()
        )),
        "{}",
        run.stderr
    );
    assert_token_nowhere(&project, &run);
}

#[test]
fn whole_folders_linked_from_outside_are_refused() {
    for folder in ["templates", "locales", "fixtures", "brand"] {
        let project = Project::minimal();
        let moved = project.outer().join(format!("elsewhere-{folder}"));
        std::fs::rename(project.root.join(folder), &moved).unwrap();
        symlink(&moved, project.root.join(folder)).unwrap();
        let run = project.run(&["build"]);
        assert!(run.code != 0, "{folder}: {}", run.all());
        assert!(
            run.all().contains(&format!(
                "{folder}: is a symbolic link to {}",
                moved.display()
            )) || run.all().contains(&format!(
                "is reached through `{folder}`, a symbolic link to"
            )),
            "{folder}: {}",
            run.all()
        );
        assert!(
            !project.root.join("out").exists(),
            "{folder}: nothing built"
        );
    }
}

#[test]
fn brand_and_settings_linked_from_outside_are_refused() {
    let project = Project::minimal();
    let brand = secret_beside(&project, "brand.yaml", &project.read("brand/brand.yaml"));
    std::fs::remove_file(project.root.join("brand/brand.yaml")).unwrap();
    symlink(&brand, project.root.join("brand/brand.yaml")).unwrap();
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("brand/brand.yaml: is a symbolic link to"),
        "{}",
        run.stderr
    );

    let project = Project::minimal();
    let settings = secret_beside(&project, "settings.yaml", "out: out\n");
    symlink(&settings, project.root.join("letterpress.yaml")).unwrap();
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("letterpress.yaml: is a symbolic link to"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_symlinked_fixture_is_reported_not_dropped() {
    let project = Project::minimal();
    let secret = secret_beside(&project, "customers.yaml", &format!("name: {TOKEN}\n"));
    symlink(&secret, project.root.join("fixtures/welcome/real.yaml")).unwrap();
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let report = json(&run.stdout);
    let email = report["emails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["fixture"] == "real")
        .expect("the linked fixture is an email with a finding, not silently skipped");
    let finding = &email["findings"][0];
    assert_eq!(finding["rule"], "build.fixture");
    assert_eq!(finding["location"]["file"], "fixtures/welcome/real.yaml");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("is a symbolic link to"),
        "{finding}"
    );
    assert_token_nowhere(&project, &run);
}

#[test]
fn links_inside_the_project_still_work() {
    let project = Project::minimal();
    symlink("en.yaml", project.root.join("locales/en-GB.yaml")).unwrap();
    symlink(
        "basic.yaml",
        project.root.join("fixtures/welcome/copy.yaml"),
    )
    .unwrap();
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(json(&run.stdout)["summary"]["emails"], 4);
}

#[test]
fn a_fifo_or_device_where_a_file_should_be_is_refused_without_hanging() {
    let project = Project::minimal();
    let fifo = project.root.join("fixtures/welcome/pipe.yaml");
    rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from(0o644)).unwrap();
    symlink("/dev/zero", project.root.join("fixtures/welcome/zero.yaml")).unwrap();
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let messages: Vec<String> = json(&run.stdout)["emails"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["findings"].as_array().unwrap().clone())
        .map(|f| {
            format!(
                "{}: {}",
                f["location"]["file"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        messages.contains(&"fixtures/welcome/pipe.yaml: this is a named pipe (FIFO), not a file; letterpress reads only regular text files".to_string()),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with(
            "fixtures/welcome/zero.yaml: is a symbolic link to /dev/zero, outside the project"
        )),
        "{messages:?}"
    );

    let project = Project::minimal();
    let fifo = project.root.join("templates/pipe.mjml");
    rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from(0o644)).unwrap();
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("templates/pipe.mjml: this is a named pipe (FIFO)"),
        "{}",
        run.stderr
    );
}

#[test]
fn data_from_stdin_has_the_same_limit_as_data_from_a_file() {
    let project = Project::minimal();
    let big = format!("name: \"{}\"\n", "x".repeat(5 * 1024 * 1024));
    let run = project.run_with_stdin(&["render", "welcome", "--data", "-"], big.as_bytes());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("<stdin>: the file is larger than 4 MiB"),
        "{}",
        run.stderr
    );
    write_file(&project.root.join("big.yaml"), &big);
    let run = project.run(&["render", "welcome", "--data", "big.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("big.yaml: the file is larger than 4 MiB"),
        "{}",
        run.stderr
    );
    let run = project.run(&["render", "welcome", "--data", "/dev/zero"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("/dev/zero: this is a device, not a file"),
        "{}",
        run.stderr
    );
    let run = project.run_with_stdin(&["render", "welcome", "--data", "-"], b"name: Grace\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        json(&run.stdout)["subject"]
            .as_str()
            .unwrap()
            .contains("Grace")
    );
}

#[test]
fn yaml_errors_never_echo_the_first_line_of_an_unrelated_file() {
    let project = Project::minimal();
    let shadow = "root:$6$Xq1secretHASHvalue$abc:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n";
    project.write("locales/en.yaml", shadow);
    let run = project.run(&["check"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(!run.all().contains("secretHASH"), "{}", run.all());
    project.write("brand/brand.yaml", shadow);
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(!run.stderr.contains("secretHASH"), "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: brand/brand.yaml:1:1: this key is not one of: name, palette"),
        "{}",
        run.stderr
    );

    let project = Project::minimal();
    project.write(
        "brand/brand.yaml",
        "just a line of text that is not yaml keys\n",
    );
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("just a line"), "{}", run.stderr);
    assert!(Path::new(&project.root).exists());
}
