//! Writes the MJML that Tera renders for every starter-kit email (English, every fixture) into a
//! folder, as plain `.mjml` files: the input for comparing `letterpress build` with the official
//! mjml CLI on the same documents (benches/vs-mjml.sh).

use std::path::Path;

use letterpress::project::Project;
use letterpress::render::Engine;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: dump_mjml OUT_DIR")?;
    let project = Project::load(Path::new(env!("CARGO_MANIFEST_DIR")))?;
    let engine = Engine::new(&project);
    std::fs::create_dir_all(&out)?;
    let mut count = 0;
    for template in &project.templates {
        for fixture in project.fixtures_of(&template.name) {
            let Ok(data) = fixture.data.as_ref().map(|d| d.get()) else {
                continue;
            };
            let rendered = engine
                .render(template, "en", &data)
                .map_err(|f| f.to_string())?;
            let name = format!("{}--{}.mjml", template.name, fixture.name);
            std::fs::write(Path::new(&out).join(name), rendered.mjml)?;
            count += 1;
        }
    }
    eprintln!("wrote {count} MJML files to {out}");
    Ok(())
}
