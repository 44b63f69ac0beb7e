//! `$util.time`: the current time from the render's clock.

use super::Outcome;
use crate::eval::Runtime;
use crate::value::Value;

/// Dispatches `$util.time.name(args)`.
pub(crate) fn call(rt: &Runtime, name: &str, args: &[Value]) -> Outcome {
    Ok(match (name, args) {
        ("nowEpochMilliSeconds", []) => Value::Long(rt.now_millis),
        ("nowEpochSeconds", []) => Value::Long(rt.now_millis.div_euclid(1000)),
        _ => Value::Null,
    })
}
