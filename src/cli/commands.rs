//! The commands: each loads what it needs, runs the library, prints through `output`, and
//! returns an exit code.

use std::io::IsTerminal;
use std::path::Path;

use anstream::eprintln;
use letterpress::build::{self, Report};
use letterpress::export::{self, Dialect};
use letterpress::pipeline::{Pipeline, Selection};
use letterpress::{bundle, checks, request, starter};

use super::args::{BuildArgs, Cli, Command, Format, RenderArgs};
use super::output;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

/// Runs the parsed command.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build(args) => build_or_check(&args, true, None),
        Command::Check(args) => build_or_check(&args, false, None),
        Command::Export(args) => match Dialect::from_name(&args.dialect) {
            Some(dialect) => build_or_check(&args.build, true, Some(&[dialect])),
            None => fail(format!("no template language `{}`", args.dialect)),
        },
        Command::Schema(args) => super::schema::run(&args),
        Command::Render(args) if args.stream => super::stream::run(&args),
        Command::Render(args) => render(&args),
        Command::Serve(args) => super::serve::run(&args),
        Command::Send(args) => super::send::run(&args),
        Command::Watch(args) => super::preview::run(&args),
        Command::New(args) => super::scaffold::run(&args),
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

/// Builds (and with `write`, writes) the selected emails, and every template in the email
/// service languages `dialects` (default: letterpress.yaml's `export`).
fn build_or_check(args: &BuildArgs, write: bool, dialects: Option<&[Dialect]>) -> u8 {
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
    // Once one email fails the build, nothing staged can be committed: the rest are checked
    // but their files are neither made nor written.
    let doomed = std::sync::atomic::AtomicBool::new(false);
    let stage = |mut email: letterpress::Email| {
        if email.fails(args.strict) {
            doomed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(staging) = staging
            .as_ref()
            .filter(|_| !doomed.load(std::sync::atomic::Ordering::Relaxed))
        {
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
    let mut report = run_with_progress(&pipeline, &ids, args.format, &stage);
    if let Some(err) = write_error.into_inner().ok().flatten() {
        return fail(err);
    }
    let dialects = dialects.unwrap_or(&project.config.export);
    if !dialects.is_empty() {
        let exported = export_templates(&pipeline, &mut report, dialects);
        if let Some(staging) = &staging {
            if let Err(err) = staging.write(&exported) {
                return fail(err);
            }
        }
    }
    let failed = report.fails(args.strict);
    let mut wrote = None;
    if let (Some(staging), false) = (staging, failed) {
        if let Err(err) =
            bundle::asset_files(&report, pipeline.assets()).and_then(|a| staging.write(&a))
        {
            return fail(err);
        }
        let templates = bundle::templates(&pipeline);
        let entries = bundle::entries(&report, &project.config);
        match staging.commit(&templates, entries, &selection) {
            Ok(committed) => {
                say_what_a_filtered_build_kept(&committed, &selection, report.emails.len());
                wrote = Some(committed.out);
            }
            Err(err) => return fail(err),
        }
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

/// Exports every template and locale of the report whose emails built, in `dialects`; what
/// cannot be exported becomes an error finding on the first email of that template and locale.
fn export_templates(
    pipeline: &Pipeline,
    report: &mut Report,
    dialects: &[Dialect],
) -> Vec<(String, Vec<u8>)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for email in &report.emails {
        let pair = (email.id.template.clone(), email.id.locale.clone());
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    // a template that did not build already has its error; exporting it would say it twice
    pairs.retain(|(template, locale)| {
        !report
            .emails
            .iter()
            .any(|e| &e.id.template == template && &e.id.locale == locale && e.has_errors())
    });
    let batch = export::batch(pipeline, &pairs, dialects);
    for ((template, locale), finding) in batch.problems {
        if let Some(email) = report
            .emails
            .iter_mut()
            .find(|e| e.id.template == template && e.id.locale == locale)
        {
            email.findings.push(finding);
            letterpress::findings::sort(&mut email.findings);
        }
    }
    batch.files
}

/// A filtered build never shrinks the bundle silently: say what it kept or that the bundle is
/// partial.
fn say_what_a_filtered_build_kept(
    committed: &bundle::Committed,
    selection: &Selection,
    built: usize,
) {
    if selection.templates.is_empty() && selection.locales.is_empty() {
        return;
    }
    if committed.partial {
        eprintln!(
            "note: filtered build (--template/--locale) and no previous bundle: {} holds only the {built} selected emails; build without filters for the full bundle",
            committed.out.display()
        );
    } else {
        eprintln!(
            "note: filtered build (--template/--locale): rebuilt {built} emails and kept {} from the previous bundle unchanged; build without filters to rebuild everything",
            committed.kept
        );
    }
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
    if args.workers.is_some() {
        return fail("--workers goes with --stream");
    }
    let pipeline = match Pipeline::load(&args.project) {
        Ok(p) => p,
        Err(err) => return fail(err),
    };
    let template = args.template.clone().unwrap_or_default();
    let mut request = request::Request {
        template: template.clone(),
        locale: args.locale.clone(),
        ..request::Request::default()
    };
    match &args.data {
        Some(path) => match read_data(path) {
            Ok(data) => request.data = Some(serde_json::Value::Object(data)),
            Err(err) => return fail(err),
        },
        // the template's first fixture (an unknown template is reported by `prepare`)
        None => {
            request.fixture = Some(
                pipeline
                    .project
                    .fixtures_of(&template)
                    .first()
                    .map_or_else(|| "default".to_string(), |f| f.name.clone()),
            )
        }
    }
    let prepared = match request::prepare(&pipeline, &request) {
        Ok(prepared) => prepared,
        Err(err) if err.code == request::ErrorCode::InvalidData => {
            let _ = fail(&err);
            return EXIT_FINDINGS;
        }
        Err(err) => return fail(err),
    };
    let email = build::on_email_thread(|| {
        pipeline.build_with(
            prepared.template,
            &prepared.locale,
            &prepared.fixture,
            &prepared.data,
        )
    });
    println!("{}", output::render_json(&email));
    if email.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Reads sending data (YAML or JSON, which is YAML) from a file or stdin (`-`), with the same
/// size limit for both.
fn read_data(path: &Path) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let text = letterpress::files::read_given(path, letterpress::files::MAX_YAML_BYTES)
        .map_err(|e| e.to_string())?;
    let shown = if path == Path::new("-") {
        Path::new("<stdin>").to_path_buf()
    } else {
        path.to_path_buf()
    };
    match letterpress::yaml::parse_data(&text, &shown).map_err(|e| e.to_string())? {
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
