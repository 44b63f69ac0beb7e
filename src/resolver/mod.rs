//! The resolver layer: what AppSync does with templates around a data source.
//!
//! - [`parse_output`]: a template's text must be one JSON value (AppSync's own checks and
//!   messages: duplicate keys, trailing characters).
//! - [`validate_request`]: a request template's JSON must be a request the data source
//!   understands.
//! - [`Resolver`]: unit and pipeline resolvers over [`DataSource`]s, giving a
//!   [`Resolution`] (the field's value and GraphQL errors).
//! - [`identity_from_jwt`]: `$ctx.identity` as AppSync builds it from a token.

mod config;
mod data_source;
#[cfg(feature = "dynamodb")]
mod dynamodb;
mod execute;
mod identity;
mod request;

pub use crate::output::parse_output;
pub use config::DataSourceFactory;
pub use data_source::{
    Async, AsyncDataSource, BoxFuture, CannedDataSource, DataSource, DataSourceError,
    DataSourceResult, NoneDataSource,
};
#[cfg(feature = "dynamodb")]
pub use dynamodb::{DynamoDbDataSource, DynamoDbFactory};
pub use execute::{
    GraphQLError, MAX_PIPELINE_FUNCTIONS, PipelineFunction, Resolution, Resolver, Step,
};
#[cfg(feature = "jwt-verify")]
pub use identity::verify_jwt;
pub use identity::{JwtError, identity_from_jwt};
pub use request::{DataSourceKind, validate_request};

/// DynamoDB's typed JSON (`{"S": "x"}`, `{"N": "4"}`, `{"M": {...}}`...) as the plain JSON
/// AppSync puts in `$ctx.result` (`N` becomes a number, sets become arrays, `B` stays base64
/// text); `None` if `attribute` is not a typed value. For an item (a map of attributes),
/// convert each attribute.
///
/// ```
/// let item = serde_json::json!({"M": {"name": {"S": "Frankie"}, "age": {"N": "4"}}});
/// assert_eq!(appsync_vtl::resolver::from_dynamodb_json(&item), Some(serde_json::json!({"name": "Frankie", "age": 4})));
/// ```
pub fn from_dynamodb_json(attribute: &serde_json::Value) -> Option<serde_json::Value> {
    let value = crate::value::from_json(attribute);
    crate::util::dynamodb::from_attribute_value(&value).map(|v| crate::value::to_json(&v))
}
