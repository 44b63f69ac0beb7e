//! The one error type of the crate.
//!
//! An [`Error`] is a value: an [`ErrorKind`] saying what went wrong (with typed fields), and
//! where — template name, line, column and the source line. `Display` gives one line;
//! the alternate form (`{:#}`) adds the source line with a caret under the column.

use std::fmt;

use crate::span::{Location, Span};

/// What went wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The template is not valid VTL.
    #[error("{message}")]
    Syntax {
        /// What the parser found, in template terms.
        message: String,
    },
    /// A string literal Velocity cannot decode (a malformed `\u` escape). Velocity reports
    /// it when the template is first rendered, so this is not a syntax error.
    #[error("{message}")]
    InvalidString {
        /// What is wrong.
        message: String,
    },
    /// A Java method the template called failed (Velocity aborts the render).
    #[error("{method} on {class} failed: {reason}")]
    MethodFailed {
        /// The method (`substring`, `get`...).
        method: String,
        /// The Java class it was called on (`String`, `List`...).
        class: &'static str,
        /// What the method complained about.
        reason: String,
    },
    /// `#foreach` body changed the list it iterates.
    #[error("the list iterated by #foreach was modified inside the loop")]
    ConcurrentModification,
    /// A directive that cannot run here (`#foreach` without arguments, `#parse`...).
    #[error("{message}")]
    Directive {
        /// What is wrong.
        message: String,
    },
    /// A `$util` helper was called with arguments it does not accept.
    #[error("$util.{helper}: {message}")]
    UtilArgument {
        /// The helper (`dynamodb.toDynamoDBJson`...).
        helper: String,
        /// What is wrong with the arguments.
        message: String,
    },
    /// `$util.error(...)`: the template raised an error for the field.
    #[error("{message}")]
    TemplateError {
        /// The message (first argument).
        message: String,
        /// The error type (second argument).
        error_type: Option<String>,
        /// The data (third argument).
        data: Option<serde_json::Value>,
        /// The error info (fourth argument).
        error_info: Option<serde_json::Value>,
    },
    /// AppSync could not use the rendered text (not one JSON value, a request missing a
    /// required field...). AppSync reports these with errorType `MappingTemplate`.
    #[error("{message}")]
    MappingTemplate {
        /// AppSync's message.
        message: String,
    },
    /// `$util.unauthorized()`.
    #[error("{message}")]
    Unauthorized {
        /// AppSync's message for the field.
        message: String,
    },
    /// A limit protecting the engine was exceeded.
    #[error("{limit} limit exceeded (limit is {max})")]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The configured maximum.
        max: u64,
    },
    /// The context or variables given to a render are not usable.
    #[error("invalid context: {message}")]
    Context {
        /// What is wrong.
        message: String,
    },
}

/// An error as AppSync reports it in a GraphQL response or `EvaluateMappingTemplate`
/// (serialized with AppSync's names: `message`, `errorType`, `data`, `errorInfo`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSyncError {
    /// `message`
    pub message: String,
    /// `errorType` (`Unauthorized`, `MappingTemplate`, or the type given to `$util.error`).
    pub error_type: Option<String>,
    /// `data` (third argument of `$util.error`).
    pub data: Option<serde_json::Value>,
    /// `errorInfo` (fourth argument of `$util.error`).
    pub error_info: Option<serde_json::Value>,
}

/// The limits the engine enforces (see [`crate::Limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// Template source size in bytes.
    TemplateSize,
    /// Nesting depth of directives and brackets when parsing.
    NestingDepth,
    /// Iterations of one `#foreach`.
    LoopIterations,
    /// Iterations of all loops in one render.
    TotalIterations,
    /// Depth of macro calls, `#define` renders and `#evaluate`.
    RecursionDepth,
    /// Bytes of rendered output.
    OutputSize,
    /// Length of a string built by the template.
    StringSize,
    /// Elements of a list or map built by the template.
    CollectionSize,
    /// Statements executed in one render (fuel).
    Operations,
    /// Operators applied in a row in one expression, counting the expressions it sits in.
    ExpressionDepth,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::TemplateSize => "template size (bytes)",
            Limit::NestingDepth => "nesting depth",
            Limit::LoopIterations => "#foreach iterations",
            Limit::TotalIterations => "total loop iterations",
            Limit::RecursionDepth => "recursion depth",
            Limit::OutputSize => "output size (bytes)",
            Limit::StringSize => "string length",
            Limit::CollectionSize => "collection size",
            Limit::Operations => "operations",
            Limit::ExpressionDepth => "operators in one expression",
        })
    }
}

/// An error from compiling or rendering a template.
///
/// ```
/// let err = appsync_vtl::Engine::new().compile("t.vtl", "#set($x = -$n)").unwrap_err();
/// assert_eq!(err.line(), Some(1));
/// assert!(err.to_string().starts_with("t.vtl:1:11: "));
/// ```
#[derive(Clone, PartialEq)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Clone, PartialEq)]
struct Repr {
    kind: ErrorKind,
    name: Option<String>,
    location: Option<Location>,
    /// `$util.log` lines written before the render failed.
    logs: Vec<String>,
}

impl Error {
    /// An error without a position.
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            repr: Box::new(Repr {
                kind,
                name: None,
                location: None,
                logs: Vec::new(),
            }),
        }
    }

    /// An error at `span` of `source`.
    pub(crate) fn at(kind: ErrorKind, source: &str, span: Span) -> Error {
        Error::new(kind).with_location(Location::of(source, span.start as usize))
    }

    pub(crate) fn with_location(mut self, location: Location) -> Error {
        self.repr.location = Some(location);
        self
    }

    pub(crate) fn with_name(mut self, name: &str) -> Error {
        if self.repr.name.is_none() && !name.is_empty() {
            self.repr.name = Some(name.to_string());
        }
        self
    }

    /// The `$util.log` lines the render wrote before it failed: when a template fails is
    /// when its logs are needed (`evaluate` returns them, as AppSync's
    /// `EvaluateMappingTemplate` does).
    pub fn logs(&self) -> &[String] {
        &self.repr.logs
    }

    pub(crate) fn with_logs(mut self, logs: Vec<String>) -> Error {
        self.repr.logs = logs;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.repr.kind
    }

    /// The template name given to [`crate::Engine::compile`], if any.
    pub fn template_name(&self) -> Option<&str> {
        self.repr.name.as_deref()
    }

    /// 1-based line of the error in the template, when it has a position.
    pub fn line(&self) -> Option<u32> {
        self.repr.location.as_ref().map(|l| l.line)
    }

    /// 1-based column (in characters), when the error has a position.
    pub fn column(&self) -> Option<u32> {
        self.repr.location.as_ref().map(|l| l.column)
    }

    /// The source line with a caret under the column, when the error has a position.
    pub fn snippet(&self) -> Option<String> {
        self.repr.location.as_ref().map(Location::snippet)
    }

    /// This error as AppSync reports it: errors raised by the template (`$util.error`,
    /// `$util.unauthorized`) keep their message, type and data; anything else is a
    /// `MappingTemplate` error whose message is the one-line description.
    pub fn appsync_error(&self) -> AppSyncError {
        match &self.repr.kind {
            ErrorKind::TemplateError {
                message,
                error_type,
                data,
                error_info,
            } => AppSyncError {
                message: message.clone(),
                error_type: error_type.clone(),
                data: data.clone(),
                error_info: error_info.clone(),
            },
            ErrorKind::Unauthorized { message } => AppSyncError {
                message: message.clone(),
                error_type: Some("Unauthorized".into()),
                data: None,
                error_info: None,
            },
            ErrorKind::MappingTemplate { message } => AppSyncError {
                message: message.clone(),
                error_type: Some("MappingTemplate".into()),
                data: None,
                error_info: None,
            },
            other => AppSyncError {
                message: other.to_string(),
                error_type: Some("MappingTemplate".into()),
                data: None,
                error_info: None,
            },
        }
    }

    /// Whether this is a syntax error (the template did not compile).
    pub fn is_syntax(&self) -> bool {
        matches!(self.repr.kind, ErrorKind::Syntax { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr.name, &self.repr.location) {
            (Some(n), Some(l)) => write!(f, "{n}:{}:{}: ", l.line, l.column)?,
            (None, Some(l)) => write!(f, "line {}, column {}: ", l.line, l.column)?,
            (Some(n), None) => write!(f, "{n}: ")?,
            (None, None) => {}
        }
        write!(f, "{}", self.repr.kind)?;
        if f.alternate()
            && let Some(l) = &self.repr.location
        {
            write!(f, "\n{}", l.snippet())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.repr.kind)
            .field("name", &self.repr.name)
            .field("location", &self.repr.location)
            .finish()
    }
}

/// No `source()`: the [`ErrorKind`] is this error's own message (`kind()` gives it), not a
/// cause, and error reporters that walk the chain would print it twice.
impl std::error::Error for Error {}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_not_repeated_as_a_source() {
        let e = Error::at(
            ErrorKind::Syntax {
                message: "unexpected `)`".into(),
            },
            "#if(\n)",
            Span::new(5, 6),
        );
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(e.to_string(), "line 2, column 1: unexpected `)`");
    }
}
