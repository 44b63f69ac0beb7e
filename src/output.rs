//! Rendered text → JSON, the way AppSync reads a mapping template's output.
//!
//! AppSync requires the output to be one JSON value and reports, with these exact messages
//! (AppSync developer guide, resolver mapping template overview): `Duplicate field 'x'
//! detected on Object. Duplicate JSON keys are not allowed.` and `Trailing characters at the
//! end of the JSON string are not allowed.` Commas directly before `}` or `]` are accepted:
//! AppSync's own tutorial and several documentation examples rely on them (whether AppSync
//! accepts them everywhere is disputed; we accept them, so documented templates work).

// Reviewed for panics on input: the comma scan slices after an index that is below the length.
#![allow(clippy::indexing_slicing)]

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorKind, Result};

/// Parses template output as AppSync does.
pub fn parse_output(text: &str) -> Result<serde_json::Value> {
    let cleaned = drop_trailing_commas(text);
    let mut de = serde_json::Deserializer::from_str(&cleaned);
    let value = match NoDuplicates.deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => return Err(output_error(&e, text)),
    };
    if let Err(e) = de.end() {
        return Err(output_error(&e, text));
    }
    Ok(value)
}

fn output_error(e: &serde_json::Error, text: &str) -> Error {
    let message = e.to_string();
    let message = if let Some(field) = message
        .strip_prefix(DUPLICATE_PREFIX)
        // (From the last `>` before the position: the key itself may hold `>`.)
        .and_then(|rest| {
            rest.rsplit_once(DUPLICATE_SUFFIX)
                .or_else(|| rest.rsplit_once('>').map(|(f, _)| (f, "")))
                .map(|(field, _)| field)
        }) {
        format!(
            "Duplicate field '{field}' detected on Object. Duplicate JSON keys are not allowed."
        )
    } else if message.starts_with("trailing characters") {
        "Trailing characters at the end of the JSON string are not allowed.".to_string()
    } else {
        format!("Unable to convert {text} to Object.")
    };
    Error::new(ErrorKind::MappingTemplate { message })
}

const DUPLICATE_PREFIX: &str = "duplicate field <";
const DUPLICATE_SUFFIX: &str = "> at line ";

/// Builds a `serde_json::Value`, failing on a key that repeats within one object.
struct NoDuplicates;

impl<'de> DeserializeSeed<'de> for NoDuplicates {
    type Value = serde_json::Value;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoDuplicates {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(NoDuplicates)? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "{DUPLICATE_PREFIX}{key}{DUPLICATE_SUFFIX}"
                )));
            }
            let value = map.next_value_seed(NoDuplicates)?;
            out.insert(key, value);
        }
        Ok(serde_json::Value::Object(out))
    }
}

/// Removes commas followed (after whitespace) by `}` or `]`, outside strings.
fn drop_trailing_commas(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(',') {
        return text.into();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b',' => {
                let next = bytes[i + 1..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .copied();
                if matches!(next, Some(b'}' | b']')) {
                    out.push_str(&text[last..i]);
                    last = i + 1;
                }
            }
            _ => {}
        }
    }
    out.push_str(&text[last..]);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        match parse_output(text).unwrap_err().kind() {
            ErrorKind::MappingTemplate { message } => message.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn trailing_commas_outside_strings() {
        let v = parse_output("{\"a\": [1, 2,], \"b\": \",}\", }").unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, 2], "b": ",}"}));
    }

    #[test]
    fn appsync_messages() {
        assert_eq!(
            message("{\"a\": {\"f\": 1, \"f\": 2}}"),
            "Duplicate field 'f' detected on Object. Duplicate JSON keys are not allowed."
        );
        assert_eq!(
            message("{\"a>b\": 1, \"a>b\": 2}"),
            "Duplicate field 'a>b' detected on Object. Duplicate JSON keys are not allowed."
        );
        assert_eq!(
            message("{\"a\": 1} x"),
            "Trailing characters at the end of the JSON string are not allowed."
        );
        assert_eq!(message("{a: 1}"), "Unable to convert {a: 1} to Object.");
    }
}
