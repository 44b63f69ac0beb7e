//! `$util.transform`: GraphQL filter inputs (Amplify's `Model...FilterInput` shape:
//! `{field: {operator: value}, and: [...], or: [...], not: {...}}`) to DynamoDB expressions,
//! OpenSearch query DSL, and subscription filters.
//!
//! The DynamoDB and OpenSearch helpers return JSON text (AppSync's own Amplify templates wrap
//! them in `$util.parseJson`), the subscription helper a map, as the guide shows.

// Reviewed for panics on input: the two-value lists are length-checked just before.
#![allow(clippy::indexing_slicing)]

use std::sync::Arc;

use super::args::Args;
use super::dynamodb::to_dynamodb;
use super::json::to_json_string;
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::value::{List, Map, Value};

fn string(s: String) -> Value {
    Value::Str(Arc::from(s))
}

fn failure(helper: &str, message: String) -> Failure {
    Failure::from(ErrorKind::UtilArgument {
        helper: format!("transform.{helper}"),
        message,
    })
}

/// Filters nest at most this deep (a map that holds itself would otherwise recurse for ever).
const MAX_NESTING: usize = 200;

/// Alternatives a subscription filter may expand to (each `and` of `or`s multiplies them).
const MAX_GROUPS: usize = 10_000;

/// Conditions all the alternatives of a subscription filter may hold together.
const MAX_CONDITIONS: usize = 100_000;

/// Values a filter may hold, counting a map or list each time it appears: the same sub-map
/// used twice at each of 30 levels (`{"and": [$g, $g]}`) is 2^30 conditions, which every
/// helper here would walk (and write out) in full.
const MAX_FILTER_VALUES: usize = 10_000;

/// Checks that `v` nests at most [`MAX_NESTING`] levels and holds at most `budget` values.
fn bounded(v: &Value, depth: usize, budget: &mut usize) -> Result<(), String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    if *budget == 0 {
        return Err(format!(
            "the filter has more than {MAX_FILTER_VALUES} values"
        ));
    }
    *budget -= 1;
    match v {
        Value::Map(m) => {
            for (_, x) in m.borrow().iter() {
                bounded(x, depth + 1, budget)?;
            }
        }
        Value::List(l) => {
            for x in l.borrow().iter() {
                bounded(x, depth + 1, budget)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// [`bounded`] for a helper's filter argument.
fn check_filter(name: &str, filter: &Map) -> Outcome<()> {
    let mut budget = MAX_FILTER_VALUES;
    bounded(&Value::Map(filter.clone()), 0, &mut budget).map_err(|e| failure(name, e))
}

fn too_deep() -> String {
    format!("filters nest deeper than {MAX_NESTING} levels")
}

fn too_many() -> String {
    format!(
        "the filter expands to more than {MAX_GROUPS} alternatives or {MAX_CONDITIONS} conditions"
    )
}

fn entries(m: &Map) -> Vec<(String, Value)> {
    m.borrow()
        .iter()
        .map(|(k, v)| (k.to_java_string(), v.clone()))
        .collect()
}

/// Dispatches `$util.transform.name(args)`.
pub(crate) fn call(name: &str, values: &[Value]) -> Outcome {
    Ok(match (name, values.len()) {
        ("toDynamoDBFilterExpression" | "toDynamoDBConditionExpression", 1) => {
            let filter = Args::new(name, "Map", values).map(0)?;
            check_filter(name, filter)?;
            let mut b = DynamoBuilder::default();
            let expression = b
                .conjunction(&entries(filter), "", 0)
                .map_err(|e| failure(name, e))?;
            let out = Map::with_capacity(3);
            out.insert(Value::str("expression"), string(expression));
            out.insert(Value::str("expressionNames"), Value::Map(b.names));
            out.insert(Value::str("expressionValues"), Value::Map(b.values));
            string(to_json_string(&Value::Map(out)))
        }
        ("toElasticsearchQueryDSL", 1) => {
            let filter = Args::new(name, "Map", values).map(0)?;
            check_filter(name, filter)?;
            string(to_json_string(&es_bool(
                "must",
                es_fields(&entries(filter), 0).map_err(|e| failure(name, e))?,
            )))
        }
        ("toSubscriptionFilter", 1..=3) => {
            let args = Args::new(name, "Map[, List[, Map]]", values);
            let filter = args.map(0)?;
            check_filter(name, filter)?;
            let ignored: Vec<String> = match values.get(1) {
                Some(Value::Null) | None => Vec::new(),
                Some(_) => args
                    .list(1)?
                    .borrow()
                    .iter()
                    .map(Value::to_java_string)
                    .collect(),
            };
            let rules = match values.get(2) {
                Some(Value::Null) | None => None,
                Some(_) => {
                    let rules = args.map(2)?;
                    check_filter(name, rules)?;
                    Some(rules)
                }
            };
            subscription_filter(filter, &ignored, rules).map_err(|e| failure(name, e))?
        }
        _ => Value::Null,
    })
}

// ---------------------------------------------------------------------------------------------
// DynamoDB filter and condition expressions

#[derive(Default)]
struct DynamoBuilder {
    names: Map,
    values: Map,
}

impl DynamoBuilder {
    /// Conditions of one filter object, AND-ed; `prefix` keeps placeholders of nested
    /// `and`/`or`/`not` groups apart (`:and_0_title_eq`).
    fn conjunction(
        &mut self,
        fields: &[(String, Value)],
        prefix: &str,
        depth: usize,
    ) -> Result<String, String> {
        if depth > MAX_NESTING {
            return Err(too_deep());
        }
        let mut parts = Vec::new();
        for (field, cond) in fields {
            match field.as_str() {
                "and" | "or" => {
                    let items = cond
                        .collection_items()
                        .ok_or_else(|| format!("`{field}` takes a list of filters"))?;
                    let mut sub = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let Value::Map(m) = item else {
                            return Err(format!("`{field}` takes a list of filters"));
                        };
                        sub.push(self.conjunction(
                            &entries(m),
                            &format!("{prefix}{field}_{i}_"),
                            depth + 1,
                        )?);
                    }
                    if !sub.is_empty() {
                        let joiner = if field == "and" { " AND " } else { " OR " };
                        parts.push(format!("({})", sub.join(joiner)));
                    }
                }
                "not" => {
                    let Value::Map(m) = cond else {
                        return Err("`not` takes a filter".into());
                    };
                    let inner =
                        self.conjunction(&entries(m), &format!("{prefix}not_"), depth + 1)?;
                    parts.push(format!("(NOT {inner})"));
                }
                _ => {
                    let Value::Map(ops) = cond else {
                        return Err(format!(
                            "the condition on `{field}` must be a map of operators"
                        ));
                    };
                    for (op, value) in entries(ops) {
                        parts.push(self.operator(field, &op, &value, prefix)?);
                    }
                }
            }
        }
        Ok(match parts.len() {
            1 => parts.remove(0),
            _ => format!("({})", parts.join(" AND ")),
        })
    }

    fn name(&mut self, field: &str) -> String {
        let placeholder = format!("#{field}");
        self.names
            .insert(Value::str(&placeholder), Value::str(field));
        placeholder
    }

    fn value(&mut self, placeholder: String, v: &Value) -> String {
        self.values.insert(Value::str(&placeholder), to_dynamodb(v));
        placeholder
    }

    fn operator(
        &mut self,
        field: &str,
        op: &str,
        v: &Value,
        prefix: &str,
    ) -> Result<String, String> {
        let n = self.name(field);
        let p = format!(":{prefix}{field}_{op}");
        let compare = |sym: &str, b: &mut Self| format!("{n} {sym} {}", b.value(p.clone(), v));
        Ok(match op {
            "eq" => compare("=", self),
            "ne" => compare("<>", self),
            "le" => compare("<=", self),
            "lt" => compare("<", self),
            "ge" => compare(">=", self),
            "gt" => compare(">", self),
            "contains" => format!("contains({n}, {})", self.value(p, v)),
            "notContains" => format!("NOT contains({n}, {})", self.value(p, v)),
            "beginsWith" => format!("begins_with({n}, {})", self.value(p, v)),
            "attributeType" => format!("attribute_type({n}, {})", self.value(p, v)),
            "attributeExists" => match v {
                Value::Bool(false) => format!("attribute_not_exists({n})"),
                _ => format!("attribute_exists({n})"),
            },
            "size" => {
                let Value::Map(inner) = v else {
                    return Err(format!("`size` on `{field}` takes a map of operators"));
                };
                let mut parts = Vec::new();
                for (sop, sv) in entries(inner) {
                    let sp = format!(":{prefix}{field}_size_{sop}");
                    let sym = match sop.as_str() {
                        "eq" => "=",
                        "ne" => "<>",
                        "le" => "<=",
                        "lt" => "<",
                        "ge" => ">=",
                        "gt" => ">",
                        other => return Err(format!("unknown size operator `{other}`")),
                    };
                    parts.push(format!("size({n}) {sym} {}", self.value(sp, &sv)));
                }
                parts.join(" AND ")
            }
            "between" => {
                let items = v
                    .collection_items()
                    .filter(|i| i.len() == 2)
                    .ok_or_else(|| format!("`between` on `{field}` takes a list of two values"))?;
                let lo = self.value(format!("{p}_0"), &items[0]);
                let hi = self.value(format!("{p}_1"), &items[1]);
                format!("{n} BETWEEN {lo} AND {hi}")
            }
            // Not in the guide's list, but Amplify's dynamic-group auth filters with it
            // (`{"teamGroup": {"in": $groups}}`) and runs on AppSync: DynamoDB's `IN`, one
            // placeholder per value (DynamoDB takes no list operand there).
            "in" => {
                let items = v
                    .collection_items()
                    .filter(|i| !i.is_empty())
                    .ok_or_else(|| format!("`in` on `{field}` takes a non-empty list"))?;
                let placeholders: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.value(format!("{p}_{i}"), x))
                    .collect();
                format!("{n} IN ({})", placeholders.join(", "))
            }
            other => return Err(format!("unknown filter operator `{other}` on `{field}`")),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// OpenSearch query DSL

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let m = Map::with_capacity(pairs.len());
    for (k, v) in pairs {
        m.insert(Value::str(k), v);
    }
    Value::Map(m)
}

fn es_bool(kind: &str, clauses: Vec<Value>) -> Value {
    obj(vec![(
        "bool",
        obj(vec![(kind, Value::List(List::new(clauses)))]),
    )])
}

fn es_fields(fields: &[(String, Value)], depth: usize) -> Result<Vec<Value>, String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    let mut out = Vec::new();
    for (field, cond) in fields {
        match field.as_str() {
            "and" | "or" => {
                let items = cond
                    .collection_items()
                    .ok_or_else(|| format!("`{field}` takes a list of filters"))?;
                let mut clauses = Vec::new();
                for item in items {
                    let Value::Map(m) = item else {
                        return Err(format!("`{field}` takes a list of filters"));
                    };
                    clauses.push(es_bool("must", es_fields(&entries(&m), depth + 1)?));
                }
                out.push(es_bool(
                    if field == "and" { "must" } else { "should" },
                    clauses,
                ));
            }
            "not" => {
                let Value::Map(m) = cond else {
                    return Err("`not` takes a filter".into());
                };
                out.push(obj(vec![(
                    "bool",
                    obj(vec![(
                        "must_not",
                        es_bool("must", es_fields(&entries(m), depth + 1)?),
                    )]),
                )]));
            }
            _ => {
                let Value::Map(ops) = cond else {
                    return Err(format!(
                        "the condition on `{field}` must be a map of operators"
                    ));
                };
                let mut clauses = Vec::new();
                for (op, v) in entries(ops) {
                    clauses.push(es_operator(field, &op, &v)?);
                }
                out.push(match clauses.len() {
                    1 => clauses.remove(0),
                    _ => es_bool("must", clauses),
                });
            }
        }
    }
    Ok(out)
}

fn es_operator(field: &str, op: &str, v: &Value) -> Result<Value, String> {
    let on_field = |kind: &str, v: Value| obj(vec![(kind, obj(vec![(field, v)]))]);
    Ok(match op {
        "eq" => on_field("term", v.clone()),
        "ne" => obj(vec![(
            "bool",
            obj(vec![("must_not", on_field("term", v.clone()))]),
        )]),
        "match" => on_field("match", v.clone()),
        "matchPhrase" => on_field("match_phrase", v.clone()),
        "matchPhrasePrefix" => on_field("match_phrase_prefix", v.clone()),
        "multiMatch" => obj(vec![("multi_match", v.clone())]),
        "exists" => match v {
            Value::Bool(false) => obj(vec![(
                "bool",
                obj(vec![(
                    "must_not",
                    obj(vec![("exists", obj(vec![("field", Value::str(field))]))]),
                )]),
            )]),
            _ => obj(vec![("exists", obj(vec![("field", Value::str(field))]))]),
        },
        "wildcard" => on_field("wildcard", v.clone()),
        "regexp" => on_field("regexp", v.clone()),
        "gt" | "gte" | "lt" | "lte" => on_field("range", obj(vec![(op, v.clone())])),
        "range" => {
            let items = v
                .collection_items()
                .filter(|i| i.len() == 2)
                .ok_or_else(|| format!("`range` on `{field}` takes a list of two values"))?;
            on_field(
                "range",
                obj(vec![("gte", items[0].clone()), ("lte", items[1].clone())]),
            )
        }
        other => return Err(format!("unknown search operator `{other}` on `{field}`")),
    })
}

// ---------------------------------------------------------------------------------------------
// Subscription filters

/// A filter as a disjunction of conjunctions of `{fieldName, operator, value}`.
type Dnf = Vec<Vec<Value>>;

/// Every group of `a` with every group of `b`; refused when that would make more than
/// [`MAX_GROUPS`] (24 fields with two conditions each made 2^24 groups of 24 maps).
fn cross(a: &Dnf, b: &Dnf) -> Result<Dnf, String> {
    let n = a.len().saturating_mul(b.len());
    let width = |d: &Dnf| d.iter().map(Vec::len).sum::<usize>();
    let conditions = width(a)
        .saturating_mul(b.len())
        .saturating_add(width(b).saturating_mul(a.len()));
    if n > MAX_GROUPS || conditions > MAX_CONDITIONS {
        return Err(too_many());
    }
    let mut out = Vec::with_capacity(n);
    for x in a {
        for y in b {
            out.push(x.iter().chain(y).cloned().collect());
        }
    }
    Ok(out)
}

/// Expands a filter map: conditions on one field are OR-ed, `and` lists AND-ed, `or` lists
/// OR-ed, and the entries of the map AND-ed; `ignored` fields are dropped.
fn dnf(filter: &Map, ignored: &[String], depth: usize) -> Result<Dnf, String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    let mut acc: Dnf = vec![Vec::new()];
    for (field, cond) in entries(filter) {
        let part: Dnf = match field.as_str() {
            "and" | "or" => {
                let items = cond
                    .collection_items()
                    .ok_or_else(|| format!("`{field}` takes a list of filters"))?;
                // (Combined item by item, so that no more than `MAX_GROUPS` alternatives
                // are ever held.)
                let mut combined: Option<Dnf> = None;
                for item in items {
                    let Value::Map(m) = item else {
                        return Err(format!("`{field}` takes a list of filters"));
                    };
                    let d = dnf(&m, ignored, depth + 1)?;
                    if d.iter().all(Vec::is_empty) {
                        continue;
                    }
                    combined = Some(match combined {
                        None => d,
                        Some(acc) if field == "and" => cross(&acc, &d)?,
                        Some(mut acc) => {
                            if acc.len() + d.len() > MAX_GROUPS {
                                return Err(too_many());
                            }
                            acc.extend(d);
                            acc
                        }
                    });
                }
                combined.unwrap_or_else(|| vec![Vec::new()])
            }
            _ if ignored.contains(&field) => continue,
            _ => {
                let Value::Map(ops) = cond else {
                    return Err(format!(
                        "the condition on `{field}` must be a map of operators"
                    ));
                };
                entries(&ops)
                    .into_iter()
                    .map(|(op, v)| {
                        vec![obj(vec![
                            ("fieldName", Value::str(&field)),
                            ("operator", Value::str(&op)),
                            ("value", v),
                        ])]
                    })
                    .collect()
            }
        };
        acc = cross(&acc, &part)?;
    }
    Ok(acc)
}

fn subscription_filter(
    filter: &Map,
    ignored: &[String],
    rules: Option<&Map>,
) -> Result<Value, String> {
    let mut groups = dnf(filter, ignored, 0)?;
    if let Some(rules) = rules {
        // At least one rule must hold: one alternative per rule, on every group.
        let alternatives: Dnf = dnf(rules, &[], 0)?
            .into_iter()
            .flatten()
            .map(|f| vec![f])
            .collect();
        if !alternatives.is_empty() {
            groups = cross(&groups, &alternatives)?;
        }
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| obj(vec![("filters", Value::List(List::new(g)))]))
        .collect();
    Ok(obj(vec![("filterGroup", Value::List(List::new(groups)))]))
}
