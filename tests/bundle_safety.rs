//! Issue 12, "data loss and writes outside the bundle", through the real binary: a build never
//! deletes or overwrites a file letterpress did not write, never writes outside its bundle,
//! and leaves `out/` a complete bundle whatever happens (a crash, `kill -9`, a second build).

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{BIN, Project, json, run_in, snapshot, write_file};

/// Every email the manifest lists exists with the HTML whose hash it records.
fn assert_complete_bundle(out: &Path) {
    let manifest = json(&std::fs::read_to_string(out.join("manifest.json")).unwrap());
    let emails = manifest["emails"].as_array().unwrap();
    assert!(!emails.is_empty());
    for email in emails {
        use sha2::Digest;
        let html = std::fs::read(out.join(email["html"].as_str().unwrap())).unwrap();
        let digest: String = sha2::Sha256::digest(&html)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            digest,
            email["sha256"].as_str().unwrap(),
            "{}",
            email["html"]
        );
        assert!(out.join(email["text"].as_str().unwrap()).is_file());
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect()
}

#[test]
fn refuses_to_replace_a_web_apps_public_folder() {
    let project = Project::minimal();
    let public = project.outer().join("public");
    write_file(&public.join("index.html"), "<h1>my app</h1>");
    write_file(&public.join("img/logo.png"), "PNG");
    write_file(
        &public.join("manifest.json"),
        r#"{"name": "My PWA", "start_url": "/"}"#,
    );
    let before = snapshot(&project.outer());
    let run = project.run(&["build", "--out", public.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("holds files letterpress did not write (img, index.html, manifest.json)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("choose a new or empty folder with --out"),
        "{}",
        run.stderr
    );
    assert_eq!(
        snapshot(&project.outer()),
        before,
        "nothing changed anywhere"
    );
}

#[test]
fn refuses_an_out_setting_that_names_someones_data_folder() {
    let project = Project::minimal();
    let data = project.outer().join("data");
    write_file(&data.join("db.sqlite"), "SQLite format 3");
    project.write("letterpress.yaml", &format!("out: {}\n", data.display()));
    let before = snapshot(&project.outer());
    let run = project.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("db.sqlite"), "{}", run.stderr);
    assert_eq!(snapshot(&project.outer()), before);
}

#[test]
fn an_out_setting_outside_the_project_works_when_the_folder_is_new() {
    let project = Project::minimal();
    let out = project.outer().join("site/emails");
    project.write("letterpress.yaml", &format!("out: {}\n", out.display()));
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_complete_bundle(&out);
    // and the next build replaces it: it carries letterpress's marker
    assert!(out.join(".letterpress-bundle").is_file());
    assert_eq!(project.run(&["build"]).code, 0);
}

#[test]
fn names_with_dots_never_become_paths() {
    for (file, text, named) in [
        (
            "locales/...yaml",
            "hello: x\n",
            "the locale name `..` starts with `.`",
        ),
        (
            "templates/...mjml",
            "<mjml><mj-body></mj-body></mjml>",
            "the template name `..` starts with `.`",
        ),
        (
            "fixtures/welcome/..yaml",
            "name: x\n",
            "the sample data name `` is empty",
        ),
        (
            "templates/a b.mjml",
            "<mjml><mj-body></mj-body></mjml>",
            "the template name `a b` contains a space",
        ),
    ] {
        let project = Project::minimal();
        write_file(&project.outer().join("docs/index.html"), "the docs");
        project.write(file, text);
        let before = snapshot(&project.outer());
        let run = project.run(&["build"]);
        assert_eq!(run.code, 2, "{file}: {}", run.all());
        assert!(
            run.stderr.contains(&format!("error: {file}: {named}")),
            "{file}: {}",
            run.stderr
        );
        assert_eq!(
            snapshot(&project.outer()),
            before,
            "{file}: nothing written"
        );
    }
}

#[test]
fn out_slash_is_refused_instead_of_writing_somewhere_else() {
    let project = Project::minimal();
    let run = project.run(&["build", "--out", "/"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "/: that is the root of the file system; the bundle needs a folder of its own"
        ),
        "{}",
        run.stderr
    );
    assert!(!project.root.join("out").exists());
}

#[test]
fn out_dot_dot_from_a_subfolder_says_what_it_names() {
    let project = Project::minimal();
    let run = run_in(
        &project.root.join("templates"),
        &["build", "--project", "..", "--out", ".."],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains(&format!(
            "{}: the output folder (`..`) contains the project itself",
            project.root.display()
        )),
        "{}",
        run.stderr
    );
    assert!(!project.root.join("templates/out").exists());
}

#[test]
fn out_inside_the_sources_is_refused() {
    let project = Project::minimal();
    let run = project.run(&["build", "--out", "templates/out"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("inside templates/"), "{}", run.stderr);
    assert!(!project.root.join("templates/out").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_out_folder_is_refused() {
    let project = Project::minimal();
    let elsewhere = project.outer().join("elsewhere");
    write_file(&elsewhere.join("keep.txt"), "keep");
    std::os::unix::fs::symlink(&elsewhere, project.root.join("out")).unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("keep.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn kill_9_at_any_moment_leaves_a_complete_bundle_and_no_litter() {
    let project = Project::starter();
    assert_eq!(project.run(&["build"]).code, 0);
    let out = project.root.join("out");
    for delay_ms in [0, 5, 20, 50, 90, 150, 250, 400] {
        let mut child = Command::new(BIN)
            .arg("build")
            .current_dir(&project.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert_complete_bundle(&out);
    }
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_complete_bundle(&out);
    assert_eq!(
        leftovers(&project.root),
        Vec::<String>::new(),
        "stale staging folders cleaned"
    );
}

#[test]
fn concurrent_builds_all_succeed_and_leave_one_complete_bundle() {
    let project = Project::starter();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(BIN)
                .arg("build")
                .current_dir(&project.root)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_complete_bundle(&project.root.join("out"));
    assert_eq!(leftovers(&project.root), Vec::<String>::new());
}

#[test]
fn a_bundle_set_aside_by_an_interrupted_swap_is_put_back() {
    let project = Project::starter();
    assert_eq!(project.run(&["build"]).code, 0);
    // What a crash between the two renames of a non-atomic swap leaves.
    std::fs::rename(
        project.root.join("out"),
        project.root.join(".out.old-4242-0"),
    )
    .unwrap();
    let run = project.run(&["build", "--template", "password-reset"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let manifest = json(&project.read("out/manifest.json"));
    assert_eq!(
        manifest["emails"].as_array().unwrap().len(),
        40,
        "the set-aside bundle was completed"
    );
    assert_eq!(leftovers(&project.root), Vec::<String>::new());
}

#[test]
fn a_filtered_build_keeps_the_rest_of_the_bundle_and_says_so() {
    let project = Project::starter();
    assert_eq!(project.run(&["build"]).code, 0);
    let before = project.read("out/en/order-shipped/default.html");
    project.write(
        "locales/en.yaml",
        &project.read("locales/en.yaml").replacen(
            "password_reset:",
            "password_reset:\n  extra: x",
            1,
        ),
    );
    let run = project.run(&["build", "--template", "password-reset", "--locale", "en"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr
            .contains("rebuilt 1 emails and kept 39 from the previous bundle unchanged"),
        "{}",
        run.stderr
    );
    let manifest = json(&project.read("out/manifest.json"));
    let emails = manifest["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 40);
    let mut sorted = emails.clone();
    sorted.sort_by_key(|e| {
        (
            e["template"].as_str().unwrap().to_string(),
            e["locale"].as_str().unwrap().to_string(),
            e["fixture"].as_str().unwrap().to_string(),
        )
    });
    assert_eq!(&sorted, emails, "still sorted");
    assert_eq!(project.read("out/en/order-shipped/default.html"), before);
    assert_complete_bundle(&project.root.join("out"));
}

#[test]
fn a_filtered_first_build_says_the_bundle_is_partial() {
    let project = Project::starter();
    let run = project.run(&["build", "--template", "password-reset"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr.contains("holds only the 2 selected emails"),
        "{}",
        run.stderr
    );
}
