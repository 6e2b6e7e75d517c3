//! Marketing rules: a marketing email needs a visible unsubscribe link and one-click
//! `List-Unsubscribe` headers (Gmail and Yahoo require both of bulk senders).

use scraper::ElementRef;

use super::{Ctx, Hit, sel};
use crate::project::Category;

/// Words (lowercase) that name an unsubscribe link in link text, in several languages.
const WORDS: [&str; 12] = [
    "unsubscribe",
    "opt out",
    "opt-out",
    "abonelik",
    "abmelden",
    "désabonner",
    "desabonner",
    "désinscrire",
    "darse de baja",
    "cancelar suscripción",
    "uitschrijven",
    "annulla iscrizione",
];

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    if ctx.input.category != Category::Marketing {
        return;
    }
    let found = ctx.doc.select(sel("a[href]")).any(|a| {
        let href = a.value().attr("href").unwrap_or("").trim().to_lowercase();
        let text = a.text().collect::<String>().to_lowercase();
        let named = href.contains("unsub")
            || href.contains("opt-out")
            || href.contains("optout")
            || WORDS.iter().any(|w| text.contains(w));
        named && href.len() > 1 && !super::links::blocked_scheme(&href) && !hidden(a)
    });
    if !found {
        hits.push(Hit::new(
            "marketing.unsubscribe",
            "marketing email without a visible unsubscribe link; add one to the footer (the starter footer does this for `category: marketing`)",
            ctx.input.at_template(),
        ));
    }
    check_headers(ctx, hits);
}

/// One-click unsubscribe (RFC 8058) needs `List-Unsubscribe` with an https URL and
/// `List-Unsubscribe-Post`.
fn check_headers(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let headers = ctx.input.headers;
    let message = match (&headers.list_unsubscribe, &headers.list_unsubscribe_post) {
        (Some(_), Some(_)) => return,
        (None, _) => {
            "marketing email without List-Unsubscribe headers: set `list-unsubscribe: {url: https://…, mailto: …}` in letterpress.yaml (or this template's front matter) so inboxes show one-click unsubscribe"
        }
        (Some(_), None) => {
            "List-Unsubscribe has no https URL, so there is no one-click unsubscribe (RFC 8058) that Gmail and Yahoo require: add `url: https://…` to `list-unsubscribe`"
        }
    };
    hits.push(Hit::new(
        "marketing.list-unsubscribe-header",
        message,
        ctx.input.at_template(),
    ));
}

/// Whether the element or an ancestor is hidden with `display:none`.
fn hidden(element: ElementRef) -> bool {
    std::iter::successors(Some(element), |e| e.parent().and_then(ElementRef::wrap)).any(|e| {
        e.value().attr("style").is_some_and(|s| {
            super::css::Sheet::parse_inline(s)
                .iter()
                .any(|d| d.property == "display" && d.value.starts_with("none"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;
    use crate::project::Category;

    fn marketing(body: &str) -> Vec<String> {
        let mut email = TestEmail::with_body(body);
        email.category = Category::Marketing;
        email.rules("marketing.unsubscribe")
    }

    #[test]
    fn marketing_needs_a_visible_unsubscribe_link() {
        assert!(
            marketing("<a href=\"https://x.example/u?unsubscribe=1\">Stop these emails</a>")
                .is_empty()
        );
        assert!(marketing("<a href=\"https://x.example/prefs\">Abonelikten çık</a>").is_empty());
        assert_eq!(
            marketing("<p>Unsubscribe by replying</p>"),
            ["marketing.unsubscribe"]
        );
        assert_eq!(
            marketing(
                "<div style=\"display:none\"><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></div>"
            ),
            ["marketing.unsubscribe"]
        );
    }

    fn marketing_headers(list_unsubscribe: Option<(&str, &str)>) -> Vec<String> {
        let mut email =
            TestEmail::with_body("<a href=\"https://x.example/unsubscribe\">Unsubscribe</a>");
        email.category = Category::Marketing;
        email.config.list_unsubscribe =
            list_unsubscribe.map(|(mailto, url)| crate::config::ListUnsubscribe {
                mailto: (!mailto.is_empty()).then(|| mailto.to_string()),
                url: (!url.is_empty()).then(|| url.to_string()),
            });
        email
            .findings()
            .into_iter()
            .filter(|f| f.rule.starts_with("marketing."))
            .map(|f| format!("{} {}", f.rule, f.severity))
            .collect()
    }

    #[test]
    fn marketing_needs_one_click_unsubscribe_headers() {
        assert_eq!(
            marketing_headers(None),
            ["marketing.list-unsubscribe-header warning"]
        );
        assert_eq!(
            marketing_headers(Some(("stop@x.example", ""))),
            ["marketing.list-unsubscribe-header warning"],
            "mailto alone is not one-click"
        );
        assert!(marketing_headers(Some(("", "https://x.example/one-click"))).is_empty());
    }

    #[test]
    fn transactional_email_needs_none() {
        assert!(
            TestEmail::with_body("<p>x</p>")
                .rules("marketing.")
                .is_empty()
        );
    }
}
