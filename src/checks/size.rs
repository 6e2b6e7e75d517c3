//! Size rules: the final HTML's UTF-8 byte count against the Gmail clip limit and the warning
//! budget, the CSS in `<style>` against Gmail's 16 KB limit, and at-rules nested in at-rules
//! (Gmail strips the whole `<style>` then).

use super::{Ctx, Hit};

/// At-rules that hold rules; an at-rule nested inside one of them makes Gmail drop the sheet.
const REAL_AT_RULES: [&str; 7] = [
    "media",
    "supports",
    "document",
    "-moz-document",
    "layer",
    "container",
    "scope",
];

/// Gmail ignores `<style>` content past this many bytes.
const STYLE_LIMIT: usize = 16 * 1024;

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let bytes = input.html.len();
    let budgets = &input.config.budgets;
    let at = input.at_template();
    if bytes > budgets.gmail_clip {
        hits.push(Hit::new(
            "size.gmail-clip",
            format!(
                "HTML is {bytes} bytes, over the {} byte limit where Gmail clips the message; link heavy content instead of embedding it",
                budgets.gmail_clip
            ),
            at.clone(),
        ));
    } else if bytes > budgets.size_warning {
        hits.push(Hit::new(
            "size.budget",
            format!(
                "HTML is {bytes} bytes, over the {} byte budget (Gmail clips at {}); trim content or markup",
                budgets.size_warning, budgets.gmail_clip
            ),
            at.clone(),
        ));
    }
    let css: usize = ctx.style_blocks.iter().map(String::len).sum();
    if css > STYLE_LIMIT {
        hits.push(Hit::new(
            "size.style-block",
            format!(
                "the <style> blocks hold {css} bytes of CSS, over the {STYLE_LIMIT} bytes Gmail keeps; move rules inline (mj-style inline=\"inline\") or drop unused ones"
            ),
            at.clone(),
        ));
    }
    {
        // MJML's own `@goodbye { @gmail }` is a deliberate hack that hides a block from
        // Gmail; only nesting inside real at-rules is a mistake.
        let nested = ctx.sheet.at_rules.iter().find(|r| {
            r.parent
                .as_deref()
                .is_some_and(|p| REAL_AT_RULES.contains(&p))
        });
        if let Some(inner) = nested {
            hits.push(Hit::new(
                "size.nested-at-rule",
                format!(
                    "@{} is nested inside another at-rule: Gmail strips the whole <style>; un-nest it",
                    inner.name
                ),
                input.locate(&format!("@{}", inner.name)),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;

    fn sized(bytes: usize, unit: &str) -> Vec<String> {
        let mut email = TestEmail::with_body("");
        email.html = unit.repeat(bytes);
        email.rules("size.")
    }

    #[test]
    fn size_thresholds_are_exclusive_byte_counts() {
        assert!(sized(90_000, "a").is_empty());
        assert_eq!(sized(90_001, "a"), ["size.budget"]);
        assert_eq!(sized(102_000, "a"), ["size.budget"]);
        assert_eq!(sized(102_001, "a"), ["size.gmail-clip"]);
    }

    #[test]
    fn size_counts_utf8_bytes_not_characters() {
        // 45,001 two-byte characters are 90,002 bytes
        assert_eq!(sized(45_001, "ş"), ["size.budget"]);
    }

    #[test]
    fn style_over_16_kb_is_flagged() {
        let rule = "p { margin: 0; }\n";
        let under = TestEmail::with_body(&format!("<style>{}</style>", rule.repeat(900)));
        assert!(under.rules("size.style-block").is_empty());
        let over = TestEmail::with_body(&format!("<style>{}</style>", rule.repeat(1000)));
        assert_eq!(over.rules("size.style-block"), ["size.style-block"]);
    }

    #[test]
    fn nested_at_rule_is_flagged_but_sibling_at_rules_are_not() {
        let siblings = TestEmail::with_body(
            "<style>@media (max-width:480px) { p { margin: 0 } } @font-face { font-family: X; }</style>",
        );
        assert!(siblings.rules("size.nested").is_empty());
        let nested = TestEmail::with_body(
            "<style>@media (max-width:480px) { @supports (display: grid) { p { margin: 0 } } }</style>",
        );
        assert_eq!(nested.rules("size.nested"), ["size.nested-at-rule"]);
        let hack = TestEmail::with_body("<style>@goodbye { @gmail } .x { color: #222222 }</style>");
        assert!(hack.rules("size.nested").is_empty());
    }
}
