//! Localisation through the real binary: the starter kit's Turkish emails read Turkish (dates,
//! numbers and money formatted for the locale), fixture overlays, and the rules that catch a
//! missing translation, a passage in the wrong language and a misspelling, each by exactly its
//! own rule. Tests marked `#[ignore]` need Debian's hunspell-en-gb and hunspell-tr (installed by
//! `.ci/run`, which runs them with `--include-ignored`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_letterpress");
const NEEDS_DICTIONARIES: &str = "needs hunspell-en-gb and hunspell-tr (apt); CI runs it";

/// A project in a temporary folder.
struct Project {
    dir: tempfile::TempDir,
}

/// One finding of a JSON report, with its email.
#[derive(Debug)]
struct Found {
    rule: String,
    message: String,
    file: String,
    line: Option<u64>,
    locale: String,
    template: String,
    fixture: String,
}

impl Project {
    /// The starter kit, written by `letterpress init`.
    fn starter() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let kit = dir.path().join("kit");
        let out = Command::new(BIN).arg("init").arg(&kit).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for entry in std::fs::read_dir(&kit).unwrap() {
            let entry = entry.unwrap();
            std::fs::rename(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        Project { dir }
    }

    /// The repository's brand, one template and the given locale files.
    fn small(template: &str, locales: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let project = Project { dir };
        let brand =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("brand/brand.yaml"));
        project.write("brand/brand.yaml", &brand.unwrap());
        project.write("templates/t.mjml", template);
        for (code, text) in locales {
            project.write(&format!("locales/{code}.yaml"), text);
        }
        project
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> &Project {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces `from` (which must be there) with `to` in a project file.
    fn edit(&self, rel: &str, from: &str, to: &str) -> &Project {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    /// Turns spelling off (for tests that must not depend on installed dictionaries).
    fn without_spelling(&self) -> &Project {
        let settings = std::fs::read_to_string(self.path("letterpress.yaml")).unwrap_or_default();
        self.write(
            "letterpress.yaml",
            &format!("{settings}\nrules: {{spelling.word: off}}\n"),
        )
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(BIN)
            .args(args)
            .arg("--project")
            .arg(self.dir.path())
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Every finding of `check --format json`.
    fn findings(&self) -> Vec<Found> {
        let (code, out, err) = self.run(&["check", "--format", "json"]);
        assert!(code == 0 || code == 1, "exit {code}: {err}");
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let mut all = Vec::new();
        for email in report["emails"].as_array().unwrap() {
            for f in email["findings"].as_array().unwrap() {
                all.push(Found {
                    rule: f["rule"].as_str().unwrap().into(),
                    message: f["message"].as_str().unwrap().into(),
                    file: f["location"]["file"].as_str().unwrap_or_default().into(),
                    line: f["location"]["line"].as_u64(),
                    locale: email["locale"].as_str().unwrap().into(),
                    template: email["template"].as_str().unwrap().into(),
                    fixture: email["fixture"].as_str().unwrap().into(),
                });
            }
        }
        all
    }
}

fn rules(found: &[Found]) -> BTreeSet<&str> {
    found.iter().map(|f| f.rule.as_str()).collect()
}

/// The text of every built email of `locale`: subject, HTML text and text part.
fn built_text(project: &Project, locale: &str) -> Vec<(String, String)> {
    let (code, _, err) = project.run(&["build"]);
    assert_eq!(code, 0, "{err}");
    let manifest: Value = serde_json::from_str(&project.read("out/manifest.json")).unwrap();
    manifest["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["locale"] == locale)
        .map(|e| {
            let name = e["text"].as_str().unwrap().to_string();
            let text = project.read(&format!("out/{name}"));
            let html = project.read(&format!("out/{}", e["html"].as_str().unwrap()));
            let subject = e["subject"].as_str().unwrap();
            (name, format!("{subject}\n{text}\n{html}"))
        })
        .collect()
}

#[test]
#[ignore = "needs hunspell-en-gb and hunspell-tr (apt); CI runs it"]
fn the_starter_kit_passes_every_rule_in_both_locales() {
    let found = Project::starter().findings();
    assert!(found.is_empty(), "{NEEDS_DICTIONARIES}: {found:#?}");
}

#[test]
fn turkish_emails_have_no_english_dates_or_number_formats() {
    let project = Project::starter();
    let english = [
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "working days",
        "United Kingdom",
        "VAT",
    ];
    let all = built_text(&project, "tr");
    assert_eq!(all.len(), 20);
    for (name, text) in &all {
        for word in english {
            assert!(!text.contains(word), "{name} contains `{word}`");
        }
        // Money in Turkish format: £ then digits grouped with dots and two decimals after a
        // comma (£2.183,00), never £2,183.00.
        for (at, _) in text.match_indices('£') {
            let amount: String = text[at + '£'.len_utf8()..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .collect();
            let amount = amount.trim_end_matches(['.', ',']);
            if amount.is_empty() {
                continue;
            }
            let (whole, decimals) = amount
                .split_once(',')
                .unwrap_or_else(|| panic!("{name}: £{amount}"));
            assert_eq!(decimals.len(), 2, "{name}: £{amount}");
            assert!(
                whole.split('.').skip(1).all(|g| g.len() == 3),
                "{name}: £{amount}"
            );
        }
    }
    let text = |name: &str| {
        all.iter()
            .find(|(n, _)| n.contains(name))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let order = text("order-confirmation/default");
    for expected in [
        "14 Nisan 2026",
        "16 Nisan Perşembe – 17 Nisan Cuma",
        "£121,00",
        "Toplam tutara dahil KDV",
    ] {
        assert!(
            order.contains(expected),
            "order confirmation lacks {expected}"
        );
    }
    assert!(text("order-confirmation/large-order").contains("£2.183,00"));
    assert!(text("account-summary/default").contains("1.240 puan"));
    assert!(text("account-summary/default").contains("Mart 2026 hesap özetiniz"));
    assert!(text("new-sign-in/default").contains("14 Nisan 2026 Salı 23:07"));
    assert!(text("support-reply/complaint-refund").contains("3–5 iş günü"));
    assert!(text("password-reset/default").contains("30 dakika içinde"));
}

#[test]
fn english_emails_stay_british_english() {
    let project = Project::starter();
    let all = built_text(&project, "en");
    let order = &all
        .iter()
        .find(|(n, _)| n.contains("order-confirmation/large-order"))
        .unwrap()
        .1;
    for expected in [
        "15 April 2026",
        "Tuesday 21 April – Wednesday 22 April",
        "£2,183.00",
        "VAT included in the total",
    ] {
        assert!(order.contains(expected), "large order lacks {expected}");
    }
    let summary = &all
        .iter()
        .find(|(n, _)| n.contains("account-summary/default"))
        .unwrap()
        .1;
    assert!(summary.contains("1,240 points") && summary.contains("Your March 2026 summary"));
}

#[test]
fn a_key_removed_from_turkish_is_a_missing_key_naming_key_file_and_template() {
    let project = Project::starter();
    project.without_spelling().edit(
        "locales/tr.yaml",
        "  next: \"Kargonuz yola çıkar çıkmaz takip bilgileriyle size yeniden e-posta göndereceğiz.\"\n",
        "",
    );
    let found = project.findings();
    assert_eq!(
        rules(&found),
        BTreeSet::from(["locale.missing-key"]),
        "{found:#?}"
    );
    assert_eq!(
        found.len(),
        3,
        "one per Turkish order confirmation: {found:#?}"
    );
    for f in &found {
        assert_eq!(
            (f.locale.as_str(), f.template.as_str()),
            ("tr", "order-confirmation")
        );
        assert!(
            f.message.contains("`order_confirmation.next`")
                && f.message.contains("locales/tr.yaml"),
            "{}",
            f.message
        );
        assert_eq!(f.file, "templates/order-confirmation.mjml");
        assert!(f.line.is_some());
    }
}

#[test]
fn a_key_used_only_through_a_partial_or_a_select_is_still_traced() {
    let project = Project::starter();
    project
        .without_spelling()
        .edit(
            "locales/tr.yaml",
            "  help_centre: yardım merkezimizi ziyaret edin\n",
            "",
        )
        .edit("locales/tr.yaml", "    returned: İade edildi\n", "");
    let found = project.findings();
    let footer: Vec<_> = found
        .iter()
        .filter(|f| f.message.contains("`footer.help_centre`"))
        .collect();
    assert_eq!(footer.len(), 20, "every Turkish email has the footer");
    assert!(
        footer
            .iter()
            .all(|f| f.file == "templates/partials/footer.mjml")
    );
    let status: Vec<_> = found
        .iter()
        .filter(|f| f.message.contains("account_summary.status.returned"))
        .collect();
    // Offered to select for every order row (returned or not); the quiet month has no rows.
    assert_eq!(status.len(), 1, "{found:#?}");
    assert_eq!(status[0].fixture, "default");
    assert_eq!(rules(&found), BTreeSet::from(["locale.missing-key"]));
}

#[test]
fn an_english_paragraph_in_a_turkish_overlay_is_a_language_finding_at_its_line() {
    let project = Project::starter();
    project.without_spelling().edit(
        "fixtures/support-reply/one-question.tr.yaml",
        "    - \"Evet, yıkanabilir.",
        "    - \"Yes, it is. Wash it at forty degrees on a gentle cycle with a mild detergent.\"\n    - \"Evet, yıkanabilir.",
    );
    let found = project.findings();
    assert_eq!(
        rules(&found),
        BTreeSet::from(["locale.language"]),
        "{found:#?}"
    );
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(
        (f.locale.as_str(), f.fixture.as_str()),
        ("tr", "one-question")
    );
    assert!(
        f.message.contains("reads as English, not Turkish")
            && f.message.contains("“Yes, it is. Wash it"),
        "{}",
        f.message
    );
    assert_eq!(
        (f.file.as_str(), f.line),
        ("fixtures/support-reply/one-question.tr.yaml", Some(7))
    );
}

#[test]
#[ignore = "needs hunspell-en-gb and hunspell-tr (apt); CI runs it"]
fn each_breakage_is_caught_by_exactly_its_rule_with_every_rule_on() {
    // A missing translation: only locale.missing-key (the English fallback is neither a
    // misspelling nor a passage in the wrong language).
    let project = Project::starter();
    project.edit("locales/tr.yaml", "  feedback: \"Yeni ürünlerinizden memnun musunuz? Kısa bir değerlendirme, diğer müşterilerin seçim yapmasına ve bizim gelişmemize yardımcı olur.\"\n", "");
    assert_eq!(
        rules(&project.findings()),
        BTreeSet::from(["locale.missing-key"])
    );
    // An English paragraph in Turkish sample data: only locale.language (data is not
    // spell-checked).
    let project = Project::starter();
    project.edit(
        "fixtures/order-delivered/default.tr.yaml",
        "\"Belirttiğiniz güvenli yere, verandaya bırakıldı\"",
        "\"We left your parcel in the porch behind the blue door, as you asked us to\"",
    );
    assert_eq!(
        rules(&project.findings()),
        BTreeSet::from(["locale.language"])
    );
    // Misspellings in a template, an English and a Turkish string: only spelling.word.
    let project = Project::starter();
    project
        .edit(
            "templates/order-shipped.mjml",
            "<p>{{ t.order_shipped.note }}</p>",
            "<p>{{ t.order_shipped.note }} Thankyou.</p>",
        )
        .edit(
            "locales/en.yaml",
            "We received a request",
            "We recieved a request",
        )
        .edit("locales/tr.yaml", "Düğme çalışmazsa", "Düğme çalışmazssa");
    let found = project.findings();
    assert_eq!(
        rules(&found),
        BTreeSet::from(["spelling.word"]),
        "{found:#?}"
    );
    let words = |locale: &str| -> BTreeSet<String> {
        found
            .iter()
            .filter(|f| f.locale == locale)
            .map(|f| f.message.split('`').nth(1).unwrap().to_string())
            .collect()
    };
    assert_eq!(
        words("en"),
        BTreeSet::from(["Thankyou".into(), "recieved".into()])
    );
    assert_eq!(
        words("tr"),
        BTreeSet::from(["Thankyou".into(), "çalışmazssa".into()])
    );
    let recieved = found
        .iter()
        .find(|f| f.message.contains("`recieved`"))
        .unwrap();
    assert_eq!(recieved.file, "locales/en.yaml");
    assert!(
        recieved.message.contains("receive"),
        "a suggestion: {}",
        recieved.message
    );
    let thankyou = found
        .iter()
        .find(|f| f.message.contains("`Thankyou`"))
        .unwrap();
    assert_eq!(thankyou.file, "templates/order-shipped.mjml");
}

#[test]
fn a_missing_dictionary_is_said_once_per_locale_and_nothing_else_is_checked() {
    let template = "---\nsubject: \"{{ t.subject }}\"\npreheader: \"{{ t.preheader }}\"\n---\n<mjml><mj-body><mj-section><mj-column><mj-text><p>Xyzzy plugh {{ name }}</p></mj-text></mj-column></mj-section></mj-body></mjml>\n";
    let project = Project::small(
        template,
        &[("xx", "subject: Qwfp arst\npreheader: Zxcv bnm tgb yhn\n")],
    );
    project
        .write("fixtures/t/a.yaml", "name: One\n")
        .write("fixtures/t/b.yaml", "name: Two\n");
    let found = project.findings();
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(
        (f.rule.as_str(), f.fixture.as_str()),
        ("spelling.word", "a")
    );
    assert!(
        f.message.contains("no Hunspell dictionary for `xx`")
            && f.message.contains("spelling is not checked"),
        "{}",
        f.message
    );
    assert_eq!(f.file, "locales/xx.yaml");
}

#[test]
fn a_projects_own_dictionary_and_word_list_are_used() {
    let template = "---\nsubject: \"Your parcel\"\npreheader: \"It is on its way to you now\"\n---\n<mjml><mj-body><mj-section><mj-column><mj-text>\n<p>Your parcel is on its way, {{ name }}. Fernwood thanks you for your odrer.</p>\n</mj-text></mj-column></mj-section></mj-body></mjml>\n";
    let project = Project::small(template, &[("en", "a: b\n")]);
    let words = "your\nparcel\nis\non\nits\nway\nit\nto\nyou\nnow\nthanks\nfor\norder\n";
    project
        .write(
            "dictionary/en.aff",
            "SET UTF-8\nTRY esiaénrtolcdugmfphbyvkw\n",
        )
        .write("dictionary/en.dic", &format!("13\n{words}"))
        .write("dictionary/en.txt", "# brand names\nFernwood\n")
        .write("fixtures/t.yaml", "name: Zebedee\n");
    let found = project.findings();
    assert_eq!(
        found.len(),
        1,
        "only the misspelling, not the name or the brand: {found:#?}"
    );
    let f = &found[0];
    assert!(
        f.message.starts_with("`odrer` is not in the en dictionary") && f.message.contains("order"),
        "{}",
        f.message
    );
    assert_eq!((f.file.as_str(), f.line), ("templates/t.mjml", Some(6)));
}

#[test]
fn unused_keys_are_reported_at_their_line_when_switched_on() {
    let template = "---\nsubject: \"{{ t.subject }}\"\npreheader: \"{{ t.preheader }}\"\n---\n<mjml><mj-body><mj-section><mj-column><mj-text><p>{{ t.body }}</p></mj-text></mj-column></mj-section></mj-body></mjml>\n";
    let strings = "subject: Your order is confirmed\npreheader: It ships tomorrow morning\nbody: Thanks\nold:\n  promo: Spring sale\n";
    let project = Project::small(template, &[("en", strings)]);
    assert!(
        project.findings().is_empty() || !rules(&project.findings()).contains("locale.unused-key")
    );
    project.write(
        "letterpress.yaml",
        "rules: {locale.unused-key: warning, spelling.word: off}\n",
    );
    let found = project.findings();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "locale.unused-key");
    assert!(
        found[0].message.contains("`old.promo` in locales/en.yaml"),
        "{}",
        found[0].message
    );
    assert_eq!(
        (found[0].file.as_str(), found[0].line),
        ("locales/en.yaml", Some(5))
    );
}

#[test]
fn overlays_replace_data_for_their_locale_only() {
    let project = Project::starter();
    // `render` takes the template's first case, complaint-refund.
    let (code, out, err) = project.run(&["render", "support-reply", "--locale", "tr"]);
    assert_eq!(code, 0, "{err}");
    let email: Value = serde_json::from_str(&out).unwrap();
    let text = email["text"].as_str().unwrap();
    assert!(
        text.contains("Döküm tencerem çatlak geldi") && text.contains("Aylin Demir"),
        "{text}"
    );
    assert!(
        text.contains("£4,95"),
        "the refund comes from the case itself: {text}"
    );
    let (_, out, _) = project.run(&["render", "support-reply", "--locale", "en"]);
    assert!(out.contains("My casserole dish arrived cracked") && out.contains("Daniel Price"));
}

#[test]
fn a_broken_overlay_fails_only_its_locale() {
    let project = Project::starter();
    project.write(
        "fixtures/order-delivered/default.tr.yaml",
        "order: [unclosed\n",
    );
    let (code, out, _) =
        project.run(&["check", "--format", "json", "--template", "order-delivered"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    for email in report["emails"].as_array().unwrap() {
        let failed = email["status"] == "failed"
            || email["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "build.fixture");
        assert_eq!(failed, email["locale"] == "tr", "{email}");
    }
}

#[test]
fn overlays_for_unbuilt_locales_or_missing_cases_are_refused() {
    let project = Project::starter();
    project.write("fixtures/order-delivered/default.de.yaml", "order: {}\n");
    let (code, _, err) = project.run(&["check"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("fixtures/order-delivered/default.de.yaml")
            && err.contains("locale `de`")
            && err.contains("en, tr"),
        "{err}"
    );
    let project = Project::starter();
    project.write("fixtures/order-delivered/typo.tr.yaml", "order: {}\n");
    let (code, _, err) = project.run(&["check"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("fixtures/order-delivered/typo.tr.yaml")
            && err.contains("fixtures/order-delivered/typo.yaml"),
        "{err}"
    );
}

#[test]
fn a_preformatted_date_is_a_template_error_naming_filter_and_value() {
    let project = Project::starter();
    project.edit(
        "fixtures/terms-updated/default.yaml",
        "effective_date: \"2026-06-01\"",
        "effective_date: 1 June 2026",
    );
    let (code, out, _) = project.run(&["check", "--template", "terms-updated"]);
    assert_eq!(code, 1);
    let line = out
        .lines()
        .find(|l| l.contains("[build.template]"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("templates/terms-updated.mjml:"), "{line}");
    assert!(
        line.contains("format_date: “1 June 2026” is not a date") && line.contains("2026-04-14"),
        "{line}"
    );
}

#[test]
fn format_locales_must_name_built_locales() {
    let project = Project::starter();
    project.write(
        "letterpress.yaml",
        "locales: [en, tr]\nformat-locales: {de: de-AT}\n",
    );
    let (code, _, err) = project.run(&["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("format-locales names `de`"), "{err}");
}

#[test]
fn the_readme_formatting_table_is_what_the_filters_write() {
    let readme = include_str!("../README.md");
    let table = readme
        .split("| template | `en-GB` | `tr` |")
        .nth(1)
        .expect("the README's formatting table");
    let mut tera = tera::Tera::new();
    letterpress::locale::filters::register(&mut tera, &Default::default());
    let mut rows = 0;
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<String> = row
            .replace("\\|", "\u{1}")
            .split('|')
            .map(|c| c.trim().replace('\u{1}', "|"))
            .collect();
        let template = cells[1].trim_matches('`');
        tera.add_raw_template("row", template)
            .unwrap_or_else(|e| panic!("{template}: {e}"));
        for (locale, expected) in [("en-GB", &cells[2]), ("tr", &cells[3])] {
            let mut context = tera::Context::new();
            context.insert("locale", locale);
            let written = tera
                .render("row", &context)
                .unwrap_or_else(|e| panic!("{template}: {e:?}"));
            // The README shows non-breaking spaces as spaces.
            assert_eq!(
                &written.replace('\u{a0}', " "),
                expected,
                "{template} in {locale}"
            );
        }
        rows += 1;
    }
    assert!(rows >= 20, "{rows} rows");
}
