//! [`Profile`]: which dialect of VTL the parser and the evaluator implement.

/// Which dialect of VTL to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// AWS AppSync (default): Velocity 1.7 with inline `#macro` disabled (a definition
    /// renders nothing, a call renders as its own text), no `#evaluate`, `#parse` or
    /// `#include` (they render as text), AppSync's `#return`, and `$util`/`$utils`.
    #[default]
    AppSync,
    /// Stock Apache Velocity 1.7: macros, `#evaluate`, `#parse`/`#include` (which fail: there
    /// are no resources); no `#return` and no `$util`.
    Velocity,
}

impl Profile {
    pub(crate) fn macros_enabled(self) -> bool {
        self == Profile::Velocity
    }

    pub(crate) fn evaluate_enabled(self) -> bool {
        self == Profile::Velocity
    }

    pub(crate) fn return_enabled(self) -> bool {
        self == Profile::AppSync
    }

    /// Directive names besides the common ones (for escapes like `\#evaluate`).
    pub(crate) fn extra_directives(self) -> &'static [&'static str] {
        match self {
            Profile::AppSync => &["return"],
            Profile::Velocity => &["evaluate", "parse", "include"],
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Profile, String> {
        match s {
            "appsync" => Ok(Profile::AppSync),
            "velocity" => Ok(Profile::Velocity),
            other => Err(format!(
                "unknown profile `{other}` (expected appsync or velocity)"
            )),
        }
    }
}
