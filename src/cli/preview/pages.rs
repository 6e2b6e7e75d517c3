//! The preview pages, as HTML strings: the index of every email and one page per email. The
//! email itself is never in these pages: it is loaded into an iframe from `/raw/…`.

use std::fmt::Write as _;

use letterpress::{EmailId, Severity};

use super::site::{Problem, Site, Slot};

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

/// Scripts of the preview pages: the UI and the live reload. Never part of a built email.
const SCRIPTS: &str =
    "<script src=\"/_assets/preview.js\"></script><script src=\"/_assets/live.js\"></script>";

fn overlay(problem: Option<&Problem>) -> String {
    let mut out = String::from("<div id=\"overlay\" data-live>");
    if let Some(problem) = problem {
        out.push_str("<div class=\"overlay-box\"><h2>Build failed</h2>");
        if let Some(loc) = &problem.location {
            let _ = write!(
                out,
                "<p class=\"where\"><span class=\"file\">{}</span>",
                esc(&loc.file.to_string_lossy())
            );
            if let Some(line) = loc.line {
                let _ = write!(out, " line <span class=\"line\">{line}</span>");
            }
            if let Some(column) = loc.column {
                let _ = write!(out, " column <span class=\"column\">{column}</span>");
            }
            out.push_str("</p>");
        }
        let _ = write!(
            out,
            "<pre class=\"message\">{}</pre><p class=\"hint\">The last good render stays below. \
             Fix the file and save: this page updates by itself.</p></div>",
            esc(&problem.message)
        );
    }
    out.push_str("</div>");
    out
}

fn counts(slot: &Slot) -> String {
    let errors = slot.email.count(Severity::Error);
    let warnings = slot.email.count(Severity::Warning);
    let mut out = String::new();
    if errors > 0 {
        let _ = write!(
            out,
            "<span class=\"pill error\">{errors} error{}</span>",
            plural(errors)
        );
    }
    if warnings > 0 {
        let _ = write!(
            out,
            "<span class=\"pill warning\">{warnings} warning{}</span>",
            plural(warnings)
        );
    }
    if out.is_empty() {
        out.push_str("<span class=\"pill ok\">ok</span>");
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

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

/// The index: every email with subject, preheader, category, size and findings.
pub fn index(site: &Site) -> String {
    let mut out = head("letterpress preview");
    let _ = write!(
        out,
        "<body class=\"index\" data-version=\"{}\"><header class=\"top\"><strong>letterpress</strong> preview",
        site.version
    );
    let _ = write!(
        out,
        " <span class=\"muted\">{} emails</span>",
        site.emails.len()
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
    for (id, slot) in &site.emails {
        let content = slot.email.content.as_ref().or(slot.last_good.as_ref());
        let (subject, preheader) = content.map_or(("", ""), |c| (&c.subject, &c.preheader));
        let bytes = slot.email.content.as_ref().map(|c| c.html.len());
        let _ = write!(
            out,
            "<tr data-name=\"{name}\" data-locale=\"{locale}\"><td><a href=\"/email/{path}\">{template}</a>\
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
        );
    }
    out.push_str("</tbody></table></main>");
    let broken = site.emails.values().find_map(|slot| site.problem_of(slot));
    out.push_str(&overlay(site.project_error.as_ref().or(broken.as_ref())));
    out.push_str(SCRIPTS);
    out.push_str("</body></html>");
    out
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

/// The page of one email, or `None` when there is no such email.
pub fn email(site: &Site, id: &EmailId) -> Option<String> {
    let slot = site.emails.get(id)?;
    let ids: Vec<&EmailId> = site.emails.keys().collect();
    let at = ids.iter().position(|i| *i == id)?;
    let mut out = head(&format!("{} · letterpress", id));
    let _ = write!(
        out,
        "<body class=\"email-page\" data-tab=\"preview\" data-version=\"{}\"><header class=\"top\"><a href=\"/\">All emails</a>",
        site.version
    );
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
    out.push_str(&inbox(site, slot));
    out.push_str(&super::test_send::form(site, id));
    out.push_str(
        "<nav class=\"tabs\"><button data-tab=\"preview\">Preview</button>\
         <button data-tab=\"html\">HTML source</button><button data-tab=\"text\">Plaintext</button>\
         <span class=\"widths\"><button data-width=\"800\">Desktop</button>\
         <button data-width=\"375\">Mobile</button><span id=\"width\" class=\"muted\"></span></span></nav>",
    );
    let _ = write!(
        out,
        "<div id=\"frame-wrap\"><iframe id=\"email\" title=\"email\" sandbox=\"allow-same-origin allow-popups allow-popups-to-escape-sandbox\" \
         src=\"/raw/{}.html?rev={}\"></iframe></div>",
        esc(&path(id)),
        slot.revision
    );
    out.push_str(&panels(slot));
    out.push_str(&findings(slot));
    out.push_str(&overlay(site.problem_of(slot).as_ref()));
    out.push_str(SCRIPTS);
    out.push_str("</body></html>");
    Some(out)
}

/// The inbox-style header: sender, subject, preheader, as a list row and on a phone.
fn inbox(site: &Site, slot: &Slot) -> String {
    let content = slot.email.content.as_ref().or(slot.last_good.as_ref());
    let (subject, preheader) =
        content.map_or(("", ""), |c| (c.subject.as_str(), c.preheader.as_str()));
    format!(
        "<section id=\"inbox\" data-live><div class=\"row desktop\"><span class=\"from\">{sender}</span>\
         <span class=\"line\"><span class=\"subject\">{subject}</span> <span class=\"muted\">– {preheader}</span></span></div>\
         <div class=\"row phone\"><div class=\"from\">{sender}</div><div class=\"subject\">{subject}</div>\
         <div class=\"pre muted\">{preheader}</div></div>\
         <div class=\"muted small\">From {sender} &lt;{address}&gt; · subject {sl} characters · preheader {pl} characters</div></section>",
        sender = esc(&site.sender_name),
        address = esc(&site.sender_email),
        subject = esc(subject),
        preheader = esc(preheader),
        sl = subject.chars().count(),
        pl = preheader.chars().count(),
    )
}

fn panels(slot: &Slot) -> String {
    let (html, text) = slot
        .last_good
        .as_ref()
        .map_or(("", ""), |c| (c.html.as_str(), c.text.as_str()));
    format!(
        "<pre id=\"source\" class=\"panel\" data-live>{}</pre><pre id=\"text\" class=\"panel\" data-live>{}</pre>",
        esc(html),
        esc(text)
    )
}

fn findings(slot: &Slot) -> String {
    let mut out = String::from("<section id=\"findings\" data-live><h2>Findings ");
    out.push_str(&counts(slot));
    out.push_str("</h2><ul>");
    for f in &slot.email.findings {
        let at = f
            .location
            .as_ref()
            .map(|l| format!("<code>{}</code> ", esc(&l.to_string())))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<li class=\"{}\">{at}<strong>{}</strong> [{}] {}</li>",
            f.severity,
            f.severity,
            esc(&f.rule),
            esc(&f.message)
        );
    }
    out.push_str("</ul></section>");
    out
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

    #[test]
    fn size_bar_marks_emails_over_the_clip() {
        assert!(size_bar(150_000, 102_000).contains("over"));
        assert!(size_bar(150_000, 102_000).contains("width:100%"));
        assert!(size_bar(51_000, 102_000).contains("width:50%"));
    }

    #[test]
    fn overlay_names_file_line_and_column() {
        let html = overlay(Some(&Problem {
            message: "unclosed `if`".into(),
            location: Some(letterpress::SourcePos::at("templates/a.mjml", 3, 7)),
        }));
        assert!(html.contains("templates/a.mjml") && html.contains(">3<") && html.contains(">7<"));
        assert_eq!(overlay(None), "<div id=\"overlay\" data-live></div>");
    }
}
