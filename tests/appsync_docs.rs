//! The AppSync developer guide's examples (`fixtures/appsync-docs`, 181 vectors taken from the
//! AWS documentation and real AppSync output): every vector renders as documented.
//!
//! Each vector directory holds `template.vtl`, `context.json` (AppSync's context),
//! `vector.json` (how to compare: `match`, plus `expected_error`, `expected_out_errors`,
//! `engine_options`), and `expected.out` or `expected.pattern`. Match kinds:
//! `exact` (bytes), `json` (parsed, object key order ignored), `json-template` (json with
//! `{{uuid}}`, `{{iso8601}}`, `{{any}}` wildcards), `pattern` (anchored regex), `error` (the
//! error AppSync reports), `none` (documented without an exact output: must render).

use std::path::{Path, PathBuf};

use appsync_vtl::{AuthMode, Clock, Context, DataSourceKind, Engine, IdSource};
use serde_json::Value as J;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn vectors(folder: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(folder);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn json_equal(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        (J::String(e), J::String(a)) => match e.as_str() {
            "{{uuid}}" => uuid::Uuid::parse_str(a).is_ok_and(|u| u.get_version_num() == 4),
            "{{iso8601}}" => chrono::DateTime::parse_from_rfc3339(a).is_ok(),
            "{{any}}" => true,
            _ => e == a,
        },
        (J::Object(e), J::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|w| json_equal(v, w)))
        }
        (J::Array(e), J::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| json_equal(x, y))
        }
        (J::Number(e), J::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

/// The vectors' regex dialect (only `\n` and backslash escapes of `.+*?()|[]{}^$`) is a
/// subset of what the regex engine reads.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let re =
        fancy_regex::Regex::new(pattern).unwrap_or_else(|e| panic!("bad pattern {pattern:?}: {e}"));
    re.is_match(text).unwrap_or(false)
}

fn check(dir: &Path) -> Result<(), String> {
    let meta: J = serde_json::from_str(&read(&dir.join("vector.json"))).unwrap();
    let template = read(&dir.join("template.vtl"));
    let ctx_json: J = serde_json::from_str(&read(&dir.join("context.json"))).unwrap();
    let mut ctx = Context::appsync(ctx_json).map_err(|e| e.to_string())?;
    if let Some(mode) = meta["engine_options"]["authType"].as_str() {
        ctx = ctx.with_auth_mode(mode.parse::<AuthMode>().map_err(|e| e.to_string())?);
    }
    let engine = Engine::new()
        .with_clock(Clock::Fixed(1_517_943_695_758))
        .with_ids(IdSource::Seeded(42));
    let kind = meta["match"].as_str().unwrap_or("exact");
    let result = engine
        .compile("template.vtl", &template)
        .and_then(|t| t.render(&ctx));
    if kind == "error" {
        let expected = &meta["expected_error"];
        // AppSync checks the output after rendering: it must be one JSON value, and a
        // data-source request must name its operation.
        let error = match result {
            Err(e) => e,
            Ok(r) => match r.to_json().and_then(|j| {
                // The vectors' requests without a payload are DynamoDB requests.
                let kind = if j.get("payload").is_some() {
                    DataSourceKind::AwsLambda
                } else {
                    DataSourceKind::AmazonDynamoDb
                };
                appsync_vtl::validate_request(kind, &j).map(|_| j)
            }) {
                Err(e) => e,
                Ok(j) => return Err(format!("expected an error, rendered {:?} ({j})", r.output)),
            },
        };
        let got = error.appsync_error();
        if expected["message"] != J::String(got.message.clone()) {
            return Err(format!(
                "message {:?}, expected {}",
                got.message, expected["message"]
            ));
        }
        if let Some(t) = expected.get("type")
            && *t != J::from(got.error_type.clone())
        {
            return Err(format!("type {:?}, expected {t}", got.error_type));
        }
        for (key, value) in [("data", &got.data), ("errorInfo", &got.error_info)] {
            if let Some(e) = expected.get(key)
                && Some(e) != value.as_ref()
            {
                return Err(format!("{key} {value:?}, expected {e}"));
            }
        }
        return Ok(());
    }
    let rendered = result.map_err(|e| format!("{e:#}"))?;
    let evaluation_result = rendered.evaluation_result();
    let out = &*evaluation_result;
    match kind {
        "exact" => {
            let expected = read(&dir.join("expected.out"));
            if out != expected {
                return Err(format!("output {out:?}\n    expected {expected:?}"));
            }
        }
        "json" | "json-template" => {
            let expected: J = serde_json::from_str(read(&dir.join("expected.out")).trim()).unwrap();
            let actual = appsync_vtl::parse_output(out).map_err(|e| format!("{e}: {out:?}"))?;
            if !json_equal(&expected, &actual) {
                return Err(format!("JSON {actual}\n    expected {expected}"));
            }
        }
        "pattern" => {
            let pattern = read(&dir.join("expected.pattern"));
            if !pattern_matches(&pattern, out) {
                return Err(format!("output {out:?} does not match {pattern:?}"));
            }
        }
        "none" => {}
        other => return Err(format!("unknown match kind {other}")),
    }
    if let Some(expected) = meta.get("expected_out_errors") {
        let got: Vec<J> = rendered
            .errors
            .iter()
            .map(|e| {
                let mut m = serde_json::Map::new();
                m.insert("message".into(), J::from(e.message.clone()));
                if let Some(t) = &e.error_type {
                    m.insert("errorType".into(), J::from(t.clone()));
                }
                J::Object(m)
            })
            .collect();
        if *expected != J::Array(got.clone()) {
            return Err(format!("appended errors {got:?}, expected {expected}"));
        }
    }
    if let Some(expected) = meta.get("expected_logs") {
        let got = J::from(rendered.logs.clone());
        if *expected != got {
            return Err(format!("logs {got}, expected {expected}"));
        }
    }
    if let Some(expected) = meta.get("expected_headers") {
        let got = J::Object(rendered.response_headers.clone());
        if *expected != got {
            return Err(format!("response headers {got}, expected {expected}"));
        }
    }
    if let Some(expected) = meta.get("expected_extensions") {
        let ext = &rendered.extensions;
        let mut got = serde_json::Map::new();
        if !ext.evictions.is_empty() {
            got.insert("evictions".into(), J::from(ext.evictions.clone()));
        }
        if let Some(f) = &ext.subscription_filter {
            got.insert("subscription_filter".into(), f.clone());
        }
        if let Some(f) = &ext.subscription_invalidation_filter {
            got.insert("subscription_invalidation_filter".into(), f.clone());
        }
        if !ext.invalidations.is_empty() {
            got.insert("invalidations".into(), J::from(ext.invalidations.clone()));
        }
        if *expected != J::Object(got.clone()) {
            return Err(format!("extensions {got:?}, expected {expected}"));
        }
    }
    Ok(())
}

fn check_all(dirs: &[PathBuf]) {
    let mut failures = Vec::new();
    for dir in dirs {
        if let Err(why) = check(dir) {
            failures.push(format!(
                "{}: {why}",
                dir.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn every_documented_vector_renders_as_documented() {
    let dirs = vectors("appsync-docs");
    assert_eq!(dirs.len(), 181, "the AWS documentation vectors");
    check_all(&dirs);
}

/// Helpers and behaviours the documentation vectors do not cover (`fixtures/appsync-helpers`):
/// each vector says in `basis` whether it follows documented semantics or is our choice.
#[test]
fn every_helper_vector_renders_as_specified() {
    let dirs = vectors("appsync-helpers");
    assert!(dirs.len() >= 30);
    check_all(&dirs);
}
