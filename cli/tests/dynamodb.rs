//! `appsync-vtl resolve` against a DynamoDB-compatible server (feature `dynamodb`), named by
//! the AWS environment as in the library's `tests/dynamodb.rs`; CI starts moto.
#![cfg(feature = "dynamodb")]

#[path = "../../tests/common/mod.rs"]
mod common;

use appsync_vtl::resolver::DynamoDbDataSource;
use serde_json::{Value as J, json};

fn endpoint() -> bool {
    common::dynamodb_endpoint()
}

#[test]
fn the_cli_resolves_the_tutorial_against_the_table() {
    if !endpoint() {
        return;
    }
    let table = DynamoDbDataSource::new("DogsTable", None).unwrap();
    table
        .ensure_table("id", None, &[("userId-index", "userId", None)])
        .unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/tutorial/dynamodb");
    let resolve = |resolver: &str, context: &str, user: &str| -> J {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_appsync-vtl"))
            .args([
                "resolve",
                &format!("{dir}/{resolver}"),
                "--context",
                &format!("{dir}/{context}"),
            ])
            .args(["--jwt-file", &format!("{dir}/{user}.jwt")])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let rex = resolve("create_dog.json", "rex.json", "alice");
    assert_eq!(
        (rex["data"]["name"].clone(), rex["data"]["userId"].clone()),
        (json!("Rex"), json!("auth0|alice"))
    );
    resolve("create_dog.json", "fido.json", "bob");
    for user in ["alice", "bob"] {
        let listed = resolve("list_dogs.json", "no_arguments.json", user);
        let items = listed["data"]["items"].as_array().unwrap();
        assert!(!items.is_empty());
        assert!(
            items.iter().all(|d| d["userId"] == format!("auth0|{user}")),
            "{listed}"
        );
    }
}

#[test]
fn configuration_and_network_failures_are_clear_graphql_errors() {
    // No server needed: the environment is the subject.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/tutorial/dynamodb");
    let resolve = |env: &[(&str, &str)], remove: &[&str]| -> J {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_appsync-vtl"));
        cmd.args([
            "resolve",
            &format!("{dir}/list_dogs.json"),
            "--context",
            &format!("{dir}/no_arguments.json"),
            "--jwt-file",
            &format!("{dir}/alice.jwt"),
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        for k in remove {
            cmd.env_remove(k);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let credentials = [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ];
    let mut no_region = credentials.to_vec();
    no_region.push(("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9"));
    let r = resolve(
        &no_region,
        &["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"],
    );
    assert_eq!(r["data"], J::Null);
    assert_eq!(r["errors"][0]["errorType"], "Configuration", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("AWS_REGION"),
        "{r}"
    );
    // Nothing listens on port 9 of loopback: the cause, not a debug dump.
    let mut unreachable = no_region.clone();
    unreachable.push(("AWS_REGION", "us-east-1"));
    let r = resolve(&unreachable, &[]);
    assert_eq!(r["errors"][0]["errorType"], "DynamoDB:InternalServerError");
    let message = r["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Connection refused"), "{message}");
    assert!(!message.contains("DispatchFailure {"), "{message}");
}
