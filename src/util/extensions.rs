//! `$extensions`: requests a template makes of AppSync beyond its result (cache eviction,
//! subscription filters and invalidation). They are recorded in the render outcome.

use std::sync::Arc;

use super::Outcome;
use super::args::Args;
use crate::runtime::Runtime;
use crate::value::{Value, to_json};

/// Dispatches `$extensions.name(args)`.
pub(crate) fn call(rt: &mut Runtime, name: &str, values: &[Value]) -> Outcome {
    let ext = &mut rt.extensions;
    let first = values.first().unwrap_or(&Value::Null);
    match (name, values.len()) {
        ("evictFromApiCache", 3) => {
            let args = Args::new(name, "String, String, Map", values);
            let mut call = serde_json::Map::new();
            call.insert("typeName".into(), args.str(0)?.into_owned().into());
            call.insert("fieldName".into(), args.str(1)?.into_owned().into());
            call.insert("keys".into(), to_json(&Value::Map(args.map(2)?.clone())));
            ext.evictions.push(serde_json::Value::Object(call));
        }
        ("setSubscriptionFilter", 1) => ext.subscription_filter = Some(filter(first)),
        ("setSubscriptionInvalidationFilter", 1) => {
            ext.subscription_invalidation_filter = Some(filter(first))
        }
        ("invalidateSubscriptions", 1) => {
            Args::new(name, "Map", values).map(0)?;
            ext.invalidations.push(to_json(first));
        }
        _ => return Ok(Value::Null),
    }
    Ok(Value::Str(Arc::from("")))
}

/// A filter given as a map, or as JSON text (`$util.parseJson` omitted).
fn filter(v: &Value) -> serde_json::Value {
    match v {
        Value::Str(s) => {
            serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_string()))
        }
        other => to_json(other),
    }
}
