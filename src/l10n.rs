//! What the locale and spelling rules need for each email, prepared once per project where it
//! can be: spelling dictionaries (loaded on first use, once per locale), the keys of each
//! locale file that no email uses, and which email of each locale carries findings about the
//! locale as a whole (a missing dictionary, unused keys), so they are reported once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use serde_json::{Map, Value};

use crate::checks::{self, LocaleInput, Spelling};
use crate::findings::Severity;
use crate::locale::keys;
use crate::pipeline::EmailId;
use crate::project::{EmailTemplate, Project};
use crate::render::Engine;
use crate::spelling::{self, Speller};

/// Keys by locale.
type KeysByLocale = BTreeMap<String, Vec<Vec<String>>>;

/// Per-project resources of the locale rules, shared by every email of a build.
pub struct Resources {
    spellers: BTreeMap<String, DictionarySlot>,
    unused: OnceLock<KeysByLocale>,
    /// The first email of each locale in the current selection.
    carriers: RwLock<BTreeMap<String, EmailId>>,
}

/// One locale's dictionary, loaded once per project.
#[derive(Default)]
struct DictionarySlot {
    /// The dictionary, or why it could not be read.
    speller: OnceLock<Result<Arc<Speller>, String>>,
    /// Whether a build's loader thread is reading it now: an email that needs it meanwhile
    /// builds other emails rather than wait idle.
    loading: AtomicBool,
}

impl DictionarySlot {
    /// The dictionary of locale `code`, read on the first call (others wait for that read).
    fn get_or_load(&self, project: &Project, code: &str) -> &Result<Arc<Speller>, String> {
        (self.speller)
            .get_or_init(|| spelling::load(&project.root, code, project.locales.cldr(code)))
    }
}

/// One email, as the locale rules see it.
pub struct Email<'a> {
    /// Its template.
    pub template: &'a EmailTemplate,
    /// Its locale code.
    pub locale: &'a str,
    /// Its fixture case (any name when the data did not come from a fixture).
    pub fixture: &'a str,
    /// Its data.
    pub data: &'a Map<String, Value>,
    /// Severities from its front matter.
    pub overrides: &'a BTreeMap<String, Severity>,
    /// What the formatting filters wrote in it.
    pub formatted: &'a [String],
    /// Whether its text part was written by hand (a `.txt` template), not derived from HTML.
    pub own_text: bool,
}

impl Resources {
    /// Empty resources for `project`; nothing is loaded until an email needs it.
    pub fn new(project: &Project) -> Resources {
        Resources {
            spellers: project
                .locales
                .codes()
                .map(|code| (code.to_string(), DictionarySlot::default()))
                .collect(),
            unused: OnceLock::new(),
            carriers: RwLock::new(BTreeMap::new()),
        }
    }

    /// Remembers the first email of each locale in `ids` (the emails about to be built): it
    /// carries the findings about its locale as a whole.
    pub fn select(&self, ids: &[EmailId]) {
        let mut first = BTreeMap::new();
        for id in ids {
            first.entry(id.locale.clone()).or_insert_with(|| id.clone());
        }
        if let Ok(mut carriers) = self.carriers.write() {
            *carriers = first;
        }
    }

    /// The dictionary of locale `code`, loaded on first use (by whichever thread asks first;
    /// the others wait for it); `None` for a locale the project does not have. While the
    /// build's loader thread reads it, an email thread builds other emails of the build before
    /// it waits ([`crate::build::build_others_until`]): on a small build every email needs
    /// the dictionary before the loader is done.
    fn speller(&self, project: &Project, code: &str) -> Option<&Result<Arc<Speller>, String>> {
        let slot = self.spellers.get(code)?;
        if slot.loading.load(Ordering::Acquire) {
            crate::build::build_others_until(|| slot.speller.get().is_some());
        }
        Some(slot.get_or_load(project, code))
    }

    /// Loads the dictionary of locale `code` now, unless the project turns spelling off: a
    /// build calls this on a thread of its own, so the load overlaps the emails that need no
    /// dictionary yet instead of holding up every thread that needs it.
    pub fn load_dictionary(&self, project: &Project, code: &str) {
        let off = checks::severity_of("spelling.word", &project.config, &BTreeMap::new())
            == Severity::Off;
        let Some(slot) = self.spellers.get(code).filter(|_| !off) else {
            return;
        };
        /// Lowers the flag however the load ends (a panic in it included).
        struct Loaded<'a>(&'a AtomicBool);
        impl Drop for Loaded<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        slot.loading.store(true, Ordering::Release);
        let _loaded = Loaded(&slot.loading);
        slot.get_or_load(project, code);
    }

    /// Whether `email` carries its locale's project-wide findings: it is the first of its
    /// locale in the selection, or nothing was selected (a single `render`).
    fn carries(&self, email: &Email) -> bool {
        let Ok(carriers) = self.carriers.read() else {
            return true;
        };
        carriers
            .get(email.locale)
            .is_none_or(|id| id.template == email.template.name && id.fixture == email.fixture)
    }

    /// The input of the locale rules for one email; `used` are the keys it used.
    pub fn input<'a>(
        &'a self,
        project: &'a Project,
        engine: &Engine,
        email: &Email<'a>,
        used: Option<&'a BTreeSet<Vec<String>>>,
    ) -> LocaleInput<'a> {
        let config = &project.config;
        let is_on = |rule| checks::severity_of(rule, config, email.overrides) != Severity::Off;
        let carries = self.carries(email);
        let code = project
            .locales
            .strings
            .get_key_value(email.locale)
            .map_or("", |(k, _)| k);
        let cldr = project.locales.cldr(code);
        let unused = if carries && is_on("locale.unused-key") {
            let all = self.unused.get_or_init(|| unused_keys(project, engine));
            all.get(code).map_or(&[][..], Vec::as_slice)
        } else {
            &[]
        };
        // a dictionary is loaded only for an email whose rules check spelling
        let loaded = is_on("spelling.word")
            .then(|| self.speller(project, code))
            .flatten();
        let spelling = match loaded {
            Some(Ok(speller)) => Spelling::Ready(speller),
            Some(Err(reason)) => Spelling::Missing {
                reason,
                report: carries,
            },
            None => Spelling::Off,
        };
        LocaleInput {
            code,
            cldr,
            locales: &project.locales,
            used,
            unused,
            spelling,
            root: &project.root,
            fixture_files: fixture_files(project, email),
            formatted: email.formatted,
            own_text: email.own_text,
        }
    }
}

/// The fixture case's file and its overlay for the email's locale, if any.
fn fixture_files(project: &Project, email: &Email) -> Vec<PathBuf> {
    let Some(fixture) = project
        .fixtures_of(&email.template.name)
        .iter()
        .find(|f| f.name == email.fixture)
    else {
        return Vec::new();
    };
    let overlay = fixture.overlays.get(email.locale).map(|o| o.file.clone());
    fixture.file.iter().cloned().chain(overlay).collect()
}

/// The keys of each locale file that no email of the project uses. A locale where some email
/// could not be traced is left out: its unused keys cannot be known.
fn unused_keys(project: &Project, engine: &Engine) -> KeysByLocale {
    let mut result = BTreeMap::new();
    for code in project.locales.codes() {
        let mut used = BTreeSet::new();
        let mut complete = true;
        for template in &project.templates {
            for fixture in project.fixtures_of(&template.name) {
                let traced = fixture
                    .data_for(code)
                    .ok()
                    .and_then(|data| engine.used_keys(template, code, &data));
                match traced {
                    Some(keys) => used.extend(keys),
                    None => complete = false,
                }
            }
        }
        let Some(own) = project.locales.own.get(code).filter(|_| complete) else {
            continue;
        };
        let unused = keys::strings(own)
            .into_iter()
            .map(|(key, _)| key)
            .filter(|key| !used.contains(key))
            .collect();
        result.insert(code.to_string(), unused);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter kit's first template and case in Turkish, through the locale rules' input.
    fn turkish_input(project: &Project, resources: &Resources) -> bool {
        let template = &project.templates[0];
        let fixture = &project.fixtures_of(&template.name)[0];
        let data = fixture.data_for("tr").unwrap_or_default();
        let overrides = BTreeMap::new();
        let email = Email {
            template,
            locale: "tr",
            fixture: &fixture.name,
            data: &data,
            overrides: &overrides,
            formatted: &[],
            own_text: false,
        };
        let engine = Engine::new(project);
        matches!(
            resources.input(project, &engine, &email, None).spelling,
            Spelling::Off
        )
    }

    #[test]
    fn with_spelling_off_no_dictionary_is_loaded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut project = Project::load(root).unwrap();
        project
            .config
            .rules
            .insert("spelling.word".into(), Severity::Off);
        let resources = Resources::new(&project);
        assert!(turkish_input(&project, &resources));
        resources.load_dictionary(&project, "tr");
        assert!(
            resources.spellers["tr"].speller.get().is_none(),
            "neither an email nor the build's loader read the dictionary"
        );
    }
}
