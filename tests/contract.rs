//! The data contract and the export on the command line: `schema`, fixtures checked against a
//! declared schema, request data checked before rendering (every problem with its path), and
//! `build`/`export` writing email service templates into the bundle, atomically.

mod support;

use support::{Project, json};

/// A project whose order email prints, tests and loops over send-time data.
fn orders() -> Project {
    let project = Project::minimal();
    project
        .write(
            "templates/order.mjml",
            "---\nsubject: \"Order {{ order.number }}\"\npreheader: Thank you, your order is on its way to you soon\n---\n<mjml><mj-body><mj-section><mj-column>\n<mj-text><p>{{ t.hello }} {{ customer.name }}</p>{% if customer.vip %}<p>VIP</p>{% endif %}</mj-text>\n<mj-table>{% for item in order.items %}<tr><td>{{ item.name }}</td><td>{{ item.qty }}</td></tr>{% endfor %}</mj-table>\n<mj-button href=\"{{ order.url }}\">Your order</mj-button>\n</mj-column></mj-section></mj-body></mjml>\n",
        )
        .write(
            "fixtures/order/basic.yaml",
            "customer: {name: Ada, vip: true}\norder:\n  number: A-1\n  url: https://shop.example/o/1\n  items:\n    - {name: Lamp, qty: 1}\n    - {name: \"<b>Bulb</b>\", qty: 2}\n",
        )
        .write(
            "fixtures/order/plain.yaml",
            "customer: {name: Bo}\norder:\n  number: A-2\n  url: https://shop.example/o/2\n  items: []\n",
        );
    project
}

#[test]
fn render_reports_every_problem_of_the_data_with_its_path() {
    let project = orders();
    let data = r#"{"customer": {"name": 7}, "order": {"number": "A-9", "items": [{"name": "Lamp", "qty": 1}, {"name": "Bulb", "qty": "two"}, {"qty": 3}]}}"#;
    let run = project.run_with_stdin(&["render", "order", "--data", "-"], data.as_bytes());
    assert_eq!(run.code, 1, "{}", run.all());
    for expected in [
        "customer.name: expected text",
        "order.items[1].qty: expected a number",
        "order.items[2].name: is required but missing",
        "order.url: is required but missing",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    // the contract, not Tera's first undefined variable
    assert!(!run.all().contains("not defined"), "{}", run.all());
    // `vip` is tested with `if`, so leaving it out is fine
    assert!(!run.stderr.contains("vip"), "{}", run.stderr);
}

#[test]
fn the_stream_answers_bad_data_with_its_problems_and_goes_on() {
    let project = orders();
    let requests = concat!(
        r#"{"id": 1, "template": "order", "data": {"customer": {"name": "Ada"}, "order": {"number": 5, "url": "https://x.example", "items": []}}}"#,
        "\n",
        r#"{"id": 2, "template": "order", "data": {"customer": {"name": "Ada"}, "order": {"number": "B-5", "url": "https://x.example", "items": [{"name": "Lamp", "qty": 1}]}}}"#,
        "\n",
    );
    let run = project.run_with_stdin(&["render", "--stream"], requests.as_bytes());
    assert_eq!(run.code, 0, "{}", run.all());
    let lines: Vec<_> = run.stdout.lines().map(json).collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["error"]["code"], "invalid_data");
    assert_eq!(
        lines[0]["error"]["problems"],
        serde_json::json!([{"path": "order.number", "message": "expected text"}])
    );
    assert_eq!(lines[1]["id"], 2);
    assert_eq!(lines[1]["subject"], "Order B-5");
}

#[test]
fn schema_prints_an_inferred_contract_and_write_never_replaces_one() {
    let project = orders();
    let run = project.run(&["schema", "order"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let schema = json(&run.stdout);
    let order = &schema["properties"]["order"];
    assert_eq!(order["properties"]["items"]["type"], "array");
    assert_eq!(
        order["properties"]["items"]["items"]["required"],
        serde_json::json!(["name", "qty"])
    );
    // tested with `if` and missing from one fixture: optional
    let customer = &schema["properties"]["customer"];
    assert_eq!(customer["required"], serde_json::json!(["name"]));
    assert!(customer["properties"]["vip"].is_object());

    let run = project.run(&["schema", "order", "--write"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(json(&project.read("fixtures/order/schema.json")), schema);
    project.write("fixtures/order/schema.json", "{\"type\": \"object\"}\n");
    let run = project.run(&["schema", "order", "--write"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(
        project.read("fixtures/order/schema.json"),
        "{\"type\": \"object\"}\n"
    );
}

#[test]
fn check_validates_every_fixture_against_the_declared_schema() {
    let project = orders();
    assert_eq!(project.run(&["schema", "order", "--write"]).code, 0);
    project.write(
        "fixtures/order/broken.yaml",
        "customer: {name: Cy}\norder:\n  number: 12\n  url: https://shop.example/o/3\n  items: [{name: Lamp}]\n",
    );
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let report = json(&run.stdout);
    let findings: Vec<&serde_json::Value> = report["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["fixture"] == "broken")
        .flat_map(|e| e["findings"].as_array().unwrap())
        .filter(|f| f["rule"] == "contract.fixture")
        .collect();
    let messages: Vec<&str> = findings
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with("order.items[0].qty: is required but missing"));
    assert!(messages[1].starts_with("order.number: expected text"));
    assert!(
        findings
            .iter()
            .all(|f| f["location"]["file"] == "fixtures/order/broken.yaml")
    );
    // the good fixtures pass
    let others = report["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["fixture"] != "broken")
        .flat_map(|e| e["findings"].as_array().unwrap())
        .filter(|f| f["rule"] == "contract.fixture")
        .count();
    assert_eq!(others, 0);
}

#[test]
fn a_broken_schema_file_is_one_clear_error_with_its_line() {
    let project = orders();
    project.write(
        "fixtures/order/schema.json",
        "{\n  \"type\": \"object\",\n}\n",
    );
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout
            .contains("fixtures/order/schema.json:3:1: error [contract.schema]"),
        "{}",
        run.stdout
    );
    project.write("fixtures/order/schema.json", "{\"type\": 12}\n");
    let run = project.run(&["check"]);
    assert!(
        run.stdout.contains("not a valid JSON Schema"),
        "{}",
        run.stdout
    );
}

#[test]
fn build_writes_the_export_of_every_template_and_locale_into_the_bundle() {
    let project = orders();
    project.write("letterpress.yaml", "export: [handlebars, liquid]\n");
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.all());
    for dialect in ["handlebars", "liquid"] {
        for template in ["order", "welcome"] {
            let dir = format!("out/export/{dialect}/{template}.en");
            for file in ["content.html", "content.txt", "meta.json"] {
                assert!(project.root.join(&dir).join(file).is_file(), "{dir}/{file}");
            }
        }
    }
    assert!(!project.root.join("out/export/mustache").exists());
    let html = project.read("out/export/handlebars/order.en/content.html");
    assert!(html.contains("{{#each order.items}}"), "{html}");
    assert!(html.contains("href=\"{{order.url}}\""), "{html}");
    let meta = json(&project.read("out/export/handlebars/order.en/meta.json"));
    assert_eq!(meta["Alias"], "order-en");
    // the subject is a header, not HTML: printed raw, as letterpress's own subject is
    assert_eq!(meta["Subject"], "Order {{{order.number}}}");
    assert_eq!(meta["Fixture"], "basic");
    assert_eq!(
        meta["TestRenderModel"]["order"]["items"][1]["name"],
        "<b>Bulb</b>"
    );
    assert_eq!(meta["Schema"]["type"], "object");
    let liquid = json(&project.read("out/export/liquid/order.en/meta.json"));
    assert_eq!(liquid["Subject"], "Order {{ order.number }}");

    let manifest = json(&project.read("out/manifest.json"));
    let order = manifest["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "order")
        .unwrap();
    assert_eq!(
        order["variables"],
        serde_json::json!([
            "customer.name",
            "customer.vip",
            "order.items",
            "order.items[].name",
            "order.items[].qty",
            "order.number",
            "order.url"
        ])
    );
    assert!(order["schema_file"].is_null());
    assert_eq!(order["schema"]["type"], "object");
}

#[test]
fn what_cannot_be_exported_fails_the_build_at_its_line_and_keeps_the_previous_bundle() {
    let project = orders();
    assert_eq!(project.run(&["build"]).code, 0);
    let before = support::snapshot(&project.root.join("out"));
    project.write(
        "templates/order.mjml",
        "---\nsubject: \"Order {{ order.number }}\"\npreheader: Thank you, your order is on its way to you soon\n---\n<mjml><mj-body><mj-section><mj-column>\n<mj-text><p>{{ customer.name | upper }}</p></mj-text>\n</mj-column></mj-section></mj-body></mjml>\n",
    );
    // a plain build does not export, so `upper` is fine there
    assert_eq!(project.run(&["check"]).code, 0);
    let run = project.run(&["export", "mustache"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout
            .contains("templates/order.mjml:6:30: error [export.unsupported] `customer.name | upper` cannot be exported"),
        "{}",
        run.stdout
    );
    assert_eq!(support::snapshot(&project.root.join("out")), before);
}
