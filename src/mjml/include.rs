//! `mj-include`, resolved as MJML resolves it: relative to the file that contains the include
//! (nested includes too), refused when it leaves the project folder, read with a size cap and
//! only from regular files (never a FIFO or a device). An included MJML file without `<mjml>` is
//! a fragment of a body, as in mjml.
//!
//! Every text the document is read from (the template and each included file) is an *origin*,
//! so positions in errors point into the right file.

use std::path::{Component, Path, PathBuf};

use super::document::{Element, Pos, Problem};
use super::tree;

/// Largest included file: the same cap as templates.
const MAX_FILE_BYTES: u64 = crate::project::MAX_TEMPLATE_BYTES;
/// Largest total of included text in one email, so includes that include each other many times
/// over cannot exhaust memory.
const MAX_TOTAL_BYTES: usize = 16 * 1024 * 1024;
/// Deepest chain of includes.
const MAX_DEPTH: usize = 24;

/// One text the document was read from.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    /// Project-relative path of the file.
    pub file: PathBuf,
    /// The text as read from disk (for an include) or rendered (the template).
    pub text: String,
    /// Bytes added in front of the text before reading it (an included fragment is wrapped in
    /// `<mjml><mj-body>`); positions past them are shifted back.
    pub shift: usize,
    /// Absolute folder that relative include paths start from.
    dir: PathBuf,
    /// Canonical path, for finding include cycles (none for the template's rendered text).
    canonical: Option<PathBuf>,
}

/// The origins of one document and what is needed to load more.
#[derive(Debug)]
pub(super) struct Includes {
    root: PathBuf,
    /// Every text read so far; index 0 is the template.
    pub origins: Vec<Origin>,
    /// Origins of the includes being read, innermost last.
    chain: Vec<usize>,
    total: usize,
}

/// A loaded include file.
pub(super) struct Loaded {
    origin: usize,
    /// Its text.
    pub text: String,
}

impl Includes {
    /// Starts with the template's text; `template` is project-relative, `root` canonical.
    pub(super) fn new(root: &Path, template: &Path, text: &str) -> Includes {
        let dir = root
            .join(template)
            .parent()
            .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
        Includes {
            root: root.to_path_buf(),
            origins: vec![Origin {
                file: template.to_path_buf(),
                text: text.to_string(),
                shift: 0,
                dir,
                canonical: root.join(template).canonicalize().ok(),
            }],
            chain: Vec::new(),
            total: 0,
        }
    }

    /// Where `pos` is: the origin and the offset in its own text.
    pub(super) fn locate(&self, pos: Pos) -> (&Origin, usize) {
        let origin = &self.origins[pos.origin.min(self.origins.len() - 1)];
        (origin, pos.offset.saturating_sub(origin.shift))
    }

    /// Loads the file that `path` (written in origin `from`) names.
    pub(super) fn load(&mut self, path: &str, from: usize, at: Pos) -> Result<Loaded, Problem> {
        let fail = |message: String| Problem::Include { message, at };
        let written = path.trim().trim_start_matches("file://");
        let rel = Path::new(written);
        if written.is_empty() || rel.has_root() || rel.is_absolute() {
            return Err(fail(format!(
                "mj-include `{path}` points outside the project folder; includes must stay inside the project (write a path relative to this file)"
            )));
        }
        let base = &self.origins[from].dir;
        let beside = base.join(rel);
        // letterpress resolved include paths from the project folder before; a path that does
        // not exist beside the including file is still found there.
        let candidate = if beside.exists() || !self.root.join(rel).exists() {
            beside
        } else {
            self.root.join(rel)
        };
        let Ok(canonical) = candidate.canonicalize() else {
            let escapes = rel.components().any(|c| matches!(c, Component::ParentDir))
                && !lexically_inside(&self.root, &candidate);
            return Err(fail(if escapes {
                format!(
                    "mj-include `{path}` points outside the project folder; includes must stay inside the project"
                )
            } else {
                format!(
                    "mj-include `{path}`: no such file {} (paths are relative to the file that contains the mj-include)",
                    shown(&self.root, &candidate)
                )
            }));
        };
        if !canonical.starts_with(&self.root) {
            return Err(fail(format!(
                "mj-include `{path}` points outside the project folder; includes must stay inside the project"
            )));
        }
        let cycle = self
            .chain
            .iter()
            .chain(std::iter::once(&from))
            .any(|&o| self.origins[o].canonical.as_deref() == Some(canonical.as_path()));
        if cycle {
            return Err(fail(format!(
                "mj-include `{path}` includes a file that is already being included ({}): remove the loop",
                self.chain_names(&canonical)
            )));
        }
        if self.chain.len() >= MAX_DEPTH {
            return Err(fail(format!(
                "mj-include `{path}` is nested more than {MAX_DEPTH} includes deep"
            )));
        }
        let inside = canonical.strip_prefix(&self.root).unwrap_or(&canonical);
        let text = crate::files::read_in_project(&self.root, inside, MAX_FILE_BYTES)
            .map_err(|why| fail(format!("mj-include `{path}`: {}", why.message())))?;
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        self.total += text.len();
        if self.total > MAX_TOTAL_BYTES {
            return Err(fail(format!(
                "mj-include `{path}`: the includes of this email add up to more than {} MiB; include less",
                MAX_TOTAL_BYTES / (1024 * 1024)
            )));
        }
        let file = canonical
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| canonical.clone());
        self.origins.push(Origin {
            file,
            text: text.clone(),
            shift: 0,
            dir: canonical
                .parent()
                .map_or_else(|| self.root.clone(), Path::to_path_buf),
            canonical: Some(canonical),
        });
        Ok(Loaded {
            origin: self.origins.len() - 1,
            text,
        })
    }

    /// Reads a loaded MJML include into its root element; a fragment without `<mjml>` is read as
    /// the content of an `mj-body`, as mjml does.
    pub(super) fn read_mjml(&mut self, file: &Loaded, at: Pos) -> Result<Element, Problem> {
        const OPEN: &str = "<mjml><mj-body>";
        let text = if file.text.contains("<mjml>") {
            file.text.clone()
        } else {
            self.origins[file.origin].shift = OPEN.len();
            format!("{OPEN}{}</mj-body></mjml>", file.text)
        };
        self.chain.push(file.origin);
        let read = tree::read(&text, file.origin, self);
        self.chain.pop();
        read.map_err(|problem| match problem {
            Problem::NoRoot { .. } => Problem::Include {
                message: "the included file has no MJML in it".into(),
                at,
            },
            other => other,
        })
    }

    fn chain_names(&self, again: &Path) -> String {
        self.chain
            .iter()
            .map(|&o| self.origins[o].file.display().to_string())
            .chain(std::iter::once(shown(&self.root, again)))
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// Whether `path` stays inside `root` once `..` are applied (for paths that do not exist).
fn lexically_inside(root: &Path, path: &Path) -> bool {
    let mut parts: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir => {}
            other => parts.push(other),
        }
    }
    parts.iter().collect::<PathBuf>().starts_with(root)
}

/// A path for messages: project-relative when inside the project.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("p");
        std::fs::create_dir_all(root.join("templates/partials")).unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    fn at() -> Pos {
        Pos {
            origin: 0,
            offset: 0,
        }
    }

    #[test]
    fn paths_are_relative_to_the_including_file() {
        let (_dir, root) = project();
        std::fs::write(
            root.join("templates/partials/a.mjml"),
            "<mj-text>a</mj-text>",
        )
        .unwrap();
        let mut includes = Includes::new(&root, Path::new("templates/t.mjml"), "");
        let loaded = includes.load("./partials/a.mjml", 0, at()).unwrap();
        assert_eq!(loaded.text, "<mj-text>a</mj-text>");
        assert_eq!(
            includes.origins[1].file,
            PathBuf::from("templates/partials/a.mjml")
        );
        // from inside partials/, a sibling is found without the folder name
        std::fs::write(root.join("templates/partials/b.mjml"), "b").unwrap();
        assert_eq!(includes.load("b.mjml", 1, at()).unwrap().text, "b");
    }

    #[test]
    fn project_relative_paths_of_earlier_versions_still_resolve() {
        let (_dir, root) = project();
        std::fs::write(root.join("templates/partials/a.mjml"), "a").unwrap();
        let mut includes = Includes::new(&root, Path::new("templates/t.mjml"), "");
        let loaded = includes.load("templates/partials/a.mjml", 0, at()).unwrap();
        assert_eq!(loaded.text, "a");
    }

    #[test]
    fn leaving_the_project_is_refused_even_through_a_link() {
        let (dir, root) = project();
        std::fs::write(dir.path().join("secret.mjml"), "secret").unwrap();
        let mut includes = Includes::new(&root, Path::new("templates/t.mjml"), "");
        for path in ["../../secret.mjml", "/etc/hostname", "../../nothing.mjml"] {
            let Err(Problem::Include { message, .. }) = includes.load(path, 0, at()) else {
                panic!("{path} was loaded");
            };
            assert!(message.contains("outside the project folder"), "{message}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                dir.path().join("secret.mjml"),
                root.join("templates/link.mjml"),
            )
            .unwrap();
            let Err(Problem::Include { message, .. }) = includes.load("link.mjml", 0, at()) else {
                panic!("a link out of the project was followed");
            };
            assert!(message.contains("outside the project folder"), "{message}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_not_read() {
        let (_dir, root) = project();
        let fifo = root.join("templates/pipe.mjml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this system
        }
        let mut includes = Includes::new(&root, Path::new("templates/t.mjml"), "");
        let Err(Problem::Include { message, .. }) = includes.load("pipe.mjml", 0, at()) else {
            panic!("the FIFO was read");
        };
        assert!(
            message.contains("named pipe (FIFO), not a file"),
            "{message}"
        );
    }

    #[test]
    fn missing_and_oversized_files_say_so() {
        let (_dir, root) = project();
        let big = "x".repeat(MAX_FILE_BYTES as usize + 1);
        std::fs::write(root.join("templates/big.mjml"), big).unwrap();
        let mut includes = Includes::new(&root, Path::new("templates/t.mjml"), "");
        let Err(Problem::Include { message, .. }) = includes.load("big.mjml", 0, at()) else {
            panic!("oversized include read");
        };
        assert!(message.contains("larger than 1 MiB"), "{message}");
        let Err(Problem::Include { message, .. }) = includes.load("nope.mjml", 0, at()) else {
            panic!("missing include read");
        };
        assert!(
            message.contains("no such file templates/nope.mjml"),
            "{message}"
        );
    }
}
