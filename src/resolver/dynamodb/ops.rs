//! The operations of AppSync's DynamoDB request documents, executed with the SDK, and their
//! answers as AppSync gives them to response templates
//! (`resolver-mapping-template-reference-dynamodb-<operation>` pages of the guide).

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, DeleteRequest, Get, KeysAndAttributes, Put, PutRequest, ReturnValue,
    Select, TransactGetItem, TransactWriteItem, Update, WriteRequest,
};
use serde_json::{Value as J, json};

use super::request_error;
use super::token;
use super::values::{Item, names, plain_from_typed, plain_item, typed_map};
use crate::resolver::data_source::{DataSourceError, DataSourceResult};

/// Runs one request document against `table`.
pub(crate) async fn execute(client: &Client, table: &str, request: &J) -> DataSourceResult {
    let operation = request.get("operation").and_then(J::as_str).unwrap_or("");
    match operation {
        "GetItem" => get_item(client, table, request).await,
        "PutItem" => put_item(client, table, request).await,
        "UpdateItem" => update_item(client, table, request).await,
        "DeleteItem" => delete_item(client, table, request).await,
        "Query" => query(client, table, request, false).await,
        "Scan" => query(client, table, request, true).await,
        "BatchGetItem" => batch_get(client, request).await,
        "BatchPutItem" => batch_write(client, request, true).await,
        "BatchDeleteItem" => batch_write(client, request, false).await,
        "TransactGetItems" => transact_get(client, request).await,
        "TransactWriteItems" => transact_write(client, request).await,
        other => Err(request_error(format!(
            "Unsupported operation '{other}' for an AMAZON_DYNAMODB data source."
        ))),
    }
}

/// A DynamoDB error as `$ctx.error`: type `DynamoDB:<exception>`, DynamoDB's message. An
/// error with no exception (the endpoint unreachable, a timeout) is `DynamoDB:InternalServerError`
/// with the chain of causes as its message ("dispatch failure: io error: ... Connection
/// refused").
pub(super) fn service_error<E: ProvideErrorMetadata + std::error::Error>(e: &E) -> DataSourceError {
    let code = e.code().unwrap_or("InternalServerError");
    let message = match e.message() {
        Some(m) => m.to_string(),
        None => {
            let mut message = e.to_string();
            let mut cause = e.source();
            while let Some(c) = cause {
                message.push_str(": ");
                message.push_str(&c.to_string());
                cause = c.source();
            }
            message
        }
    };
    DataSourceError::new(message, format!("DynamoDB:{code}"))
}

/// An expression section (`condition`, `filter`, `query`, `update`, `projection`): its text,
/// and its names and values added to the request's shared maps.
#[derive(Default)]
struct Expressions {
    names: HashMap<String, String>,
    values: Item,
}

impl Expressions {
    fn section(&mut self, request: &J, field: &str) -> Result<Option<String>, DataSourceError> {
        let Some(section) = request.get(field).filter(|s| !s.is_null()) else {
            return Ok(None);
        };
        let path = format!("$[{field}]");
        let Some(expression) = section.get("expression").and_then(J::as_str) else {
            return Err(request_error(format!(
                "Value for field '{path}[expression]' not found."
            )));
        };
        if let Some(n) = section.get("expressionNames").filter(|n| !n.is_null()) {
            self.names
                .extend(names(n, &format!("{path}[expressionNames]")).map_err(request_error)?);
        }
        if let Some(v) = section.get("expressionValues").filter(|v| !v.is_null()) {
            self.values
                .extend(typed_map(v, &format!("{path}[expressionValues]")).map_err(request_error)?);
        }
        Ok(Some(expression.to_string()))
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<Item> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

fn key_of(request: &J, field: &str) -> Result<Item, DataSourceError> {
    match request.get(field) {
        Some(k) => typed_map(k, &format!("$[{field}]")).map_err(request_error),
        None => Err(request_error(format!(
            "Value for field '$[{field}]' not found."
        ))),
    }
}

fn flag(request: &J, field: &str) -> Option<bool> {
    request.get(field).and_then(J::as_bool)
}

async fn get_item(client: &Client, table: &str, request: &J) -> DataSourceResult {
    let key = key_of(request, "key")?;
    let mut ex = Expressions::default();
    let projection = ex.section(request, "projection")?;
    let out = client
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .set_consistent_read(flag(request, "consistentRead"))
        .set_projection_expression(projection)
        .set_expression_attribute_names(ex.names())
        .send()
        .await
        .map_err(|e| service_error(&e))?;
    Ok(out.item().map_or(J::Null, plain_item))
}

/// What AppSync does when a condition fails (condition-expressions page): it reads the
/// current item (strongly consistent unless the condition says `"consistentRead": false`); if that already is what the operation wanted (ignoring
/// `equalsIgnore` attributes), the operation counts as a success with that item; otherwise
/// the error is `DynamoDB:ConditionalCheckFailedException` with the current item as
/// `$ctx.result`.
async fn on_condition_failure(
    client: &Client,
    table: &str,
    request: &J,
    key: Item,
    wanted: Option<&Item>,
    error: DataSourceError,
) -> DataSourceResult {
    let current = current_item(client, table, request, key).await?;
    let current = current.as_ref();
    let ignore: Vec<&str> = request
        .pointer("/condition/equalsIgnore")
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(J::as_str).collect())
        .unwrap_or_default();
    let same = match (current, wanted) {
        (None, None) => true,
        (Some(cur), Some(want)) => {
            let strip = |m: &Item| -> Item {
                m.iter()
                    .filter(|(k, _)| !ignore.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            strip(cur) == strip(want)
        }
        _ => false,
    };
    if same {
        return Ok(current.map_or(J::Null, plain_item));
    }
    Err(DataSourceError {
        result: Some(current.map_or(J::Null, plain_item)),
        ..error
    })
}

/// The item at `key` after a failed condition, read strongly consistent unless the
/// condition says `"consistentRead": false`.
async fn current_item(
    client: &Client,
    table: &str,
    request: &J,
    key: Item,
) -> Result<Option<Item>, DataSourceError> {
    let out = client
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(
            request
                .pointer("/condition/consistentRead")
                .and_then(J::as_bool)
                .unwrap_or(true),
        )
        .send()
        .await
        .map_err(|e| service_error(&e))?;
    Ok(out.item)
}

fn is_condition_failure<E: ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

async fn put_item(client: &Client, table: &str, request: &J) -> DataSourceResult {
    let key = key_of(request, "key")?;
    let mut item = match request.get("attributeValues").filter(|v| !v.is_null()) {
        Some(v) => typed_map(v, "$[attributeValues]").map_err(request_error)?,
        None => Item::new(),
    };
    item.extend(key.clone());
    let mut ex = Expressions::default();
    let condition = ex.section(request, "condition")?;
    let sent = client
        .put_item()
        .table_name(table)
        .set_item(Some(item.clone()))
        .set_condition_expression(condition)
        .set_expression_attribute_names(ex.names())
        .set_expression_attribute_values(ex.values())
        .send()
        .await;
    match sent {
        Ok(_) => Ok(plain_item(&item)),
        Err(e) if is_condition_failure(&e) => {
            on_condition_failure(client, table, request, key, Some(&item), service_error(&e)).await
        }
        Err(e) => Err(service_error(&e)),
    }
}

async fn update_item(client: &Client, table: &str, request: &J) -> DataSourceResult {
    let key = key_of(request, "key")?;
    let mut ex = Expressions::default();
    let update = ex.section(request, "update")?;
    let condition = ex.section(request, "condition")?;
    let sent = client
        .update_item()
        .table_name(table)
        .set_key(Some(key.clone()))
        .set_update_expression(update)
        .set_condition_expression(condition)
        .set_expression_attribute_names(ex.names())
        .set_expression_attribute_values(ex.values())
        .return_values(ReturnValue::AllNew)
        .send()
        .await;
    match sent {
        Ok(out) => Ok(out.attributes().map_or(J::Null, plain_item)),
        // What an update wants cannot be known without evaluating its expression: a failed
        // condition is an error with the current item.
        Err(e) if is_condition_failure(&e) => {
            let current = current_item(client, table, request, key).await?;
            Err(DataSourceError {
                result: Some(current.as_ref().map_or(J::Null, plain_item)),
                ..service_error(&e)
            })
        }
        Err(e) => Err(service_error(&e)),
    }
}

async fn delete_item(client: &Client, table: &str, request: &J) -> DataSourceResult {
    let key = key_of(request, "key")?;
    let mut ex = Expressions::default();
    let condition = ex.section(request, "condition")?;
    let sent = client
        .delete_item()
        .table_name(table)
        .set_key(Some(key.clone()))
        .set_condition_expression(condition)
        .set_expression_attribute_names(ex.names())
        .set_expression_attribute_values(ex.values())
        .return_values(ReturnValue::AllOld)
        .send()
        .await;
    match sent {
        Ok(out) => Ok(out.attributes().map_or(J::Null, plain_item)),
        Err(e) if is_condition_failure(&e) => {
            on_condition_failure(client, table, request, key, None, service_error(&e)).await
        }
        Err(e) => Err(service_error(&e)),
    }
}

/// Query, or Scan: `{items, nextToken, scannedCount}`.
async fn query(client: &Client, table: &str, request: &J, scan: bool) -> DataSourceResult {
    let index = request.get("index").and_then(J::as_str);
    let mut ex = Expressions::default();
    let key_condition = if scan {
        None
    } else {
        ex.section(request, "query")?
    };
    let filter = ex.section(request, "filter")?;
    let projection = ex.section(request, "projection")?;
    let start = match request.get("nextToken").and_then(J::as_str) {
        Some(t) if !t.is_empty() => Some(
            token::decode(t, table, index)
                .map_err(|m| DataSourceError::new(m, "DynamoDB:ValidationException"))?,
        ),
        _ => None,
    };
    let limit = request
        .get("limit")
        .and_then(J::as_i64)
        .map(|l| i32::try_from(l).unwrap_or(i32::MAX));
    let select = request.get("select").and_then(J::as_str).map(Select::from);
    let (items, last, scanned) = if scan {
        let segment = request.get("segment").and_then(J::as_i64);
        let total = request.get("totalSegments").and_then(J::as_i64);
        if segment.is_some() != total.is_some() {
            return Err(request_error(
                "segment and totalSegments must be given together.".to_string(),
            ));
        }
        let out = client
            .scan()
            .table_name(table)
            .set_index_name(index.map(str::to_string))
            .set_filter_expression(filter)
            .set_projection_expression(projection)
            .set_expression_attribute_names(ex.names())
            .set_expression_attribute_values(ex.values())
            .set_exclusive_start_key(start)
            .set_limit(limit)
            .set_select(select)
            .set_consistent_read(flag(request, "consistentRead"))
            .set_segment(segment.map(|s| s as i32))
            .set_total_segments(total.map(|t| t as i32))
            .send()
            .await
            .map_err(|e| service_error(&e))?;
        (
            out.items().iter().map(plain_item).collect::<Vec<_>>(),
            out.last_evaluated_key().cloned(),
            out.scanned_count(),
        )
    } else {
        let out = client
            .query()
            .table_name(table)
            .set_index_name(index.map(str::to_string))
            .set_key_condition_expression(key_condition)
            .set_filter_expression(filter)
            .set_projection_expression(projection)
            .set_expression_attribute_names(ex.names())
            .set_expression_attribute_values(ex.values())
            .set_exclusive_start_key(start)
            .set_limit(limit)
            .set_select(select)
            .set_consistent_read(flag(request, "consistentRead"))
            .set_scan_index_forward(flag(request, "scanIndexForward"))
            .send()
            .await
            .map_err(|e| service_error(&e))?;
        (
            out.items().iter().map(plain_item).collect::<Vec<_>>(),
            out.last_evaluated_key().cloned(),
            out.scanned_count(),
        )
    };
    let next = last
        .filter(|k| !k.is_empty())
        .map(|k| J::String(token::encode(table, index, &k)));
    Ok(json!({"items": items, "nextToken": next.unwrap_or(J::Null), "scannedCount": scanned}))
}

fn tables(request: &J) -> Result<&serde_json::Map<String, J>, DataSourceError> {
    request
        .get("tables")
        .and_then(J::as_object)
        .ok_or_else(|| request_error("Value for field '$[tables]' not found.".to_string()))
}

/// BatchGetItem: `{data: {table: [item or null, in the order of the keys]}, unprocessedKeys:
/// {table: [key...]}}`.
async fn batch_get(client: &Client, request: &J) -> DataSourceResult {
    let mut asked: Vec<(String, Vec<Item>)> = Vec::new();
    let mut items = HashMap::new();
    for (table, spec) in tables(request)? {
        let path = format!("$[tables][{table}]");
        let keys = spec
            .get("keys")
            .and_then(J::as_array)
            .ok_or_else(|| request_error(format!("Value for field '{path}[keys]' not found.")))?
            .iter()
            .enumerate()
            .map(|(i, k)| typed_map(k, &format!("{path}[keys][{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map_err(request_error)?;
        let mut ex = Expressions::default();
        let projection = ex.section(spec, "projection")?;
        let ka = KeysAndAttributes::builder()
            .set_keys(Some(keys.clone()))
            .set_consistent_read(flag(spec, "consistentRead"))
            .set_projection_expression(projection)
            .set_expression_attribute_names(ex.names())
            .build()
            .map_err(|e| request_error(e.to_string()))?;
        items.insert(table.clone(), ka);
        asked.push((table.clone(), keys));
    }
    let out = client
        .batch_get_item()
        .set_request_items(Some(items))
        .send()
        .await
        .map_err(|e| service_error(&e))?;
    let mut data = serde_json::Map::new();
    let mut unprocessed = serde_json::Map::new();
    for (table, keys) in &asked {
        let found = out.responses().and_then(|r| r.get(table));
        let left = out
            .unprocessed_keys()
            .and_then(|u| u.get(table))
            .map(|ka| ka.keys().to_vec())
            .unwrap_or_default();
        let row: Vec<J> = keys
            .iter()
            .map(|key| {
                found
                    .and_then(|items| {
                        items
                            .iter()
                            .find(|item| key.iter().all(|(k, v)| item.get(k) == Some(v)))
                    })
                    .map_or(J::Null, plain_item)
            })
            .collect();
        data.insert(table.clone(), J::Array(row));
        unprocessed.insert(
            table.clone(),
            J::Array(left.iter().map(plain_item).collect()),
        );
    }
    Ok(json!({"data": data, "unprocessedKeys": unprocessed}))
}

/// BatchPutItem / BatchDeleteItem: `{data: {table: [item or key...]}, unprocessedItems or
/// unprocessedKeys: {table: [...]}}`.
async fn batch_write(client: &Client, request: &J, put: bool) -> DataSourceResult {
    let mut writes = HashMap::new();
    let mut asked: Vec<(String, Vec<Item>)> = Vec::new();
    for (table, list) in tables(request)? {
        let path = format!("$[tables][{table}]");
        let entries = list
            .as_array()
            .ok_or_else(|| request_error(format!("Unable to convert {list} to List at {path}.")))?
            .iter()
            .enumerate()
            .map(|(i, e)| typed_map(e, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map_err(request_error)?;
        let mut requests = Vec::with_capacity(entries.len());
        for entry in &entries {
            let write = if put {
                let r = PutRequest::builder()
                    .set_item(Some(entry.clone()))
                    .build()
                    .map_err(|e| request_error(e.to_string()))?;
                WriteRequest::builder().put_request(r).build()
            } else {
                let r = DeleteRequest::builder()
                    .set_key(Some(entry.clone()))
                    .build()
                    .map_err(|e| request_error(e.to_string()))?;
                WriteRequest::builder().delete_request(r).build()
            };
            requests.push(write);
        }
        writes.insert(table.clone(), requests);
        asked.push((table.clone(), entries));
    }
    let out = client
        .batch_write_item()
        .set_request_items(Some(writes))
        .send()
        .await
        .map_err(|e| service_error(&e))?;
    let mut data = serde_json::Map::new();
    let mut unprocessed = serde_json::Map::new();
    for (table, entries) in &asked {
        let left: Vec<Item> = out
            .unprocessed_items()
            .and_then(|u| u.get(table))
            .map(|reqs| {
                reqs.iter()
                    .filter_map(|w| {
                        if put {
                            w.put_request().map(|p| p.item().clone())
                        } else {
                            w.delete_request().map(|d| d.key().clone())
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let row: Vec<J> = entries
            .iter()
            .map(|e| {
                if left.contains(e) {
                    J::Null
                } else {
                    plain_item(e)
                }
            })
            .collect();
        data.insert(table.clone(), J::Array(row));
        unprocessed.insert(
            table.clone(),
            J::Array(left.iter().map(plain_item).collect()),
        );
    }
    let unprocessed_field = if put {
        "unprocessedItems"
    } else {
        "unprocessedKeys"
    };
    Ok(json!({"data": data, unprocessed_field: unprocessed}))
}

fn transact_items(request: &J) -> Result<&Vec<J>, DataSourceError> {
    request
        .get("transactItems")
        .and_then(J::as_array)
        .ok_or_else(|| request_error("Value for field '$[transactItems]' not found.".to_string()))
}

fn table_of(item: &J, i: usize) -> Result<String, DataSourceError> {
    item.get("table")
        .and_then(J::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            request_error(format!(
                "Value for field '$[transactItems][{i}][table]' not found."
            ))
        })
}

/// `cancellationReasons` as AppSync gives them: `[{type, message}]`, with the item when
/// DynamoDB returned it.
fn reasons(reasons: &[aws_sdk_dynamodb::types::CancellationReason]) -> J {
    J::Array(
        reasons
            .iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                if let Some(item) = r.item() {
                    o.insert("item".into(), plain_item(item));
                }
                o.insert("type".into(), J::from(r.code().unwrap_or("None")));
                o.insert("message".into(), r.message().map_or(J::Null, J::from));
                J::Object(o)
            })
            .collect(),
    )
}

/// TransactGetItems: `{items: [item or null...], cancellationReasons: null}`.
async fn transact_get(client: &Client, request: &J) -> DataSourceResult {
    let mut gets = Vec::new();
    for (i, item) in transact_items(request)?.iter().enumerate() {
        let table = table_of(item, i)?;
        let key = key_of(item, "key")?;
        let mut ex = Expressions::default();
        let projection = ex.section(item, "projection")?;
        let get = Get::builder()
            .table_name(table)
            .set_key(Some(key))
            .set_projection_expression(projection)
            .set_expression_attribute_names(ex.names())
            .build()
            .map_err(|e| request_error(e.to_string()))?;
        gets.push(TransactGetItem::builder().get(get).build());
    }
    match client
        .transact_get_items()
        .set_transact_items(Some(gets))
        .send()
        .await
    {
        Ok(out) => Ok(json!({
            "items": out.responses().iter().map(|r| r.item().map_or(J::Null, plain_item)).collect::<Vec<_>>(),
            "cancellationReasons": null,
        })),
        Err(e) => {
            let canceled = e
                .as_service_error()
                .and_then(|s| match s {
                    aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsError::TransactionCanceledException(c) => {
                        Some(reasons(c.cancellation_reasons()))
                    }
                    _ => None,
                });
            Err(DataSourceError {
                result: canceled.map(|r| json!({"items": null, "cancellationReasons": r})),
                ..service_error(&e)
            })
        }
    }
}

/// TransactWriteItems: `{keys: [key...], cancellationReasons: null}`; on cancellation the
/// error with `{keys: null, cancellationReasons: [...]}` as `$ctx.result`.
async fn transact_write(client: &Client, request: &J) -> DataSourceResult {
    let mut writes = Vec::new();
    let mut keys = Vec::new();
    let build_err = |e: aws_sdk_dynamodb::error::BuildError| request_error(e.to_string());
    for (i, item) in transact_items(request)?.iter().enumerate() {
        let table = table_of(item, i)?;
        let key = key_of(item, "key")?;
        let mut ex = Expressions::default();
        let condition = ex.section(item, "condition")?;
        let on_fail = item
            .pointer("/condition/returnValuesOnConditionCheckFailure")
            .and_then(J::as_bool)
            .unwrap_or(true)
            .then_some(aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld);
        let op = item.get("operation").and_then(J::as_str).unwrap_or("");
        let write = match op {
            "PutItem" => {
                let mut values = match item.get("attributeValues").filter(|v| !v.is_null()) {
                    Some(v) => typed_map(v, &format!("$[transactItems][{i}][attributeValues]"))
                        .map_err(request_error)?,
                    None => Item::new(),
                };
                values.extend(key.clone());
                let put = Put::builder()
                    .table_name(table)
                    .set_item(Some(values))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(ex.names())
                    .set_expression_attribute_values(ex.values())
                    .set_return_values_on_condition_check_failure(on_fail)
                    .build()
                    .map_err(build_err)?;
                TransactWriteItem::builder().put(put).build()
            }
            "UpdateItem" => {
                let update_expr = ex.section(item, "update")?.ok_or_else(|| {
                    request_error(format!(
                        "Value for field '$[transactItems][{i}][update]' not found."
                    ))
                })?;
                let update = Update::builder()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .update_expression(update_expr)
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(ex.names())
                    .set_expression_attribute_values(ex.values())
                    .set_return_values_on_condition_check_failure(on_fail)
                    .build()
                    .map_err(build_err)?;
                TransactWriteItem::builder().update(update).build()
            }
            "DeleteItem" => {
                let delete = Delete::builder()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(ex.names())
                    .set_expression_attribute_values(ex.values())
                    .set_return_values_on_condition_check_failure(on_fail)
                    .build()
                    .map_err(build_err)?;
                TransactWriteItem::builder().delete(delete).build()
            }
            "ConditionCheck" => {
                let condition = condition.ok_or_else(|| {
                    request_error(format!(
                        "Value for field '$[transactItems][{i}][condition]' not found."
                    ))
                })?;
                let check = ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .condition_expression(condition)
                    .set_expression_attribute_names(ex.names())
                    .set_expression_attribute_values(ex.values())
                    .set_return_values_on_condition_check_failure(on_fail)
                    .build()
                    .map_err(build_err)?;
                TransactWriteItem::builder().condition_check(check).build()
            }
            other => {
                return Err(request_error(format!(
                    "Unsupported operation '{other}' at $[transactItems][{i}] (PutItem, UpdateItem, DeleteItem or ConditionCheck)."
                )));
            }
        };
        writes.push(write);
        keys.push(plain_from_typed(item.get("key").unwrap_or(&J::Null)));
    }
    match client
        .transact_write_items()
        .set_transact_items(Some(writes))
        .send()
        .await
    {
        Ok(_) => Ok(json!({"keys": keys, "cancellationReasons": null})),
        Err(e) => {
            let canceled = e
                .as_service_error()
                .and_then(|s| match s {
                    aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) => {
                        Some(reasons(c.cancellation_reasons()))
                    }
                    _ => None,
                });
            Err(DataSourceError {
                result: canceled.map(|r| json!({"keys": null, "cancellationReasons": r})),
                ..service_error(&e)
            })
        }
    }
}
