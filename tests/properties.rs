//! Property tests of invariants the `$util` helpers must keep for any input.

use appsync_vtl::resolver::from_dynamodb_json;
use appsync_vtl::{Context, Engine, Template};
use proptest::prelude::*;
use serde_json::{Value as J, json};

// The JSON generator the unit tests use.
#[path = "../src/test_support.rs"]
mod test_support;
use test_support::any_json;

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

/// Well-formed templates: text, references, `#set`, `#if`, `#foreach`, literals, the helpers
/// whose results depend on the clock and the id source, and the constructs that grow values
/// (string doubling, `add` in loops, ranges).
mod generated {
    use super::*;
    use appsync_vtl::{Clock, ErrorKind, IdSource, Limits};

    fn var() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["a", "b", "s", "l", "m", "i"]).prop_map(String::from)
    }

    /// What Velocity accepts as a parameter: list and map elements, method arguments, the
    /// `#foreach` source (arithmetic is only allowed in `#set` and `#if`).
    fn param() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            (-5i64..3000).prop_map(|n| n.to_string()),
            "[a-z ]{0,6}".prop_map(|s| format!("'{s}'")),
            var().prop_map(|v| format!("${v}")),
            var().prop_map(|v| format!("\"x${{{v}}}y\"")),
            (-3i64..40, -3i64..4000).prop_map(|(a, b)| format!("[{a}..{b}]")),
            Just("$ctx.args.n".to_string()),
            Just("$ctx.args.list".to_string()),
            Just("$util.autoId()".to_string()),
            Just("$util.time.nowEpochMilliSeconds()".to_string()),
            Just("true".to_string()),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(", "))),
                (inner.clone(), inner).prop_map(|(k, v)| format!("{{'k': {k}, 'v': {v}}}")),
                var().prop_map(|v| format!("\"${v}${v}\"")),
            ]
        })
    }

    fn expr() -> impl Strategy<Value = String> {
        prop_oneof![
            param(),
            (
                param(),
                prop::sample::select(vec!["+", "-", "*", "/", "%", "==", "<", "&&"]),
                param()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            param().prop_map(|e| format!("!({e})")),
        ]
    }

    fn statement() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            "[a-z{}\":, \n]{0,10}",
            var().prop_map(|v| format!("${v}")),
            var().prop_map(|v| format!("$!{{{v}}}")),
            (var(), expr()).prop_map(|(v, e)| format!("#set(${v} = {e})")),
            (var(), param()).prop_map(|(v, e)| format!("$util.qr(${v}.add({e}))")),
            var().prop_map(|v| format!("$util.toJson(${v})")),
            var().prop_map(|v| format!("$util.dynamodb.toDynamoDBJson(${v})")),
            var().prop_map(|v| format!("${v}.size()")),
            Just("#set($s = \"$s$s\")".to_string()),
            Just("$foreach.count".to_string()),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                (expr(), prop::collection::vec(inner.clone(), 0..3), prop::collection::vec(inner.clone(), 0..2))
                    .prop_map(|(c, t, e)| format!("#if({c}){}#{{else}}{}#{{end}}", t.concat(), e.concat())),
                (var(), prop_oneof![3 => (0i64..5, 0i64..400).prop_map(|(a, b)| format!("[{a}..{b}]")), 1 => param()], prop::collection::vec(inner.clone(), 0..3))
                    .prop_map(|(v, e, b)| format!("#foreach(${v} in {e}){}#{{end}}", b.concat())),
                prop::collection::vec(inner, 1..4).prop_map(|b| b.concat()),
            ]
        })
    }

    fn limits() -> Limits {
        Limits {
            max_loop_iterations: 300,
            max_total_iterations: 3_000,
            max_output_bytes: 64 << 10,
            max_string_bytes: 64 << 10,
            max_collection_len: 10_000,
            ..Limits::appsync()
        }
    }

    fn outcome(engine: &Engine, source: &str) -> Result<String, String> {
        let ctx =
            Context::appsync(json!({"arguments": {"n": 7, "list": [1, "two", null]}})).unwrap();
        let template = engine
            .compile("generated", source)
            .map_err(|e| e.to_string())?;
        template
            .render(&ctx)
            .map(|r| r.output)
            .map_err(|e| e.to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn well_formed_templates_render_within_limits_deterministically(body in statement()) {
            let source = format!("#set($a = 1)#set($b = 'x')#set($s = 'abcdefghij')#set($l = [])#set($m = {{}})#set($i = 0){body}");
            for profile in [Engine::new(), Engine::velocity()] {
                let pinned = || profile.clone().with_limits(limits()).with_clock(Clock::Fixed(1_700_000_000_000)).with_ids(IdSource::Seeded(9));
                let engine = pinned();
                // Well formed: it always compiles.
                let template = engine.compile("generated", &source);
                prop_assert!(template.is_ok(), "{source}: {:?}", template.err());
                let ctx = Context::appsync(json!({"arguments": {"n": 7, "list": [1, "two", null]}})).unwrap();
                let rendered = template.unwrap().render(&ctx);
                match rendered {
                    Ok(r) => prop_assert!(r.output.len() <= limits().max_output_bytes, "{source}"),
                    Err(e) => {
                        // Breaches are typed and say where.
                        if matches!(e.kind(), ErrorKind::LimitExceeded { .. }) {
                            prop_assert!(e.line().is_some(), "{source}: {e}");
                        }
                    }
                }
                // The same engine settings give the same outcome, output or error.
                prop_assert_eq!(outcome(&pinned(), &source), outcome(&pinned(), &source));
            }
        }
    }
}
