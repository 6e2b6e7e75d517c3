//! Which saved file is what, and which emails it rebuilds. Pure functions, unit-tested: the
//! watcher feeds them project-relative paths, the rebuild uses their answer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

use letterpress::EmailId;
use letterpress::project::Project;

/// What a changed file is to the project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `letterpress.yaml`.
    Config,
    /// Anything under `brand/`.
    Brand,
    /// `locales/<code>.yaml`.
    Locale,
    /// `templates/<name>.mjml`.
    Template(String),
    /// `templates/<name>.txt`, a hand-written plaintext part.
    TextTemplate(String),
    /// A layout, partial or macro file under `templates/<folder>/`, by its Tera name.
    Shared(String),
    /// `fixtures/<template>/<case>.yaml` (or `fixtures/<template>.yaml`, case `default`).
    Fixture {
        /// The template the data belongs to.
        template: String,
        /// The case name.
        case: String,
    },
    /// A file under `assets/` (an image the emails may show).
    Asset,
    /// Not part of the sources (out/, editor temp files, …): ignored.
    Other,
}

/// Sorts a project-relative path into a [`Change`]. Editor temp and backup files (`.#x`,
/// `x~`, `x.swp`, `4913`, `x___jb_tmp___`) are `Other`: they only matter once renamed over the
/// real file, which is reported as a change of the real file.
pub fn classify(rel: &Path) -> Change {
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let Some(parts) = parts else {
        return Change::Other;
    };
    let Some(file) = parts.last() else {
        return Change::Other;
    };
    if file.starts_with('.') || file.ends_with('~') {
        return Change::Other;
    }
    let (stem, ext) = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext),
        _ => return Change::Other,
    };
    let yaml = ext == "yaml" || ext == "yml";
    match parts.as_slice() {
        ["letterpress.yaml"] => Change::Config,
        ["brand", ..] if yaml => Change::Brand,
        ["assets", .., _] => Change::Asset,
        ["locales", _] if yaml => Change::Locale,
        ["templates", _] if ext == "mjml" => Change::Template(stem.to_string()),
        ["templates", _] if ext == "txt" => Change::TextTemplate(stem.to_string()),
        ["templates", .., _] if ext == "mjml" || ext == "txt" => {
            Change::Shared(parts[1..].join("/"))
        }
        ["fixtures", _] if yaml => Change::Fixture {
            template: without_locale(stem).to_string(),
            case: "default".to_string(),
        },
        ["fixtures", template, _] if yaml => Change::Fixture {
            template: (*template).to_string(),
            case: without_locale(stem).to_string(),
        },
        _ => Change::Other,
    }
}

/// A fixture name without its `.<locale>` suffix: saving an overlay rebuilds its case.
fn without_locale(stem: &str) -> &str {
    match stem.rsplit_once('.') {
        Some((case, suffix))
            if !case.is_empty() && letterpress::overlay::looks_like_locale(suffix) =>
        {
            case
        }
        _ => stem,
    }
}

/// What a batch of changes asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing of the project changed.
    Nothing,
    /// Configuration, brand or locales changed: reload and rebuild every email.
    Everything,
    /// Reload the project (templates are compiled in it) and rebuild only these emails, plus
    /// emails that did not exist before.
    Only(Scope),
}

/// Which emails a change touches, by template, or by template and fixture case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Every email of these templates.
    pub templates: BTreeSet<String>,
    /// Every locale of these (template, case) pairs.
    pub fixtures: BTreeSet<(String, String)>,
    /// A file of `assets/` changed: emails with `assets.*` findings are rebuilt (a missing file
    /// may be there now); the others keep their HTML and reload the images that changed.
    pub assets: bool,
}

impl Scope {
    /// Whether `id` is in scope.
    pub fn contains(&self, id: &EmailId) -> bool {
        self.templates.contains(&id.template)
            || self
                .fixtures
                .contains(&(id.template.clone(), id.fixture.clone()))
    }
}

/// Decides what to rebuild for `changes`; `dependants` maps a shared file's Tera name to the
/// email templates that use it (directly or through other shared files).
pub fn plan(changes: &[Change], dependants: &BTreeMap<String, BTreeSet<String>>) -> Plan {
    let mut scope = Scope::default();
    let mut any = false;
    for change in changes {
        match change {
            Change::Config | Change::Brand | Change::Locale => return Plan::Everything,
            Change::Asset => scope.assets = true,
            Change::Template(name) | Change::TextTemplate(name) => {
                scope.templates.insert(name.clone());
            }
            Change::Shared(name) => {
                if let Some(users) = dependants.get(name) {
                    scope.templates.extend(users.iter().cloned());
                }
            }
            Change::Fixture { template, case } => {
                scope.fixtures.insert((template.clone(), case.clone()));
            }
            Change::Other => continue,
        }
        any = true;
    }
    if any {
        Plan::Only(scope)
    } else {
        Plan::Nothing
    }
}

/// For every shared file (layout, partial), the email templates that name it, directly or
/// through other shared files. Found by scanning sources for quoted names, which is what
/// `{% extends %}`, `{% include %}` and `{% import %}` use, and for the quoted paths an
/// `mj-include` uses (relative to the including file, or to the project); a false positive only
/// rebuilds one email too many.
pub fn dependants(project: &Project) -> BTreeMap<String, BTreeSet<String>> {
    let shared: Vec<&str> = project.shared.iter().map(|s| s.name.as_str()).collect();
    // `folder` is the including file's folder under templates/ ("" for an email template).
    let uses = |source: &str, folder: &str| -> BTreeSet<String> {
        shared
            .iter()
            .filter(|name| {
                spellings(folder, name).iter().any(|path| {
                    source.contains(&format!("\"{path}\"")) || source.contains(&format!("'{path}'"))
                })
            })
            .map(|name| (*name).to_string())
            .collect()
    };
    let folder_of = |name: &str| name.rsplit_once('/').map_or("", |(f, _)| f).to_string();
    let shared_uses: BTreeMap<&str, BTreeSet<String>> = project
        .shared
        .iter()
        .map(|s| (s.name.as_str(), uses(&s.source, &folder_of(&s.name))))
        .collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for template in &project.templates {
        let mut direct = uses(&template.body.source, "");
        if let Some(text) = &template.text {
            direct.extend(uses(&text.source, ""));
        }
        for name in closure(direct, &shared_uses) {
            out.entry(name).or_default().insert(template.name.clone());
        }
    }
    out
}

/// The ways a file in `folder` names the shared file `name` (both under templates/): its Tera
/// name, and an `mj-include` path relative to the folder (with or without `./`) or to the
/// project.
fn spellings(folder: &str, name: &str) -> Vec<String> {
    let from: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = name.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let relative = "../".repeat(from.len() - common) + &to[common..].join("/");
    vec![
        name.to_string(),
        format!("./{relative}"),
        relative,
        format!("templates/{name}"),
    ]
}

/// Every shared file reachable from `start` through `uses`.
fn closure(start: BTreeSet<String>, uses: &BTreeMap<&str, BTreeSet<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = start.into_iter().collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            if let Some(next) = uses.get(name.as_str()) {
                todo.extend(next.iter().cloned());
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn kind(path: &str) -> Change {
        classify(Path::new(path))
    }

    #[test]
    fn sorts_each_kind_of_source() {
        assert_eq!(kind("letterpress.yaml"), Change::Config);
        assert_eq!(kind("brand/brand.yaml"), Change::Brand);
        assert_eq!(kind("assets/img/logo.png"), Change::Asset);
        assert_eq!(
            plan(&[Change::Asset], &BTreeMap::new()),
            Plan::Only(Scope {
                assets: true,
                ..Scope::default()
            })
        );
        assert_eq!(kind("locales/tr.yaml"), Change::Locale);
        assert_eq!(
            kind("templates/order-shipped.mjml"),
            Change::Template("order-shipped".into())
        );
        assert_eq!(
            kind("templates/order-shipped.txt"),
            Change::TextTemplate("order-shipped".into())
        );
        assert_eq!(
            kind("templates/partials/footer.mjml"),
            Change::Shared("partials/footer.mjml".into())
        );
        assert_eq!(
            kind("templates/layouts/deep/base.mjml"),
            Change::Shared("layouts/deep/base.mjml".into())
        );
        assert_eq!(
            kind("fixtures/support-reply/complaint-refund.yaml"),
            Change::Fixture {
                template: "support-reply".into(),
                case: "complaint-refund".into()
            }
        );
        assert_eq!(
            kind("fixtures/support-reply/complaint-refund.tr.yaml"),
            Change::Fixture {
                template: "support-reply".into(),
                case: "complaint-refund".into()
            },
            "an overlay rebuilds its case"
        );
        assert_eq!(
            kind("fixtures/newsletter.tr.yaml"),
            Change::Fixture {
                template: "newsletter".into(),
                case: "default".into()
            }
        );
        assert_eq!(
            kind("fixtures/newsletter.yml"),
            Change::Fixture {
                template: "newsletter".into(),
                case: "default".into()
            }
        );
    }

    #[test]
    fn ignores_output_and_editor_temp_files() {
        for path in [
            "out/en/order/default.html",
            "target/debug/letterpress",
            "templates/.order.mjml.swp",
            "templates/.#order.mjml",
            "templates/order.mjml~",
            "templates/4913",
            "templates/order.mjml___jb_tmp___",
            "locales/en.yaml.bak",
            "README.md",
            "../templates/x.mjml",
            "/etc/passwd",
        ] {
            assert_eq!(kind(path), Change::Other, "{path}");
        }
    }

    fn deps() -> BTreeMap<String, BTreeSet<String>> {
        let mut map = BTreeMap::new();
        map.insert(
            "partials/order-lines.mjml".to_string(),
            BTreeSet::from([
                "order-confirmation".to_string(),
                "order-shipped".to_string(),
            ]),
        );
        map
    }

    #[test]
    fn brand_config_and_locales_rebuild_everything() {
        for change in [Change::Config, Change::Brand, Change::Locale] {
            let changes = [Change::Template("a".into()), change];
            assert_eq!(plan(&changes, &deps()), Plan::Everything);
        }
    }

    #[test]
    fn a_fixture_rebuilds_only_its_case() {
        let Plan::Only(scope) = plan(
            &[Change::Fixture {
                template: "order-shipped".into(),
                case: "default".into(),
            }],
            &deps(),
        ) else {
            panic!("expected a scoped plan");
        };
        let id = |t: &str, l: &str, f: &str| EmailId {
            template: t.into(),
            locale: l.into(),
            fixture: f.into(),
        };
        assert!(scope.contains(&id("order-shipped", "tr", "default")));
        assert!(!scope.contains(&id("order-shipped", "en", "other")));
        assert!(!scope.contains(&id("newsletter", "en", "default")));
    }

    #[test]
    fn a_partial_rebuilds_its_dependants() {
        let Plan::Only(scope) = plan(
            &[Change::Shared("partials/order-lines.mjml".into())],
            &deps(),
        ) else {
            panic!("expected a scoped plan");
        };
        assert_eq!(
            scope.templates,
            BTreeSet::from([
                "order-confirmation".to_string(),
                "order-shipped".to_string()
            ])
        );
    }

    #[test]
    fn other_files_rebuild_nothing() {
        assert_eq!(
            plan(&[Change::Other, Change::Other], &deps()),
            Plan::Nothing
        );
    }

    #[test]
    fn dependants_follow_layouts_through_partials() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let project = Project::load(&root).expect("starter kit loads");
        let deps = dependants(&project);
        let users = &deps["partials/order-lines.mjml"];
        assert!(users.contains("order-confirmation"), "{users:?}");
        assert!(!users.contains("password-reset"), "{users:?}");
        // the footer is included by the base layout, which every email extends
        assert_eq!(deps["partials/footer.mjml"].len(), project.templates.len());
    }

    #[test]
    fn dependants_follow_mj_include_paths_relative_to_the_including_file() {
        let dir = tempfile::tempdir().unwrap();
        letterpress::starter::init(dir.path()).unwrap();
        let write = |rel: &str, text: &str| std::fs::write(dir.path().join(rel), text).unwrap();
        std::fs::create_dir_all(dir.path().join("templates/parts")).unwrap();
        write(
            "templates/plain.mjml",
            "<mjml><mj-body><mj-include path=\"./parts/header.mjml\" /></mj-body></mjml>",
        );
        write(
            "templates/parts/header.mjml",
            "<mj-include path='logo.mjml' />",
        );
        write(
            "templates/parts/logo.mjml",
            "<mj-image src=\"https://x.example/l.png\" />",
        );
        let project = Project::load(dir.path()).unwrap();
        let deps = dependants(&project);
        assert!(deps["parts/header.mjml"].contains("plain"), "{deps:?}");
        assert!(deps["parts/logo.mjml"].contains("plain"), "{deps:?}");
        assert!(
            !deps["parts/logo.mjml"].contains("password-reset"),
            "{deps:?}"
        );
    }
}
