//! The floor: hand-written Rust that prints exactly what each workload's template renders,
//! reading the same in-memory `serde_json::Value` context. It is written the way a careful
//! engineer would hand-code each resolver: `get` chains, one pre-sized `String`, literal
//! pieces pushed, integers through `itoa`, strings escaped only when they need it (the
//! create_dog floor formats the UUID but does not draw it). No engine can do less work; the
//! benchmark reports our render time against it. `benches/render.rs` checks at start-up that
//! each floor prints our output byte for byte.

use std::fmt::Write;

use serde_json::Value as J;

/// `json[k0][k1]...`, the way a hand-written resolver reads its context.
fn at<'a>(json: &'a J, keys: &[&str]) -> Option<&'a J> {
    keys.iter().try_fold(json, |j, k| j.get(k))
}

fn str_at<'a>(ctx: &'a J, keys: &[&str]) -> &'a str {
    at(ctx, keys).and_then(J::as_str).unwrap_or("")
}

/// Appends `s` as a JSON string literal (copied as is when nothing needs escaping).
fn push_json_str(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&J::from(s).to_string());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Appends a JSON scalar or collection as serde_json writes it.
fn push_json(out: &mut String, v: &J) {
    match v {
        J::String(s) => push_json_str(out, s),
        J::Number(n) => {
            let _ = write!(out, "{n}");
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `create_dog.vtl`; `id` is the UUID `$util.autoId()` gave, formatted here as it does.
pub fn create_dog(ctx: &J, id: uuid::Uuid) -> String {
    let mut out = String::with_capacity(512);
    out.push_str("\n{\n  \"version\": \"2017-02-28\",\n  \"operation\": \"PutItem\",\n  \"key\": {\n    \"id\": {\"S\":\"");
    out.push_str(
        id.hyphenated()
            .encode_lower(&mut uuid::Uuid::encode_buffer()),
    );
    out.push('"');
    out.push_str("},\n  },\n  \"attributeValues\": {");
    let input = at(ctx, &["arguments", "input"]).and_then(J::as_object);
    for (k, v) in input.into_iter().flatten() {
        push_json_str(&mut out, k);
        out.push_str(":{\"S\":");
        push_json(&mut out, v);
        out.push_str("},");
    }
    out.push_str("\"userId\":{\"S\":");
    push_json_str(&mut out, str_at(ctx, &["identity", "sub"]));
    out.push_str("}},\n  \"condition\": {\n    \"expression\": \"attribute_not_exists(#id)\",\n    \"expressionNames\": {\n      \"#id\": \"id\",\n    },\n  },\n}\n");
    out
}

/// `list_dogs.vtl`.
pub fn list_dogs(ctx: &J) -> String {
    let mut out = String::with_capacity(512);
    out.push_str("{\n  \"version\": \"2017-02-28\",\n  \"operation\": \"Query\",\n  \"index\": \"userId-index\",\n  \"query\": {\n    \"expression\": \"userId = :userId\",\n    \"expressionValues\": {\n      \":userId\": {\n        \"S\": \"");
    out.push_str(str_at(ctx, &["identity", "sub"]));
    out.push_str("\"\n      }\n    }\n  },\n  \"limit\": ");
    match at(ctx, &["arguments", "limit"]) {
        Some(l) if !l.is_null() => push_json(&mut out, l),
        _ => out.push_str("20"),
    }
    out.push_str(",\n  \"nextToken\": ");
    match at(ctx, &["arguments", "after"]) {
        Some(J::String(s)) if !s.is_empty() => push_json_str(&mut out, s),
        _ => out.push_str("null"),
    }
    out.push_str("\n}\n");
    out
}

/// `response_list.vtl`.
pub fn response_list(ctx: &J) -> String {
    let items = at(ctx, &["result", "items"]).unwrap_or(&J::Null);
    let next = at(ctx, &["result", "nextToken"]).unwrap_or(&J::Null);
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
    let items = at(ctx, &["result", "items"]).and_then(J::as_array);
    items.into_iter().flatten().map(|item| Row {
        id: item["id"].as_str().unwrap_or(""),
        name: item["name"].as_str().unwrap_or(""),
        status: item["status"].as_str().unwrap_or(""),
        qty: item["qty"].as_i64().unwrap_or(0),
        price: item["price"].as_i64().unwrap_or(0),
    })
}

#[inline(always)]
fn push_int(out: &mut String, i: i64) {
    out.push_str(itoa::Buffer::new().format(i));
}

/// The label both loop workloads compute: `A-name-id`, `P-name-bucket` or `I-name`.
#[inline(always)]
fn push_label(out: &mut String, row: &Row<'_>, bucket: i64) {
    match row.status {
        "active" => {
            out.push_str("A-");
            out.push_str(row.name);
            out.push('-');
            out.push_str(row.id);
        }
        "pending" => {
            out.push_str("P-");
            out.push_str(row.name);
            out.push('-');
            push_int(out, bucket);
        }
        _ => {
            out.push_str("I-");
            out.push_str(row.name);
        }
    }
}

/// `{"id": "<id>", "label": "`, how both loop workloads start a row.
#[inline(always)]
fn push_row_start(out: &mut String, row: &Row<'_>) {
    out.push_str("{\"id\": \"");
    out.push_str(row.id);
    out.push_str("\", \"label\": \"");
}

/// `, "n": i, "cost": cost, "bucket": bucket`, the numbers both loop workloads print in
/// each row.
#[inline(always)]
fn push_row_numbers(out: &mut String, i: i64, cost: i64, bucket: i64) {
    out.push_str(", \"n\": ");
    push_int(out, i);
    out.push_str(", \"cost\": ");
    push_int(out, cost);
    out.push_str(", \"bucket\": ");
    push_int(out, bucket);
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
        if row.status == "active" {
            active += 1;
        }
        label.clear();
        push_label(&mut label, &row, bucket);
        if i > 1 {
            out.push(',');
        }
        push_row_start(&mut out, &row);
        out.push_str(&label);
        out.push('"');
        push_row_numbers(&mut out, i, cost, bucket);
        out.push_str(", \"left\": ");
        push_int(&mut out, row.qty - 1);
        out.push_str("}\n");
    }
    out.push_str("], \"count\": ");
    push_int(&mut out, i);
    out.push_str(", \"active\": ");
    push_int(&mut out, active);
    out.push_str(", \"total\": ");
    push_int(&mut out, total);
    out.push_str("}\n");
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
        push_row_start(&mut out, &row);
        push_label(&mut out, &row, bucket);
        out.push('"');
        push_row_numbers(&mut out, i, cost, bucket);
        out.push_str("}\n");
    }
    out.push_str("], \"count\": ");
    push_int(&mut out, i);
    out.push_str(", \"total\": ");
    push_int(&mut out, total);
    out.push_str("}\n");
    out
}
