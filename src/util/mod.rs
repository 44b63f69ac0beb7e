//! `$util` (alias `$utils`) and `$extensions`: AppSync's helper library, one namespace per
//! module.
//!
//! `$util` is a value ([`Namespace::Root`]); `$util.dynamodb` is another namespace value, and
//! a method call on a namespace is dispatched here by name. A name or arity that no helper
//! answers to yields null, so the reference renders as its own text, as in AppSync. Helpers
//! take arguments as AppSync's Java helpers over `Object`s do (see `args.rs`); only an
//! argument that no reading fits fails, with an error naming the helper, the expected and
//! the given types.

mod args;
mod collections;
mod core;
pub(crate) mod dynamodb;
mod dynamodb_json;
mod extensions;
mod http;
pub(crate) mod json;
mod rds;
mod text;
mod time;
mod transform;
mod xml;

use crate::runtime::Runtime;
use crate::value::Value;

pub(crate) use crate::value::Namespace;

/// Why a helper call failed: the error it raised (`$util.error`, a bad argument...).
pub(crate) struct Failure(pub Box<crate::ErrorKind>);

impl From<Box<crate::ErrorKind>> for Failure {
    fn from(kind: Box<crate::ErrorKind>) -> Failure {
        Failure(kind)
    }
}

impl From<crate::ErrorKind> for Failure {
    fn from(kind: crate::ErrorKind) -> Failure {
        Failure(Box::new(kind))
    }
}

/// Result of a helper: `Value::Null` when no helper has that name and arity.
pub(crate) type Outcome<T = Value> = Result<T, Failure>;

/// The helpers whose result is JSON text (`$util.toJson`, `$util.dynamodb.toDynamoDBJson`,
/// `toMapValuesJson`), written straight into `out`: a rendered `$util.toJson($ctx.result)`
/// then never exists as a separate string. `None` for every other helper (call [`call`]).
pub(crate) fn write_text(
    ns: Namespace,
    name: &str,
    args: &[Value],
    out: &mut String,
) -> Option<Outcome<()>> {
    match ns {
        Namespace::Root => core::write_text(name, args, out),
        Namespace::DynamoDb => dynamodb::write_text(name, args, out),
        _ => None,
    }
}

/// Calls `$util[.ns].name(args)` or `$extensions.name(args)`.
pub(crate) fn call(rt: &mut Runtime, ns: Namespace, name: &str, args: &[Value]) -> Outcome {
    match ns {
        Namespace::Root => core::call(rt, name, args),
        Namespace::DynamoDb => dynamodb::call(name, args),
        Namespace::Time => time::call(rt, name, args),
        Namespace::List => collections::list(name, args),
        Namespace::Map => collections::map(name, args),
        Namespace::Str => text::str(name, args),
        Namespace::Math => text::math(rt, name, args),
        Namespace::Transform => transform::call(name, args),
        Namespace::Rds => rds::call(name, args),
        Namespace::Http => http::call(rt, name, args),
        Namespace::Xml => xml::call(name, args),
        Namespace::Log => text::log(rt, name, args),
        Namespace::Extensions => extensions::call(rt, name, args),
    }
}

/// A wrong-argument error for helper `helper`.
pub(crate) fn bad_args(helper: &str, expected: &str, args: &[Value]) -> Failure {
    let given: Vec<&str> = args.iter().map(Value::java_class).collect();
    Failure::from(crate::ErrorKind::UtilArgument {
        helper: helper.to_string(),
        message: format!("expected ({expected}), given ({})", given.join(", ")),
    })
}
