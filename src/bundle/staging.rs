//! A bundle being written: files go into a staging folder beside the output folder as they are
//! ready; [`Staging::commit`] swaps it in (see [`super::swap`]). Dropping a staging without
//! committing removes it and leaves the previous output untouched.

use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use super::target::{self, MARKER, MARKER_TEXT, Target};
use super::{Manifest, WriteError, carry, swap};
use crate::pipeline::Selection;

/// Staging folders made by this process so far (several builds may run in one process).
static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// A bundle being written.
#[derive(Debug)]
pub struct Staging {
    target: Target,
    tmp: PathBuf,
    /// The marker file, locked while this build runs.
    _marker: File,
    committed: bool,
}

/// What a commit did besides writing the new emails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// Where the bundle is.
    pub out: PathBuf,
    /// Emails of the previous bundle kept because a filtered build did not rebuild them.
    pub kept: usize,
    /// Whether a filtered build found no previous bundle to complete.
    pub partial: bool,
}

impl Staging {
    /// Prepares to replace `out` (relative to the current folder). Refuses the file system
    /// root, a folder containing the project or inside its sources, and a folder that is not a
    /// bundle letterpress wrote.
    pub fn new(out: &Path, project_root: &Path) -> Result<Staging, WriteError> {
        let target = target::resolve(out, project_root)?;
        target::check_replaceable(&target.path())?;
        std::fs::create_dir_all(&target.parent).map_err(WriteError::io(&target.parent))?;
        let (tmp, marker) = create_staging_folder(&target)?;
        Ok(Staging {
            target,
            tmp,
            _marker: marker,
            committed: false,
        })
    }

    /// Writes files (relative paths) into the staging folder; callable from many threads. A
    /// path that would leave the staging folder is refused.
    pub fn write(&self, files: &[(String, Vec<u8>)]) -> Result<(), WriteError> {
        for (rel, bytes) in files {
            let path = self.inside(rel)?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(WriteError::io(dir))?;
            }
            std::fs::write(&path, bytes).map_err(WriteError::io(&path))?;
        }
        Ok(())
    }

    /// The path of `rel` in the staging folder, when `rel` is a plain relative path.
    fn inside(&self, rel: &str) -> Result<PathBuf, WriteError> {
        let path = Path::new(rel);
        let plain = !rel.is_empty()
            && path.components().all(|c| matches!(c, Component::Normal(_)))
            && rel != MARKER;
        if plain {
            Ok(self.tmp.join(path))
        } else {
            Err(WriteError::Escapes(rel.to_string()))
        }
    }

    /// Writes the manifest and swaps the staged bundle in place of the output folder. A build
    /// filtered by `selection` keeps the emails of the previous bundle it did not rebuild, and
    /// the manifest lists them all.
    pub fn commit(
        mut self,
        manifest: &Manifest,
        selection: &Selection,
    ) -> Result<Committed, WriteError> {
        let _lock = swap::SwapLock::acquire(&self.target.parent)?;
        swap::restore_aside(&self.target)?;
        swap::remove_abandoned(&self.target);
        let out = self.target.path();
        // Checked again under the lock: the folder may have changed while the emails built.
        target::check_replaceable(&out)?;
        let mut committed = Committed {
            out: out.clone(),
            ..Committed::default()
        };
        let mut entries = match serde_json::to_value(manifest) {
            Ok(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        let filtered = !selection.templates.is_empty() || !selection.locales.is_empty();
        if filtered {
            match carry::carry_over(&out, &self.tmp, selection)? {
                Some(kept) => {
                    committed.kept = kept.len();
                    carry::merge(&mut entries, kept);
                }
                None => committed.partial = true,
            }
        }
        let mut bytes = serde_json::to_vec_pretty(&entries).unwrap_or_default();
        bytes.push(b'\n');
        self.write(&[("manifest.json".to_string(), bytes)])?;
        let previous = swap::exchange(&self.tmp, &self.target)?;
        self.committed = true;
        if let Some(previous) = previous {
            let _ = std::fs::remove_dir_all(previous);
        }
        Ok(committed)
    }

    /// The folder the bundle will replace.
    pub fn out(&self) -> PathBuf {
        self.target.path()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Makes `.<name>.tmp-<pid>-<n>` beside the output folder with the marker file in it, locked.
fn create_staging_folder(target: &Target) -> Result<(PathBuf, File), WriteError> {
    let prefix = swap::staging_prefix(target);
    loop {
        let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
        let tmp = target
            .parent
            .join(format!("{prefix}{}-{n}", std::process::id()));
        match std::fs::create_dir(&tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(WriteError::io(&tmp)(e)),
        }
        let marker_path = tmp.join(MARKER);
        let mut marker = File::create(&marker_path).map_err(WriteError::io(&marker_path))?;
        swap::hold(&marker).map_err(WriteError::io(&marker_path))?;
        marker
            .write_all(MARKER_TEXT.as_bytes())
            .map_err(WriteError::io(&marker_path))?;
        return Ok((tmp, marker));
    }
}
