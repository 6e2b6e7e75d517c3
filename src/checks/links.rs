//! Links and images: https only, real destinations, text on every link, alt on every image,
//! well-formed `mailto:` and `tel:`.

use std::collections::BTreeSet;

use super::{Ctx, Hit, sel};

/// Schemes that run code or carry a whole document instead of linking to a page. Browsers
/// ignore tabs, line breaks and leading control characters in a URL, so those are skipped.
pub(super) fn blocked_scheme(href_lower: &str) -> bool {
    let compact: String = href_lower
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(12)
        .collect();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| compact.starts_with(s))
}

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let mut seen = BTreeSet::new();
    let mut once = |rule: &'static str, key: &str| seen.insert(format!("{rule} {key}"));
    for a in ctx.doc.select(sel("a")) {
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        let trimmed = href.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("http://") && once("links.http", trimmed) {
            hits.push(Hit::new(
                "links.http",
                format!("link `{trimmed}` uses http://; use https://"),
                input.locate(trimmed),
            ));
        }
        let blocked = blocked_scheme(&lower);
        if (trimmed.is_empty() || trimmed == "#" || blocked) && once("links.placeholder", trimmed) {
            let text: String = a
                .text()
                .collect::<String>()
                .trim()
                .chars()
                .take(30)
                .collect();
            let shown: String = trimmed.chars().take(40).collect();
            let why = if blocked {
                "which email clients block (and spam filters flag)"
            } else {
                "which goes nowhere"
            };
            hits.push(Hit::new(
                "links.placeholder",
                format!("link `{text}` has href=\"{shown}\", {why}; link to the real page"),
                input.locate(&format!("href=\"{shown}")),
            ));
        }
        if let Some(problem) = malformed(&lower) {
            if once("links.malformed", trimmed) {
                hits.push(Hit::new(
                    "links.malformed",
                    format!("link `{trimmed}`: {problem}"),
                    input.locate(trimmed),
                ));
            }
        }
        let has_text = !a.text().collect::<String>().trim().is_empty()
            || a.value()
                .attr("aria-label")
                .is_some_and(|l| !l.trim().is_empty())
            || a.select(sel("img[alt]"))
                .any(|i| !i.value().attr("alt").unwrap_or("").trim().is_empty());
        if !has_text && !trimmed.is_empty() && once("links.no-text", trimmed) {
            hits.push(Hit::new(
                "links.no-text",
                format!("link to `{trimmed}` has no text; add link text or alt text on its image"),
                input.locate(trimmed),
            ));
        }
    }
    for img in ctx.doc.select(sel("img")) {
        let src = img.value().attr("src").unwrap_or("").trim();
        image(ctx, src, img.value().attr("alt"), hits, &mut once);
    }
    for tag in &ctx.tags {
        if tag.name == "mj-image" {
            let src = tag.attr("src").unwrap_or("").trim().to_string();
            image(ctx, &src, tag.attr("alt"), hits, &mut once);
        }
    }
}

fn image(
    ctx: &Ctx,
    src: &str,
    alt: Option<&str>,
    hits: &mut Vec<Hit>,
    once: &mut impl FnMut(&'static str, &str) -> bool,
) {
    let input = ctx.input;
    if let Some(problem) = unloadable(src) {
        if once("links.image-url", src) {
            let shown: String = src.chars().take(60).collect();
            hits.push(Hit::new(
                "links.image-url",
                format!("image `{shown}`: {problem}"),
                input.locate(&shown),
            ));
        }
    }
    if src.to_ascii_lowercase().starts_with("http://") && once("links.http", src) {
        hits.push(Hit::new(
            "links.http",
            format!("image `{src}` uses http://; use https:// (clients block mixed content)"),
            input.locate(src),
        ));
    }
    match alt {
        None => {
            if once("links.img-alt", src) {
                hits.push(Hit::new(
                    "links.img-alt",
                    format!(
                        "image `{src}` has no alt attribute; describe it, or use alt=\"\" if it is decorative"
                    ),
                    input.locate(src),
                ));
            }
        }
        Some(alt) if looks_like_filename(alt, src) => {
            if once("links.img-alt-filename", src) {
                hits.push(Hit::new(
                    "links.img-alt-filename",
                    format!("image `{src}` has its file name `{alt}` as alt text; say what the image shows"),
                    input.locate(src),
                ));
            }
        }
        Some(_) => {}
    }
}

/// Why no inbox can load an image from `src`, if none can. https and http (`links.http`) are
/// loadable; local `assets/` references are the assets rules' business.
fn unloadable(src: &str) -> Option<&'static str> {
    let lower = src.to_ascii_lowercase();
    // unrendered template syntax is subject.unrendered's to report
    if lower.starts_with("https://")
        || lower.starts_with("http://")
        || crate::assets::local_path(src).is_some()
        || src.contains("{{")
        || src.contains("{%")
    {
        return None;
    }
    Some(if src.is_empty() {
        "the image has no src; give it an https URL or a file in assets/"
    } else if lower.starts_with("data:") {
        "embedded as a data: URL, which Gmail and Outlook do not show; put the file in assets/ or host it on https"
    } else if lower.starts_with("cid:") {
        "refers to an attachment (cid:), and letterpress attaches nothing; put the file in assets/ or host it on https"
    } else if lower.starts_with("//") {
        "a protocol-relative URL, which mail clients resolve unpredictably; write it with https://"
    } else {
        "a relative or local URL, which no inbox can load; put the file in assets/ and write assets/<name>, or use an https URL"
    })
}

fn looks_like_filename(alt: &str, src: &str) -> bool {
    let alt = alt.trim().to_ascii_lowercase();
    if alt.is_empty() {
        return false;
    }
    let file = src
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    alt == file
        || [".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp"]
            .iter()
            .any(|ext| alt.ends_with(ext) && !alt.contains(' '))
}

/// What is wrong with a `mailto:` or `tel:` link, if anything.
fn malformed(href: &str) -> Option<&'static str> {
    if let Some(rest) = href.strip_prefix("mailto:") {
        let addresses = rest.split('?').next().unwrap_or("");
        if addresses.is_empty() {
            return Some("mailto: has no address");
        }
        let ok = addresses.split(',').all(|a| {
            let a = a.trim();
            let (user, domain) = a.split_once('@').unwrap_or(("", ""));
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !a.contains(char::is_whitespace)
                && a.matches('@').count() == 1
        });
        return (!ok).then_some("not a valid e-mail address (mailto:name@example.com)");
    }
    if let Some(rest) = href.strip_prefix("tel:") {
        let digits = rest.chars().filter(char::is_ascii_digit).count();
        let ok = digits >= 3
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().%20".contains(c));
        return (!ok).then_some("not a phone number (tel:+441174960321)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;

    fn rules(body: &str) -> Vec<String> {
        TestEmail::with_body(body).rules("links.")
    }

    #[test]
    fn http_links_and_images_are_flagged_https_are_not() {
        assert!(
            rules(
                "<a href=\"https://x.example\">x</a><img src=\"https://x.example/a.png\" alt=\"A\">"
            )
            .is_empty()
        );
        assert_eq!(rules("<a href=\"http://x.example\">x</a>"), ["links.http"]);
        assert_eq!(
            rules("<img src=\"HTTP://x.example/a.png\" alt=\"A\">"),
            ["links.http"]
        );
    }

    #[test]
    fn images_no_inbox_can_load_are_flagged() {
        for src in [
            "images/hero.png",
            "/img/a.png",
            "//cdn.example/a.png",
            "data:image/png;base64,iVBOR",
            "cid:logo",
            "file:///Users/me/a.png",
        ] {
            let found = rules(&format!("<img src=\"{src}\" alt=\"A\">"));
            assert_eq!(found, ["links.image-url"], "{src}");
        }
        // local assets are the assets rules' business
        assert!(rules("<img src=\"assets/a.png\" alt=\"A\">").is_empty());
    }

    #[test]
    fn placeholder_hrefs_are_flagged() {
        assert!(rules("<a href=\"#top\">x</a>").is_empty());
        for href in [
            "#",
            "",
            "javascript:void(0)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "VBScript:msgbox(1)",
            " java&#9;script:alert(1)",
        ] {
            let found = rules(&format!("<a href=\"{href}\">x</a>"));
            assert_eq!(found, ["links.placeholder"], "{href}");
        }
    }

    #[test]
    fn links_need_text_or_an_image_alt() {
        assert!(rules("<a href=\"https://x.example\"><img src=\"https://x.example/l.png\" alt=\"Logo\"></a>").is_empty());
        assert_eq!(
            rules("<a href=\"https://x.example\"> </a>"),
            ["links.no-text"]
        );
    }

    #[test]
    fn images_need_alt_but_empty_alt_is_decorative() {
        assert!(rules("<img src=\"https://x.example/l.png\" alt=\"\">").is_empty());
        assert_eq!(
            rules("<img src=\"https://x.example/l.png\">"),
            ["links.img-alt"]
        );
        assert_eq!(
            rules("<img src=\"https://x.example/hero.jpg\" alt=\"hero.jpg\">"),
            ["links.img-alt-filename"]
        );
    }

    #[test]
    fn mj_image_without_alt_is_flagged() {
        let mut email = TestEmail::with_body("");
        email.mjml = "<mj-image src=\"https://x.example/a.png\" />".into();
        assert_eq!(email.rules("links."), ["links.img-alt"]);
    }

    #[test]
    fn malformed_mailto_and_tel_are_flagged() {
        assert!(rules("<a href=\"mailto:help@x.example?subject=Hi\">h</a><a href=\"tel:+44 117 496 0321\">t</a>").is_empty());
        assert_eq!(
            rules("<a href=\"mailto:help.x.example\">h</a>"),
            ["links.malformed"]
        );
        assert_eq!(rules("<a href=\"tel:call-us\">t</a>"), ["links.malformed"]);
    }
}
