//! The floor of `letterpress build`'s time: mrml alone parsing and rendering every `.mjml` file
//! of a folder to HTML, on as many threads as the machine has, with nothing else (no Tera, no
//! brand CSS inlined, no plaintext, no checks, no manifest; mrml still inlines an
//! `<mj-style inline="inline">`, as mjml does). benches/vs-mjml.sh times it beside the mjml CLI
//! and `letterpress build`, so the ratio a whole build can reach is measured, not guessed.
//!
//!   cargo run --release --example mrml_floor -- DIR OUT_DIR
//!
//! A file raw mrml refuses (letterpress's own reader accepts more of what mjml does) is counted
//! and skipped.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

// the allocator the command uses, so the floor is measured on the same terms
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: mrml_floor DIR OUT_DIR".into());
    };
    std::fs::create_dir_all(&out)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "mjml"))
        .collect();
    files.sort();
    let refused: usize = files
        .par_iter()
        .with_max_len(1)
        .map(|path| usize::from(compile(path, Path::new(&out)).is_err()))
        .sum();
    eprintln!(
        "mrml compiled {} of {} files ({refused} refused)",
        files.len() - refused,
        files.len()
    );
    Ok(())
}

/// Parses and renders one file with mrml's default options and writes the HTML.
fn compile(path: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let source = std::fs::read_to_string(path)?;
    let parsed = mrml::parse(&source)?;
    let html = parsed
        .element
        .render(&mrml::prelude::render::RenderOptions::default())?;
    let name = path.with_extension("html");
    std::fs::write(out.join(name.file_name().ok_or("no file name")?), html)?;
    Ok(())
}
