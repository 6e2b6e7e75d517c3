//! The commands: each loads what it needs, runs the library, prints through `output`, and
//! returns an exit code.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anstream::eprintln;
use letterpress::build::{self, Report};
use letterpress::pipeline::{Pipeline, Selection};
use letterpress::{bundle, checks, starter};

use super::args::{BuildArgs, Cli, Command, Format, RenderArgs};
use super::output;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

/// Runs the parsed command.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build(args) => build_or_check(&args, true),
        Command::Check(args) => build_or_check(&args, false),
        Command::Render(args) => render(&args),
        Command::Watch(args) => super::preview::run(&args),
        Command::Init { dir } => init(&dir),
        Command::Rules => {
            print!("{}", output::rules(checks::RULES));
            EXIT_OK
        }
    }
}

/// Prints `message` as an error on stderr.
pub(super) fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!(
        "{}error:{} {message}",
        output::RED.render(),
        output::RED.render_reset()
    );
    EXIT_USAGE
}

fn build_or_check(args: &BuildArgs, write: bool) -> u8 {
    let started = std::time::Instant::now();
    let pipeline = match Pipeline::load(&args.project) {
        Ok(p) => p,
        Err(err) => return fail(err),
    };
    let project = &pipeline.project;
    let selection = Selection {
        templates: args.templates.clone(),
        locales: args.locales.clone(),
    };
    let ids = match pipeline.emails(&selection) {
        Ok(ids) => ids,
        Err(err) => return fail(err),
    };
    // `build` stages each email's files as soon as it is built and keeps only its summary, so
    // memory stays flat however many emails there are; `check` writes nothing.
    let staging = if write {
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| project.root.join(&project.config.out));
        match bundle::Staging::new(&out, &project.root) {
            Ok(staging) => Some(staging),
            Err(err) => return fail(err),
        }
    } else {
        None
    };
    let write_error = std::sync::Mutex::new(None);
    let stage = |mut email: letterpress::Email| {
        if let Some(staging) = &staging {
            if let Err(err) = staging.write(&bundle::email_files(&email, &project.config)) {
                write_error
                    .lock()
                    .map(|mut slot| slot.get_or_insert(err).to_string())
                    .ok();
            }
        }
        email.content = None;
        email
    };
    let report = run_with_progress(&pipeline, &ids, args.format, &stage);
    if let Some(err) = write_error.into_inner().ok().flatten() {
        return fail(err);
    }
    let failed = report.fails(args.strict);
    let mut wrote = None;
    if let (Some(staging), false) = (staging, failed) {
        let out = staging.out().to_path_buf();
        let manifest = bundle::manifest_file(&report, &project.config);
        if let Err(err) = staging.write(&[manifest]).and_then(|()| staging.commit()) {
            return fail(err);
        }
        wrote = Some(out);
    }
    match args.format {
        Format::Human => output::human(
            &report,
            args.strict,
            wrote.as_deref(),
            write,
            started.elapsed(),
        ),
        Format::Json => println!("{}", output::json(&report, &project.config, args.strict)),
        Format::Github => print!("{}", output::github(&report)),
        Format::Junit => print!("{}", output::junit(&report, args.strict)),
    }
    if failed { EXIT_FINDINGS } else { EXIT_OK }
}

/// Builds with a progress bar on an interactive terminal (never in CI or when piped).
fn run_with_progress(
    pipeline: &Pipeline,
    ids: &[letterpress::EmailId],
    format: Format,
    finish: &(dyn Fn(letterpress::Email) -> letterpress::Email + Sync),
) -> Report {
    let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !interactive || format != Format::Human || ids.len() < 50 {
        return build::build_each(pipeline, ids, finish);
    }
    let bar = indicatif::ProgressBar::new(ids.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} emails {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = build::build_each(pipeline, ids, &|email| {
        bar.inc(1);
        finish(email)
    });
    bar.finish_and_clear();
    report
}

fn render(args: &RenderArgs) -> u8 {
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
    let locale = args
        .locale
        .clone()
        .unwrap_or_else(|| project.locales.default.clone());
    if !project.locales.strings.contains_key(&locale) {
        return fail(format!(
            "no locale `{locale}`; locales: {}",
            project.locales.codes().collect::<Vec<_>>().join(", ")
        ));
    }
    let (fixture, data) = match &args.data {
        Some(path) => match read_data(path) {
            Ok(data) => ("data".to_string(), data),
            Err(err) => return fail(err),
        },
        None => match project.fixtures_of(&template.name).first() {
            Some(f) => match f.data_for(&locale) {
                Ok(data) => (f.name.clone(), data),
                Err(finding) => return fail(finding),
            },
            None => ("default".to_string(), serde_json::Map::new()),
        },
    };
    let email = pipeline.build_with(template, &locale, &fixture, &data);
    println!("{}", output::render_json(&email));
    if email.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Reads sending data (YAML or JSON, which is YAML) from a file or stdin.
fn read_data(path: &Path) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let (text, shown) = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("<stdin>: {e}"))?;
        (text, Path::new("<stdin>").to_path_buf())
    } else {
        let text = letterpress::yaml::read_text(path, path).map_err(|e| e.to_string())?;
        (text, path.to_path_buf())
    };
    match letterpress::yaml::parse::<Option<serde_json::Value>>(&text, &shown)
        .map_err(|e| e.to_string())?
    {
        None => Ok(serde_json::Map::new()),
        Some(serde_json::Value::Object(map)) => Ok(map),
        Some(_) => Err(format!(
            "{}: data must be a mapping of names to values",
            shown.display()
        )),
    }
}

fn init(dir: &Path) -> u8 {
    match starter::init(dir) {
        Ok(count) => {
            println!(
                "Wrote the letterpress starter kit ({count} files) to {}.",
                dir.display()
            );
            println!("Next: cd {} && letterpress build", dir.display());
            EXIT_OK
        }
        Err(err) => fail(err),
    }
}
