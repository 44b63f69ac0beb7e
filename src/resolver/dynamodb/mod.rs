//! A real DynamoDB data source (feature `dynamodb`): the request document a template
//! rendered is executed with the AWS SDK against the endpoint the AWS environment names
//! (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL`, `AWS_REGION`, the usual credential
//! chain), so the same code talks to DynamoDB or to a local DynamoDB-compatible server. The
//! answer is mapped to `$ctx.result` / `$ctx.error` as AppSync documents per operation.
//!
//! ```no_run
//! use appsync_vtl::DataSource;
//! use appsync_vtl::resolver::DynamoDbDataSource;
//! let dogs = DynamoDbDataSource::new("Dogs", None).unwrap();
//! let answer = dogs.invoke(&serde_json::json!({
//!     "version": "2017-02-28", "operation": "GetItem", "key": {"id": {"S": "d1"}}
//! }));
//! # let _ = answer;
//! ```

mod ops;
mod token;
mod values;

use std::sync::Arc;

use serde_json::Value as J;

use super::config::DataSourceFactory;
use super::data_source::{BoxFuture, DataSource, DataSourceError, DataSourceResult};
use super::request::DataSourceKind;

/// An `AMAZON_DYNAMODB` data source for one table.
pub struct DynamoDbDataSource {
    table: String,
    client: aws_sdk_dynamodb::Client,
    /// (An `Option` only so that `Drop` can take it: always `Some` before.)
    runtime: Option<tokio::runtime::Runtime>,
    /// Whether the environment or the data source named a region (requests cannot be
    /// signed without one).
    has_region: bool,
}

impl std::fmt::Debug for DynamoDbDataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoDbDataSource")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

impl DynamoDbDataSource {
    /// A data source for `table`, configured from the AWS environment; `region` (the data
    /// source's `awsRegion`) overrides the environment's region.
    pub fn new(table: &str, region: Option<&str>) -> std::io::Result<DynamoDbDataSource> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let mut loader = aws_config::from_env();
        if let Some(region) = region {
            loader = loader.region(aws_config::Region::new(region.to_string()));
        }
        // (Inside a caller's async runtime, blocking its thread panics: as `block_on`.)
        let config = if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| {
                s.spawn(|| runtime.block_on(loader.load()))
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
        } else {
            runtime.block_on(loader.load())
        };
        Ok(DynamoDbDataSource {
            table: table.to_string(),
            client: aws_sdk_dynamodb::Client::new(&config),
            runtime: Some(runtime),
            has_region: config.region().is_some(),
        })
    }

    /// The SDK client, for anything else (administration, test set-up).
    pub fn client(&self) -> &aws_sdk_dynamodb::Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Creates the table if it does not exist (on-demand billing), with string key
    /// attributes: `hash_key`, an optional `range_key`, and global secondary indexes given
    /// as `(name, hash_key, range_key)` projecting all attributes. For examples and tests;
    /// real tables are better made by infrastructure code.
    pub fn ensure_table(
        &self,
        hash_key: &str,
        range_key: Option<&str>,
        indexes: &[(&str, &str, Option<&str>)],
    ) -> Result<(), DataSourceError> {
        use aws_sdk_dynamodb::types::{
            AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
            Projection, ProjectionType, ScalarAttributeType,
        };
        let err = |e: aws_sdk_dynamodb::error::BuildError| {
            DataSourceError::new(e.to_string(), "DynamoDB:ValidationException")
        };
        let schema =
            |hash: &str, range: Option<&str>| -> Result<Vec<KeySchemaElement>, DataSourceError> {
                let mut out = vec![
                    KeySchemaElement::builder()
                        .attribute_name(hash)
                        .key_type(KeyType::Hash)
                        .build()
                        .map_err(err)?,
                ];
                if let Some(r) = range {
                    out.push(
                        KeySchemaElement::builder()
                            .attribute_name(r)
                            .key_type(KeyType::Range)
                            .build()
                            .map_err(err)?,
                    );
                }
                Ok(out)
            };
        let mut attributes: Vec<&str> = vec![hash_key];
        attributes.extend(range_key);
        for (_, h, r) in indexes {
            attributes.push(h);
            attributes.extend(*r);
        }
        attributes.sort_unstable();
        attributes.dedup();
        let mut create = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(schema(hash_key, range_key)?));
        for a in attributes {
            create = create.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(a)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(err)?,
            );
        }
        for (name, h, r) in indexes {
            create = create.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(*name)
                    .set_key_schema(Some(schema(h, *r)?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(err)?,
            );
        }
        let client = &self.client;
        let table = &self.table;
        self.block_on(async move {
            if client
                .describe_table()
                .table_name(table)
                .send()
                .await
                .is_ok()
            {
                return Ok(());
            }
            create
                .send()
                .await
                .map(|_| ())
                .map_err(|e| ops::service_error(&e))
        })
    }

    /// Runs `fut` to completion. Inside an async runtime (a caller's tokio), blocking that
    /// runtime's thread is not allowed, so the call runs on a thread of its own.
    fn block_on<T: Send, F>(&self, fut: F) -> Result<T, DataSourceError>
    where
        F: std::future::Future<Output = Result<T, DataSourceError>> + Send,
    {
        let Some(runtime) = &self.runtime else {
            // (Only `Drop` takes the runtime; nothing can call this after.)
            return Err(DataSourceError::new(
                "the DynamoDB data source has no runtime",
                "Internal",
            ));
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| {
                s.spawn(|| runtime.block_on(fut))
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
        } else {
            runtime.block_on(fut)
        }
    }
}

impl Drop for DynamoDbDataSource {
    fn drop(&mut self) {
        // Dropping a runtime inside a caller's async runtime panics; shutting it down in
        // the background does not.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl DataSource for DynamoDbDataSource {
    fn invoke(&self, request: &J) -> DataSourceResult {
        if !self.has_region {
            return Err(DataSourceError::new(
                "No AWS region for the DynamoDB data source: set AWS_REGION, or awsRegion in the data source's dynamodbConfig.",
                "Configuration",
            ));
        }
        self.block_on(ops::execute(&self.client, &self.table, request))
    }

    fn invoke_async<'a>(&'a self, request: &'a J) -> BoxFuture<'a, DataSourceResult> {
        if !self.has_region {
            return Box::pin(std::future::ready(self.invoke(request)));
        }
        // In the caller's runtime: nothing blocks, and the client's connections live there.
        Box::pin(ops::execute(&self.client, &self.table, request))
    }

    fn kind(&self) -> DataSourceKind {
        DataSourceKind::AmazonDynamoDb
    }
}

/// Makes DynamoDB data sources for resolver files: a `dataSource` of type `AMAZON_DYNAMODB`
/// without canned `responses` becomes a [`DynamoDbDataSource`] for its
/// `dynamodbConfig.tableName` (and `awsRegion`).
#[derive(Debug, Default, Clone, Copy)]
pub struct DynamoDbFactory;

impl DataSourceFactory for DynamoDbFactory {
    fn data_source(&self, config: &J) -> Option<Arc<dyn DataSource>> {
        if config.get("type").and_then(J::as_str) != Some("AMAZON_DYNAMODB") {
            return None;
        }
        let table = config.pointer("/dynamodbConfig/tableName")?.as_str()?;
        let region = config
            .pointer("/dynamodbConfig/awsRegion")
            .and_then(J::as_str);
        let source = DynamoDbDataSource::new(table, region).ok()?;
        Some(Arc::new(source))
    }
}

/// A request problem found while reading the document (AppSync's `MappingTemplate` kind).
fn request_error(message: String) -> DataSourceError {
    DataSourceError::new(message, "MappingTemplate")
}
