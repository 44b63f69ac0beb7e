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

#[test]
fn outcomes_serialize_with_appsync_names() {
    let template = Engine::new()
        .compile(
            "t",
            r#"$util.qr($ctx.stash.put("k", 1))$util.appendError("late", "Partial")$util.log.info("hi"){"a": 1}"#,
        )
        .unwrap();
    let rendered = template.render(&Context::new()).unwrap();
    let json = serde_json::to_value(&rendered).unwrap();
    assert_eq!(json["output"], r#"{"a": 1}"#);
    assert_eq!(json["stash"], serde_json::json!({"k": 1}));
    assert_eq!(json["logs"], serde_json::json!(["INFO: hi"]));
    assert_eq!(
        json["errors"],
        serde_json::json!([{"message": "late", "errorType": "Partial", "data": null, "errorInfo": null}])
    );
    assert!(json.get("responseHeaders").is_some());

    let unit = appsync_vtl::Resolver::unit(
        Some(
            Engine::new()
                .compile("req", r#"$util.error("no", "Nope")"#)
                .unwrap(),
        ),
        None,
        std::sync::Arc::new(appsync_vtl::NoneDataSource),
    );
    let ctx = Context::appsync(
        serde_json::json!({"info": {"fieldName": "f", "parentTypeName": "Query"}}),
    )
    .unwrap();
    let resolution = unit.resolve(&ctx);
    let json = serde_json::to_value(&resolution).unwrap();
    assert_eq!(json["data"], serde_json::Value::Null);
    assert_eq!(json["errors"][0]["errorType"], "Nope");
    assert_eq!(json["errors"][0]["path"], serde_json::json!(["f"]));
    // Every public type has Debug (a resolver shows its templates by name).
    assert!(format!("{unit:?}").contains("\"req\""), "{unit:?}");
}

#[test]
fn the_context_builder_gives_each_auth_mode_its_identity() {
    use appsync_vtl::Identity;
    let t = Engine::new()
        .compile(
            "t",
            "$util.authType()|$util.toJson($ctx.identity)|$ctx.request.headers.host|$util.toJson($ctx.source)",
        )
        .unwrap();
    let render = |identity: Identity| {
        let ctx = Context::builder()
            .identity(identity)
            .header("host", "api.example.com")
            .source(serde_json::json!({"id": "p1"}))
            .build()
            .unwrap();
        t.render(&ctx).unwrap().output
    };
    assert_eq!(
        render(Identity::api_key()),
        r#"API Key Authorization|null|api.example.com|{"id":"p1"}"#
    );
    let iam = render(Identity::iam(
        "123456789012",
        "arn:aws:sts::123456789012:assumed-role/admin/ci",
    ));
    assert!(
        iam.starts_with(r#"IAM Authorization|{"accountId":"123456789012""#),
        "{iam}"
    );
    assert!(iam.contains(r#""username":"ci""#), "{iam}");
    let lambda = render(Identity::lambda(serde_json::json!({"tenant": "t1"})));
    assert!(
        lambda.starts_with(r#"Lambda Authorization|{"resolverContext":{"tenant":"t1"}}"#),
        "{lambda}"
    );
    let oidc =
        render(Identity::oidc("auth0|1", "https://example.auth0.com/").claim("email", "a@b.c"));
    assert!(
        oidc.contains(
            r#""claims":{"sub":"auth0|1","iss":"https://example.auth0.com/","email":"a@b.c"}"#
        ),
        "{oidc}"
    );
}
