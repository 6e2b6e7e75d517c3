//! `letterpress new NAME`: runs the library's scaffold and says what to edit next.

use letterpress::scaffold::{self, Scaffold};

use super::EXIT_OK;
use super::args::NewArgs;
use super::commands::fail;

/// Scaffolds the email and prints the files written and the next steps.
pub fn run(args: &NewArgs) -> u8 {
    match scaffold::new_email(&args.project, &args.name, args.layout.as_deref()) {
        Ok(done) => {
            print!("{}", report(&done));
            EXIT_OK
        }
        Err(err) => fail(err),
    }
}

fn report(done: &Scaffold) -> String {
    let show = |p: &std::path::Path| p.display().to_string();
    let mut out = format!("Created {}", show(&done.template));
    if let Some(layout) = &done.layout {
        out.push_str(&format!(" (extends {layout})"));
    }
    out.push_str(&format!("\nCreated {}\n", show(&done.fixture)));
    let files: Vec<String> = done.locales.iter().map(|p| show(p)).collect();
    out.push_str(&format!(
        "Added `{}:` to {}\n\nNext:\n",
        done.key,
        files.join(", ")
    ));
    let default = files.first().cloned().unwrap_or_default();
    let others = files.get(1..).unwrap_or_default();
    let mut step = format!("  1. Write the copy in {default} under `{}:`", done.key);
    if !others.is_empty() {
        step.push_str(&format!(", then in {}", others.join(", ")));
    }
    if !done.to_translate.is_empty() {
        step.push_str(&format!(
            " (translate the English copied into {})",
            done.to_translate.join(", ")
        ));
    }
    out.push_str(&step);
    out.push_str(&format!(
        ".\n  2. Lay out the email in {}.\n  3. Put realistic sample data in {} (more cases beside it).\n  4. Preview it: letterpress watch, then open http://127.0.0.1:3000/email/{}/{}/default\n",
        show(&done.template),
        show(&done.fixture),
        done.name,
        done.default_locale
    ));
    out
}
