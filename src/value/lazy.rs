//! Lists and maps backed by the caller's JSON, copied only when a template looks inside.
//!
//! A render used to convert the whole context to template values before running: for a
//! request template that reads `$ctx.identity.sub` out of a context holding the caller's
//! claims, headers and arguments, that copy was two thirds of the render time. Now `$ctx` and
//! the variables start as collections that only remember where their JSON is
//! ([`JsonAt`]); a map answers `get` by looking into the JSON and converting just that entry,
//! and copies all its entries (one level: nested collections stay JSON-backed) the first
//! time anything else needs them. Nested collections are created once per key and kept, so
//! `#set($input = $ctx.args.input)` and `$ctx.args.input` are the same map, as in Java.

use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value as J;

use super::{List, Map, Value};

/// Where a JSON-backed collection's JSON is: a path from a shared root.
#[derive(Clone)]
pub(crate) struct JsonAt(Rc<Node>);

struct Node {
    root: Arc<J>,
    parent: Option<JsonAt>,
    step: Step,
}

enum Step {
    Root,
    /// An object's entry, with its position (small objects are walked by position, which
    /// is cheaper than comparing keys).
    Key(Arc<str>, usize),
    Index(usize),
}

impl JsonAt {
    /// The root of `json`.
    pub(crate) fn root(json: Arc<J>) -> JsonAt {
        JsonAt(Rc::new(Node {
            root: json,
            parent: None,
            step: Step::Root,
        }))
    }

    /// Entry `key` of this object, the `position`th.
    pub(crate) fn key(&self, key: Arc<str>, position: usize) -> JsonAt {
        self.child(Step::Key(key, position))
    }

    /// Item `i` of this array.
    pub(crate) fn index(&self, i: usize) -> JsonAt {
        self.child(Step::Index(i))
    }

    fn child(&self, step: Step) -> JsonAt {
        JsonAt(Rc::new(Node {
            root: self.0.root.clone(),
            parent: Some(self.clone()),
            step,
        }))
    }

    /// The JSON this points at. Always found: the root is immutable and paths are only made
    /// from entries that exist; `None` would mean a bug, and reads as an empty collection.
    /// The path is as deep as the JSON, which the context bounds
    /// ([`MAX_JSON_DEPTH`](super::MAX_JSON_DEPTH)).
    pub(crate) fn resolve(&self) -> Option<&J> {
        let node = &*self.0;
        match (&node.step, &node.parent) {
            (Step::Root, _) | (_, None) => Some(&node.root),
            (Step::Key(k, position), Some(p)) => {
                let obj = p.resolve()?.as_object()?;
                if obj.len() <= SMALL {
                    obj.values().nth(*position)
                } else {
                    obj.get(&**k)
                }
            }
            (Step::Index(i), Some(p)) => p.resolve()?.as_array()?.get(*i),
        }
    }
}

/// The template value for `json`, found at `at`: scalars converted, collections
/// JSON-backed (`at` is only called for those).
pub(crate) fn value_at(json: &J, at: impl FnOnce() -> JsonAt) -> Value {
    match json {
        J::Array(_) => Value::List(List::lazy(at())),
        J::Object(_) => Value::Map(Map::lazy(at())),
        scalar => super::convert::scalar(scalar),
    }
}

/// The entries of a JSON-backed map, one level deep, in the JSON's order with `overrides`
/// applied (the nested collections handed out, so the same key keeps giving the same
/// collection, and the entries put since; new keys come last, in the order they were put,
/// as in a `LinkedHashMap`).
pub(crate) fn entries(at: &JsonAt, mut overrides: super::Entries) -> super::Entries {
    let Some(J::Object(obj)) = at.resolve() else {
        return overrides;
    };
    let mut out =
        super::Entries::with_capacity_and_hasher(obj.len() + overrides.len(), Default::default());
    for (position, (k, v)) in obj.iter().enumerate() {
        let kept = if overrides.is_empty() {
            None
        } else {
            overrides.shift_remove(&super::StrKey(k))
        };
        let key: Arc<str> = Arc::from(k.as_str());
        let value = kept.unwrap_or_else(|| value_at(v, || at.key(key.clone(), position)));
        out.insert(Value::Str(key), value);
    }
    out.extend(overrides);
    out
}

/// The items of a JSON-backed list, one level deep.
pub(crate) fn items(at: &JsonAt) -> Vec<Value> {
    match at.resolve() {
        Some(J::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| value_at(v, || at.index(i)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Entry `key` of a JSON-backed map, without copying the others. Collections are returned
/// as JSON-backed values that the caller must keep (see [`Map::get_str`]), with their key.
pub(crate) fn entry(at: &JsonAt, key: &str) -> Option<(Value, Option<Arc<str>>)> {
    let obj = at.resolve()?.as_object()?;
    let (position, json) = find_at(obj, key)?;
    if matches!(json, J::Array(_) | J::Object(_)) {
        let key: Arc<str> = Arc::from(key);
        return Some((value_at(json, || at.key(key.clone(), position)), Some(key)));
    }
    Some((super::convert::scalar(json), None))
}

/// Calls `f` with entry `key` of a JSON-backed map when that entry is a JSON string, without
/// making a template string of it (`None` otherwise).
pub(crate) fn with_str<R>(at: &JsonAt, key: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
    match find(at.resolve()?.as_object()?, key)? {
        J::String(s) => Some(f(s)),
        _ => None,
    }
}

/// Whether a JSON-backed map has `key`, and whether its value is null.
pub(crate) fn probe(at: &JsonAt, key: &str) -> Option<bool> {
    let json = find(at.resolve()?.as_object()?, key)?;
    Some(json.is_null())
}

/// `obj[key]`. Context objects are small: comparing a few keys is cheaper than hashing one
/// (serde_json's maps hash with SipHash).
pub(crate) fn find<'j>(obj: &'j serde_json::Map<String, J>, key: &str) -> Option<&'j J> {
    find_at(obj, key).map(|(_, v)| v)
}

/// Objects up to this size are searched and walked in order rather than hashed.
const SMALL: usize = 16;

/// `obj[key]` and its position (for a large object, the position is not needed).
fn find_at<'j>(obj: &'j serde_json::Map<String, J>, key: &str) -> Option<(usize, &'j J)> {
    if obj.len() <= SMALL {
        obj.iter()
            .enumerate()
            .find(|(_, (k, _))| k.as_str() == key)
            .map(|(i, (_, v))| (i, v))
    } else {
        obj.get(key).map(|v| (0, v))
    }
}

/// Number of items at `at` (a JSON-backed list).
pub(crate) fn len(at: &JsonAt) -> usize {
    match at.resolve() {
        Some(J::Array(items)) => items.len(),
        Some(J::Object(obj)) => obj.len(),
        _ => 0,
    }
}

/// Number of entries of a JSON-backed map with `overrides`.
pub(crate) fn len_with(at: &JsonAt, overrides: &super::Entries) -> usize {
    match at.resolve() {
        Some(J::Object(obj)) => {
            obj.len()
                + overrides
                    .keys()
                    .filter(|k| !matches!(k, Value::Str(s) if find(obj, s).is_some()))
                    .count()
        }
        _ => overrides.len(),
    }
}

/// Whether `json` nests deeper than `max` (iterative: the JSON may be built in memory to
/// any depth).
pub(crate) fn deeper_than(json: &J, max: usize) -> bool {
    let mut stack: Vec<(&J, usize)> = vec![(json, 0)];
    while let Some((j, depth)) = stack.pop() {
        match j {
            J::Array(items) => {
                if depth >= max {
                    return true;
                }
                stack.extend(items.iter().map(|c| (c, depth + 1)));
            }
            J::Object(obj) => {
                if depth >= max {
                    return true;
                }
                stack.extend(obj.values().map(|c| (c, depth + 1)));
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::{Context, Engine};
    use serde_json::json;

    fn render(template: &str, ctx: serde_json::Value) -> String {
        let ctx = Context::appsync(ctx).unwrap();
        Engine::new()
            .compile("t", template)
            .unwrap()
            .render(&ctx)
            .unwrap()
            .output
    }

    #[test]
    fn nested_collections_are_the_same_object_however_reached() {
        let ctx = json!({"arguments": {"input": {"name": "Frankie"}, "list": [1, {"k": 1}]}});
        assert_eq!(
            render(
                "#set($in = $ctx.args.input)$util.qr($in.put('userId', 'u1'))$ctx.arguments.input",
                ctx.clone()
            ),
            "{name=Frankie, userId=u1}"
        );
        assert_eq!(
            render(
                "#set($l = $ctx.args.list)$util.qr($l.add(3))$ctx.args.list.size() $ctx.args.list",
                ctx.clone()
            ),
            "3 [1, {k=1}, 3]"
        );
        // An item changed inside a loop is changed in the list.
        assert_eq!(
            render(
                "#foreach($x in $ctx.args.list)#if($x.k)$util.qr($x.put('k', 2))#end#end$ctx.args.list[1].k",
                ctx
            ),
            "2"
        );
    }

    #[test]
    fn entries_keep_their_json_order_after_some_were_read() {
        let ctx = json!({"arguments": {"a": 1, "b": {"x": 1}, "c": [2], "d": "s"}});
        assert_eq!(
            render(
                "$ctx.args.c.size()$ctx.args.b.x $ctx.args $ctx.args.keySet()",
                ctx
            ),
            "11 {a=1, b={x=1}, c=[2], d=s} [a, b, c, d]"
        );
    }

    #[test]
    fn puts_on_a_json_backed_map_keep_linked_hash_map_order() {
        let ctx = json!({"arguments": {"a": 1, "b": {"x": 1}}});
        assert_eq!(
            render(
                "$util.qr($ctx.args.put('z', 1))$ctx.args.put('a', 9) $ctx.args.size() $ctx.args.b.x $ctx.args $ctx.args.put('z', 2)",
                ctx
            ),
            "1 3 1 {a=9, b={x=1}, z=1} 1"
        );
    }

    #[test]
    fn sizes_and_missing_keys_without_conversion() {
        let ctx = json!({"arguments": {"l": [1, 2, 3], "m": {"a": null}}});
        assert_eq!(
            render(
                "$ctx.args.l.size() $ctx.args.m.size() $ctx.args.m.containsKey('a') $!ctx.args.m.b $ctx.args.m.isEmpty()",
                ctx
            ),
            "3 1 true  false"
        );
    }

    #[test]
    fn depth_is_checked_without_recursion() {
        let mut deep = json!(1);
        for _ in 0..5000 {
            deep = serde_json::Value::Array(vec![deep]);
        }
        assert!(super::deeper_than(&deep, 512));
        assert!(!super::deeper_than(&deep, 5000));
        // Drop iteratively-built JSON without deep recursion.
        std::mem::forget(deep);
    }
}
