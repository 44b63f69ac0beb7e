//! [`Rendered`]: everything a render produced.

use crate::error::Result;
use crate::runtime::{AppendedError, Extensions};

/// The outcome of rendering a template (serializable, with camelCase names).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
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
    /// `$ctx.args` after a step of a resolution, when the template may have changed it
    /// (AppSync's pipeline functions see the arguments earlier steps changed: Amplify's
    /// auth step puts the owner into `$ctx.args.input` for the data step). Always `None`
    /// from [`Template::render`](crate::Template::render).
    pub args: Option<serde_json::Map<String, serde_json::Value>>,
    /// Lines written by `$util.log.*`.
    pub logs: Vec<String>,
    /// Headers set with `$util.http.addResponseHeader(s)`.
    pub response_headers: serde_json::Map<String, serde_json::Value>,
    /// Calls of `$extensions.*`.
    pub extensions: Extensions,
}

impl Rendered {
    /// What AppSync takes as the template's result (`evaluationResult` of
    /// `EvaluateMappingTemplate`): the JSON of the `#return` value when the template
    /// returned one, the rendered text otherwise.
    pub fn evaluation_result(&self) -> std::borrow::Cow<'_, str> {
        match &self.returned {
            Some(v) => serde_json::to_string(v).unwrap_or_default().into(),
            None => self.output.as_str().into(),
        }
    }

    /// The output parsed as JSON, as AppSync reads a mapping template's result (trailing
    /// commas before `}` or `]` are accepted, as in AppSync's own tutorial templates).
    /// A `#return` value is the result as it is.
    pub fn to_json(&self) -> Result<serde_json::Value> {
        match &self.returned {
            Some(v) => Ok(v.clone()),
            None => crate::output::parse_output(&self.output),
        }
    }
}
