//! The preview pages, as HTML strings: the index of every email (failing ones first), one page
//! per email and one per project source file. The email itself is never in these pages: it is
//! loaded into an iframe from `/raw/…`.

use std::fmt::Write as _;

use letterpress::{EmailId, Severity};

use super::code;
use super::findings::{self, counts, plural};
use super::site::{Site, Slot};

pub use letterpress::html::escape as esc;

fn path(id: &EmailId) -> String {
    format!("{}/{}/{}", id.template, id.locale, id.fixture)
}

fn head(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/_assets/preview.css\"></head>",
        esc(title)
    )
}

/// Scripts of the preview pages: the UI, the live reload and the syntax colouring. Never part
/// of a built email.
const SCRIPTS: &str = "<script src=\"/_assets/preview.js\"></script><script src=\"/_assets/live.js\"></script>\
     <script type=\"module\" src=\"/_assets/highlight.js\"></script>";

fn size_bar(bytes: usize, clip: usize) -> String {
    let clip = clip.max(1);
    let percent = (bytes * 100 / clip).min(100);
    let class = if bytes > clip {
        "over"
    } else if bytes * 10 > clip * 9 {
        "near"
    } else {
        ""
    };
    format!(
        "<span class=\"size {class}\" title=\"{bytes} of {clip} bytes before Gmail clips\">\
         <span class=\"bar\"><i style=\"width:{percent}%\"></i></span> {:.1} KB</span>",
        bytes as f64 / 1000.0
    )
}

/// 0 for an email that fails (errors, or not built), 1 with warnings, 2 clean.
fn rank(slot: &Slot) -> u8 {
    if slot.email.has_errors() || slot.email.content.is_none() {
        0
    } else if slot.email.count(Severity::Warning) > 0 {
        1
    } else {
        2
    }
}

/// The index: every email with subject, preheader, category, size and findings; failing
/// emails first, then those with warnings, each group in name order.
pub fn index(site: &Site) -> String {
    let mut rows: Vec<(&EmailId, &Slot)> = site.emails.iter().collect();
    rows.sort_by_key(|(id, slot)| (rank(slot), *id));
    let tally = |r: u8| rows.iter().filter(|(_, s)| rank(s) == r).count();
    let (failing, warned, clean) = (tally(0), tally(1), tally(2));
    let mut out = head("letterpress preview");
    let _ = write!(
        out,
        "<body class=\"index\" data-version=\"{}\"><header class=\"top\"><strong>letterpress</strong> preview",
        site.version
    );
    let _ = write!(
        out,
        " <span id=\"tally\" data-live class=\"muted\">{} emails: <b class=\"{}\">{failing} failing</b> · {warned} with warnings · {clean} passing</span>",
        site.emails.len(),
        if failing > 0 { "bad" } else { "" },
    );
    out.push_str(
        " <input id=\"filter\" type=\"search\" placeholder=\"Filter by name\" autofocus>\
         <select id=\"locale-filter\"><option value=\"\">All locales</option>",
    );
    let mut locales: Vec<&str> = site.emails.keys().map(|id| id.locale.as_str()).collect();
    locales.sort_unstable();
    locales.dedup();
    for locale in locales {
        let _ = write!(out, "<option>{}</option>", esc(locale));
    }
    out.push_str("</select></header><main id=\"list\" data-live><table><thead><tr><th>Email</th>\
         <th>Subject and preheader</th><th>Category</th><th>Size</th><th>Findings</th></tr></thead><tbody>");
    for (id, slot) in rows {
        out.push_str(&index_row(site, id, slot));
    }
    out.push_str("</tbody></table></main>");
    let broken = site.emails.values().find_map(|slot| site.problem_of(slot));
    out.push_str(&findings::overlay(
        site.project_error.as_ref().or(broken.as_ref()),
        &site.sources,
    ));
    out.push_str(SCRIPTS);
    out.push_str("</body></html>");
    out
}

fn index_row(site: &Site, id: &EmailId, slot: &Slot) -> String {
    let content = slot.email.content.as_ref().or(slot.last_good.as_ref());
    let (subject, preheader) = content.map_or(("", ""), |c| (&c.subject, &c.preheader));
    let bytes = slot.email.content.as_ref().map(|c| c.html.len());
    let class = if rank(slot) == 0 {
        " class=\"failing\""
    } else {
        ""
    };
    format!(
        "<tr{class} data-name=\"{name}\" data-locale=\"{locale}\"><td><a href=\"/email/{path}\">{template}</a>\
         <div class=\"muted\">{locale} · {fixture}</div></td><td><div>{subject}</div>\
         <div class=\"muted\">{preheader}</div></td><td>{category}</td><td>{size}</td><td>{counts}</td></tr>",
        name = esc(&format!("{} {} {}", id.template, id.locale, id.fixture)),
        locale = esc(&id.locale),
        path = esc(&path(id)),
        template = esc(&id.template),
        fixture = esc(&id.fixture),
        subject = esc(subject),
        preheader = esc(preheader),
        category = serde_json::to_value(slot.email.category)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        size = bytes.map_or_else(|| "—".to_string(), |b| size_bar(b, site.clip)),
        counts = counts(slot),
    )
}

fn switcher(label: &str, current: &str, options: &[(String, String)]) -> String {
    let mut out = format!("<span class=\"switch\"><span class=\"muted\">{label}</span>");
    for (name, href) in options {
        let class = if name == current { " class=\"on\"" } else { "" };
        let _ = write!(out, "<a{class} href=\"{}\">{}</a>", esc(href), esc(name));
    }
    out.push_str("</span>");
    out
}

/// The top bar of an email's page: back to the index, which email, previous/next, and the
/// locale and fixture switchers.
fn email_header(site: &Site, id: &EmailId) -> Option<String> {
    let ids: Vec<&EmailId> = site.emails.keys().collect();
    let at = ids.iter().position(|i| *i == id)?;
    let mut out = String::from("<header class=\"top\"><a href=\"/\">All emails</a>");
    let _ = write!(
        out,
        " <strong>{}</strong> <span class=\"muted\">{} · {}</span>",
        esc(&id.template),
        esc(&id.locale),
        esc(&id.fixture)
    );
    let link = |i: Option<&&EmailId>, label: &str| match i {
        Some(i) => format!(
            "<a rel=\"{label}\" href=\"/email/{}\" title=\"{} (arrow key)\">{label}</a>",
            esc(&path(i)),
            esc(&i.to_string())
        ),
        None => format!("<span class=\"muted\">{label}</span>"),
    };
    let _ = write!(
        out,
        " <span class=\"nav\">{} {}</span>",
        link(at.checked_sub(1).and_then(|p| ids.get(p)), "prev"),
        link(ids.get(at + 1), "next")
    );
    let same_template = |other: &EmailId| other.template == id.template;
    let locales: Vec<(String, String)> = ids
        .iter()
        .filter(|o| same_template(o) && o.fixture == id.fixture)
        .map(|o| (o.locale.clone(), format!("/email/{}", path(o))))
        .collect();
    let fixtures: Vec<(String, String)> = ids
        .iter()
        .filter(|o| same_template(o) && o.locale == id.locale)
        .map(|o| (o.fixture.clone(), format!("/email/{}", path(o))))
        .collect();
    out.push_str(&switcher("locale", &id.locale, &locales));
    out.push_str(&switcher("fixture", &id.fixture, &fixtures));
    out.push_str("</header>");
    Some(out)
}

/// The tabs, and the controls of each: colour scheme and width for the preview, copy for the
/// HTML source and the plaintext.
const TABS: &str = "<nav class=\"tabs\"><button data-tab=\"preview\">Preview</button>\
    <button data-tab=\"html\">HTML source</button><button data-tab=\"text\">Plaintext</button>\
    <span class=\"controls for-preview\"><span class=\"group schemes\" role=\"group\" aria-label=\"Colour scheme\">\
    <button data-scheme=\"light\" title=\"The email as designed\">Light</button>\
    <button data-scheme=\"dark\" title=\"As clients that follow the reader's dark mode show it (Apple Mail, Outlook.com, Outlook for Mac and mobile): the brand's dark scheme\">Dark</button>\
    <button data-scheme=\"inverted\" title=\"An approximation of clients that invert colours themselves (Gmail apps, Outlook for Windows): colours inverted, images kept\">Forced inversion</button></span>\
    <span class=\"group widths\" role=\"group\" aria-label=\"Width\"><button data-width=\"320\">Small phone</button>\
    <button data-width=\"375\">Phone</button><button data-width=\"800\">Desktop</button></span>\
    <span id=\"width\" class=\"muted\"></span>\
    <span id=\"no-dark\" class=\"muted small\">This brand has no dark palette: clients that follow dark mode show the email as designed (add dark: to brand.yaml).</span></span>\
    <span class=\"controls for-html\"><button class=\"copy\" data-copy=\"source\">Copy HTML</button></span>\
    <span class=\"controls for-text\"><button class=\"copy\" data-copy=\"text\">Copy text</button></span>\
    <span id=\"copied\" class=\"muted\" aria-live=\"polite\"></span></nav>";

/// The page of one email, or `None` when there is no such email.
pub fn email(site: &Site, id: &EmailId) -> Option<String> {
    let slot = site.emails.get(id)?;
    let mut out = head(&format!("{} · letterpress", id));
    let _ = write!(
        out,
        "<body class=\"email-page\" data-tab=\"preview\" data-scheme=\"light\" data-has-dark=\"{}\" data-version=\"{}\">",
        site.has_dark, site.version
    );
    out.push_str(&email_header(site, id)?);
    out.push_str(&findings::panel(site, slot));
    out.push_str(&inbox(site, slot));
    out.push_str(&super::test_send::form(site, id));
    out.push_str(TABS);
    let _ = write!(
        out,
        "<div id=\"stage\"><div id=\"frame-wrap\"><iframe id=\"email\" title=\"email\" \
         sandbox=\"allow-same-origin allow-popups allow-popups-to-escape-sandbox\" \
         data-images=\"{}\" src=\"/raw/{}.html?rev={}\"></iframe></div></div>",
        slot.images_revision,
        esc(&path(id)),
        slot.revision
    );
    out.push_str(&panels(slot));
    out.push_str(&findings::overlay(
        site.problem_of(slot).as_ref(),
        &site.sources,
    ));
    out.push_str(SCRIPTS);
    out.push_str("</body></html>");
    Some(out)
}

/// The page of one project source file with numbered lines, or `None` when the preview does
/// not know the file.
pub fn source(site: &Site, path: &str) -> Option<String> {
    let body = code::source_body(&site.sources, path)?;
    let mut out = head(&format!("{path} · letterpress"));
    let _ = write!(
        out,
        "<body class=\"source-page\" data-version=\"{}\"><header class=\"top\"><a href=\"/\">All emails</a> \
         <span class=\"muted\">project file</span> <strong>{}</strong></header>",
        site.version,
        esc(path)
    );
    out.push_str(&body);
    out.push_str(&findings::overlay(
        site.project_error.as_ref(),
        &site.sources,
    ));
    out.push_str(SCRIPTS);
    out.push_str("</body></html>");
    Some(out)
}

/// The inbox-style header: sender, subject, preheader, as a list row and on a phone.
fn inbox(site: &Site, slot: &Slot) -> String {
    let content = slot.email.content.as_ref().or(slot.last_good.as_ref());
    let (subject, preheader) =
        content.map_or(("", ""), |c| (c.subject.as_str(), c.preheader.as_str()));
    let (sl, pl) = (subject.chars().count(), preheader.chars().count());
    format!(
        "<section id=\"inbox\" data-live><div class=\"row desktop\"><span class=\"from\">{sender}</span>\
         <span class=\"line\"><span class=\"subject\">{subject}</span> <span class=\"muted\">– {preheader}</span></span></div>\
         <div class=\"row phone\"><div class=\"from\">{sender}</div><div class=\"subject\">{subject}</div>\
         <div class=\"pre muted\">{preheader}</div></div>\
         <div class=\"muted small\">From {sender} &lt;{address}&gt; · subject {sl} character{} · preheader {pl} character{}</div></section>",
        plural(sl),
        plural(pl),
        sender = esc(&site.sender_name),
        address = esc(&site.sender_email),
        subject = esc(subject),
        preheader = esc(preheader),
    )
}

fn panels(slot: &Slot) -> String {
    let (html, text) = slot
        .last_good
        .as_ref()
        .map_or(("", ""), |c| (c.html.as_str(), c.text.as_str()));
    format!(
        "<pre id=\"source\" class=\"panel\" data-live data-lang=\"xml\"><code>{}</code></pre>\
         <pre id=\"text\" class=\"panel\" data-live><code>{}</code></pre>",
        esc(html),
        esc(text)
    )
}

/// Shown in the frame when an email has never built since the server started.
pub fn never_built() -> String {
    "<!doctype html><html><body style=\"font-family:sans-serif;color:#666;padding:2em\">\
     This email has not built yet: see the error above.</body></html>"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    fn slot(template: &str, findings: Vec<letterpress::Finding>) -> (EmailId, Slot) {
        let id = EmailId {
            template: template.into(),
            locale: "en".into(),
            fixture: "default".into(),
        };
        let content = letterpress::pipeline::Content {
            subject: "Subject".into(),
            preheader: "Pre".into(),
            html: "<p>x</p>".into(),
            text: "x".into(),
            assets: vec![],
        };
        let email = letterpress::Email {
            id: id.clone(),
            category: letterpress::project::Category::Transactional,
            template_file: format!("templates/{template}.mjml").into(),
            summary: None,
            content: Some(Box::new(content.clone())),
            findings,
        };
        let slot = Slot {
            email,
            last_good: Some(Box::new(content)),
            revision: 1,
            images_revision: 0,
        };
        (id, slot)
    }

    fn site() -> Site {
        let mut site = Site::default();
        let warn = letterpress::Finding::warning("links.http", "uses http", None);
        let error = letterpress::Finding::error(
            "brand.contrast",
            "too light",
            Some(letterpress::SourcePos::at("templates/b-broken.mjml", 7, 3)),
        );
        for (id, slot) in [
            slot("a-clean", vec![]),
            slot("b-broken", vec![error]),
            slot("c-warned", vec![warn]),
        ] {
            site.emails.insert(id, slot);
        }
        site.sources.insert(
            "templates/b-broken.mjml".into(),
            std::sync::Arc::from("x\n"),
        );
        site
    }

    #[test]
    fn the_index_lists_failing_emails_first() {
        let page = index(&site());
        let at = |name: &str| {
            page.find(&format!("href=\"/email/{name}/en/default\""))
                .unwrap()
        };
        assert!(at("b-broken") < at("c-warned") && at("c-warned") < at("a-clean"));
        assert!(page.contains("<b class=\"bad\">1 failing</b> · 1 with warnings · 1 passing"));
        assert!(page.contains("<tr class=\"failing\" data-name=\"b-broken en default\""));
    }

    #[test]
    fn findings_come_first_on_the_email_page_and_link_to_the_line() {
        let site = site();
        let id = site
            .emails
            .keys()
            .find(|i| i.template == "b-broken")
            .unwrap();
        let page = email(&site, id).unwrap();
        let panel = page
            .find("<details id=\"findings\" data-live open>")
            .expect("open: errors");
        assert!(panel < page.find("id=\"inbox\"").unwrap());
        assert!(panel < page.find("<iframe").unwrap());
        assert!(page.contains("<span class=\"pill error\">1 error</span>"));
        assert!(page.contains("<a class=\"where\" href=\"/source/templates/b-broken.mjml#L7\">templates/b-broken.mjml:7:3</a>"), "{page}");
        let clean = site
            .emails
            .keys()
            .find(|i| i.template == "a-clean")
            .unwrap();
        let page = email(&site, clean).unwrap();
        assert!(
            page.contains("<details id=\"findings\" data-live><summary>"),
            "closed when clean"
        );
        assert!(page.contains("passes every rule"));
    }

    #[test]
    fn size_bar_marks_emails_over_the_clip() {
        assert!(size_bar(150_000, 102_000).contains("over"));
        assert!(size_bar(150_000, 102_000).contains("width:100%"));
        assert!(size_bar(51_000, 102_000).contains("width:50%"));
    }
}
