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

use crate::eval::Runtime;
use crate::value::Value;

/// `$util`, its namespaces, and `$extensions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// `$util`
    Root,
    /// `$util.dynamodb`
    DynamoDb,
    /// `$util.time`
    Time,
    /// `$util.list`
    List,
    /// `$util.map`
    Map,
    /// `$util.str`
    Str,
    /// `$util.math`
    Math,
    /// `$util.transform`
    Transform,
    /// `$util.rds`
    Rds,
    /// `$util.http`
    Http,
    /// `$util.xml`
    Xml,
    /// `$util.log`
    Log,
    /// `$extensions`
    Extensions,
}

impl Namespace {
    /// The namespace reached by `$util.<name>`.
    pub(crate) fn child(self, name: &str) -> Option<Namespace> {
        if self != Namespace::Root {
            return None;
        }
        Some(match name {
            "dynamodb" => Namespace::DynamoDb,
            "time" => Namespace::Time,
            "list" => Namespace::List,
            "map" => Namespace::Map,
            "str" => Namespace::Str,
            "math" => Namespace::Math,
            "transform" => Namespace::Transform,
            "rds" => Namespace::Rds,
            "http" => Namespace::Http,
            "xml" => Namespace::Xml,
            "log" => Namespace::Log,
            _ => return None,
        })
    }

    /// What the object prints as (a Java object's default `toString`).
    pub(crate) fn java_string(self) -> &'static str {
        match self {
            Namespace::Root => "com.amazonaws.deepdish.transform.util.Util",
            Namespace::DynamoDb => "com.amazonaws.deepdish.transform.util.DynamoDBUtils",
            Namespace::Time => "com.amazonaws.deepdish.transform.util.TimeUtils",
            Namespace::List => "com.amazonaws.deepdish.transform.util.ListUtils",
            Namespace::Map => "com.amazonaws.deepdish.transform.util.MapUtils",
            Namespace::Str => "com.amazonaws.deepdish.transform.util.StrUtils",
            Namespace::Math => "com.amazonaws.deepdish.transform.util.MathUtils",
            Namespace::Transform => "com.amazonaws.deepdish.transform.util.TransformUtils",
            Namespace::Rds => "com.amazonaws.deepdish.transform.util.RdsUtils",
            Namespace::Http => "com.amazonaws.deepdish.transform.util.HttpUtils",
            Namespace::Xml => "com.amazonaws.deepdish.transform.util.XmlUtils",
            Namespace::Log => "com.amazonaws.deepdish.transform.util.LogUtils",
            Namespace::Extensions => "com.amazonaws.deepdish.transform.util.Extensions",
        }
    }
}

/// Why a helper call failed: the error it raised (`$util.error`, a bad argument...).
pub(crate) struct Failure(pub Box<crate::ErrorKind>);

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
