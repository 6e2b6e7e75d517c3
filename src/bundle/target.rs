//! Where the bundle goes, and whether a folder there may be replaced: only a folder letterpress
//! wrote itself (its marker file, or its own manifest) or an empty one. Everything else is
//! somebody's files and is refused with a message that says how to proceed.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use super::WriteError;

/// The file every bundle carries, so letterpress recognises a folder it wrote.
pub const MARKER: &str = ".letterpress-bundle";

/// What the marker file says to whoever opens it.
pub const MARKER_TEXT: &str = "This folder is a letterpress bundle. letterpress replaces it as a whole on every build:\nanything you add here is deleted by the next build.\n";

/// Project folders that hold sources: a bundle is never written into them.
const SOURCE_DIRS: [&str; 4] = ["templates", "locales", "fixtures", "brand"];

/// The output folder, resolved: its real parent folder (created if missing) and its name.
#[derive(Debug, Clone)]
pub struct Target {
    /// The folder the bundle and its temporary siblings live in (canonical).
    pub parent: PathBuf,
    /// The bundle folder's name.
    pub name: OsString,
}

impl Target {
    /// The bundle folder.
    pub fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }
}

/// Resolves `out` (relative to the current folder) into its real parent folder and its name,
/// without creating anything. `/` is refused, and so are `..`, `.` or any path that names a
/// folder containing the project, or a folder inside its sources.
pub fn resolve(out: &Path, project_root: &Path) -> Result<Target, WriteError> {
    let absolute = std::path::absolute(out).map_err(WriteError::io(out))?;
    let real = real_path(&absolute).map_err(WriteError::io(out))?;
    let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
        return Err(WriteError::RootFolder(out.to_path_buf()));
    };
    let target = Target {
        parent: parent.to_path_buf(),
        name: name.to_os_string(),
    };
    if project_root.starts_with(&real) {
        return Err(WriteError::ContainsProject {
            given: out.to_path_buf(),
            out: real,
        });
    }
    if let Some(dir) = SOURCE_DIRS
        .iter()
        .find(|d| real.starts_with(project_root.join(d)))
    {
        return Err(WriteError::InsideSources {
            out: real,
            folder: (*dir).to_string(),
        });
    }
    Ok(target)
}

/// `path` (absolute) with every symbolic link of its existing part resolved, except the last
/// component itself (a symbolic link there is refused later, not followed), and `..` of the
/// part that does not exist yet applied lexically.
fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    let components: Vec<Component> = path.components().collect();
    let prefix = |k: usize| -> PathBuf { components[..k].iter().collect() };
    let mut k = components.len();
    while k > 1 && std::fs::symlink_metadata(prefix(k)).is_err() {
        k -= 1;
    }
    let mut real = match components[..k].last() {
        Some(Component::Normal(name)) if k == components.len() && k > 1 => {
            prefix(k - 1).canonicalize()?.join(name)
        }
        _ => prefix(k).canonicalize()?,
    };
    for component in &components[k..] {
        match component {
            Component::Normal(name) => real.push(name),
            Component::ParentDir => {
                real.pop();
            }
            _ => {}
        }
    }
    Ok(real)
}

/// Whether `out` may be replaced by a new bundle: it does not exist, is empty, or is a bundle
/// letterpress wrote. Anything else is refused, naming a few of the files found there.
pub fn check_replaceable(out: &Path) -> Result<(), WriteError> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(WriteError::io(out)(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(WriteError::Symlink(out.to_path_buf()));
    }
    if !meta.is_dir() {
        return Err(WriteError::NotAFolder(out.to_path_buf()));
    }
    if is_bundle(out) {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(out)
        .map_err(WriteError::io(out))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    Err(WriteError::NotABundle {
        out: out.to_path_buf(),
        found: names,
    })
}

/// Whether `dir` is a bundle letterpress wrote: it holds the marker file, or (bundles from
/// before the marker) a `manifest.json` with a schema version whose generator is letterpress.
pub fn is_bundle(dir: &Path) -> bool {
    let marker = std::fs::symlink_metadata(dir.join(MARKER));
    if marker.is_ok_and(|m| m.is_file()) {
        return true;
    }
    let Ok(text) = crate::files::read_given(&dir.join("manifest.json"), super::MAX_MANIFEST_BYTES)
    else {
        return false;
    };
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    manifest["schema_version"].is_u64()
        && manifest["generator"]
            .as_str()
            .is_some_and(|g| g.starts_with("letterpress "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        (dir, real)
    }

    #[test]
    fn a_folder_with_someone_elses_manifest_is_not_a_bundle() {
        let (_dir, root) = temp();
        let public = root.join("public");
        std::fs::create_dir(&public).unwrap();
        std::fs::write(public.join("manifest.json"), r#"{"name": "My PWA"}"#).unwrap();
        std::fs::write(public.join("index.html"), "<h1>app</h1>").unwrap();
        let err = check_replaceable(&public).unwrap_err().to_string();
        assert!(
            err.contains("holds files letterpress did not write"),
            "{err}"
        );
        assert!(err.contains("index.html, manifest.json"), "{err}");
    }

    #[test]
    fn letterpress_bundles_and_empty_folders_may_be_replaced() {
        let (_dir, root) = temp();
        let old = root.join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(
            old.join("manifest.json"),
            r#"{"schema_version": 1, "generator": "letterpress 0.1.0", "emails": []}"#,
        )
        .unwrap();
        assert!(check_replaceable(&old).is_ok());
        let marked = root.join("marked");
        std::fs::create_dir(&marked).unwrap();
        std::fs::write(marked.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check_replaceable(&marked).is_ok());
        let empty = root.join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(check_replaceable(&empty).is_ok());
        assert!(check_replaceable(&root.join("missing")).is_ok());
    }

    #[test]
    fn the_root_folder_is_refused() {
        let (_dir, root) = temp();
        let err = resolve(Path::new("/"), &root).unwrap_err();
        assert!(matches!(err, WriteError::RootFolder(_)), "{err}");
    }

    #[test]
    fn dot_dot_is_resolved_before_anything_is_decided() {
        let (_dir, root) = temp();
        let project = root.join("project");
        std::fs::create_dir_all(project.join("templates")).unwrap();
        let target = resolve(&project.join("templates/.."), &project);
        assert!(
            matches!(target, Err(WriteError::ContainsProject { .. })),
            "{target:?}"
        );
        let target = resolve(&project.join("templates/../../elsewhere"), &project).unwrap();
        assert_eq!(target.path(), root.join("elsewhere"));
    }

    #[test]
    fn a_bundle_inside_the_sources_is_refused() {
        let (_dir, root) = temp();
        let err = resolve(&root.join("templates/out"), &root).unwrap_err();
        assert!(err.to_string().contains("inside templates/"), "{err}");
    }
}
