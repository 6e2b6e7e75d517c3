//! Marketing rules: a marketing email needs a visible unsubscribe link (Gmail and Yahoo
//! require it of bulk senders; the `List-Unsubscribe` headers go in the manifest).

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
        email.rules("marketing.")
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

    #[test]
    fn transactional_email_needs_none() {
        assert!(
            TestEmail::with_body("<p>x</p>")
                .rules("marketing.")
                .is_empty()
        );
    }
}
