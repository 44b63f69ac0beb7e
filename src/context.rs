//! [`Context`]: the input of a render — AppSync's `$context` and any other variables.

use std::sync::{Arc, OnceLock};

use crate::error::{Error, ErrorKind, Result};
pub use crate::runtime::AuthMode;

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
    /// Shared, never changed in place: renders read it lazily (see `value::lazy`), and
    /// cloning a context is cheap.
    pub(crate) ctx: Option<Arc<serde_json::Value>>,
    /// The variables: always a JSON object.
    /// (`None` for none: a context per request should not allocate an empty map.)
    pub(crate) vars: Option<Arc<serde_json::Value>>,
    pub(crate) auth_mode: Option<AuthMode>,
    /// Whether some JSON here nests deeper than a render accepts, once checked.
    too_deep: OnceLock<bool>,
    /// The mode the identity implies, once inferred.
    inferred_mode: OnceLock<AuthMode>,
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
                ctx: Some(Arc::new(ctx)),
                ..Context::default()
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

    /// [`Context::appsync`] for JSON shared with the caller: nothing is copied, and renders
    /// read it in place (a context costs nothing to build, however large its JSON).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use appsync_vtl::{Context, Engine};
    /// let json = Arc::new(serde_json::json!({"arguments": {"id": "1"}}));
    /// let ctx = Context::appsync_shared(json.clone()).unwrap();
    /// let t = Engine::new().compile("t", "$ctx.args.id").unwrap();
    /// assert_eq!(t.render(&ctx).unwrap().output, "1");
    /// ```
    pub fn appsync_shared(ctx: Arc<serde_json::Value>) -> Result<Context> {
        match &*ctx {
            serde_json::Value::Object(_) => Ok(Context {
                ctx: Some(ctx),
                ..Context::default()
            }),
            _ => Context::appsync(Arc::unwrap_or_clone(ctx)),
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
        out.vars = Some(Arc::new(serde_json::Value::Object(vars)));
        Ok(out)
    }

    /// Replaces the AppSync context, keeping the variables.
    pub fn with_context(self, ctx: serde_json::Value) -> Result<Context> {
        let (vars, auth_mode) = (self.vars, self.auth_mode);
        let mut out = Context::appsync(ctx)?;
        out.vars = vars;
        out.auth_mode = auth_mode;
        Ok(out)
    }

    /// Sets `$ctx.identity` (for example from [`crate::resolver::identity_from_jwt`]).
    pub fn with_identity(mut self, identity: serde_json::Value) -> Context {
        let mut ctx = match self.ctx.take().map(Arc::unwrap_or_clone) {
            Some(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        ctx.insert("identity".into(), identity);
        self.ctx = Some(Arc::new(serde_json::Value::Object(ctx)));
        self.too_deep = OnceLock::new();
        self.inferred_mode = OnceLock::new();
        self
    }

    /// Sets how the caller was authorized. Without it, the mode is inferred from the shape of
    /// `identity` (none: API key). With `API_KEY`, `$ctx.identity` is null as in AppSync.
    pub fn with_auth_mode(mut self, mode: AuthMode) -> Context {
        self.auth_mode = Some(mode);
        self
    }

    /// The authorization mode of the render (given, or inferred from the identity).
    pub fn auth_mode(&self) -> AuthMode {
        self.auth_mode.unwrap_or_else(|| {
            *self.inferred_mode.get_or_init(|| {
                AuthMode::infer(
                    self.ctx
                        .as_deref()
                        .and_then(|c| crate::value::lazy::find(c.as_object()?, "identity")),
                )
            })
        })
    }

    /// Adds (or replaces) a variable.
    pub fn with_var(mut self, name: &str, value: serde_json::Value) -> Context {
        let mut vars = match self.vars.map(Arc::unwrap_or_clone) {
            Some(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        vars.insert(name.to_string(), value);
        self.vars = Some(Arc::new(serde_json::Value::Object(vars)));
        self.too_deep = OnceLock::new();
        self
    }

    /// The AppSync context object, if any.
    pub fn appsync_context(&self) -> Option<&serde_json::Value> {
        self.ctx.as_deref()
    }

    /// The variables (not `ctx`).
    pub(crate) fn vars_map(&self) -> &serde_json::Map<String, serde_json::Value> {
        static EMPTY: OnceLock<serde_json::Map<String, serde_json::Value>> = OnceLock::new();
        match self.vars.as_deref() {
            Some(serde_json::Value::Object(m)) => m,
            _ => EMPTY.get_or_init(serde_json::Map::new),
        }
    }

    /// What of this context nests deeper than a render accepts, if anything (checked once
    /// per context: JSON built in memory can nest without bound).
    pub(crate) fn too_deep(&self) -> Option<&str> {
        let max = crate::value::MAX_JSON_DEPTH;
        let deep = *self.too_deep.get_or_init(|| {
            self.ctx
                .as_deref()
                .is_some_and(|c| crate::value::lazy::deeper_than(c, max))
                || (self.vars.as_deref())
                    .is_some_and(|v| crate::value::lazy::deeper_than(v, max + 1))
        });
        if !deep {
            return None;
        }
        if self
            .ctx
            .as_deref()
            .is_some_and(|c| crate::value::lazy::deeper_than(c, max))
        {
            return Some("the context");
        }
        self.vars_map()
            .iter()
            .find(|(_, v)| crate::value::lazy::deeper_than(v, max))
            .map(|(k, _)| k.as_str())
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
