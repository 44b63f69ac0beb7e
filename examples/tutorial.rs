//! The AppSync + Auth0 "Dogs" tutorial, end to end and offline:
//! an Auth0 token → `$ctx.identity` → the `createDog` request (a DynamoDB `PutItem`) → a
//! DynamoDB answer → the response template → GraphQL data; then `listDogs` for that user
//! (a `Query` on the `userId-index` GSI).
//!
//! Run with `cargo run --example tutorial`: the table is a small in-memory stand-in.
//!
//! With `cargo run --features dynamodb --example tutorial -- --dynamodb` it runs against
//! real DynamoDB, or the DynamoDB-compatible server the AWS environment names
//! (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_REGION`, credentials): it creates `DogsTable` (with
//! the `userId-index` GSI) if missing, two users create dogs, each `listDogs` returns only
//! the caller's dogs, and a `createDog` whose id collides with an existing dog fails through
//! the template's condition with AppSync's error. `--dynamodb --create-table` only creates
//! the table (for the README's `appsync-vtl resolve` walk-through).

use std::sync::{Arc, Mutex};

use appsync_vtl::resolver::{DataSourceKind, from_dynamodb_json, identity_from_jwt};
use appsync_vtl::{
    Context, DataSource, DataSourceError, DataSourceResult, Engine, IdSource, Resolver,
};
use base64::Engine as _;
use serde_json::{Value as J, json};

const CREATE_DOG: &str = include_str!("../fixtures/tutorial/create_dog/request.vtl");
const LIST_DOGS: &str = include_str!("../fixtures/tutorial/list_dogs/request.vtl");
const RESPONSE: &str = include_str!("../fixtures/tutorial/list_dogs_response/response.vtl");

/// An Auth0-style token (unsigned: AppSync's gateway checks signatures, the templates only
/// see the claims).
fn auth0_token(sub: &str) -> String {
    let part = |v: J| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.signature",
        part(json!({"alg": "RS256", "typ": "JWT"})),
        part(
            json!({"sub": sub, "iss": "https://dogs.eu.auth0.com/", "aud": "dogs-api", "exp": 1_900_000_000})
        )
    )
}

/// A tiny in-memory stand-in for the Dogs table: answers PutItem and Query the way AppSync's
/// DynamoDB data source does (items as plain JSON).
#[derive(Default)]
struct DogsTable {
    items: Mutex<Vec<J>>,
}

impl DataSource for DogsTable {
    fn invoke(&self, request: &J) -> DataSourceResult {
        let mut items = self
            .items
            .lock()
            .map_err(|_| DataSourceError::new("lock", "Internal"))?;
        match request["operation"].as_str() {
            Some("PutItem") => {
                let mut item = serde_json::Map::new();
                for section in ["key", "attributeValues"] {
                    for (k, v) in request[section].as_object().into_iter().flatten() {
                        item.insert(k.clone(), from_dynamodb_json(v).unwrap_or(J::Null));
                    }
                }
                let item = J::Object(item);
                items.push(item.clone());
                Ok(item)
            }
            Some("Query") => {
                let user = from_dynamodb_json(&request["query"]["expressionValues"][":userId"])
                    .unwrap_or(J::Null);
                let mine: Vec<J> = items
                    .iter()
                    .filter(|d| d["userId"] == user)
                    .cloned()
                    .collect();
                Ok(json!({"items": mine, "nextToken": null, "scannedCount": mine.len()}))
            }
            other => Err(DataSourceError::new(
                format!("unsupported operation {other:?}"),
                "DynamoDB:ValidationException",
            )),
        }
    }

    fn kind(&self) -> DataSourceKind {
        DataSourceKind::AmazonDynamoDb
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--dynamodb") {
        return against_dynamodb();
    }
    let engine = Engine::new().with_ids(IdSource::Seeded(2024));
    let table = Arc::new(DogsTable::default());

    let token = auth0_token("auth0|5f7c8ec7");
    println!("1. Auth0 token\n{token}\n");
    let (mode, identity) = identity_from_jwt(&token, None, &[])?;
    println!(
        "2. $ctx.identity ({})\n{}\n",
        mode.name(),
        serde_json::to_string_pretty(&identity)?
    );

    let create = Resolver::unit(
        Some(engine.compile("createDog.req.vtl", CREATE_DOG)?),
        Some(engine.compile("createDog.res.vtl", RESPONSE)?),
        table.clone(),
    );
    let ctx = Context::appsync(json!({
        "arguments": {"input": {"name": "Frankie"}},
        "info": {"fieldName": "createDog", "parentTypeName": "Mutation"}
    }))?
    .with_identity(identity.clone())
    .with_auth_mode(mode);
    let created = create.resolve(&ctx);
    for step in &created.steps {
        println!("3. createDog — {}\n{}\n", step.name, step.output.trim());
    }
    println!(
        "4. createDog GraphQL result\n{}\n",
        serde_json::to_string_pretty(&created.to_json())?
    );

    let list = Resolver::unit(
        Some(engine.compile("listDogs.req.vtl", LIST_DOGS)?),
        Some(engine.compile("listDogs.res.vtl", RESPONSE)?),
        table,
    );
    let ctx = Context::appsync(json!({
        "arguments": {},
        "info": {"fieldName": "listDogs", "parentTypeName": "Query"}
    }))?
    .with_identity(identity)
    .with_auth_mode(mode);
    let listed = list.resolve(&ctx);
    println!("5. listDogs request\n{}\n", listed.steps[0].output.trim());
    println!(
        "6. listDogs GraphQL result\n{}",
        serde_json::to_string_pretty(&listed.to_json())?
    );
    assert_eq!(listed.data["items"][0]["userId"], "auth0|5f7c8ec7");
    Ok(())
}

#[cfg(not(feature = "dynamodb"))]
fn against_dynamodb() -> Result<(), Box<dyn std::error::Error>> {
    Err("--dynamodb needs the `dynamodb` feature: cargo run --features dynamodb --example tutorial -- --dynamodb".into())
}

#[cfg(feature = "dynamodb")]
fn against_dynamodb() -> Result<(), Box<dyn std::error::Error>> {
    use appsync_vtl::resolver::DynamoDbDataSource;

    let table = Arc::new(DynamoDbDataSource::new("DogsTable", None)?);
    table
        .ensure_table("id", None, &[("userId-index", "userId", None)])
        .map_err(|e| format!("creating DogsTable: {}: {}", e.error_type, e.message))?;
    println!("DogsTable is ready\n");
    if std::env::args().any(|a| a == "--create-table") {
        return Ok(());
    }
    // Random ids for normal use; a seeded id source repeats its ids at every render, which
    // is how the collision below is made.
    let engine = Engine::new();
    let resolver = |engine: &Engine, request: &str| -> Result<Resolver, appsync_vtl::Error> {
        Ok(Resolver::unit(
            Some(engine.compile("request.vtl", request)?),
            Some(engine.compile("response.vtl", RESPONSE)?),
            table.clone(),
        ))
    };
    let caller = |sub: &str, args: J| -> Result<Context, Box<dyn std::error::Error>> {
        let (mode, identity) = identity_from_jwt(&auth0_token(sub), None, &[])?;
        Ok(Context::appsync(json!({"arguments": args}))?
            .with_identity(identity)
            .with_auth_mode(mode))
    };
    let create = resolver(&engine, CREATE_DOG)?;
    for (sub, name) in [
        ("auth0|alice", "Rex"),
        ("auth0|alice", "Luna"),
        ("auth0|bob", "Fido"),
    ] {
        let r = create.resolve(&caller(sub, json!({"input": {"name": name}}))?);
        println!(
            "createDog({name}) as {sub}\n{}\n",
            serde_json::to_string_pretty(&r.to_json())?
        );
    }
    let list = resolver(&engine, LIST_DOGS)?;
    for sub in ["auth0|alice", "auth0|bob"] {
        let r = list.resolve(&caller(sub, json!({}))?);
        let names: Vec<&str> = r.data["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["userId"] == sub)
            .filter_map(|d| d["name"].as_str())
            .collect();
        let all = r.data["items"].as_array().map_or(0, Vec::len);
        println!("listDogs as {sub}: {all} dogs, all the caller's own: {names:?}\n");
        assert_eq!(all, names.len(), "listDogs returned another user's dog");
    }
    let seeded = Engine::new().with_ids(IdSource::Seeded(99));
    let colliding = resolver(&seeded, CREATE_DOG)?;
    colliding.resolve(&caller("auth0|alice", json!({"input": {"name": "Max"}}))?);
    let r = colliding.resolve(&caller("auth0|bob", json!({"input": {"name": "Bella"}}))?);
    println!(
        "createDog(Bella) with an id that is taken\n{}",
        serde_json::to_string_pretty(&r.to_json())?
    );
    Ok(())
}
