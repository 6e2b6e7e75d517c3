//! The in-memory build the preview server serves: every email's latest result, its last good
//! content (kept on screen while the build is broken), and the project-wide error, if any.

use std::collections::BTreeMap;
use std::path::Path;

use letterpress::pipeline::{Content, Pipeline};
use letterpress::{Email, EmailId, ProjectError, SourcePos};

use super::changes::Plan;
use super::images::{self, Images};
use super::sources::Sources;

/// An error to show in the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// Where, when known.
    pub location: Option<SourcePos>,
}

/// One email as the server knows it.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The latest build result.
    pub email: Email,
    /// The latest content that built, shown while the build is broken.
    pub last_good: Option<Box<Content>>,
    /// Bumped whenever `last_good` changes, so open pages reload the frame only then.
    pub revision: u64,
    /// The revision at which a local image this email shows last changed: its HTML is the
    /// same, so open pages load the frame anew (a swapped-in document keeps its old images).
    pub images_revision: u64,
}

/// Everything the server serves.
#[derive(Debug, Default)]
pub struct Site {
    /// Sender name shown in the inbox header (the brand's name).
    pub sender_name: String,
    /// Sender address, when the brand has one.
    pub sender_email: String,
    /// The clip budget in bytes (`budgets.gmail-clip`).
    pub clip: usize,
    /// `smtp.url` of letterpress.yaml, for the test send.
    pub smtp_url: Option<String>,
    /// Every email, sorted by template, locale, fixture.
    pub emails: BTreeMap<EmailId, Slot>,
    /// Why the project could not be loaded, if it could not.
    pub project_error: Option<Problem>,
    /// Bumped on every rebuild.
    pub version: u64,
    /// The project's text files, for code frames and source pages.
    pub sources: Sources,
    /// Local assets the emails use, served at `/assets/…`.
    pub images: Images,
    /// `assets.base-url` the emails were built with (`None`: references stay `assets/…`).
    pub asset_base: Option<String>,
    /// Whether the brand has a dark palette (the Dark view says so when it has none).
    pub has_dark: bool,
}

impl Site {
    /// Records a project that would not load; emails keep their last state.
    pub fn fail(&mut self, problem: Problem) {
        self.project_error = Some(problem);
        self.version += 1;
    }

    /// Takes in a rebuild: `ids` is every email the project now has, `built` the ones rebuilt.
    pub fn update(&mut self, pipeline: &Pipeline, ids: &[EmailId], built: Vec<Email>) {
        let brand = &pipeline.project.brand;
        self.sender_name = brand.name.clone();
        self.sender_email = brand.company.sender_email.clone().unwrap_or_default();
        self.clip = pipeline.project.config.budgets.gmail_clip;
        self.smtp_url = pipeline.project.config.smtp.as_ref().map(|s| s.url.clone());
        self.asset_base = pipeline.project.config.assets.base();
        self.has_dark = brand.dark.is_some();
        let current: std::collections::HashSet<&EmailId> = ids.iter().collect();
        self.emails.retain(|id, _| current.contains(id));
        for email in built {
            self.put(email);
        }
        self.project_error = None;
        self.version += 1;
    }

    fn put(&mut self, email: Email) {
        match self.emails.get_mut(&email.id) {
            Some(slot) => {
                if let Some(content) = &email.content {
                    let same = slot
                        .last_good
                        .as_ref()
                        .is_some_and(|old| same(old, content));
                    if !same {
                        slot.last_good = Some(content.clone());
                        slot.revision += 1;
                    }
                }
                slot.email = email;
            }
            None => {
                let slot = Slot {
                    last_good: email.content.clone(),
                    email,
                    revision: 1,
                    images_revision: 0,
                };
                self.emails.insert(slot.email.id.clone(), slot);
            }
        }
    }

    /// Every local asset the emails' last good content uses.
    pub fn used_assets(&self) -> std::collections::BTreeSet<String> {
        self.emails
            .values()
            .filter_map(|slot| slot.last_good.as_ref())
            .flat_map(|content| content.assets.iter().cloned())
            .collect()
    }

    /// Takes in a new set of local assets; emails showing one that changed get a new
    /// revision, so open pages reload their frame.
    pub fn set_images(&mut self, images: Images) {
        let changed = images::changed(&self.images, &images);
        if !changed.is_empty() {
            for slot in self.emails.values_mut() {
                let uses = slot
                    .last_good
                    .as_ref()
                    .is_some_and(|c| c.assets.iter().any(|a| changed.contains(a)));
                if uses {
                    slot.revision += 1;
                    slot.images_revision = slot.revision;
                }
            }
        }
        self.images = images;
    }

    /// The emails a plan rebuilds among `ids` (sorted): those in scope, and new ones. While
    /// the project is broken every plan rebuilds everything, as changes were not applied.
    pub fn to_rebuild(&self, plan: &Plan, ids: &[EmailId]) -> Vec<EmailId> {
        let scope = match plan {
            Plan::Nothing => return Vec::new(),
            Plan::Only(scope) if self.project_error.is_none() => scope,
            _ => return ids.to_vec(),
        };
        let asset_findings = |id: &EmailId| {
            self.emails.get(id).is_some_and(|slot| {
                slot.email
                    .findings
                    .iter()
                    .any(|f| f.rule.starts_with("assets."))
            })
        };
        ids.iter()
            .filter(|id| {
                scope.contains(id)
                    || !self.emails.contains_key(id)
                    || (scope.assets && asset_findings(id))
            })
            .cloned()
            .collect()
    }

    /// The build error an email page overlays: the project's, else the email's own `build.*`.
    pub fn problem_of(&self, slot: &Slot) -> Option<Problem> {
        if let Some(problem) = &self.project_error {
            return Some(problem.clone());
        }
        slot.email
            .findings
            .iter()
            .find(|f| f.rule.starts_with("build.") && f.severity == letterpress::Severity::Error)
            .map(|f| Problem {
                message: f.message.clone(),
                location: f.location.clone(),
            })
    }
}

fn same(a: &Content, b: &Content) -> bool {
    a.html == b.html && a.text == b.text && a.subject == b.subject && a.preheader == b.preheader
}

/// The overlay's view of a project error: message, and file/line/column where known.
pub fn problem_from(err: &ProjectError, root: &Path) -> Problem {
    let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    match err {
        ProjectError::Yaml { pos, message } | ProjectError::Invalid { pos, message } => Problem {
            message: message.clone(),
            location: Some(SourcePos {
                file: relative(&pos.file),
                ..pos.clone()
            }),
        },
        ProjectError::Io { path, source } => Problem {
            message: format!("cannot read: {source}"),
            location: Some(SourcePos::file(relative(path))),
        },
        other => Problem {
            message: other.to_string(),
            location: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::preview::changes::Scope;
    use letterpress::Finding;
    use letterpress::project::Category;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    fn id(t: &str, l: &str, f: &str) -> EmailId {
        EmailId {
            template: t.into(),
            locale: l.into(),
            fixture: f.into(),
        }
    }

    fn email(id: EmailId, html: Option<&str>) -> Email {
        Email {
            id,
            category: Category::Transactional,
            template_file: PathBuf::from("templates/a.mjml"),
            summary: None,
            content: html.map(|h| {
                Box::new(Content {
                    subject: "Subject".into(),
                    preheader: "Pre".into(),
                    html: h.into(),
                    text: "text".into(),
                    assets: vec![],
                })
            }),
            findings: if html.is_none() {
                vec![Finding::error(
                    "build.template",
                    "unclosed if",
                    Some(SourcePos::at("templates/a.mjml", 3, 4)),
                )]
            } else {
                vec![]
            },
        }
    }

    fn site_with(emails: Vec<Email>) -> Site {
        let mut site = Site::default();
        for e in emails {
            site.put(e);
        }
        site
    }

    #[test]
    fn a_failed_build_keeps_the_last_good_content() {
        let mut site = site_with(vec![email(id("a", "en", "x"), Some("<p>one</p>"))]);
        site.put(email(id("a", "en", "x"), None));
        let slot = &site.emails[&id("a", "en", "x")];
        assert!(slot.email.content.is_none());
        assert_eq!(slot.last_good.as_ref().unwrap().html, "<p>one</p>");
        let problem = site.problem_of(slot).expect("overlay");
        assert_eq!(
            problem.location.unwrap().to_string(),
            "templates/a.mjml:3:4"
        );
    }

    #[test]
    fn revision_changes_only_with_content() {
        let mut site = site_with(vec![email(id("a", "en", "x"), Some("<p>one</p>"))]);
        site.put(email(id("a", "en", "x"), Some("<p>one</p>")));
        assert_eq!(site.emails[&id("a", "en", "x")].revision, 1);
        site.put(email(id("a", "en", "x"), Some("<p>two</p>")));
        assert_eq!(site.emails[&id("a", "en", "x")].revision, 2);
    }

    #[test]
    fn rebuilds_scope_and_new_emails_only() {
        let site = site_with(vec![
            email(id("a", "en", "x"), Some("a")),
            email(id("b", "en", "x"), Some("b")),
        ]);
        let ids = vec![id("a", "en", "x"), id("b", "en", "x"), id("c", "en", "x")];
        let plan = Plan::Only(Scope {
            templates: BTreeSet::from(["a".to_string()]),
            ..Scope::default()
        });
        assert_eq!(
            site.to_rebuild(&plan, &ids),
            vec![id("a", "en", "x"), id("c", "en", "x")]
        );
        assert!(site.to_rebuild(&Plan::Nothing, &ids).is_empty());
        assert_eq!(site.to_rebuild(&Plan::Everything, &ids), ids);
    }

    #[test]
    fn an_asset_change_rebuilds_only_emails_with_asset_findings() {
        let mut missing = email(id("b", "en", "x"), Some("b"));
        missing.findings = vec![Finding::error(
            "assets.missing",
            "`assets/a.png` is not in the project's assets/ folder",
            None,
        )];
        let site = site_with(vec![email(id("a", "en", "x"), Some("a")), missing]);
        let ids = vec![id("a", "en", "x"), id("b", "en", "x")];
        let plan = Plan::Only(Scope {
            assets: true,
            ..Scope::default()
        });
        assert_eq!(site.to_rebuild(&plan, &ids), vec![id("b", "en", "x")]);
    }

    #[test]
    fn a_changed_image_reloads_the_emails_that_show_it() {
        let mut shows = email(id("a", "en", "x"), Some("a"));
        shows.content.as_mut().unwrap().assets = vec!["logo.png".into()];
        let mut site = site_with(vec![shows, email(id("b", "en", "x"), Some("b"))]);
        let image = |b: &[u8]| super::super::images::Image::from_bytes(b);
        site.set_images(Images::from([("logo.png".to_string(), image(b"one"))]));
        let before = (
            site.emails[&id("a", "en", "x")].revision,
            site.emails[&id("b", "en", "x")].revision,
        );
        site.set_images(Images::from([("logo.png".to_string(), image(b"two"))]));
        let (a, b) = (
            &site.emails[&id("a", "en", "x")],
            &site.emails[&id("b", "en", "x")],
        );
        assert_eq!(a.revision, before.0 + 1);
        // its HTML did not change: open pages must load the frame anew, not swap it in
        assert_eq!(a.images_revision, a.revision);
        assert_eq!(b.revision, before.1, "does not show it");
        assert_eq!(b.images_revision, 0);
    }

    #[test]
    fn a_broken_project_rebuilds_everything_once_fixed() {
        let mut site = site_with(vec![email(id("a", "en", "x"), Some("a"))]);
        site.fail(Problem {
            message: "bad".into(),
            location: None,
        });
        let ids = vec![id("a", "en", "x"), id("b", "en", "x")];
        let fixture_only = Plan::Only(Scope {
            fixtures: BTreeSet::from([("a".to_string(), "x".to_string())]),
            ..Scope::default()
        });
        assert_eq!(site.to_rebuild(&fixture_only, &ids), ids);
    }

    #[test]
    fn project_errors_name_the_file_relative_to_the_project() {
        let err = ProjectError::Yaml {
            pos: SourcePos::at("/p/brand/brand.yaml", 4, 9),
            message: "expected a colour".into(),
        };
        let problem = problem_from(&err, Path::new("/p"));
        assert_eq!(
            problem.location.unwrap().to_string(),
            "brand/brand.yaml:4:9"
        );
    }
}
