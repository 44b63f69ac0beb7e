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
use crate::{AuthMode, Context, Rendered};

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
        let ctx = build_ctx(context, engine.profile, auth_mode);
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

/// `$ctx` for a render. In the AppSync profile `arguments` and `args` are the same map and
/// `stash` always exists.
fn build_ctx(context: &Context, profile: Profile, auth_mode: AuthMode) -> Value {
    let ctx = match &context.ctx {
        Some(json) => lazy::value_at(json, || JsonAt::root(json.clone())),
        None if profile == Profile::AppSync => Value::empty_map(),
        None => return Value::Null,
    };
    if profile == Profile::AppSync
        && let Value::Map(m) = &ctx
    {
        // What AppSync adds is decided on the JSON first: most contexts need nothing, and
        // looking into `$ctx.identity` or `$ctx.request` through template values would copy
        // them at every render.
        let json = context.ctx.as_deref();
        let identity = identity_fix(get(json, "identity"), auth_mode);
        let has_stash = get(json, "stash").is_some_and(|s| !s.is_null());
        let has_headers = get(get(json, "request"), "headers").is_some_and(|h| !h.is_null());
        // (With both names in the JSON, `args` must read `arguments`: made at once.)
        let both = get(json, "args").is_some() && get(json, "arguments").is_some();
        if identity.is_none() && has_stash && has_headers && !both && !eager_alias() {
            // Nothing else to add: `$ctx.args` and `$ctx.arguments` become one map only
            // when a template uses them in a way that could tell.
            m.defer_args_alias();
            return ctx;
        }
        m.alias_args();
        if !has_stash {
            m.put(Value::str("stash"), Value::empty_map());
        }
        if let Some(fix) = identity {
            complete_identity(m, fix);
        }
        if has_headers {
            return ctx;
        }
        // AppSync always passes the request's headers.
        match m.get_str("request") {
            Some(Value::Map(request)) => {
                if !request.has_value("headers") {
                    request.put(Value::str("headers"), Value::empty_map());
                }
            }
            _ => {
                let request = crate::value::Map::with_capacity(2);
                request.put(Value::str("headers"), Value::empty_map());
                request.put(Value::str("domainName"), Value::Null);
                m.put(Value::str("request"), Value::Map(request));
            }
        }
    }
    ctx
}

/// Whether tests asked for the alias at once (to compare the deferred one with it).
#[cfg(test)]
fn eager_alias() -> bool {
    tests::eager_alias()
}

#[cfg(not(test))]
#[inline(always)]
fn eager_alias() -> bool {
    false
}

/// `json[key]` when `json` is an object. Context objects are small: [`lazy::find`] compares
/// a few keys where serde_json's `get` would hash with SipHash.
fn get<'j>(json: Option<&'j serde_json::Value>, key: &str) -> Option<&'j serde_json::Value> {
    lazy::find(json?.as_object()?, key)
}

/// The fields AppSync fills in `$ctx.identity` when missing, and the JWT claim each comes
/// from (`defaultAuthStrategy` is always `ALLOW`); the last three for user pools only.
const IDENTITY_FIELDS: [(&str, &str); 5] = [
    ("sub", "sub"),
    ("issuer", "iss"),
    ("username", "cognito:username"),
    ("groups", "cognito:groups"),
    ("defaultAuthStrategy", ""),
];

/// What AppSync adds to `$ctx.identity`.
enum IdentityFix {
    /// With `API_KEY` the identity is null.
    Null,
    /// The fields of [`IDENTITY_FIELDS`] to fill, one bit each.
    Fill(u8),
}

/// `$ctx.identity` as AppSync builds it for `mode`, decided on the context's JSON (most
/// contexts need nothing, and looking through template values would copy them): with
/// `API_KEY` it is null; for user pools and OpenID Connect, fields missing from the identity
/// are taken from its JWT `claims`; user pools also always have `groups` (null without the
/// claim) and `defaultAuthStrategy`.
fn identity_fix(identity: Option<&serde_json::Value>, mode: AuthMode) -> Option<IdentityFix> {
    let identity = identity?;
    if mode == AuthMode::ApiKey {
        return (!identity.is_null()).then_some(IdentityFix::Null);
    }
    let identity = identity.as_object()?;
    let claims = lazy::find(identity, "claims")?.as_object()?;
    let fields = if mode == AuthMode::AmazonCognitoUserPools {
        IDENTITY_FIELDS.len()
    } else {
        2
    };
    let mut fill = 0u8;
    for (i, (key, claim)) in IDENTITY_FIELDS.iter().enumerate().take(fields) {
        // `groups` and `defaultAuthStrategy` are filled even without a claim.
        if lazy::find(identity, key).is_none() && (i >= 3 || lazy::find(claims, claim).is_some()) {
            fill |= 1 << i;
        }
    }
    (fill != 0).then_some(IdentityFix::Fill(fill))
}

/// Applies `fix` to `$ctx.identity` in `ctx`.
fn complete_identity(ctx: &crate::value::Map, fix: IdentityFix) {
    let fill = match fix {
        IdentityFix::Null => {
            ctx.put(Value::str("identity"), Value::Null);
            return;
        }
        IdentityFix::Fill(fill) => fill,
    };
    let Some(Value::Map(identity)) = ctx.get_str("identity") else {
        return;
    };
    let Some(Value::Map(claims)) = identity.get_str("claims") else {
        return;
    };
    for (i, (key, claim)) in IDENTITY_FIELDS.iter().enumerate() {
        if fill & (1 << i) == 0 {
            continue;
        }
        let value = match *key {
            "defaultAuthStrategy" => Value::str("ALLOW"),
            // The claim's own object (`groups` is the claims' list).
            _ => claims.get_str(claim).unwrap_or(Value::Null),
        };
        identity.put(Value::str(key), value);
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
    use std::cell::Cell;

    thread_local! {
        /// Makes `build_ctx` alias `args` at once, as it always did before the alias could
        /// be deferred: the reference the deferred alias is compared with.
        static EAGER_ALIAS: Cell<bool> = const { Cell::new(false) };
    }

    pub(super) fn eager_alias() -> bool {
        EAGER_ALIAS.with(Cell::get)
    }

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

    #[test]
    fn a_deferred_args_alias_is_indistinguishable_from_an_eager_one() {
        // Contexts that need nothing else added (stash and request headers present, no
        // identity to complete), so the alias is deferred: `arguments` only, `args` only,
        // neither; and both, where it is not (`args` must read `arguments`).
        let contexts = [
            json!({"arguments": {"limit": 5, "input": {"name": "Frankie"}},
                   "identity": {"sub": "u1", "issuer": "https://x/", "username": "u1",
                                "claims": {"sub": "u1"}, "sourceIp": ["1.2.3.4"],
                                "defaultAuthStrategy": "ALLOW", "groups": null},
                   "request": {"headers": {"host": "h"}}, "stash": {}, "source": null,
                   "result": null}),
            json!({"args": {"limit": 7}, "request": {"headers": {}}, "stash": {"k": 1}}),
            json!({"request": {"headers": {}}, "stash": {}}),
            json!({"arguments": {"limit": 1}, "args": {"limit": 99},
                   "request": {"headers": {}}, "stash": {}}),
        ];
        let templates = [
            // Reads through to values (the alias never made)...
            "$ctx.args.limit|$ctx.arguments.limit|$ctx.args.input.name|$ctx.arguments.nope",
            "$ctx.args.limit.class.simpleName",
            "#if($ctx.args)yes#end|#if($ctx.args.limit > 3)big#end",
            "$ctx.stash.k|$ctx.args.limit",
            // ...and every way to tell that the two names are one map, and where it sits.
            "#set($a = $ctx.args)$util.qr($a.put(\"x\", 1))$ctx.arguments.x|$ctx.args.x",
            "$util.qr($ctx.arguments.put(\"y\", 2))$ctx.args.y $ctx.args.limit",
            "#set($x = $ctx.args.input)$util.qr($x.put(\"z\", 3))$ctx.arguments.input.z",
            "#set($a = $ctx.arguments)$util.qr($a.put(\"x\", 1))$ctx.args.x|$ctx.arguments.x",
            "#set($i = $ctx.args.input)$ctx.keySet() $ctx.arguments.input.name $ctx.args",
            "#set($a = $ctx.args)$util.qr($a.put(\"w\", 4))$util.toJson($ctx.arguments)",
            "$ctx.args.limit $ctx.arguments.limit $ctx.keySet()",
            "$ctx.keySet()",
            "$util.toJson($ctx)",
            "$ctx.size()",
            "#foreach($k in $ctx.keySet())$k,#end",
            "#foreach($e in $ctx.entrySet())$e.key=#if($e.key.startsWith(\"arg\"))$e.value#end;#end",
            "$ctx.args|$ctx.arguments",
            "$util.qr($ctx.put(\"foo\", 1))$ctx.keySet()",
            "$ctx.containsKey(\"args\")|$ctx.containsKey(\"arguments\")",
            "$ctx.get(\"args\").limit|$ctx.get(\"arguments\").limit",
            "$util.toJson($ctx.args)|$util.toJson($ctx.arguments)",
            "$ctx.remove(\"args\")|$ctx.arguments.limit|$ctx.args",
        ];
        let engine = Engine::new();
        for json in contexts {
            let context = Context::appsync(json.clone()).unwrap();
            let auth = context.auth_mode();
            let deferred = super::build_ctx(&context, crate::Profile::AppSync, auth);
            let both = json.get("args").is_some() && json.get("arguments").is_some();
            assert_eq!(
                matches!(&deferred, crate::value::Value::Map(m) if m.args_alias_pending()),
                !both,
                "deferred or not for {json}"
            );
            for template in templates {
                let t = engine.compile("t", template).unwrap();
                let render = |eager: bool| {
                    EAGER_ALIAS.with(|e| e.set(eager));
                    let out = t.render(&context).map(|r| r.output);
                    EAGER_ALIAS.with(|e| e.set(false));
                    out.unwrap()
                };
                assert_eq!(render(false), render(true), "{template} with {json}");
            }
        }
        // The eager order the comparison stands on (our set-up's, from before the alias
        // could be deferred: the JSON's keys, then the added name; the AppSync guide does
        // not document the order).
        let context = Context::appsync(json!({"arguments": {"limit": 5},
            "request": {"headers": {}}, "stash": {}}))
        .unwrap();
        let keys = engine
            .compile("t", "$ctx.keySet() $ctx.args.limit")
            .unwrap();
        assert_eq!(
            keys.render(&context).unwrap().output,
            "[arguments, request, stash, args] 5"
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
