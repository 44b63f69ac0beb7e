//! `serde_json::Value` ⇄ [`Value`], with the Java classes AppSync gives JSON numbers.

use std::sync::Arc;

use num_bigint::BigInt;

use super::{List, Map, Object, Value};

/// JSON → template value: objects become `LinkedHashMap`s (key order kept), arrays
/// `ArrayList`s, integers `Integer` when they fit 32 bits, else `Long`, else `BigInteger`,
/// and other numbers `Double`. Nesting deeper than [`MAX_JSON_DEPTH`] becomes null.
pub(crate) fn from_json(json: &serde_json::Value) -> Value {
    from_json_checked(json).unwrap_or(Value::Null)
}

/// Deepest JSON a render accepts as input (serde_json's own parser stops at 128).
pub(crate) const MAX_JSON_DEPTH: usize = 512;

/// [`from_json`], or `None` when the JSON nests deeper than [`MAX_JSON_DEPTH`] (a value
/// built in memory can be arbitrarily deep; converting it must not overflow the stack).
pub(crate) fn from_json_checked(json: &serde_json::Value) -> Option<Value> {
    let mut too_deep = false;
    let v = from_json_at(json, 0, &mut too_deep);
    (!too_deep).then_some(v)
}

fn from_json_at(json: &serde_json::Value, depth: usize, too_deep: &mut bool) -> Value {
    match json {
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::String(_) => scalar(json),
        _ if depth >= MAX_JSON_DEPTH => {
            *too_deep = true;
            Value::Null
        }
        serde_json::Value::Array(items) => Value::List(List::new(
            items
                .iter()
                .map(|x| from_json_at(x, depth + 1, too_deep))
                .collect(),
        )),
        serde_json::Value::Object(entries) => {
            let mut map = super::Entries::with_capacity(entries.len());
            for (k, v) in entries {
                map.insert(
                    Value::Str(Arc::from(k.as_str())),
                    from_json_at(v, depth + 1, too_deep),
                );
            }
            Value::Map(Map::new(map))
        }
    }
}

/// A JSON scalar as a template value (collections give null: see [`from_json`]).
pub(crate) fn scalar(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => from_number(n),
        serde_json::Value::String(s) => Value::Str(Arc::from(s.as_str())),
        _ => Value::Null,
    }
}

fn from_number(n: &serde_json::Number) -> Value {
    if let Some(i) = n.as_i64() {
        match i32::try_from(i) {
            Ok(small) => Value::Int(small),
            Err(_) => Value::Long(i),
        }
    } else if let Some(u) = n.as_u64() {
        Value::BigInt(std::rc::Rc::new(BigInt::from(u)))
    } else {
        Value::Double(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Template value → JSON (for what leaves a render: the stash, `#return` values, errors).
/// Numbers JSON cannot hold exactly (NaN, huge integers) degrade as Jackson would not; they
/// do not occur in AppSync data.
pub(crate) fn to_json(v: &Value) -> serde_json::Value {
    to_json_checked(v).unwrap_or(serde_json::Value::Null)
}

/// [`to_json`], or `None` when the value is too large to convert (more than
/// `HARD_NODE_LIMIT` values, counting shared sub-collections each time they appear).
pub(crate) fn to_json_checked(v: &Value) -> Option<serde_json::Value> {
    if !fits_node_limit(v) {
        return None;
    }
    let mut budget = crate::limits::HARD_NODE_LIMIT;
    let out = to_json_at(v, 0, &mut budget);
    (budget > 0).then_some(out)
}

const MAX_DEPTH: usize = 200;

/// Whether converting `v` creates at most `HARD_NODE_LIMIT` values, counting shared
/// sub-collections each time they appear. Counting allocates nothing, so an exponentially
/// shared structure is refused before any of its copy is built (building first and failing
/// at the limit cost gigabytes).
pub(crate) fn fits_node_limit(v: &Value) -> bool {
    fn count(v: &Value, depth: usize, budget: &mut usize) -> bool {
        if depth > MAX_DEPTH {
            return true; // conversions stop here too
        }
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match v {
            _ if v.untouched_json().is_some() => true, // a JSON tree: no sharing
            Value::List(l) => l.borrow().iter().all(|x| count(x, depth + 1, budget)),
            Value::Map(m) => {
                // Entries still in the JSON are a tree: each counts once.
                let mut fits = true;
                m.visit(|_, v| {
                    fits = fits
                        && match v {
                            super::EntryValue::Value(x) => count(x, depth + 1, budget),
                            super::EntryValue::Json(_) if *budget == 0 => false,
                            super::EntryValue::Json(_) => {
                                *budget -= 1;
                                true
                            }
                        };
                });
                fits
            }
            Value::Entry(e) => count(&e.value(), depth + 1, budget),
            Value::Object(Object::View(m, view)) => m
                .view_items(*view)
                .iter()
                .all(|x| count(x, depth + 1, budget)),
            _ => true,
        }
    }
    let mut budget = crate::limits::HARD_NODE_LIMIT;
    // (A map over JSON with only flat values put into it, `$ctx.args.input` after a `put`,
    // counts itself and one per entry: no walk needed. −370 of create_dog's 12.8k
    // instructions.)
    if let Value::Map(m) = v
        && let Some(n) = m.flat_over_json()
    {
        return n < budget;
    }
    count(v, 0, &mut budget)
}

fn to_json_at(v: &Value, depth: usize, budget: &mut usize) -> serde_json::Value {
    use serde_json::Value as J;
    if depth > MAX_DEPTH || *budget == 0 {
        return J::Null;
    }
    *budget -= 1;
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Long(i) => J::from(*i),
        Value::BigInt(b) => {
            if let Ok(i) = i64::try_from(&**b) {
                J::from(i)
            } else if let Ok(u) = u64::try_from(&**b) {
                J::from(u)
            } else {
                serde_json::Number::from_f64(b.to_string().parse::<f64>().unwrap_or(f64::NAN))
                    .map(J::Number)
                    .unwrap_or(J::Null)
            }
        }
        Value::Double(d) => serde_json::Number::from_f64(*d)
            .map(J::Number)
            .unwrap_or(J::Null),
        // (Through its decimal text, as Jackson writes it: 2.7f is 2.7, not 2.700000047...)
        Value::Float(f) => serde_json::Number::from_f64(f.to_string().parse().unwrap_or(f64::NAN))
            .map(J::Number)
            .unwrap_or(J::Null),
        Value::Short(i) => J::from(*i),
        Value::Byte(i) => J::from(*i),
        Value::Str(s) => J::String(s.to_string()),
        Value::Char(c) => J::String(c.to_string()),
        Value::List(l) => J::Array(
            l.borrow()
                .iter()
                .map(|x| to_json_at(x, depth + 1, budget))
                .collect(),
        ),
        Value::Map(m) => {
            let mut out = serde_json::Map::new();
            for (k, val) in m.borrow().iter() {
                out.insert(k.to_java_string(), to_json_at(val, depth + 1, budget));
            }
            J::Object(out)
        }
        Value::Entry(e) => {
            let mut out = serde_json::Map::new();
            out.insert(
                e.0.to_java_string(),
                to_json_at(&e.value(), depth + 1, budget),
            );
            J::Object(out)
        }
        Value::Object(Object::Loop(_)) => J::Object(serde_json::Map::new()),
        Value::Object(Object::View(m, view)) => J::Array(
            m.view_items(*view)
                .iter()
                .map(|x| to_json_at(x, depth + 1, budget))
                .collect(),
        ),
        Value::Object(_) => J::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_java_classes() {
        let j: serde_json::Value =
            serde_json::from_str(r#"[1, 3000000000, 18446744073709551615, 1.5, 2.0]"#).unwrap();
        let v = from_json(&j);
        let Value::List(l) = v else { panic!() };
        let classes: Vec<&str> = l.borrow().iter().map(|x| x.java_class()).collect();
        assert_eq!(
            classes,
            ["Integer", "Long", "BigInteger", "Double", "Double"]
        );
    }

    #[test]
    fn flat_maps_over_json_fit_without_a_walk() {
        let json = std::sync::Arc::new(serde_json::json!({"a": {"deep": [1, 2]}, "b": "x"}));
        let m = super::super::Map::lazy(super::super::lazy::JsonAt::root(json));
        m.put(Value::str("userId"), Value::str("u"));
        m.put(Value::str("b"), Value::Int(1));
        assert_eq!(m.flat_over_json(), Some(4)); // an upper bound: `b` is counted twice
        assert!(fits_node_limit(&Value::Map(m.clone())));
        // A collection put over the JSON takes the walk, which sees what it holds.
        let mut shared = crate::value::List::new(vec![Value::Int(0)]);
        for _ in 0..24 {
            shared =
                crate::value::List::new(vec![Value::List(shared.clone()), Value::List(shared)]);
        }
        m.put(Value::str("l"), Value::List(shared));
        assert_eq!(m.flat_over_json(), None);
        assert!(!fits_node_limit(&Value::Map(m)));
    }

    #[test]
    fn round_trip_keeps_order() {
        let text = r#"{"b":1,"a":[true,null,"x",{"z":2.5}]}"#;
        let j: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::to_string(&to_json(&from_json(&j))).unwrap(),
            text
        );
    }
}
