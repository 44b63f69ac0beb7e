//! The AppSync + Auth0 "Dogs" tutorial, end to end and offline:
//! an Auth0 token → `$ctx.identity` → the `createDog` request (a DynamoDB `PutItem`) → a
//! DynamoDB answer → the response template → GraphQL data; then `listDogs` for that user
//! (a `Query` on the `userId-index` GSI).
//!
//! Run with `cargo run --example tutorial`.

use std::sync::{Arc, Mutex};

use appsync_vtl::{
    Context, DataSource, DataSourceError, DataSourceKind, DataSourceResult, Engine, IdSource,
    Resolver, from_dynamodb_json, identity_from_jwt,
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
