//! Velocity 1.7 conformance: every template under `fixtures/velocity*` renders byte for byte
//! as the real Apache Velocity 1.7 does (`NAME.out`), or fails where it fails (`NAME.err`:
//! same kind of error, same line). The expected files come from Velocity itself
//! (`scripts/velocity-reference bless`), and CI re-checks them against it.

use std::path::{Path, PathBuf};

use appsync_vtl::{Clock, Context, Engine, IdSource};

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            templates(&p, out);
        } else if p.extension().is_some_and(|x| x == "vtl") {
            out.push(p);
        }
    }
}

/// `[line L, column C]` in a Velocity error message.
fn velocity_line(message: &str) -> Option<u32> {
    let at = message.find("[line ")?;
    let rest = &message[at + 6..];
    rest[..rest.find(',')?].trim().parse().ok()
}

fn run(root: &str, engine: Engine) -> (usize, Vec<String>) {
    let engine = engine
        .with_clock(Clock::Fixed(1_710_506_096_789))
        .with_ids(IdSource::Seeded(7));
    let mut cases = Vec::new();
    templates(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(root),
        &mut cases,
    );
    let mut failures = Vec::new();
    for path in &cases {
        let source = std::fs::read_to_string(path).unwrap();
        let json_path = path.with_extension("json");
        let vars = if json_path.exists() {
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap()
        } else {
            serde_json::Value::Null
        };
        let ctx = Context::from_vars(vars).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let result = engine.compile(&name, &source).and_then(|t| t.render(&ctx));
        let out_path = path.with_extension("out");
        let err_path = path.with_extension("err");
        let problem = if out_path.exists() {
            let expected = std::fs::read_to_string(&out_path).unwrap();
            match result {
                Ok(r) if r.output == expected => None,
                Ok(r) => Some(format!(
                    "expected {expected:?}\n      got      {:?}",
                    r.output
                )),
                Err(e) => Some(format!("expected {expected:?}\n      got error {e}")),
            }
        } else {
            let expected = std::fs::read_to_string(&err_path)
                .unwrap_or_else(|_| panic!("{}: no .out or .err", path.display()));
            let parse_error = expected.starts_with("exit 3");
            let line = velocity_line(&expected);
            match result {
                Ok(r) => Some(format!("expected an error, got {:?}", r.output)),
                Err(e) if e.is_syntax() != parse_error => Some(format!(
                    "expected a {} error, got: {e}",
                    if parse_error { "parse" } else { "render" }
                )),
                Err(e) if line.is_some() && e.line() != line => {
                    Some(format!("expected an error on line {line:?}, got: {e}"))
                }
                Err(_) => None,
            }
        };
        if let Some(p) = problem {
            failures.push(format!(
                "{}\n      {p}",
                path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap()
                    .display()
            ));
        }
    }
    (cases.len(), failures)
}

fn check(root: &str, engine: Engine) {
    let (n, failures) = run(root, engine);
    assert!(n > 0, "no fixtures under {root}");
    if !failures.is_empty() {
        panic!(
            "{} of {n} cases under {root} differ from Velocity 1.7:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[test]
fn velocity_profile_matches_velocity_17() {
    check("fixtures/velocity", Engine::velocity());
}

#[test]
fn appsync_profile_matches_velocity_17_without_inline_macros() {
    check("fixtures/velocity-appsync", Engine::new());
}
