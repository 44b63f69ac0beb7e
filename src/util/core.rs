//! Top-level `$util.*` helpers.

use std::sync::Arc;

use super::json::to_json_string;
use super::{Failure, Outcome, bad_args};
use crate::error::ErrorKind;
use crate::eval::{AppendedError, Runtime};
use crate::value::{Value, from_json, to_json};

fn void() -> Value {
    Value::Str(Arc::from(""))
}

/// A `String` argument (or null).
fn opt_str<'a>(
    helper: &str,
    expected: &str,
    args: &'a [Value],
    v: &'a Value,
) -> Result<Option<&'a str>, Failure> {
    match v {
        Value::Str(s) => Ok(Some(s)),
        Value::Null => Ok(None),
        _ => Err(bad_args(helper, expected, args)),
    }
}

fn is_blank(s: &str) -> bool {
    s.chars().all(crate::value::methods::java_is_whitespace)
}

/// Dispatches `$util.name(args)`.
pub(crate) fn call(rt: &mut Runtime, name: &str, args: &[Value]) -> Outcome {
    Ok(match (name, args) {
        ("qr" | "quiet", [_]) => void(),
        ("toJson", [x]) => Value::Str(Arc::from(to_json_string(x))),
        ("parseJson", [x]) => {
            let Some(text) = opt_str(name, "String", args, x)? else {
                return Err(bad_args(name, "String", args));
            };
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(j) => from_json(&j),
                Err(e) => {
                    return Err(Failure::from(ErrorKind::UtilArgument {
                        helper: name.to_string(),
                        message: format!("invalid JSON: {e}"),
                    }));
                }
            }
        }
        ("autoId", []) => Value::Str(Arc::from(rt.next_uuid())),
        ("isNull", [x]) => Value::Bool(x.is_null()),
        ("isNullOrEmpty", [x]) => {
            let s = opt_str(name, "String", args, x)?;
            Value::Bool(s.is_none_or(str::is_empty))
        }
        ("isNullOrBlank", [x]) => {
            let s = opt_str(name, "String", args, x)?;
            Value::Bool(s.is_none_or(is_blank))
        }
        ("defaultIfNull", [x, d]) => {
            if x.is_null() {
                d.clone()
            } else {
                x.clone()
            }
        }
        ("defaultIfNullOrEmpty", [x, d]) => {
            let s = opt_str(name, "String, String", args, x)?;
            opt_str(name, "String, String", args, d)?;
            if s.is_none_or(str::is_empty) {
                d.clone()
            } else {
                x.clone()
            }
        }
        ("defaultIfNullOrBlank", [x, d]) => {
            let s = opt_str(name, "String, String", args, x)?;
            opt_str(name, "String, String", args, d)?;
            if s.is_none_or(is_blank) {
                d.clone()
            } else {
                x.clone()
            }
        }
        ("error" | "appendError", [msg, rest @ ..]) if rest.len() <= 3 => {
            let expected = "String[, String[, Object[, Object]]]";
            let message = opt_str(name, expected, args, msg)?.map(str::to_string);
            let error_type = match rest.first() {
                Some(t) => opt_str(name, expected, args, t)?.map(str::to_string),
                None => None,
            };
            let data = rest.get(1).map(to_json);
            let error_info = rest.get(2).map(to_json);
            let message = message.unwrap_or_else(|| "null".to_string());
            if name == "error" {
                return Err(Failure::from(ErrorKind::TemplateError {
                    message,
                    error_type,
                    data,
                    error_info,
                }));
            }
            rt.errors.push(AppendedError {
                message,
                error_type,
                data,
                error_info,
            });
            void()
        }
        ("unauthorized", []) => {
            let (field, parent) = rt.field_and_type();
            return Err(Failure::from(ErrorKind::Unauthorized {
                message: format!("Not Authorized to access {field} on type {parent}"),
            }));
        }
        _ => Value::Null,
    })
}
