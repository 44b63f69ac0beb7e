//! Top-level `$util.*` helpers (AppSync developer guide, "Utility helpers in $util").

// Reviewed for panics on input: the URL decoder indexes bytes strictly below the length.
#![allow(clippy::indexing_slicing)]

use std::sync::Arc;

use base64::Engine as _;

use super::args::{Args, java_text};
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::runtime::{AppendedError, Runtime};
use crate::value::methods::java_is_whitespace;
use crate::value::{Object, Value, from_json, to_json};

fn void() -> Value {
    // One empty string for every `$util.qr` whose value is used.
    static EMPTY: std::sync::LazyLock<Arc<str>> = std::sync::LazyLock::new(|| Arc::from(""));
    Value::Str(EMPTY.clone())
}

fn string(s: impl Into<Arc<str>>) -> Value {
    Value::Str(s.into())
}

/// commons-lang `StringUtils.isBlank`: empty or only whitespace.
fn is_blank(s: &str) -> bool {
    s.chars().all(java_is_whitespace)
}

/// `$util.toJson(x)` written into `out` (and `$util.qr(x)`, which writes nothing); `None`
/// for other helpers.
pub(crate) fn write_text(name: &str, values: &[Value], out: &mut String) -> Option<Outcome<()>> {
    let x = match (name, values) {
        ("qr" | "quiet", [_]) => return Some(Ok(())),
        ("toJson", [x]) => x,
        _ => return None,
    };
    if super::json::contains_cycle(x) {
        return Some(Err(Failure::from(ErrorKind::UtilArgument {
            helper: name.into(),
            message:
                "the value nests too deeply to write as JSON (does a collection contain itself?)"
                    .into(),
        })));
    }
    super::json::write_json(x, out);
    Some(Ok(()))
}

/// Dispatches `$util.name(args)`. Unknown names and arities give null, so the call renders
/// as its own text, as in AppSync.
pub(crate) fn call(rt: &mut Runtime, name: &str, values: &[Value]) -> Outcome {
    let n = values.len();
    let first = values.first().unwrap_or(&Value::Null);
    let second = values.get(1).unwrap_or(&Value::Null);
    Ok(match (name, n) {
        ("qr" | "quiet", 1) => void(),
        ("toJson", 1) => {
            let mut out = String::new();
            write_text(name, values, &mut out).unwrap_or(Ok(()))?;
            string(out)
        }
        ("parseJson", 1) => parse_json(first),
        ("autoId", 0) => string(rt.next_uuid()),
        ("autoUlid", 0) => {
            let random = u128::from_le_bytes(rt.random_bytes()) >> 48;
            let millis = u64::try_from(rt.now_millis).unwrap_or(0);
            string(ulid::Ulid::from_parts(millis, random).to_string())
        }
        ("autoKsuid", 0) => {
            let seconds = rt.now_millis.div_euclid(1000) - svix_ksuid::KSUID_EPOCH;
            let payload = rt.random_bytes();
            let ksuid =
                svix_ksuid::Ksuid::new_raw(u32::try_from(seconds).unwrap_or(0), Some(&payload));
            string(ksuid.to_string())
        }
        ("isNull", 1) => Value::Bool(first.is_null()),
        ("isNullOrEmpty", 1) => Value::Bool(is_empty(first, false)),
        ("isNullOrBlank", 1) => Value::Bool(is_empty(first, true)),
        ("defaultIfNull", 2) => {
            if first.is_null() {
                second.clone()
            } else {
                first.clone()
            }
        }
        ("defaultIfNullOrEmpty" | "defaultIfNullOrBlank", 2) => {
            if is_empty(first, name == "defaultIfNullOrBlank") {
                second.clone()
            } else {
                first.clone()
            }
        }
        ("isString", 1) => Value::Bool(matches!(first, Value::Str(_) | Value::Char(_))),
        ("isNumber", 1) => Value::Bool(first.is_number()),
        ("isBoolean", 1) => Value::Bool(matches!(first, Value::Bool(_))),
        ("isList", 1) => Value::Bool(matches!(first, Value::List(_))),
        ("isMap", 1) => Value::Bool(matches!(first, Value::Map(_))),
        ("typeOf", 1) => string(type_of(first)),
        ("matches", 2) => {
            let args = Args::new(name, "String, String", values);
            let (pattern, text) = (args.str(0)?, args.str(1)?);
            let matched = crate::java::regex::full_match(&pattern, &text).map_err(|reason| {
                Failure::from(ErrorKind::UtilArgument {
                    helper: name.into(),
                    message: reason,
                })
            })?;
            Value::Bool(matched)
        }
        ("authType", 0) => string(rt.auth_mode.util_auth_type()),
        ("escapeJavaScript", 1) => match java_text(first) {
            Some(s) => string(escape_javascript(&s)),
            None => Value::Null,
        },
        ("urlEncode", 1) => match java_text(first) {
            Some(s) => string(url_encode(&s)),
            None => Value::Null,
        },
        ("urlDecode", 1) => match java_text(first) {
            Some(s) => string(url_decode(&s).ok_or_else(|| {
                Failure::from(ErrorKind::UtilArgument {
                    helper: name.into(),
                    message: format!("malformed escape in `{s}`"),
                })
            })?),
            None => Value::Null,
        },
        ("base64Encode", 1) => match first {
            Value::List(_) => {
                let bytes = byte_list(&Args::new(name, "byte[]", values))?;
                string(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            other => match java_text(other) {
                Some(s) => string(base64::engine::general_purpose::STANDARD.encode(s.as_bytes())),
                None => Value::Null,
            },
        },
        ("base64Decode", 1) => match java_text(first) {
            // The guide types the result as byte[]; templates use it as text, so the bytes
            // are returned decoded as UTF-8.
            Some(s) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(s.trim_end())
                    .map_err(|e| {
                        Failure::from(ErrorKind::UtilArgument {
                            helper: name.into(),
                            message: format!("invalid base64: {e}"),
                        })
                    })?;
                string(String::from_utf8_lossy(&bytes).into_owned())
            }
            None => Value::Null,
        },
        ("error" | "appendError", 1..=4) => {
            let args = Args::new(name, "String[, String[, Object[, Object]]]", values);
            let error = AppendedError {
                message: args.opt_str(0).map_or_else(|| "null".into(), String::from),
                error_type: if n > 1 {
                    args.opt_str(1).map(String::from)
                } else {
                    None
                },
                data: values.get(2).map(to_json),
                error_info: values.get(3).map(to_json),
            };
            if name == "error" {
                return Err(template_error(error));
            }
            let json_len = |v: &Option<serde_json::Value>| {
                v.as_ref()
                    .and_then(|v| serde_json::to_vec(v).ok())
                    .map_or(0, |v| v.len())
            };
            rt.record(
                name,
                error.message.len()
                    + error.error_type.as_ref().map_or(0, String::len)
                    + json_len(&error.data)
                    + json_len(&error.error_info),
            )?;
            rt.errors.push(error);
            void()
        }
        ("validate", 2..=4) => {
            let args = Args::new(name, "Boolean, String[, String[, Object]]", values);
            // A condition that is not a Boolean is read as Velocity reads `#if`: only null
            // is false.
            let holds = match first {
                Value::Bool(b) => *b,
                other => !other.is_null(),
            };
            if !holds {
                return Err(template_error(AppendedError {
                    message: args.opt_str(1).map_or_else(|| "null".into(), String::from),
                    error_type: if n > 2 {
                        args.opt_str(2).map(String::from)
                    } else {
                        None
                    },
                    data: values.get(3).map(to_json),
                    error_info: None,
                }));
            }
            void()
        }
        ("unauthorized", 0) => {
            let (field, parent) = rt.field_and_type();
            return Err(Failure::from(ErrorKind::Unauthorized {
                message: format!("Not Authorized to access {field} on type {parent}"),
            }));
        }
        _ => Value::Null,
    })
}

fn template_error(e: AppendedError) -> Failure {
    Failure::from(ErrorKind::TemplateError {
        message: e.message,
        error_type: e.error_type,
        data: e.data,
        error_info: e.error_info,
    })
}

/// `$util.parseJson`: the first JSON value of the text, what follows it ignored (as
/// Jackson's `readValue` does by default); null when the text does not start with one.
///
/// Text that is not JSON does not fail the render on AppSync: Amplify's owner-auth resolvers
/// call `$util.parseJson` on every string claim (a `sub` is a UUID, not JSON) to see whether
/// it is a JSON array, and they run in production. They need only that the result is not a
/// List; null is what a Java helper that catches the parse exception returns, and what
/// amplify-appsync-simulator 2.16 returns.
fn parse_json(value: &Value) -> Value {
    let Some(text) = java_text(value) else {
        return Value::Null;
    };
    let mut values = serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>();
    match values.next() {
        Some(Ok(j)) => from_json(&j),
        _ => Value::Null,
    }
}

/// The emptiness `isNullOrEmpty` / `isNullOrBlank` and their `defaultIf...` twins test:
/// null; a Map or List without elements; any other value whose string form is empty (or
/// blank). Generated resolvers test maps and lists this way (`$ctx.stash.authFilter`).
fn is_empty(v: &Value, or_blank: bool) -> bool {
    match v {
        Value::Map(m) => m.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Object(Object::View(m, _)) => m.is_empty(),
        other => {
            java_text(other).is_none_or(|s| if or_blank { is_blank(&s) } else { s.is_empty() })
        }
    }
}

/// `$util.typeOf`: the guide's type names.
fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "Null",
        _ if v.is_number() => "Number",
        Value::Str(_) | Value::Char(_) => "String",
        Value::Map(_) => "Map",
        Value::List(_) => "List",
        Value::Bool(_) => "Boolean",
        _ => "Object",
    }
}

fn byte_list(args: &Args<'_>) -> Result<Vec<u8>, Failure> {
    let list = args.list(0)?;
    let items = list.borrow();
    items
        .iter()
        .map(|b| match b {
            Value::Int(i) => Ok(*i as u8),
            _ => Err(args.fail()),
        })
        .collect()
}

/// commons-lang 2 `StringEscapeUtils.escapeJavaScript` (what "JavaScript escaped" means in a
/// Java service): quotes, backslash and `/` escaped, control characters and everything above
/// U+007F as `\uXXXX` (upper-case hex). Which library AppSync uses is not documented.
pub(crate) fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for unit in s.encode_utf16() {
        match unit {
            0x22 => out.push_str("\\\""),
            0x27 => out.push_str("\\'"),
            0x5C => out.push_str("\\\\"),
            0x2F => out.push_str("\\/"),
            0x08 => out.push_str("\\b"),
            0x09 => out.push_str("\\t"),
            0x0A => out.push_str("\\n"),
            0x0C => out.push_str("\\f"),
            0x0D => out.push_str("\\r"),
            u if !(0x20..0x7F).contains(&u) => out.push_str(&format!("\\u{u:04X}")),
            u => out.push(char::from(u as u8)),
        }
    }
    out
}

/// `java.net.URLEncoder.encode(s, "UTF-8")` (application/x-www-form-urlencoded): letters,
/// digits and `.-*_` kept, space as `+`, every other byte as `%XX`.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `java.net.URLDecoder.decode(s, "UTF-8")`: `+` is a space, `%XX` a byte; `None` for a
/// malformed escape (Java throws).
pub(crate) fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_codec_is_javas() {
        assert_eq!(url_encode("a b&c=d/é*"), "a+b%26c%3Dd%2F%C3%A9*");
        assert_eq!(url_decode("a+b%26c").unwrap(), "a b&c");
        assert_eq!(url_decode("12314%40N32").unwrap(), "12314@N32");
        assert!(url_decode("%4").is_none());
        assert!(url_decode("%zz").is_none());
    }

    #[test]
    fn javascript_escapes_are_commons_lang() {
        assert_eq!(escape_javascript("it's \"q\""), "it\\'s \\\"q\\\"");
        assert_eq!(escape_javascript("a/b\\c\né"), "a\\/b\\\\c\\n\\u00E9");
    }
}
