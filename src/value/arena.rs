//! Breaking reference cycles at the end of a render.
//!
//! Lists and maps are reference counted, so a template that puts a collection into itself
//! (`$l.add($l)`, `$m.put('me', $m)`) makes a cycle that would outlive the render and leak.
//! While a render runs, every collection it creates is noted here (as a weak reference);
//! when the render ends, the ones still alive are emptied, which breaks every cycle. Nothing
//! leaves a render as a template value (outcomes are converted to JSON first), so this is
//! safe.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::{ListCell, MapCell};

enum Collection {
    List(Weak<ListCell>),
    Map(Weak<MapCell>),
}

thread_local! {
    /// One entry per running render on this thread (renders can nest: a data source may
    /// render another template).
    static RENDERS: RefCell<Vec<Vec<Collection>>> = const { RefCell::new(Vec::new()) };
    /// The last finished render's list, emptied, so the next render does not grow a new
    /// one (kept only while small).
    static SPARE: RefCell<Vec<Collection>> = const { RefCell::new(Vec::new()) };
}

/// Lists up to this capacity are kept for the next render.
const KEEP_CAPACITY: usize = 256;

pub(super) fn note_list(cell: &Rc<ListCell>) {
    note(|| Collection::List(Rc::downgrade(cell)));
}

pub(super) fn note_map(cell: &Rc<MapCell>) {
    // (Once per cell: every put over a map's JSON notes it, and a loop of puts grew the
    // list by an entry per put.)
    if !cell.noted.get() && note(|| Collection::Map(Rc::downgrade(cell))) {
        cell.noted.set(true);
    }
}

/// Notes a collection in the current render's list; false outside any render.
fn note(make: impl FnOnce() -> Collection) -> bool {
    RENDERS.with(|r| {
        if let Ok(mut renders) = r.try_borrow_mut()
            && let Some(current) = renders.last_mut()
        {
            current.push(make());
            return true;
        }
        false
    })
}

/// Marks a render; dropping it empties the collections the render created.
pub(crate) struct RenderScope(());

impl RenderScope {
    pub(crate) fn begin() -> RenderScope {
        let list = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
        RENDERS.with(|r| r.borrow_mut().push(list));
        RenderScope(())
    }
}

impl Drop for RenderScope {
    fn drop(&mut self) {
        let mut created = RENDERS.with(|r| r.borrow_mut().pop()).unwrap_or_default();
        for c in created.drain(..) {
            // Take the contents out first, and drop them after the borrow ends: dropping a
            // value may drop other collections, which must not find this one borrowed.
            match c {
                Collection::List(w) => {
                    if let Some(cell) = w.upgrade() {
                        let items = std::mem::take(&mut *cell.items.borrow_mut());
                        super::spare::drop_values(items);
                        cell.json.borrow_mut().take();
                    }
                }
                Collection::Map(w) => {
                    if let Some(cell) = w.upgrade() {
                        let entries = std::mem::take(&mut *cell.entries.borrow_mut());
                        drop(entries);
                        cell.json.borrow_mut().take();
                    }
                }
            }
        }
        if created.capacity() <= KEEP_CAPACITY {
            SPARE.with(|s| *s.borrow_mut() = created);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{RENDERS, RenderScope};
    use crate::value::{Map, Value, lazy::JsonAt};

    fn noted() -> usize {
        RENDERS.with(|r| r.borrow().last().map_or(0, Vec::len))
    }

    #[test]
    fn a_map_is_noted_once_however_often_it_is_put_into() {
        let _scope = RenderScope::begin();
        let map = Map::lazy(JsonAt::root(std::sync::Arc::new(
            serde_json::json!({"a": 1}),
        )));
        for i in 0..100 {
            map.put(Value::str("k"), Value::Int(i));
            map.insert(Value::str("j"), Value::Int(i));
        }
        assert_eq!(noted(), 1);
        // Converting it does not note it again either.
        assert_eq!(map.len(), 3);
        let _ = map.borrow();
        assert_eq!(noted(), 1);
    }
}
