//! Criterion benchmarks: one email through the whole pipeline, each step on its own, and a full
//! build of the starter kit (the repository root) in memory.

use std::path::Path;

/// The allocator `letterpress` itself runs with (src/main.rs), so the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use letterpress::pipeline::{EmailId, Pipeline, Selection};

fn starter() -> Pipeline {
    Pipeline::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("starter kit loads")
}

fn one_email(c: &mut Criterion) {
    let pipeline = starter();
    let id = EmailId {
        template: "order-confirmation".into(),
        locale: "en".into(),
        fixture: "standard".into(),
    };
    assert!(!pipeline.build(&id).has_errors());
    c.bench_function(
        "one email (order-confirmation/standard, whole pipeline)",
        |b| b.iter(|| pipeline.build(std::hint::black_box(&id))),
    );
    let large = EmailId {
        fixture: "large-order".into(),
        ..id.clone()
    };
    c.bench_function(
        "one email (order-confirmation/large-order, 40 items)",
        |b| b.iter(|| pipeline.build(std::hint::black_box(&large))),
    );
    tera_step(c, &pipeline, &id);
    let turkish = EmailId {
        locale: "tr".into(),
        ..id.clone()
    };
    c.bench_function(
        "one email (order-confirmation/standard, tr: formatting, overlay, locale and spelling rules)",
        |b| b.iter(|| pipeline.build(std::hint::black_box(&turkish))),
    );
    let html = pipeline.build(&id).content.expect("built").html;
    c.bench_function("step: plaintext from HTML", |b| {
        b.iter(|| letterpress::plaintext::from_html(std::hint::black_box(&html), 72))
    });
    c.bench_function(
        "step: HTML parse (once an email, shared by plaintext and rules)",
        |b| b.iter(|| scraper::Html::parse_document(std::hint::black_box(&html))),
    );
    let parsed = scraper::Html::parse_document(&html);
    c.bench_function("step: plaintext from the parsed HTML", |b| {
        b.iter(|| letterpress::plaintext::from_document(std::hint::black_box(&parsed), 72))
    });
    let scheme = letterpress::dark::Scheme::of(&pipeline.project.brand).expect("a dark palette");
    c.bench_function("step: dark scheme (classes, head rules)", |b| {
        b.iter(|| scheme.apply(std::hint::black_box(&html)))
    });
    let base = pipeline.project.config.assets.base();
    let local = html.replace(base.as_deref().unwrap_or("assets/"), "assets/");
    c.bench_function("step: local assets rewrite", |b| {
        b.iter(|| {
            pipeline
                .assets()
                .rewrite(std::hint::black_box(&local), base.as_deref())
        })
    });
}

/// The Tera step on the calling thread and on a thread of its own with the time limit
/// (`deadline`), measured side by side: the cost of the time limit.
fn tera_step(c: &mut Criterion, pipeline: &Pipeline, id: &EmailId) {
    let project = &pipeline.project;
    let template = project.template(&id.template).expect("template");
    let data = project.fixtures_of(&id.template)[0]
        .data
        .as_ref()
        .map(|d| d.get())
        .expect("data");
    let engine = std::sync::Arc::new(letterpress::render::Engine::new(project));
    c.bench_function("step: Tera, inline", |b| {
        b.iter(|| engine.render(template, "en", std::hint::black_box(&data)))
    });
    c.bench_function("step: Tera, own thread with time limit", |b| {
        b.iter(|| {
            letterpress::deadline::render(&engine, template, "en", std::hint::black_box(&data))
        })
    });
    // The floor the whole pipeline is measured against: mrml's own parse and render of the same
    // email's MJML, with no brand head, inlining, text part or rules.
    let mjml = engine.render(template, "en", &data).expect("renders").mjml;
    let options = mrml::prelude::render::RenderOptions::default();
    let html = mrml::parse(&mjml).expect("parses").element.render(&options);
    assert!(
        html.is_ok_and(|html| html.len() > 8_000),
        "the whole email, not a fragment"
    );
    c.bench_function("floor: mrml parse + render alone", |b| {
        b.iter(|| {
            let parsed = mrml::parse(std::hint::black_box(&mjml)).expect("parses");
            parsed.element.render(&options).expect("renders")
        })
    });
}

fn whole_build(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut group = c.benchmark_group("starter kit");
    group.sample_size(20);
    group.bench_function("load + compile project", |b| {
        b.iter(|| Pipeline::load(root).expect("loads"))
    });
    let pipeline = starter();
    let ids = pipeline.emails(&Selection::default()).expect("emails");
    group.bench_function(format!("build all {} emails in memory", ids.len()), |b| {
        b.iter(|| letterpress::build::build_all(&pipeline, &ids, &|_| {}))
    });
    group.finish();
}

criterion_group!(benches, one_email, whole_build);
criterion_main!(benches);
