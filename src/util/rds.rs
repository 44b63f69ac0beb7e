//! `$util.rds`: RDS Data API results (`sqlStatementResults`) as records keyed by column name.

use std::sync::Arc;

use super::args::Args;
use super::json::to_json_string;
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::value::{List, Map, Value, from_json};

/// Dispatches `$util.rds.name(args)`.
pub(crate) fn call(name: &str, values: &[Value]) -> Outcome {
    Ok(match (name, values.len()) {
        ("toJsonObject" | "toJsonString", 1) => {
            let text = Args::new(name, "String", values).str(0)?;
            let statements = records(&text).map_err(|message| {
                Failure::from(ErrorKind::UtilArgument {
                    helper: format!("rds.{name}"),
                    message,
                })
            })?;
            if name == "toJsonString" {
                Value::Str(Arc::from(to_json_string(&statements)))
            } else {
                statements
            }
        }
        _ => Value::Null,
    })
}

/// One list of records per statement; mutation statements (no records) give an empty list.
fn records(text: &str) -> Result<Value, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("invalid RDS result: {e}"))?;
    let statements = json
        .get("sqlStatementResults")
        .and_then(|s| s.as_array())
        .ok_or("an RDS result has `sqlStatementResults`")?;
    let mut out = Vec::new();
    for statement in statements {
        let columns: Vec<String> = statement
            .get("columnMetadata")
            .and_then(|c| c.as_array())
            .map(|cols| {
                cols.iter()
                    .map(|c| {
                        c.get("name")
                            .or_else(|| c.get("label"))
                            .and_then(|n| n.as_str())
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut rows = Vec::new();
        for record in statement
            .get("records")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            let cells = record.as_array().ok_or("each record is a list of fields")?;
            let row = Map::with_capacity(cells.len());
            for (i, cell) in cells.iter().enumerate() {
                let key = columns.get(i).cloned().unwrap_or_else(|| i.to_string());
                row.insert(Value::str(&key), cell_value(cell));
            }
            rows.push(Value::Map(row));
        }
        out.push(Value::List(List::new(rows)));
    }
    Ok(Value::List(List::new(out)))
}

/// A Data API `Field`: `{"stringValue": ..}`, `{"longValue": ..}`, `{"isNull": true}`...
fn cell_value(cell: &serde_json::Value) -> Value {
    let Some(fields) = cell.as_object() else {
        return from_json(cell);
    };
    if fields.get("isNull").and_then(|b| b.as_bool()) == Some(true) {
        return Value::Null;
    }
    for key in [
        "stringValue",
        "longValue",
        "doubleValue",
        "booleanValue",
        "blobValue",
    ] {
        if let Some(v) = fields.get(key) {
            return from_json(v);
        }
    }
    if let Some(array) = fields.get("arrayValue").and_then(|a| a.as_object())
        && let Some((_, items)) = array.iter().next()
    {
        return from_json(items);
    }
    Value::Null
}
