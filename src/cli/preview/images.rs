//! The project's local assets (`assets/`) that the built emails use, kept in memory for the
//! preview to serve. Re-read at each rebuild only when a file's size or modification time
//! changed, through the library's confined reader (listed plain files of `assets/` only).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use letterpress::assets::{Assets, DIR};

/// One file, with what identifies its version on disk.
#[derive(Debug, Clone)]
pub struct Image {
    /// The file's bytes.
    pub bytes: Arc<Vec<u8>>,
    stamp: (Option<SystemTime>, u64),
}

impl Image {
    /// A file with no version on disk (tests).
    #[cfg(test)]
    pub fn from_bytes(bytes: &[u8]) -> Image {
        Image {
            bytes: Arc::new(bytes.to_vec()),
            stamp: (None, 0),
        }
    }
}

/// Path under `assets/` → file.
pub type Images = BTreeMap<String, Image>;

fn stamp(root: &Path, path: &str) -> Option<(Option<SystemTime>, u64)> {
    let meta = std::fs::symlink_metadata(root.join(DIR).join(path)).ok()?;
    Some((meta.modified().ok(), meta.len()))
}

/// The files `wanted`, reusing those of `old` that did not change; unreadable files are left
/// out (the emails that use them show a broken image, and their findings say why).
pub fn load(assets: &Assets, root: &Path, wanted: &BTreeSet<String>, old: &Images) -> Images {
    wanted
        .iter()
        .filter_map(|path| {
            let stamp = stamp(root, path)?;
            if let Some(image) = old.get(path).filter(|i| i.stamp == stamp) {
                return Some((path.clone(), image.clone()));
            }
            let bytes = assets.read(path).ok()?;
            Some((
                path.clone(),
                Image {
                    bytes: Arc::new(bytes),
                    stamp,
                },
            ))
        })
        .collect()
}

/// Paths whose bytes differ between `old` and `new` (added, removed or changed).
pub fn changed(old: &Images, new: &Images) -> BTreeSet<String> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| match (old.get(*k), new.get(*k)) {
            (Some(a), Some(b)) => !Arc::ptr_eq(&a.bytes, &b.bytes) && a.bytes != b.bytes,
            _ => true,
        })
        .cloned()
        .collect()
}

/// The content type of a file, from its name.
pub fn content_type(path: &str) -> &'static str {
    mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reloads_only_changed_files_and_reports_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("assets")).unwrap();
        std::fs::write(root.join("assets/a.png"), b"one").unwrap();
        std::fs::write(root.join("assets/b.png"), b"bee").unwrap();
        let assets = Assets::load(root).unwrap();
        let wanted: BTreeSet<String> = ["a.png".into(), "b.png".into()].into();
        let first = load(&assets, root, &wanted, &Images::new());
        assert_eq!(first["a.png"].bytes.as_slice(), b"one");
        let again = load(&assets, root, &wanted, &first);
        assert!(
            Arc::ptr_eq(&first["a.png"].bytes, &again["a.png"].bytes),
            "unchanged file reused"
        );
        assert!(changed(&first, &again).is_empty());
        std::fs::write(root.join("assets/a.png"), b"three").unwrap();
        let third = load(&assets, root, &wanted, &again);
        assert_eq!(third["a.png"].bytes.as_slice(), b"three");
        assert_eq!(
            changed(&again, &third),
            BTreeSet::from(["a.png".to_string()])
        );
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("x.svg"), "image/svg+xml");
    }
}
