//! Java iterators over lists and map views (`$list.iterator()`, `$list.listIterator()`,
//! `$map.keySet().iterator()`), with the JDK's fail-fast rules.
//!
//! The two JDK families differ in when they notice a change to their collection, and
//! templates see the difference: `ArrayList`'s iterator answers `hasNext()` from its cursor
//! and the list's current size, while `LinkedHashMap`'s answers from the node it fetched
//! last, before any change. `#foreach` follows the same rules (see `eval::foreach`).

use std::cell::Cell;

use super::methods::{CallResult, Thrown};
use super::{List, Map, MapView, Value};

/// What an iterator walks.
#[derive(Clone)]
pub(crate) enum Source {
    /// An `ArrayList`.
    List(List),
    /// A view of a `LinkedHashMap`.
    Map(Map, MapView),
}

/// A Java iterator (`ArrayList$Itr`, `ArrayList$ListItr`, `LinkedHashMap$Linked*Iterator`).
pub struct JavaIter {
    source: Source,
    /// `listIterator()`: also walks backwards and sets or adds at the cursor.
    list_iterator: bool,
    /// Index of the element `next()` returns.
    cursor: Cell<usize>,
    /// Index of the element last returned, which `remove()` and `set()` act on.
    last: Cell<Option<usize>>,
    /// The collection's modification count this iterator expects.
    expected: Cell<u32>,
    /// Map iterators: whether a node followed the last one returned, when it was returned.
    map_has_next: Cell<bool>,
}

impl std::fmt::Debug for JavaIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JavaIter")
            .field("class", &self.class_name())
            .field("cursor", &self.cursor.get())
            .finish()
    }
}

fn no_such_element() -> Thrown {
    "java.util.NoSuchElementException".into()
}

fn illegal_state() -> Thrown {
    "java.lang.IllegalStateException".into()
}

fn concurrent_modification() -> Thrown {
    "java.util.ConcurrentModificationException".into()
}

impl JavaIter {
    /// An iterator at `start` (`listIterator(index)`), or at the first element.
    pub(crate) fn new(source: Source, list_iterator: bool, start: usize) -> JavaIter {
        let (mods, len) = match &source {
            Source::List(l) => (l.mods(), l.len()),
            Source::Map(m, _) => (m.mods(), m.len()),
        };
        JavaIter {
            source,
            list_iterator,
            cursor: Cell::new(start),
            last: Cell::new(None),
            expected: Cell::new(mods),
            map_has_next: Cell::new(len > 0),
        }
    }

    /// The JDK class, as `getClass().getName()` gives it.
    pub(crate) fn class_name(&self) -> &'static str {
        match (&self.source, self.list_iterator) {
            (Source::List(_), false) => "java.util.ArrayList$Itr",
            (Source::List(_), true) => "java.util.ArrayList$ListItr",
            (Source::Map(_, MapView::Keys), _) => "java.util.LinkedHashMap$LinkedKeyIterator",
            (Source::Map(_, MapView::Values), _) => "java.util.LinkedHashMap$LinkedValueIterator",
            (Source::Map(_, MapView::Entries), _) => "java.util.LinkedHashMap$LinkedEntryIterator",
        }
    }

    /// The class's simple name.
    pub(crate) fn simple_class(&self) -> &'static str {
        let full = self.class_name();
        full.rsplit(['.', '$']).next().unwrap_or(full)
    }

    fn mods(&self) -> u32 {
        match &self.source {
            Source::List(l) => l.mods(),
            Source::Map(m, _) => m.mods(),
        }
    }

    fn check(&self) -> Result<(), Thrown> {
        if self.mods() == self.expected.get() {
            Ok(())
        } else {
            Err(concurrent_modification())
        }
    }

    /// `hasNext()`.
    pub(crate) fn has_next(&self) -> bool {
        match &self.source {
            Source::List(l) => self.cursor.get() != l.len(),
            Source::Map(..) => self.map_has_next.get(),
        }
    }

    /// `next()`.
    pub(crate) fn next(&self) -> CallResult {
        self.check()?;
        let i = self.cursor.get();
        let item = match &self.source {
            Source::List(l) => l.get(i),
            Source::Map(m, view) if self.map_has_next.get() => m.view_item(*view, i),
            Source::Map(..) => None,
        };
        let item = item.ok_or_else(no_such_element)?;
        self.cursor.set(i + 1);
        self.last.set(Some(i));
        if let Source::Map(m, _) = &self.source {
            self.map_has_next.set(i + 1 < m.len());
        }
        Ok(item)
    }

    /// `remove()`: removes the element last returned.
    fn remove(&self) -> CallResult {
        let last = self.last.get().ok_or_else(illegal_state)?;
        self.check()?;
        match &self.source {
            Source::List(l) => {
                l.borrow_mut(true).remove(last);
                self.cursor.set(last);
            }
            Source::Map(m, _) => {
                m.borrow_mut(true).shift_remove_index(last);
                self.cursor.set(self.cursor.get().saturating_sub(1));
            }
        }
        self.last.set(None);
        self.expected.set(self.mods());
        Ok(super::methods::void())
    }

    /// `previous()` of a list iterator.
    fn previous(&self, list: &List) -> CallResult {
        self.check()?;
        let i = self
            .cursor
            .get()
            .checked_sub(1)
            .ok_or_else(no_such_element)?;
        let item = list.get(i).ok_or_else(concurrent_modification)?;
        self.cursor.set(i);
        self.last.set(Some(i));
        Ok(item)
    }

    /// Calls a method of `Iterator` / `ListIterator`; `None` when there is no such method.
    pub(crate) fn call(&self, name: &str, args: &[Value]) -> Option<CallResult> {
        Some(match (name, args) {
            ("hasNext", []) => Ok(Value::Bool(self.has_next())),
            ("next", []) => self.next(),
            ("remove", []) => self.remove(),
            _ => {
                let Source::List(list) = &self.source else {
                    return None;
                };
                if !self.list_iterator {
                    return None;
                }
                self.list_call(list, name, args)?
            }
        })
    }

    fn list_call(&self, list: &List, name: &str, args: &[Value]) -> Option<CallResult> {
        let cursor = self.cursor.get();
        Some(match (name, args) {
            ("hasPrevious", []) => Ok(Value::Bool(cursor != 0)),
            ("previous", []) => self.previous(list),
            ("nextIndex", []) => Ok(Value::Int(cursor as i32)),
            ("previousIndex", []) => Ok(Value::Int(cursor as i32 - 1)),
            ("set", [x]) => {
                let Some(last) = self.last.get() else {
                    return Some(Err(illegal_state()));
                };
                if let Err(e) = self.check() {
                    return Some(Err(e));
                }
                match list.borrow_mut(false).get_mut(last) {
                    Some(slot) => *slot = x.clone(),
                    None => return Some(Err(concurrent_modification())),
                }
                Ok(super::methods::void())
            }
            ("add", [x]) => {
                if let Err(e) = self.check() {
                    return Some(Err(e));
                }
                if cursor > list.len() {
                    return Some(Err(concurrent_modification()));
                }
                list.borrow_mut(true).insert(cursor, x.clone());
                self.cursor.set(cursor + 1);
                self.last.set(None);
                self.expected.set(self.mods());
                Ok(super::methods::void())
            }
            _ => return None,
        })
    }
}
