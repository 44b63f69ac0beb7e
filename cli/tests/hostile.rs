//! Untrusted input through the command line: each case of the hostile corpus
//! (`fixtures/hostile`) exits with its status and message, and bad input files are bad input.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as J;

/// The repository root, where the fixtures are.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_appsync-vtl"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn deep_json(depth: usize) -> String {
    format!(
        "{{\"arguments\": {{\"deep\": {}1{}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[test]
fn the_cli_reports_each_hostile_case_with_its_exit_status_and_message() {
    let dir = root().join("fixtures/hostile");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for case in cases {
        let settings: J =
            serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap())
                .unwrap();
        let template = case.join("template.vtl").display().to_string();
        let mut args = vec!["render", template.as_str(), "--seed", "1"];
        let profile = settings["profile"]
            .as_str()
            .unwrap_or("appsync")
            .to_string();
        args.extend(["--profile", profile.as_str()]);
        let context = case.join("context.json").display().to_string();
        if case.join("context.json").exists() {
            args.extend(["--context", context.as_str()]);
        }
        let (code, _, err) = cli(&args);
        let want = settings["x_cli_exit"].as_i64().map(|c| c as i32);
        assert_eq!(code, want, "{}: {err}", case.display());
        if let Some(m) = settings["x_cli_message"].as_str() {
            assert!(err.contains(m), "{}: {err}", case.display());
        }
    }
}

#[test]
fn context_json_nested_100k_deep_is_a_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = dir.path().join("ctx.json");
    std::fs::write(&ctx, deep_json(100_000)).unwrap();
    let (code, _, err) = cli(&[
        "render",
        "fixtures/tutorial/list_dogs/request.vtl",
        "--context",
        &ctx.display().to_string(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("recursion limit exceeded"), "{err}");
}

#[test]
fn invalid_utf8_nul_and_huge_numbers_in_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let t = write("t.vtl", b"$ctx.args.n|$ctx.args.s.length()");
    let latin1 = write("latin1.json", b"{\"arguments\": {\"s\": \"caf\xe9\"}}");
    let (code, _, err) = cli(&["render", &t, "--context", &latin1]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not valid UTF-8"), "{err}");

    let too_big = write("big.json", b"{\"arguments\": {\"n\": 1e400}}");
    let (code, _, err) = cli(&["render", &t, "--context", &too_big]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("number out of range"), "{err}");

    // Integers past 64 bits are read as doubles (Jackson would make a BigInteger).
    let forty = write(
        "forty.json",
        b"{\"arguments\": {\"n\": 1234567890123456789012345678901234567890, \"s\": \"a\\u0000b\"}}",
    );
    let (code, out, err) = cli(&["render", &t, "--context", &forty]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "1.2345678901234568E39|3");
}

#[test]
fn unreadable_and_missing_files() {
    let (code, _, err) = cli(&["render", "no/such.vtl"]);
    assert_eq!(
        (code, err.contains("no/such.vtl")),
        (Some(2), true),
        "{err}"
    );
    let (code, _, err) = cli(&["render", "fixtures"]);
    assert_eq!(
        (code, err.contains("is a directory")),
        (Some(2), true),
        "{err}"
    );
    let (code, _, err) = cli(&[
        "render",
        "fixtures/tutorial/list_dogs/request.vtl",
        "--context",
        "fixtures",
    ]);
    assert_eq!(
        (code, err.contains("is a directory")),
        (Some(2), true),
        "{err}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("locked.vtl");
        std::fs::write(&p, "x").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
        // root reads anything; the check only means something for other users.
        if std::fs::read(&p).is_err() {
            let (code, _, err) = cli(&["render", &p.display().to_string()]);
            assert_eq!(code, Some(2), "{err}");
            assert!(err.contains("ermission denied"), "{err}");
        }
    }
}
