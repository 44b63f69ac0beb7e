//! `$util.list` and `$util.map`: copies that keep or drop elements, and `sortList`.

// Reviewed for panics on input: `windows(2)` yields slices of two.
#![allow(clippy::indexing_slicing)]

use std::cmp::Ordering;

use super::args::Args;
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::value::methods::{filter_members, natural_order};
use crate::value::{List, Map, Value};

/// Most elements `sortList` accepts (AppSync's documented limit).
const SORT_LIMIT: usize = 1000;

/// Dispatches `$util.list.name(args)`.
pub(crate) fn list(name: &str, values: &[Value]) -> Outcome {
    Ok(match (name, values.len()) {
        ("copyAndRetainAll" | "copyAndRemoveAll", 2) => {
            let args = Args::new(name, "List, List", values);
            let (items, other) = (args.list(0)?, args.list(1)?);
            let keep = name == "copyAndRetainAll";
            let copy = filter_members(&items.borrow(), &other.borrow(), keep);
            Value::List(List::new(copy))
        }
        ("sortList", 3) => {
            let args = Args::new(name, "List, Boolean, String", values);
            let (items, descending) = (args.list(0)?, args.bool(1)?);
            let property = args.opt_str(2);
            sort_list(items, descending, property.as_deref())?
        }
        _ => Value::Null,
    })
}

/// `sortList`: scalars of one class sort by value; maps sort by `property`; a list whose
/// elements are not all of one class comes back unchanged (as a copy), as the guide says.
fn sort_list(items: List, descending: bool, property: Option<&str>) -> Outcome {
    let mut copy = items.borrow().clone();
    if copy.len() > SORT_LIMIT {
        return Err(Failure::from(ErrorKind::UtilArgument {
            helper: "list.sortList".into(),
            message: format!(
                "lists of at most {SORT_LIMIT} items can be sorted, got {}",
                copy.len()
            ),
        }));
    }
    let key = |v: &Value| -> Value {
        match (v, property) {
            (Value::Map(m), Some(p)) => m.get_str(p).unwrap_or(Value::Null),
            _ => v.clone(),
        }
    };
    let keys: Vec<Value> = copy.iter().map(key).collect();
    let same_class = keys
        .windows(2)
        .all(|w| std::mem::discriminant(&w[0]) == std::mem::discriminant(&w[1]))
        && copy
            .windows(2)
            .all(|w| std::mem::discriminant(&w[0]) == std::mem::discriminant(&w[1]));
    let sortable = keys.iter().all(|k| {
        matches!(
            k,
            Value::Str(_)
                | Value::Int(_)
                | Value::Long(_)
                | Value::Double(_)
                | Value::Float(_)
                | Value::Short(_)
                | Value::Byte(_)
                | Value::BigInt(_)
                | Value::Bool(_)
                | Value::Char(_)
        )
    });
    if !same_class || !sortable {
        return Ok(Value::List(List::new(copy)));
    }
    let mut indexed: Vec<(Value, Value)> = keys.into_iter().zip(copy.drain(..)).collect();
    indexed.sort_by(|(a, _), (b, _)| {
        let o = natural_order(a, b).unwrap_or(Ordering::Equal);
        if descending { o.reverse() } else { o }
    });
    Ok(Value::List(List::new(
        indexed.into_iter().map(|(_, v)| v).collect(),
    )))
}

/// Dispatches `$util.map.name(args)`.
pub(crate) fn map(name: &str, values: &[Value]) -> Outcome {
    Ok(match (name, values.len()) {
        ("copyAndRetainAllKeys" | "copyAndRemoveAllKeys", 2) => {
            let args = Args::new(name, "Map, List", values);
            let (source, keys) = (args.map(0)?, args.list(1)?);
            let keep = name == "copyAndRetainAllKeys";
            let keys = keys.borrow();
            let mut out = crate::value::Entries::default();
            for (k, v) in source.borrow().iter() {
                if keys.contains(k) == keep {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Map(Map::new(out))
        }
        _ => Value::Null,
    })
}
