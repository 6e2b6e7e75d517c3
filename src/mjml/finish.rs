//! After mrml has rendered: the content of ending tags goes back in place byte for byte, and
//! `mj-style inline="inline"` CSS is inlined over the whole document, as mjml does (juice
//! there, css-inline here, with the options mrml uses).

use std::borrow::Cow;

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::canonical::{Canonical, MARK_CLOSE, MARK_OPEN};

/// Puts the kept contents back in place of their markers.
pub(super) fn restore(html: &str, canonical: &Canonical) -> String {
    let mut out =
        String::with_capacity(html.len() + canonical.raws.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(start) = rest.find(MARK_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MARK_OPEN.len_utf8()..];
        let digits = after.find(MARK_CLOSE).map(|end| (&after[..end], end));
        let raw = digits
            .and_then(|(d, end)| d.parse::<usize>().ok().map(|n| (n, end)))
            .and_then(|(n, end)| canonical.raw(n).map(|raw| (raw, end)));
        match raw {
            Some((raw, end)) => {
                out.push_str(raw);
                rest = &after[end + MARK_CLOSE.len_utf8()..];
            }
            None => {
                out.push(MARK_OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Inlines `css` into the elements of `html` it matches; existing `style` attributes win, as in
/// mjml. Nothing is fetched.
pub(super) fn inline_css(html: &str, css: &str) -> Result<String, String> {
    if css.trim().is_empty() {
        return Ok(html.to_string());
    }
    let inliner = css_inline::CSSInliner::options()
        .inline_style_tags(false)
        .keep_link_tags(true)
        .keep_style_tags(true)
        .load_remote_stylesheets(false)
        .extra_css(Some(Cow::Owned(css.to_string())))
        .build();
    match inliner.inline(html) {
        Ok(inlined) => Ok(inlined),
        Err(err) => match one_line_styles(html) {
            Cow::Owned(fixed) => inliner.inline(&fixed).map_err(|e| e.to_string()),
            Cow::Borrowed(_) => Err(err.to_string()),
        },
    }
}

/// `html` with line breaks and tabs inside `style` attributes turned into spaces (the same CSS):
/// css-inline 0.20 fails on a `style` attribute written over several lines that a rule matches.
/// Only done when inlining failed, to spare every other email a pass over its HTML.
fn one_line_styles(html: &str) -> Cow<'_, str> {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let mut spans = Vec::new();
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let Ok(Token::StartTag(tag)) = token else {
            continue;
        };
        if let Some(style) = tag.attributes.get(b"style".as_slice()) {
            if style
                .value
                .iter()
                .any(|b| matches!(b, b'\n' | b'\r' | b'\t'))
            {
                spans.push(style.span.start..style.span.end.min(html.len()));
            }
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for span in spans {
        out.push_str(&html[last..span.start]);
        out.extend(html[span.clone()].chars().map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c => c,
        }));
        last = span.end;
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_replaced_by_their_content_and_others_left_alone() {
        let canonical = Canonical {
            raws: vec!["<p>one</p>".into(), "two & <b>three".into()],
            ..Canonical::default()
        };
        let html = format!(
            "<div>{MARK_OPEN}1{MARK_CLOSE}|{MARK_OPEN}0{MARK_CLOSE}|{MARK_OPEN}9{MARK_CLOSE}</div>"
        );
        assert_eq!(
            restore(&html, &canonical),
            format!("<div>two & <b>three|<p>one</p>|{MARK_OPEN}9{MARK_CLOSE}</div>")
        );
    }

    #[test]
    fn a_style_attribute_over_several_lines_is_inlined_into() {
        let html = "<html><head></head><body><p style=\"font-size: 16px;\n        line-height: 20px;\">Hi</p></body></html>";
        let out = inline_css(html, "p { color: red; }").unwrap();
        assert!(
            out.contains("style=\"color: red;font-size: 16px;")
                || out.contains("color: red; font-size: 16px;"),
            "{out}"
        );
        assert!(out.contains("line-height: 20px"), "{out}");
    }
}
