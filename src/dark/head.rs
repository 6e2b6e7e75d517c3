//! The head content the dark scheme adds to an email: `color-scheme` meta tags, the
//! `@media (prefers-color-scheme: dark)` rules and Outlook.com's `[data-ogsc]`/`[data-ogsb]`
//! rules, for the classes the email uses only.

use std::collections::{BTreeMap, BTreeSet};

use super::{Paint, Scheme, hex};

/// The role classes one email uses (class → what it paints and the dark colour), and the
/// display classes of its logo twins.
#[derive(Debug, Default)]
pub(super) struct Used {
    pub(super) rules: BTreeMap<String, (Paint, [u8; 3])>,
    pub(super) logo: BTreeSet<&'static str>,
}

/// The head content of one email: meta tags, the dark rules and Outlook.com's (for `light-only`
/// brands, the light-only declaration alone).
pub(super) fn head(scheme: &Scheme, used: &Used) -> String {
    if scheme.light_only {
        return concat!(
            "<meta name=\"color-scheme\" content=\"light only\">",
            "<meta name=\"supported-color-schemes\" content=\"light\">",
            "<style type=\"text/css\">:root{color-scheme:light only;supported-color-schemes:light}</style>"
        )
        .to_string();
    }
    let mut media = format!(
        "body{{color:{};background-color:{}}}\n",
        hex(scheme.text),
        hex(scheme.background)
    );
    let mut outlook = String::new();
    for (class, (paint, dark)) in &used.rules {
        let declaration = format!("{}:{}!important", paint.property(), hex(*dark));
        media.push_str(&format!(".{class}{{{declaration}}}\n"));
        outlook.push_str(&format!(
            "{} .{class}{{{declaration}}}\n",
            paint.outlook_marker()
        ));
    }
    if !used.logo.is_empty() {
        let mut swap = String::from(".lp-light-img{display:none!important}\n");
        for class in &used.logo {
            let display = if *class == "lp-dark-img" {
                "block"
            } else {
                "inline"
            };
            swap.push_str(&format!(".{class}{{display:{display}!important}}\n"));
        }
        media.push_str(&swap);
        for line in swap.lines() {
            outlook.push_str(&format!("[data-ogsc] {line}\n"));
        }
    }
    format!(
        concat!(
            "<meta name=\"color-scheme\" content=\"light dark\">",
            "<meta name=\"supported-color-schemes\" content=\"light dark\">",
            "<style type=\"text/css\">\n:root{{color-scheme:light dark;supported-color-schemes:light dark}}\n",
            "@media (prefers-color-scheme:dark){{\n{media}}}\n</style>",
            "<style type=\"text/css\">\n{outlook}</style>"
        ),
        media = media,
        outlook = outlook
    )
}
