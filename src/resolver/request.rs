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
/// use appsync_vtl::resolver::{validate_request, DataSourceKind};
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
    if kind == DataSourceKind::AmazonDynamoDb {
        check_dynamodb(fields)
            .map_err(|message| Error::new(ErrorKind::MappingTemplate { message }))?;
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

/// The fields each DynamoDB operation requires (the per-operation pages of the guide), and
/// the operations only version `2018-05-29` has.
fn check_dynamodb(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> std::result::Result<(), String> {
    let operation = fields
        .get("operation")
        .and_then(|o| o.as_str())
        .unwrap_or("");
    let (required, needs_2018): (&[&str], bool) = match operation {
        "GetItem" | "PutItem" | "DeleteItem" => (&["version", "key"], false),
        "UpdateItem" => (&["version", "key", "update"], false),
        "Query" => (&["version", "query"], false),
        "Scan" => (&["version"], false),
        "Sync" => (&["version"], true),
        "BatchGetItem" | "BatchPutItem" | "BatchDeleteItem" => (&["version", "tables"], true),
        "TransactGetItems" | "TransactWriteItems" => (&["version", "transactItems"], true),
        // The message AppSync gives for an operation it does not know is not documented; this
        // one names the operations it has.
        other => {
            return Err(format!(
                "Unsupported operation '{other}'. Expected one of GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, Sync, BatchGetItem, BatchPutItem, BatchDeleteItem, TransactGetItems, TransactWriteItems."
            ));
        }
    };
    if let Some(missing) = required.iter().find(|f| !fields.contains_key(**f)) {
        return Err(format!("Value for field '$[{missing}]' not found."));
    }
    for (section, field) in [("update", "expression"), ("query", "expression")] {
        if required.contains(&section) && fields.get(section).and_then(|s| s.get(field)).is_none() {
            return Err(format!(
                "Value for field '$[{section}][{field}]' not found."
            ));
        }
    }
    let version = fields.get("version").and_then(|v| v.as_str()).unwrap_or("");
    if needs_2018 && version != "2018-05-29" {
        // Inferred wording: the guide says these operations need version 2018-05-29.
        return Err(format!(
            "Operation '{operation}' requires version '2018-05-29', not '{version}'."
        ));
    }
    Ok(())
}
