//! What `letterpress new` writes: the template (extending a layout, or plain MJML), the fixture
//! and each locale's block of strings, starter copy in English and Turkish.

/// The template: front matter naming the locale keys, then the layout's block filled with a
/// heading, greeting, paragraph and button (a whole MJML document without a layout).
pub(super) fn template_text(key: &str, layout: Option<&(String, String)>) -> String {
    let section = format!(
        r#"<mj-section padding="0">
  <mj-column>
    <mj-text>
      <h1>{{{{ t.{key}.title }}}}</h1>
      <p>{{{{ t.{key}.greeting | replace(from="{{name}}", to=customer.first_name) }}}}</p>
      <p>{{{{ t.{key}.intro }}}}</p>
    </mj-text>
    <mj-button href="{{{{ action.url }}}}">{{{{ t.{key}.cta }}}}</mj-button>
  </mj-column>
</mj-section>
"#
    );
    let front = format!(
        "---\nsubject: \"{{{{ t.{key}.subject }}}}\"\npreheader: \"{{{{ t.{key}.preheader }}}}\"\ncategory: transactional\n---\n"
    );
    match layout {
        Some((name, block)) => format!(
            "{front}{{% extends \"{name}\" %}}\n{{#- The copy lives in the locale files under `{key}:`; the data in the fixtures. -#}}\n{{% block {block} %}}\n{section}{{% endblock {block} %}}\n"
        ),
        None => format!("{front}<mjml>\n<mj-body>\n{section}</mj-body>\n</mjml>\n"),
    }
}

/// The fixture: the sample data the template uses, with the brand's help-centre URL as the link.
pub(super) fn fixture_text(name: &str, url: &str) -> String {
    format!(
        "# Sample data for templates/{name}.mjml: what the sending service passes in. Add more\n\
         # cases as fixtures/{name}/<case>.yaml.\ncustomer:\n  first_name: Ada\naction:\n  url: \"{}\"\n",
        url.replace('"', "%22")
    )
}

/// Starter copy in the languages letterpress knows; other locales get the English text to
/// translate. Returns the YAML block and whether it is in the locale's language.
pub(super) fn locale_text(name: &str, key: &str, code: &str) -> (String, bool) {
    const EN: [(&str, &str); 6] = [
        ("subject", "Subject of your new email"),
        ("preheader", "One sentence that adds to the subject line."),
        ("title", "Headline of your new email"),
        ("greeting", "Hi {name},"),
        (
            "intro",
            "Write the first paragraph here: what happened, and what the reader can do next.",
        ),
        ("cta", "Open your account"),
    ];
    const TR: [(&str, &str); 6] = [
        ("subject", "Yeni e-postanızın konusu"),
        ("preheader", "Konu satırını tamamlayan tek bir cümle."),
        ("title", "Yeni e-postanızın başlığı"),
        ("greeting", "Merhaba {name},"),
        (
            "intro",
            "İlk paragrafı buraya yazın: ne oldu ve okuyucu şimdi ne yapabilir.",
        ),
        ("cta", "Hesabınızı açın"),
    ];
    let language = code.split(['-', '_']).next().unwrap_or(code).to_lowercase();
    let (strings, native) = match language.as_str() {
        "en" => (EN, true),
        "tr" => (TR, true),
        _ => (EN, false),
    };
    let mut out = format!("\n# {name}: added by `letterpress new`; write the email's copy here.\n");
    if !native {
        out.push_str(&format!(
            "# TODO: translate into {code} (copied in English).\n"
        ));
    }
    out.push_str(&format!("{key}:\n"));
    for (field, text) in strings {
        let quoted = text.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!("  {field}: \"{quoted}\"\n"));
    }
    (out, native)
}
