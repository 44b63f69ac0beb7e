//! The public API on the tutorial's templates: shared maps, seeded ids, thread safety.

use std::path::Path;

use appsync_vtl::{Context, Engine, IdSource};

fn dir(case: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tutorial")
        .join(case)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn template_of(case: &str) -> std::path::PathBuf {
    let d = dir(case);
    let req = d.join("request.vtl");
    if req.exists() {
        req
    } else {
        d.join("response.vtl")
    }
}

fn context_of(case: &str) -> Context {
    Context::appsync(serde_json::from_str(&read(&dir(case).join("context.json"))).unwrap()).unwrap()
}

#[test]
fn create_dog_puts_user_id_into_the_arguments_map() {
    // Maps are shared by reference: `$input.put(...)` is visible through `$ctx.args.input`.
    let source = read(&template_of("create_dog")) + "$util.toJson($ctx.args.input)";
    let rendered = Engine::new()
        .compile("create_dog", &source)
        .unwrap()
        .render(&context_of("create_dog"))
        .unwrap();
    assert!(
        rendered
            .output
            .ends_with("}\n{\"name\":\"Frankie\",\"userId\":\"auth0|5f7c8ec7\"}"),
        "{}",
        rendered.output
    );
}

#[test]
fn seeded_ids_are_reproducible_and_distinct_per_seed() {
    let source = read(&template_of("create_dog"));
    let render = |seed| {
        Engine::new()
            .with_ids(IdSource::Seeded(seed))
            .compile("create_dog", &source)
            .unwrap()
            .render(&context_of("create_dog"))
            .unwrap()
            .output
    };
    assert_eq!(render(1), render(1));
    assert_ne!(render(1), render(2));
}

#[test]
fn one_template_renders_from_many_threads_like_sequentially() {
    let source = read(&template_of("create_dog"));
    let template = Engine::new()
        .with_ids(IdSource::Seeded(3))
        .compile("create_dog", &source)
        .unwrap();
    let expected = template.render(&context_of("create_dog")).unwrap().output;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| template.render(&context_of("create_dog")).unwrap().output))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}

#[test]
fn an_error_inside_evaluated_text_points_at_the_evaluate() {
    let template = Engine::velocity()
        .compile(
            "t",
            "line one\nline two\n#set($t = '$s.substring(5)')\n#evaluate($t)\n",
        )
        .unwrap();
    let ctx = Context::default().with_var("s", serde_json::json!("ab"));
    let err = template.render(&ctx).unwrap_err();
    assert_eq!((err.line(), err.column()), (Some(4), Some(1)), "{err}");
}
