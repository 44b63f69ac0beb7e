//! [`Engine`]: the settings a template is compiled and rendered with.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Limit, Result};
use crate::limits::Limits;
use crate::parser::{self, ParseOptions};
use crate::template::Template;
use crate::{Context, Rendered};

pub use crate::profile::Profile;
pub use crate::runtime::{Clock, IdSource};

/// Compiles templates; holds the profile, limits, clock and id source they run with.
///
/// ```
/// use appsync_vtl::{Context, Engine};
/// let engine = Engine::new();
/// let template = engine.compile("hello.vtl", "Hello $ctx.args.name!").unwrap();
/// let ctx = Context::appsync(serde_json::json!({"arguments": {"name": "Frankie"}})).unwrap();
/// assert_eq!(template.render(&ctx).unwrap().output, "Hello Frankie!");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub(crate) profile: Profile,
    pub(crate) limits: Limits,
    pub(crate) clock: Clock,
    pub(crate) ids: IdSource,
}

impl Engine {
    /// An engine for AWS AppSync templates with AppSync's limits.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An engine for stock Apache Velocity 1.7 templates.
    pub fn velocity() -> Engine {
        Engine::new().with_profile(Profile::Velocity)
    }

    /// Sets the dialect; also switches to that profile's default limits.
    pub fn with_profile(mut self, profile: Profile) -> Engine {
        self.profile = profile;
        self.limits = match profile {
            Profile::AppSync => Limits::appsync(),
            Profile::Velocity => Limits::velocity(),
        };
        self
    }

    /// Sets the limits.
    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.limits = limits;
        self
    }

    /// Sets the clock.
    pub fn with_clock(mut self, clock: Clock) -> Engine {
        self.clock = clock;
        self
    }

    /// Sets the id source.
    pub fn with_ids(mut self, ids: IdSource) -> Engine {
        self.ids = ids;
        self
    }

    /// The profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compiles `source`; `name` appears in error messages.
    pub fn compile(&self, name: &str, source: &str) -> Result<Template> {
        if source.len() > self.limits.max_template_bytes {
            return Err(Error::new(ErrorKind::LimitExceeded {
                limit: Limit::TemplateSize,
                max: self.limits.max_template_bytes as u64,
            })
            .with_name(name));
        }
        let options = ParseOptions {
            profile: self.profile,
            max_depth: self.limits.max_nesting_depth,
        };
        let ast = parser::parse(source, &options).map_err(|e| e.with_name(name))?;
        Ok(Template::new(
            ast,
            Arc::from(source),
            Arc::from(name),
            self.clone(),
        ))
    }

    /// Compiles and renders once.
    pub fn render_str(&self, source: &str, context: &Context) -> Result<Rendered> {
        self.compile("", source)?.render(context)
    }
}
