//! Limits that keep an untrusted template from exhausting the machine.

/// Strings longer than this are never built, whatever the configured limits (a guard for
/// helpers that size their output from an argument, such as `String.repeat`).
pub(crate) const HARD_STRING_LIMIT: usize = 64 << 20;

/// Most values a conversion (to JSON, to DynamoDB attribute values) creates, whatever the
/// configured limits: shared sub-collections could otherwise make it exponentially large.
pub(crate) const HARD_NODE_LIMIT: usize = 10_000_000;

/// What one compile or render may consume. Every breach is an
/// [`ErrorKind::LimitExceeded`](crate::ErrorKind::LimitExceeded) naming the limit.
///
/// ```
/// use appsync_vtl::{Engine, Limits};
/// let engine = Engine::new().with_limits(Limits { max_loop_iterations: 10, ..Limits::appsync() });
/// let t = engine.compile("t", "#foreach($i in [1..11])$i#end").unwrap();
/// assert!(t.render(&Default::default()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Template source size in bytes (AppSync: 64 KB per mapping template).
    pub max_template_bytes: usize,
    /// Nesting of directives and brackets accepted by the parser.
    pub max_nesting_depth: usize,
    /// Iterations of a single `#foreach` (AppSync: 1000).
    pub max_loop_iterations: usize,
    /// Iterations of all `#foreach` loops in one render.
    pub max_total_iterations: usize,
    /// Depth of macro calls, `#define` renders and `#evaluate` (Velocity's default is 20).
    pub max_recursion_depth: usize,
    /// Bytes of rendered output (AppSync: 5 MB evaluated template).
    pub max_output_bytes: usize,
    /// Length in bytes of any string the template builds.
    pub max_string_bytes: usize,
    /// Elements of any list or map the template builds, or of a range.
    pub max_collection_len: usize,
    /// Fuel: statements one render may execute (text, references, directives, counting each
    /// time a loop, macro or `#define` body runs them), `None` for no budget. The other
    /// limits do not bound time alone: `#define` blocks that each reference the previous
    /// one four times render 4^n blocks without looping, nesting deeper than 20 or writing
    /// anything. An expression or helper call inside a statement costs nothing extra.
    pub max_operations: Option<u64>,
}

impl Limits {
    /// AppSync's documented quotas where they exist, safe values elsewhere.
    pub fn appsync() -> Limits {
        Limits {
            max_template_bytes: 64 * 1024,
            max_nesting_depth: 128,
            max_loop_iterations: 1000,
            max_total_iterations: 1_000_000,
            max_recursion_depth: 20,
            max_output_bytes: 5 * 1024 * 1024,
            max_string_bytes: 5 * 1024 * 1024,
            max_collection_len: 1_000_000,
            // ~0.3 s of rendering; a request template runs a few hundred to a few
            // thousand statements.
            max_operations: Some(10_000_000),
        }
    }

    /// Stock Velocity has no loop limit; these bounds only stop runaway templates.
    pub fn velocity() -> Limits {
        Limits {
            max_template_bytes: 4 * 1024 * 1024,
            max_loop_iterations: 10_000_000,
            max_total_iterations: 10_000_000,
            max_output_bytes: 64 * 1024 * 1024,
            max_string_bytes: 16 * 1024 * 1024,
            max_operations: Some(100_000_000),
            ..Limits::appsync()
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::appsync()
    }
}
