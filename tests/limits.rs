//! Limits protect the machine: each one fires with its typed error, quickly.

use appsync_vtl::{Context, Engine, ErrorKind, Limit, Limits};

fn limit_of(result: appsync_vtl::Result<appsync_vtl::Rendered>) -> Option<Limit> {
    match result {
        Err(e) => match e.kind() {
            ErrorKind::LimitExceeded { limit, .. } => Some(*limit),
            _ => None,
        },
        Ok(_) => None,
    }
}

fn render(engine: &Engine, source: &str) -> appsync_vtl::Result<appsync_vtl::Rendered> {
    engine.compile("t", source)?.render(&Context::new())
}

#[test]
fn nesting_at_the_limit_parses_on_a_small_stack() {
    // Test threads have 2 MiB stacks; the deepest nesting the parser accepts must fit.
    let depth = Limits::appsync().max_nesting_depth;
    let parens = format!(
        "#set($a = {}1{})$a",
        "(".repeat(depth - 2),
        ")".repeat(depth - 2)
    );
    assert_eq!(render(&Engine::new(), &parens).unwrap().output, "1");
    let ifs = format!(
        "{}x{}",
        "#if(true)".repeat(depth / 2),
        "#end".repeat(depth / 2)
    );
    assert_eq!(render(&Engine::new(), &ifs).unwrap().output, "x");
    let lists = format!(
        "#set($a = {}1{})$a",
        "[".repeat(depth - 2),
        "]".repeat(depth - 2)
    );
    assert!(render(&Engine::new(), &lists).is_ok());
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    for source in [
        "(".repeat(100_000),
        format!("#set($a = {}1)", "(".repeat(100_000)),
        "#if(true)".repeat(50_000),
        format!("$a{}", "[".repeat(100_000)),
        format!("#set($a = {}", "{'k': ".repeat(50_000)),
    ] {
        let r = render(&Engine::velocity(), &source);
        assert_eq!(
            limit_of(r.clone()),
            Some(Limit::NestingDepth),
            "{:?} {r:?}",
            &source[..20]
        );
    }
}

#[test]
fn template_size_limit() {
    let big = "x".repeat(Limits::appsync().max_template_bytes + 1);
    assert_eq!(
        limit_of(render(&Engine::new(), &big)),
        Some(Limit::TemplateSize)
    );
    assert!(render(&Engine::velocity(), &big).is_ok());
}

#[test]
fn foreach_iterations_limit() {
    // AppSync allows 1000 iterations per #foreach.
    assert!(render(&Engine::new(), "#foreach($i in [1..1000])#end").is_ok());
    assert_eq!(
        limit_of(render(&Engine::new(), "#foreach($i in [1..1001])#end")),
        Some(Limit::LoopIterations)
    );
}

#[test]
fn huge_ranges_are_not_allocated() {
    assert_eq!(
        limit_of(render(&Engine::new(), "#set($r = [1..2000000000])")),
        Some(Limit::CollectionSize)
    );
}

#[test]
fn output_limit() {
    let engine = Engine::new().with_limits(Limits {
        max_output_bytes: 1000,
        ..Limits::appsync()
    });
    assert_eq!(
        limit_of(render(&engine, "#foreach($i in [1..500])xxxx#end")),
        Some(Limit::OutputSize)
    );
}

#[test]
fn string_doubling_is_stopped() {
    let engine = Engine::new().with_limits(Limits {
        max_string_bytes: 1 << 20,
        ..Limits::appsync()
    });
    let src = "#set($s = 'ab')#foreach($i in [1..40])#set($s = $s + $s)#end";
    assert_eq!(limit_of(render(&engine, src)), Some(Limit::StringSize));
}

#[test]
fn json_helpers_written_into_the_output_keep_the_string_limit() {
    // `$util.toJson(...)` rendered directly is written straight into the output; it must
    // still fail as the returned string would, and leave nothing half-written behind.
    let engine = Engine::new().with_limits(Limits {
        max_string_bytes: 1000,
        ..Limits::appsync()
    });
    let big = "#set($l = [])#foreach($i in [1..300])$util.qr($l.add($i))#{end}";
    for call in [
        "$util.toJson($l)",
        "$util.dynamodb.toDynamoDBJson($l)",
        "$util.dynamodb.toMapValuesJson({'l': $l})",
        "\"x $util.toJson($l)\"",
    ] {
        let src = format!("{big}before {call}");
        let r = render(&engine, &src);
        assert_eq!(
            limit_of(r.clone()),
            Some(Limit::StringSize),
            "{call}: {r:?}"
        );
    }
    let small = "#set($l = [1, 'a'])$util.toJson($l)|$util.dynamodb.toDynamoDBJson($l)|$util.dynamodb.toMapValuesJson({'l': $l})";
    assert_eq!(
        render(&engine, small).unwrap().output,
        r#"[1,"a"]|{"L":[{"N":1},{"S":"a"}]}|{"l":{"L":[{"N":1},{"S":"a"}]}}"#
    );
    // A collection that contains itself: the helper's error, not a stack overflow.
    let cycle = "#set($l = [])$util.qr($l.add($l))$util.toJson($l)";
    assert!(matches!(
        render(&engine, cycle).unwrap_err().kind(),
        ErrorKind::UtilArgument { .. }
    ));
}

#[test]
fn macro_recursion_limit() {
    let src = "#macro(r $n)#r($n)#end#r(1)";
    assert_eq!(
        limit_of(render(&Engine::velocity(), src)),
        Some(Limit::RecursionDepth)
    );
}

#[test]
fn define_recursion_limit() {
    let src = "#define($d)$d#end$d";
    assert_eq!(
        limit_of(render(&Engine::new(), src)),
        Some(Limit::RecursionDepth)
    );
}

#[test]
fn fuel_counts_statements_executed() {
    let engine = |ops| {
        Engine::new().with_limits(Limits {
            max_operations: Some(ops),
            ..Limits::appsync()
        })
    };
    // Text, #foreach, then 10 × (reference + text) = 22 statements.
    let source = "a#foreach($i in [1..10])$i,#end";
    assert_eq!(
        render(&engine(22), source).unwrap().output,
        "a1,2,3,4,5,6,7,8,9,10,"
    );
    let err = render(&engine(21), source).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::LimitExceeded {
                limit: Limit::Operations,
                max: 21
            }
        ),
        "{err}"
    );
    assert_eq!((err.line(), err.column()), (Some(1), Some(27)), "{err}"); // the last ","
    assert!(
        err.to_string()
            .contains("operations limit exceeded (limit is 21)"),
        "{err}"
    );
    // The default budgets: far above what request templates run.
    assert_eq!(Limits::appsync().max_operations, Some(10_000_000));
    assert_eq!(Limits::velocity().max_operations, Some(100_000_000));
    // Nested loops that stay within every other limit still run out of fuel.
    let busy = "#foreach($a in [1..1000])#foreach($b in [1..1000])#set($x = $a)#end#end";
    let err = render(&engine(100_000), busy).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::LimitExceeded {
            limit: Limit::Operations,
            ..
        }
    ));
}
