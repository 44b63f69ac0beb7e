//! The DynamoDB data source against a real DynamoDB-compatible server (feature `dynamodb`).
//!
//! The server is named by the AWS environment (`AWS_ENDPOINT_URL_DYNAMODB` or
//! `AWS_ENDPOINT_URL`, `AWS_REGION`, credentials); CI starts moto's server on loopback and
//! sets them. Without an endpoint each test prints why it skips. Every test makes its own
//! tables (names unique to the test and the process), so tests run in parallel.
#![cfg(feature = "dynamodb")]

mod common;

use std::sync::Arc;

use appsync_vtl::resolver::{DynamoDbDataSource, PipelineFunction};
use appsync_vtl::{Context, DataSource, Engine, Resolver};
use serde_json::{Value as J, json};

fn endpoint() -> bool {
    common::dynamodb_endpoint()
}

/// A fresh table `<name>_<pid>` with string hash key `id` and a `userId-index` GSI.
fn dogs(name: &str) -> Arc<DynamoDbDataSource> {
    let table = format!("{name}_{}", std::process::id());
    let ds = DynamoDbDataSource::new(&table, None).unwrap();
    ds.ensure_table("id", None, &[("userId-index", "userId", None)])
        .unwrap();
    Arc::new(ds)
}

fn engine() -> Engine {
    // Random ids: a seeded source starts again at every render, and these tests create
    // many items with $util.autoId().
    Engine::new()
}

fn ctx(args: J, sub: &str) -> Context {
    Context::appsync(json!({
        "arguments": args,
        "identity": {"sub": sub, "issuer": "https://example.auth0.com/", "claims": {"sub": sub}},
    }))
    .unwrap()
}

const CREATE_DOG: &str = include_str!("../fixtures/tutorial/create_dog/request.vtl");
const LIST_DOGS: &str = include_str!("../fixtures/tutorial/list_dogs/request.vtl");
const TO_JSON: &str = "$util.toJson($ctx.result)";
const RESULT_OR_ERROR: &str = "#if($ctx.error)$util.error($ctx.error.message, $ctx.error.type, $ctx.result)#end$util.toJson($ctx.result)";

fn unit(request: &str, response: &str, ds: &Arc<DynamoDbDataSource>) -> Resolver {
    let e = engine();
    Resolver::unit(
        Some(e.compile("request", request).unwrap()),
        Some(e.compile("response", response).unwrap()),
        ds.clone(),
    )
}

fn invoke(ds: &DynamoDbDataSource, request: J) -> Result<J, appsync_vtl::DataSourceError> {
    ds.invoke(&request)
}

#[test]
fn the_tutorial_two_users_each_see_only_their_dogs() {
    if !endpoint() {
        return;
    }
    let ds = dogs("TutorialDogs");
    let create = unit(CREATE_DOG, TO_JSON, &ds);
    let list = unit(LIST_DOGS, "$util.toJson($ctx.result.items)", &ds);
    for (sub, name) in [
        ("auth0|alice", "Rex"),
        ("auth0|alice", "Luna"),
        ("auth0|bob", "Fido"),
    ] {
        let r = create.resolve(&ctx(json!({"input": {"name": name}}), sub));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.data["name"], name);
        assert_eq!(r.data["userId"], sub);
        assert!(r.data["id"].as_str().is_some_and(|id| id.len() == 36));
    }
    let names = |sub: &str| -> Vec<String> {
        let r = list.resolve(&ctx(json!({}), sub));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let mut n: Vec<String> = r
            .data
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names("auth0|alice"), ["Luna", "Rex"]);
    assert_eq!(names("auth0|bob"), ["Fido"]);
    assert!(names("auth0|nobody").is_empty());
}

#[test]
fn a_colliding_create_fails_through_its_condition_with_appsyncs_error() {
    if !endpoint() {
        return;
    }
    let ds = dogs("CollidingDogs");
    let put = |name: &str| {
        json!({"version": "2017-02-28", "operation": "PutItem", "key": {"id": {"S": "d1"}},
               "attributeValues": {"name": {"S": name}},
               "condition": {"expression": "attribute_not_exists(#id)", "expressionNames": {"#id": "id"}}})
    };
    assert_eq!(
        invoke(&ds, put("Rex")).unwrap(),
        json!({"id": "d1", "name": "Rex"})
    );
    // The same item again: the condition fails, but the item already is what was wanted,
    // so AppSync treats it as a success.
    assert_eq!(
        invoke(&ds, put("Rex")).unwrap(),
        json!({"id": "d1", "name": "Rex"})
    );
    // A different item on the same key: the error, with the current item as $ctx.result.
    let err = invoke(&ds, put("Luna")).unwrap_err();
    assert_eq!(err.error_type, "DynamoDB:ConditionalCheckFailedException");
    assert_eq!(err.result, Some(json!({"id": "d1", "name": "Rex"})));
    // Through a resolver: the response template sees $ctx.error and raises it.
    let template = r#"{"version": "2018-05-29", "operation": "PutItem", "key": {"id": {"S": "d1"}},
        "attributeValues": {"name": {"S": "Luna"}}, "condition": {"expression": "attribute_not_exists(id)"}}"#;
    let r = unit(template, RESULT_OR_ERROR, &ds).resolve(&ctx(json!({}), "u"));
    assert_eq!(r.data, J::Null);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(
        r.errors[0].error_type.as_deref(),
        Some("DynamoDB:ConditionalCheckFailedException")
    );
    assert_eq!(r.errors[0].data, Some(json!({"id": "d1", "name": "Rex"})));
    // equalsIgnore: differences in the ignored attributes still count as a match.
    let mut same_but_version = put("Rex");
    same_but_version["attributeValues"]["version"] = json!({"N": 2});
    same_but_version["condition"]["equalsIgnore"] = json!(["version"]);
    assert!(invoke(&ds, same_but_version).is_ok());
}

#[test]
fn get_update_delete_and_their_results() {
    if !endpoint() {
        return;
    }
    let ds = dogs("CrudDogs");
    let key = json!({"id": {"S": "d9"}});
    assert_eq!(
        invoke(
            &ds,
            json!({"version": "2018-05-29", "operation": "GetItem", "key": key})
        )
        .unwrap(),
        J::Null
    );
    invoke(&ds, json!({"version": "2018-05-29", "operation": "PutItem", "key": key,
        "attributeValues": {"name": {"S": "Otis"}, "age": {"N": 3}, "tags": {"SS": ["a"]}, "ok": {"BOOL": true}}}))
    .unwrap();
    let got = invoke(&ds, json!({"version": "2018-05-29", "operation": "GetItem", "key": key, "consistentRead": true})).unwrap();
    assert_eq!(
        got,
        json!({"age": 3, "id": "d9", "name": "Otis", "ok": true, "tags": ["a"]})
    );
    let projected = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "GetItem", "key": key,
        "projection": {"expression": "#n", "expressionNames": {"#n": "name"}}}),
    )
    .unwrap();
    assert_eq!(projected, json!({"name": "Otis"}));
    // UpdateItem gives the item after the update.
    let updated = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "UpdateItem", "key": key,
        "update": {"expression": "SET age = age + :one", "expressionValues": {":one": {"N": 1}}}}),
    )
    .unwrap();
    assert_eq!(updated["age"], 4);
    // A failed update condition: the error and the current item.
    let err = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "UpdateItem", "key": key,
        "update": {"expression": "SET age = :a", "expressionValues": {":a": {"N": 1}}},
        "condition": {"expression": "age = :x", "expressionValues": {":x": {"N": 100}}}}),
    )
    .unwrap_err();
    assert_eq!(err.error_type, "DynamoDB:ConditionalCheckFailedException");
    assert_eq!(err.result.as_ref().unwrap()["age"], 4);
    // DeleteItem gives the deleted item; deleting again gives null.
    let deleted = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "DeleteItem", "key": key}),
    )
    .unwrap();
    assert_eq!(deleted["name"], "Otis");
    assert_eq!(
        invoke(
            &ds,
            json!({"version": "2018-05-29", "operation": "DeleteItem", "key": key})
        )
        .unwrap(),
        J::Null
    );
    // An error from DynamoDB itself (a key that does not match the schema).
    let err = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "GetItem", "key": {"nope": {"S": "x"}}}),
    )
    .unwrap_err();
    assert_eq!(err.error_type, "DynamoDB:ValidationException", "{err:?}");
    // A malformed typed value is refused before reaching DynamoDB.
    let err = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "GetItem", "key": {"id": {"S": 1}}}),
    )
    .unwrap_err();
    assert_eq!(err.error_type, "MappingTemplate");
    assert!(err.message.contains("$[key].id"), "{}", err.message);
}

#[test]
fn query_and_scan_page_through_next_token() {
    if !endpoint() {
        return;
    }
    let ds = dogs("PagedDogs");
    for i in 0..7 {
        invoke(&ds, json!({"version": "2017-02-28", "operation": "PutItem", "key": {"id": {"S": format!("p{i}")}},
            "attributeValues": {"userId": {"S": "u1"}, "n": {"N": i}}}))
        .unwrap();
    }
    for operation in ["Query", "Scan"] {
        let mut seen = Vec::new();
        let mut token = J::Null;
        let mut pages = 0;
        loop {
            let mut request = json!({"version": "2017-02-28", "operation": operation, "index": "userId-index",
                "limit": 3, "nextToken": token});
            if operation == "Query" {
                request["query"] =
                    json!({"expression": "userId = :u", "expressionValues": {":u": {"S": "u1"}}});
            }
            let page = invoke(&ds, request).unwrap();
            pages += 1;
            for item in page["items"].as_array().unwrap() {
                seen.push(item["id"].as_str().unwrap().to_string());
            }
            assert!(page["scannedCount"].as_i64().unwrap() <= 3);
            token = page["nextToken"].clone();
            if token.is_null() || pages > 5 {
                break;
            }
        }
        seen.sort();
        assert_eq!(
            seen,
            (0..7).map(|i| format!("p{i}")).collect::<Vec<_>>(),
            "{operation}"
        );
        assert!((3..=4).contains(&pages), "{operation}: {pages} pages");
    }
    // A token is tied to its table and index, and to its exact text.
    let first = invoke(
        &ds,
        json!({"version": "2017-02-28", "operation": "Scan", "limit": 2}),
    )
    .unwrap();
    let token = first["nextToken"].as_str().unwrap().to_string();
    let err = invoke(&ds, json!({"version": "2017-02-28", "operation": "Scan", "index": "userId-index", "nextToken": token})).unwrap_err();
    assert!(err.message.contains("another query"), "{}", err.message);
    let mut tampered = token.clone();
    tampered.insert(3, 'x');
    let err = invoke(
        &ds,
        json!({"version": "2017-02-28", "operation": "Scan", "nextToken": tampered}),
    )
    .unwrap_err();
    assert!(err.message.contains("Invalid nextToken"), "{}", err.message);
    // A filter, and segments.
    let filtered = invoke(
        &ds,
        json!({"version": "2017-02-28", "operation": "Scan",
        "filter": {"expression": "n >= :m", "expressionValues": {":m": {"N": 5}}}}),
    )
    .unwrap();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 2);
    let mut total = 0;
    for segment in 0..2 {
        let part = invoke(&ds, json!({"version": "2017-02-28", "operation": "Scan", "segment": segment, "totalSegments": 2})).unwrap();
        total += part["items"].as_array().unwrap().len();
    }
    assert_eq!(total, 7);
    // Descending order on a table with a sort key.
    let scores = DynamoDbDataSource::new(&format!("Scores_{}", std::process::id()), None).unwrap();
    scores.ensure_table("player", Some("at"), &[]).unwrap();
    for at in ["2024-01", "2024-02", "2024-03"] {
        invoke(
            &scores,
            json!({"version": "2017-02-28", "operation": "PutItem",
            "key": {"player": {"S": "p"}, "at": {"S": at}}}),
        )
        .unwrap();
    }
    let latest = invoke(
        &scores,
        json!({"version": "2017-02-28", "operation": "Query", "scanIndexForward": false, "limit": 1,
        "query": {"expression": "player = :p", "expressionValues": {":p": {"S": "p"}}}}),
    )
    .unwrap();
    assert_eq!(latest["items"][0]["at"], "2024-03");
}

#[test]
fn batch_operations() {
    if !endpoint() {
        return;
    }
    let a = dogs("BatchA");
    let b = dogs("BatchB");
    let (ta, tb) = (a.table().to_string(), b.table().to_string());
    let put = invoke(
        &a,
        json!({"version": "2018-05-29", "operation": "BatchPutItem", "tables": {
            &ta: [{"id": {"S": "a1"}, "n": {"N": 1}}, {"id": {"S": "a2"}, "n": {"N": 2}}],
            &tb: [{"id": {"S": "b1"}}],
        }}),
    )
    .unwrap();
    assert_eq!(
        put["data"][&ta],
        json!([{"id": "a1", "n": 1}, {"id": "a2", "n": 2}])
    );
    assert_eq!(put["unprocessedItems"][&tb], json!([]));
    let got = invoke(&a, json!({"version": "2018-05-29", "operation": "BatchGetItem", "tables": {
        &ta: {"keys": [{"id": {"S": "a2"}}, {"id": {"S": "missing"}}, {"id": {"S": "a1"}}], "consistentRead": true},
        &tb: {"keys": [{"id": {"S": "b1"}}]},
    }})).unwrap();
    // In the order of the keys asked, null for a missing one.
    assert_eq!(
        got["data"][&ta],
        json!([{"id": "a2", "n": 2}, null, {"id": "a1", "n": 1}])
    );
    assert_eq!(got["data"][&tb], json!([{"id": "b1"}]));
    assert_eq!(got["unprocessedKeys"][&ta], json!([]));
    let deleted = invoke(
        &a,
        json!({"version": "2018-05-29", "operation": "BatchDeleteItem", "tables": {
            &ta: [{"id": {"S": "a1"}}],
        }}),
    )
    .unwrap();
    assert_eq!(deleted["data"][&ta], json!([{"id": "a1"}]));
    assert_eq!(deleted["unprocessedKeys"][&ta], json!([]));
    // Version 2017-02-28 has no batch operations.
    let r = unit(
        r#"{"version": "2017-02-28", "operation": "BatchGetItem", "tables": {}}"#,
        TO_JSON,
        &a,
    )
    .resolve(&ctx(json!({}), "u"));
    assert_eq!(r.errors[0].error_type.as_deref(), Some("MappingTemplate"));
}

#[test]
fn transactions() {
    if !endpoint() {
        return;
    }
    let ds = dogs("TxDogs");
    let t = ds.table().to_string();
    let written = invoke(&ds, json!({"version": "2018-05-29", "operation": "TransactWriteItems", "transactItems": [
        {"table": &t, "operation": "PutItem", "key": {"id": {"S": "t1"}}, "attributeValues": {"n": {"N": 1}}},
        {"table": &t, "operation": "PutItem", "key": {"id": {"S": "t2"}}, "attributeValues": {"n": {"N": 2}}},
    ]})).unwrap();
    assert_eq!(
        written,
        json!({"keys": [{"id": "t1"}, {"id": "t2"}], "cancellationReasons": null})
    );
    let got = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "TransactGetItems", "transactItems": [
            {"table": &t, "key": {"id": {"S": "t2"}}},
            {"table": &t, "key": {"id": {"S": "none"}}},
        ]}),
    )
    .unwrap();
    assert_eq!(
        got,
        json!({"items": [{"id": "t2", "n": 2}, null], "cancellationReasons": null})
    );
    // A failing condition cancels the whole transaction: nothing is written.
    let err = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "TransactWriteItems", "transactItems": [
            {"table": &t, "operation": "UpdateItem", "key": {"id": {"S": "t1"}},
             "update": {"expression": "SET n = :n", "expressionValues": {":n": {"N": 10}}}},
            {"table": &t, "operation": "ConditionCheck", "key": {"id": {"S": "t2"}},
             "condition": {"expression": "n = :x", "expressionValues": {":x": {"N": 99}}}},
            {"table": &t, "operation": "PutItem", "key": {"id": {"S": "t3"}}},
        ]}),
    )
    .unwrap_err();
    assert_eq!(
        err.error_type, "DynamoDB:TransactionCanceledException",
        "{err:?}"
    );
    let result = err.result.expect("cancellation reasons");
    assert_eq!(result["keys"], J::Null);
    let reasons = result["cancellationReasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 3, "{result}");
    assert_eq!(reasons[1]["type"], "ConditionalCheckFailed");
    let t1 = invoke(
        &ds,
        json!({"version": "2018-05-29", "operation": "GetItem", "key": {"id": {"S": "t1"}}}),
    )
    .unwrap();
    assert_eq!(t1["n"], 1);
}

#[test]
fn a_pipeline_checks_the_caller_then_puts_the_item() {
    if !endpoint() {
        return;
    }
    let ds = dogs("PipelineDogs");
    let e = engine();
    let auth = PipelineFunction {
        name: "onlyVerifiedUsers".into(),
        request: Some(
            e.compile(
                "auth.req",
                r#"#if(!$ctx.identity.sub.startsWith("auth0|"))$util.unauthorized()#end
$util.qr($ctx.stash.put("owner", $ctx.identity.sub))
{"version": "2018-05-29", "payload": {}}"#,
            )
            .unwrap(),
        ),
        response: Some(e.compile("auth.res", "$util.toJson($ctx.result)").unwrap()),
        data_source: Arc::new(appsync_vtl::NoneDataSource),
    };
    let put = PipelineFunction {
        name: "putDog".into(),
        request: Some(e.compile("put.req", r#"{"version": "2018-05-29", "operation": "PutItem",
  "key": {"id": $util.dynamodb.toDynamoDBJson($util.autoId())},
  "attributeValues": {"name": $util.dynamodb.toDynamoDBJson($ctx.args.name), "userId": $util.dynamodb.toDynamoDBJson($ctx.stash.owner)}}"#).unwrap()),
        response: Some(e.compile("put.res", RESULT_OR_ERROR).unwrap()),
        data_source: ds.clone(),
    };
    let resolver = Resolver::pipeline(
        Some(e.compile("before", "{}").unwrap()),
        vec![auth, put],
        Some(
            e.compile("after", "$util.toJson($ctx.prev.result)")
                .unwrap(),
        ),
    )
    .unwrap();
    let ok = resolver.resolve(&ctx(json!({"name": "Rex"}), "auth0|carol"));
    assert!(ok.errors.is_empty(), "{:?}", ok.errors);
    assert_eq!(
        (ok.data["name"].clone(), ok.data["userId"].clone()),
        (json!("Rex"), json!("auth0|carol"))
    );
    let refused = resolver.resolve(&ctx(json!({"name": "Rex"}), "google|dave"));
    assert_eq!(refused.data, J::Null);
    assert_eq!(
        refused.errors[0].error_type.as_deref(),
        Some("Unauthorized")
    );
    // Only the verified caller's dog was written.
    let all = invoke(&ds, json!({"version": "2017-02-28", "operation": "Scan"})).unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
}

#[test]
fn made_and_dropped_inside_an_async_runtime() {
    // No server needed. Inside a caller's async runtime (#[tokio::main], #[tokio::test]),
    // blocking its thread or dropping a runtime panics: the data source does neither.
    let caller = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    caller.block_on(async {
        let ds = DynamoDbDataSource::new("t", Some("us-east-1")).unwrap();
        assert_eq!(ds.table(), "t");
        drop(ds);
    });
}

#[test]
fn resolve_async_awaits_dynamodb_in_the_callers_runtime() {
    if !endpoint() {
        return;
    }
    let ds = dogs("AsyncDogs");
    let create = Arc::new(unit(CREATE_DOG, TO_JSON, &ds));
    let caller = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A spawned task must be Send, and on a current-thread runtime a blocked thread would
    // hang the runtime: the resolution awaits DynamoDB instead.
    let data = caller.block_on(async move {
        let task = tokio::spawn(async move {
            let context = ctx(json!({"input": {"name": "Async"}}), "auth0|async");
            create.resolve_async(&context).await
        });
        task.await.unwrap().data
    });
    assert_eq!(data["name"], "Async");
    assert_eq!(data["userId"], "auth0|async");
}
