//! Data-source request documents: the checks AppSync makes before calling the data source.

use crate::error::{Error, ErrorKind, Result};

/// The kinds of data source a resolver can call (AppSync's `CreateDataSource` types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataSourceKind {
    /// `NONE`: the request's `payload` is the result.
    None,
    /// `AMAZON_DYNAMODB`
    AmazonDynamoDb,
    /// `AWS_LAMBDA`
    AwsLambda,
    /// `HTTP`
    Http,
}

/// Checks a rendered request document for `kind`, with AppSync's messages
/// (errorType `MappingTemplate`).
///
/// ```
/// use appsync_vtl::{validate_request, DataSourceKind};
/// let request = serde_json::json!({"version": "2017-02-28", "key": {"id": {"S": "1"}}});
/// let err = validate_request(DataSourceKind::AmazonDynamoDb, &request).unwrap_err();
/// assert_eq!(err.appsync_error().message, "Value for field '$[operation]' not found.");
/// ```
pub fn validate_request(kind: DataSourceKind, request: &serde_json::Value) -> Result<()> {
    let fail = |message: String| Err(Error::new(ErrorKind::MappingTemplate { message }));
    let Some(fields) = request.as_object() else {
        return fail(format!("Unable to convert {request} to Object."));
    };
    let needs_operation = matches!(
        kind,
        DataSourceKind::AmazonDynamoDb | DataSourceKind::AwsLambda
    );
    if needs_operation && !fields.get("operation").is_some_and(|o| o.is_string()) {
        // The documented message (troubleshooting page), JSONPath of the missing field.
        return fail("Value for field '$[operation]' not found.".to_string());
    }
    if kind == DataSourceKind::Http {
        for field in ["method", "resourcePath"] {
            if !fields.contains_key(field) {
                return fail(format!("Value for field '$[{field}]' not found."));
            }
        }
    }
    Ok(())
}
