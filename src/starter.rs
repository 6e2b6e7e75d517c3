//! The starter kit, embedded in the binary: the repository's own `brand/`, `templates/`,
//! `locales/`, `fixtures/`, `assets/`, `dictionary/` and `letterpress.yaml`, written out by
//! `letterpress init`.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static BRAND: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/brand");
static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static LOCALES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/locales");
static FIXTURES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");
static ASSETS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets");
static DICTIONARY: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/dictionary");
static CONFIG: &str = include_str!("../letterpress.yaml");

/// Why `init` refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The target folder has files in it already.
    #[error("{}: folder is not empty; `init` only writes into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
    /// Writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Every file of the starter kit as (relative path, contents), sorted by path.
pub fn files() -> Vec<(PathBuf, &'static [u8])> {
    let mut files = vec![(PathBuf::from("letterpress.yaml"), CONFIG.as_bytes())];
    for (prefix, dir) in [
        ("brand", &BRAND),
        ("templates", &TEMPLATES),
        ("locales", &LOCALES),
        ("fixtures", &FIXTURES),
        ("assets", &ASSETS),
        ("dictionary", &DICTIONARY),
    ] {
        collect(dir, Path::new(prefix), &mut files);
    }
    files.push((PathBuf::from(".gitignore"), b"/out\n/.out.*\n"));
    files.sort();
    files
}

fn collect(dir: &'static Dir<'static>, prefix: &Path, out: &mut Vec<(PathBuf, &'static [u8])>) {
    for file in dir.files() {
        out.push((prefix.join(file.path()), file.contents()));
    }
    for sub in dir.dirs() {
        collect(sub, prefix, out);
    }
}

/// Writes the starter kit into `dir`, which must not exist or be empty. Returns the number of
/// files written.
pub fn init(dir: &Path) -> Result<usize, InitError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let files = files();
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kit_has_brand_layout_and_locales() {
        let names: Vec<String> = files()
            .iter()
            .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
            .collect();
        for expected in [
            "brand/brand.yaml",
            "templates/layouts/base.mjml",
            "locales/en.yaml",
            "locales/tr.yaml",
            "assets/logo.png",
            "dictionary/tr.txt",
            "fixtures/support-reply/complaint-refund.tr.yaml",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "missing {expected} in {names:?}"
            );
        }
    }

    #[test]
    fn init_refuses_a_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "x").unwrap();
        assert!(matches!(init(dir.path()), Err(InitError::NotEmpty(_))));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
