//! Shared by the integration tests that run the real binary on hostile or careless projects:
//! a project in a temporary folder, a run of the binary, and a snapshot of every file.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_letterpress");
/// The repository (its brand is the starter kit's).
pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A project inside a temporary folder: `outer` holds the project folder `project` and
/// whatever a test puts beside it (someone's files that must survive).
pub struct Project {
    pub outer: tempfile::TempDir,
    pub root: PathBuf,
}

/// What a run printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for messages.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl Project {
    /// The starter kit, written by `letterpress init` into `<outer>/project`.
    pub fn starter() -> Project {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().canonicalize().unwrap().join("project");
        let run = run_in(outer.path(), &["init", root.to_str().unwrap()], None);
        assert_eq!(run.code, 0, "init failed: {}", run.stderr);
        Project { outer, root }
    }

    /// The repository's brand, one locale and one template with one fixture.
    pub fn minimal() -> Project {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().canonicalize().unwrap().join("project");
        let project = Project { outer, root };
        let brand = std::fs::read_to_string(Path::new(REPO).join("brand/brand.yaml")).unwrap();
        project
            .write("brand/brand.yaml", &brand)
            .write("locales/en.yaml", "hello: Hello\n")
            .write(
                "templates/welcome.mjml",
                "---\nsubject: \"Welcome, {{ name }}\"\npreheader: Your account is ready to use today\n---\n<mjml><mj-body><mj-section><mj-column>\n<mj-text><p>{{ t.hello }} {{ name }}</p></mj-text>\n</mj-column></mj-section></mj-body></mjml>\n",
            )
            .write("fixtures/welcome/basic.yaml", "name: Ada\n");
        project
    }

    /// The folder around the project.
    pub fn outer(&self) -> PathBuf {
        self.outer.path().canonicalize().unwrap()
    }

    /// Writes a project file, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Project {
        write_file(&self.root.join(rel), text);
        self
    }

    /// Reads a project file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs the binary in the project folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args, None)
    }

    /// Runs the binary in the project folder with `stdin` as standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        run_in(&self.root, args, Some(stdin))
    }
}

/// Writes `text` to `path`, creating folders.
pub fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Longest any run may take before the test fails as a hang.
pub const HANG: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs the binary in `dir`; a run that takes longer than [`HANG`] is killed and fails.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        // Written from a thread: the binary may stop reading early (a size limit).
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if finished.recv_timeout(HANG).is_err() {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            return true;
        }
        false
    });
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    assert!(
        !watchdog.join().unwrap(),
        "letterpress {args:?} hung: killed after {HANG:?}"
    );
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir` (symbolic links not followed) with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                b"<link>".to_vec()
            };
            (rel, bytes)
        })
        .collect()
}

/// Parses JSON or fails with the text.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}
