//! The MJML step reading documents: includes relative to the including file, and what is broken
//! reported where it is.

use std::path::Path;

use super::tests_support::{branded, compile_in, compiler, error_of, render_plain, wrap};
use super::*;

#[test]
fn includes_resolve_relative_to_the_including_file_nested_too() {
    let html = compile_in(
        "<mjml><mj-include path=\"./parts/head.mjml\" /><mj-body><mj-include path=\"parts/header.mjml\" /></mj-body></mjml>",
        &[
            (
                "templates/parts/head.mjml",
                "<mj-head><mj-attributes><mj-text color=\"#00ff00\" /></mj-attributes></mj-head>",
            ),
            (
                "templates/parts/header.mjml",
                "<mj-section><mj-column><mj-text>Header</mj-text><mj-include path=\"../shared/logo.mjml\" /></mj-column></mj-section>",
            ),
            (
                "templates/shared/logo.mjml",
                "<mj-image src=\"https://x.example/logo.png\" />",
            ),
        ],
    );
    assert!(
        html.contains("color:#00ff00"),
        "head part of a root-level include: {html}"
    );
    assert!(html.contains(">Header</div>"), "{html}");
    assert!(html.contains("logo.png"), "nested include: {html}");
}

#[test]
fn a_full_mjml_include_adds_its_head_to_the_head_and_its_body_in_place() {
    let html = compile_in(
        "<mjml><mj-head><mj-title>T</mj-title></mj-head><mj-body><mj-section><mj-column><mj-include path=\"part.mjml\" /></mj-column></mj-section></mj-body></mjml>",
        &[(
            "templates/part.mjml",
            "<mjml><mj-head><mj-style>.x { color: blue; }</mj-style></mj-head><mj-body><mj-text>Part</mj-text></mj-body></mjml>",
        )],
    );
    assert!(html.contains(".x { color: blue; }"), "{html}");
    assert!(html.contains(">Part</div>"), "{html}");
}

#[test]
fn css_and_html_includes_become_a_style_and_raw_html() {
    let html = compile_in(
        "<mjml><mj-body><mj-include path=\"style.css\" type=\"css\" /><mj-include path=\"inline.css\" type=\"css\" css-inline=\"inline\" /><mj-section><mj-column><mj-include path=\"bit.html\" type=\"html\" /><mj-text><p class=\"big\">x</p></mj-text></mj-column></mj-section></mj-body></mjml>",
        &[
            ("templates/style.css", ".y { color: blue; }"),
            ("templates/inline.css", ".big { font-size: 30px; }"),
            ("templates/bit.html", "<hr class=\"bit\">"),
        ],
    );
    assert!(
        html.contains("<style type=\"text/css\">.y { color: blue; }</style>"),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"big\" style=\"font-size: 30px;\">"),
        "{html}"
    );
    assert!(html.contains("<hr class=\"bit\">"), "{html}");
}

#[test]
fn include_errors_point_at_the_mj_include() {
    let err = error_of(
        "<mjml>\n<mj-body>\n  <mj-include path=\"missing.mjml\" />\n</mj-body></mjml>",
        &[],
    );
    assert!(
        err.message.contains("no such file templates/missing.mjml"),
        "{}",
        err.message
    );
    assert_eq!(err.location, Some(SourcePos::at("templates/t.mjml", 3, 3)));
    let err = error_of(
        "<mjml><mj-body><mj-include path=\"a.mjml\" /></mj-body></mjml>",
        &[
            ("templates/a.mjml", "<mj-include path=\"b.mjml\" />"),
            ("templates/b.mjml", "<mj-include path=\"a.mjml\" />"),
        ],
    );
    assert!(
        err.message.contains("already being included"),
        "{}",
        err.message
    );
    assert_eq!(
        err.location.map(|l| l.file),
        Some("templates/b.mjml".into())
    );
}

#[test]
fn an_error_inside_an_included_file_points_into_that_file() {
    let err = error_of(
        "<mjml><mj-body><mj-include path=\"part.mjml\" /></mj-body></mjml>",
        &[(
            "templates/part.mjml",
            "<mj-section>\n  <mj-column>\n    <mj-text>Hi</mj-text>\n</mj-section>",
        )],
    );
    assert_eq!(
        err.location,
        Some(SourcePos::at("templates/part.mjml", 2, 3)),
        "{}",
        err.message
    );
    assert!(
        err.message
            .contains("<mj-column> is opened here but never closed"),
        "{}",
        err.message
    );
}

#[test]
fn an_element_never_closed_is_named_with_the_line_it_opened_on() {
    let doc = "<mjml>\n<mj-body>\n  <mj-section>\n    <mj-column>\n      <mj-text>Hello\n    </mj-column>\n  </mj-section>\n</mj-body>\n</mjml>\n";
    let err = error_of(doc, &[]);
    assert_eq!(err.rule, "build.mjml");
    assert!(
        err.message
            .contains("<mj-text> is opened here but never closed"),
        "{}",
        err.message
    );
    assert_eq!(err.location, Some(SourcePos::at("templates/t.mjml", 5, 7)));

    let doc = "<mjml>\n<mj-body>\n  <mj-section>\n    <mj-column>\n      <mj-text>Hi</mj-text>\n  </mj-section>\n</mj-body>\n</mjml>\n";
    let err = error_of(doc, &[]);
    assert!(err.message.contains("<mj-column> is opened here but never closed: </mj-section> on line 6 closes its parent first"), "{}", err.message);
    assert_eq!(err.location, Some(SourcePos::at("templates/t.mjml", 4, 5)));
}

#[test]
fn a_mismatched_closing_tag_is_reported() {
    let doc = "<mjml><mj-body><mj-section><mj-column>\n<mj-text>Hi</mj-tex>\n</mj-column></mj-section></mj-body></mjml>";
    let err = error_of(doc, &[]);
    // mj-text swallows the rest as its content, so it is never closed
    assert!(
        err.message
            .contains("<mj-text> is opened here but never closed"),
        "{}",
        err.message
    );
    let doc = "<mjml><mj-body><mj-section>\n<mj-column></mj-colum></mj-column>\n</mj-section></mj-body></mjml>";
    let err = error_of(doc, &[]);
    assert!(
        err.message.contains(
            "</mj-colum> closes no open element; the element open here is <mj-column> from line 2"
        ),
        "{}",
        err.message
    );
    assert_eq!(err.location, Some(SourcePos::at("templates/t.mjml", 2, 12)));
}

#[test]
fn a_childless_element_may_stay_unclosed_unless_it_swallows_elements() {
    let html = render_plain(&wrap("<mj-image src=\"https://x.example/a.png\">"));
    assert!(html.contains("a.png"), "{html}");
    let err = error_of(
        &wrap("<mj-image src=\"https://x.example/a.png\"><mj-text>lost</mj-text>"),
        &[],
    );
    assert!(
        err.message.contains("<mj-image> is not closed"),
        "{}",
        err.message
    );
}

#[test]
fn errors_in_a_tera_template_point_into_the_rendered_mjml_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = compiler(dir.path())
        .compile(
            "<mjml>\n<mj-body>\n  <mj-section><mj-column></mj-section></mj-body></mjml>",
            Path::new("templates/t.mjml"),
            "---\nsubject: x\n---\n<mjml>\n<mj-body>\n    <mj-section><mj-column></mj-section></mj-body></mjml>",
            &branded(),
        )
        .unwrap_err();
    assert!(
        err.message
            .contains("line 3, column 15 of the rendered MJML"),
        "{}",
        err.message
    );
    // the line appears unchanged in the file (indented two more): located there
    assert_eq!(err.location, Some(SourcePos::at("templates/t.mjml", 6, 17)));
}

#[test]
fn nesting_past_the_limit_is_an_error_not_a_crash() {
    let deep = format!(
        "<mjml><mj-body>{}{}</mj-body></mjml>",
        "<mj-wrapper>".repeat(5000),
        "</mj-wrapper>".repeat(5000)
    );
    let err = error_of(&deep, &[]);
    assert!(
        err.message.contains("nested more than 64 deep"),
        "{}",
        err.message
    );
}

#[test]
fn nesting_just_under_the_limit_renders() {
    let depth = super::tree::MAX_DEPTH - 3;
    let deep = format!(
        "<mjml><mj-body>{}<mj-text>deep</mj-text>{}</mj-body></mjml>",
        "<mj-wrapper>".repeat(depth),
        "</mj-wrapper>".repeat(depth)
    );
    assert!(render_plain(&deep).contains(">deep</div>"));
}
