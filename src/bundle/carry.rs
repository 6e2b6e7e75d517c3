//! Filtered builds (`--template`, `--locale`) never shrink the release bundle: the emails they
//! did not rebuild are copied from the previous bundle into the new one, and the manifest lists
//! the union. Only what the previous manifest names, under names that pass [`crate::names`],
//! is carried; other files of the previous bundle fill in only where the new build wrote none.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::target::MARKER;
use super::{MAX_MANIFEST_BYTES, WriteError};
use crate::names::{self, Kind};
use crate::pipeline::Selection;

/// Copies what `selection` did not rebuild from the bundle `previous` into `staged`, and
/// returns the previous manifest's entries for those emails. `None` when there is no previous
/// bundle with a manifest to complete from.
pub(super) fn carry_over(
    previous: &Path,
    staged: &Path,
    selection: &Selection,
) -> Result<Option<Vec<Value>>, WriteError> {
    let Ok(text) = crate::files::read_given(&previous.join("manifest.json"), MAX_MANIFEST_BYTES)
    else {
        return Ok(None);
    };
    let Ok(Value::Object(manifest)) = serde_json::from_str::<Value>(&text) else {
        return Ok(None);
    };
    let Some(Value::Array(emails)) = manifest.get("emails") else {
        return Ok(None);
    };
    let mut kept: Vec<Value> = emails
        .iter()
        .filter(|e| id_of(e).is_some_and(|(t, l, _)| !selected(selection, &t, &l)))
        .cloned()
        .collect();
    kept.sort_by_key(|e| id_of(e).unwrap_or_default());
    let folders: BTreeSet<(String, String)> = emails
        .iter()
        .filter_map(id_of)
        .map(|(template, locale, _)| (locale, template))
        .collect();
    copy_missing(previous, staged, &|rel: &Path| {
        let mut parts = rel.components().filter_map(|c| match c {
            Component::Normal(n) => n.to_str(),
            _ => None,
        });
        let (Some(first), second) = (parts.next(), parts.next()) else {
            return false;
        };
        if first == "manifest.json" || first == MARKER {
            return false;
        }
        match second {
            // A rebuilt email's folder is the new build's alone: no stale fixtures.
            Some(template) if folders.contains(&(first.to_string(), template.to_string())) => {
                !selected(selection, template, first)
            }
            _ => true,
        }
    })?;
    Ok(Some(kept))
}

/// The new build's manifest entries with the `kept` ones of the previous bundle, sorted by
/// template, locale, fixture (both are sorted already, so this is one merge pass).
pub(super) fn merged(
    new: impl Iterator<Item = Value>,
    kept: impl Iterator<Item = Value>,
) -> impl Iterator<Item = Value> {
    let (mut new, mut kept) = (new.peekable(), kept.peekable());
    std::iter::from_fn(move || match (new.peek(), kept.peek()) {
        (Some(a), Some(b)) if id_of(b).unwrap_or_default() < id_of(a).unwrap_or_default() => {
            kept.next()
        }
        (Some(_), _) => new.next(),
        (None, _) => kept.next(),
    })
}

/// Template, locale and fixture of a manifest entry, when all three are safe names.
fn id_of(entry: &Value) -> Option<(String, String, String)> {
    let field = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
    let (template, locale, fixture) = (field("template")?, field("locale")?, field("fixture")?);
    let safe = names::validate(Kind::Template, &template).is_ok()
        && names::validate(Kind::Locale, &locale).is_ok()
        && names::validate_fixture_stem(&fixture).is_ok();
    safe.then_some((template, locale, fixture))
}

fn selected(selection: &Selection, template: &str, locale: &str) -> bool {
    (selection.templates.is_empty() || selection.templates.iter().any(|t| t == template))
        && (selection.locales.is_empty() || selection.locales.iter().any(|l| l == locale))
}

/// Copies every regular file under `from` that `wanted` accepts (by path relative to `from`)
/// and that does not exist under `to` yet, as a hard link where the file system allows it (the
/// previous bundle is removed once the new one is in place, so the file is not shared for
/// long). Symbolic links are never followed or copied.
fn copy_missing(from: &Path, to: &Path, wanted: &dyn Fn(&Path) -> bool) -> Result<(), WriteError> {
    let entries = walkdir::WalkDir::new(from).min_depth(1).follow_links(false);
    for entry in entries.into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(from) else {
            continue;
        };
        if !wanted(rel) {
            continue;
        }
        let dest: PathBuf = to.join(rel);
        if std::fs::symlink_metadata(&dest).is_ok() {
            continue;
        }
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(WriteError::io(dir))?;
        }
        if std::fs::hard_link(entry.path(), &dest).is_err() {
            std::fs::copy(entry.path(), &dest).map_err(WriteError::io(&dest))?;
        }
    }
    Ok(())
}
