//! Size rules: the final HTML's UTF-8 byte count against the Gmail clip limit and the warning
//! budget.

use super::{EmailInput, Hit};
use crate::error::SourcePos;

pub(super) fn check(input: &EmailInput, hits: &mut Vec<Hit>) {
    let bytes = input.html.len();
    let budgets = &input.config.budgets;
    let at = Some(SourcePos::file(input.template));
    if bytes > budgets.gmail_clip {
        hits.push(Hit::new(
            "size.gmail-clip",
            format!(
                "HTML is {bytes} bytes, over the {} byte limit where Gmail clips the message; link heavy content instead of embedding it",
                budgets.gmail_clip
            ),
            at,
        ));
    } else if bytes > budgets.size_warning {
        hits.push(Hit::new(
            "size.budget",
            format!(
                "HTML is {bytes} bytes, over the {} byte budget (Gmail clips at {}); trim content or markup",
                budgets.size_warning, budgets.gmail_clip
            ),
            at,
        ));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::super::{EmailInput, run};
    use crate::config::Config;
    use crate::findings::Severity;
    use crate::project::Category;

    fn findings_for(html: &str) -> Vec<(String, Severity)> {
        let config = Config::default();
        let data = serde_json::Map::new();
        let overrides = BTreeMap::new();
        let input = EmailInput {
            html,
            text: "",
            subject: "",
            preheader: "",
            category: Category::Transactional,
            data: &data,
            template: Path::new("templates/t.mjml"),
            config: &config,
            overrides: &overrides,
        };
        run(&input)
            .into_iter()
            .filter(|f| f.rule.starts_with("size."))
            .map(|f| (f.rule, f.severity))
            .collect()
    }

    #[test]
    fn size_thresholds_are_exclusive_byte_counts() {
        assert!(findings_for(&"a".repeat(90_000)).is_empty());
        assert_eq!(
            findings_for(&"a".repeat(90_001)),
            [("size.budget".to_string(), Severity::Warning)]
        );
        assert_eq!(
            findings_for(&"a".repeat(102_000)),
            [("size.budget".to_string(), Severity::Warning)]
        );
        assert_eq!(
            findings_for(&"a".repeat(102_001)),
            [("size.gmail-clip".to_string(), Severity::Error)]
        );
    }

    #[test]
    fn size_counts_utf8_bytes_not_characters() {
        // 45,001 two-byte characters are 90,002 bytes
        assert_eq!(findings_for(&"ş".repeat(45_001)).len(), 1);
    }
}
