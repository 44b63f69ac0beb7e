//! [`ContextBuilder`]: an AppSync context put together field by field, with the identity of
//! each auth mode in the shape AppSync gives it.

use serde_json::{Map, Value as J, json};

use crate::error::Result;
use crate::{AuthMode, Context};

/// The caller, as `$ctx.identity` holds it for each auth mode (AppSync developer guide,
/// "Resolver mapping template context reference", identity).
///
/// ```
/// use appsync_vtl::Identity;
/// let alice = Identity::cognito("a1b2", "alice").group("Admin").claim("email", "alice@example.com");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Identity {
    mode: AuthMode,
    fields: Map<String, J>,
}

impl Identity {
    /// A Cognito user pools caller: `sub`, `username`, `claims` (with `sub` and
    /// `cognito:username`), `groups`, `issuer`, `sourceIp`, `defaultAuthStrategy`.
    pub fn cognito(sub: &str, username: &str) -> Identity {
        let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example";
        Identity::with(
            AuthMode::AmazonCognitoUserPools,
            json!({
                "sub": sub,
                "issuer": issuer,
                "username": username,
                "claims": {"sub": sub, "iss": issuer, "cognito:username": username, "token_use": "id"},
                "sourceIp": ["203.0.113.7"],
                "defaultAuthStrategy": "ALLOW",
                "groups": null,
            }),
        )
    }

    /// An OpenID Connect caller (Auth0...): `sub`, `issuer`, `claims`, `sourceIp`.
    pub fn oidc(sub: &str, issuer: &str) -> Identity {
        Identity::with(
            AuthMode::OpenidConnect,
            json!({
                "sub": sub,
                "issuer": issuer,
                "claims": {"sub": sub, "iss": issuer},
                "sourceIp": ["203.0.113.7"],
            }),
        )
    }

    /// An IAM caller: `accountId`, `userArn`, `username`, and the Cognito identity pool
    /// fields as null (set them with [`Identity::field`]).
    pub fn iam(account_id: &str, user_arn: &str) -> Identity {
        Identity::with(
            AuthMode::AwsIam,
            json!({
                "accountId": account_id,
                "userArn": user_arn,
                "username": user_arn.rsplit('/').next().unwrap_or(user_arn),
                "sourceIp": ["203.0.113.7"],
                "cognitoIdentityPoolId": null,
                "cognitoIdentityId": null,
                "cognitoIdentityAuthType": null,
                "cognitoIdentityAuthProvider": null,
            }),
        )
    }

    /// A caller admitted by a Lambda authorizer: its `resolverContext`.
    pub fn lambda(resolver_context: J) -> Identity {
        Identity::with(
            AuthMode::AwsLambda,
            json!({"resolverContext": resolver_context}),
        )
    }

    /// An API key caller: `$ctx.identity` is null.
    pub fn api_key() -> Identity {
        Identity {
            mode: AuthMode::ApiKey,
            fields: Map::new(),
        }
    }

    fn with(mode: AuthMode, fields: J) -> Identity {
        let fields = match fields {
            J::Object(m) => m,
            _ => Map::new(),
        };
        Identity { mode, fields }
    }

    /// Adds a group (`cognito:groups` in the claims, and `groups`).
    pub fn group(mut self, group: &str) -> Identity {
        let push = |list: &mut J| {
            if !list.is_array() {
                *list = J::Array(Vec::new());
            }
            if let J::Array(items) = list {
                items.push(group.into());
            }
        };
        with_object(&mut self.fields, "claims", |claims| {
            push(claims.entry("cognito:groups").or_insert(J::Null));
        });
        push(self.fields.entry("groups").or_insert(J::Null));
        self
    }

    /// Sets a claim of the token (`$ctx.identity.claims`).
    pub fn claim(mut self, name: &str, value: impl Into<J>) -> Identity {
        let value = value.into();
        with_object(&mut self.fields, "claims", |claims| {
            claims.insert(name.into(), value);
        });
        self
    }

    /// Sets any other field of `$ctx.identity`.
    pub fn field(mut self, name: &str, value: impl Into<J>) -> Identity {
        self.fields.insert(name.into(), value.into());
        self
    }

    /// The auth mode this caller comes with.
    pub fn auth_mode(&self) -> AuthMode {
        self.mode
    }

    fn to_json(&self) -> J {
        match self.mode {
            AuthMode::ApiKey => J::Null,
            _ => J::Object(self.fields.clone()),
        }
    }
}

/// Builds an AppSync [`Context`] with typed setters, instead of writing its JSON by hand.
///
/// ```
/// use appsync_vtl::{Context, Engine, Identity};
/// use serde_json::json;
/// let ctx = Context::builder()
///     .arguments(json!({"id": "d1"}))
///     .identity(Identity::cognito("a1b2", "alice").group("Admin"))
///     .stash("owner", "a1b2")
///     .header("x-request-id", "r1")
///     .build()
///     .unwrap();
/// let t = Engine::new().compile("t", "$ctx.args.id $ctx.identity.username $ctx.identity.groups $ctx.stash.owner $util.authType()").unwrap();
/// assert_eq!(t.render(&ctx).unwrap().output, "d1 alice [Admin] a1b2 User Pool Authorization");
/// ```
#[derive(Debug, Clone, Default)]
pub struct ContextBuilder {
    ctx: Map<String, J>,
    auth_mode: Option<AuthMode>,
}

impl Context {
    /// A [`ContextBuilder`].
    pub fn builder() -> ContextBuilder {
        ContextBuilder::default()
    }
}

impl ContextBuilder {
    fn set(mut self, key: &str, value: J) -> ContextBuilder {
        self.ctx.insert(key.into(), value);
        self
    }

    /// `$ctx.arguments` (also `$ctx.args`): the field's arguments, a JSON object.
    pub fn arguments(self, arguments: J) -> ContextBuilder {
        self.set("arguments", arguments)
    }

    /// `$ctx.identity`, and the auth mode that comes with it.
    pub fn identity(mut self, identity: Identity) -> ContextBuilder {
        self.auth_mode = Some(identity.mode);
        self.set("identity", identity.to_json())
    }

    /// `$ctx.source`: the parent object of the field.
    pub fn source(self, source: J) -> ContextBuilder {
        self.set("source", source)
    }

    /// One entry of `$ctx.stash`.
    pub fn stash(mut self, key: &str, value: impl Into<J>) -> ContextBuilder {
        let value = value.into();
        with_object(&mut self.ctx, "stash", |stash| {
            stash.insert(key.into(), value);
        });
        self
    }

    /// One request header (`$ctx.request.headers`).
    pub fn header(mut self, name: &str, value: &str) -> ContextBuilder {
        with_object(&mut self.ctx, "request", |request| {
            with_object(request, "headers", |headers| {
                headers.insert(name.into(), value.into());
            });
        });
        self
    }

    /// `$ctx.result`, for a response template.
    pub fn result(self, result: J) -> ContextBuilder {
        self.set("result", result)
    }

    /// `$ctx.prev.result`, for a pipeline step.
    pub fn prev_result(self, result: J) -> ContextBuilder {
        self.set("prev", json!({ "result": result }))
    }

    /// `$ctx.info`: the field resolved and its parent type.
    pub fn field(self, parent_type: &str, field: &str) -> ContextBuilder {
        self.set(
            "info",
            json!({"parentTypeName": parent_type, "fieldName": field, "variables": {}}),
        )
    }

    /// The auth mode, when it is not the identity's.
    pub fn auth_mode(mut self, mode: AuthMode) -> ContextBuilder {
        self.auth_mode = Some(mode);
        self
    }

    /// The context.
    pub fn build(self) -> Result<Context> {
        let ctx = Context::appsync(J::Object(self.ctx))?;
        Ok(match self.auth_mode {
            Some(mode) => ctx.with_auth_mode(mode),
            None => ctx,
        })
    }
}

/// Runs `f` on the object at `map[key]`, made an empty object first if it is not one.
fn with_object(map: &mut Map<String, J>, key: &str, f: impl FnOnce(&mut Map<String, J>)) {
    let v = map.entry(key).or_insert(J::Null);
    if !v.is_object() {
        *v = J::Object(Map::new());
    }
    if let J::Object(m) = v {
        f(m);
    }
}
