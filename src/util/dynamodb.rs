//! `$util.dynamodb`: values → DynamoDB attribute values, in AppSync's JSON dialect where
//! `N` holds a JSON number (`{"N":4}`), not a string. Every `toX` has a `toXJson` twin
//! that returns `$util.toJson(toX(...))`.

use std::sync::Arc;

use super::args::{Args, java_text, number};
use super::json::to_json_string;
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::value::{List, Map, Value, from_json};

fn attr(kind: &str, v: Value) -> Value {
    let m = Map::with_capacity(1);
    m.insert(Value::Str(Arc::from(kind)), v);
    Value::Map(m)
}

/// Nesting beyond which conversion stops (a collection that contains itself).
const MAX_DEPTH: usize = 200;

/// The attribute value for any value: `S`, `N`, `BOOL`, `NULL` (`{"NULL":true}`), `L` (lists
/// are never sets), `M`.
pub(crate) fn to_dynamodb(v: &Value) -> Value {
    to_dynamodb_checked(v).unwrap_or_else(|| attr("NULL", Value::Bool(true)))
}

/// [`to_dynamodb`], or `None` when the value is too large to convert (shared
/// sub-collections count each time they appear).
pub(crate) fn to_dynamodb_checked(v: &Value) -> Option<Value> {
    if super::json::contains_cycle(v) || !crate::value::fits_node_limit(v) {
        return None;
    }
    let mut budget = crate::limits::HARD_NODE_LIMIT;
    let out = to_dynamodb_at(v, 0, &mut budget);
    (budget > 0).then_some(out)
}

fn to_dynamodb_at(v: &Value, depth: usize, budget: &mut usize) -> Value {
    if depth > MAX_DEPTH || *budget == 0 {
        return attr("NULL", Value::Bool(true));
    }
    *budget -= 1;
    match v {
        // The guide does not show toDynamoDB(null); DynamoDB's own JSON for null is
        // {"NULL": true}, which is what we write.
        Value::Null => attr("NULL", Value::Bool(true)),
        Value::Str(_) | Value::Char(_) => attr("S", Value::Str(Arc::from(v.to_java_string()))),
        _ if v.is_number() => attr("N", v.clone()),
        Value::Bool(_) => attr("BOOL", v.clone()),
        Value::Map(m) => attr("M", map_values(m, depth, budget)),
        other => match other.collection_items() {
            Some(items) => {
                let items = items
                    .iter()
                    .map(|x| to_dynamodb_at(x, depth + 1, budget))
                    .collect();
                attr("L", Value::List(List::new(items)))
            }
            None => attr("S", Value::Str(Arc::from(other.to_java_string()))),
        },
    }
}

fn map_values(m: &Map, depth: usize, budget: &mut usize) -> Value {
    let entries = m.borrow();
    let out = Map::with_capacity(entries.len());
    for (k, v) in entries.iter() {
        out.insert(k.clone(), to_dynamodb_at(v, depth + 1, budget));
    }
    Value::Map(out)
}

/// An attribute value back to a plain value: the inverse of [`to_dynamodb`], and how AppSync
/// turns DynamoDB items into `$ctx.result` (`N` becomes a number, sets become lists, `B`
/// stays base64 text). `None` for something that is not a typed value.
pub(crate) fn from_attribute_value(v: &Value) -> Option<Value> {
    if !crate::value::fits_node_limit(v) {
        return None;
    }
    let mut budget = crate::limits::HARD_NODE_LIMIT;
    from_attribute_at(v, 0, &mut budget)
}

fn from_attribute_at(v: &Value, depth: usize, budget: &mut usize) -> Option<Value> {
    if depth > MAX_DEPTH || *budget == 0 {
        return None;
    }
    *budget -= 1;
    let Value::Map(m) = v else { return None };
    let entries = m.borrow();
    if entries.len() != 1 {
        return None;
    }
    let (kind, inner) = entries.get_index(0)?;
    Some(match kind.as_str()? {
        "S" | "B" => inner.clone(),
        "N" => match inner {
            Value::Str(s) => number_from_text(s)?,
            n if n.is_number() => n.clone(),
            _ => return None,
        },
        "BOOL" => match inner {
            Value::Bool(_) => inner.clone(),
            _ => return None,
        },
        "NULL" => Value::Null,
        "SS" | "BS" | "NS" => {
            let items = inner.collection_items()?;
            let items = if kind.as_str()? == "NS" {
                items
                    .iter()
                    .map(|x| match x {
                        Value::Str(s) => number_from_text(s),
                        n if n.is_number() => Some(n.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?
            } else {
                items
            };
            Value::List(List::new(items))
        }
        "L" => {
            let items = inner.collection_items()?;
            let items = items
                .iter()
                .map(|x| from_attribute_at(x, depth + 1, budget))
                .collect::<Option<Vec<_>>>()?;
            Value::List(List::new(items))
        }
        "M" => {
            let Value::Map(fields) = inner else {
                return None;
            };
            let fields = fields.borrow();
            let out = Map::with_capacity(fields.len());
            for (k, x) in fields.iter() {
                out.insert(k.clone(), from_attribute_at(x, depth + 1, budget)?);
            }
            Value::Map(out)
        }
        _ => return None,
    })
}

/// A DynamoDB number string as a template number (integers keep their class).
fn number_from_text(s: &str) -> Option<Value> {
    let json: serde_json::Value = serde_json::from_str(s.trim()).ok()?;
    json.is_number().then(|| from_json(&json))
}

fn json(v: Value) -> Value {
    Value::Str(Arc::from(to_json_string(&v)))
}

fn failure(helper: &str, message: String) -> Failure {
    Failure::from(ErrorKind::UtilArgument {
        helper: format!("dynamodb.{helper}"),
        message,
    })
}

/// The elements of a list read as `element` reads them, for the set helpers.
fn set_of(args: &Args<'_>, element: fn(&Value) -> Option<Value>) -> Result<Value, Failure> {
    let list = args.list(0)?;
    let items = list.borrow();
    let set: Option<Vec<Value>> = items.iter().map(element).collect();
    set.map(|s| Value::List(List::new(s)))
        .ok_or_else(|| args.fail())
}

/// A string-set element: any value but null, by its string form.
fn string_element(v: &Value) -> Option<Value> {
    match v {
        Value::Str(_) => Some(v.clone()),
        other => java_text(other).map(|s| Value::Str(Arc::from(s))),
    }
}

/// The S3 object reference AppSync stores in an `S` attribute: JSON text
/// `{"s3":{"key":..,"bucket":..,"region":..[,"version":..]}}` (compact, like every helper).
fn s3_object(args: &Args<'_>) -> Result<Value, Failure> {
    let fields = Map::with_capacity(4);
    for (i, name) in ["key", "bucket", "region", "version"]
        .iter()
        .enumerate()
        .take(args.values.len())
    {
        fields.insert(Value::str(name), Value::Str(Arc::from(args.str(i)?)));
    }
    let outer = Map::with_capacity(1);
    outer.insert(Value::str("s3"), Value::Map(fields));
    Ok(attr("S", json(Value::Map(outer))))
}

/// The common request-template helpers (`toDynamoDBJson`, `toMapValuesJson`), written
/// straight into `out` (the output, when the call is rendered); `None` for any other helper.
pub(crate) fn write_text(name: &str, values: &[Value], out: &mut String) -> Option<Outcome<()>> {
    let too_large = || failure(name, "the value is too large to convert".into());
    Some(match (name, values) {
        ("toDynamoDBJson", [x]) => {
            if super::json::contains_cycle(x) || !crate::value::fits_node_limit(x) {
                Err(too_large())
            } else {
                super::dynamodb_json::write_attribute(x, out);
                Ok(())
            }
        }
        ("toMapValuesJson", [x @ Value::Map(m)]) => {
            if crate::value::fits_node_limit(x) {
                super::dynamodb_json::write_map_values(m, out);
                Ok(())
            } else {
                Err(too_large())
            }
        }
        _ => return None,
    })
}

/// Dispatches `$util.dynamodb.name(args)`.
pub(crate) fn call(name: &str, values: &[Value]) -> Outcome {
    let (base, as_json) = match name.strip_suffix("Json") {
        Some(b) if b != "fromS3Object" => (b, true),
        _ => (name, false),
    };
    let args = |signature: &'static str| Args::new(name, signature, values);
    let too_large = || failure(name, "the value is too large to convert".into());
    if as_json {
        let mut out = String::new();
        if let Some(written) = write_text(name, values, &mut out) {
            written?;
            return Ok(Value::Str(Arc::from(out)));
        }
    }
    let v = match (base, values) {
        ("toDynamoDB", [x]) => to_dynamodb_checked(x).ok_or_else(too_large)?,
        ("toString", [_]) => match args("String").opt_str(0) {
            Some(s) => attr("S", Value::Str(Arc::from(s))),
            None => attr("NULL", Value::Bool(true)),
        },
        ("toStringSet", [_]) => attr("SS", set_of(&args("List<String>"), string_element)?),
        ("toNumber", [Value::Null]) => to_dynamodb(&Value::Null),
        ("toNumber", [x]) => to_dynamodb(&number(x).ok_or_else(|| args("Number").fail())?),
        ("toNumberSet", [_]) => attr("NS", set_of(&args("List<Number>"), number)?),
        ("toBinary", [_]) => attr("B", Value::Str(Arc::from(args("String").str(0)?))),
        ("toBinarySet", [_]) => attr("BS", set_of(&args("List<String>"), string_element)?),
        ("toBoolean", [Value::Null]) => to_dynamodb(&Value::Null),
        ("toBoolean", [_]) => to_dynamodb(&Value::Bool(args("Boolean").bool(0)?)),
        ("toNull", []) => attr("NULL", Value::Null),
        ("toList", [x]) if x.collection_items().is_some() || x.is_null() => to_dynamodb(x),
        ("toList", [_]) => return Err(args("List").fail()),
        ("toMap", [x @ (Value::Map(_) | Value::Null)]) => to_dynamodb(x),
        ("toMap", [_]) => return Err(args("Map").fail()),
        ("toMapValues", [x @ Value::Map(m)]) => {
            if !crate::value::fits_node_limit(x) {
                return Err(too_large());
            }
            let mut budget = crate::limits::HARD_NODE_LIMIT;
            let v = map_values(m, 0, &mut budget);
            if budget == 0 {
                return Err(too_large());
            }
            v
        }
        ("toMapValues", [_]) => return Err(args("Map").fail()),
        ("toS3Object", [_, _, _] | [_, _, _, _]) => {
            s3_object(&args("String, String, String[, String]"))?
        }
        ("fromS3ObjectJson", [_]) => {
            let text = args("String").str(0)?;
            from_s3_object(&text)
                .ok_or_else(|| failure(name, format!("not an S3 object reference: {text}")))?
        }
        _ => return Ok(Value::Null),
    };
    Ok(if as_json { json(v) } else { v })
}

/// `fromS3ObjectJson`: the map inside `{"s3": {...}}`; the `{"S": "..."}` attribute around it
/// is accepted too (the guide shows both forms).
fn from_s3_object(text: &str) -> Option<Value> {
    let mut json: serde_json::Value = serde_json::from_str(text).ok()?;
    if let Some(inner) = json.get("S").and_then(|s| s.as_str()) {
        json = serde_json::from_str(inner).ok()?;
    }
    let s3 = json.get("s3")?;
    s3.is_object().then(|| from_json(s3))
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
            j(
                "toDynamoDBJson",
                serde_json::json!(["foo", 123, {"bar": "baz"}])
            ),
            r#"{"L":[{"S":"foo"},{"N":123},{"M":{"bar":{"S":"baz"}}}]}"#
        );
        assert_eq!(
            j("toNumberSetJson", serde_json::json!([1, 23, 4.56])),
            r#"{"NS":[1,23,4.56]}"#
        );
    }

    #[test]
    fn converters_take_what_java_can_read() {
        // A String parameter reads any value by its string form; a Number one reads numbers
        // in strings; nothing else is a number.
        assert_eq!(j("toStringJson", serde_json::json!(1)), r#"{"S":"1"}"#);
        assert_eq!(
            j("toStringSetJson", serde_json::json!(["a", 1, true])),
            r#"{"SS":["a","1","true"]}"#
        );
        assert_eq!(j("toNumberJson", serde_json::json!("20")), r#"{"N":20}"#);
        assert_eq!(j("toNumberJson", serde_json::json!("2.5")), r#"{"N":2.5}"#);
        assert_eq!(
            j("toNumberSetJson", serde_json::json!(["1", 2])),
            r#"{"NS":[1,2]}"#
        );
        assert_eq!(
            j("toBooleanJson", serde_json::json!("TRUE")),
            r#"{"BOOL":true}"#
        );
        assert_eq!(j("toNumberJson", serde_json::json!("twenty")), "ERR");
        assert_eq!(j("toNumberSetJson", serde_json::json!([null])), "ERR");
        assert_eq!(j("toMapJson", serde_json::json!("x")), "ERR");
    }

    #[test]
    fn attribute_values_round_trip() {
        let json = serde_json::json!({"a": [1, "x", null, true, {"b": 2.5}], "c": {}});
        let v = crate::value::from_json(&json);
        let back = from_attribute_value(&to_dynamodb(&v)).unwrap();
        assert_eq!(crate::value::to_json(&back), json);
    }
}
