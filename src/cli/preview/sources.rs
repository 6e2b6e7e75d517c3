//! The project's text files, read into memory on the watcher's thread at every rebuild, so the
//! server can show code frames and source pages without a request ever reading the disk. Only
//! source files (settings, brand, templates, locales, fixtures) are kept; symbolic links are not
//! followed; files over 1 MiB and anything past 32 MiB in all are left out.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Project-relative path (`/` separators) → text.
pub type Sources = BTreeMap<String, Arc<str>>;

const MAX_FILE: u64 = 1024 * 1024;
const MAX_TOTAL: u64 = 32 * 1024 * 1024;
const EXTENSIONS: [&str; 4] = ["mjml", "txt", "yaml", "yml"];

/// Reads the sources of the project at `root`.
pub fn read(root: &Path) -> Sources {
    let mut sources = Sources::new();
    let mut total = 0;
    let mut add = |path: &Path, len: u64| {
        if len > MAX_FILE || total + len > MAX_TOTAL {
            return;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            return;
        };
        let Some(name) = rel
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()
        else {
            return;
        };
        if let Ok(text) = std::fs::read_to_string(path) {
            total += len;
            sources.insert(name.join("/"), Arc::from(text));
        }
    };
    let config = root.join(letterpress::config::FILE_NAME);
    if let Ok(meta) = std::fs::symlink_metadata(&config) {
        if meta.is_file() {
            add(&config, meta.len());
        }
    }
    for dir in ["brand", "templates", "locales", "fixtures"] {
        let walk = walkdir::WalkDir::new(root.join(dir))
            .follow_links(false)
            .sort_by_file_name();
        for entry in walk.into_iter().filter_map(Result::ok) {
            let wanted = entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e));
            if entry.file_type().is_file() && wanted {
                let len = entry.metadata().map_or(u64::MAX, |m| m.len());
                add(entry.path(), len);
            }
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_source_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (rel, text) in [
            ("letterpress.yaml", "out: out\n"),
            ("templates/a.mjml", "<mjml></mjml>\n"),
            (
                "templates/layouts/base.mjml",
                "<mjml>{% block body %}{% endblock %}</mjml>\n",
            ),
            ("fixtures/a/default.yaml", "x: 1\n"),
            ("templates/notes.md", "not a source\n"),
            ("out/en/a/default.html", "built\n"),
        ] {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), text).unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/hostname", root.join("templates/link.mjml")).unwrap();
        let sources = read(root);
        let names: Vec<&str> = sources.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "fixtures/a/default.yaml",
                "letterpress.yaml",
                "templates/a.mjml",
                "templates/layouts/base.mjml"
            ]
        );
        assert_eq!(&*sources["templates/a.mjml"], "<mjml></mjml>\n");
    }
}
