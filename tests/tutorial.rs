//! The AppSync + Auth0 tutorial templates (`fixtures/tutorial`), byte for byte and as JSON.

use std::path::Path;

use appsync_vtl::{Context, Engine, IdSource};

fn dir(case: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tutorial")
        .join(case)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn template_of(case: &str) -> std::path::PathBuf {
    let d = dir(case);
    let req = d.join("request.vtl");
    if req.exists() {
        req
    } else {
        d.join("response.vtl")
    }
}

fn context_of(case: &str) -> Context {
    Context::appsync(serde_json::from_str(&read(&dir(case).join("context.json"))).unwrap()).unwrap()
}

fn is_uuid_v4(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok_and(|u| u.get_version_num() == 4)
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && s == s.to_lowercase()
}

/// Checks `output` against `expected`, where `{{uuid}}` matches one lower-case v4 UUID.
fn matches_with_uuids(expected: &str, output: &str) -> bool {
    let mut rest = output;
    let mut parts = expected.split("{{uuid}}").peekable();
    while let Some(part) = parts.next() {
        let Some(after) = rest.strip_prefix(part) else {
            return false;
        };
        rest = after;
        if parts.peek().is_some() {
            if rest.len() < 36 || !is_uuid_v4(&rest[..36]) {
                return false;
            }
            rest = &rest[36..];
        }
    }
    rest.is_empty()
}

fn json_matches(expected: &serde_json::Value, actual: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (expected, actual) {
        (J::String(e), J::String(a)) if e == "{{uuid}}" => is_uuid_v4(a),
        (J::Object(e), J::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|w| json_matches(v, w)))
        }
        (J::Array(e), J::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| json_matches(x, y))
        }
        _ => expected == actual,
    }
}

fn check(case: &str) {
    let source = read(&template_of(case));
    let template = Engine::new().compile(case, &source).unwrap();
    let rendered = template.render(&context_of(case)).unwrap();
    let expected = read(&dir(case).join("expected.out"));
    assert!(
        matches_with_uuids(&expected, &rendered.output),
        "{case}: output differs\nexpected:\n{expected}\ngot:\n{}",
        rendered.output
    );
    let expected_json: serde_json::Value =
        serde_json::from_str(&read(&dir(case).join("expected.json"))).unwrap();
    let json = rendered.to_json().unwrap();
    assert!(
        json_matches(&expected_json, &json),
        "{case}: JSON differs: {json}"
    );
}

#[test]
fn create_dog_request() {
    check("create_dog");
}

#[test]
fn list_dogs_request() {
    check("list_dogs");
}

#[test]
fn list_dogs_request_next_page() {
    check("list_dogs_page2");
}

#[test]
fn list_dogs_response() {
    check("list_dogs_response");
}

#[test]
fn create_dog_puts_user_id_into_the_arguments_map() {
    // Maps are shared by reference: `$input.put(...)` is visible through `$ctx.args.input`.
    let source = read(&template_of("create_dog")) + "$util.toJson($ctx.args.input)";
    let rendered = Engine::new()
        .compile("create_dog", &source)
        .unwrap()
        .render(&context_of("create_dog"))
        .unwrap();
    assert!(
        rendered
            .output
            .ends_with("}\n{\"name\":\"Frankie\",\"userId\":\"auth0|5f7c8ec7\"}"),
        "{}",
        rendered.output
    );
}

#[test]
fn seeded_ids_are_reproducible_and_distinct_per_seed() {
    let source = read(&template_of("create_dog"));
    let render = |seed| {
        Engine::new()
            .with_ids(IdSource::Seeded(seed))
            .compile("create_dog", &source)
            .unwrap()
            .render(&context_of("create_dog"))
            .unwrap()
            .output
    };
    assert_eq!(render(1), render(1));
    assert_ne!(render(1), render(2));
}

#[test]
fn uuid_matcher_rejects_wrong_text() {
    assert!(matches_with_uuids(
        "a{{uuid}}b",
        "a3dfeb5aa-e597-4c88-b1be-d1b6cdbd33a8b"
    ));
    assert!(!matches_with_uuids(
        "a{{uuid}}b",
        "a3dfeb5aa-e597-4c88-b1be-d1b6cdbd33a8"
    ));
    assert!(!matches_with_uuids(
        "a{{uuid}}b",
        "aXdfeb5aa-e597-4c88-b1be-d1b6cdbd33a8b"
    ));
    assert!(!matches_with_uuids(
        "a{{uuid}}b",
        "a3dfeb5aa-e597-1c88-b1be-d1b6cdbd33a8b"
    ));
}
