//! Building inputs for the rule families' unit tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{EmailInput, LocaleInput, run};
use crate::brand::Brand;
use crate::config::Config;
use crate::findings::Finding;
use crate::project::{Category, SourceFile};

/// An email's parts, owned; `findings()` runs every rule on it.
pub(crate) struct TestEmail {
    pub html: String,
    pub text: String,
    pub subject: String,
    pub preheader: String,
    pub category: Category,
    pub data: Map<String, Value>,
    pub config: Config,
    pub mjml: String,
    pub brand: Brand,
    pub template: SourceFile,
    pub assets: Vec<crate::assets::Problem>,
    pub treatment: crate::treatment::Treatment,
}

impl TestEmail {
    /// A clean transactional email around `body` (HTML inside `<body>`).
    pub(crate) fn with_body(body: &str) -> TestEmail {
        let brand = Brand::parse(crate::brand::tests_sample(), Path::new("brand/brand.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        TestEmail {
            html: format!(
                "<!doctype html><html lang=\"en\"><head><title>t</title></head><body style=\"background-color:#f4f4f4\">{body}</body></html>"
            ),
            text: "Hello there.\n".into(),
            subject: "Your order 1234 is confirmed".into(),
            preheader: "It ships tomorrow".into(),
            category: Category::Transactional,
            data: Map::new(),
            config: Config::default(),
            mjml: "<mjml><mj-body></mj-body></mjml>".into(),
            brand,
            template: SourceFile {
                name: "t.mjml".into(),
                file: PathBuf::from("templates/t.mjml"),
                source: String::new(),
            },
            assets: Vec::new(),
            treatment: crate::treatment::Treatment::LETTERPRESS,
        }
    }

    /// Rule ids of the findings whose id starts with `family`.
    pub(crate) fn rules(&self, family: &str) -> Vec<String> {
        self.findings()
            .into_iter()
            .filter(|f| f.rule.starts_with(family))
            .map(|f| f.rule)
            .collect()
    }

    /// Every finding.
    pub(crate) fn findings(&self) -> Vec<Finding> {
        self.findings_with(None)
    }

    /// Every finding, the locale and spelling rules given `locale`.
    pub(crate) fn findings_in(&self, locale: &LocaleInput) -> Vec<Finding> {
        self.findings_with(Some(locale))
    }

    fn findings_with(&self, locale: Option<&LocaleInput>) -> Vec<Finding> {
        let overrides = BTreeMap::new();
        let sources = [&self.template];
        let front = crate::project::FrontMatter {
            category: self.category,
            ..Default::default()
        };
        let headers = crate::headers::resolve(&front, &self.config, &self.brand);
        run(&EmailInput {
            html: &self.html,
            text: &self.text,
            subject: &self.subject,
            preheader: &self.preheader,
            category: self.category,
            data: &self.data,
            template: &self.template.file,
            config: &self.config,
            overrides: &overrides,
            mjml: &self.mjml,
            brand: &self.brand,
            sources: &sources,
            subject_line: 2,
            preheader_line: 3,
            headers: &headers,
            assets: &self.assets,
            locale,
            treatment: self.treatment,
        })
    }
}
