//! Output formats: human text (coloured on a terminal, plain with NO_COLOR or when piped),
//! JSON, GitHub workflow annotations and JUnit XML.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anstream::eprintln;
use anstyle::{AnsiColor, Style};
use letterpress::build::Report;
use letterpress::checks::Rule;
use letterpress::config::Config;
use letterpress::{Email, Finding, Severity, bundle};
use serde_json::json;

/// Style for errors.
pub const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default();
const DIM: Style = Style::new().dimmed();

/// Version of the JSON report's schema.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

fn status(email: &Email) -> &'static str {
    if email.has_errors() {
        "error"
    } else if email.count(Severity::Warning) > 0 {
        "warning"
    } else {
        "ok"
    }
}

/// How many emails carry each distinct finding (same rule, message and place).
fn occurrences(report: &Report) -> HashMap<&Finding, usize> {
    let mut counts = HashMap::new();
    for email in &report.emails {
        for finding in &email.findings {
            *counts.entry(finding).or_insert(0) += 1;
        }
    }
    counts
}

/// One line per email, its findings beneath, and a summary. A finding repeated in several
/// emails (one typo seen in every locale × fixture, a brand problem) is printed once, under
/// the first email, with the count; the other emails say it was shown above.
pub fn human(report: &Report, strict: bool, wrote: Option<&Path>, write: bool, took: Duration) {
    // one stream for the whole report, buffered: anstream's println! looks up the terminal and
    // the colour settings again for every line, and writes each line on its own
    let stdout = std::io::stdout();
    let choice = anstream::AutoStream::choice(&stdout);
    let buffered: Box<dyn std::io::Write> = Box::new(std::io::BufWriter::new(stdout.lock()));
    let mut out = anstream::AutoStream::new(buffered, choice);
    match emails_and_findings(&mut out, report).and_then(|()| std::io::Write::flush(&mut out)) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("letterpress: could not print the report: {e}");
        }
        _ => {}
    }
    drop(out);
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let failed = report.fails(strict);
    let verdict = match (failed, write, wrote) {
        (true, true, _) => "build failed: the previous output was left as it was".to_string(),
        (true, false, _) => "check failed".to_string(),
        (false, _, Some(out)) => format!("wrote {}", out.display()),
        (false, _, None) => "check passed".to_string(),
    };
    let style = if failed { RED } else { GREEN };
    eprintln!(
        "{}{} emails, {errors} errors, {warnings} warnings in {:.2}s: {verdict}{}",
        style.render(),
        report.emails.len(),
        took.as_secs_f64(),
        style.render_reset()
    );
}

/// The lines of [`human`] above its summary: each email, and its findings beneath.
fn emails_and_findings(out: &mut impl std::io::Write, report: &Report) -> std::io::Result<()> {
    let counts = occurrences(report);
    let mut shown: HashSet<&Finding> = HashSet::new();
    for email in &report.emails {
        let (style, label) = match status(email) {
            "error" => (RED, "FAIL"),
            "warning" => (YELLOW, "warn"),
            _ => (GREEN, " ok "),
        };
        let size = email
            .summary
            .as_ref()
            .map_or_else(|| "-".to_string(), |s| kb(s.html_bytes));
        writeln!(
            out,
            "{}{label}{} {:<28} {:<5} {:<22} {DIM}{size:>9}{DIM:#}",
            style.render(),
            style.render_reset(),
            email.id.template,
            email.id.locale,
            email.id.fixture
        )?;
        let mut above = 0;
        for finding in &email.findings {
            if !shown.insert(finding) {
                above += 1;
                continue;
            }
            let style = if finding.severity == Severity::Error {
                RED
            } else {
                YELLOW
            };
            let at = finding
                .location
                .as_ref()
                .map(|l| format!("{l}: "))
                .unwrap_or_default();
            let also = match counts.get(finding).copied().unwrap_or(1) {
                0 | 1 => String::new(),
                2 => " (and in 1 more email)".to_string(),
                n => format!(" (and in {} more emails)", n - 1),
            };
            writeln!(
                out,
                "       {at}{}{}{} [{}] {}{DIM}{also}{DIM:#}",
                style.render(),
                finding.severity,
                style.render_reset(),
                finding.rule,
                finding.message
            )?;
        }
        if above > 0 {
            let plural = if above == 1 { "" } else { "s" };
            writeln!(
                out,
                "       {DIM}{above} finding{plural} shown above{DIM:#}"
            )?;
        }
    }
    Ok(())
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The JSON report printed by `--format json`.
pub fn json(report: &Report, config: &Config, strict: bool) -> String {
    let emails: Vec<_> = report
        .emails
        .iter()
        .map(|email| {
            let entry = bundle::entry(email, config);
            json!({
                "template": email.id.template,
                "locale": email.id.locale,
                "fixture": email.id.fixture,
                "category": email.category,
                "status": status(email),
                "subject": entry.as_ref().map(|e| e.subject.clone()),
                "html_bytes": entry.as_ref().map(|e| e.html_bytes),
                "text_bytes": entry.as_ref().map(|e| e.text_bytes),
                "findings": email.findings,
            })
        })
        .collect();
    let value = json!({
        "schema_version": REPORT_SCHEMA_VERSION,
        "generator": format!("letterpress {}", env!("CARGO_PKG_VERSION")),
        "summary": {
            "emails": report.emails.len(),
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "failed": report.fails(strict),
        },
        "emails": emails,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// GitHub Actions annotations, one line per finding.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    let counts = occurrences(report);
    let mut shown: HashSet<&Finding> = HashSet::new();
    for email in &report.emails {
        for finding in &email.findings {
            // One annotation per distinct finding: the same line is not annotated 6 times.
            if !shown.insert(finding) {
                continue;
            }
            let level = if finding.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            let mut props = Vec::new();
            // Every annotation names a file: the finding's, else the email's template.
            let file = finding
                .location
                .as_ref()
                .map_or(email.template_file.as_path(), |l| l.file.as_path());
            props.push(format!("file={}", gh_property(&file.to_string_lossy())));
            if let Some(loc) = &finding.location {
                if let Some(line) = loc.line {
                    props.push(format!("line={line}"));
                }
                if let Some(col) = loc.column {
                    props.push(format!("col={col}"));
                }
            }
            props.push(format!("title={}", gh_property(&finding.rule)));
            let message = match counts.get(finding).copied().unwrap_or(1) {
                0 | 1 => format!("{} ({})", finding.message, email.id),
                n => format!("{} ({} and {} more)", finding.message, email.id, n - 1),
            };
            let _ = writeln!(out, "::{level} {}::{}", props.join(","), gh_data(&message));
        }
    }
    out
}

/// Escapes a workflow command's message.
fn gh_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn gh_property(text: &str) -> String {
    gh_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// JUnit XML: a test suite per email, a test case per rule family, failed when the family
/// has an error (or a warning, with `--strict`); other findings go to `<system-out>`.
pub fn junit(report: &Report, strict: bool) -> String {
    let families = rule_families();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = report.emails.len() * families.len();
    let failures: usize = report
        .emails
        .iter()
        .map(|e| {
            families
                .iter()
                .filter(|f| family_fails(e, f, strict))
                .count()
        })
        .sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"letterpress\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for email in &report.emails {
        let fails = families
            .iter()
            .filter(|f| family_fails(email, f, strict))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\">",
            xml(&email.id.to_string()),
            families.len()
        );
        for family in &families {
            let findings: Vec<&Finding> = email
                .findings
                .iter()
                .filter(|f| family_of(&f.rule) == *family)
                .collect();
            let name = xml(family);
            let class = xml(&format!(
                "{}.{}.{}",
                email.id.template, email.id.locale, email.id.fixture
            ));
            if findings.is_empty() {
                let _ = writeln!(out, "    <testcase classname=\"{class}\" name=\"{name}\"/>");
                continue;
            }
            let _ = writeln!(out, "    <testcase classname=\"{class}\" name=\"{name}\">");
            let body: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
            let tag = if family_fails(email, family, strict) {
                "failure"
            } else {
                "system-out"
            };
            if tag == "failure" {
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    xml(&findings[0].rule),
                    xml(&findings[0].message),
                    xml(&body.join("\n"))
                );
            } else {
                let _ = writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    xml(&body.join("\n"))
                );
            }
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

fn rule_families() -> Vec<&'static str> {
    let mut families: Vec<&str> = std::iter::once("build")
        .chain(letterpress::checks::RULES.iter().map(|r| family_of(r.id)))
        .collect();
    families.sort_unstable();
    families.dedup();
    families
}

fn family_of(rule: &str) -> &str {
    rule.split('.').next().unwrap_or(rule)
}

fn family_fails(email: &Email, family: &str, strict: bool) -> bool {
    email
        .findings
        .iter()
        .any(|f| (f.severity == Severity::Error || strict) && family_of(&f.rule) == family)
}

/// Escapes text for XML, dropping the control characters XML 1.0 cannot carry.
fn xml(text: &str) -> String {
    let printable: String = text
        .chars()
        .filter(|&c| c as u32 >= 0x20 || matches!(c, '\n' | '\t' | '\r'))
        .collect();
    letterpress::html::escape(&printable)
}

/// The JSON printed by `render`.
pub fn render_json(email: &Email) -> String {
    let fields = letterpress::request::email_fields(email);
    serde_json::to_string_pretty(&fields).unwrap_or_default()
}

/// The table printed by `letterpress rules`.
pub fn rules(rules: &[Rule]) -> String {
    let mut out = String::new();
    for rule in rules {
        let _ = writeln!(
            out,
            "{:<28} {:<8} {}",
            rule.id,
            rule.default.to_string(),
            rule.summary
        );
    }
    let _ = writeln!(
        out,
        "\nclients.unsupported uses caniemail data (MIT) from the snapshot of {}; mjml.* uses MJML 4.18.0's attribute table.",
        letterpress::checks::caniemail_snapshot_date()
    );
    out
}
