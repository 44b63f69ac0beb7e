//! The floor: hand-written Rust that prints exactly what each workload's template renders,
//! reading the same in-memory `serde_json::Value` context. No engine can do less work; the
//! benchmark reports our render time against it. `benches/render.rs` checks at start-up that
//! each floor prints our output byte for byte.

use std::fmt::Write;

use serde_json::Value as J;

fn str_at<'a>(ctx: &'a J, pointer: &str) -> &'a str {
    ctx.pointer(pointer).and_then(J::as_str).unwrap_or("")
}

/// `create_dog.vtl`; `id` is what `$util.autoId()` gave.
pub fn create_dog(ctx: &J, id: &str) -> String {
    let mut out = String::with_capacity(512);
    out.push_str("\n{\n  \"version\": \"2017-02-28\",\n  \"operation\": \"PutItem\",\n  \"key\": {\n    \"id\": {\"S\":");
    out.push_str(&J::from(id).to_string());
    out.push_str("},\n  },\n  \"attributeValues\": {");
    let mut first = true;
    let input = ctx.pointer("/arguments/input").and_then(J::as_object);
    for (k, v) in input.into_iter().flatten() {
        if !first {
            out.push(',');
        }
        first = false;
        let _ = write!(out, "{}:{{\"S\":{}}}", J::from(k.as_str()), v);
    }
    if !first {
        out.push(',');
    }
    let _ = write!(
        out,
        "\"userId\":{{\"S\":{}}}",
        J::from(str_at(ctx, "/identity/sub"))
    );
    out.push_str("},\n  \"condition\": {\n    \"expression\": \"attribute_not_exists(#id)\",\n    \"expressionNames\": {\n      \"#id\": \"id\",\n    },\n  },\n}\n");
    out
}

/// `list_dogs.vtl`.
pub fn list_dogs(ctx: &J) -> String {
    let limit = ctx
        .pointer("/arguments/limit")
        .filter(|l| !l.is_null())
        .map_or_else(|| "20".to_string(), J::to_string);
    let after = match ctx.pointer("/arguments/after") {
        Some(J::String(s)) if !s.is_empty() => J::from(s.as_str()).to_string(),
        _ => "null".to_string(),
    };
    format!(
        "{{\n  \"version\": \"2017-02-28\",\n  \"operation\": \"Query\",\n  \"index\": \"userId-index\",\n  \"query\": {{\n    \"expression\": \"userId = :userId\",\n    \"expressionValues\": {{\n      \":userId\": {{\n        \"S\": \"{}\"\n      }}\n    }}\n  }},\n  \"limit\": {limit},\n  \"nextToken\": {after}\n}}\n",
        str_at(ctx, "/identity/sub")
    )
}

/// `response_list.vtl`.
pub fn response_list(ctx: &J) -> String {
    let items = ctx.pointer("/result/items").unwrap_or(&J::Null);
    let next = ctx.pointer("/result/nextToken").unwrap_or(&J::Null);
    let mut out = String::with_capacity(16 << 10);
    out.push_str("{\n  \"items\": ");
    out.push_str(&serde_json::to_string(items).unwrap_or_default());
    out.push_str(",\n  \"nextToken\": ");
    out.push_str(&next.to_string());
    out.push_str("\n}\n");
    out
}

struct Row<'a> {
    id: &'a str,
    name: &'a str,
    status: &'a str,
    qty: i64,
    price: i64,
}

fn rows(ctx: &J) -> impl Iterator<Item = Row<'_>> {
    let items = ctx.pointer("/result/items").and_then(J::as_array);
    items.into_iter().flatten().map(|item| Row {
        id: item["id"].as_str().unwrap_or(""),
        name: item["name"].as_str().unwrap_or(""),
        status: item["status"].as_str().unwrap_or(""),
        qty: item["qty"].as_i64().unwrap_or(0),
        price: item["price"].as_i64().unwrap_or(0),
    })
}

/// `core_loop.vtl`.
pub fn core_loop(ctx: &J) -> String {
    let mut out = String::with_capacity(24 << 10);
    out.push_str("{\"rows\": [\n");
    let (mut i, mut total, mut active) = (0i64, 0i64, 0i64);
    let mut label = String::new();
    for row in rows(ctx) {
        i += 1;
        let cost = row.qty * row.price;
        total += cost;
        let bucket = i % 7;
        label.clear();
        match row.status {
            "active" => {
                active += 1;
                let _ = write!(label, "A-{}-{}", row.name, row.id);
            }
            "pending" => {
                let _ = write!(label, "P-{}-{bucket}", row.name);
            }
            _ => {
                let _ = write!(label, "I-{}", row.name);
            }
        }
        if i > 1 {
            out.push(',');
        }
        let _ = writeln!(
            out,
            "{{\"id\": \"{}\", \"label\": \"{label}\", \"n\": {i}, \"cost\": {cost}, \"bucket\": {bucket}, \"left\": {}}}",
            row.id,
            row.qty - 1
        );
    }
    let _ = writeln!(
        out,
        "], \"count\": {i}, \"active\": {active}, \"total\": {total}}}"
    );
    out
}

/// `core_macro.vtl`.
pub fn core_macro(ctx: &J) -> String {
    let mut out = String::with_capacity(24 << 10);
    out.push_str("{\"rows\": [\n");
    let (mut i, mut total) = (0i64, 0i64);
    for row in rows(ctx) {
        i += 1;
        let cost = row.qty * row.price;
        total += cost;
        let bucket = i % 7;
        if i > 1 {
            out.push(',');
        }
        let _ = write!(out, "{{\"id\": \"{}\", \"label\": \"", row.id);
        match row.status {
            "active" => {
                let _ = write!(out, "A-{}-{}", row.name, row.id);
            }
            "pending" => {
                let _ = write!(out, "P-{}-{bucket}", row.name);
            }
            _ => {
                let _ = write!(out, "I-{}", row.name);
            }
        }
        let _ = writeln!(
            out,
            "\", \"n\": {i}, \"cost\": {cost}, \"bucket\": {bucket}}}"
        );
    }
    let _ = writeln!(out, "], \"count\": {i}, \"total\": {total}}}");
    out
}
