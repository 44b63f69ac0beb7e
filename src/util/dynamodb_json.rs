//! `toDynamoDBJson` / `toMapValuesJson` written straight into text: the same characters as
//! building the attribute values ([`super::dynamodb::to_dynamodb`]) and writing them with
//! `$util.toJson`, without the intermediate maps (they were 40% of a `PutItem` request
//! template's render). Both limits of that path are kept: conversion stops at
//! [`MAX_DEPTH`] values deep, and the JSON writer writes `null` past its own depth, which
//! each attribute level counts twice (`{"M":{...}}`).

use crate::util::json::{write_at, write_key, write_string};
use crate::value::{EntryValue, Map, Value};

/// As in `dynamodb::to_dynamodb`.
const MAX_DEPTH: usize = 200;
/// As in `json::write_at`.
const MAX_JSON_DEPTH: usize = 200;

/// Appends the JSON of `v`'s attribute value. The caller has checked that `v` contains no
/// cycle and fits the node limit (as `to_dynamodb_checked` does).
pub(crate) fn write_attribute(v: &Value, out: &mut String) {
    attribute(v, out, 0, 0)
}

/// Appends the JSON of `toMapValues(m)`: each value as an attribute value.
pub(crate) fn write_map_values(m: &Map, out: &mut String) {
    entries(m, out, 1, 1);
}

/// `{"key":attribute,...}` for the entries of `m`, attributes at `depth` and JSON depth `jd`.
fn entries(m: &Map, out: &mut String, depth: usize, jd: usize) {
    out.push('{');
    let mut first = true;
    m.visit(|k, v| {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
        write_key(k, out);
        match v {
            EntryValue::Value(v) => attribute(v, out, depth, jd),
            EntryValue::Json(j) => raw_attribute(j, out, depth, jd),
        }
    });
    out.push('}');
}

/// `{"KIND":` at JSON depth `jd`, or `None` when the writer would write `null` there.
fn open(kind: &str, out: &mut String, jd: usize) -> bool {
    if jd > MAX_JSON_DEPTH {
        out.push_str("null");
        return false;
    }
    out.push_str("{\"");
    out.push_str(kind);
    out.push_str("\":");
    true
}

/// A scalar payload at JSON depth `jd`.
fn payload(v: &Value, out: &mut String, jd: usize) {
    write_at(v, out, jd);
}

fn attribute(v: &Value, out: &mut String, depth: usize, jd: usize) {
    if out.len() > crate::limits::HARD_STRING_LIMIT {
        return;
    }
    if depth > MAX_DEPTH {
        if open("NULL", out, jd) {
            payload(&Value::Bool(true), out, jd + 1);
            out.push('}');
        }
        return;
    }
    if let Some(at) = v.untouched_json() {
        {
            let json = at.json();
            raw_attribute(json, out, depth, jd);
        }
        return;
    }
    // Scalars are written from where they are (no reference count touched for a string);
    // only a character or an engine object is turned into a string first.
    const TRUE: Value = Value::Bool(true);
    let converted;
    let (kind, scalar) = match v {
        Value::Null => ("NULL", Some(&TRUE)),
        Value::Str(_) => ("S", Some(v)),
        Value::Char(_) => {
            converted = Value::str(&v.to_java_string());
            ("S", Some(&converted))
        }
        _ if v.is_number() => ("N", Some(v)),
        Value::Bool(_) => ("BOOL", Some(v)),
        Value::Map(_) => ("M", None),
        Value::List(_) => ("L", None),
        other if other.collection_items().is_some() => ("L", None),
        other => {
            converted = Value::str(&other.to_java_string());
            ("S", Some(&converted))
        }
    };
    if !open(kind, out, jd) {
        return;
    }
    match scalar {
        Some(s) => payload(s, out, jd + 1),
        None if jd + 1 > MAX_JSON_DEPTH => out.push_str("null"),
        None => match v {
            Value::Map(m) => entries(m, out, depth + 1, jd + 2),
            Value::List(l) => items(&l.borrow(), out, depth, jd),
            other => items(
                &other.collection_items().unwrap_or_default(),
                out,
                depth,
                jd,
            ),
        },
    }
    out.push('}');
}

fn items(items: &[Value], out: &mut String, depth: usize, jd: usize) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        attribute(item, out, depth + 1, jd + 2);
    }
    out.push(']');
}

/// [`attribute`] for JSON still held as the caller gave it.
fn raw_attribute(json: &serde_json::Value, out: &mut String, depth: usize, jd: usize) {
    use serde_json::Value as J;
    if out.len() > crate::limits::HARD_STRING_LIMIT {
        return;
    }
    let (kind, nested) = match json {
        _ if depth > MAX_DEPTH => ("NULL", false),
        J::Null => ("NULL", false),
        J::String(_) => ("S", false),
        J::Number(_) => ("N", false),
        J::Bool(_) => ("BOOL", false),
        J::Object(_) => ("M", true),
        J::Array(_) => ("L", true),
    };
    if !open(kind, out, jd) {
        return;
    }
    if !nested {
        match json {
            _ if depth > MAX_DEPTH => payload(&Value::Bool(true), out, jd + 1),
            J::Null => payload(&Value::Bool(true), out, jd + 1),
            J::String(s) if jd < MAX_JSON_DEPTH => write_string(s, out),
            scalar => payload(&crate::value::convert::scalar(scalar), out, jd + 1),
        }
    } else if jd + 1 > MAX_JSON_DEPTH {
        out.push_str("null");
    } else {
        match json {
            J::Object(obj) => {
                out.push('{');
                for (i, (k, item)) in obj.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(k, out);
                    out.push(':');
                    raw_attribute(item, out, depth + 1, jd + 2);
                }
                out.push('}');
            }
            J::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    raw_attribute(item, out, depth + 1, jd + 2);
                }
                out.push(']');
            }
            _ => {}
        }
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::any_json;
    use crate::util::dynamodb::to_dynamodb;
    use crate::util::json::to_json_string;
    use crate::value::lazy::{JsonAt, value_at};
    use proptest::prelude::*;

    /// The old path: build the attribute values, then write them.
    fn built(v: &Value) -> String {
        to_json_string(&to_dynamodb(v))
    }

    fn direct(v: &Value) -> String {
        let mut out = String::new();
        write_attribute(v, &mut out);
        out
    }

    fn both_ways(json: &serde_json::Value) -> [String; 3] {
        let converted = crate::value::from_json(json);
        let root = std::sync::Arc::new(json.clone());
        let lazy = value_at(&root, || JsonAt::root(root.clone()));
        [built(&converted), direct(&converted), direct(&lazy)]
    }

    proptest! {
        #[test]
        fn written_directly_as_built(json in any_json()) {
            let [a, b, c] = both_ways(&json);
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&a, &c);
        }
    }

    proptest! {
        /// A JSON-backed map after puts (replacing keys, adding keys, handing out nested
        /// collections) writes the same text as once converted, as attribute values and
        /// as JSON.
        #[test]
        fn map_values_after_puts_as_built(
            json in proptest::collection::btree_map("[a-c]{1,2}", any_json(), 0..5),
            puts in proptest::collection::vec(("[a-d]{1,2}", any_json()), 0..4),
            read in "[a-c]{1,2}",
        ) {
            let json = serde_json::Value::Object(json.into_iter().collect());
            let root = std::sync::Arc::new(json);
            let lazy = value_at(&root, || JsonAt::root(root.clone()));
            let Value::Map(m) = &lazy else { unreachable!() };
            let _ = m.get_str(&read);
            for (k, v) in &puts {
                m.insert(Value::str(k), crate::value::from_json(v));
            }
            let mut visited = String::new();
            write_map_values(m, &mut visited);
            let json_visited = to_json_string(&lazy);
            let expected = match crate::util::dynamodb::call("toMapValuesJson", std::slice::from_ref(&lazy)) {
                Ok(Value::Str(s)) => s.to_string(),
                other => panic!("{}", other.is_ok()),
            };
            // The converted map (borrow() converts it) written entry by entry.
            let mut converted = String::from("{");
            for (i, (k, v)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    converted.push(',');
                }
                write_key(crate::value::EntryKey::Value(k), &mut converted);
                converted.push_str(&built(v));
            }
            converted.push('}');
            prop_assert_eq!(&visited, &expected);
            prop_assert_eq!(&visited, &converted);
            // `$util.toJson` too: the same text before and after the map is converted.
            prop_assert_eq!(&json_visited, &to_json_string(&lazy));
        }
    }

    #[test]
    fn depth_limits_as_built() {
        for depth in [90, 99, 100, 101, 150, 199, 200, 201, 250] {
            let mut json = serde_json::json!("leaf");
            for i in 0..depth {
                json = if i % 2 == 0 {
                    serde_json::Value::Array(vec![json])
                } else {
                    serde_json::json!({ "k": json })
                };
            }
            let [a, b, c] = both_ways(&json);
            assert_eq!(a, b, "depth {depth}");
            assert_eq!(a, c, "depth {depth}");
            std::mem::forget(json);
        }
    }

    #[test]
    fn map_values_as_built() {
        let json = serde_json::json!({"a": 1, "b": [true, null, {"c": 1.5}], "d": "x"});
        let converted = crate::value::from_json(&json);
        let Value::Map(m) = &converted else { panic!() };
        let expected = to_json_string(
            &crate::util::dynamodb::call("toMapValues", std::slice::from_ref(&converted))
                .ok()
                .expect("converts"),
        );
        let mut out = String::new();
        write_map_values(m, &mut out);
        assert_eq!(out, expected);
        let root = std::sync::Arc::new(json.clone());
        let Value::Map(lazy) = value_at(&root, || JsonAt::root(root.clone())) else {
            panic!()
        };
        let mut out = String::new();
        write_map_values(&lazy, &mut out);
        assert_eq!(out, expected);
    }
}
