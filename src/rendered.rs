//! [`Rendered`]: everything a render produced.

use crate::error::Result;
use crate::eval::AppendedError;

/// The outcome of rendering a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The rendered text, exactly.
    pub output: String,
    /// The value of AppSync's `#return` if the template executed one (`Some(Null)` for a bare
    /// `#return`).
    pub returned: Option<serde_json::Value>,
    /// Errors recorded by `$util.appendError`, in order.
    pub errors: Vec<AppendedError>,
    /// `$ctx.stash` after the render.
    pub stash: serde_json::Map<String, serde_json::Value>,
    /// Lines written by `$util.log.*`.
    pub logs: Vec<String>,
}

impl Rendered {
    /// The output parsed as JSON, as AppSync reads a mapping template's result (trailing
    /// commas before `}` or `]` are accepted, as in AppSync's own tutorial templates).
    pub fn to_json(&self) -> Result<serde_json::Value> {
        crate::json::parse_output(&self.output)
    }
}
