//! Local assets: references to `assets/<file>` that are missing from the folder, or that
//! cannot be published because `letterpress.yaml` has no `assets.base-url` (found by the
//! assets step of the pipeline, reported here with their place in the sources).

use super::{Ctx, Hit};
use crate::assets::Problem;
use crate::error::SourcePos;

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    for problem in ctx.input.assets {
        match problem {
            Problem::Missing { reference, hint } => {
                let hint = hint
                    .as_ref()
                    .map_or_else(String::new, |h| format!(" ({h})"));
                hits.push(Hit::new(
                    "assets.missing",
                    format!(
                        "`{reference}` is not in the project's assets/ folder{hint}; add the file or correct the name"
                    ),
                    ctx.input.locate(reference),
                ));
            }
            Problem::NoBaseUrl { reference, count } => {
                let others = match count.saturating_sub(1) {
                    0 => String::new(),
                    1 => " and 1 other local file".to_string(),
                    n => format!(" and {n} other local files"),
                };
                hits.push(Hit::new(
                    "assets.base-url",
                    format!(
                        "`{reference}`{others} cannot load in an inbox: set assets.base-url in letterpress.yaml to the https address where out/assets/ will be published"
                    ),
                    Some(SourcePos::file(crate::config::FILE_NAME)),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;
    use crate::assets::Problem;

    #[test]
    fn missing_assets_and_a_missing_base_url_are_reported() {
        let mut email = TestEmail::with_body("<p>x</p>");
        assert!(email.rules("assets.").is_empty());
        email.assets = vec![
            Problem::NoBaseUrl {
                reference: "assets/logo.png".into(),
                count: 3,
            },
            Problem::Missing {
                reference: "assets/hero.png".into(),
                hint: None,
            },
        ];
        let findings = email.findings();
        let base = findings
            .iter()
            .find(|f| f.rule == "assets.base-url")
            .unwrap();
        assert!(
            base.message.contains("and 2 other local files"),
            "{}",
            base.message
        );
        assert_eq!(
            base.location.as_ref().unwrap().to_string(),
            "letterpress.yaml"
        );
        let missing = findings
            .iter()
            .find(|f| f.rule == "assets.missing")
            .unwrap();
        assert!(
            missing.message.starts_with("`assets/hero.png` is not in"),
            "{}",
            missing.message
        );
    }
}
