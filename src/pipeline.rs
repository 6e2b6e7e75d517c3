//! One email through the whole pipeline, top to bottom: Tera → MJML → HTML (CSS inlined,
//! finished) → plaintext → checks. A failure at any step, even a panic inside a dependency,
//! becomes that email's finding and never affects another email.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use crate::assets::{Assets, Rewritten};
use crate::checks::{self, EmailInput};
use crate::error::{ProjectError, SourcePos};
use crate::findings::{self, Finding, Severity};
use crate::headers::{self, Headers, Mailbox};
use crate::mjml::{Compiler, Finish};
use crate::project::{Category, EmailTemplate, Project, SourceFile};
use crate::render::Engine;
use crate::sanitize::header_text;
use crate::symbolic::{self, NotCompiled, Program, SendTime, Shape};
use crate::{dark, locale, plaintext};

/// Which email: template × locale × fixture.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct EmailId {
    /// Template name (file stem).
    pub template: String,
    /// Locale code.
    pub locale: String,
    /// Fixture (sample data) name.
    pub fixture: String,
}

impl std::fmt::Display for EmailId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}] {}", self.template, self.locale, self.fixture)
    }
}

/// The parts of a built email.
#[derive(Debug, Clone)]
pub struct Content {
    /// Subject line.
    pub subject: String,
    /// Preheader (preview text), possibly empty.
    pub preheader: String,
    /// Final HTML.
    pub html: String,
    /// Plaintext part.
    pub text: String,
    /// Files of `assets/` the HTML references (paths under `assets/`), sorted.
    pub assets: Vec<String>,
}

/// What the manifest needs of a built email; kept when the content itself is dropped (a build
/// of thousands of emails writes each one out as soon as it is built).
#[derive(Debug, Clone)]
pub struct Summary {
    /// Subject line.
    pub subject: String,
    /// Preheader.
    pub preheader: String,
    /// HTML size in bytes.
    pub html_bytes: usize,
    /// Text size in bytes.
    pub text_bytes: usize,
    /// sha256 of the HTML (written in hex where it is shown: see [`Summary::sha256_hex`]).
    pub sha256: [u8; 32],
    /// From, Reply-To and the unsubscribe headers: the same for every email of a template,
    /// so shared between them (about 200 bytes an email otherwise).
    pub headers: Arc<Headers>,
    /// The `To` of the sample message (from the fixture's customer, else an example address).
    pub recipient: Mailbox,
    /// Files of `assets/` the email references.
    pub assets: Vec<String>,
}

impl Summary {
    /// The sha256 of the HTML in lowercase hex, as the manifest writes it.
    pub fn sha256_hex(&self) -> String {
        lower_hex(&self.sha256)
    }

    fn of(content: &Content, headers: Arc<Headers>, recipient: Mailbox) -> Summary {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(content.html.as_bytes());
        Summary {
            subject: content.subject.clone(),
            preheader: content.preheader.clone(),
            html_bytes: content.html.len(),
            text_bytes: content.text.len(),
            sha256: digest.into(),
            headers,
            recipient,
            assets: content.assets.clone(),
        }
    }
}

/// `bytes` in lowercase hex, two digits a byte (a digest as the manifest and the sample
/// message's Message-ID and MIME boundary write it).
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(2 * bytes.len()), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// One email's result: its content when it could be built, and its findings.
#[derive(Debug, Clone)]
pub struct Email {
    /// Which email.
    pub id: EmailId,
    /// Its category from front matter.
    pub category: Category,
    /// The template file, project-relative.
    pub template_file: PathBuf,
    /// Sizes and hash; `None` exactly when a build step failed.
    pub summary: Option<Summary>,
    /// `None` when a build step failed (the findings then hold at least one error), or when
    /// the caller dropped it after writing it out (boxed: a build keeps the emails, not their
    /// content, and an empty slot the size of one cost 112 bytes an email).
    pub content: Option<Box<Content>>,
    /// Findings, sorted (errors first).
    pub findings: Vec<Finding>,
}

impl Email {
    /// Whether any finding is at error level.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Count of findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether this email fails a build: an error, or a warning when `strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.has_errors() || (strict && self.count(Severity::Warning) > 0)
    }
}

/// What the command line selects: empty lists mean everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Template names.
    pub templates: Vec<String>,
    /// Locale codes.
    pub locales: Vec<String>,
}

/// A project compiled and ready to build emails, shared read-only between threads.
pub struct Pipeline {
    /// The loaded project.
    pub project: Project,
    engine: Arc<Engine>,
    compiler: Compiler,
    dark: Option<dark::Scheme>,
    assets: Assets,
    l10n: crate::l10n::Resources,
    send_time: SendTime,
    /// The send-time program of each template and locale, compiled on first use.
    programs: BTreeMap<(String, String), OnceLock<Compiled>>,
    /// Whether emails may be produced from send-time programs (off: every email is rendered
    /// step by step, as the equivalence tests compare).
    use_programs: bool,
    /// The data contract of each template, compiled on first use.
    contracts: BTreeMap<String, OnceLock<Contract>>,
    /// The shape of each template's data, found on first use.
    shapes: BTreeMap<String, OnceLock<Result<Arc<Shape>, NotCompiled>>>,
    /// The headers of each template's emails, resolved on first use.
    headers: BTreeMap<String, OnceLock<Arc<Headers>>>,
    /// Locales whose file lacks a string of the default locale (see
    /// [`crate::locale::Locales::has_gaps`]).
    locales_with_gaps: std::collections::BTreeSet<String>,
}

/// A template's data contract ready to validate, or the error finding of its broken schema.
pub type Contract = Result<Arc<crate::contract::Checker>, Finding>;

/// A template's send-time program, or why it has none.
pub type Compiled = Result<Arc<Program>, NotCompiled>;

/// One empty slot per template of `project`, for what is found once per template.
fn per_template<T>(project: &Project) -> BTreeMap<String, OnceLock<T>> {
    project
        .templates
        .iter()
        .map(|t| (t.name.clone(), OnceLock::new()))
        .collect()
}

/// The value in `key`'s slot, made by `make` the first time; made each time for a key without a
/// slot (one the project did not have when the pipeline was made).
fn once<K, Q, T>(slots: &BTreeMap<K, OnceLock<T>>, key: &Q, make: impl FnOnce() -> T) -> T
where
    K: Ord + std::borrow::Borrow<Q>,
    Q: Ord + ?Sized,
    T: Clone,
{
    match slots.get(key) {
        Some(slot) => slot.get_or_init(make).clone(),
        None => make(),
    }
}

thread_local! {
    static IN_EMAIL: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is building an email. A panic hook can use this to stay quiet
/// about panics the pipeline catches and reports as findings.
pub fn in_email_pipeline() -> bool {
    IN_EMAIL.with(Cell::get)
}

/// Marks the current thread as building an email (or not), for [`in_email_pipeline`].
pub(crate) fn mark_email_thread(on: bool) {
    IN_EMAIL.with(|f| f.set(on));
}

impl Pipeline {
    /// Loads and compiles the project in `root`.
    pub fn load(root: &Path) -> Result<Pipeline, ProjectError> {
        Pipeline::new(Project::load(root)?)
    }

    /// Compiles a loaded project.
    pub fn new(project: Project) -> Result<Pipeline, ProjectError> {
        let engine = Arc::new(Engine::new(&project));
        let compiler = Compiler::new(&project.root, &project.brand).map_err(|message| {
            ProjectError::Invalid {
                pos: SourcePos::file("brand/brand.yaml"),
                message,
            }
        })?;
        let dark = dark::Scheme::of(&project.brand);
        let assets = Assets::load(&project.root)?;
        let l10n = crate::l10n::Resources::new(&project);
        let send_time = SendTime::new(&project, send_time_filters());
        let programs = project
            .templates
            .iter()
            .flat_map(|t| {
                project
                    .locales
                    .codes()
                    .map(|l| ((t.name.clone(), l.to_string()), OnceLock::new()))
            })
            .collect();
        let contracts = per_template(&project);
        let shapes = per_template(&project);
        let headers = per_template(&project);
        let locales_with_gaps = project
            .locales
            .codes()
            .filter(|code| project.locales.has_gaps(code))
            .map(str::to_string)
            .collect();
        Ok(Pipeline {
            locales_with_gaps,
            project,
            engine,
            compiler,
            dark,
            assets,
            l10n,
            send_time,
            programs,
            use_programs: true,
            contracts,
            shapes,
            headers,
        })
    }

    /// The project's `assets/` folder.
    pub fn assets(&self) -> &Assets {
        &self.assets
    }

    /// The same pipeline without send-time programs: every email is rendered step by step.
    /// Both ways must give the same emails; tests compare them.
    pub fn without_programs(mut self) -> Pipeline {
        self.use_programs = false;
        self
    }

    /// The send-time program of `template` in `locale` (compiled once, on first use), or why it
    /// has none. A template Tera does not render has none: its text is used as written.
    pub fn program(&self, template: &EmailTemplate, locale: &str) -> Compiled {
        if !template.treatment.tera {
            return Err(NotCompiled::Failed(
                "Tera does not render this template (plain MJML), so it has no placeholders".into(),
            ));
        }
        let compile = || {
            let shape = self.shape(template)?;
            let sample = self
                .project
                .fixtures_of(&template.name)
                .iter()
                .find_map(|f| f.data_for(locale).ok());
            let finish_html = |html: String| {
                self.finish_html(html, &template.body.file, template.treatment.brand)
                    .map_err(|f| NotCompiled::Failed(f.message))
            };
            let steps = symbolic::Steps {
                compiler: &self.compiler,
                text_width: self.project.config.plaintext.width,
                finish_html: &finish_html,
            };
            self.send_time
                .compile(&steps, template, locale, &shape, sample.as_ref())
                .map(Arc::new)
        };
        once(
            &self.programs,
            &(template.name.clone(), locale.to_string()),
            compile,
        )
    }

    /// The data contract of `template` (declared beside its fixtures, or else inferred),
    /// compiled once on first use.
    pub fn contract(&self, template: &EmailTemplate) -> Contract {
        once(&self.contracts, &template.name, || {
            crate::contract::checker(self, template).map(Arc::new)
        })
    }

    /// Computes a send-time formatting filter as the Tera filter of the same name does:
    /// `(filter, value, arguments, locale code)` → text, in the locale's CLDR locale.
    pub fn formatter(
        &self,
    ) -> impl Fn(&str, &Value, &Map<String, Value>, &str) -> Result<String, String> + '_ {
        move |filter, value, args, code| {
            locale::format::apply(filter, value, args, self.project.locales.cldr(code))
                .map_err(|e| e.to_string())
        }
    }

    /// The shape of a template's data: the union of its fixtures, in every locale. Found once
    /// per template: each locale's program and each export needs it, and it reads every
    /// fixture in every locale.
    pub fn shape(&self, template: &EmailTemplate) -> Result<Arc<Shape>, NotCompiled> {
        once(&self.shapes, &template.name, || {
            self.shape_of_fixtures(template).map(Arc::new)
        })
    }

    fn shape_of_fixtures(&self, template: &EmailTemplate) -> Result<Shape, NotCompiled> {
        let mut shape = Shape::Map(BTreeMap::new());
        for fixture in self.project.fixtures_of(&template.name) {
            for code in self.project.locales.codes() {
                if let Ok(data) = fixture.data_for(code) {
                    shape = shape.merge(&Shape::of_data(&data), "").map_err(|c| {
                        NotCompiled::Failed(format!(
                            "the fixtures disagree on what `{}` holds (a list in one, text or a mapping in another)",
                            c.path
                        ))
                    })?;
                }
            }
        }
        Ok(shape)
    }

    /// Every email the selection covers, sorted by template, locale, fixture. Unknown names
    /// are an error that lists what exists. The first email of each locale will carry the
    /// findings about the locale as a whole (a missing dictionary, unused keys).
    pub fn emails(&self, selection: &Selection) -> Result<Vec<EmailId>, ProjectError> {
        let project = &self.project;
        for name in &selection.templates {
            if project.template(name).is_none() {
                let known: Vec<_> = project.templates.iter().map(|t| t.name.as_str()).collect();
                return Err(ProjectError::Selection(format!(
                    "no template named `{name}`; templates: {}",
                    known.join(", ")
                )));
            }
        }
        for code in &selection.locales {
            if !project.locales.strings.contains_key(code) {
                let known: Vec<_> = project.locales.codes().collect();
                return Err(ProjectError::Selection(format!(
                    "no locale `{code}`; locales: {}",
                    known.join(", ")
                )));
            }
        }
        let mut ids = Vec::new();
        for template in &project.templates {
            if !selection.templates.is_empty() && !selection.templates.contains(&template.name) {
                continue;
            }
            for code in project.locales.codes() {
                if !selection.locales.is_empty() && !selection.locales.iter().any(|l| l == code) {
                    continue;
                }
                for fixture in project.fixtures_of(&template.name) {
                    ids.push(EmailId {
                        template: template.name.clone(),
                        locale: code.to_string(),
                        fixture: fixture.name.clone(),
                    });
                }
            }
        }
        self.l10n.select(&ids);
        Ok(ids)
    }

    /// Loads the spelling dictionary of `locale` now (see
    /// [`crate::l10n::Resources::load_dictionary`]).
    pub fn load_dictionary(&self, locale: &str) {
        self.l10n.load_dictionary(&self.project, locale);
    }

    /// The position of `locale` among the project's locales: the default first, then the
    /// others in order of their codes; unknown locales come last.
    pub fn locale_rank(&self, locale: &str) -> usize {
        let locales = &self.project.locales;
        if locale == locales.default {
            return 0;
        }
        locales
            .codes()
            .filter(|code| *code != locales.default)
            .position(|code| code == locale)
            .map_or(usize::MAX, |at| at + 1)
    }

    /// Builds one email of the project with its fixture's data.
    pub fn build(&self, id: &EmailId) -> Email {
        let template = self.project.template(&id.template);
        let fixture = self
            .project
            .fixtures_of(&id.template)
            .iter()
            .find(|f| f.name == id.fixture);
        match (template, fixture) {
            (Some(template), Some(fixture)) => match fixture.data_for(&id.locale) {
                Ok(data) => {
                    let mut email = self.build_with(template, &id.locale, &id.fixture, &data);
                    email
                        .findings
                        .extend(self.fixture_contract(template, &data, fixture));
                    findings::sort(&mut email.findings);
                    let file = fixture.file.as_ref().map(|f| f.display().to_string());
                    for finding in &mut email.findings {
                        crate::tera_messages::explain_missing_variable(
                            finding,
                            &template.name,
                            file.as_deref(),
                        );
                    }
                    email
                }
                Err(finding) => failed(id.clone(), template, finding),
            },
            _ => Email {
                id: id.clone(),
                category: Category::Transactional,
                template_file: PathBuf::from("templates").join(format!("{}.mjml", id.template)),
                summary: None,
                content: None,
                findings: vec![Finding::error(
                    "build.fixture",
                    format!("no email {id} in this project"),
                    None,
                )],
            },
        }
    }

    /// Findings of fixture data against its template's declared contract (a broken schema
    /// file is one finding).
    fn fixture_contract(
        &self,
        template: &EmailTemplate,
        data: &Map<String, Value>,
        fixture: &crate::project::Fixture,
    ) -> Vec<Finding> {
        if !template.treatment.tera {
            return Vec::new();
        }
        match self.contract(template) {
            Ok(checker) => {
                crate::contract::fixture_findings(&checker, data, fixture.file.as_deref())
            }
            Err(finding) => vec![finding],
        }
    }

    /// Builds one email of `template` in `locale` with the given data (for `render`).
    pub fn build_with(
        &self,
        template: &EmailTemplate,
        locale: &str,
        fixture: &str,
        data: &Map<String, Value>,
    ) -> Email {
        let id = EmailId {
            template: template.name.clone(),
            locale: locale.to_string(),
            fixture: fixture.to_string(),
        };
        let data = crate::sanitize::data(data);
        IN_EMAIL.with(|f| f.set(true));
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.run_steps(template, locale, fixture, &data)
        }));
        IN_EMAIL.with(|f| f.set(false));
        let (content, mut findings) = match result {
            Ok(Ok((content, findings, headers))) => (Some((content, headers)), findings),
            Ok(Err(finding)) => (None, vec![finding]),
            Err(payload) => (
                None,
                vec![panic_finding(payload.as_ref(), &template.body.file)],
            ),
        };
        findings::sort(&mut findings);
        Email {
            id,
            category: template.category(),
            template_file: template.body.file.clone(),
            summary: content.as_ref().map(|(content, headers)| {
                Summary::of(content, headers.clone(), headers::example_recipient(&data))
            }),
            content: content.map(|(content, _)| Box::new(content)),
            findings,
        }
    }

    /// The pipeline, one step per line.
    fn run_steps(
        &self,
        template: &EmailTemplate,
        locale: &str,
        fixture: &str,
        data: &Map<String, Value>,
    ) -> Result<(Content, Vec<Finding>, Arc<Headers>), Finding> {
        let front = template.front.as_ref().map_err(Clone::clone)?;
        let made = match self.made_from_program(template, locale, data) {
            Some(made) => made,
            None => self.render_directly(template, locale, data)?,
        };
        let headers = once(&self.headers, &template.name, || {
            Arc::new(headers::resolve(
                front,
                &self.project.config,
                &self.project.brand,
            ))
        });
        let sources: Vec<&SourceFile> = std::iter::once(&template.body)
            .chain(&self.project.shared)
            .collect();
        // Tracing the keys an email uses takes a second Tera render: only worth it where the
        // locale's file lacks a string the default locale has.
        let used = if self.locales_with_gaps.contains(locale) {
            self.engine.used_keys(template, locale, data)
        } else {
            None
        };
        let l10n_email = crate::l10n::Email {
            template,
            locale,
            fixture,
            data,
            overrides: &front.rules,
            formatted: &made.formatted,
            own_text: made.own_text,
        };
        let locale_input = self
            .l10n
            .input(&self.project, &self.engine, &l10n_email, used.as_ref());
        // One parse of the HTML serves the plaintext (already laid out from it) and the rules.
        let parsed = match made.parsed {
            Some(parsed) => parsed,
            None => scraper::Html::parse_document(&made.content.html),
        };
        let findings = checks::run_parsed(
            &EmailInput {
                html: &made.content.html,
                text: &made.content.text,
                subject: &made.content.subject,
                preheader: &made.content.preheader,
                category: front.category,
                data,
                template: &template.body.file,
                config: &self.project.config,
                overrides: &front.rules,
                mjml: &made.mjml,
                brand: &self.project.brand,
                sources: &sources,
                subject_line: template.subject_line,
                preheader_line: template.preheader_line,
                headers: &headers,
                assets: &made.asset_problems,
                locale: Some(&locale_input),
                treatment: template.treatment,
            },
            &parsed,
        );
        Ok((made.content, findings, headers))
    }

    /// The email from its template's send-time program: the data filled in, no Tera, mrml or
    /// html2text per email. `None` when the template has no program or the data does not fit it
    /// (a value it prints is missing): the email is then rendered step by step, which reports
    /// such problems with their template line.
    fn made_from_program(
        &self,
        template: &EmailTemplate,
        locale: &str,
        data: &Map<String, Value>,
    ) -> Option<Made> {
        if !self.use_programs {
            return None;
        }
        let program = self.program(template, locale).ok()?;
        let formatted = RefCell::new(Vec::new());
        let format = self.formatter();
        let recording = |filter: &str, value: &Value, args: &Map<String, Value>, code: &str| {
            let text = format(filter, value, args, code)?;
            formatted.borrow_mut().push(text.clone());
            Ok(text)
        };
        let env = symbolic::program::Env {
            locale,
            format: &recording,
        };
        let produced = program.produce(data, &env).ok()?;
        let local = self.data_assets(&program, produced.html);
        // The text part is laid out from the email's own HTML: the program's is laid out with
        // the sample's values, so longer values would make longer lines and misalign tables.
        let (text, parsed) = if program.own_text {
            (produced.text, None)
        } else {
            let parsed = scraper::Html::parse_document(&local.html);
            let width = self.project.config.plaintext.width;
            (plaintext::from_document(&parsed, width).ok()?, Some(parsed))
        };
        Some(Made {
            content: Content {
                subject: header_text(&produced.subject),
                preheader: header_text(&produced.preheader),
                html: local.html,
                text,
                assets: local.used,
            },
            asset_problems: local.problems,
            formatted: formatted.into_inner(),
            own_text: program.own_text,
            mjml: produced.mjml,
            parsed,
        })
    }

    /// The email rendered step by step: Tera, MJML, the finishing steps, plaintext.
    fn render_directly(
        &self,
        template: &EmailTemplate,
        locale: &str,
        data: &Map<String, Value>,
    ) -> Result<Made, Finding> {
        let file = &template.body.file;
        let rendered = crate::deadline::render(&self.engine, template, locale, data)?;
        crate::depth::check(
            &rendered.mjml,
            file,
            &template.body.source,
            &self.project.root,
        )?;
        let (title, preview) = (
            header_text(&rendered.subject),
            header_text(&rendered.preheader),
        );
        let finish = Finish {
            title: &title,
            preheader: &preview,
            lang: locale,
            dir: locale::direction(locale),
            brand: template.treatment.brand,
        };
        let compiled =
            self.compiler
                .compile(&rendered.mjml, file, &template.body.source, &finish)?;
        // Without front matter, the MJML's own mj-title and mj-preview are the subject and
        // preheader (a file brought over from plain MJML).
        let subject = header_text(&non_empty(title, compiled.title));
        let preheader = header_text(&non_empty(preview, compiled.preview));
        let local = self.finish_html(compiled.html, file, template.treatment.brand)?;
        let (text, parsed) = match &rendered.text {
            Some(text) => (plaintext::tidy(text), None),
            None => {
                let parsed = scraper::Html::parse_document(&local.html);
                let text = plaintext::from_document(&parsed, self.project.config.plaintext.width)
                    .map_err(|e| {
                    Finding::error(
                        "build.plaintext",
                        format!("plaintext could not be derived: {e}"),
                        Some(SourcePos::file(file)),
                    )
                })?;
                (text, Some(parsed))
            }
        };
        Ok(Made {
            content: Content {
                subject,
                preheader,
                html: local.html,
                text,
                assets: local.used,
            },
            asset_problems: local.problems,
            formatted: rendered.formatted,
            own_text: rendered.text.is_some(),
            mjml: rendered.mjml,
            parsed,
        })
    }

    /// The local assets of an email made from `program`: the program's own, and those the data
    /// names (`image_url: assets/hero.png`), rewritten like the template's.
    fn data_assets(&self, program: &Program, html: String) -> Rewritten {
        let base = self.project.config.assets.base();
        if !html.contains("assets/") {
            return Rewritten {
                html,
                used: program.assets.clone(),
                problems: program.asset_problems.clone(),
            };
        }
        let again = self.assets.rewrite(&html, base.as_deref());
        if base.is_none() {
            // Nothing was rewritten: the template's references are still there, found again.
            return again;
        }
        let mut used = program.assets.clone();
        used.extend(again.used);
        used.sort();
        used.dedup();
        let mut problems = program.asset_problems.clone();
        problems.extend(again.problems);
        Rewritten {
            html: again.html,
            used,
            problems,
        }
    }

    /// The steps after MJML: the dark scheme (the brand's: a plain MJML file brought over as
    /// it is gets none), then local assets rewritten to their published URL.
    fn finish_html(&self, html: String, file: &Path, brand: bool) -> Result<Rewritten, Finding> {
        let html = if brand {
            self.add_dark_scheme(html, file)?
        } else {
            html
        };
        Ok(self
            .assets
            .rewrite(&html, self.project.config.assets.base().as_deref()))
    }

    /// The dark-scheme step: role classes, meta tags and dark rules (nothing without a
    /// dark palette or `color-scheme: light-only`).
    fn add_dark_scheme(&self, html: String, file: &Path) -> Result<String, Finding> {
        let Some(scheme) = &self.dark else {
            return Ok(html);
        };
        scheme.apply(&html).map_err(|e| {
            Finding::error(
                "build.internal",
                format!("the dark scheme could not be added to the HTML: {e}"),
                Some(SourcePos::file(file)),
            )
        })
    }
}

/// One email, made from a program or rendered step by step, with what its checks need.
struct Made {
    content: Content,
    /// Local asset references that will not work.
    asset_problems: Vec<crate::assets::Problem>,
    /// What the formatting filters wrote.
    formatted: Vec<String>,
    /// Whether the text part was written by hand.
    own_text: bool,
    /// The MJML after Tera, for the checks that read the template's own markup.
    mjml: String,
    /// The HTML, parsed, when the plaintext was derived from it: the rules read the same tree.
    parsed: Option<scraper::Html>,
}

/// The filters that may be applied to send-time data: the formatting filters, computed again
/// for each email (and, in an export, by letterpress before sending).
fn send_time_filters() -> Vec<String> {
    locale::format::FILTERS
        .iter()
        .map(|f| f.to_string())
        .collect()
}

fn non_empty(first: String, fallback: Option<String>) -> String {
    if first.is_empty() {
        fallback.unwrap_or_default()
    } else {
        first
    }
}

fn failed(id: EmailId, template: &EmailTemplate, finding: Finding) -> Email {
    Email {
        id,
        category: template.category(),
        template_file: template.body.file.clone(),
        summary: None,
        content: None,
        findings: vec![finding],
    }
}

fn panic_finding(payload: &(dyn std::any::Any + Send), file: &Path) -> Finding {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".into());
    Finding::error(
        "build.internal",
        format!(
            "a dependency failed on this template ({detail}); simplify the MJML around recent changes and report it"
        ),
        Some(SourcePos::file(file)),
    )
}
