//! `$ctx` as a render sees it: the context's JSON, and what AppSync adds to it (the
//! `args`/`arguments` alias, the stash, the identity fields completed from the token's
//! claims, the request headers).

use crate::context::{AuthMode, Context};
use crate::profile::Profile;
use crate::value::Value;
use crate::value::lazy::{self, JsonAt};

/// `$ctx` for a render. In the AppSync profile `arguments` and `args` are the same map and
/// `stash` always exists.
pub(crate) fn build_ctx(context: &Context, profile: Profile, auth_mode: AuthMode) -> Value {
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
}
