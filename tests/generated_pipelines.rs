//! Whole resolvers that AWS's own generator emits, end to end on a DynamoDB-compatible server
//! (feature `dynamodb`): the Amplify GraphQL transformer v2's create, get, list, update and
//! delete pipelines of `Task` (`fixtures/generated/amplify-v2/owners`), a model with an
//! owner rule and an `Admin` group rule. Each pipeline runs as its resolver file describes
//! it (before template, init, auth, postAuth and data functions, after template), and the
//! data functions talk to a real table.
//!
//! What the generated code intends, and what these tests check:
//! - the owner sees and changes their own items;
//! - another user is refused on a get, sees none of them in a list, and cannot update or
//!   delete them (the auth step reads the item and checks its owner);
//! - a member of `Admin` sees, changes and deletes everybody's items.
//!
//! The server comes from the AWS environment, as in `tests/dynamodb.rs`; CI starts moto.
#![cfg(feature = "dynamodb")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use appsync_vtl::resolver::{DataSourceFactory, DynamoDbDataSource};
use appsync_vtl::{AuthMode, Context, DataSource, Engine, Resolution, Resolver};
use serde_json::{Value as J, json};

fn endpoint() -> bool {
    common::dynamodb_endpoint()
}

fn pipelines() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/generated/amplify-v2/owners/pipelines")
}

/// Every DynamoDB data source of the resolver files, on a table of this test's own (the
/// generated table name with the test's tag and the process id), made on first use.
struct Tables(String);

impl DataSourceFactory for Tables {
    fn data_source(&self, config: &J) -> Option<Arc<dyn DataSource>> {
        if config.get("type").and_then(J::as_str) != Some("AMAZON_DYNAMODB") {
            return None;
        }
        let table = config.pointer("/dynamodbConfig/tableName")?.as_str()?;
        let table = format!("{table}_{}_{}", self.0, std::process::id());
        let source = DynamoDbDataSource::new(&table, Some("us-east-1")).ok()?;
        source.ensure_table("id", None, &[]).ok()?;
        Some(Arc::new(source))
    }
}

struct Api {
    engine: Engine,
    tables: Tables,
}

/// A Cognito user pools caller, as AppSync builds `$ctx.identity` from the token.
fn caller(sub: &str, username: &str, groups: &[&str]) -> J {
    let mut claims = json!({
        "sub": sub,
        "cognito:username": username,
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example",
        "token_use": "id",
    });
    if !groups.is_empty() {
        claims["cognito:groups"] = json!(groups);
    }
    json!({
        "sub": sub,
        "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example",
        "username": username,
        "claims": claims,
        "sourceIp": ["203.0.113.7"],
        "defaultAuthStrategy": "ALLOW",
        "groups": if groups.is_empty() { J::Null } else { json!(groups) },
    })
}

impl Api {
    fn new(tag: &str) -> Api {
        Api {
            // Random ids: every create makes a new item.
            engine: Engine::new(),
            tables: Tables(tag.to_string()),
        }
    }

    fn call(&self, field: &str, args: J, identity: &J) -> Resolution {
        let path = pipelines().join(format!("{field}.json"));
        let config: J = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let resolver =
            Resolver::from_config_with(&config, &pipelines(), &self.engine, &self.tables)
                .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        let (type_name, field_name) = field.split_once('.').unwrap();
        let context = Context::appsync(json!({
            "arguments": args,
            "identity": identity,
            "info": {"fieldName": field_name, "parentTypeName": type_name, "variables": {},
                     "selectionSetList": ["id", "title", "done", "priority", "owner"]},
            "request": {"headers": {"host": "example.appsync-api.us-east-1.amazonaws.com"}},
        }))
        .unwrap()
        .with_auth_mode(AuthMode::AmazonCognitoUserPools);
        resolver.resolve(&context)
    }

    /// A call that must succeed: its data.
    fn ok(&self, field: &str, args: J, identity: &J) -> J {
        let r = self.call(field, args, identity);
        assert!(
            r.errors.is_empty(),
            "{field}: {:?}\n{:#?}",
            r.errors,
            r.steps
        );
        r.data
    }

    /// A call that must fail: its first error's type.
    fn refused(&self, field: &str, args: J, identity: &J) -> String {
        let r = self.call(field, args, identity);
        assert_eq!(r.data, J::Null, "{field}: {:#?}", r.steps);
        let e = r
            .errors
            .first()
            .unwrap_or_else(|| panic!("{field}: no error"));
        e.error_type.clone().unwrap_or_default()
    }

    fn create(&self, title: &str, identity: &J) -> String {
        let task = self.ok(
            "Mutation.createTask",
            json!({"input": {"title": title, "done": false, "priority": 1}}),
            identity,
        );
        assert_eq!(task["title"], title);
        task["id"].as_str().unwrap().to_string()
    }

    fn titles(&self, identity: &J) -> Vec<String> {
        let data = self.ok("Query.listTasks", json!({"limit": 100}), identity);
        let mut titles: Vec<String> = data["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect();
        titles.sort();
        titles
    }
}

#[test]
fn owners_see_their_items_others_are_refused_and_the_admin_group_sees_all() {
    if !endpoint() {
        return;
    }
    let api = Api::new("owners");
    let alice = caller("a1a1a1a1-0000-4000-8000-000000000001", "alice", &[]);
    let bob = caller("b2b2b2b2-0000-4000-8000-000000000002", "bob", &[]);
    let admin = caller("c3c3c3c3-0000-4000-8000-000000000003", "carol", &["Admin"]);

    let walk = api.create("walk the dog", &alice);
    api.create("buy food", &alice);
    let bobs = api.create("fix the bike", &bob);

    // The auth step put the owner into the input; the data step stored it.
    let task = api.ok("Query.getTask", json!({"id": walk}), &alice);
    assert_eq!(task["title"], "walk the dog");
    assert_eq!(task["owner"], "a1a1a1a1-0000-4000-8000-000000000001::alice");

    // Another user: refused on a get, filtered out of a list.
    assert_eq!(
        api.refused("Query.getTask", json!({"id": walk}), &bob),
        "Unauthorized"
    );
    assert_eq!(api.titles(&alice), ["buy food", "walk the dog"]);
    assert_eq!(api.titles(&bob), ["fix the bike"]);
    // The group sees everybody's.
    assert_eq!(
        api.titles(&admin),
        ["buy food", "fix the bike", "walk the dog"]
    );
    assert_eq!(
        api.ok("Query.getTask", json!({"id": bobs}), &admin)["title"],
        "fix the bike"
    );

    // Updates: the owner may, another user may not (the item stays as it was), the group may.
    let done = api.ok(
        "Mutation.updateTask",
        json!({"input": {"id": walk, "done": true}}),
        &alice,
    );
    assert_eq!(done["done"], true);
    // (The auth step reads the item first and checks its owner itself.)
    assert_eq!(
        api.refused(
            "Mutation.updateTask",
            json!({"input": {"id": walk, "title": "mine now"}}),
            &bob,
        ),
        "Unauthorized"
    );
    assert_eq!(
        api.ok("Query.getTask", json!({"id": walk}), &alice)["title"],
        "walk the dog"
    );
    assert_eq!(
        api.ok(
            "Mutation.updateTask",
            json!({"input": {"id": bobs, "priority": 5}}),
            &admin
        )["priority"],
        5
    );

    // Deletes: not by another user, by the owner, and by the group.
    assert_eq!(
        api.refused("Mutation.deleteTask", json!({"input": {"id": walk}}), &bob),
        "Unauthorized"
    );
    api.ok(
        "Mutation.deleteTask",
        json!({"input": {"id": walk}}),
        &alice,
    );
    assert_eq!(
        api.ok("Query.getTask", json!({"id": walk}), &alice),
        J::Null
    );
    api.ok(
        "Mutation.deleteTask",
        json!({"input": {"id": bobs}}),
        &admin,
    );
    assert_eq!(api.titles(&admin), ["buy food"]);
}
