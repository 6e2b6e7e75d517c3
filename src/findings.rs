//! Findings: what the checks (and failed build steps) say about one email. Data, not text: the
//! library returns them, the CLI prints them, the manifest stores them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::SourcePos;

/// How much a finding matters. `Off` exists so configuration can silence a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule is disabled.
    Off,
    /// Reported; fails the build only with `--strict`.
    Warning,
    /// Fails the build (exit code 1) and keeps the previous `out/`.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem found in one email.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    /// Stable rule id, `family.name` (e.g. `size.gmail-clip`, `build.template`).
    pub rule: String,
    /// Severity after configuration was applied.
    pub severity: Severity,
    /// What is wrong and what to do, in one line.
    pub message: String,
    /// Where in the project's sources, when it can be known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourcePos>,
}

impl Finding {
    /// A finding at error level.
    pub fn error(rule: &str, message: impl Into<String>, location: Option<SourcePos>) -> Self {
        Finding {
            rule: rule.to_string(),
            severity: Severity::Error,
            message: one_line(message.into()),
            location,
        }
    }

    /// A finding at warning level.
    pub fn warning(rule: &str, message: impl Into<String>, location: Option<SourcePos>) -> Self {
        Finding {
            rule: rule.to_string(),
            severity: Severity::Warning,
            message: one_line(message.into()),
            location,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(pos) = &self.location {
            write!(f, "{pos}: ")?;
        }
        write!(f, "{} [{}]: {}", self.severity, self.rule, self.message)
    }
}

/// A message as one line: control characters (a line break quoted from a dependency's error,
/// from data…) are shown escaped (`\n`), so every finding prints as one line.
pub fn one_line(message: String) -> String {
    if !message.chars().any(char::is_control) {
        return message;
    }
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Sorts findings for stable output: errors first, then by rule, location and message.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_sort_before_warnings() {
        let mut list = vec![
            Finding::warning("a.b", "w", None),
            Finding::error("z.z", "e", None),
        ];
        sort(&mut list);
        assert_eq!(list[0].severity, Severity::Error);
    }

    #[test]
    fn display_is_one_line_with_position() {
        let f = Finding::error(
            "size.gmail-clip",
            "too big",
            Some(SourcePos::line("t.mjml", 4)),
        );
        assert_eq!(f.to_string(), "t.mjml:4: error [size.gmail-clip]: too big");
    }
}
