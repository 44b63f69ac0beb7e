//! JSON text of a template value, as AppSync's `$util.toJson` writes it (Jackson, compact):
//! no spaces, insertion order, doubles in Java notation (`1.0`, `1.0E7`), non-ASCII text
//! unescaped.

// Reviewed for panics on input: the hex table has 16 entries and is indexed by 4-bit values.
#![allow(clippy::indexing_slicing)]

use crate::value::{EntryKey, EntryValue, Object, Value, format::write_double};

/// Nesting beyond which a value is written as `null` (a collection containing itself).
const MAX_DEPTH: usize = 200;

/// Appends the JSON text of `v` to `out`.
pub(crate) fn write_json(v: &Value, out: &mut String) {
    write_at(v, out, 0)
}

/// The JSON text of `v`.
pub(crate) fn to_json_string(v: &Value) -> String {
    let mut s = String::new();
    write_json(v, &mut s);
    s
}

/// Whether a collection in `v` contains itself, directly or not (depth-first search that
/// visits each shared collection once).
pub(crate) fn contains_cycle(v: &Value) -> bool {
    use std::collections::HashSet;
    fn children(v: &Value) -> Vec<Value> {
        match v {
            Value::List(l) => l
                .borrow()
                .iter()
                .filter(|x| collection_id(x).is_some())
                .cloned()
                .collect(),
            Value::Map(m) => m
                .borrow()
                .values()
                .filter(|x| collection_id(x).is_some())
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }
    let Some(root) = collection_id(v) else {
        return false;
    };
    let mut on_path: HashSet<usize> = HashSet::from([root]);
    let mut done: HashSet<usize> = HashSet::new();
    let mut stack: Vec<(usize, std::vec::IntoIter<Value>)> = vec![(root, children(v).into_iter())];
    while let Some((id, iter)) = stack.last_mut() {
        match iter.next() {
            Some(child) => {
                let Some(cid) = collection_id(&child) else {
                    continue;
                };
                if on_path.contains(&cid) {
                    return true;
                }
                if done.insert(cid) {
                    on_path.insert(cid);
                    stack.push((cid, children(&child).into_iter()));
                }
            }
            None => {
                on_path.remove(id);
                stack.pop();
            }
        }
    }
    false
}

/// Identity of a collection that could be part of a cycle (one still holding only the
/// caller's JSON cannot).
fn collection_id(v: &Value) -> Option<usize> {
    if v.untouched_json().is_some() {
        return None;
    }
    match v {
        Value::List(l) => Some(l.addr()),
        Value::Map(m) => Some(m.addr()),
        _ => None,
    }
}

pub(crate) fn write_at(v: &Value, out: &mut String, depth: usize) {
    // As for `toString`: stop past the hard limit (shared sub-collections can make the text
    // exponentially long); the caller's limit check reports it.
    if out.len() > crate::limits::HARD_STRING_LIMIT {
        return;
    }
    if depth > MAX_DEPTH {
        out.push_str("null");
        return;
    }
    if let Some(at) = v.untouched_json() {
        // Still the caller's JSON: write it without converting it first.
        {
            let json = at.json();
            write_raw(json, out, depth);
        }
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Long(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::BigInt(b) => out.push_str(&b.to_string()),
        Value::Double(d) => {
            if d.is_finite() {
                write_double(*d, out)
            } else {
                // Jackson writes these as strings when quoting non-numeric numbers is on,
                // and as bare tokens otherwise; bare tokens are not JSON, so quote.
                out.push('"');
                write_double(*d, out);
                out.push('"');
            }
        }
        Value::Float(f) => {
            if f.is_finite() {
                crate::value::format::write_float(*f, out)
            } else {
                out.push('"');
                crate::value::format::write_float(*f, out);
                out.push('"');
            }
        }
        Value::Short(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Byte(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Str(s) => write_string(s, out),
        Value::Char(c) => {
            let mut b = [0u8; 4];
            write_string(c.encode_utf8(&mut b), out)
        }
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_at(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Map(m) => {
            // A JSON-backed map after puts: its other entries written from the JSON.
            out.push('{');
            let mut first = true;
            m.visit(|k, v| {
                if !std::mem::take(&mut first) {
                    out.push(',');
                }
                write_key(k, out);
                match v {
                    EntryValue::Value(item) => write_at(item, out, depth + 1),
                    EntryValue::Json(json) => write_raw(json, out, depth + 1),
                }
            });
            out.push('}');
        }
        Value::Entry(e) => {
            out.push('{');
            write_string(&e.0.to_java_string(), out);
            out.push(':');
            write_at(&e.value(), out, depth + 1);
            out.push('}');
        }
        Value::Object(Object::View(m, view)) => {
            write_at(&Value::list(m.view_items(*view)), out, depth + 1)
        }
        Value::Object(_) => out.push_str("{}"),
    }
}

/// `"key":` for a map entry (a key that is not a string is written as its `toString()`, as
/// Jackson does).
pub(crate) fn write_key(k: EntryKey<'_>, out: &mut String) {
    match k {
        EntryKey::Str(s) => write_string(s, out),
        EntryKey::Value(Value::Str(s)) => write_string(s, out),
        EntryKey::Value(other) => write_string(&other.to_java_string(), out),
    }
    out.push(':');
}

/// A JSON string literal with Jackson's escapes: `"`, `\` and control characters.
/// [`write_at`] for JSON not converted to template values: the same text as converting
/// it and writing the result.
fn write_raw(json: &serde_json::Value, out: &mut String, depth: usize) {
    use serde_json::Value as J;
    if out.len() > crate::limits::HARD_STRING_LIMIT {
        return;
    }
    if depth > MAX_DEPTH {
        out.push_str("null");
        return;
    }
    match json {
        J::String(s) => write_string(s, out),
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_raw(item, out, depth + 1);
            }
            out.push(']');
        }
        J::Object(entries) => {
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_raw(item, out, depth + 1);
            }
            out.push('}');
        }
        scalar => write_at(&crate::value::convert::scalar(scalar), out, depth),
    }
}

/// Appends `s` as a JSON string: `"`, `\` and control characters escaped (Jackson's
/// forms: `\n`-style where there is one, `\u00XX` in upper case otherwise).
pub(crate) fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Most text needs no escape: one scan, eight bytes at a time, then one copy
    // (response_list, which is mostly short strings, runs 28% fewer instructions than
    // with a byte-by-byte scan).
    if has_escape(s.as_bytes()) {
        write_escaped(s, out);
    } else {
        out.push_str(s);
    }
    out.push('"');
}

/// The body of [`write_string`] for text that has something to escape.
fn write_escaped(s: &str, out: &mut String) {
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            out.push_str("\\u00");
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Whether `bytes` has a `"`, a `\` or a byte below 0x20, tested eight bytes at a time.
fn has_escape(bytes: &[u8]) -> bool {
    let word = |c: &[u8]| <[u8; 8]>::try_from(c).map_or(0, u64::from_le_bytes);
    let mut chunks = bytes.chunks_exact(8);
    if chunks.any(|c| needs_escape(word(c))) {
        return true;
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        false
    } else if bytes.len() >= 8 {
        // The last eight bytes, overlapping the chunks already tested.
        needs_escape(word(&bytes[bytes.len() - 8..]))
    } else {
        // Padded with spaces, which need no escape.
        let mut padded = [b' '; 8];
        padded[..rest.len()].copy_from_slice(rest);
        needs_escape(u64::from_le_bytes(padded))
    }
}

/// Whether any of the eight bytes in `v` is `"`, `\` or below 0x20. (Each test sets a
/// byte's high bit only when that byte, or a lower one that also matches, is a hit: exact as
/// a yes/no answer, which is all the caller needs.)
#[inline]
fn needs_escape(v: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = v.wrapping_sub(ONES * 0x20) & !v;
    let quote = zero_byte(v ^ (ONES * b'"' as u64));
    let backslash = zero_byte(v ^ (ONES * b'\\' as u64));
    (control | quote | backslash) & HIGH != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::any_json;
    use proptest::prelude::*;

    proptest! {
        /// Strings are escaped as serde_json escapes them, but for the case of the hex
        /// digits (Jackson writes `\u001F`). Control characters, quotes and backslashes are
        /// made likely, at every position of the eight-byte chunks.
        #[test]
        fn strings_escape_as_serde_json_does(s in "[\\x00-\\x21\"\\\\a-z\\x7f\u{80}-\u{10FFFF}]{0,40}") {
            let mut ours = String::new();
            write_string(&s, &mut ours);
            let serde = serde_json::to_string(&s).unwrap();
            let mut expected = String::new();
            let mut rest = serde.as_str();
            while let Some(at) = rest.find("\\u00") {
                expected.push_str(&rest[..at + 4]);
                expected.push_str(&rest[at + 4..at + 6].to_ascii_uppercase());
                rest = &rest[at + 6..];
            }
            expected.push_str(rest);
            prop_assert_eq!(ours, expected);
        }

        /// Writing the caller's JSON directly gives what converting it first gives.
        #[test]
        fn json_backed_values_write_as_converted_ones(json in any_json()) {
            use crate::value::lazy::{JsonAt, value_at};
            let root = std::sync::Arc::new(json.clone());
            let lazy = value_at(&root, || JsonAt::root(root.clone()));
            let converted = crate::value::from_json(&json);
            prop_assert_eq!(to_json_string(&lazy), to_json_string(&converted));
        }
    }

    #[test]
    fn compact_and_java_numbers() {
        let v = crate::value::from_json(
            &serde_json::json!({"a": 1, "b": [1.0, "x\"\n\u{1}é"], "c": null}),
        );
        assert_eq!(
            to_json_string(&v),
            r#"{"a":1,"b":[1.0,"x\"\n\u0001é"],"c":null}"#
        );
        assert_eq!(to_json_string(&Value::Double(1e7)), "1.0E7");
    }
}
