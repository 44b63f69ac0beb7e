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

use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value as J;

use super::{List, Map, Value};

/// Where a JSON-backed collection's JSON is: a pointer into a shared root.
///
/// Reading `$item.qty` for every row of a list used to walk a path of parent links from the
/// root at each read and allocate a path node per collection handed out; with a pointer the
/// read is one load and handing a collection out allocates nothing (core_loop, 200 rows:
/// 2.41M → 2.18M instructions per render). The pointer is sound because the tree it points into is immutable
/// and kept alive by `root` (see [`JsonAt::json`]).
///
/// The root is held through an `Rc` made once per render: every collection handed out
/// clones it, and an `Arc` clone is an atomic increment (and its drop an atomic decrement),
/// ~20 cycles each for the 200 items of a loop.
#[derive(Clone)]
pub(crate) struct JsonAt {
    /// Keeps the tree alive. Never mutated: no `&mut` to the JSON can exist while a
    /// `JsonAt` into it does. (Not redundant: the `Rc` is what makes clones cheap.)
    #[allow(clippy::redundant_allocation)]
    root: Rc<Arc<J>>,
    /// A node inside `root`'s tree (reached from it through [`JsonAt::child`]).
    at: NonNull<J>,
}

impl JsonAt {
    /// The root of `json`.
    pub(crate) fn root(json: Arc<J>) -> JsonAt {
        let at = NonNull::from(&*json);
        JsonAt {
            root: Rc::new(json),
            at,
        }
    }

    /// The node `pick` reaches from this one. `pick` is given this node and can only
    /// return something borrowed from it (or a `'static` value): the result stays inside
    /// the tree `root` keeps alive.
    /// `None` cannot happen for the paths made here (only from entries that exist); it
    /// would read as null.
    pub(crate) fn child(&self, pick: impl for<'a> FnOnce(&'a J) -> Option<&'a J>) -> JsonAt {
        static NULL: J = J::Null;
        let at = NonNull::from(pick(self.json()).unwrap_or(&NULL));
        JsonAt {
            root: self.root.clone(),
            at,
        }
    }

    /// The JSON this points at.
    pub(crate) fn json(&self) -> &J {
        // SAFETY: `at` was made from a shared borrow of a node of the tree owned by the
        // `Arc` in `root` (by `root` itself, or by `child`, whose `pick` can only return a
        // node borrowed from its argument or a `'static` one); the `Rc` around the `Arc`
        // only adds an owner. That tree lives on the heap as long as `root`, which `self`
        // holds; it never moves (an `Arc`'s contents stay put) and is never mutated: `Arc`
        // hands out `&mut` only to a sole owner (`get_mut`/`make_mut`), and while `self`
        // holds a count no other owner is sole.
        // The returned borrow is tied to `&self`, so it cannot outlive `root`.
        #[allow(unsafe_code)]
        unsafe {
            self.at.as_ref()
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
    let J::Object(obj) = at.json() else {
        return overrides;
    };
    let mut out = super::Entries::with_capacity(obj.len() + overrides.len());
    for (position, (k, v)) in obj.iter().enumerate() {
        let kept = if overrides.is_empty() {
            None
        } else {
            overrides.shift_remove_str(k)
        };
        let key: Arc<str> = Arc::from(k.as_str());
        let value = kept.unwrap_or_else(|| value_at(v, || entry_at(at, k, position)));
        out.insert(Value::Str(key), value);
    }
    out.extend(overrides);
    out
}

/// The items of a JSON-backed list, one level deep.
pub(crate) fn items(at: &JsonAt) -> Vec<Value> {
    match at.json() {
        J::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| value_at(v, || at.child(|j| j.as_array()?.get(i))))
            .collect(),
        _ => Vec::new(),
    }
}

/// Entry `key` of a JSON-backed map, without copying the others, and whether it is a
/// collection: those are returned as JSON-backed values that the caller must keep (see
/// [`Map::get_str`]).
pub(crate) fn entry(at: &JsonAt, key: &str) -> Option<(Value, bool)> {
    let obj = at.json().as_object()?;
    let (position, json) = find_at(obj, key)?;
    if matches!(json, J::Array(_) | J::Object(_)) {
        return Some((value_at(json, || entry_at(at, key, position)), true));
    }
    Some((super::convert::scalar(json), false))
}

/// Whether a JSON-backed map has `key`, and whether its value is null.
pub(crate) fn probe(at: &JsonAt, key: &str) -> Option<bool> {
    let json = find(at.json().as_object()?, key)?;
    Some(json.is_null())
}

/// Entry `key` of the object at `at`, the `position`th.
pub(crate) fn entry_at(at: &JsonAt, key: &str, position: usize) -> JsonAt {
    at.child(|j| {
        let obj = j.as_object()?;
        if obj.len() <= SMALL {
            obj.values().nth(position)
        } else {
            obj.get(key)
        }
    })
}

/// `obj[key]`. Context objects are small: comparing a few keys is cheaper than hashing one
/// (serde_json's maps hash with SipHash).
#[inline]
pub(crate) fn find<'j>(obj: &'j serde_json::Map<String, J>, key: &str) -> Option<&'j J> {
    find_at(obj, key).map(|(_, v)| v)
}

/// Objects up to this size are searched and walked in order rather than hashed.
const SMALL: usize = 16;

/// `obj[key]` and its position (for a large object, the position is not needed).
#[inline]
fn find_at<'j>(obj: &'j serde_json::Map<String, J>, key: &str) -> Option<(usize, &'j J)> {
    if obj.len() <= SMALL {
        // Keys rarely share a length and first byte: most are ruled out before a full
        // comparison.
        obj.iter()
            .enumerate()
            .find(|(_, (k, _))| {
                k.len() == key.len()
                    && k.as_bytes().first() == key.as_bytes().first()
                    && same_bytes(k.as_bytes(), key.as_bytes())
            })
            .map(|(i, (_, v))| (i, v))
    } else {
        obj.get(key).map(|v| (0, v))
    }
}

/// `a == b` for two slices of the same length, without a call to `memcmp` for the short
/// ones (keys are mostly 2 to 16 bytes): two overlapping loads from each end. A property
/// read in a loop (`$item.qty`) runs ~20 instructions fewer.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word<const N: usize>(s: &[u8], at: usize) -> [u8; N] {
        s.get(at..at + N)
            .and_then(|w| <[u8; N]>::try_from(w).ok())
            .unwrap_or([0; N])
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..4 => a.first() == b.first() && a.last() == b.last() && a.get(n / 2) == b.get(n / 2),
        4..8 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        _ => a == b,
    }
}

/// Number of items at `at` (a JSON-backed list).
pub(crate) fn len(at: &JsonAt) -> usize {
    match at.json() {
        J::Array(items) => items.len(),
        J::Object(obj) => obj.len(),
        _ => 0,
    }
}

/// Number of entries of a JSON-backed map with `overrides`.
pub(crate) fn len_with(at: &JsonAt, overrides: &super::Entries) -> usize {
    match at.json() {
        J::Object(obj) => {
            obj.len()
                + overrides
                    .keys()
                    .filter(|k| !matches!(k, Value::Str(s) if find(obj, s).is_some()))
                    .count()
        }
        _ => overrides.len(),
    }
}

/// Whether `json` nests deeper than `max`. Checked for every new context, so it is a walk
/// of the containers only, stopping at `max` levels: the recursion is bounded by `max`
/// whatever the JSON (which may be built in memory to any depth). (It used to push every
/// node, scalars included, on a heap stack: 46k instructions for core_loop's context, now
/// 21k.)
pub(crate) fn deeper_than(json: &J, max: usize) -> bool {
    // (Scalars are skipped without a call: most nodes are scalars.)
    let deeper = |c: &J| matches!(c, J::Array(_) | J::Object(_)) && deeper_than(c, max - 1);
    match json {
        J::Array(items) => max == 0 || items.iter().any(deeper),
        J::Object(obj) => max == 0 || obj.values().any(deeper),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::{Context, Engine};
    use serde_json::json;

    #[test]
    fn same_bytes_compares_every_position_of_every_length() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(super::same_bytes(&a, &a.clone()), "length {n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!super::same_bytes(&a, &b), "length {n}, differing at {at}");
            }
            assert!(!super::same_bytes(&a, &[a.as_slice(), b"x"].concat()));
        }
    }

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
    fn depth_check_stops_at_the_limit() {
        let nested = |n: usize| {
            let mut deep = json!(1);
            for _ in 0..n {
                deep = serde_json::Value::Array(vec![deep]);
            }
            deep
        };
        // The check goes no deeper than the limit, however deep the JSON.
        let deep = nested(100_000);
        assert!(super::deeper_than(&deep, 512));
        // (Dropped without the deep recursion serde_json's drop would need.)
        std::mem::forget(deep);
        // 512 nested containers reach depth 511: within a limit of 512; 513 are not.
        assert!(!super::deeper_than(&nested(512), 512));
        assert!(super::deeper_than(&nested(513), 512));
        let wide = json!({"a": [1, {"b": 2}], "c": {"d": [3, [4]]}});
        assert!(!super::deeper_than(&wide, 4));
        assert!(super::deeper_than(&wide, 3));
    }
}
