//! Run AWS AppSync resolver mapping templates (VTL) offline, byte-exact with AppSync.
//!
//! AppSync resolvers are written in the Velocity Template Language, on Apache Velocity 1.7.
//! This crate compiles a template once and renders it against an AppSync context
//! (`$ctx.args`, `$ctx.identity`, `$ctx.stash`, ...) with AppSync's `$util` library, giving
//! exactly the text AppSync would produce.
//!
//! ```
//! use appsync_vtl::{Context, Engine};
//! use serde_json::json;
//!
//! let engine = Engine::new(); // the AppSync profile
//! let template = engine.compile("createDog.req.vtl", r#"
//! #set($input = $ctx.args.input)
//! $util.qr($input.put("userId", $ctx.identity.sub))
//! {
//!   "operation": "PutItem",
//!   "attributeValues": $util.dynamodb.toMapValuesJson($input)
//! }"#).unwrap();
//!
//! let ctx = Context::appsync(json!({
//!     "arguments": {"input": {"name": "Frankie"}},
//!     "identity": {"sub": "auth0|5f7c8ec7"}
//! })).unwrap();
//! let rendered = template.render(&ctx).unwrap();
//! assert!(rendered.output.contains(
//!     r#""attributeValues": {"name":{"S":"Frankie"},"userId":{"S":"auth0|5f7c8ec7"}}"#));
//! assert_eq!(rendered.to_json().unwrap()["operation"], "PutItem");
//! ```
//!
//! The pieces, in the order data flows through them: [`Engine`] (settings) compiles text
//! into a [`Template`] (parsed once, shareable across threads); [`Template::render`] takes a
//! [`Context`] and returns a [`Rendered`] outcome or an [`Error`] with line, column and the
//! offending source line.
//!
//! Around templates, [`Resolver`] runs a unit or pipeline resolver as AppSync does (request
//! template, data source, response template; `$ctx.stash`, `$ctx.prev.result`, errors) over
//! any [`DataSource`]; the [`resolver`] module has the rest of that layer (async data
//! sources, request validation, identities from tokens). Cargo features add: `dynamodb` —
//! `resolver::DynamoDbDataSource`, which runs the DynamoDB request documents templates build
//! against DynamoDB or any compatible endpoint named by the standard AWS environment;
//! `jwt-verify` — `resolver::verify_jwt`, signature checks of the caller's token against a
//! JWKS; `testing` (on by default) — golden-file tests of your templates.
//!
//! A panic on any input is a bug.

// One measured exception: `value::lazy::JsonAt` points into the caller's immutable JSON
// (property reads on JSON-backed maps without walking a path: -10% instructions on
// core_loop); its safety argument is beside it.
#![warn(missing_debug_implementations)]
#![deny(unsafe_code)]
#![deny(missing_docs)]
// A panic on input is a bug: no unwrap/expect/panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// Indexing that could panic is denied too; the few modules that index within bounds they
// have just checked say so where they allow it.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod appsync_ctx;
mod ast;
mod context;
mod context_builder;
mod engine;
mod error;
mod eval;
mod java;
mod limits;
mod output;
mod parser;
mod profile;
mod rendered;
pub mod resolver;
mod runtime;
mod span;
mod template;
#[cfg(test)]
mod test_support;
#[cfg(feature = "testing")]
pub mod testing;
mod util;
mod value;

pub use context::{AuthMode, Context};
pub use context_builder::{ContextBuilder, Identity};
pub use engine::{Clock, Engine, IdSource, Profile};
pub use error::{AppSyncError, Error, ErrorKind, Limit, Result};
pub use eval::{AppendedError, Extensions};
pub use limits::Limits;
pub use rendered::Rendered;
// The resolver items used with nearly every resolver; the rest are in [`resolver`].
pub use resolver::{
    CannedDataSource, DataSource, DataSourceError, DataSourceResult, GraphQLError, NoneDataSource,
    Resolution, Resolver,
};
pub use span::Location;
pub use template::Template;

/// The README's examples, compiled and run as tests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
