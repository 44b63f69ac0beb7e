//! DynamoDB attribute values: the typed JSON of request documents (`{"S": "x"}`,
//! `{"N": 4}`...) to the SDK's [`AttributeValue`], and the SDK's answers to the plain JSON
//! AppSync gives response templates (`S` → string, `N` → number, sets → lists, `B` → base64
//! text, `NULL` → null).

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use serde_json::Value as J;

/// A map of attribute values, as the SDK takes and gives items and keys.
pub(crate) type Item = HashMap<String, AttributeValue>;

/// Why a typed value in a request could not be read.
pub(crate) fn bad_value(path: &str, value: &J) -> String {
    format!(
        "Unable to convert {value} to a DynamoDB typed value at {path}: expected one of S, N, B, BOOL, NULL, SS, NS, BS, L, M."
    )
}

/// A typed value (`{"S": "x"}`) to an SDK attribute value; `path` names it in errors.
pub(crate) fn typed(value: &J, path: &str) -> Result<AttributeValue, String> {
    let obj = value.as_object().filter(|o| o.len() == 1);
    let Some((kind, inner)) = obj.and_then(|o| o.iter().next()) else {
        return Err(bad_value(path, value));
    };
    let number = |n: &J| match n {
        J::Number(n) => Some(n.to_string()),
        J::String(s) if s.parse::<f64>().is_ok() => Some(s.clone()),
        _ => None,
    };
    let strings = |v: &J| -> Option<Vec<String>> {
        v.as_array()?
            .iter()
            .map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let blob = |s: &str| {
        // RFC 2045: characters outside the alphabet are ignored.
        let clean: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(clean)
            .ok()
            .map(Blob::new)
    };
    let out = match (kind.as_str(), inner) {
        ("S", J::String(s)) => Some(AttributeValue::S(s.clone())),
        ("N", n) => number(n).map(AttributeValue::N),
        ("B", J::String(s)) => blob(s).map(AttributeValue::B),
        ("BOOL", J::Bool(b)) => Some(AttributeValue::Bool(*b)),
        ("NULL", J::Null | J::Bool(true)) => Some(AttributeValue::Null(true)),
        ("SS", v) => strings(v).map(AttributeValue::Ss),
        ("NS", J::Array(items)) => items
            .iter()
            .map(number)
            .collect::<Option<Vec<_>>>()
            .map(AttributeValue::Ns),
        ("BS", v) => strings(v)
            .and_then(|s| s.iter().map(|x| blob(x)).collect::<Option<Vec<_>>>())
            .map(AttributeValue::Bs),
        ("L", J::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(typed(item, &format!("{path}.L[{i}]"))?);
            }
            Some(AttributeValue::L(out))
        }
        ("M", J::Object(_)) => Some(AttributeValue::M(typed_map(inner, &format!("{path}.M"))?)),
        _ => None,
    };
    out.ok_or_else(|| bad_value(path, value))
}

/// A map of typed values (a key, `attributeValues`, `expressionValues`).
pub(crate) fn typed_map(value: &J, path: &str) -> Result<Item, String> {
    let Some(obj) = value.as_object() else {
        return Err(format!("Unable to convert {value} to Object at {path}."));
    };
    obj.iter()
        .map(|(k, v)| Ok((k.clone(), typed(v, &format!("{path}.{k}"))?)))
        .collect()
}

/// A map of strings (`expressionNames`).
pub(crate) fn names(value: &J, path: &str) -> Result<HashMap<String, String>, String> {
    let Some(obj) = value.as_object() else {
        return Err(format!("Unable to convert {value} to Object at {path}."));
    };
    obj.iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), s.to_string())),
            None => Err(format!("Unable to convert {v} to String at {path}.{k}.")),
        })
        .collect()
}

/// An SDK attribute value as the plain JSON a response template sees.
pub(crate) fn plain(value: &AttributeValue) -> J {
    let number = |n: &str| -> J {
        if let Ok(i) = n.parse::<i64>() {
            return J::from(i);
        }
        n.parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| J::String(n.to_string()), J::Number)
    };
    let b64 = |b: &Blob| J::String(base64::engine::general_purpose::STANDARD.encode(b.as_ref()));
    match value {
        AttributeValue::S(s) => J::String(s.clone()),
        AttributeValue::N(n) => number(n),
        AttributeValue::B(b) => b64(b),
        AttributeValue::Bool(b) => J::Bool(*b),
        AttributeValue::Null(_) => J::Null,
        AttributeValue::Ss(items) => items.iter().map(|s| J::String(s.clone())).collect(),
        AttributeValue::Ns(items) => items.iter().map(|n| number(n)).collect(),
        AttributeValue::Bs(items) => items.iter().map(b64).collect(),
        AttributeValue::L(items) => items.iter().map(plain).collect(),
        AttributeValue::M(fields) => J::Object(plain_map_sorted(fields)),
        _ => J::Null,
    }
}

/// An item as plain JSON. DynamoDB returns attributes unordered; they are sorted by name so
/// that output is stable.
pub(crate) fn plain_item(item: &Item) -> J {
    J::Object(plain_map_sorted(item))
}

fn plain_map_sorted(item: &Item) -> serde_json::Map<String, J> {
    let mut keys: Vec<&String> = item.keys().collect();
    keys.sort();
    keys.into_iter()
        .filter_map(|k| item.get(k).map(|v| (k.clone(), plain(v))))
        .collect()
}

/// A typed map (from a request) as plain JSON, in the request's order.
pub(crate) fn plain_from_typed(value: &J) -> J {
    match value.as_object() {
        Some(obj) => J::Object(
            obj.iter()
                .map(|(k, v)| {
                    let plain_v = typed(v, k).map(|av| plain(&av)).unwrap_or(J::Null);
                    (k.clone(), plain_v)
                })
                .collect(),
        ),
        None => J::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_values_round_trip_to_plain_json() {
        let item = json!({
            "s": {"S": "x"}, "n": {"N": 4}, "f": {"N": "1.5"}, "b": {"B": "aGk="},
            "t": {"BOOL": true}, "z": {"NULL": null}, "ss": {"SS": ["a", "b"]},
            "ns": {"NS": [1, 2]}, "l": {"L": [{"S": "a"}, {"N": 1}]},
            "m": {"M": {"k": {"S": "v"}}}
        });
        let typed = typed_map(&item, "$").unwrap();
        assert_eq!(
            plain_item(&typed),
            json!({"b": "aGk=", "f": 1.5, "l": ["a", 1], "m": {"k": "v"}, "n": 4,
                   "ns": [1, 2], "s": "x", "ss": ["a", "b"], "t": true, "z": null})
        );
    }

    #[test]
    fn malformed_typed_values_are_refused_with_their_path() {
        for bad in [
            json!({"S": 1}),
            json!({"S": "a", "N": 1}),
            json!("x"),
            json!({"Q": 1}),
        ] {
            let err = typed(&bad, "$[key].id").unwrap_err();
            assert!(err.contains("$[key].id"), "{err}");
        }
    }
}
