//! Any JSON value through the JSON and DynamoDB helpers: no panic, and the conversions
//! round-trip (toDynamoDB then back; toJson of parseJson is stable).
#![no_main]

use std::sync::OnceLock;

use appsync_vtl::{Context, Engine, Template};
use appsync_vtl::resolver::from_dynamodb_json;
use libfuzzer_sys::fuzz_target;

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| {
        Engine::new()
            .compile(
                "fuzz",
                "$util.dynamodb.toDynamoDBJson($ctx.args.v)\n$util.toJson($util.parseJson($ctx.args.s))\n$util.dynamodb.toMapValuesJson($ctx.args)",
            )
            .expect("the fuzz template compiles")
    })
}

fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (J::Object(x), J::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let ctx = Context::appsync(serde_json::json!({"arguments": {"v": v, "s": v.to_string()}})).unwrap_or_default();
    let Ok(rendered) = template().render(&ctx) else { return };
    let mut lines = rendered.output.lines();
    let attribute: serde_json::Value = serde_json::from_str(lines.next().unwrap_or("")).expect("toDynamoDBJson is JSON");
    let back = from_dynamodb_json(&attribute).expect("toDynamoDBJson is a typed value");
    assert!(same(&back, &v), "toDynamoDB round trip: {v} -> {attribute} -> {back}");
    let reparsed: serde_json::Value = serde_json::from_str(lines.next().unwrap_or("")).expect("toJson is JSON");
    assert!(same(&reparsed, &v), "toJson(parseJson) changed {v} into {reparsed}");
});
