//! The rules engine: every rule has a stable id (`family.name`), a default severity and a
//! one-line explanation; families of rules look at one built email and report findings, whose
//! severity is then set from the project settings and the template's front matter.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::config::Config;
use crate::error::SourcePos;
use crate::findings::{Finding, Severity};
use crate::project::Category;

mod size;

/// A rule: its id, default severity and what it checks.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, `family.name`.
    pub id: &'static str,
    /// Severity unless configured otherwise.
    pub default: Severity,
    /// One sentence: what the rule catches and why it matters.
    pub summary: &'static str,
}

/// Every rule letterpress knows, in the order `letterpress rules` lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "size.gmail-clip",
        default: Severity::Error,
        summary: "HTML over the Gmail clip limit (default 102,000 bytes): Gmail cuts the message and hides the rest behind a link.",
    },
    Rule {
        id: "size.budget",
        default: Severity::Warning,
        summary: "HTML over the warning budget (default 90,000 bytes): close to being clipped by Gmail.",
    },
];

/// Whether `id` names a configurable rule.
pub fn is_rule(id: &str) -> bool {
    RULES.iter().any(|r| r.id == id)
}

/// Everything the rules may look at for one email.
pub struct EmailInput<'a> {
    /// Final HTML.
    pub html: &'a str,
    /// Plaintext part.
    pub text: &'a str,
    /// Rendered subject.
    pub subject: &'a str,
    /// Rendered preheader.
    pub preheader: &'a str,
    /// Transactional or marketing.
    pub category: Category,
    /// The fixture's data.
    pub data: &'a Map<String, Value>,
    /// The template file (project-relative), for locations.
    pub template: &'a Path,
    /// Project settings.
    pub config: &'a Config,
    /// Per-template severities from front matter.
    pub overrides: &'a BTreeMap<String, Severity>,
}

/// A rule's raw report before severities are applied.
pub(crate) struct Hit {
    rule: &'static str,
    message: String,
    location: Option<SourcePos>,
}

impl Hit {
    pub(crate) fn new(
        rule: &'static str,
        message: impl Into<String>,
        location: Option<SourcePos>,
    ) -> Hit {
        debug_assert!(is_rule(rule), "unregistered rule {rule}");
        Hit {
            rule,
            message: message.into(),
            location,
        }
    }
}

/// Runs every rule family on one email and returns its findings, severities applied and
/// rules set to `off` dropped.
pub fn run(input: &EmailInput) -> Vec<Finding> {
    let mut hits = Vec::new();
    size::check(input, &mut hits);
    hits.into_iter()
        .filter_map(|hit| {
            let severity = severity_of(hit.rule, input.config, input.overrides);
            (severity != Severity::Off).then(|| Finding {
                rule: hit.rule.to_string(),
                severity,
                message: hit.message,
                location: hit.location,
            })
        })
        .collect()
}

/// The severity of `rule`: the template's front matter wins over `letterpress.yaml`, which
/// wins over the rule's default.
pub fn severity_of(
    rule: &str,
    config: &Config,
    overrides: &BTreeMap<String, Severity>,
) -> Severity {
    overrides
        .get(rule)
        .or_else(|| config.rules.get(rule))
        .copied()
        .or_else(|| RULES.iter().find(|r| r.id == rule).map(|r| r.default))
        .unwrap_or(Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_well_formed() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(
            RULES
                .iter()
                .all(|r| r.id.split('.').count() == 2 && r.id == r.id.to_lowercase())
        );
    }

    #[test]
    fn front_matter_beats_config_beats_default() {
        let mut config = Config::default();
        assert_eq!(
            severity_of("size.budget", &config, &BTreeMap::new()),
            Severity::Warning
        );
        config.rules.insert("size.budget".into(), Severity::Error);
        assert_eq!(
            severity_of("size.budget", &config, &BTreeMap::new()),
            Severity::Error
        );
        let overrides = BTreeMap::from([("size.budget".to_string(), Severity::Off)]);
        assert_eq!(
            severity_of("size.budget", &config, &overrides),
            Severity::Off
        );
    }
}
