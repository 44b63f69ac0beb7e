//! [`Context`]: the input of a render — AppSync's `$context` and any other variables.

use crate::error::{Error, ErrorKind, Result};

/// The input of a render, as JSON: the AppSync context (`$ctx` / `$context`: `arguments`,
/// `identity`, `source`, `stash`, `result`, `prev`, `info`, `request`, `error`) and extra
/// top-level variables.
///
/// ```
/// use appsync_vtl::Context;
/// use serde_json::json;
/// let ctx = Context::appsync(json!({"arguments": {"id": "1"}})).unwrap()
///     .with_var("limit", json!(10));
/// # let _ = ctx;
/// ```
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub(crate) ctx: Option<serde_json::Value>,
    pub(crate) vars: serde_json::Map<String, serde_json::Value>,
}

impl Context {
    /// An empty context: `$ctx` has only an empty stash.
    pub fn new() -> Context {
        Context::default()
    }

    /// A context from AppSync's context object (what `aws appsync evaluate-mapping-template
    /// --context` takes). It must be a JSON object.
    pub fn appsync(ctx: serde_json::Value) -> Result<Context> {
        match ctx {
            serde_json::Value::Object(_) => Ok(Context {
                ctx: Some(ctx),
                vars: serde_json::Map::new(),
            }),
            serde_json::Value::Null => Ok(Context::new()),
            other => Err(Error::new(ErrorKind::Context {
                message: format!(
                    "the context must be a JSON object, not {}",
                    json_kind(&other)
                ),
            })),
        }
    }

    /// A context from variables: each top-level key is a variable (`{"x": 1}` gives `$x`);
    /// a `ctx` or `context` key is the AppSync context, reachable as both `$ctx` and
    /// `$context`. Keys with a null value are left undefined.
    pub fn from_vars(vars: serde_json::Value) -> Result<Context> {
        let serde_json::Value::Object(mut vars) = vars else {
            if vars.is_null() {
                return Ok(Context::new());
            }
            return Err(Error::new(ErrorKind::Context {
                message: format!("variables must be a JSON object, not {}", json_kind(&vars)),
            }));
        };
        let ctx = match vars.remove("ctx") {
            Some(c) if !c.is_null() => Some(c),
            _ => vars.remove("context").filter(|c| !c.is_null()),
        };
        vars.remove("context");
        let mut out = match ctx {
            Some(c) => Context::appsync(c)?,
            None => Context::new(),
        };
        out.vars = vars;
        Ok(out)
    }

    /// Replaces the AppSync context, keeping the variables.
    pub fn with_context(self, ctx: serde_json::Value) -> Result<Context> {
        let vars = self.vars;
        let mut out = Context::appsync(ctx)?;
        out.vars = vars;
        Ok(out)
    }

    /// Adds (or replaces) a variable.
    pub fn with_var(mut self, name: &str, value: serde_json::Value) -> Context {
        self.vars.insert(name.to_string(), value);
        self
    }

    /// The AppSync context object, if any.
    pub fn appsync_context(&self) -> Option<&serde_json::Value> {
        self.ctx.as_ref()
    }
}

pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
