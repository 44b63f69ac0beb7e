//! Per-render services the `$util` helpers use: ids, clock, auth mode, and what a render
//! records besides its text (appended errors, logs, response headers, `$extensions` calls).

use crate::context::AuthMode;
use crate::engine::{Clock, IdSource};

/// An error recorded by `$util.appendError` (the render goes on); serialized as
/// `EvaluateMappingTemplate`'s `outErrors` entries.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
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
    pub(crate) fn record(&mut self, helper: &str, bytes: usize) -> crate::util::Outcome<()> {
        self.recorded_bytes = self.recorded_bytes.saturating_add(bytes);
        if self.recorded_bytes > crate::limits::HARD_STRING_LIMIT {
            return Err(crate::util::Failure::from(crate::ErrorKind::UtilArgument {
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
