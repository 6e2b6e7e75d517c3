//! Exported email service templates, rendered by real implementations of their languages (the
//! `handlebars`, `mustache` and `liquid` crates) with their test model, give the email
//! letterpress itself builds from that fixture: same HTML (after whitespace and entity
//! normalisation), same text, same subject.

use std::path::Path;

use letterpress::export::{self, Dialect, Exported};
use letterpress::pipeline::{Pipeline, Selection};
use serde_json::Value;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn render(dialect: Dialect, template: &str, model: &Value) -> String {
    match dialect {
        Dialect::Handlebars => {
            let mut hb = handlebars::Handlebars::new();
            hb.set_strict_mode(false);
            hb.render_template(template, model)
                .unwrap_or_else(|e| panic!("handlebars: {e}\n{template}"))
        }
        Dialect::Mustache => mustache::compile_str(template)
            .unwrap_or_else(|e| panic!("mustache: {e}\n{template}"))
            .render_to_string(model)
            .unwrap_or_else(|e| panic!("mustache: {e}")),
        Dialect::Liquid => {
            let parser = liquid::ParserBuilder::with_stdlib().build().unwrap();
            let parsed = parser
                .parse(template)
                .unwrap_or_else(|e| panic!("liquid: {e}\n{template}"));
            let globals = liquid::model::to_object(model).unwrap();
            parsed
                .render(&globals)
                .unwrap_or_else(|e| panic!("liquid: {e}"))
        }
    }
}

/// HTML compared as a reader sees it: whitespace runs collapsed, and the entities engines spell
/// differently (`&#39;`, `&#x27;`, `&#x3D;`…) decoded.
fn normal_html(html: &str) -> String {
    let decoded = html
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x3D;", "=")
        .replace("&#x60;", "`")
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Exports every template of the project at `root` in every locale and dialect and checks each
/// against letterpress's own render of the test model's fixture. Returns how many were checked.
fn check_project(root: &Path, must_export: &[&str]) -> usize {
    let pipeline = Pipeline::load(root).unwrap();
    let mut checked = 0;
    for template in &pipeline.project.templates {
        for locale in pipeline.project.locales.codes() {
            for dialect in Dialect::ALL {
                let exported = match export::export(&pipeline, template, locale, dialect) {
                    Ok(e) => e,
                    Err(finding) => {
                        assert!(
                            !must_export.contains(&template.name.as_str()),
                            "{} [{locale}] {}: {finding}",
                            template.name,
                            dialect.name()
                        );
                        continue;
                    }
                };
                compare(&pipeline, &exported, &template.name, locale, dialect);
                checked += 1;
            }
        }
    }
    checked
}

/// Compares the export rendered with every fixture's data (the test model is the first) with
/// letterpress's own build of that fixture.
fn compare(
    pipeline: &Pipeline,
    exported: &Exported,
    template: &str,
    locale: &str,
    dialect: Dialect,
) {
    let ids = pipeline
        .emails(&Selection {
            templates: vec![template.into()],
            locales: vec![locale.into()],
        })
        .unwrap();
    let first = ids
        .iter()
        .find(|id| id.fixture == exported.meta.fixture)
        .unwrap();
    assert_eq!(
        first, &ids[0],
        "the test model is the first fixture in sorted order"
    );
    let program = pipeline
        .program(pipeline.project.template(template).unwrap(), locale)
        .unwrap();
    for id in &ids {
        let fixture = pipeline
            .project
            .fixtures_of(template)
            .iter()
            .find(|f| f.name == id.fixture)
            .unwrap();
        let data = fixture.data_for(locale).unwrap();
        let model = if id == first {
            exported.meta.test_render_model.clone()
        } else {
            let shape = pipeline
                .shape(pipeline.project.template(template).unwrap())
                .unwrap();
            let base = pipeline.project.config.assets.base();
            export::model(
                &program,
                &shape,
                data,
                (locale, base.as_deref()),
                &pipeline.formatter(),
            )
        };
        let format = pipeline.formatter();
        let env = letterpress::symbolic::program::Env {
            locale,
            format: &format,
        };
        let produced = program.produce(&data_of(pipeline, id), &env).unwrap();
        compare_one(
            pipeline,
            exported,
            id,
            (&Value::Object(model), &produced.text),
            dialect,
        );
    }
}

/// The data of an email, as the build gives it to the template.
fn data_of(pipeline: &Pipeline, id: &letterpress::EmailId) -> serde_json::Map<String, Value> {
    pipeline
        .project
        .fixtures_of(&id.template)
        .iter()
        .find(|f| f.name == id.fixture)
        .unwrap()
        .data_for(&id.locale)
        .unwrap()
}

fn compare_one(
    pipeline: &Pipeline,
    exported: &Exported,
    id: &letterpress::EmailId,
    (model, send_time_text): (&Value, &str),
    dialect: Dialect,
) {
    let email = pipeline.build(id);
    let content = email
        .content
        .unwrap_or_else(|| panic!("{id} did not build: {:?}", email.findings));
    let model = model.clone();
    let what = format!("{id} {}", dialect.name());
    let html = normal_html(&render(dialect, &exported.html, &model));
    let built = normal_html(&content.html);
    if html != built {
        let at = html
            .chars()
            .zip(built.chars())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let around = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(150))
                .take(300)
                .collect::<String>()
        };
        panic!(
            "{what}: HTML differs at character {at}\n--- export ---\n{}\n--- built ---\n{}",
            around(&html),
            around(&built)
        );
    }
    // The exported text part is laid out once, with the sample's values (an email service
    // cannot lay it out again per email), and links inside loops are written inline; the build
    // lays out each email's own text. It must be exactly the text letterpress's send-time
    // program gives for this data.
    let text = render(dialect, &exported.text, &model);
    assert_eq!(
        text, send_time_text,
        "{what}: text differs from the send-time program's\n--- export ---\n{}\n--- rendered ---\n{text}",
        exported.text
    );
    assert_eq!(
        render(dialect, &exported.meta.subject, &model),
        content.subject,
        "{what}: subject differs"
    );
}

#[test]
fn starter_templates_render_the_same_in_every_dialect() {
    // every starter template exports in every dialect: the kit is what `export:` is tried on
    let pipeline = Pipeline::load(Path::new(REPO)).unwrap();
    let names: Vec<&str> = pipeline
        .project
        .templates
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    let locales = pipeline.project.locales.codes().count();
    let checked = check_project(Path::new(REPO), &names);
    assert_eq!(checked, names.len() * locales * Dialect::ALL.len());
    assert!(
        names.len() >= 13,
        "the starter kit lost templates: {names:?}"
    );
}

/// A project whose templates put loops between table rows, values in links and styles,
/// conditionals with else and negation, and markup in the data.
fn hostile_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "brand/brand.yaml",
        &std::fs::read_to_string(Path::new(REPO).join("brand/brand.yaml")).unwrap(),
    );
    write("locales/en.yaml", "hello: \"Hello {name}\"\n");
    write(
        "templates/receipt.mjml",
        r#"---
subject: "Receipt {{ order.number }} for {{ customer.name }}"
preheader: "{% if order.gift %}A gift receipt{% else %}Your receipt{% endif %} for {{ order.number }}"
---
<mjml><mj-body><mj-section><mj-column>
<mj-text><p>{{ t.hello | replace(from="{name}", to=customer.name) }}</p>
{% if not order.paid %}<p>Payment is still due.</p>{% endif %}
<p style="color: {{ order.colour }}">Status: <a href="{{ order.url }}">{{ order.status }}</a></p>
</mj-text>
<mj-table>
  <tr><th>Item</th><th>Qty</th></tr>
  {%- for line in order.lines %}
  <tr><td><a href="https://shop.example/p/{{ line.sku }}">{{ line.name }}</a></td><td>{{ line.qty }}</td></tr>
  {%- else %}
  <tr><td colspan="2">No items</td></tr>
  {%- endfor %}
</mj-table>
{% if order.gift %}
<mj-text><p>Gift note: {{ order.gift.note }}</p></mj-text>
{% endif %}
<mj-button href="{{ order.url }}">Open order</mj-button>
</mj-column></mj-section></mj-body></mjml>
"#,
    );
    write(
        "fixtures/receipt/a-first.yaml",
        r##"customer: { name: "Ann <b>Bold</b> & Co" }
order:
  number: "R-1"
  paid: false
  colour: "#336699"
  status: "Shipped"
  url: "https://shop.example/orders/R-1?x=1&y=2"
  gift: { note: "Happy birthday, \"Bo\"!" }
  lines:
    - { sku: "a1", name: "Linen <sheet>", qty: 2 }
    - { sku: "b2", name: "Mug", qty: 1 }
"##,
    );
    write(
        "fixtures/receipt/b-empty.yaml",
        r##"customer: { name: "Cy" }
order: { number: "R-2", paid: true, colour: "#000000", status: "Paid", url: "https://shop.example/orders/R-2", gift: null, lines: [] }
"##,
    );
    dir
}

#[test]
fn hostile_templates_render_the_same_in_every_dialect() {
    let dir = hostile_project();
    let checked = check_project(dir.path(), &["receipt"]);
    assert_eq!(checked, 3);
}

#[test]
fn markup_in_data_is_escaped_in_the_export_as_in_the_build() {
    let dir = hostile_project();
    let pipeline = Pipeline::load(dir.path()).unwrap();
    let template = pipeline.project.template("receipt").unwrap();
    for dialect in Dialect::ALL {
        let exported = export::export(&pipeline, template, "en", dialect).unwrap();
        let model = Value::Object(exported.meta.test_render_model.clone());
        let html = render(dialect, &exported.html, &model);
        assert!(
            html.contains("Ann &lt;b&gt;Bold&lt;/b&gt; &amp; Co"),
            "{}: {html}",
            dialect.name()
        );
        assert!(!html.contains("<b>Bold"), "{}", dialect.name());
    }
}

#[test]
fn loops_between_table_rows_stay_in_the_table() {
    let dir = hostile_project();
    let pipeline = Pipeline::load(dir.path()).unwrap();
    let template = pipeline.project.template("receipt").unwrap();
    let exported = export::export(&pipeline, template, "en", Dialect::Handlebars).unwrap();
    let open = exported.html.find("{{#each order.lines}}").expect("each");
    let table = exported.html[..open]
        .rfind("<table")
        .expect("a table before the loop");
    let row = exported.html[..open]
        .rfind("</tr>")
        .expect("the header row before the loop");
    assert!(
        table < row,
        "the loop sits after the header row, inside the table"
    );
    assert!(
        exported
            .html
            .contains("href=\"https://shop.example/p/{{sku}}\"")
    );
    assert!(
        exported.html.contains("color: {{order.colour}}")
            || exported.html.contains("color:{{order.colour}}"),
        "{}",
        exported.html
    );
}

#[test]
fn a_filter_on_send_time_data_cannot_be_exported_and_says_where() {
    let dir = hostile_project();
    let path = dir.path().join("templates/receipt.mjml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("{{ order.status }}", "{{ order.status | upper }}"),
    )
    .unwrap();
    let pipeline = Pipeline::load(dir.path()).unwrap();
    let template = pipeline.project.template("receipt").unwrap();
    let finding = export::export(&pipeline, template, "en", Dialect::Liquid).unwrap_err();
    assert_eq!(finding.rule, "export.unsupported");
    assert!(
        finding.message.contains("`order.status | upper`"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("filter `upper`"),
        "{}",
        finding.message
    );
    let at = finding.location.unwrap();
    assert_eq!(
        (at.file.to_str().unwrap(), at.line),
        ("templates/receipt.mjml", Some(8))
    );
    // The email itself still builds (the ordinary way) with the filter applied.
    let ids = pipeline.emails(&Selection::default()).unwrap();
    let email = pipeline.build(&ids[0]);
    assert!(email.content.unwrap().html.contains("SHIPPED"));
}

#[test]
fn arithmetic_on_send_time_data_cannot_be_exported() {
    let dir = hostile_project();
    let path = dir.path().join("templates/receipt.mjml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("{{ line.qty }}", "{{ line.qty * 2 }}")).unwrap();
    let pipeline = Pipeline::load(dir.path()).unwrap();
    let template = pipeline.project.template("receipt").unwrap();
    let finding = export::export(&pipeline, template, "en", Dialect::Handlebars).unwrap_err();
    assert!(
        finding.message.contains("`line.qty * 2`"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("calculated with"),
        "{}",
        finding.message
    );
}

#[test]
fn a_condition_on_a_value_no_fixture_has_says_so_where_it_is() {
    // The starter kit's order confirmation with only fixtures that lack `order.delivery_to`
    // gave "cannot be exported: ⸨site -1⸩unknown": the condition's test had no site.
    let dir = hostile_project();
    let path = dir.path().join("templates/receipt.mjml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "{% if not order.paid %}",
            "{% if order.coupon %}<p>Coupon applied.</p>{% endif %}\n{% if not order.paid %}",
        ),
    )
    .unwrap();
    let pipeline = Pipeline::load(dir.path()).unwrap();
    let template = pipeline.project.template("receipt").unwrap();
    let finding = export::export(&pipeline, template, "en", Dialect::Mustache).unwrap_err();
    assert!(!finding.message.contains('⸨'), "{}", finding.message);
    assert!(
        finding.message.contains("`order.coupon`") && finding.message.contains("no fixture has"),
        "{}",
        finding.message
    );
    let at = finding.location.unwrap();
    assert_eq!(at.line, Some(7), "the line of the condition");
    // The emails build: without the value, the condition is false.
    let ids = pipeline.emails(&Selection::default()).unwrap();
    let html = pipeline.build(&ids[0]).content.unwrap().html;
    assert!(!html.contains("Coupon applied"));
}
