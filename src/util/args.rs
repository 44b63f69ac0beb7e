//! Typed access to a helper's arguments, with AppSync-style errors naming the helper, the
//! expected and the given types.
//!
//! AppSync's helpers are Java methods over `Object`s, and the resolvers AWS's own generators
//! emit rely on it: Amplify passes Maps and Lists to `isNullOrEmpty` and Integers to
//! `defaultIfNullOrBlank`, and those resolvers run in production. So an argument is only
//! refused when no reading of it gives the parameter a value (a Map where a number is needed):
//! - a `String` parameter takes any value by its Java string form (`String.valueOf`);
//! - a number parameter takes any `Number`, and a `String` holding a number;
//! - a `Boolean` parameter takes a `Boolean`, and a `String` as `Boolean.valueOf` reads it.

use std::borrow::Cow;

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

    /// A `String` parameter: any value by its Java string form; `None` for null.
    pub(crate) fn opt_str(&self, i: usize) -> Option<Cow<'a, str>> {
        java_text(self.get(i))
    }

    /// A `String` parameter that must not be null (the Java method would throw a
    /// `NullPointerException`).
    pub(crate) fn str(&self, i: usize) -> Result<Cow<'a, str>, Failure> {
        self.opt_str(i).ok_or_else(|| self.fail())
    }

    /// An integer parameter (`long`): a `Number` as `Number.longValue()` reads it, or a
    /// `String` holding one.
    pub(crate) fn long(&self, i: usize) -> Result<i64, Failure> {
        match number(self.get(i)) {
            Some(Value::Int(n)) => Ok(i64::from(n)),
            Some(Value::Long(n)) => Ok(n),
            // Java's narrowing: towards zero, saturating, NaN as 0.
            Some(Value::Double(d)) => Ok(d as i64),
            Some(Value::Float(f)) => Ok(f as i64),
            Some(Value::Short(n)) => Ok(i64::from(n)),
            Some(Value::Byte(n)) => Ok(i64::from(n)),
            _ => Err(self.fail()),
        }
    }

    /// A number parameter, as a double (`Number.doubleValue()`).
    pub(crate) fn double(&self, i: usize) -> Result<f64, Failure> {
        match number(self.get(i)) {
            Some(Value::Int(n)) => Ok(f64::from(n)),
            Some(Value::Long(n)) => Ok(n as f64),
            Some(Value::Double(d)) => Ok(d),
            Some(Value::Float(f)) => Ok(f64::from(f)),
            Some(Value::Short(n)) => Ok(f64::from(n)),
            Some(Value::Byte(n)) => Ok(f64::from(n)),
            Some(Value::BigInt(b)) => Ok(b.to_string().parse().unwrap_or(f64::NAN)),
            _ => Err(self.fail()),
        }
    }

    /// A `Boolean` parameter: a `Boolean`, or a `String` as `Boolean.valueOf` reads it.
    pub(crate) fn bool(&self, i: usize) -> Result<bool, Failure> {
        match self.get(i) {
            Value::Bool(b) => Ok(*b),
            Value::Str(s) => Ok(s.eq_ignore_ascii_case("true")),
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

/// A value read where a `String` is expected: its Java string form; `None` for null.
pub(crate) fn java_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::Null => None,
        Value::Str(s) => Some(Cow::Borrowed(s)),
        other => Some(Cow::Owned(other.to_java_string())),
    }
}

/// A value read where a number is expected: numbers as they are, and a `String` that holds
/// a number (as `Long.valueOf`, else `Double.valueOf` would read it); `None` otherwise.
pub(crate) fn number(v: &Value) -> Option<Value> {
    match v {
        _ if v.is_number() => Some(v.clone()),
        Value::Str(s) => crate::value::boxed::java_number(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_strings_are_read_as_java_reads_them() {
        let read = |s: &str| number(&Value::str(s)).map(|v| v.to_java_string());
        assert_eq!(read("20").as_deref(), Some("20"));
        assert_eq!(read("-3000000000").as_deref(), Some("-3000000000"));
        assert_eq!(read(" 2.5 ").as_deref(), Some("2.5"));
        assert_eq!(read("1e3").as_deref(), Some("1000.0"));
        assert_eq!(read("-Infinity").as_deref(), Some("-Infinity"));
        assert_eq!(read("inf"), None);
        assert_eq!(read("12abc"), None);
        assert_eq!(read(""), None);
        assert_eq!(read("."), None);
    }
}
