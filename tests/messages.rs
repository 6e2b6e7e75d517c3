//! Issue 12, "errors a designer understands", through the real binary: each message says what
//! is wrong, where, and what to do, in a designer's words; a test per message, on its text.

mod support;

use support::Project;

/// The starter kit with `edit` applied to the file `rel`.
fn starter_with(rel: &str, edit: impl Fn(String) -> String) -> Project {
    let project = Project::starter();
    let text = project.read(rel);
    let changed = edit(text.clone());
    assert_ne!(changed, text, "the edit of {rel} changed nothing");
    project.write(rel, &changed);
    project
}

#[test]
fn an_unquoted_colour_says_to_quote_it() {
    let project = starter_with("brand/brand.yaml", |t| {
        t.replace("on-primary: \"#ffffff\"", "on-primary: #ffffff")
    });
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "error: brand/brand.yaml:6:13: `on-primary`: the value is empty: quote colours like \"#ffffff\" (in YAML # starts a comment)"
    );
}

#[test]
fn pixels_written_with_px_say_to_drop_it() {
    let project = starter_with("brand/brand.yaml", |t| {
        t.replace("size: 26\n", "size: 26px\n")
    });
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.ends_with(
            ": `size`: expected a whole number of pixels like 26: write it without `px`\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("error: brand/brand.yaml:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_duplicate_key_names_both_lines() {
    let project = starter_with("brand/brand.yaml", |t| {
        t.replace(
            "  border: \"#d9d3c7\"\n",
            "  border: \"#d9d3c7\"\n  text: \"#000000\"\n",
        )
    });
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "error: brand/brand.yaml:13:3: the key `text` appears twice (lines 7 and 13): keep one"
    );
}

#[test]
fn an_unknown_key_suggests_the_right_one() {
    let project = starter_with("brand/brand.yaml", |t| {
        t.replace("  spacing: 24", "  spacng: 24")
    });
    let run = project.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown key `spacng` (did you mean `spacing`?); the keys here are: width, spacing, radius"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unclosed_if_names_the_tag_and_where_it_opened() {
    let project = starter_with("templates/password-reset.mjml", |t| {
        t.replacen(
            "{% block body %}",
            "{% block body %}\n{% if reset.url %}",
            1,
        )
    });
    let run = project.run(&["check", "--template", "password-reset", "--locale", "en"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("templates/password-reset.mjml:8:1: error [build.template] `{% if %}` opened here is never closed: add `{% endif %}` where it should end (Tera stopped at `{% endblock %}` on line 27)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Unknown tag"), "{}", run.stdout);
}

#[test]
fn a_template_without_sample_data_says_which_file_to_add() {
    let project = Project::starter();
    std::fs::remove_dir_all(project.root.join("fixtures/password-reset")).unwrap();
    let run = project.run(&["check", "--template", "password-reset", "--locale", "en"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("error [build.template] `customer` is not defined: this template has no sample data yet; add fixtures/password-reset.yaml (or fixtures/password-reset/<case>.yaml) with a value for `customer`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_variable_missing_from_the_sample_data_names_the_fixture() {
    let project = starter_with("templates/password-reset.mjml", |t| {
        t.replacen("{{ customer.first_name }}", "{{ client.first_name }}", 1)
    });
    let run = project.run(&["check", "--template", "password-reset", "--locale", "en"]);
    assert!(
        run.stdout.contains("`client` is not defined: add it to the sample data in fixtures/password-reset/default.yaml (or check the spelling)"),
        "{}",
        run.stdout
    );
}

#[test]
fn includes_in_a_circle_say_so() {
    let project = Project::starter();
    project
        .write(
            "templates/partials/a.mjml",
            "{% include \"partials/b.mjml\" %}\n",
        )
        .write(
            "templates/partials/b.mjml",
            "{% include \"partials/a.mjml\" %}\n",
        );
    let text = project.read("templates/password-reset.mjml");
    project.write(
        "templates/password-reset.mjml",
        &text.replacen(
            "{% block body %}",
            "{% block body %}{% include \"partials/a.mjml\" %}",
            1,
        ),
    );
    let run = project.run(&["check", "--template", "password-reset", "--locale", "en"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("these files include each other in a circle (partials/a.mjml → partials/b.mjml → partials/a.mjml)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Unknown template"), "{}", run.stdout);
}

#[test]
fn a_broken_partial_is_reported_at_its_own_line() {
    let project = starter_with("templates/partials/footer.mjml", |t| {
        t.replacen("{{ brand.company.name }}", "{{ brand.company.name }", 1)
    });
    let line = project
        .read("templates/partials/footer.mjml")
        .lines()
        .position(|l| l.contains("{{ brand.company.name }<"))
        .unwrap()
        + 1;
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let report = support::json(&run.stdout);
    for email in report["emails"].as_array().unwrap() {
        let finding = &email["findings"][0];
        assert_eq!(finding["rule"], "build.template", "{email}");
        assert_eq!(
            finding["location"]["file"], "templates/partials/footer.mjml",
            "{email}"
        );
        assert_eq!(finding["location"]["line"], line, "{email}");
    }
}

#[test]
fn a_broken_layout_is_reported_at_its_own_line() {
    let project = starter_with("templates/layouts/base.mjml", |t| {
        t.replacen("{% block body %}", "{% block body %}{% for x in y %}", 1)
    });
    let run = project.run(&["check", "--template", "order-shipped", "--locale", "en"]);
    assert!(
        run.stdout.contains("templates/layouts/base.mjml:7:23: error [build.template] `{% for %}` opened here is never closed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_brand_contrast_problem_is_reported_once_at_the_palette() {
    let project = starter_with("brand/brand.yaml", |t| {
        t.replace("muted: \"#5c6661\"", "muted: \"#c8c8c8\"")
    });
    let run = project.run(&["check"]);
    assert_eq!(run.code, 1);
    let contrast: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("[brand.contrast]"))
        .collect();
    assert_eq!(
        contrast.len(),
        2,
        "one line per palette pair: {contrast:#?}"
    );
    assert!(
        contrast[0].trim_start().starts_with(
            "brand/brand.yaml:9:3: error [brand.contrast] palette `muted` (#c8c8c8) on `background` (#f4f1ea): contrast 1.48:1, below 4.5:1 (WCAG AA); change `muted` or `background` under palette: in brand/brand.yaml"
        ),
        "{}",
        contrast[0]
    );
    assert!(
        contrast[0].ends_with("(and in 39 more emails)"),
        "{}",
        contrast[0]
    );
    assert!(
        !run.stdout.contains("templates/") || !contrast.iter().any(|l| l.contains("templates/"))
    );
}

#[test]
fn the_same_error_in_every_locale_and_fixture_is_printed_once() {
    let project = starter_with("templates/order-confirmation.mjml", |t| {
        t.replacen(
            "{{ t.order_confirmation.title }}",
            "{{ t.order_confirmation.titel }}",
            1,
        )
    });
    let run = project.run(&["check", "--template", "order-confirmation"]);
    assert_eq!(run.code, 1);
    let errors = run.stdout.matches("Field `titel` is not defined").count();
    assert_eq!(errors, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("(and in 5 more emails)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.matches("1 finding shown above").count(),
        5,
        "{}",
        run.stdout
    );
    // annotations for CI are grouped the same way
    let run = project.run(&[
        "check",
        "--template",
        "order-confirmation",
        "--format",
        "github",
    ]);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("and 5 more)"), "{}", run.stdout);
}

#[test]
fn no_message_speaks_rust() {
    type Edit = fn(String) -> String;
    let breakages: [(&str, Edit); 5] = [
        ("brand/brand.yaml", |t| {
            t.replace("width: 600", "width: wide")
        }),
        ("brand/brand.yaml", |t| {
            t.replace("alt: Fernwood Home", "alt: [a, b]")
        }),
        ("letterpress.yaml", |_| "plaintext: {width: -3}\n".into()),
        ("locales/en.yaml", |t| format!("{t}\n- stray list item\n")),
        ("templates/password-reset.mjml", |t| {
            t.replace("category: transactional", "category: transactionl")
        }),
    ];
    for (rel, edit) in breakages {
        let project = starter_with(rel, edit);
        let run = project.run(&["check"]);
        assert_ne!(run.code, 0, "{rel}");
        for word in [
            "Option<",
            "u32",
            "u64",
            "usize",
            "f32",
            "deserialize",
            "struct ",
            "DuplicateKeyPolicy",
            "variant",
        ] {
            assert!(
                !run.all().contains(word),
                "{rel}: `{word}` in {}",
                run.all()
            );
        }
        assert!(
            run.all().contains(rel),
            "{rel}: the file is named: {}",
            run.all()
        );
    }
}
