//! Per-render services the `$util` helpers use: ids, clock, auth mode, and what a render
//! records besides its text (appended errors, logs, response headers, `$extensions` calls).
//! Below `util` and `eval`, which both use it; the engine and the context only choose its
//! settings.

use crate::error::ErrorKind;

/// Where `$util.time.*` and friends get the current time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock, read once at the start of each render.
    #[default]
    System,
    /// A fixed instant, in milliseconds since the Unix epoch (for reproducible output).
    Fixed(i64),
}

impl Clock {
    pub(crate) fn now_millis(&self) -> i64 {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0),
            Clock::Fixed(ms) => *ms,
        }
    }
}

/// Where `$util.autoId()` and other random helpers get randomness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdSource {
    /// The operating system's randomness.
    #[default]
    Random,
    /// A generator seeded afresh for every render: the same template and input render the
    /// same ids.
    Seeded(u64),
}

/// How the caller was authorized: AppSync's authorization types, by AWS's own names.
/// It decides `$util.authType()` and the shape of `$ctx.identity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// `API_KEY`: `$ctx.identity` is not populated (null).
    ApiKey,
    /// `AWS_IAM`: identity with `accountId`, `userArn`, `cognitoIdentityId`...
    AwsIam,
    /// `AMAZON_COGNITO_USER_POOLS`: identity with `sub`, `username`, `claims`, `groups`...
    AmazonCognitoUserPools,
    /// `OPENID_CONNECT` (Auth0 and other OIDC providers): identity with `sub`, `issuer`,
    /// `claims`.
    OpenidConnect,
    /// `AWS_LAMBDA`: identity with the authorizer's `resolverContext`.
    AwsLambda,
}

impl AuthMode {
    /// AWS's name (`OPENID_CONNECT`...).
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::ApiKey => "API_KEY",
            AuthMode::AwsIam => "AWS_IAM",
            AuthMode::AmazonCognitoUserPools => "AMAZON_COGNITO_USER_POOLS",
            AuthMode::OpenidConnect => "OPENID_CONNECT",
            AuthMode::AwsLambda => "AWS_LAMBDA",
        }
    }

    /// What `$util.authType()` returns. The developer guide documents the first four; for
    /// Lambda authorization it documents none. `Lambda Authorization` is what the auth
    /// resolvers of the Amplify GraphQL transformer v2 compare it with for `custom` rules,
    /// and they run on AppSync in production.
    pub fn util_auth_type(self) -> &'static str {
        match self {
            AuthMode::ApiKey => "API Key Authorization",
            AuthMode::AwsIam => "IAM Authorization",
            AuthMode::AmazonCognitoUserPools => "User Pool Authorization",
            AuthMode::OpenidConnect => "Open ID Connect Authorization",
            AuthMode::AwsLambda => "Lambda Authorization",
        }
    }

    /// The mode an identity object's shape implies, for contexts that do not say.
    pub fn infer(identity: Option<&serde_json::Value>) -> AuthMode {
        let Some(serde_json::Value::Object(id)) = identity else {
            return AuthMode::ApiKey;
        };
        // (Linear search: serde_json's maps hash with SipHash, and these nine lookups were
        // 2.4k instructions of every new context.)
        use crate::value::lazy::find;
        let has = |k: &str| find(id, k).is_some();
        if has("resolverContext") {
            AuthMode::AwsLambda
        } else if has("accountId") || has("userArn") || has("cognitoIdentityPoolId") {
            AuthMode::AwsIam
        } else if has("defaultAuthStrategy")
            || has("groups")
            || find(id, "claims")
                .and_then(|c| c.as_object())
                .is_some_and(|c| {
                    find(c, "cognito:username").is_some() || find(c, "token_use").is_some()
                })
        {
            AuthMode::AmazonCognitoUserPools
        } else {
            AuthMode::OpenidConnect
        }
    }
}

impl std::str::FromStr for AuthMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<AuthMode, String> {
        Ok(match s {
            "API_KEY" => AuthMode::ApiKey,
            "AWS_IAM" => AuthMode::AwsIam,
            "AMAZON_COGNITO_USER_POOLS" => AuthMode::AmazonCognitoUserPools,
            "OPENID_CONNECT" => AuthMode::OpenidConnect,
            "AWS_LAMBDA" => AuthMode::AwsLambda,
            other => {
                return Err(format!(
                    "unknown auth mode `{other}` (expected API_KEY, AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT or AWS_LAMBDA)"
                ));
            }
        })
    }
}

/// An error recorded by `$util.appendError` (the render goes on); serialized as
/// `EvaluateMappingTemplate`'s `outErrors` entries.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppendedError {
    /// The message.
    pub message: String,
    /// The error type, if given.
    pub error_type: Option<String>,
    /// The data, if given.
    pub data: Option<serde_json::Value>,
    /// The error info, if given.
    pub error_info: Option<serde_json::Value>,
}

/// What a template asked of AppSync through `$extensions` (recorded, not executed).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Extensions {
    /// `$extensions.evictFromApiCache(typeName, fieldName, keys)` calls, each as
    /// `{"typeName", "fieldName", "keys"}`.
    pub evictions: Vec<serde_json::Value>,
    /// The last `$extensions.setSubscriptionFilter(filter)`.
    pub subscription_filter: Option<serde_json::Value>,
    /// The last `$extensions.setSubscriptionInvalidationFilter(filter)`.
    pub subscription_invalidation_filter: Option<serde_json::Value>,
    /// `$extensions.invalidateSubscriptions(...)` payloads.
    pub invalidations: Vec<serde_json::Value>,
}

impl Extensions {
    /// Whether the template made no `$extensions` call.
    pub fn is_empty(&self) -> bool {
        self == &Extensions::default()
    }
}

/// State of one render that helpers read and write.
pub(crate) struct Runtime<'c> {
    /// `$util.appendError` entries, in order.
    pub errors: Vec<AppendedError>,
    /// `$util.log.*` lines.
    pub logs: Vec<String>,
    /// `$util.http.addResponseHeader(s)`, in the order set (a name set again keeps its place
    /// and takes the last value).
    pub response_headers: serde_json::Map<String, serde_json::Value>,
    /// `$extensions` calls.
    pub extensions: Extensions,
    /// Seeded generator; `None` for operating-system randomness.
    rng: Option<fastrand::Rng>,
    /// Milliseconds since the Unix epoch at the start of the render.
    pub now_millis: i64,
    /// The context's JSON, where `$util.unauthorized()` finds `info.fieldName` and
    /// `info.parentTypeName` (read only then: most renders never need them). Borrowed: a
    /// clone of the `Arc` is an atomic increment and decrement per render.
    pub context: Option<&'c serde_json::Value>,
    /// How the caller was authorized.
    pub auth_mode: AuthMode,
    /// Bytes of log lines and appended errors recorded so far.
    recorded_bytes: usize,
}

impl<'c> Runtime<'c> {
    pub(crate) fn new(clock: &Clock, ids: &IdSource, auth_mode: AuthMode) -> Runtime<'c> {
        Runtime {
            errors: Vec::new(),
            logs: Vec::new(),
            response_headers: serde_json::Map::new(),
            extensions: Extensions::default(),
            rng: match ids {
                IdSource::Random => None,
                IdSource::Seeded(seed) => Some(fastrand::Rng::with_seed(*seed)),
            },
            now_millis: clock.now_millis(),
            context: None,
            auth_mode,
            recorded_bytes: 0,
        }
    }

    /// Accounts for `bytes` more of logs or appended errors; an error past the hard string
    /// limit (each line is bounded, their number only by the operations budget).
    pub(crate) fn record(&mut self, helper: &str, bytes: usize) -> Result<(), Box<ErrorKind>> {
        self.recorded_bytes = self.recorded_bytes.saturating_add(bytes);
        if self.recorded_bytes > crate::limits::HARD_STRING_LIMIT {
            return Err(Box::new(ErrorKind::UtilArgument {
                helper: helper.to_string(),
                message: format!(
                    "the render has logged or appended over {} bytes",
                    crate::limits::HARD_STRING_LIMIT
                ),
            }));
        }
        Ok(())
    }

    /// 16 random bytes, from the seeded generator when there is one.
    pub(crate) fn random_bytes(&mut self) -> [u8; 16] {
        match &mut self.rng {
            Some(rng) => rng.u128(..).to_le_bytes(),
            None => *uuid::Uuid::new_v4().as_bytes(),
        }
    }

    /// A random `u64`.
    pub(crate) fn random_u64(&mut self) -> u64 {
        let b = self.random_bytes();
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    /// A random (version 4) UUID in lower case, as `$util.autoId()` returns.
    pub(crate) fn next_uuid(&mut self) -> std::sync::Arc<str> {
        // (Encoded on the stack and copied once: `to_string()` went through the formatting
        // machinery and a second allocation: ~220 instructions more per id.)
        let mut buf = uuid::Uuid::encode_buffer();
        let id = uuid::Builder::from_random_bytes(self.random_bytes())
            .into_uuid()
            .hyphenated();
        std::sync::Arc::from(&*id.encode_lower(&mut buf))
    }

    /// Field and parent type names for messages (`null` when unknown, as Java prints them).
    pub(crate) fn field_and_type(&self) -> (String, String) {
        let info = self
            .context
            .and_then(|c| c.get("info"))
            .and_then(|i| i.as_object());
        // As Java prints them: a missing name is "null".
        let name = |key: &str| match info.and_then(|i| i.get(key)) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => crate::value::from_json(other).to_java_string(),
            None => "null".to_string(),
        };
        (name("fieldName"), name("parentTypeName"))
    }
}
