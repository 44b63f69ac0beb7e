//! Any text that compiles renders against a fixed context without panicking, within limits.
#![no_main]

use std::sync::OnceLock;

use appsync_vtl::{Clock, Context, Engine, IdSource, Limits};
use libfuzzer_sys::fuzz_target;

fn context() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| {
        Context::appsync(serde_json::json!({
            "arguments": {"id": "1", "n": 5, "d": 2.5, "s": "hello", "l": [1, "two", null, {"k": [true]}],
                          "m": {"a": 1, "b": {"c": "d"}}, "input": {"name": "Frankie"}},
            "identity": {"sub": "auth0|1", "issuer": "https://example.auth0.com/", "claims": {"sub": "auth0|1"}},
            "source": {"id": "p1"},
            "result": {"items": [{"id": 1}, {"id": 2}], "nextToken": null},
            "info": {"fieldName": "getPost", "parentTypeName": "Query"},
            "stash": {}
        }))
        .unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let limits = Limits {
        max_loop_iterations: 1_000,
        max_total_iterations: 20_000,
        max_output_bytes: 1 << 20,
        max_string_bytes: 1 << 20,
        max_collection_len: 100_000,
        ..Limits::appsync()
    };
    for engine in [Engine::new(), Engine::velocity()] {
        let engine = engine.with_limits(limits.clone()).with_clock(Clock::Fixed(0)).with_ids(IdSource::Seeded(1));
        if let Ok(template) = engine.compile("fuzz", source) {
            let _ = template.render(context());
        }
    }
});
