//! Unit and pipeline resolvers run as AppSync runs them. Each test names the AppSync
//! developer guide page its expectation comes from
//! (https://docs.aws.amazon.com/appsync/latest/devguide/<page>.html).

use std::sync::Arc;

use appsync_vtl::resolver::{DataSourceKind, PipelineFunction};
use appsync_vtl::{
    CannedDataSource, Context, DataSourceError, Engine, NoneDataSource, Resolution, Resolver,
    Template,
};
use serde_json::{Value as J, json};

fn t(source: &str) -> Template {
    Engine::new().compile("t", source).unwrap()
}

fn ctx(json: J) -> Context {
    Context::appsync(json).unwrap()
}

fn field_ctx() -> Context {
    ctx(
        json!({"arguments": {"id": "1"}, "info": {"fieldName": "getPost", "parentTypeName": "Query"}}),
    )
}

fn canned(answers: Vec<Result<J, DataSourceError>>) -> Arc<CannedDataSource> {
    Arc::new(CannedDataSource::new(
        DataSourceKind::AmazonDynamoDb,
        answers,
    ))
}

const GET_2017: &str = r#"{"version": "2017-02-28", "operation": "GetItem", "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}"#;
const GET_2018: &str = r#"{"version": "2018-05-29", "operation": "GetItem", "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}"#;

fn unit(request: &str, response: &str, ds: Arc<CannedDataSource>) -> Resolution {
    Resolver::unit(Some(t(request)), Some(t(response)), ds).resolve(&field_ctx())
}

// resolver-mapping-template-changelog: "2017-02-28 ... if the data source returns null, the
// response mapping template is not executed" and the field is null.
#[test]
fn v2017_null_result_skips_the_response_template() {
    let r = unit(GET_2017, "$util.error(\"ran\")", canned(vec![Ok(J::Null)]));
    assert_eq!(r.data, J::Null);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(!r.steps.iter().any(|s| s.name == "response"));
}

// resolver-mapping-template-changelog: with 2018-05-29 the response template runs on a null
// result.
#[test]
fn v2018_null_result_runs_the_response_template() {
    let r = unit(GET_2018, r#"{"ran": true}"#, canned(vec![Ok(J::Null)]));
    assert_eq!(r.data, json!({"ran": true}));
}

// resolver-mapping-template-changelog: with 2017-02-28 a data-source error is raised
// automatically and the response template's result goes into the error's data block.
#[test]
fn v2017_data_source_error_is_raised_with_the_response_as_data() {
    let err = DataSourceError::new(
        "Conditional check failed",
        "DynamoDB:ConditionalCheckFailedException",
    );
    let r = unit(GET_2017, r#"{"partial": true}"#, canned(vec![Err(err)]));
    assert_eq!(r.data, J::Null);
    assert_eq!(r.errors.len(), 1);
    let e = &r.errors[0];
    assert_eq!(e.message, "Conditional check failed");
    assert_eq!(
        e.error_type.as_deref(),
        Some("DynamoDB:ConditionalCheckFailedException")
    );
    assert_eq!(e.data, Some(json!({"partial": true})));
    assert_eq!(e.path, vec![json!("getPost")]);
}

// resolver-mapping-template-changelog: with 2018-05-29 the error is only in $ctx.error; the
// template decides (here: ignore it and return data).
#[test]
fn v2018_data_source_error_is_only_in_ctx_error() {
    let err = DataSourceError::new("boom", "DynamoDB:Whatever");
    let r = unit(
        GET_2018,
        r#"{"seen": "$ctx.error.type"}"#,
        canned(vec![Err(err)]),
    );
    assert_eq!(r.data, json!({"seen": "DynamoDB:Whatever"}));
    assert!(r.errors.is_empty());
}

// resolver-mapping-template-changelog: re-raising the error keeps message and type.
#[test]
fn v2018_error_reraised_by_the_template() {
    let err = DataSourceError::new("boom", "DynamoDB:Whatever");
    let response = "#if($ctx.error)$util.error($ctx.error.message, $ctx.error.type)#end$util.toJson($ctx.result)";
    let r = unit(GET_2018, response, canned(vec![Err(err)]));
    assert_eq!(r.data, J::Null);
    assert_eq!(r.errors[0].message, "boom");
    assert_eq!(r.errors[0].error_type.as_deref(), Some("DynamoDB:Whatever"));
}

// aws-appsync-directives: #return in a unit resolver's request template ends the resolution
// with that value; the data source is not called.
#[test]
fn return_in_the_request_template_skips_the_data_source() {
    let ds = canned(vec![]);
    let r = unit(
        "#return({\"early\": true})",
        "$util.error(\"ran\")",
        ds.clone(),
    );
    assert_eq!(r.data, json!({"early": true}));
    assert!(ds.requests().is_empty());
    assert!(r.errors.is_empty());
}

// utility-helpers-in-util: $util.error stops evaluation; the field is null with one error
// carrying message, type, data and errorInfo.
#[test]
fn util_error_in_the_request_template() {
    let ds = canned(vec![]);
    let r = unit(
        r#"$util.error("Custom", "MyType", {"a": 1}, {"b": 2})"#,
        "{}",
        ds.clone(),
    );
    assert_eq!(r.data, J::Null);
    let e = &r.errors[0];
    assert_eq!(
        (e.message.as_str(), e.error_type.as_deref()),
        ("Custom", Some("MyType"))
    );
    assert_eq!(
        (e.data.clone(), e.error_info.clone()),
        (Some(json!({"a": 1})), Some(json!({"b": 2})))
    );
    assert!(
        ds.requests().is_empty(),
        "no data source call after a request-template error"
    );
    assert_eq!(
        e.to_json(),
        json!({"path": ["getPost"], "data": {"a": 1}, "errorType": "MyType", "errorInfo": {"b": 2}, "locations": [], "message": "Custom"})
    );
}

// utility-helpers-in-util: $util.appendError keeps going; data and errors both come back.
#[test]
fn append_error_gives_partial_data() {
    let response = r#"$util.appendError("careful", "Warn")$util.toJson($ctx.result)"#;
    let r = unit(GET_2018, response, canned(vec![Ok(json!({"id": "1"}))]));
    assert_eq!(r.data, json!({"id": "1"}));
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].error_type.as_deref(), Some("Warn"));
}

// utility-helpers-in-util, real AppSync responses: the Unauthorized message names the field.
#[test]
fn unauthorized_message() {
    let r = unit("$util.unauthorized()", "{}", canned(vec![]));
    assert_eq!(
        r.errors[0].message,
        "Not Authorized to access getPost on type Query"
    );
    assert_eq!(r.errors[0].error_type.as_deref(), Some("Unauthorized"));
}

// resolver-mapping-template-reference-overview: the output must be one JSON value.
#[test]
fn request_output_must_be_json() {
    let r = unit(
        r#"{"version": "2018-05-29", "a": 1, "a": 2}"#,
        "{}",
        canned(vec![]),
    );
    assert_eq!(
        r.errors[0].message,
        "Duplicate field 'a' detected on Object. Duplicate JSON keys are not allowed."
    );
    assert_eq!(r.errors[0].error_type.as_deref(), Some("MappingTemplate"));
    let r = unit(r#"{"version": "2018-05-29"} tail"#, "{}", canned(vec![]));
    assert_eq!(
        r.errors[0].message,
        "Trailing characters at the end of the JSON string are not allowed."
    );
}

// troubleshooting-and-common-mistakes: a DynamoDB request without an operation.
#[test]
fn dynamodb_request_needs_an_operation() {
    let r = unit(
        r#"{"version": "2017-02-28", "key": {}}"#,
        "{}",
        canned(vec![]),
    );
    assert_eq!(
        r.errors[0].message,
        "Value for field '$[operation]' not found."
    );
}

// resolver-mapping-template-reference-none: the NONE data source's result is the payload.
#[test]
fn none_data_source_returns_the_payload() {
    let request = t(r#"{"version": "2018-05-29", "payload": {"id": $util.toJson($ctx.args.id)}}"#);
    let r = Resolver::unit(
        Some(request),
        Some(t("$util.toJson($ctx.result)")),
        Arc::new(NoneDataSource),
    )
    .resolve(&field_ctx());
    assert_eq!(r.data, json!({"id": "1"}));
}

// resolver-mapping-template-reference-lambda: without templates, a direct Lambda resolver
// gets the context as payload and its answer is the field value.
#[test]
fn direct_lambda_resolver() {
    let ds = Arc::new(CannedDataSource::new(
        DataSourceKind::AwsLambda,
        [Ok(json!({"ok": true}))],
    ));
    let r = Resolver::unit(None, None, ds.clone()).resolve(&field_ctx());
    assert_eq!(r.data, json!({"ok": true}));
    let sent = &ds.requests()[0];
    assert_eq!(sent["operation"], "Invoke");
    assert_eq!(sent["payload"]["arguments"]["id"], "1");
}

// resolver-mapping-template-reference-lambda: a direct Lambda resolver without a response
// template behaves like `#if($ctx.error) $util.error($ctx.error.message, $ctx.error.type,
// $ctx.result) #end $util.toJson($ctx.result)`: the error carries the result as its data.
#[test]
fn direct_lambda_error_carries_the_result_as_data() {
    let mut error = DataSourceError::new("boom", "Lambda:Unhandled");
    error.result = Some(json!({"detail": "x"}));
    let ds = Arc::new(CannedDataSource::new(
        DataSourceKind::AwsLambda,
        [Err(error)],
    ));
    let r = Resolver::unit(None, None, ds).resolve(&field_ctx());
    assert_eq!(r.data, J::Null);
    let e = &r.to_json()["errors"][0];
    assert_eq!(e["message"], "boom");
    assert_eq!(e["errorType"], "Lambda:Unhandled");
    assert_eq!(e["data"], json!({"detail": "x"}));
}

fn function(
    name: &str,
    request: &str,
    response: &str,
    ds: Arc<CannedDataSource>,
) -> PipelineFunction {
    PipelineFunction {
        name: name.into(),
        request: Some(t(request)),
        response: Some(t(response)),
        data_source: ds,
    }
}

// pipeline-resolvers: the before template's result is $ctx.prev.result of the first
// function; each function's result is the next one's; the after template sees the last as
// $ctx.prev.result and $ctx.result; the stash is shared by all.
#[test]
fn pipeline_threads_results_and_stash() {
    let before = t(r#"$util.qr($ctx.stash.put("trail", ["before"])){"n": 1}"#);
    let f1 = function(
        "one",
        r#"$util.qr($ctx.stash.trail.add("one")){"version": "2018-05-29", "operation": "GetItem", "key": {"n": {"N": $ctx.prev.result.n}}}"#,
        r#"{"n": $ctx.result.n}"#,
        canned(vec![Ok(json!({"n": 2}))]),
    );
    let f2 = function(
        "two",
        r#"$util.qr($ctx.stash.trail.add("two")){"version": "2018-05-29", "operation": "GetItem", "key": {"n": {"N": $ctx.prev.result.n}}}"#,
        r#"{"n": $ctx.result.n, "prev": $ctx.prev.result.n}"#,
        canned(vec![Ok(json!({"n": 3}))]),
    );
    let after = t(
        r#"{"last": $util.toJson($ctx.result), "same": $util.toJson($ctx.prev.result), "trail": $util.toJson($ctx.stash.trail)}"#,
    );
    let r = Resolver::pipeline(Some(before), vec![f1, f2], Some(after))
        .unwrap()
        .resolve(&field_ctx());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        r.data,
        json!({"last": {"n": 3, "prev": 2}, "same": {"n": 3, "prev": 2}, "trail": ["before", "one", "two"]})
    );
    assert_eq!(r.stash["trail"], json!(["before", "one", "two"]));
}

// Arguments a step changes are what the later steps see. Not in the guide; the basis is
// generated code that runs on AppSync in production: the Amplify GraphQL transformer v2's
// owner-auth step of a create mutation does `$util.qr($ctx.args.input.put("owner", ...))`
// and leaves writing the item to the data step, which reads `$ctx.args.input`.
#[test]
fn arguments_changed_by_a_step_reach_the_later_steps() {
    let none = || Arc::new(NoneDataSource);
    let step = |name: &str, request: &str| PipelineFunction {
        name: name.into(),
        request: Some(t(request)),
        response: Some(t("$util.toJson($ctx.result)")),
        data_source: none(),
    };
    let auth = step(
        "auth",
        r#"$util.qr($ctx.args.input.put("owner", $ctx.identity.sub))
{"version": "2018-05-29", "payload": {}}"#,
    );
    let read = step(
        "read",
        r#"{"version": "2018-05-29", "payload": {"args": $util.toJson($ctx.args), "same": $util.toJson($ctx.arguments.input)}}"#,
    );
    let only_reads = step(
        "reads",
        r#"{"version": "2018-05-29", "payload": {"name": "$ctx.args.input.name"}}"#,
    );
    for key in ["arguments", "args"] {
        let context = ctx(json!({
            key: {"input": {"name": "Frankie"}},
            "identity": {"sub": "u1", "issuer": "i", "claims": {"sub": "u1"}},
            "info": {"fieldName": "createDog", "parentTypeName": "Mutation"},
        }));
        let r = Resolver::pipeline(
            None,
            vec![auth.clone(), only_reads.clone(), read.clone()],
            Some(t("$util.toJson($ctx.result)")),
        )
        .unwrap()
        .resolve(&context);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(
            r.data,
            json!({"args": {"input": {"name": "Frankie", "owner": "u1"}},
                   "same": {"name": "Frankie", "owner": "u1"}}),
            "context key {key}"
        );
    }
}

// A seeded id source gives each template of a resolution its own ids (two functions that
// each create an item must not make the same key), and the same ids on every resolution.
#[test]
fn seeded_ids_differ_between_the_templates_of_a_resolution() {
    let engine = Engine::new().with_ids(appsync_vtl::IdSource::Seeded(7));
    let tt = |src: &str| engine.compile("t", src).unwrap();
    let none = || Arc::new(NoneDataSource);
    let step = |name: &str, key: &str| PipelineFunction {
        name: name.into(),
        request: Some(tt(&format!(
            r#"$util.qr($ctx.stash.put("{key}", $util.autoId())){{"version": "2018-05-29", "payload": {{}}}}"#
        ))),
        response: Some(tt("{}")),
        data_source: none(),
    };
    let resolve = || {
        Resolver::pipeline(
            None,
            vec![step("a", "post"), step("b", "comment")],
            Some(tt("{}")),
        )
        .unwrap()
        .resolve(&field_ctx())
    };
    let r = resolve();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_ne!(r.stash["post"], r.stash["comment"]);
    assert_eq!(resolve().stash, r.stash);
}

// resolver-mapping-template-reference-overview: $util.error in a function "throws a field
// error immediately, which prevents subsequent functions from being executed".
#[test]
fn util_error_in_a_function_stops_the_pipeline() {
    let second = canned(vec![Ok(json!({}))]);
    let f1 = function(
        "one",
        r#"$util.error("stop", "Stopped")"#,
        "{}",
        canned(vec![]),
    );
    let f2 = function(
        "two",
        r#"{"version": "2018-05-29", "operation": "GetItem", "key": {}}"#,
        "{}",
        second.clone(),
    );
    let r = Resolver::pipeline(None, vec![f1, f2], Some(t("{}")))
        .unwrap()
        .resolve(&field_ctx());
    assert_eq!(r.data, J::Null);
    assert_eq!(r.errors[0].message, "stop");
    assert!(second.requests().is_empty());
}

// aws-appsync-directives: #return in a function's request template returns from the
// function (its data source is skipped) and the pipeline goes on.
#[test]
fn return_in_a_function_skips_its_data_source_only() {
    let skipped = canned(vec![]);
    let f1 = function(
        "one",
        "#return({\"from\": \"one\"})",
        "$util.error(\"ran\")",
        skipped.clone(),
    );
    let f2 = function(
        "two",
        r#"{"version": "2018-05-29", "operation": "GetItem", "key": {"from": {"S": "$ctx.prev.result.from"}}}"#,
        "$util.toJson($ctx.result)",
        canned(vec![Ok(json!({"got": "two"}))]),
    );
    let r = Resolver::pipeline(None, vec![f1, f2], None)
        .unwrap()
        .resolve(&field_ctx());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.data, json!({"got": "two"}));
    assert!(skipped.requests().is_empty());
}

// AppSync quotas: at most 10 functions per pipeline.
#[test]
fn at_most_ten_functions() {
    let f = || function("f", "{}", "{}", canned(vec![]));
    assert!(Resolver::pipeline(None, (0..10).map(|_| f()).collect(), None).is_ok());
    assert!(Resolver::pipeline(None, (0..11).map(|_| f()).collect(), None).is_err());
}

// resolver-mapping-template-reference-overview: appended errors in functions do not stop the
// pipeline.
#[test]
fn append_error_in_a_function_does_not_stop_the_pipeline() {
    let f1 = function(
        "one",
        r#"$util.appendError("note")#return({})"#,
        "{}",
        canned(vec![]),
    );
    let f2 = function("two", "#return({\"done\": true})", "{}", canned(vec![]));
    let r = Resolver::pipeline(None, vec![f1, f2], None)
        .unwrap()
        .resolve(&field_ctx());
    assert_eq!(r.data, json!({"done": true}));
    assert_eq!(r.errors.len(), 1);
}

#[test]
fn resolver_from_a_description_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/resolvers");
    let config: J =
        serde_json::from_str(&std::fs::read_to_string(dir.join("get_dog_pipeline.json")).unwrap())
            .unwrap();
    let resolver = Resolver::from_config(&config, &dir, &Engine::new()).unwrap();
    let r = resolver.resolve(&ctx(json!({"arguments": {"id": "d1"}, "identity": {"sub": "auth0|1"}, "info": {"fieldName": "getDog", "parentTypeName": "Query"}})));
    assert_eq!(
        r.to_json(),
        json!({"data": {"id": "d1", "name": "Frankie", "owner": "auth0|1"}, "errors": []})
    );
}

// An async data source goes wherever a data source does: awaited by resolve_async, polled on
// the calling thread by resolve.
#[test]
fn async_data_sources_answer_both_ways() {
    use appsync_vtl::DataSourceResult;
    use appsync_vtl::resolver::{Async, AsyncDataSource, BoxFuture};
    struct Later;
    impl AsyncDataSource for Later {
        fn invoke<'a>(&'a self, request: &'a J) -> BoxFuture<'a, DataSourceResult> {
            Box::pin(async move {
                // Pending once, as an I/O future would be.
                let mut first = true;
                std::future::poll_fn(|cx| {
                    if std::mem::take(&mut first) {
                        cx.waker().wake_by_ref();
                        std::task::Poll::Pending
                    } else {
                        std::task::Poll::Ready(())
                    }
                })
                .await;
                Ok(json!({"echo": request["payload"]}))
            })
        }
    }
    let resolver = Resolver::unit(
        Some(t(
            r#"{"version": "2018-05-29", "payload": $util.toJson($ctx.args.id)}"#,
        )),
        Some(t("$util.toJson($ctx.result)")),
        Arc::new(Async(Later)),
    );
    let sync = resolver.resolve(&field_ctx());
    assert_eq!(sync.data, json!({"echo": "1"}));
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let ctx = field_ctx();
    let mut fut = std::pin::pin!(resolver.resolve_async(&ctx));
    let data = loop {
        if let std::task::Poll::Ready(r) = fut.as_mut().poll(&mut cx) {
            break r.data;
        }
    };
    assert_eq!(data, json!({"echo": "1"}));
}
