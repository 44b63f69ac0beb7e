//! Resolvers described in a file, in the shape of AppSync's own API: the format is documented
//! on [`Resolver::from_config`].

use std::path::Path;
use std::sync::Arc;

use serde_json::Value as J;

use super::data_source::{CannedDataSource, DataSource, DataSourceError, NoneDataSource};
use super::execute::{PipelineFunction, Resolver};
use super::request::DataSourceKind;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::template::Template;

fn config_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Context {
        message: message.into(),
    })
}

/// Supplies data sources the file does not can (for example a real DynamoDB table).
pub trait DataSourceFactory {
    /// A data source for a `dataSource` object without `responses`; `None` to refuse.
    fn data_source(&self, config: &J) -> Option<Arc<dyn DataSource>>;
}

/// Only `NONE` and canned data sources.
struct CannedOnly;

impl DataSourceFactory for CannedOnly {
    fn data_source(&self, _config: &J) -> Option<Arc<dyn DataSource>> {
        None
    }
}

impl Resolver {
    /// Builds a resolver from its description (what `appsync-vtl resolve` reads); `base` is
    /// the folder `file://` template paths start from.
    ///
    /// The description has the shape of AppSync's own API (`CreateResolver`,
    /// `CreateFunction`, `CreateDataSource`):
    ///
    /// ```json
    /// {
    ///   "kind": "PIPELINE",
    ///   "typeName": "Query",
    ///   "fieldName": "getDog",
    ///   "requestMappingTemplate": "{}",
    ///   "responseMappingTemplate": "file://after.vtl",
    ///   "pipelineConfig": {"functions": [
    ///     {"name": "getDog", "requestMappingTemplate": "file://get.req.vtl",
    ///      "responseMappingTemplate": "$util.toJson($ctx.result)",
    ///      "dataSource": {"type": "AMAZON_DYNAMODB", "dynamodbConfig": {"tableName": "Dogs"},
    ///                     "responses": [{"result": {"id": "d1"}}]}}
    ///   ]}
    /// }
    /// ```
    ///
    /// | key | meaning |
    /// | --- | --- |
    /// | `kind` | `UNIT` (default) or `PIPELINE` |
    /// | `typeName`, `fieldName` | the field resolved: they fill `$ctx.info` where the context leaves it out, and each error's `path` |
    /// | `requestMappingTemplate`, `responseMappingTemplate` | the template, inline, or `file://path` relative to `base`; either may be absent (a unit resolver without a request template sends the whole context, as a direct Lambda resolver) |
    /// | `dataSource` | a unit resolver's data source |
    /// | `pipelineConfig.functions` | a pipeline's functions, in order (at most [`MAX_PIPELINE_FUNCTIONS`](crate::resolver::MAX_PIPELINE_FUNCTIONS)): `name`, the two templates, `dataSource` |
    ///
    /// A data source has a `type` (`NONE`, `AMAZON_DYNAMODB`, `AWS_LAMBDA`, `HTTP`, or any
    /// other AppSync type), the configuration AppSync's `CreateDataSource` takes
    /// (`dynamodbConfig`...), and `responses`: the answers it gives, in order, each
    /// `{"result": ...}` or `{"error": {"message", "type"}, "result": ...}`. A `NONE` data
    /// source needs none (it returns the request's `payload`); another type without
    /// `responses` needs a [`DataSourceFactory`] ([`Resolver::from_config_with`]).
    pub fn from_config(config: &J, base: &Path, engine: &Engine) -> Result<Resolver> {
        Resolver::from_config_with(config, base, engine, &CannedOnly)
    }

    /// Like [`Resolver::from_config`], with a factory for data sources that are not canned.
    pub fn from_config_with(
        config: &J,
        base: &Path,
        engine: &Engine,
        sources: &dyn DataSourceFactory,
    ) -> Result<Resolver> {
        let request = template(config, "requestMappingTemplate", base, engine)?;
        let response = template(config, "responseMappingTemplate", base, engine)?;
        match config.get("kind").and_then(J::as_str).unwrap_or("UNIT") {
            "UNIT" => {
                let ds = data_source(config.get("dataSource").unwrap_or(&J::Null), sources)?;
                Ok(Resolver::unit(request, response, ds))
            }
            "PIPELINE" => {
                let functions = config
                    .pointer("/pipelineConfig/functions")
                    .and_then(J::as_array)
                    .ok_or_else(|| {
                        config_error("a PIPELINE resolver needs pipelineConfig.functions")
                    })?;
                let mut out = Vec::with_capacity(functions.len());
                for (i, f) in functions.iter().enumerate() {
                    out.push(PipelineFunction {
                        name: f
                            .get("name")
                            .and_then(J::as_str)
                            .map_or_else(|| format!("function{}", i + 1), str::to_string),
                        request: template(f, "requestMappingTemplate", base, engine)?,
                        response: template(f, "responseMappingTemplate", base, engine)?,
                        data_source: data_source(f.get("dataSource").unwrap_or(&J::Null), sources)?,
                    });
                }
                Resolver::pipeline(request, out, response)
            }
            other => Err(config_error(format!(
                "unknown resolver kind `{other}` (UNIT or PIPELINE)"
            ))),
        }
    }
}

fn template(config: &J, key: &str, base: &Path, engine: &Engine) -> Result<Option<Template>> {
    let Some(text) = config.get(key).and_then(J::as_str) else {
        return Ok(None);
    };
    let (name, source) = match text.strip_prefix("file://") {
        Some(rel) => {
            let path = base.join(rel);
            let source = std::fs::read_to_string(&path)
                .map_err(|e| config_error(format!("{key}: {}: {e}", path.display())))?;
            (path.display().to_string(), source)
        }
        None => (key.to_string(), text.to_string()),
    };
    engine.compile(&name, &source).map(Some)
}

fn kind_of(t: &str) -> DataSourceKind {
    match t {
        "AMAZON_DYNAMODB" => DataSourceKind::AmazonDynamoDb,
        "AWS_LAMBDA" => DataSourceKind::AwsLambda,
        "HTTP" => DataSourceKind::Http,
        _ => DataSourceKind::None,
    }
}

fn data_source(config: &J, sources: &dyn DataSourceFactory) -> Result<Arc<dyn DataSource>> {
    let t = config.get("type").and_then(J::as_str).unwrap_or("NONE");
    if let Some(responses) = config.get("responses") {
        let responses = responses
            .as_array()
            .ok_or_else(|| config_error("dataSource.responses must be a list"))?
            .iter()
            .map(|r| match r.get("error") {
                Some(e) => Err(DataSourceError {
                    message: e
                        .get("message")
                        .and_then(J::as_str)
                        .unwrap_or("")
                        .to_string(),
                    error_type: e.get("type").and_then(J::as_str).unwrap_or("").to_string(),
                    result: r.get("result").cloned(),
                }),
                None => Ok(r.get("result").cloned().unwrap_or(J::Null)),
            });
        return Ok(Arc::new(CannedDataSource::new(kind_of(t), responses)));
    }
    if let Some(ds) = sources.data_source(config) {
        return Ok(ds);
    }
    match t {
        "NONE" => Ok(Arc::new(NoneDataSource)),
        other => Err(config_error(format!(
            "data source type {other} needs canned `responses` here (or a real data source: the `dynamodb` feature runs AMAZON_DYNAMODB ones)"
        ))),
    }
}
