//! Per-render services the `$util` helpers use: ids, clock, appended errors, logs, and the
//! field being resolved.

use crate::engine::{Clock, IdSource};

/// An error recorded by `$util.appendError` (the render goes on).
#[derive(Debug, Clone, PartialEq)]
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

/// State of one render that helpers read and write.
pub(crate) struct Runtime {
    /// `$util.appendError` entries, in order.
    pub errors: Vec<AppendedError>,
    /// `$util.log.*` lines.
    pub logs: Vec<String>,
    /// Seeded generator; `None` for operating-system randomness.
    rng: Option<fastrand::Rng>,
    /// Milliseconds since the Unix epoch at the start of the render.
    pub now_millis: i64,
    /// `$ctx.info.fieldName` and `$ctx.info.parentTypeName`, for `$util.unauthorized()`.
    pub field: Option<(String, String)>,
}

impl Runtime {
    pub(crate) fn new(clock: &Clock, ids: &IdSource) -> Runtime {
        Runtime {
            errors: Vec::new(),
            logs: Vec::new(),
            rng: match ids {
                IdSource::Random => None,
                IdSource::Seeded(seed) => Some(fastrand::Rng::with_seed(*seed)),
            },
            now_millis: clock.now_millis(),
            field: None,
        }
    }

    /// 16 random bytes, from the seeded generator when there is one.
    pub(crate) fn random_bytes(&mut self) -> [u8; 16] {
        match &mut self.rng {
            Some(rng) => rng.u128(..).to_le_bytes(),
            None => *uuid::Uuid::new_v4().as_bytes(),
        }
    }

    /// A random (version 4) UUID in lower case, as `$util.autoId()` returns.
    pub(crate) fn next_uuid(&mut self) -> String {
        let bytes = self.random_bytes();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// Field and parent type names for messages (`null` when unknown, as Java prints them).
    pub(crate) fn field_and_type(&self) -> (String, String) {
        match &self.field {
            Some((f, t)) => (f.clone(), t.clone()),
            None => ("null".into(), "null".into()),
        }
    }
}
