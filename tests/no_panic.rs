//! No input makes the engine panic: every fixture template, cut at every byte offset (on a
//! character boundary), compiles and renders against its context to `Ok` or a typed error,
//! in both profiles.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use appsync_vtl::{Clock, Context, Engine, IdSource, Limits};

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            // The hostile corpus is 100k-character inputs aimed at the limits: every prefix of
            // those would make this quadratic, and tests/hostile.rs runs them whole.
            if !p.ends_with("hostile") {
                templates(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "vtl") {
            out.push(p);
        }
    }
}

fn context_for(template: &Path) -> Context {
    let vars = template.with_extension("json");
    if vars.exists() {
        let json = serde_json::from_str(&std::fs::read_to_string(vars).unwrap()).unwrap();
        return Context::from_vars(json).unwrap();
    }
    let ctx = template.with_file_name("context.json");
    if ctx.exists() {
        let json = serde_json::from_str(&std::fs::read_to_string(ctx).unwrap()).unwrap();
        return Context::appsync(json).unwrap();
    }
    Context::new()
}

#[test]
fn every_prefix_of_every_fixture_gives_ok_or_a_typed_error() {
    let mut files = Vec::new();
    templates(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    files.sort();
    // Small limits keep truncated loops and recursion cheap; they are part of what is tested.
    let limits = Limits {
        max_loop_iterations: 200,
        max_total_iterations: 5_000,
        max_output_bytes: 1 << 20,
        ..Limits::appsync()
    };
    let engines = [
        Engine::new().with_limits(limits.clone()),
        Engine::velocity().with_limits(limits),
    ]
    .map(|e| e.with_clock(Clock::Fixed(0)).with_ids(IdSource::Seeded(1)));
    let mut runs = 0usize;
    let mut errors = 0usize;
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let ctx = context_for(file);
        // The 1 100 generated resolvers (kilobytes each, and alike) are cut every 61 bytes:
        // every byte of every one would be most of this test's time for little more.
        let stride = if file.components().any(|c| c.as_os_str() == "generated") {
            61
        } else {
            1
        };
        for cut in (0..=source.len())
            .step_by(stride)
            .filter(|i| source.is_char_boundary(*i))
        {
            let prefix = &source[..cut];
            for engine in &engines {
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    engine.compile("t", prefix).and_then(|t| t.render(&ctx))
                }));
                match outcome {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => {
                        // A typed error always says where, unless it is about the whole input.
                        assert!(!e.to_string().is_empty());
                        errors += 1;
                    }
                    Err(_) => panic!(
                        "panic on {} cut at byte {cut} ({:?} profile): {prefix:?}",
                        file.display(),
                        engine.profile()
                    ),
                }
                runs += 1;
            }
        }
    }
    assert!(runs > 10_000, "only {runs} runs");
    eprintln!("{runs} truncated renders, {errors} typed errors, no panic");
}
