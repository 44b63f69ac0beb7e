//! Unit and pipeline resolvers, run as AppSync runs them (AppSync developer guide: "Resolver
//! mapping template overview", "Resolver mapping template changelog", "Pipeline resolvers").
//!
//! Unit: request template → data source → response template. Pipeline: before template →
//! functions (each: request → data source → response) → after template. `$ctx.stash` is shared
//! by every template of one resolution; each step's result is `$ctx.prev.result` of the next.
//!
//! The request template's `version` decides what happens around the data source for a unit
//! resolver: with `2017-02-28` a null result skips the response template (the field is null)
//! and a data-source error is raised automatically (the response template's output becomes
//! the error's `data`); with `2018-05-29` the response template always runs and sees the
//! error in `$ctx.error`. Functions always behave as `2018-05-29`.

use std::sync::Arc;

use serde_json::Value as J;

use super::data_source::{DataSource, DataSourceError};
use super::request::validate_request;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::output::parse_output;
use crate::rendered::Rendered;
use crate::template::Template;

/// Most functions a pipeline may have (AppSync's quota).
pub const MAX_PIPELINE_FUNCTIONS: usize = 10;

/// A function of a pipeline resolver.
#[derive(Clone)]
pub struct PipelineFunction {
    /// Its name (shown in steps and errors).
    pub name: String,
    /// Request template; without one the data source gets the whole context.
    pub request: Option<Template>,
    /// Response template; without one the result is the data source's answer.
    pub response: Option<Template>,
    /// What the request is sent to.
    pub data_source: Arc<dyn DataSource>,
}

impl std::fmt::Debug for PipelineFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipelineFunction")
            .field("name", &self.name)
            .field("request", &self.request.as_ref().map(Template::name))
            .field("response", &self.response.as_ref().map(Template::name))
            .field("data_source", &self.data_source.kind())
            .finish()
    }
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |t: &Option<Template>| t.as_ref().map(|t| t.name().to_string());
        match &self.kind {
            Kind::Unit {
                request,
                response,
                data_source,
            } => f
                .debug_struct("Resolver::Unit")
                .field("request", &name(request))
                .field("response", &name(response))
                .field("data_source", &data_source.kind())
                .finish(),
            Kind::Pipeline {
                before,
                functions,
                after,
            } => f
                .debug_struct("Resolver::Pipeline")
                .field("before", &name(before))
                .field("functions", functions)
                .field("after", &name(after))
                .finish(),
        }
    }
}

enum Kind {
    Unit {
        request: Option<Template>,
        response: Option<Template>,
        data_source: Arc<dyn DataSource>,
    },
    Pipeline {
        before: Option<Template>,
        functions: Vec<PipelineFunction>,
        after: Option<Template>,
    },
}

/// A resolver: compiled templates and data sources, resolved any number of times.
///
/// ```
/// use std::sync::Arc;
/// use appsync_vtl::{Context, Engine, NoneDataSource, Resolver};
/// let engine = Engine::new();
/// let request = engine.compile("req", r#"{"version": "2018-05-29", "payload": {"id": $util.toJson($ctx.args.id)}}"#).unwrap();
/// let response = engine.compile("res", "$util.toJson($ctx.result)").unwrap();
/// let resolver = Resolver::unit(Some(request), Some(response), Arc::new(NoneDataSource));
/// let ctx = Context::appsync(serde_json::json!({"arguments": {"id": "d1"}})).unwrap();
/// assert_eq!(resolver.resolve(&ctx).data, serde_json::json!({"id": "d1"}));
/// ```
pub struct Resolver {
    kind: Kind,
}

/// An error in the GraphQL response, in AppSync's shape.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GraphQLError {
    /// `message`
    pub message: String,
    /// `errorType`
    pub error_type: Option<String>,
    /// `data`
    pub data: Option<J>,
    /// `errorInfo`
    pub error_info: Option<J>,
    /// `path`: the field name.
    pub path: Vec<J>,
    /// Where in a template the error was raised (line, column), when it was.
    pub location: Option<(u32, u32)>,
}

/// As AppSync writes it in a GraphQL response ([`GraphQLError::to_json`]).
impl serde::Serialize for GraphQLError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl GraphQLError {
    /// The error as AppSync writes it in a GraphQL response (keys in AppSync's order).
    pub fn to_json(&self) -> J {
        let mut m = serde_json::Map::new();
        m.insert("path".into(), J::Array(self.path.clone()));
        m.insert("data".into(), self.data.clone().unwrap_or(J::Null));
        m.insert(
            "errorType".into(),
            self.error_type.clone().map_or(J::Null, J::String),
        );
        m.insert(
            "errorInfo".into(),
            self.error_info.clone().unwrap_or(J::Null),
        );
        m.insert("locations".into(), J::Array(Vec::new()));
        m.insert("message".into(), J::String(self.message.clone()));
        J::Object(m)
    }
}

/// One step of a resolution, for tracing what happened.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Step {
    /// What ran: `request`, `data source`, `function getDog: response`...
    pub name: String,
    /// The template's evaluation result, or the request/answer of a data source, as text.
    pub output: String,
    /// The `$ctx` the template was given (arguments, stash, prev, result...), from
    /// [`Resolver::resolve_traced`]; `None` for data-source steps and from
    /// [`Resolver::resolve`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<J>,
}

/// What resolving a field gave: its value and errors, like a GraphQL response for it
/// (serializable: `data`, `errors` as AppSync writes them, `stash`, `logs`, `steps`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Resolution {
    /// The field's value (null when an error stopped the resolution).
    pub data: J,
    /// Errors for the GraphQL response (`$util.error`, `$util.appendError`, data-source
    /// errors raised automatically...).
    pub errors: Vec<GraphQLError>,
    /// `$ctx.stash` at the end.
    pub stash: serde_json::Map<String, J>,
    /// `$util.log` lines of every template.
    pub logs: Vec<String>,
    /// What ran, in order.
    pub steps: Vec<Step>,
}

impl Resolution {
    /// `{"data": ..., "errors": [...]}` for the field, as a GraphQL response carries it.
    pub fn to_json(&self) -> J {
        let mut m = serde_json::Map::new();
        m.insert("data".into(), self.data.clone());
        m.insert(
            "errors".into(),
            J::Array(self.errors.iter().map(GraphQLError::to_json).collect()),
        );
        J::Object(m)
    }
}

/// The version semantics of a unit resolver.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V2017,
    V2018,
}

/// State threaded through one resolution.
struct Run<'c> {
    context: &'c Context,
    stash: serde_json::Map<String, J>,
    /// `$ctx.args` as the last template left it, once one changed it.
    args: Option<serde_json::Map<String, J>>,
    /// Whether steps keep the context their template saw.
    traced: bool,
    io: Io,
    errors: Vec<GraphQLError>,
    logs: Vec<String>,
    steps: Vec<Step>,
    path: Vec<J>,
}

/// How data sources are called: [`DataSource::invoke`] from the blocking entry points (an
/// async source's own future may need a runtime that is not there), `invoke_async` from
/// [`Resolver::resolve_async`].
#[derive(Clone, Copy)]
enum Io {
    Blocking,
    Async,
}

/// How a template step ended.
enum Outcome {
    /// The evaluated JSON.
    Value(J),
    /// `#return`: the value, and the rest of this unit (data source, response) is skipped.
    Returned(J),
}

impl Resolver {
    /// A unit resolver.
    pub fn unit(
        request: Option<Template>,
        response: Option<Template>,
        data_source: Arc<dyn DataSource>,
    ) -> Resolver {
        Resolver {
            kind: Kind::Unit {
                request,
                response,
                data_source,
            },
        }
    }

    /// A pipeline resolver; at most [`MAX_PIPELINE_FUNCTIONS`] functions.
    pub fn pipeline(
        before: Option<Template>,
        functions: Vec<PipelineFunction>,
        after: Option<Template>,
    ) -> Result<Resolver> {
        if functions.len() > MAX_PIPELINE_FUNCTIONS {
            return Err(Error::new(ErrorKind::MappingTemplate {
                message: format!(
                    "A pipeline resolver can have at most {MAX_PIPELINE_FUNCTIONS} functions, this one has {}",
                    functions.len()
                ),
            }));
        }
        Ok(Resolver {
            kind: Kind::Pipeline {
                before,
                functions,
                after,
            },
        })
    }

    /// Resolves the field for `context` (arguments, identity, source, info, request, stash).
    pub fn resolve(&self, context: &Context) -> Resolution {
        super::data_source::block_on(self.run(context, false, Io::Blocking))
    }

    /// [`Resolver::resolve`] without blocking: data sources answer through
    /// [`DataSource::invoke_async`], so a source that does I/O (DynamoDB) awaits it in the
    /// caller's runtime instead of holding a thread.
    pub async fn resolve_async(&self, context: &Context) -> Resolution {
        self.run(context, false, Io::Async).await
    }

    /// [`Resolver::resolve`], with each template step's [`Step::context`]: what to render
    /// one step alone with (`appsync-vtl resolve --trace-json`).
    pub fn resolve_traced(&self, context: &Context) -> Resolution {
        super::data_source::block_on(self.run(context, true, Io::Blocking))
    }

    async fn run(&self, context: &Context, traced: bool, io: Io) -> Resolution {
        let base = context
            .ctx
            .as_deref()
            .cloned()
            .unwrap_or_else(|| J::Object(Default::default()));
        let stash = base
            .get("stash")
            .and_then(J::as_object)
            .cloned()
            .unwrap_or_default();
        let path = base
            .pointer("/info/fieldName")
            .cloned()
            .map(|f| vec![f])
            .unwrap_or_default();
        let mut run = Run {
            context,
            stash,
            args: None,
            traced,
            io,
            errors: Vec::new(),
            logs: Vec::new(),
            steps: Vec::new(),
            path,
        };
        let data = match &self.kind {
            Kind::Unit {
                request,
                response,
                data_source,
            } => {
                run.unit(request.as_ref(), response.as_ref(), &**data_source)
                    .await
            }
            Kind::Pipeline {
                before,
                functions,
                after,
            } => {
                run.pipeline(before.as_ref(), functions, after.as_ref())
                    .await
            }
        };
        let data = match data {
            Ok(d) => d,
            Err(e) => {
                run.errors.push(run.graphql_error(&e));
                J::Null
            }
        };
        Resolution {
            data,
            errors: run.errors,
            stash: run.stash,
            logs: run.logs,
            steps: run.steps,
        }
    }
}

impl Run<'_> {
    fn graphql_error(&self, e: &Error) -> GraphQLError {
        let a = e.appsync_error();
        GraphQLError {
            message: a.message,
            error_type: a.error_type,
            data: a.data,
            error_info: a.error_info,
            path: self.path.clone(),
            location: e.line().zip(e.column()),
        }
    }

    /// The context for one template: the caller's, with the current stash and the results.
    fn context_for(
        &self,
        prev: Option<&J>,
        result: Option<&J>,
        error: Option<&DataSourceError>,
    ) -> Result<Context> {
        let mut ctx = match self.context.ctx.as_deref().cloned() {
            Some(J::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        ctx.insert("stash".into(), J::Object(self.stash.clone()));
        if let Some(args) = &self.args {
            ctx.remove("args");
            ctx.insert("arguments".into(), J::Object(args.clone()));
        }
        if let Some(prev) = prev {
            let mut p = serde_json::Map::new();
            p.insert("result".into(), prev.clone());
            ctx.insert("prev".into(), J::Object(p));
        }
        if let Some(result) = result {
            ctx.insert("result".into(), result.clone());
        }
        if let Some(error) = error {
            let mut e = serde_json::Map::new();
            e.insert("message".into(), J::String(error.message.clone()));
            e.insert("type".into(), J::String(error.error_type.clone()));
            ctx.insert("error".into(), J::Object(e));
        }
        let mut out = Context::appsync(J::Object(ctx))?;
        out.vars = self.context.vars.clone();
        out.auth_mode = self.context.auth_mode;
        Ok(out)
    }

    /// Renders one template and reads its result as AppSync does.
    fn template(&mut self, name: &str, template: &Template, ctx: &Context) -> Result<Outcome> {
        let rendered = template.render_step(ctx, self.steps.len() as u64, true);
        let context = self.traced.then(|| ctx.ctx.as_deref().cloned()).flatten();
        let mut rendered: Rendered = match rendered {
            Ok(r) => r,
            Err(e) => {
                self.logs.extend(e.logs().iter().cloned());
                self.steps.push(Step {
                    name: name.to_string(),
                    output: format!("error: {e}"),
                    context,
                });
                return Err(e);
            }
        };
        self.stash = rendered.stash.clone();
        if let Some(args) = rendered.args.take() {
            self.args = Some(args);
        }
        self.logs.extend(rendered.logs.iter().cloned());
        for e in &rendered.errors {
            self.errors.push(GraphQLError {
                message: e.message.clone(),
                error_type: e.error_type.clone(),
                data: e.data.clone(),
                error_info: e.error_info.clone(),
                path: self.path.clone(),
                location: None,
            });
        }
        self.steps.push(Step {
            name: name.to_string(),
            output: rendered.evaluation_result().into_owned(),
            context,
        });
        Ok(match rendered.returned {
            Some(v) => Outcome::Returned(v),
            None => Outcome::Value(parse_output(&rendered.output)?),
        })
    }

    async fn call(
        &mut self,
        name: &str,
        data_source: &dyn DataSource,
        request: &J,
    ) -> Result<std::result::Result<J, DataSourceError>> {
        validate_request(data_source.kind(), request)?;
        self.steps.push(Step {
            name: format!("{name}: data source request"),
            output: request.to_string(),
            context: None,
        });
        let answer = match self.io {
            Io::Blocking => data_source.invoke(request),
            Io::Async => data_source.invoke_async(request).await,
        };
        self.steps.push(Step {
            name: format!("{name}: data source answer"),
            output: match &answer {
                Ok(v) => v.to_string(),
                Err(e) => format!("error {}: {}", e.error_type, e.message),
            },
            context: None,
        });
        Ok(answer)
    }

    async fn unit(
        &mut self,
        request: Option<&Template>,
        response: Option<&Template>,
        data_source: &dyn DataSource,
    ) -> Result<J> {
        let ctx = self.context_for(None, None, None)?;
        let request_json = match request {
            Some(t) => match self.template("request", t, &ctx)? {
                // #return in the request template: the value is the field's, nothing else runs.
                Outcome::Returned(v) => return Ok(v),
                Outcome::Value(v) => v,
            },
            // Without a request template AppSync sends the whole context (direct Lambda).
            None => invoke_with_context(&ctx),
        };
        let version = match request_json.get("version").and_then(J::as_str) {
            Some("2018-05-29") | None if request.is_none() => Version::V2018,
            Some("2018-05-29") => Version::V2018,
            _ => Version::V2017,
        };
        let answer = self.call("unit", data_source, &request_json).await?;
        if let (Ok(J::Null), Version::V2017) = (&answer, version) {
            return Ok(J::Null);
        }
        let (result, error) = split(answer);
        let Some(response) = response else {
            // As `#if($ctx.error) $util.error($ctx.error.message, $ctx.error.type,
            // $ctx.result) #end $util.toJson($ctx.result)` (the guide, direct Lambda).
            return match error {
                Some(e) => Err(data_source_error(&e, e.result.clone())),
                None => Ok(result),
            };
        };
        let ctx = self.context_for(None, Some(&result), error.as_ref())?;
        let outcome = self.template("response", response, &ctx);
        match (error, version) {
            (Some(e), Version::V2017) => {
                // Raised automatically; the response template's output is the error's data.
                let data = match outcome {
                    Ok(Outcome::Value(v) | Outcome::Returned(v)) => Some(v),
                    Err(_) => None,
                };
                Err(data_source_error(&e, data))
            }
            _ => match outcome? {
                Outcome::Value(v) | Outcome::Returned(v) => Ok(v),
            },
        }
    }

    async fn pipeline(
        &mut self,
        before: Option<&Template>,
        functions: &[PipelineFunction],
        after: Option<&Template>,
    ) -> Result<J> {
        let ctx = self.context_for(None, None, None)?;
        let mut prev = match before {
            Some(t) => match self.template("before", t, &ctx)? {
                // #return in the before template ends the resolution with that value.
                Outcome::Returned(v) => return Ok(v),
                Outcome::Value(v) => v,
            },
            None => J::Null,
        };
        for f in functions {
            prev = self.function(f, &prev).await?;
        }
        let Some(after) = after else { return Ok(prev) };
        let ctx = self.context_for(Some(&prev), Some(&prev), None)?;
        match self.template("after", after, &ctx)? {
            Outcome::Value(v) | Outcome::Returned(v) => Ok(v),
        }
    }

    /// One function: its result becomes `$ctx.prev.result` of the next step. `$util.error`
    /// anywhere stops the whole pipeline; `#return` ends just this function.
    async fn function(&mut self, f: &PipelineFunction, prev: &J) -> Result<J> {
        let label = format!("function {}", f.name);
        let ctx = self.context_for(Some(prev), None, None)?;
        let request_json = match &f.request {
            Some(t) => match self.template(&format!("{label}: request"), t, &ctx)? {
                Outcome::Returned(v) => return Ok(v),
                Outcome::Value(v) => v,
            },
            None => invoke_with_context(&ctx),
        };
        let answer = self.call(&label, &*f.data_source, &request_json).await?;
        let (result, error) = split(answer);
        let Some(response) = &f.response else {
            // As `#if($ctx.error) $util.error($ctx.error.message, $ctx.error.type,
            // $ctx.result) #end $util.toJson($ctx.result)` (the guide, direct Lambda).
            return match error {
                Some(e) => Err(data_source_error(&e, e.result.clone())),
                None => Ok(result),
            };
        };
        let ctx = self.context_for(Some(prev), Some(&result), error.as_ref())?;
        match self.template(&format!("{label}: response"), response, &ctx)? {
            Outcome::Value(v) | Outcome::Returned(v) => Ok(v),
        }
    }
}

fn split(answer: std::result::Result<J, DataSourceError>) -> (J, Option<DataSourceError>) {
    match answer {
        Ok(v) => (v, None),
        Err(e) => (e.result.clone().unwrap_or(J::Null), Some(e)),
    }
}

fn data_source_error(e: &DataSourceError, data: Option<J>) -> Error {
    Error::new(ErrorKind::TemplateError {
        message: e.message.clone(),
        error_type: Some(e.error_type.clone()),
        data,
        error_info: None,
    })
}

/// The request AppSync sends to a Lambda when there is no request template: the context.
fn invoke_with_context(ctx: &Context) -> J {
    let mut m = serde_json::Map::new();
    m.insert("version".into(), J::String("2018-05-29".into()));
    m.insert("operation".into(), J::String("Invoke".into()));
    m.insert(
        "payload".into(),
        ctx.ctx.as_deref().cloned().unwrap_or(J::Null),
    );
    J::Object(m)
}
