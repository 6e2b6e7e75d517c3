//! Putting a staged bundle in place of the output folder so that, whatever happens (a crash or
//! `kill -9` at any moment, another build at the same time), the output folder is always a
//! complete bundle: the old one or the new one.
//!
//! - One build at a time swaps: an exclusive lock (`flock`) on the folder that holds the
//!   bundle, held only while swapping.
//! - On Linux the swap is one system call, `renameat2(RENAME_EXCHANGE)`: the staged folder and
//!   the output folder trade places atomically, so there is no moment without an output folder.
//!   Elsewhere (or on a file system without it) two renames are used, and a build that finds
//!   the output folder missing puts the previous bundle back first.
//! - Staging folders of builds that died are removed by the next build: each staging folder
//!   holds the bundle's marker file, locked by its build for as long as it runs; a marker that
//!   can be locked by someone else belongs to a build that is gone.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::WriteError;
use super::target::{MARKER, Target};

/// Prefix of staging folders: `.<name>.tmp-<pid>-<n>`.
pub(super) fn staging_prefix(target: &Target) -> String {
    format!(".{}.tmp-", target.name.to_string_lossy())
}

/// Prefix of a previous bundle moved aside by the two-rename fallback.
fn aside_prefix(target: &Target) -> String {
    format!(".{}.old-", target.name.to_string_lossy())
}

/// An exclusive lock on the folder that holds the bundle, released when dropped.
pub(super) struct SwapLock {
    #[cfg(unix)]
    _dir: File,
}

impl SwapLock {
    /// Waits until no other build is swapping in `parent`. A file system without locks (some
    /// network shares) is used without one rather than refused.
    pub(super) fn acquire(parent: &Path) -> Result<SwapLock, WriteError> {
        #[cfg(unix)]
        {
            let dir = File::open(parent).map_err(WriteError::io(parent))?;
            while let Err(rustix::io::Errno::INTR) =
                rustix::fs::flock(&dir, rustix::fs::FlockOperation::LockExclusive)
            {}
            Ok(SwapLock { _dir: dir })
        }
        #[cfg(not(unix))]
        {
            let _ = parent;
            Ok(SwapLock {})
        }
    }
}

/// Locks `marker` for as long as the staging folder's build runs.
pub(super) fn hold(marker: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    rustix::fs::flock(marker, rustix::fs::FlockOperation::LockExclusive)?;
    #[cfg(not(unix))]
    let _ = marker;
    Ok(())
}

/// Whether the build that wrote the staging folder `dir` is gone: its marker is missing or
/// nobody holds its lock.
fn abandoned(dir: &Path) -> bool {
    let marker = dir.join(MARKER);
    let Ok(file) = File::open(&marker) else {
        // A folder that died before its marker was written is empty.
        return std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
    };
    #[cfg(unix)]
    {
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok()
    }
    #[cfg(not(unix))]
    {
        drop(file);
        false
    }
}

/// Removes staging folders (and folders moved aside) of builds that died. Call with the swap
/// lock held. Returns how many were removed.
pub(super) fn remove_abandoned(target: &Target) -> usize {
    let prefixes = [staging_prefix(target), aside_prefix(target)];
    let Ok(entries) = std::fs::read_dir(&target.parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = prefixes.iter().any(|p| {
            name.strip_prefix(p.as_str()).is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            })
        });
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if ours
            && is_dir
            && abandoned(&entry.path())
            && std::fs::remove_dir_all(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// With the two-rename fallback, a crash between the renames leaves no output folder but the
/// previous bundle set aside: put it back. Call with the swap lock held.
pub(super) fn restore_aside(target: &Target) -> Result<(), WriteError> {
    let out = target.path();
    if std::fs::symlink_metadata(&out).is_ok() {
        return Ok(());
    }
    let prefix = aside_prefix(target);
    let Ok(entries) = std::fs::read_dir(&target.parent) else {
        return Ok(());
    };
    let mut aside: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .filter(|p| super::target::is_bundle(p))
        .collect();
    aside.sort();
    if let Some(previous) = aside.pop() {
        std::fs::rename(&previous, &out).map_err(WriteError::io(&out))?;
    }
    Ok(())
}

/// Puts `staged` in place of `target`'s folder. Returns where the previous bundle now is (to be
/// removed by the caller), if there was one. Call with the swap lock held.
pub(super) fn exchange(staged: &Path, target: &Target) -> Result<Option<PathBuf>, WriteError> {
    let out = target.path();
    let exists = std::fs::symlink_metadata(&out).is_ok();
    if exists && exchange_atomically(staged, &out)? {
        return Ok(Some(staged.to_path_buf()));
    }
    if !exists {
        std::fs::rename(staged, &out).map_err(WriteError::io(&out))?;
        return Ok(None);
    }
    // Fallback: two renames; a crash in between is repaired by the next build.
    let aside = target.parent.join(format!(
        "{}{}",
        aside_prefix(target),
        staged
            .file_name()
            .map(|n| n
                .to_string_lossy()
                .rsplit('-')
                .next()
                .unwrap_or("0")
                .to_string())
            .unwrap_or_default()
    ));
    std::fs::rename(&out, &aside).map_err(WriteError::io(&out))?;
    if let Err(e) = std::fs::rename(staged, &out) {
        let _ = std::fs::rename(&aside, &out);
        return Err(WriteError::io(&out)(e));
    }
    Ok(Some(aside))
}

/// `renameat2(RENAME_EXCHANGE)`; `Ok(false)` when the system or file system does not have it.
#[cfg(target_os = "linux")]
fn exchange_atomically(a: &Path, b: &Path) -> Result<bool, WriteError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(WriteError::io(b)(e.into())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange_atomically(_a: &Path, _b: &Path) -> Result<bool, WriteError> {
    Ok(false)
}
