//! Cells of JSON-backed maps kept for reuse between renders on a thread.
//!
//! A `#foreach` over the caller's JSON makes one small map per item, and the render drops
//! them all with the list when it ends. Through glibc's allocator that pair cost ~270
//! instructions per item (the dropped cells fill its fast bins, the next render's first
//! large allocation consolidates them, and the next cells are carved out again one by one):
//! more than a typical loop body's reads. So when a list's items are dropped, the maps among
//! them that nothing else refers to and that were never changed are kept here, and the next
//! JSON-backed maps reuse them. Only lists do this (a hook on every map handle's drop cost
//! as much as it saved); the number kept is bounded, so memory stays constant.

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

/// Drops a list's items, keeping the cells of untouched maps among them for reuse.
pub(super) fn drop_items(items: Vec<Value>) {
    let Ok(Ok(mut spare)) =
        SPARE.try_with(|s| s.try_borrow_mut().map(|mut s| std::mem::take(&mut *s)))
    else {
        return;
    };
    for item in items {
        // (The store is out of the thread-local meanwhile: an item's drop that drops
        // another list finds it empty, which is harmless.)
        let Value::Map(super::Map(mut cell)) = item else {
            continue;
        };
        // (`get_mut`: no other strong or weak reference, the arena's included.)
        if spare.len() < MAX_SPARE
            && let Some(c) = Rc::get_mut(&mut cell)
            && c.entries.get_mut().capacity() == 0
        {
            c.reset();
            spare.push(cell);
        }
    }
    let _ = SPARE.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = spare;
        }
    });
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
        super::drop_items(vec![super::super::Value::Map(map)]);
        let cell = super::take().expect("the cell was kept");
        assert!(!cell.args_alias.get());
        assert!(cell.json.borrow().is_none());
        assert_eq!(cell.mods.get(), 0);
    }
}
