//! `letterpress watch`: builds every email into memory, serves a live preview on localhost and
//! rebuilds what a saved file affects. Lives in the binary, behind the `cli` feature.
//!
//! Threads: the watcher loop (this one) owns rebuilding; tiny_http's acceptor hands each
//! request to a short thread that reads the shared [`site::Site`]; each open page holds one
//! server-sent events stream that is told when a rebuild finished.

mod changes;
mod code;
mod findings;
mod images;
pub(super) mod listen;
mod pages;
mod router;
pub(super) mod server;
mod site;
mod sources;
mod test_send;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use letterpress::build;
use letterpress::pipeline::{Pipeline, Selection};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer};

use super::EXIT_OK;
use super::args::WatchArgs;
use super::commands::fail;
use changes::{Change, Plan};
pub use server::acceptor_panicked;
use server::{Hub, Shared};
use site::{Problem, Site};

/// How long the watcher waits for a burst of events (an editor's save, a git checkout) to end.
/// Most editors' saves (a write, or a write and a rename) end within a few milliseconds. A save
/// that outlasts the wait (an fsync on a slow disk, a network share) costs one more rebuild,
/// and the first may show an error for a half-written file until the second replaces it.
const DEBOUNCE: Duration = Duration::from_millis(10);
/// How often the debouncer looks at its queue: a burst is built 10–15 ms after its last event
/// (the crate's default, a quarter of the wait, would wake 400 times a second).
const DEBOUNCE_TICK: Duration = Duration::from_millis(5);

/// Folders of a project whose files are sources, watched recursively.
const SOURCE_DIRS: [&str; 5] = ["brand", "templates", "locales", "fixtures", "assets"];

/// Who uses each shared file, from the last project that loaded.
type Dependants = BTreeMap<String, BTreeSet<String>>;

/// Runs `watch` until interrupted; returns an exit code only when it cannot start.
pub fn run(args: &WatchArgs) -> u8 {
    let root = match args.project.canonicalize() {
        Ok(root) => root,
        Err(e) => return fail(format!("{}: cannot read: {e}", args.project.display())),
    };
    if !root.join("templates").is_dir() {
        return fail(format!(
            "{}: not a letterpress project: no templates/ folder (run `letterpress init DIR` to start one)",
            root.display()
        ));
    }
    let site: Shared = Arc::new(RwLock::new(Site::default()));
    let hub = Arc::new(Hub::default());
    let listening = match listen::bind(args.host, args.port) {
        Ok(listening) => listening,
        Err(message) => return fail(message),
    };
    let mut dependants = rebuild(&root, &site, &Plan::Everything).unwrap_or_default();
    let url = listen::local_url(args.host, listening.port);
    if let Some(notice) = &listening.notice {
        eprintln!("{notice}");
    }
    let http = listening.listener;
    let loopback = args.host.is_loopback();
    if !loopback {
        eprintln!(
            "warning: serving on {} makes every email visible to the network",
            args.host
        );
    }
    {
        let (site, hub) = (Arc::clone(&site), Arc::clone(&hub));
        std::thread::spawn(move || server::serve(http, site, hub, loopback));
    }
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = match new_debouncer(DEBOUNCE, Some(DEBOUNCE_TICK), tx) {
        Ok(d) => d,
        Err(e) => return fail(format!("cannot watch files: {e}")),
    };
    let watched = debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .and_then(|()| watch_sources(&mut debouncer, &root));
    if let Err(e) = watched {
        return fail(format!("cannot watch {}: {e}", root.display()));
    }
    println!(
        "letterpress watch: serving {url} (watching {}; Ctrl-C to stop)",
        root.display()
    );
    for lan in listen::network_urls(args.host, listening.port) {
        println!("  on your network: {lan} (open it on a phone on the same network)");
    }
    if args.open {
        open_browser(&url);
    }
    for result in rx {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    eprintln!("watch: {e}");
                }
                continue;
            }
        };
        if events.iter().any(|e| new_source_dir(e, &root)) {
            let _ = watch_sources(&mut debouncer, &root);
        }
        let plan = plan_for(&events, &root, &dependants);
        if plan == Plan::Nothing {
            // never rebuild on anything else: reading the sources makes events of its own
            continue;
        }
        if let Some(deps) = rebuild(&root, &site, &plan) {
            dependants = deps;
        }
        hub.publish(read_site(&site).version);
    }
    EXIT_OK
}

fn read_site(site: &Shared) -> std::sync::RwLockReadGuard<'_, Site> {
    server::read(site)
}

fn watch_sources<W: notify::Watcher, C: notify_debouncer_full::FileIdCache>(
    debouncer: &mut notify_debouncer_full::Debouncer<W, C>,
    root: &Path,
) -> notify::Result<()> {
    for dir in SOURCE_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

/// Whether an event created one of the source folders (watched from then on).
fn new_source_dir(event: &DebouncedEvent, root: &Path) -> bool {
    matches!(event.event.kind, EventKind::Create(_))
        && event.event.paths.iter().any(|p| {
            p.parent() == Some(root)
                && SOURCE_DIRS
                    .iter()
                    .any(|d| p.file_name() == Some(d.as_ref()))
        })
}

/// What a batch of events asks for. Only creations, modifications and removals (renames are
/// modifications) count: reads are reported as `Access` events and would loop forever.
fn plan_for(events: &[DebouncedEvent], root: &Path, dependants: &Dependants) -> Plan {
    if events.iter().any(|e| e.event.need_rescan()) {
        return Plan::Everything;
    }
    let changes: Vec<Change> = events
        .iter()
        .filter(|e| {
            matches!(
                e.event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        })
        .flat_map(|e| e.event.paths.iter())
        .map(|path| changes::classify(&relative(path, root)))
        .collect();
    changes::plan(&changes, dependants)
}

fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| PathBuf::from("/"), Path::to_path_buf)
}

/// Reloads the project and rebuilds what `plan` asks for, publishing the result into `site`.
/// Never panics: a panic inside becomes the overlay's message. Returns the new dependants map
/// when the project loaded.
fn rebuild(root: &Path, site: &Shared, plan: &Plan) -> Option<Dependants> {
    match catch_unwind(AssertUnwindSafe(|| rebuild_now(root, site, plan))) {
        Ok(deps) => deps,
        Err(_) => {
            let problem = Problem {
                message: "internal error while rebuilding (a bug in letterpress or a dependency); \
                          save again or restart watch"
                    .into(),
                location: None,
            };
            eprintln!("error: {}", problem.message);
            server::write(site).fail(problem);
            None
        }
    }
}

fn rebuild_now(root: &Path, site: &Shared, plan: &Plan) -> Option<Dependants> {
    let started = Instant::now();
    let pipeline = match Pipeline::load(root) {
        Ok(pipeline) => pipeline,
        Err(err) => {
            eprintln!("error: {err}");
            let sources = sources::read(root);
            let mut site = server::write(site);
            site.sources = sources;
            site.fail(site::problem_from(&err, root));
            return None;
        }
    };
    let ids = pipeline.emails(&Selection::default()).unwrap_or_default();
    let todo = read_site(site).to_rebuild(plan, &ids);
    let report = build::build_all(&pipeline, &todo, &|_| {});
    let mut shown = BTreeSet::new();
    for email in report.emails.iter().filter(|e| e.content.is_none()) {
        for finding in email
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("build."))
        {
            if shown.insert(finding.to_string()) {
                eprintln!("{finding}");
            }
        }
    }
    let built = report.emails.len();
    let sources = sources::read(root);
    server::write(site).update(&pipeline, &ids, report.emails);
    let (wanted, old) = {
        let site = read_site(site);
        (site.used_assets(), site.images.clone())
    };
    let images = images::load(pipeline.assets(), root, &wanted, &old);
    {
        let mut site = server::write(site);
        site.sources = sources;
        site.set_images(images);
    }
    println!(
        "rebuilt {built} of {} emails in {} ms",
        ids.len(),
        started.elapsed().as_millis()
    );
    Some(changes::dependants(&pipeline.project))
}

/// Opens `url` in the desktop's browser; a failure is only reported.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("could not open a browser ({e}): open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
        let mut event = notify::Event::new(kind);
        for path in paths {
            event = event.add_path(PathBuf::from(path));
        }
        DebouncedEvent::new(event, Instant::now())
    }

    #[test]
    fn reads_never_trigger_a_rebuild() {
        use notify::event::{AccessKind, AccessMode};
        let events = [event(
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            &["/p/templates/a.mjml", "/p/locales/en.yaml"],
        )];
        assert_eq!(
            plan_for(&events, Path::new("/p"), &Dependants::new()),
            Plan::Nothing
        );
    }

    #[test]
    fn a_rename_over_the_file_counts_as_its_change() {
        use notify::event::{ModifyKind, RenameMode};
        let events = [event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/p/templates/.a.mjml.swp", "/p/templates/a.mjml"],
        )];
        let Plan::Only(scope) = plan_for(&events, Path::new("/p"), &Dependants::new()) else {
            panic!("expected a scoped plan");
        };
        assert_eq!(scope.templates, BTreeSet::from(["a".to_string()]));
    }

    #[test]
    fn paths_outside_the_project_are_other() {
        let root = Path::new("/p");
        let rel = relative(Path::new("/elsewhere/templates/a.mjml"), root);
        assert_eq!(changes::classify(&rel), Change::Other);
        let rel = relative(Path::new("/p/templates/a.mjml"), root);
        assert_eq!(changes::classify(&rel), Change::Template("a".into()));
    }
}
