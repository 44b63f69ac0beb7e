//! Criterion benchmarks over the workloads in `benches/workloads/` (the tutorial's createDog
//! and listDogs request templates, a 100-item list response, a 200-row core-language loop and
//! its macro variant), each with an AppSync context:
//!
//! - `parse/<w>`: compile only;
//! - `render/<w>`: render a compiled template, the context converted per render from an
//!   in-memory `serde_json::Value` (the embedding path; no JSON text parsing);
//! - `parse_render/<w>`: both, as a cold one-shot render does;
//! - `to_json/<w>`: the rendered text parsed as AppSync reads it;
//! - `floor/<w>`: hand-written Rust printing the same text from the same JSON
//!   (`benches/floor/mod.rs`, checked against our output at start-up);
//! - `render_new_context/<w>`: a `Context` made from the shared JSON, then rendered (what a
//!   service does per request).
//!
//! Run with `cargo bench --bench render`; figures and the machine they came from are in
//! `benches/README.md`.

mod floor;

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use appsync_vtl::{Clock, Context, Engine, IdSource};
use criterion::{Criterion, criterion_group, criterion_main};

struct Workload {
    name: &'static str,
    template: &'static str,
    context: &'static str,
    /// core_macro needs inline macros, which only the velocity profile runs.
    velocity: bool,
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "create_dog",
        template: "create_dog.vtl",
        context: "create_dog.ctx.json",
        velocity: false,
    },
    Workload {
        name: "list_dogs",
        template: "list_dogs.vtl",
        context: "list_dogs.ctx.json",
        velocity: false,
    },
    Workload {
        name: "response_list",
        template: "response_list.vtl",
        context: "response_list.ctx.json",
        velocity: false,
    },
    Workload {
        name: "core_loop",
        template: "core_loop.vtl",
        context: "core_loop.ctx.json",
        velocity: false,
    },
    Workload {
        name: "core_macro",
        template: "core_macro.vtl",
        context: "core_loop.ctx.json",
        velocity: true,
    },
];

fn read(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/workloads")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn engine(w: &Workload) -> Engine {
    let engine = if w.velocity {
        Engine::velocity()
    } else {
        Engine::new()
    };
    engine
        .with_clock(Clock::Fixed(1_710_506_096_789))
        .with_ids(IdSource::Seeded(1))
}

fn benches(c: &mut Criterion) {
    for w in WORKLOADS {
        let source = read(w.template);
        let json: serde_json::Value = serde_json::from_str(&read(w.context)).unwrap();
        let ctx = Context::appsync(json).unwrap();
        let engine = engine(w);
        let template = engine.compile(w.name, &source).unwrap();
        let rendered = template.render(&ctx).unwrap();
        assert!(!rendered.output.is_empty(), "{} rendered nothing", w.name);
        let shared = Arc::new(ctx.appsync_context().cloned().unwrap_or_default());
        let floor = floor_of(w.name, &rendered.output);
        assert_eq!(
            floor(&shared),
            rendered.output,
            "the floor of {} prints something else",
            w.name
        );
        c.bench_function(&format!("floor/{}", w.name), |b| {
            b.iter(|| floor(black_box(&shared)))
        });
        c.bench_function(&format!("render_new_context/{}", w.name), |b| {
            b.iter(|| {
                let ctx = Context::appsync_shared(black_box(shared.clone())).unwrap();
                template.render(&ctx).unwrap()
            })
        });

        c.bench_function(&format!("parse/{}", w.name), |b| {
            b.iter(|| engine.compile(w.name, black_box(&source)).unwrap())
        });
        c.bench_function(&format!("render/{}", w.name), |b| {
            b.iter(|| template.render(black_box(&ctx)).unwrap())
        });
        c.bench_function(&format!("parse_render/{}", w.name), |b| {
            b.iter(|| {
                engine
                    .compile(w.name, black_box(&source))
                    .unwrap()
                    .render(black_box(&ctx))
                    .unwrap()
            })
        });
        if rendered.to_json().is_ok() {
            c.bench_function(&format!("to_json/{}", w.name), |b| {
                b.iter(|| black_box(&rendered).to_json().unwrap())
            });
        }
    }
}

/// The floor of workload `name`; `ours` gives the id `$util.autoId()` produced.
fn floor_of(name: &str, ours: &str) -> Box<dyn Fn(&serde_json::Value) -> String> {
    match name {
        "create_dog" => {
            let id = ours
                .split_once("\"id\": {\"S\":\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .and_then(|(id, _)| uuid::Uuid::parse_str(id).ok())
                .unwrap_or_default();
            Box::new(move |ctx| floor::create_dog(ctx, id))
        }
        "list_dogs" => Box::new(floor::list_dogs),
        "response_list" => Box::new(floor::response_list),
        "core_loop" => Box::new(floor::core_loop),
        _ => Box::new(floor::core_macro),
    }
}

criterion_group!(render, benches);
criterion_main!(render);
