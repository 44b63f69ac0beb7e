//! `$util.dynamodb`: values → DynamoDB attribute values, in AppSync's JSON dialect where
//! `N` holds a JSON number (`{"N":4}`), not a string.

use std::sync::Arc;

use super::json::to_json_string;
use super::{Outcome, bad_args};
use crate::value::{List, Map, Value};

fn attr(kind: &str, v: Value) -> Value {
    let m = Map::with_capacity(1);
    m.insert(Value::Str(Arc::from(kind)), v);
    Value::Map(m)
}

/// The attribute value for any value: `S`, `N`, `BOOL`, `NULL`, `L` (lists are never
/// sets), `M`.
pub(crate) fn to_dynamodb(v: &Value) -> Value {
    to_dynamodb_at(v, 0)
}

const MAX_DEPTH: usize = 200;

fn to_dynamodb_at(v: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return attr("NULL", Value::Bool(true));
    }
    match v {
        Value::Null => attr("NULL", Value::Bool(true)),
        Value::Str(_) | Value::Char(_) => attr("S", Value::Str(Arc::from(v.to_java_string()))),
        Value::Int(_) | Value::Long(_) | Value::BigInt(_) | Value::Double(_) => {
            attr("N", v.clone())
        }
        Value::Bool(_) => attr("BOOL", v.clone()),
        Value::List(l) => {
            let items: Vec<Value> = l
                .borrow()
                .iter()
                .map(|x| to_dynamodb_at(x, depth + 1))
                .collect();
            attr("L", Value::List(List::new(items)))
        }
        Value::Map(m) => attr("M", map_values(m, depth)),
        Value::Entry(e) => {
            let m = Map::with_capacity(1);
            m.insert(e.0.clone(), e.1.clone());
            attr("M", map_values(&m, depth))
        }
        Value::Object(_) => attr("S", Value::Str(Arc::from(v.to_java_string()))),
    }
}

fn map_values(m: &Map, depth: usize) -> Value {
    let entries = m.borrow();
    let out = Map::with_capacity(entries.len());
    for (k, v) in entries.iter() {
        out.insert(k.clone(), to_dynamodb_at(v, depth + 1));
    }
    Value::Map(out)
}

fn json(v: Value) -> Value {
    Value::Str(Arc::from(to_json_string(&v)))
}

/// Dispatches `$util.dynamodb.name(args)`.
pub(crate) fn call(name: &str, args: &[Value]) -> Outcome {
    let (base, as_json) = match name.strip_suffix("Json") {
        Some(b) => (b, true),
        None => (name, false),
    };
    let helper = format!("dynamodb.{name}");
    let v = match (base, args) {
        ("toDynamoDB", [x]) => to_dynamodb(x),
        ("toString", [x @ (Value::Str(_) | Value::Null)]) => match x {
            Value::Null => attr("NULL", Value::Bool(true)),
            _ => attr("S", x.clone()),
        },
        ("toString", _) => return Err(bad_args(&helper, "String", args)),
        ("toNumber", [x]) if x.is_number() || x.is_null() => to_dynamodb(x),
        ("toNumber", _) => return Err(bad_args(&helper, "Number", args)),
        ("toBoolean", [x @ (Value::Bool(_) | Value::Null)]) => to_dynamodb(x),
        ("toBoolean", _) => return Err(bad_args(&helper, "Boolean", args)),
        ("toNull", []) => attr("NULL", Value::Null),
        ("toList", [x @ (Value::List(_) | Value::Null)]) => to_dynamodb(x),
        ("toList", _) => return Err(bad_args(&helper, "List", args)),
        ("toMap", [x @ (Value::Map(_) | Value::Null)]) => to_dynamodb(x),
        ("toMap", _) => return Err(bad_args(&helper, "Map", args)),
        ("toMapValues", [Value::Map(m)]) => map_values(m, 0),
        ("toMapValues", _) => return Err(bad_args(&helper, "Map", args)),
        _ => return Ok(Value::Null),
    };
    Ok(if as_json { json(v) } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(name: &str, arg: serde_json::Value) -> String {
        let v = crate::value::from_json(&arg);
        match call(name, &[v]) {
            Ok(v) => v.to_java_string(),
            Err(_) => "ERR".into(),
        }
    }

    #[test]
    fn doc_examples() {
        // Examples from the AppSync developer guide, $util.dynamodb page.
        assert_eq!(
            j("toDynamoDBJson", serde_json::json!("foo")),
            r#"{"S":"foo"}"#
        );
        assert_eq!(
            j("toDynamoDBJson", serde_json::json!(12345)),
            r#"{"N":12345}"#
        );
        assert_eq!(
            j("toDynamoDBJson", serde_json::json!(true)),
            r#"{"BOOL":true}"#
        );
        assert_eq!(
            j(
                "toDynamoDBJson",
                serde_json::json!(["foo", 123, {"bar": "baz"}])
            ),
            r#"{"L":[{"S":"foo"},{"N":123},{"M":{"bar":{"S":"baz"}}}]}"#
        );
        assert_eq!(
            j(
                "toMapValuesJson",
                serde_json::json!({"foo": "bar", "baz": 1234, "beep": ["boop"]})
            ),
            r#"{"foo":{"S":"bar"},"baz":{"N":1234},"beep":{"L":[{"S":"boop"}]}}"#
        );
        assert_eq!(j("toStringJson", serde_json::json!(1)), "ERR");
    }
}
