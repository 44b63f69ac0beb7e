//! Typed access to a helper's arguments, with AppSync-style errors naming the helper, the
//! expected and the given types.

use super::{Failure, bad_args};
use crate::value::{List, Map, Value};

/// The arguments of one helper call.
pub(crate) struct Args<'a> {
    /// `dynamodb.toStringJson`...
    pub helper: &'a str,
    /// The parameter list shown in errors: `String, String`.
    pub signature: &'a str,
    pub values: &'a [Value],
}

impl<'a> Args<'a> {
    pub(crate) fn new(helper: &'a str, signature: &'a str, values: &'a [Value]) -> Self {
        Args {
            helper,
            signature,
            values,
        }
    }

    fn get(&self, i: usize) -> &'a Value {
        self.values.get(i).unwrap_or(&Value::Null)
    }

    pub(crate) fn fail(&self) -> Failure {
        bad_args(self.helper, self.signature, self.values)
    }

    /// A `String` argument (null allowed).
    pub(crate) fn opt_str(&self, i: usize) -> Result<Option<&'a str>, Failure> {
        match self.get(i) {
            Value::Str(s) => Ok(Some(s)),
            Value::Null => Ok(None),
            _ => Err(self.fail()),
        }
    }

    /// A `String` argument that must not be null.
    pub(crate) fn str(&self, i: usize) -> Result<&'a str, Failure> {
        self.opt_str(i)?.ok_or_else(|| self.fail())
    }

    /// An integer argument (`Integer` or `Long`).
    pub(crate) fn long(&self, i: usize) -> Result<i64, Failure> {
        match self.get(i) {
            Value::Int(n) => Ok(i64::from(*n)),
            Value::Long(n) => Ok(*n),
            _ => Err(self.fail()),
        }
    }

    /// A number argument, as a double.
    pub(crate) fn double(&self, i: usize) -> Result<f64, Failure> {
        match self.get(i) {
            Value::Int(n) => Ok(f64::from(*n)),
            Value::Long(n) => Ok(*n as f64),
            Value::Double(d) => Ok(*d),
            Value::BigInt(b) => Ok(b.to_string().parse().unwrap_or(f64::NAN)),
            _ => Err(self.fail()),
        }
    }

    /// A `Boolean` argument.
    pub(crate) fn bool(&self, i: usize) -> Result<bool, Failure> {
        match self.get(i) {
            Value::Bool(b) => Ok(*b),
            _ => Err(self.fail()),
        }
    }

    /// A `List` argument (or another collection, as a snapshot).
    pub(crate) fn list(&self, i: usize) -> Result<List, Failure> {
        match self.get(i) {
            Value::List(l) => Ok(l.clone()),
            other => match other.collection_items() {
                Some(items) => Ok(List::new(items)),
                None => Err(self.fail()),
            },
        }
    }

    /// A `Map` argument.
    pub(crate) fn map(&self, i: usize) -> Result<&'a Map, Failure> {
        match self.get(i) {
            Value::Map(m) => Ok(m),
            _ => Err(self.fail()),
        }
    }
}
