//! `$util.http`: copying request headers, and response headers for the GraphQL response.

use std::sync::Arc;

use super::Outcome;
use super::args::Args;
use crate::runtime::{AppendedError, Runtime};
use crate::value::{Map, Value};

/// Headers `copyHeaders` leaves out (hop-by-hop and length headers).
const NOT_COPIED: [&str; 10] = [
    "transfer-encoding",
    "connection",
    "host",
    "expect",
    "keep-alive",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "content-length",
];

/// Response headers a resolver may not set.
const RESTRICTED: [&str; 8] = [
    "access-control-allow-credentials",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "vary",
    "content-type",
];

/// Total size of names and values allowed in response headers.
const MAX_HEADER_BYTES: usize = 4096;

fn void() -> Value {
    Value::Str(Arc::from(""))
}

/// Dispatches `$util.http.name(args)`.
pub(crate) fn call(rt: &mut Runtime, name: &str, values: &[Value]) -> Outcome {
    Ok(match (name, values.len()) {
        ("copyHeaders", 1) => {
            let headers = Args::new(name, "Map", values).map(0)?;
            let out = Map::with_capacity(headers.len());
            for (k, v) in headers.borrow().iter() {
                let lower = k.to_java_string().to_ascii_lowercase();
                if !NOT_COPIED.contains(&lower.as_str()) {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Map(out)
        }
        ("addResponseHeader", 2) => {
            let args = Args::new(name, "String, Object", values);
            add_header(
                rt,
                &args.opt_str(0).unwrap_or_default(),
                values.get(1).unwrap_or(&Value::Null),
            );
            void()
        }
        ("addResponseHeaders", 1) => {
            let headers = Args::new(name, "Map", values).map(0)?;
            let pairs: Vec<(String, Value)> = headers
                .borrow()
                .iter()
                .map(|(k, v)| (k.to_java_string(), v.clone()))
                .collect();
            for (k, v) in pairs {
                add_header(rt, &k, &v);
            }
            void()
        }
        _ => Value::Null,
    })
}

/// Records a response header; an empty or restricted name, a null value, or going over the
/// size limit adds a `ResponseHeaderError` instead, as AppSync does.
fn add_header(rt: &mut Runtime, header: &str, value: &Value) {
    let lower = header.to_ascii_lowercase();
    let problem = if header.is_empty() {
        Some("Header name is empty".to_string())
    } else if value.is_null() {
        Some(format!("Header '{header}' has a null value"))
    } else if RESTRICTED.contains(&lower.as_str())
        || lower.starts_with("x-amzn-")
        || lower.starts_with("x-amz-")
    {
        Some(format!("Header '{header}' is restricted and cannot be set"))
    } else {
        None
    };
    if let Some(message) = problem {
        rt.errors.push(AppendedError {
            message,
            error_type: Some("ResponseHeaderError".into()),
            data: None,
            error_info: None,
        });
        return;
    }
    let text = value.to_java_string();
    let used: usize = rt
        .response_headers
        .iter()
        .filter(|(k, _)| **k != header)
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum();
    if used + header.len() + text.len() > MAX_HEADER_BYTES {
        rt.errors.push(AppendedError {
            message: format!(
                "Response headers exceed {MAX_HEADER_BYTES} bytes; '{header}' was not set"
            ),
            error_type: Some("ResponseHeaderError".into()),
            data: None,
            error_info: None,
        });
        return;
    }
    rt.response_headers
        .insert(header.to_string(), serde_json::Value::String(text));
}
