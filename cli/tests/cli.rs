//! The command-line tool: exit statuses, `evaluate`, `resolve` and `test`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as J;

/// The repository root, where the fixtures are.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appsync-vtl"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run appsync-vtl")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn render_prints_the_tutorial_request_exactly() {
    let o = run(&[
        "render",
        "fixtures/tutorial/create_dog/request.vtl",
        "--context",
        "fixtures/tutorial/create_dog/context.json",
        "--seed",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.ends_with("}\n"),
        "no newline added beyond the template's own"
    );
    let json = appsync_vtl::resolver::parse_output(&out).unwrap();
    assert_eq!(json["attributeValues"]["userId"]["S"], "auth0|5f7c8ec7");
}

#[test]
fn render_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let ok = file("ok.vtl", "hi");
    let syntax = file("syntax.vtl", "#if(true)");
    let failing = file("failing.vtl", "$s.substring(9)");
    let vars = file("vars.json", r#"{"s": "ab"}"#);
    let bad_json = file("bad.json", "{nope");
    let not_utf8 = dir.path().join("latin1.vtl");
    std::fs::write(&not_utf8, [0xe9u8, 0x0a]).unwrap();
    let dir_path = dir.path().display().to_string();

    assert_eq!(run(&["render", &ok]).status.code(), Some(0));
    let missing = run(&["render", "no/such/file.vtl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no/such/file.vtl"));
    assert_eq!(run(&["render", &dir_path]).status.code(), Some(2));
    assert_eq!(
        run(&["render", &not_utf8.display().to_string()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["render", &ok, "--context", &bad_json]).status.code(),
        Some(2)
    );
    let s = run(&["render", &syntax]);
    assert_eq!(s.status.code(), Some(3));
    assert!(
        stderr(&s).contains(":1:10: #if opened on line 1 is not closed"),
        "{}",
        stderr(&s)
    );
    let f = run(&["render", &failing, "--vars", &vars]);
    assert_eq!(f.status.code(), Some(4));
    assert!(
        stderr(&f).contains("StringIndexOutOfBoundsException"),
        "{}",
        stderr(&f)
    );
}

#[test]
fn evaluate_is_shaped_like_evaluate_mapping_template() {
    let o = run(&[
        "evaluate",
        "--template",
        "fixtures/tutorial/create_dog/request.vtl",
        "--context",
        "fixtures/tutorial/create_dog/context.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let response: J = serde_json::from_str(&stdout(&o)).unwrap();
    let result = response["evaluationResult"].as_str().unwrap();
    let request = appsync_vtl::resolver::parse_output(result).unwrap();
    assert_eq!(request["operation"], "PutItem");
    assert!(response.get("error").is_none());
    assert_eq!(response["stash"], "{}");
    assert_eq!(response["outErrors"], "[]");
    assert_eq!(response["logs"], serde_json::json!([]));
}

#[test]
fn evaluate_reports_util_error_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("t.vtl");
    std::fs::write(
        &template,
        "$util.log.info(\"before {}\", 1)\n{\n  $util.error(\"boom\", \"Custom\")\n}",
    )
    .unwrap();
    let o = run(&["evaluate", "--template", &template.display().to_string()]);
    assert_eq!(o.status.code(), Some(0));
    let response: J = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(response["error"]["message"], "boom");
    assert_eq!(response["error"]["errorType"], "Custom");
    assert_eq!(response["error"]["line"], 3);
    assert!(response.get("evaluationResult").is_none());
    // What the template logged before it failed is kept: that is when logs are needed.
    assert_eq!(response["logs"], serde_json::json!(["INFO: before 1"]));
}

#[test]
fn render_prints_a_returned_value_as_appsync_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("t.vtl");
    std::fs::write(&template, "ignored text #return({\"a\": [1, true]}) never").unwrap();
    let o = run(&["render", &template.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), r#"{"a":[1,true]}"#);
}

#[test]
fn evaluate_builds_the_identity_from_a_jwt() {
    // {"alg":"none"} . {"sub":"auth0|9","iss":"https://example.auth0.com/"}
    let token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhdXRoMHw5IiwiaXNzIjoiaHR0cHM6Ly9leGFtcGxlLmF1dGgwLmNvbS8ifQ.";
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("t.vtl");
    std::fs::write(
        &template,
        "$ctx.identity.sub|$ctx.identity.issuer|$util.authType()",
    )
    .unwrap();
    let o = run(&[
        "evaluate",
        "--template",
        &template.display().to_string(),
        "--jwt",
        token,
    ]);
    let response: J = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        response["evaluationResult"],
        "auth0|9|https://example.auth0.com/|Open ID Connect Authorization"
    );
    let bad = run(&[
        "evaluate",
        "--template",
        &template.display().to_string(),
        "--jwt",
        "nope",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn resolve_runs_a_pipeline_from_its_description() {
    let o = run(&[
        "resolve",
        "fixtures/resolvers/get_dog_pipeline.json",
        "--context",
        "fixtures/resolvers/get_dog.context.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out: J = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(out["data"]["name"], "Frankie");
    assert_eq!(out["errors"], serde_json::json!([]));
}

#[test]
fn resolve_writes_each_step_with_the_context_it_saw() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("steps.json");
    let o = run(&[
        "resolve",
        "fixtures/resolvers/get_dog_pipeline.json",
        "--context",
        "fixtures/resolvers/get_dog.context.json",
        "--trace-json",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let steps: J = serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    let names: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "before",
            "function getDog: request",
            "function getDog: data source request",
            "function getDog: data source answer",
            "function getDog: response",
            "after"
        ]
    );
    // The before template put the owner into the stash: the function's steps see it, and
    // the response template sees the data source's answer as its result.
    assert_eq!(steps[0]["context"]["stash"], serde_json::json!({}));
    assert_eq!(steps[1]["context"]["stash"]["owner"], "auth0|1");
    assert_eq!(steps[4]["context"]["result"]["name"], "Frankie");
    assert!(steps[2].get("context").is_none());
}

#[test]
fn resolve_names_the_field_from_the_resolver_file() {
    // The context has no `info`: the resolver file's typeName/fieldName fill it, so the
    // error's path names the field as AppSync's does.
    let o = run(&[
        "resolve",
        "fixtures/resolvers/get_dog_pipeline.json",
        "--context",
        "fixtures/resolvers/get_dog.other_user.context.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out: J = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(out["data"], J::Null);
    assert_eq!(out["errors"][0]["errorType"], "Unauthorized");
    assert_eq!(out["errors"][0]["path"], serde_json::json!(["getDog"]));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

#[test]
fn test_command_passes_on_fixtures_and_shows_a_diff_when_broken() {
    let o = run(&["test", "fixtures/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let summary = stdout(&o);
    assert!(
        summary.trim_end().ends_with(" passed, 0 failed"),
        "{summary}"
    );

    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("fixtures/tutorial"), dir.path());
    let expected = dir.path().join("list_dogs/expected.out");
    let text = std::fs::read_to_string(&expected)
        .unwrap()
        .replace("userId-index", "ownerId-index");
    std::fs::write(&expected, text).unwrap();
    let o = run(&["test", &dir.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("FAILED"), "{out}");
    // (Not a terminal: no colour; the part of the line that changed is marked.)
    assert!(
        out.contains("-  \"index\" : [-\"ownerId-index\",-]"),
        "{out}"
    );
    assert!(
        out.contains("+  \"index\" : {+\"userId-index\",+}"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "{out}");
    assert!(out.trim_end().ends_with("3 passed, 1 failed"), "{out}");

    // --bless rewrites the expectation; the next run passes.
    let o = run(&["test", "--bless", &dir.path().display().to_string()]);
    assert!(stdout(&o).contains("rewritten"), "{}", stdout(&o));
    assert_eq!(
        run(&["test", &dir.path().display().to_string()])
            .status
            .code(),
        Some(0)
    );
    assert!(
        std::fs::read_to_string(&expected)
            .unwrap()
            .contains("userId-index")
    );
}

#[test]
fn bench_times_warm_cold_and_parse() {
    let o = run(&[
        "bench",
        "fixtures/tutorial/create_dog/request.vtl",
        "--context",
        "fixtures/tutorial/create_dog/context.json",
        "--seed",
        "1",
        "--iterations",
        "20",
        "--runs",
        "3",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: J = serde_json::from_str(&stdout(&o)).unwrap();
    for key in ["warm_ns", "cold_ns", "parse_ns"] {
        assert!(report[key].as_u64().is_some_and(|ns| ns > 0), "{report}");
    }
    // (Whether a cold render takes longer than a compile is not asserted: both are medians
    // of separate timings, and on a loaded machine a 20-iteration run can order them either
    // way. Speed is for the benchmarks.)
    assert_eq!(
        (report["iterations"].as_u64(), report["runs"].as_u64()),
        (Some(20), Some(3))
    );

    if cfg!(target_os = "linux") {
        assert!(report["rss_before_kb"].as_u64().is_some(), "{report}");
    }

    // A template that fails to render is refused rather than timed.
    let o = run(&["bench", "fixtures/hostile/range-two-billion/template.vtl"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let text = run(&[
        "bench",
        "fixtures/tutorial/list_dogs/request.vtl",
        "--iterations",
        "5",
        "--runs",
        "1",
    ]);
    assert!(
        stdout(&text).contains("warm render (compiled once)"),
        "{}",
        stdout(&text)
    );
}

#[test]
#[cfg(target_os = "linux")]
fn renders_of_a_cached_template_do_not_grow_memory() {
    // 20 000 renders of the tutorial template: a leak of even 20 bytes per render would
    // show as 400 kB between the two readings.
    let o = run(&[
        "bench",
        "fixtures/tutorial/create_dog/request.vtl",
        "--context",
        "fixtures/tutorial/create_dog/context.json",
        "--iterations",
        "20000",
        "--runs",
        "1",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: J = serde_json::from_str(&stdout(&o)).unwrap();
    let (before, after) = (
        report["rss_before_kb"].as_u64().unwrap(),
        report["rss_after_kb"].as_u64().unwrap(),
    );
    assert!(after <= before + 256, "{report}");
}

fn run_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_appsync-vtl"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run appsync-vtl");
    // (A command that does not read its standard input may exit before the write: the pipe
    // is then closed, which is no failure of the test.)
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn files_are_taken_as_the_aws_cli_takes_them() {
    // Inline JSON, file://, and - for standard input.
    let o = run_with_stdin(
        &["render", "-", "--context", r#"{"arguments": {"id": "7"}}"#],
        "id=$ctx.args.id",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "id=7");
    let o = run(&[
        "render",
        "file://fixtures/tutorial/create_dog/request.vtl",
        "--context",
        "file://fixtures/tutorial/create_dog/context.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("PutItem"));
    let o = run_with_stdin(
        &["evaluate", "--template", "$ctx.args.x", "--context", "-"],
        r#"{"arguments": {"x": 1}}"#,
    );
    // (A template is never inline: `--template` names a file.)
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = run_with_stdin(&["render", "-", "--context", "-"], "x");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("only one argument can read standard input"));
}

#[test]
fn resolve_has_its_own_exit_status_for_a_bad_resolver_file() {
    let o = run_with_stdin(&["resolve", "-"], r#"{"kind": "PIPELINE"}"#);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("pipelineConfig.functions"));
    let o = run(&[
        "resolve",
        r##"{"kind": "UNIT", "requestMappingTemplate": "#if("}"##,
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

#[test]
fn test_runs_only_the_cases_a_filter_names() {
    let o = run(&["test", "fixtures/appsync-helpers", "--filter", "accepts-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).trim_end().ends_with("7 passed, 0 failed"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "test",
        "fixtures/appsync-helpers",
        "--filter",
        "no-such-case",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("appsync-vtl"), "{shell}");
        assert!(stdout(&o).contains("trace-json"), "{shell}");
    }
}

#[test]
fn test_watch_runs_again_when_a_case_changes() {
    use std::io::BufRead as _;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("fixtures/tutorial"), dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_appsync-vtl"))
        .args(["test", "--watch", &dir.path().display().to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    // Lines until one containing `what` (or nothing for 20 s: a hang fails the test).
    let wait_for = |what: &str| -> Vec<String> {
        let mut seen = Vec::new();
        while let Ok(line) = rx.recv_timeout(Duration::from_secs(20)) {
            let done = line.contains(what);
            seen.push(line);
            if done {
                return seen;
            }
        }
        panic!("no `{what}` in {seen:?}");
    };
    assert!(
        wait_for("watching for changes")
            .iter()
            .any(|l| l.ends_with("4 passed, 0 failed"))
    );
    let expected = dir.path().join("list_dogs/expected.out");
    let text = std::fs::read_to_string(&expected).unwrap();
    std::fs::write(&expected, text.replace("userId-index", "ownerId-index")).unwrap();
    let second = wait_for("watching for changes");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        second.iter().any(|l| l.ends_with("3 passed, 1 failed")),
        "{second:?}"
    );
}
