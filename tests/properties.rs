//! Property tests of invariants the `$util` helpers must keep for any input.

use appsync_vtl::{Context, Engine, Template, from_dynamodb_json};
use proptest::prelude::*;
use serde_json::{Value as J, json};

/// Any JSON value: scalars, arrays and objects nested a few levels.
fn any_json() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::from),
        any::<i64>().prop_map(J::from),
        any::<u64>().prop_map(J::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(J::Null, J::Number)),
        ".*".prop_map(J::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(J::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| J::Object(m.into_iter().collect())),
        ]
    })
}

fn render(template: &Template, args: J) -> String {
    let ctx = Context::appsync(json!({ "arguments": args })).unwrap();
    template.render(&ctx).unwrap().output
}

fn compile(source: &str) -> Template {
    Engine::new().compile("property", source).unwrap()
}

/// A DynamoDB typed value: one key naming the type, a value of that type.
fn well_formed_attribute(v: &J) -> bool {
    let Some(m) = v.as_object() else { return false };
    if m.len() != 1 {
        return false;
    }
    let (kind, inner) = m.iter().next().unwrap();
    match kind.as_str() {
        "S" => inner.is_string(),
        "N" => inner.is_number(),
        "BOOL" => inner.is_boolean(),
        "NULL" => inner == &J::Bool(true),
        "L" => inner
            .as_array()
            .is_some_and(|a| a.iter().all(well_formed_attribute)),
        "M" => inner
            .as_object()
            .is_some_and(|o| o.values().all(well_formed_attribute)),
        _ => false,
    }
}

/// JSON equality that compares numbers by value (an integral double reads back as one).
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn to_dynamodb_is_well_formed_and_round_trips(v in any_json()) {
        let template = compile("$util.dynamodb.toDynamoDBJson($ctx.args.v)");
        let out = render(&template, json!({ "v": v }));
        let attribute: J = serde_json::from_str(&out).unwrap();
        prop_assert!(well_formed_attribute(&attribute), "{out}");
        let back = from_dynamodb_json(&attribute).unwrap();
        prop_assert!(same(&back, &v), "{back} != {v}");
    }

    #[test]
    fn to_json_of_parse_json_is_stable(v in any_json()) {
        let template = compile("$util.toJson($util.parseJson($ctx.args.s))");
        let once = render(&template, json!({ "s": v.to_string() }));
        let twice = render(&template, json!({ "s": once.clone() }));
        prop_assert_eq!(&once, &twice);
        let reread: J = serde_json::from_str(&once).unwrap();
        prop_assert!(same(&reread, &v), "{once} != {v}");
    }

    #[test]
    fn base64_round_trips(s in ".*") {
        let template = compile("$util.base64Decode($util.base64Encode($ctx.args.s))");
        prop_assert_eq!(render(&template, json!({ "s": s.clone() })), s);
    }

    #[test]
    fn url_encoding_round_trips(s in ".*") {
        let template = compile("$util.urlDecode($util.urlEncode($ctx.args.s))");
        prop_assert_eq!(render(&template, json!({ "s": s.clone() })), s);
    }

    #[test]
    fn compiling_any_text_never_panics(s in ".{0,200}") {
        let _ = Engine::new().compile("any", &s);
        let _ = Engine::velocity().compile("any", &s);
    }

    #[test]
    fn compiling_vtl_like_text_never_panics(s in r"([#$\\(){}\[\]!.,'a-z0-9 \n*=+-]|#if|#end|#set|#foreach|#else|\$!\{|\$\{|##|#\*|\*#|#\[\[|\]\]#){0,60}") {
        for engine in [Engine::new(), Engine::velocity()] {
            if let Ok(t) = engine.compile("any", &s) {
                let _ = t.render(&Context::new());
            }
        }
    }
}
