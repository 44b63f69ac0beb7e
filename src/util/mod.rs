//! `$util` (alias `$utils`): AppSync's helper library, one namespace per module.
//!
//! `$util` is a value ([`Namespace::Root`]); `$util.dynamodb` is another namespace value, and
//! a method call on a namespace is dispatched here by name. A name that no helper answers to
//! yields null, so the reference renders as its own text, as in AppSync.

pub(crate) mod core;
pub(crate) mod dynamodb;
pub(crate) mod json;
pub(crate) mod time;

use crate::eval::Runtime;
use crate::value::Value;

/// `$util` and its namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// `$util`
    Root,
    /// `$util.dynamodb`
    DynamoDb,
    /// `$util.time`
    Time,
}

impl Namespace {
    /// The namespace reached by `$util.<name>`.
    pub(crate) fn child(self, name: &str) -> Option<Namespace> {
        match (self, name) {
            (Namespace::Root, "dynamodb") => Some(Namespace::DynamoDb),
            (Namespace::Root, "time") => Some(Namespace::Time),
            _ => None,
        }
    }

    /// What the object prints as (a Java object's default `toString`).
    pub(crate) fn java_string(self) -> &'static str {
        match self {
            Namespace::Root => "com.amazonaws.deepdish.transform.util.Util",
            Namespace::DynamoDb => "com.amazonaws.deepdish.transform.util.DynamoDBUtils",
            Namespace::Time => "com.amazonaws.deepdish.transform.util.TimeUtils",
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
pub(crate) type Outcome = Result<Value, Failure>;

/// Calls `$util[.ns].name(args)`.
pub(crate) fn call(rt: &mut Runtime, ns: Namespace, name: &str, args: &[Value]) -> Outcome {
    match ns {
        Namespace::Root => core::call(rt, name, args),
        Namespace::DynamoDb => dynamodb::call(name, args),
        Namespace::Time => time::call(rt, name, args),
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
