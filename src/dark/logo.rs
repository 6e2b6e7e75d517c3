//! The dark logo: an `<img>` showing the brand's logo gets a hidden twin showing
//! `logo.dark-url` right after it, which the dark rules swap in.

use lol_html::html_content::Element;

/// For an `<img>` showing the logo (`light`): the HTML of its twin showing `dark` (hidden unless
/// the dark rules apply, and kept from Outlook for Windows) and the twin's display class.
pub(super) fn twin(el: &Element, light: &str, dark: &str) -> Option<(String, &'static str)> {
    if !el.tag_name().eq_ignore_ascii_case("img")
        || el.get_attribute("src").as_deref() != Some(light)
    {
        return None;
    }
    let style = el.get_attribute("style").unwrap_or_default();
    let block = style.replace(' ', "").contains("display:block");
    let class = if block {
        "lp-dark-img"
    } else {
        "lp-dark-img-inline"
    };
    let mut twin = String::from("<!--[if !mso]><!--><img");
    for attr in el.attributes() {
        let name = attr.name();
        if matches!(name.as_str(), "src" | "class" | "style") {
            continue;
        }
        twin.push_str(&format!(
            " {name}=\"{}\"",
            attr.value().replace('"', "&quot;")
        ));
    }
    let style = style.trim().trim_end_matches(';');
    let sep = if style.is_empty() { "" } else { ";" };
    twin.push_str(&format!(
        " class=\"{class}\" src=\"{}\" style=\"{}{sep}display:none;mso-hide:all;\"><!--<![endif]-->",
        dark.replace('"', "&quot;"),
        style.replace('"', "&quot;"),
    ));
    Some((twin, class))
}
