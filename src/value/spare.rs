//! What happens to the contents of a list or map when it is dropped.
//!
//! **No recursion.** A template can nest collections as deep as it likes
//! (`#set($l = [$l])` in a loop), and dropping such a value recursively overflowed the
//! stack: a million levels aborted the process. Contents are dropped from a work list
//! instead: a collection that nothing else holds has its own contents moved onto the list
//! before its cell goes, so no drop runs inside another.
//!
//! **Cells kept for reuse.** A `#foreach` over the caller's JSON makes one small map per
//! item, and the render drops them all with the list when it ends. Through glibc's
//! allocator that pair cost ~270 instructions per item (the dropped cells fill its fast
//! bins, the next render's first large allocation consolidates them, and the next cells
//! are carved out again one by one): more than a typical loop body's reads. So when a
//! list's items are dropped, the maps among them that nothing else refers to and that were
//! never changed are kept here, and the next JSON-backed maps reuse them. Only the contents
//! of lists and maps do this (a hook on every map handle's drop cost as much as it saved);
//! the number kept is bounded, so memory stays constant.

use std::cell::RefCell;
use std::rc::Rc;

use super::{MapCell, Value};

/// Cells kept per thread at most (each ~120 bytes).
const MAX_SPARE: usize = 4096;

thread_local! {
    static SPARE: RefCell<Vec<Rc<MapCell>>> = const { RefCell::new(Vec::new()) };
}

/// A kept cell for a new JSON-backed map, if there is one. It is reset, and the only
/// reference to it.
pub(super) fn take() -> Option<Rc<MapCell>> {
    SPARE
        .try_with(|spare| spare.try_borrow_mut().ok()?.pop())
        .ok()
        .flatten()
}

/// Drops `values` (the contents of a list or map being dropped) without recursion, keeping
/// the cells of untouched maps among them for reuse.
pub(super) fn drop_values(values: Vec<Value>) {
    if values.is_empty() {
        return;
    }
    // (Taken out of the thread-local for the whole drop: a cell's own drop that drops
    // more values finds it empty, which is harmless.)
    let mut spare = SPARE
        .try_with(|s| s.try_borrow_mut().ok().map(|mut s| std::mem::take(&mut *s)))
        .ok()
        .flatten();
    let mut work = values;
    while let Some(value) = work.pop() {
        match value {
            Value::Map(super::Map(mut cell)) => {
                // (`get_mut`: no other strong or weak reference, the arena's included.)
                if let Some(spare) = spare.as_mut()
                    && spare.len() < MAX_SPARE
                    && let Some(c) = Rc::get_mut(&mut cell)
                    && c.entries.get_mut().capacity() == 0
                {
                    c.reset();
                    spare.push(cell);
                    continue;
                }
                if Rc::strong_count(&cell) == 1
                    && let Ok(mut entries) = cell.entries.try_borrow_mut()
                {
                    for (k, v) in std::mem::take(&mut *entries) {
                        push_nested(&mut work, k);
                        push_nested(&mut work, v);
                    }
                }
            }
            Value::List(super::List(cell)) => {
                if Rc::strong_count(&cell) == 1
                    && let Ok(mut items) = cell.items.try_borrow_mut()
                {
                    work.append(&mut items);
                }
            }
            Value::Entry(entry) => {
                if let Ok(mut pair) = Rc::try_unwrap(entry) {
                    push_nested(&mut work, std::mem::take(&mut pair.0));
                    push_nested(&mut work, std::mem::take(pair.1.get_mut()));
                }
            }
            Value::Object(super::Object::View(map, _)) => work.push(Value::Map(map)),
            _ => {}
        }
    }
    if let Some(spare) = spare {
        let _ = SPARE.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                *s = spare;
            }
        });
    }
}

/// Whether dropping `v` can drop other values (a collection, an entry, a view).
#[inline]
pub(super) fn holds_values(v: &Value) -> bool {
    matches!(
        v,
        Value::List(_) | Value::Map(_) | Value::Entry(_) | Value::Object(super::Object::View(..))
    )
}

/// Whether dropping `v` would drop a collection that holds more: a value nothing else
/// holds, with a collection, entry or view inside. (Dropping anything else goes one level
/// down at most.)
#[inline]
pub(super) fn drops_deep(v: &Value) -> bool {
    match v {
        Value::List(l) => {
            Rc::strong_count(&l.0) == 1
                && l.0
                    .items
                    .try_borrow()
                    .map_or(true, |items| items.iter().any(holds_values))
        }
        Value::Map(m) | Value::Object(super::Object::View(m, _)) => {
            Rc::strong_count(&m.0) == 1
                && m.0.entries.try_borrow().map_or(true, |entries| {
                    entries
                        .iter()
                        .any(|(k, v)| holds_values(k) || holds_values(v))
                })
        }
        Value::Entry(e) => {
            Rc::strong_count(e) == 1
                && (holds_values(&e.0) || e.1.try_borrow().is_ok_and(|v| holds_values(&v)))
        }
        _ => false,
    }
}

/// Puts `v` on the work list if dropping it can drop more; drops it here otherwise.
fn push_nested(work: &mut Vec<Value>, v: Value) {
    if holds_values(&v) {
        work.push(v);
    }
}

#[cfg(test)]
mod tests {
    use crate::{Context, Engine};
    use serde_json::json;

    #[test]
    fn reused_item_maps_read_their_own_json_only() {
        let engine = Engine::new();
        let t = engine
            .compile(
                "t",
                "#foreach($x in $ctx.args.l)$x.k$!x.gone,#end$ctx.args.l.size()",
            )
            .unwrap();
        let render = |l: serde_json::Value| {
            let ctx = Context::appsync(json!({"arguments": {"l": l}})).unwrap();
            t.render(&ctx).unwrap().output
        };
        assert_eq!(render(json!([{"k": 1, "gone": "a"}, {"k": 2}])), "1a,2,2");
        // The next renders get the cells back: nothing of the first render's items shows.
        assert_eq!(render(json!([{"k": 3}, {"k": 4}, {"k": 5}])), "3,4,5,3");
        assert_eq!(render(json!([{"x": 0}])), "$x.k,1");
        // Items changed in one render are not kept; unchanged ones read fresh JSON.
        let changer = engine
            .compile(
                "c",
                "#foreach($x in $ctx.args.l)$util.qr($x.put('k', 9))#end$ctx.args.l",
            )
            .unwrap();
        let ctx = Context::appsync(json!({"arguments": {"l": [{"k": 1}, {"k": 2}]}})).unwrap();
        assert_eq!(changer.render(&ctx).unwrap().output, "[{k=9}, {k=9}]");
        assert_eq!(render(json!([{"k": 6}, {"k": 7}])), "6,7,2");
    }

    #[test]
    fn kept_cells_are_reset() {
        // A `$ctx` whose `args` alias is still deferred can end up in a list
        // (`$l.add($ctx)`); its cell, kept when the list's items are dropped, must not carry
        // the pending alias to the next map that reuses it.
        let json = std::sync::Arc::new(json!({"arguments": {"a": 1}}));
        let map = super::super::Map::lazy(super::super::lazy::JsonAt::root(json));
        map.defer_args_alias();
        map.0.noted.set(true);
        super::drop_values(vec![super::super::Value::Map(map)]);
        let cell = super::take().expect("the cell was kept");
        assert!(!cell.args_alias.get());
        assert!(cell.json.borrow().is_none());
        assert_eq!(cell.mods.get(), 0);
        assert!(!cell.noted.get());
    }
}
