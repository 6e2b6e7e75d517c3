//! `letterpress schema TEMPLATE [--write]`: the template's data contract inferred from what it
//! uses and what its fixtures hold, printed (or saved beside the fixtures) for the designer to
//! edit into the contract senders must meet.

use std::io::Write;
use std::path::{Path, PathBuf};

use anstream::eprintln;
use letterpress::contract;
use letterpress::pipeline::Pipeline;

use super::EXIT_OK;
use super::args::SchemaArgs;
use super::commands::fail;

/// Runs `schema`.
pub fn run(args: &SchemaArgs) -> u8 {
    let pipeline = match Pipeline::load(&args.project) {
        Ok(p) => p,
        Err(err) => return fail(err),
    };
    let project = &pipeline.project;
    let Some(template) = project.template(&args.template) else {
        let known: Vec<_> = project.templates.iter().map(|t| t.name.as_str()).collect();
        return fail(format!(
            "no template named `{}`; templates: {}",
            args.template,
            known.join(", ")
        ));
    };
    if !template.treatment.tera {
        return fail(format!(
            "`{}` is plain MJML (no front matter), so it reads no data and has no contract",
            template.name
        ));
    }
    let schema = contract::infer(&pipeline, template);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    if let Ok(Some(declared)) = contract::declared(project, &template.name) {
        if let Some(file) = declared.file {
            eprintln!(
                "note: `{}` already has a contract in {}; this is the inferred one, to compare",
                template.name,
                file.display()
            );
        }
    }
    if !args.write {
        print!("{text}");
        return EXIT_OK;
    }
    let rel = target(&project.root, &template.name);
    match write_new(&project.root.join(&rel), &text) {
        Ok(()) => {
            println!(
                "Wrote {}: edit it to say what is required and what each field holds; `letterpress check` validates every fixture against it and `render` validates send-time data.",
                rel.display()
            );
            EXIT_OK
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => fail(format!(
            "{} already exists and letterpress never replaces it; edit it, or delete it and run this again",
            rel.display()
        )),
        Err(err) => fail(format!("cannot write {}: {err}", rel.display())),
    }
}

/// Where the schema goes: in the template's fixture folder when it has one, else beside its
/// fixture files. Any existing schema file of the template blocks the write.
fn target(root: &Path, template: &str) -> PathBuf {
    let [in_folder, beside] = contract::schema_files(template);
    if let Some(existing) = [&in_folder, &beside]
        .into_iter()
        .find(|p| std::fs::symlink_metadata(root.join(p)).is_ok())
    {
        return existing.clone();
    }
    let folder = root.join("fixtures").join(template);
    match std::fs::symlink_metadata(&folder) {
        Ok(meta) if meta.is_dir() => in_folder,
        _ => beside,
    }
}

/// Creates `path` with `text`, failing if anything is there already (never follows or replaces
/// a file, a link or a folder).
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
