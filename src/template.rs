//! [`Template`]: a compiled template, rendered any number of times.

// Reviewed for panics on input: the builtin variables are interned first, so their slots exist in every template.
#![allow(clippy::indexing_slicing)]

use std::sync::Arc;

use crate::ast;
use crate::engine::{Engine, IdSource, Profile};
use crate::error::{Error, ErrorKind, Limit, Result};
use crate::eval::{Evaluator, Runtime};
use crate::parser::builtin;
use crate::util::Namespace;
use crate::value::lazy::{self, JsonAt};
use crate::value::{Object, Value, to_json_checked};
use crate::{Context, Rendered};

/// A compiled template. Cheap to clone, `Send + Sync`: compile once, keep it (in a
/// `static`, a cache...) and render it from any thread.
#[derive(Debug, Clone)]
pub struct Template {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    ast: ast::Template,
    source: Arc<str>,
    name: Arc<str>,
    engine: Engine,
}

impl Template {
    pub(crate) fn new(
        ast: ast::Template,
        source: Arc<str>,
        name: Arc<str>,
        engine: Engine,
    ) -> Self {
        Template {
            inner: Arc::new(Inner {
                ast,
                source,
                name,
                engine,
            }),
        }
    }

    /// The name given at compile time.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The template text.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Renders against `context`. The context is not modified: the render works on its own
    /// copy of the values.
    pub fn render(&self, context: &Context) -> Result<Rendered> {
        self.render_step(context, 0, false)
    }

    /// [`Template::render`] as step `step` of a resolution: with a seeded id source, each
    /// step draws its own ids (the same seed for every template of a pipeline made two
    /// functions' `$util.autoId()` collide); step 0 draws what `render` does. With
    /// `keep_args`, [`Rendered::args`] carries `$ctx.args` when the template may have
    /// changed it (the next step of a pipeline sees the change).
    #[inline]
    pub(crate) fn render_step(
        &self,
        context: &Context,
        step: u64,
        keep_args: bool,
    ) -> Result<Rendered> {
        // Collections the render creates are emptied when it ends (breaks cycles).
        let _scope = crate::value::arena::RenderScope::begin();
        let inner = &*self.inner;
        let engine = &inner.engine;
        let names = &inner.ast.names;
        let too_deep = |what: &str| {
            Error::new(ErrorKind::Context {
                message: format!(
                    "{what} nests deeper than {} levels",
                    crate::value::MAX_JSON_DEPTH
                ),
            })
            .with_name(&inner.name)
        };
        if let Some(what) = context.too_deep() {
            return Err(too_deep(what));
        }
        let auth_mode = context.auth_mode();
        let ids = match engine.ids {
            IdSource::Seeded(seed) if step > 0 => {
                IdSource::Seeded(seed ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            }
            ids => ids,
        };
        let mut rt = Runtime::new(&engine.clock, &ids, auth_mode);
        let ctx = crate::appsync_ctx::build_ctx(context, engine.profile, auth_mode);
        rt.context = context.ctx.as_deref();
        let appsync = engine.profile == Profile::AppSync;
        let has_ctx = !ctx.is_null();
        let util = |ns| match appsync {
            true => Value::Object(Object::Util(ns)),
            false => Value::Null,
        };
        // The builtins' slots, in `parser::builtin`'s order, are pushed rather than written
        // over nulls (each overwrite dropped a null through the general drop: ~70
        // instructions a render); the other slots are nulls (`resize_with` stores them;
        // `vec![Value::Null; n]` would call the general clone for each).
        const _: () = assert!(
            builtin::CTX.0 == 0
                && builtin::CONTEXT.0 == 1
                && builtin::UTIL.0 == 2
                && builtin::UTILS.0 == 3
                && builtin::EXTENSIONS.0 == 8
        );
        let mut vars = Vec::with_capacity(names.len());
        vars.extend([
            ctx.clone(),
            ctx,
            util(Namespace::Root),
            util(Namespace::Root),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            util(Namespace::Extensions),
        ]);
        vars.resize_with(names.len(), || Value::Null);
        // A variable of the context named as a builtin the render sets is hidden by it.
        let hidden = |id: ast::VarId| {
            (has_ctx && (id == builtin::CTX || id == builtin::CONTEXT))
                || (appsync
                    && (id == builtin::UTIL || id == builtin::UTILS || id == builtin::EXTENSIONS))
        };
        let mut vars_root = None;
        for (position, (name, json)) in context.vars_map().iter().enumerate() {
            if json.is_null() {
                continue;
            }
            if let Some(id) = names.get(name)
                && !hidden(id)
                && let Some(slot) = vars.get_mut(id.0 as usize)
            {
                *slot = lazy::value_at(json, || {
                    let root = vars_root.get_or_insert_with(|| {
                        JsonAt::root(context.vars.clone().unwrap_or_default())
                    });
                    lazy::entry_at(root, name, position)
                });
            }
        }
        let evaluator = Evaluator::new(
            &inner.ast,
            &inner.source,
            &inner.name,
            (&engine.limits, engine.profile),
            vars,
            context.vars_map(),
            &mut rt,
        );
        let finished = match evaluator.run() {
            Ok(f) => f,
            Err(e) => return Err(e.with_logs(std::mem::take(&mut rt.logs))),
        };
        // Outcomes leave the render as JSON; a value too large to convert (shared
        // sub-collections repeated exponentially) is an error, not a hang.
        let too_large = || {
            Error::new(ErrorKind::LimitExceeded {
                limit: Limit::CollectionSize,
                max: crate::limits::HARD_NODE_LIMIT as u64,
            })
            .with_name(&inner.name)
        };
        let untouched = |m: &crate::value::Map| {
            m.with_json_entry("stash", |json| match json {
                // (An empty map allocates nothing; a clone of one still costs ~120
                // instructions.)
                Some(serde_json::Value::Object(o)) if !o.is_empty() => o.clone(),
                _ => serde_json::Map::new(),
            })
        };
        let stash = match &finished.vars[builtin::CTX.0 as usize] {
            // A stash the template never looked into: the caller's, as it was.
            Value::Map(m) if let Some(stash) = untouched(m) => stash,
            Value::Map(m) => match m.get_str("stash") {
                // Most templates leave the stash the set-up made alone.
                Some(Value::Map(s)) if s.is_empty() => serde_json::Map::new(),
                Some(s) => match to_json_checked(&s).ok_or_else(too_large)? {
                    serde_json::Value::Object(o) => o,
                    _ => serde_json::Map::new(),
                },
                None => serde_json::Map::new(),
            },
            _ => serde_json::Map::new(),
        };
        let returned = match &finished.returned {
            // A String is read as the JSON text it holds, else kept as a String: Amplify's
            // resolvers return `#return($util.toJson(null))` for an object field, which
            // must resolve to null, and `#return($ctx.source.note)` for a String field.
            Some(Value::Str(s)) => Some(
                serde_json::from_str(s)
                    .unwrap_or_else(|_| serde_json::Value::String(s.to_string())),
            ),
            Some(v) => Some(to_json_checked(v).ok_or_else(too_large)?),
            None => None,
        };
        let args = match &finished.vars[builtin::CTX.0 as usize] {
            Value::Map(m) if keep_args => match m.get_str("arguments") {
                // Arguments the template never looked into are the caller's, as they were.
                Some(Value::Map(a)) if a.untouched_json().is_some() => None,
                Some(a @ Value::Map(_)) => match to_json_checked(&a).ok_or_else(too_large)? {
                    serde_json::Value::Object(o) => Some(o),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        Ok(Rendered {
            output: finished.output,
            returned,
            errors: rt.errors,
            stash,
            args,
            logs: rt.logs,
            response_headers: rt.response_headers,
            extensions: rt.extensions,
        })
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Template>();
    check::<Error>();
}

#[cfg(test)]
mod tests {
    use crate::{Context, Engine};
    use serde_json::json;

    #[test]
    fn builtins_hide_context_variables_of_their_names_and_can_be_set_over() {
        let ctx = Context::appsync(json!({"arguments": {"a": 1}}))
            .unwrap()
            .with_var("util", json!("mine"))
            .with_var("ctx", json!("mine too"))
            .with_var("velocityCount", json!(7))
            .with_var("other", json!(2));
        let render = |engine: &Engine, text: &str| {
            engine
                .compile("t", text)
                .unwrap()
                .render(&ctx)
                .unwrap()
                .output
        };
        let appsync = Engine::new();
        assert_eq!(
            render(&appsync, "$util.toJson($ctx.args) $velocityCount $other"),
            "{\"a\":1} 7 2"
        );
        // A template that sets `$util` to something else calls that, not the helpers.
        assert_eq!(
            render(&appsync, "#set($util = 'x')$util.toJson(1)|$util.length()"),
            "$util.toJson(1)|1"
        );
        assert_eq!(
            render(
                &appsync,
                "#set($util = 'x')#set($j = $util.toJson(1))$j|$utils.toJson(2)"
            ),
            "$j|2"
        );
        // Without AppSync's helpers, `$util` is the context's variable; `$ctx` is still
        // the context.
        assert_eq!(
            render(&Engine::velocity(), "$util $ctx.arguments.a $other"),
            "mine 1 2"
        );
    }

    fn stash_after(template: &str, ctx: serde_json::Value) -> serde_json::Value {
        let ctx = Context::appsync(ctx).unwrap();
        let rendered = Engine::new()
            .compile("t", template)
            .unwrap()
            .render(&ctx)
            .unwrap();
        serde_json::Value::Object(rendered.stash)
    }

    #[test]
    fn the_stash_leaves_the_render_as_the_template_left_it() {
        let ctx = json!({"stash": {"a": 1, "nested": {"x": [1]}}});
        // Untouched (read from the JSON as it was), read only, changed deep inside, replaced.
        assert_eq!(stash_after("x", ctx.clone()), ctx["stash"]);
        assert_eq!(
            stash_after("$ctx.stash.nested.x", ctx.clone()),
            ctx["stash"]
        );
        assert_eq!(
            stash_after("$util.qr($ctx.stash.nested.x.add(2))", ctx.clone()),
            json!({"a": 1, "nested": {"x": [1, 2]}})
        );
        assert_eq!(
            stash_after("#set($ctx.stash = {'b': 2})", ctx.clone()),
            json!({"b": 2})
        );
        // Made by the set-up when the context has none, or a null one.
        assert_eq!(stash_after("x", json!({})), json!({}));
        assert_eq!(stash_after("x", json!({"stash": null})), json!({}));
        assert_eq!(
            stash_after("$util.qr($ctx.stash.put('k', 'v'))", json!({})),
            json!({"k": "v"})
        );
    }
}
