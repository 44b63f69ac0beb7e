//! `$util.xml`: XML to a map or JSON, with the conversion rules of `org.json`'s
//! `XML.toJSONObject` (which the guide's examples follow): an element with only text becomes
//! that text, repeated elements become a list, attributes become keys, text next to
//! attributes or children goes under `content`, and text that reads as a number or boolean
//! becomes one (unless asked to keep strings).

use std::sync::Arc;

use super::args::Args;
use super::json::to_json_string;
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::value::{List, Map, Value};

/// Dispatches `$util.xml.name(args)`.
pub(crate) fn call(name: &str, values: &[Value]) -> Outcome {
    let (text, keep_strings) = match (name, values.len()) {
        ("toMap", 1) | ("toJsonString", 1) => (Args::new(name, "String", values).opt_str(0), false),
        ("toJsonString", 2) => {
            let args = Args::new(name, "String, Boolean", values);
            (args.opt_str(0), args.bool(1)?)
        }
        _ => return Ok(Value::Null),
    };
    let Some(text) = text else {
        return Ok(Value::Null);
    };
    let map = to_map(&text, keep_strings).map_err(|message| {
        Failure::from(ErrorKind::UtilArgument {
            helper: format!("xml.{name}"),
            message,
        })
    })?;
    Ok(if name == "toMap" {
        map
    } else {
        Value::Str(Arc::from(to_json_string(&map)))
    })
}

fn to_map(text: &str, keep_strings: bool) -> Result<Value, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("invalid XML: {e}"))?;
    let out = Map::with_capacity(1);
    let root = doc.root_element();
    accumulate(
        &out,
        root.tag_name().name(),
        element(root, keep_strings, 0)?,
    );
    Ok(Value::Map(out))
}

const MAX_DEPTH: usize = 200;

fn element(
    node: roxmltree::Node<'_, '_>,
    keep_strings: bool,
    depth: usize,
) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("XML nested too deeply".into());
    }
    let obj = Map::with_capacity(0);
    for attr in node.attributes() {
        accumulate(&obj, attr.name(), scalar(attr.value(), keep_strings));
    }
    for child in node.children() {
        if child.is_element() {
            accumulate(
                &obj,
                child.tag_name().name(),
                element(child, keep_strings, depth + 1)?,
            );
        } else if let Some(t) = child.text() {
            let t = t.trim();
            if !t.is_empty() {
                accumulate(&obj, "content", scalar(t, keep_strings));
            }
        }
    }
    Ok(match obj.len() {
        0 => Value::str(""),
        1 if obj.get_str("content").is_some() => obj.get_str("content").unwrap_or_default(),
        _ => Value::Map(obj),
    })
}

/// `JSONObject.accumulate`: a second value under the same key turns it into a list.
fn accumulate(obj: &Map, key: &str, value: Value) {
    match obj.get_str(key) {
        None => {
            obj.insert(Value::str(key), value);
        }
        Some(Value::List(l)) => l.borrow_mut(true).push(value),
        Some(first) => {
            obj.insert(Value::str(key), Value::List(List::new(vec![first, value])));
        }
    }
}

/// `JSONObject.stringToValue`: booleans, integers (no leading zeros) and decimals convert.
fn scalar(s: &str, keep_strings: bool) -> Value {
    if keep_strings {
        return Value::str(s);
    }
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    let leading_zero =
        digits.starts_with('0') && digits.as_bytes().get(1).is_some_and(u8::is_ascii_digit);
    if digits.starts_with(|c: char| c.is_ascii_digit()) && !leading_zero {
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = s.parse::<i32>() {
                return Value::Int(i);
            }
            if let Ok(l) = s.parse::<i64>() {
                return Value::Long(l);
            }
        } else if let Ok(d) = s.parse::<f64>()
            && d.is_finite()
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        {
            return Value::Double(d);
        }
    }
    Value::str(s)
}
