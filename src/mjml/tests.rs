//! The MJML step as a whole: what mjml accepts is read and renders as mjml renders it; the
//! brand applies to letterpress templates only, and a template's own settings beat it.

use std::path::Path;

use super::tests_support::{branded, compiler, render_plain, wrap};

#[test]
fn brand_title_preview_and_lang_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    let html = compiler(dir.path())
        .compile(
            &wrap("<mj-text><a href=\"https://x.example\">x</a></mj-text>"),
            Path::new("t.mjml"),
            "",
            &branded(),
        )
        .unwrap()
        .html;
    assert!(html.contains("lang=\"tr\""), "lang");
    assert!(html.contains("<title>Hello &amp; welcome</title>"), "title");
    assert!(html.contains("Preview &lt;text&gt;"), "preview");
    // the brand's link colour is inlined on the link itself
    assert!(
        html.contains("href=\"https://x.example\" style=\"color: #1a73e8;\""),
        "{html}"
    );
    assert!(
        html.contains("Inter, Helvetica, Arial, sans-serif"),
        "font stack"
    );
}

#[test]
fn a_plain_file_gets_nothing_of_the_brand() {
    let html = render_plain(&wrap(
        "<mj-text><a href=\"https://x.example\">x</a></mj-text>",
    ));
    assert!(!html.contains("#1a73e8"), "brand link colour: {html}");
    assert!(!html.contains("Inter"), "brand font: {html}");
    // mjml's own defaults
    assert!(
        html.contains(
            "font-family:Ubuntu, Helvetica, Arial, sans-serif;font-size:13px;line-height:1;"
        ),
        "{html}"
    );
    assert!(html.contains("lang=\"en\""), "{html}");
}

#[test]
fn a_plain_file_links_the_web_fonts_mjml_links() {
    let html = render_plain(&wrap("<mj-text font-family=\"Roboto, Arial\">x</mj-text>"));
    assert!(
        html.contains("https://fonts.googleapis.com/css?family=Roboto:300,400,500,700"),
        "{html}"
    );
    let dir = tempfile::tempdir().unwrap();
    let branded = compiler(dir.path())
        .compile(
            &wrap("<mj-text font-family=\"Roboto, Arial\">x</mj-text>"),
            Path::new("t.mjml"),
            "",
            &branded(),
        )
        .unwrap()
        .html;
    assert!(
        !branded.contains("family=Roboto"),
        "only the brand's fonts are linked: {branded}"
    );
}

#[test]
fn the_body_css_class_is_on_body_like_mjml_5() {
    let html = render_plain("<mjml><mj-body css-class=\"page\"></mj-body></mjml>");
    assert!(html.contains("<body class=\"page\""), "{html}");
}

#[test]
fn the_documents_own_lang_and_dir_are_kept() {
    let html = render_plain("<mjml lang=\"it\" dir=\"rtl\"><mj-body></mj-body></mjml>");
    assert!(html.contains("<html lang=\"it\" dir=\"rtl\""), "{html}");
}

#[test]
fn own_title_and_preview_are_kept_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "<mjml><mj-head><mj-title>Tom &amp; Jerry &lt;3</mj-title><mj-preview>Soon <b>now</b></mj-preview></mj-head><mj-body></mj-body></mjml>";
    let compiled = compiler(dir.path())
        .compile(doc, Path::new("t.mjml"), "", &branded())
        .unwrap();
    assert_eq!(compiled.title.as_deref(), Some("Tom & Jerry <3"));
    assert_eq!(compiled.preview.as_deref(), Some("Soon now"));
    assert!(
        compiled
            .html
            .contains("<title>Tom &amp; Jerry &lt;3</title>"),
        "{}",
        compiled.html
    );
    // mjml copies the preview as written (markup included) into the hidden preview block
    assert!(
        compiled.html.contains(">Soon <b>now</b></div>"),
        "{}",
        compiled.html
    );
}

#[test]
fn the_title_in_aria_label_is_escaped() {
    let html = render_plain(
        "<mjml><mj-head><mj-title>Tom & \"Jerry\" <b>x</b></mj-title></mj-head><mj-body></mj-body></mjml>",
    );
    assert!(
        html.contains("aria-label=\"Tom &amp; &quot;Jerry&quot; &lt;b&gt;x&lt;/b&gt;\""),
        "{html}"
    );
}

#[test]
fn crlf_line_endings_read_like_lf() {
    let lf =
        wrap("\n<mj-text>\n  Hello\n</mj-text>\n<mj-image src=\"https://x.example/a.png\" />\n");
    let crlf = lf.replace('\n', "\r\n");
    let html = render_plain(&crlf);
    assert!(html.contains(">Hello</div>"), "{html}");
    assert_eq!(html.matches("<img").count(), 1);
}

#[test]
fn unquoted_values_closing_tag_attributes_and_upper_case_read_like_mjml() {
    let html = render_plain(
        "<mjml><mj-body><MJ-SECTION padding=0 background-color=#ff0000><mj-column><mj-text align=center>Hi</mj-text></mj-column></mj-section foo=\"bar\"></mj-body></mjml>",
    );
    assert!(html.contains("background:#ff0000"), "{html}");
    assert!(html.contains("padding:0;"), "{html}");
    assert!(html.contains("text-align:center"), "{html}");
}

#[test]
fn ending_tag_content_is_copied_verbatim_like_mjml() {
    // whitespace between inline elements is a space in the email (mrml dropped it), unbalanced
    // markup and a bare `<` are kept as written
    let html = render_plain(&wrap(
        "<mj-text><span>Dear</span>\n<span>John</span></mj-text><mj-text><p>one<p>two a < b</mj-text>",
    ));
    assert!(
        html.contains("<span>Dear</span>\n<span>John</span>"),
        "{html}"
    );
    assert!(html.contains("<p>one<p>two a < b</div>"), "{html}");
}

#[test]
fn comments_and_private_use_markers_are_kept_in_place() {
    let marker = "<!--\u{E010}12\u{E011}-->";
    let html = render_plain(&format!(
        "<mjml><mj-body>{marker}<mj-section><mj-column>{marker}<mj-text title=\"\u{E020}x\u{E021}\">\u{E030}name\u{E031}</mj-text><mj-table><tr><td>a</td></tr>{marker}<tr><td>b</td></tr></mj-table></mj-column></mj-section></mj-body></mjml>"
    ));
    assert_eq!(html.matches(marker).count(), 3, "{html}");
    assert!(
        html.contains("</tr><!--\u{E010}12\u{E011}--><tr>"),
        "{html}"
    );
    assert!(html.contains("\u{E030}name\u{E031}"), "{html}");
}

#[test]
fn stray_text_and_unknown_elements_are_dropped_like_mjml() {
    let html = render_plain(
        "<mjml><mj-body>stray text<mj-section>more<mj-column><div>hello div</div><mj-foo>inside foo</mj-foo><mj-text>kept</mj-text></mj-column></mj-section></mj-body></mjml>",
    );
    for gone in ["stray text", "more", "hello div", "inside foo", "mj-foo"] {
        assert!(!html.contains(gone), "{gone}: {html}");
    }
    assert!(html.contains(">kept</div>"), "{html}");
}

#[test]
fn unknown_head_elements_and_elements_in_preview_are_accepted() {
    let html = render_plain(
        "<mjml><mj-head><mj-foo>x</mj-foo><mj-section></mj-section><!-- note --><mj-preview>Hi <b>there</b></mj-preview><mj-attributes><!-- defaults --><mj-text color=\"#ff0000\" /></mj-attributes></mj-head><mj-body><mj-text>x</mj-text></mj-body></mjml>",
    );
    assert!(html.contains("color:#ff0000"), "{html}");
    assert!(html.contains("Hi <b>there</b>"), "{html}");
}

#[test]
fn inline_styles_apply_to_ending_tag_content_and_keep_own_styles() {
    let html = render_plain(
        "<mjml><mj-head><mj-style inline=\"inline\">.red { color: red; }</mj-style></mj-head><mj-body><mj-text><p class=\"red\" style=\"font-size: 16px;\n  line-height: 20px;\">Hi</p></mj-text></mj-body></mjml>",
    );
    assert!(html.contains("color: red;"), "{html}");
    assert!(html.contains("line-height: 20px"), "{html}");
}

#[test]
fn a_root_mj_raw_at_file_start_goes_before_the_doctype() {
    let html = render_plain(
        "<mjml><mj-raw position=\"file-start\">{% layout x %}</mj-raw><mj-body></mj-body></mjml>",
    );
    assert!(
        html.starts_with("{% layout x %}\n<!doctype html>"),
        "{html}"
    );
}

#[test]
fn a_templates_mj_all_beats_the_brands_element_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "<mjml><mj-head><mj-attributes><mj-all font-size=\"16px\" color=\"#ff0000\" /></mj-attributes></mj-head><mj-body><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>";
    let html = compiler(dir.path())
        .compile(doc, Path::new("t.mjml"), "", &branded())
        .unwrap()
        .html;
    assert!(html.contains("font-size:16px;"), "{html}");
    assert!(html.contains("color:#ff0000;"), "{html}");
}

#[test]
fn a_templates_own_paragraph_style_beats_the_brands_inlined_one() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "<mjml><mj-head><mj-style>p { margin: 0; }</mj-style></mj-head><mj-body><mj-section><mj-column><mj-text><p>x</p><h1>T</h1></mj-text></mj-column></mj-section></mj-body></mjml>";
    let html = compiler(dir.path())
        .compile(doc, Path::new("t.mjml"), "", &branded())
        .unwrap()
        .html;
    assert!(
        html.contains("<p>x</p>"),
        "the brand's p margin is not inlined: {html}"
    );
    assert!(
        html.contains("<h1 style=\""),
        "the brand still styles headings: {html}"
    );
}

/// The `width` attributes of the images in `html`, in order.
fn image_widths(html: &str) -> Vec<String> {
    html.split("<img")
        .skip(1)
        .filter_map(|img| {
            let tag = &img[..img.find('>')?];
            let at = tag.find(" width=\"")? + 8;
            Some(tag[at..at + tag[at..].find('"')?].to_string())
        })
        .collect()
}

#[test]
fn images_are_clamped_to_their_box_like_mjml() {
    // widths mjml 5.4.1 writes for the same document
    let html = render_plain(
        "<mjml><mj-body>\
         <mj-section><mj-column><mj-image src=\"https://x.example/a.png\" width=\"300px\" padding=\"0 40px\" /></mj-column><mj-column><mj-image src=\"https://x.example/a.png\" width=\"300px\" padding-left=\"40px\" padding-right=\"40px\" /></mj-column></mj-section>\
         <mj-section><mj-column><mj-image src=\"https://x.example/a.png\" width=\"700px\" /></mj-column></mj-section>\
         <mj-section padding=\"0 50px\"><mj-column><mj-image src=\"https://x.example/a.png\" width=\"700px\" /></mj-column></mj-section>\
         <mj-section><mj-column padding=\"0 30px\"><mj-image src=\"https://x.example/a.png\" width=\"700px\" /></mj-column></mj-section>\
         <mj-wrapper padding=\"0 30px\"><mj-section><mj-column><mj-image src=\"https://x.example/a.png\" width=\"700px\" /></mj-column></mj-section></mj-wrapper>\
         <mj-section><mj-column width=\"200px\" border=\"2px solid #999\" padding=\"10px\" inner-border=\"1px solid #ccc\"><mj-image src=\"https://x.example/a.png\" width=\"400px\" /></mj-column></mj-section>\
         </mj-body></mjml>",
    );
    assert_eq!(
        image_widths(&html),
        ["220", "220", "550", "450", "490", "490", "124"]
    );
}

#[test]
fn a_comment_in_a_wrapper_stays_outside_outlooks_conditional_comment_like_mjml() {
    let html = render_plain(
        "<mjml><mj-body><mj-wrapper><!-- Header --><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-wrapper></mj-body></mjml>",
    );
    let at = html.find("<!-- Header -->").expect("the comment is kept");
    let before = &html[..at];
    assert!(
        before.rfind("<![endif]-->") > before.rfind("<!--[if mso | IE]>"),
        "the comment is inside a conditional comment: {html}"
    );
}

#[test]
fn fluid_heroes_buttons_tables_and_carousels_render_like_mjml_5() {
    let html = render_plain(&wrap(
        "<mj-button href=\"https://x.example\" width=\"260px\" inner-padding=\"14px 40px\" border=\"2px solid #000\">B</mj-button>\
         <mj-table border=\"1px solid #ddd\"><tr><td>x</td></tr></mj-table>\
         <mj-carousel><mj-carousel-image src=\"https://x.example/1.jpg\" /><mj-carousel-image src=\"https://x.example/2.jpg\" /></mj-carousel>",
    ));
    assert!(
        html.contains("width:176px"),
        "button width minus padding and borders: {html}"
    );
    let table = html
        .split("<table")
        .find(|t| t.contains("border:1px solid #ddd"))
        .expect("the mj-table");
    assert!(
        !table[..table.find('>').unwrap_or(0)].contains("border-collapse:separate"),
        "{table}"
    );
    assert!(html.contains("@media screen yahoo"), "{html}");
    let hero = render_plain(
        "<mjml><mj-body><mj-hero mode=\"fluid-height\" background-width=\"600px\" background-height=\"469px\" background-url=\"https://x.example/h.jpg\"><mj-text>x</mj-text></mj-hero></mj-body></mjml>",
    );
    assert!(hero.contains("padding-bottom:78%"), "{hero}");
}

#[test]
fn attribute_values_reach_the_email_as_written_like_mjml() {
    let html = render_plain(&wrap(
        "<mj-button href=\"<%= url %>?a=1&amp;b={{x}}\">Go</mj-button><mj-image src='https://x.example/{{ sku }}.png' alt='Say \"hi\"' />",
    ));
    assert!(
        html.contains("href=\"<%= url %>?a=1&amp;b={{x}}\""),
        "{html}"
    );
    assert!(
        html.contains("src=\"https://x.example/{{ sku }}.png\""),
        "{html}"
    );
    assert!(html.contains("alt=\"Say &quot;hi&quot;\""), "{html}");
}
