//! Rendered text → JSON, the way AppSync reads a mapping template's output.

use crate::error::{Error, ErrorKind, Result};

/// Parses template output as one JSON value. Commas directly before `}` or `]` are
/// accepted: AppSync's tutorial templates rely on it (see `reference.md` §1.2).
pub(crate) fn parse_output(text: &str) -> Result<serde_json::Value> {
    let cleaned = drop_trailing_commas(text);
    serde_json::from_str(&cleaned).map_err(|e| {
        Error::new(ErrorKind::Syntax {
            message: format!("the output is not valid JSON: {e}"),
        })
    })
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

    #[test]
    fn trailing_commas_outside_strings() {
        let v = parse_output("{\"a\": [1, 2,], \"b\": \",}\", }").unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, 2], "b": ",}"}));
        assert!(parse_output("{\"a\": 1} x").is_err());
    }
}
