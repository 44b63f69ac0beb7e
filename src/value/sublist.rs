//! `List.subList(from, to)`: a live window on a list, as Java's `ArrayList$SubList`.
//!
//! A view is a [`List`] of its own (so every reader, `$util` helper and JSON writer takes it
//! as a list) whose items are a copy of its window, refreshed whenever the list behind has
//! changed since, and written back to that list after each change made through the view.
//! Like the JDK's, a view fails with `ConcurrentModificationException` once its list has
//! been resized by anything but the view itself.

use std::cell::{Cell, RefMut};

use super::{List, Value};

/// What a view needs to find its window.
pub(super) struct SubLink {
    /// The `ArrayList` at the bottom of the chain of views.
    root: List,
    /// The view this one was taken from, whose size follows this one's changes.
    parent: Option<List>,
    /// Where the window starts in `root`.
    offset: usize,
    /// How many items the window holds.
    size: Cell<usize>,
    /// `root`'s modification count this view expects.
    expected: Cell<u32>,
    /// `root`'s change counter when the items were last copied.
    seen: Cell<u32>,
}

impl List {
    /// `subList(from, to)` of this list (bounds already checked).
    pub(crate) fn sub_list(&self, from: usize, to: usize) -> List {
        let (root, offset) = match self.link() {
            Some(link) => (link.root.clone(), link.offset + from),
            None => (self.clone(), from),
        };
        let link = SubLink {
            parent: self.link().is_some().then(|| self.clone()),
            offset,
            size: Cell::new(to - from),
            expected: Cell::new(root.mods()),
            // (Never equal to a change count: the first read copies the window.)
            seen: Cell::new(root.changes().wrapping_sub(1)),
            root,
        };
        List::view(link)
    }

    /// Whether this is a view its list has been resized under.
    pub(crate) fn stale_view(&self) -> bool {
        self.link()
            .is_some_and(|link| link.root.mods() != link.expected.get())
    }

    /// Copies the window again if the list behind changed since the last copy.
    pub(super) fn refresh_view(&self, link: &SubLink) {
        let changes = link.root.changes();
        if link.seen.get() == changes {
            return;
        }
        let window = {
            let root = link.root.borrow();
            let end = (link.offset + link.size.get()).min(root.len());
            root.get(link.offset.min(end)..end)
                .map(<[Value]>::to_vec)
                .unwrap_or_default()
        };
        // (Skipped, not a panic, if someone holds the items: the copy is then current.)
        if let Ok(mut items) = self.0.items.try_borrow_mut() {
            *items = window;
            link.seen.set(changes);
        }
    }
}

/// The items of a list, borrowed for a change. For a view, dropping it writes the change
/// back into the list behind.
pub struct ItemsMut<'a> {
    items: RefMut<'a, Vec<Value>>,
    list: &'a List,
    structural: bool,
}

impl<'a> ItemsMut<'a> {
    pub(super) fn new(items: RefMut<'a, Vec<Value>>, list: &'a List, structural: bool) -> Self {
        ItemsMut {
            items,
            list,
            structural,
        }
    }
}

impl std::fmt::Debug for ItemsMut<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemsMut")
            .field("structural", &self.structural)
            .finish()
    }
}

impl std::ops::Deref for ItemsMut<'_> {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.items
    }
}

impl std::ops::DerefMut for ItemsMut<'_> {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.items
    }
}

impl Drop for ItemsMut<'_> {
    fn drop(&mut self) {
        let Some(link) = self.list.link() else {
            return;
        };
        let window = self.items.clone();
        let old = link.size.get();
        let new = window.len();
        {
            let mut root = link.root.borrow_mut(self.structural);
            let end = (link.offset + old).min(root.len());
            let start = link.offset.min(end);
            root.splice(start..end, window);
        }
        // The view and the views it was taken from now span the changed window.
        let mods = link.root.mods();
        let mut at = Some(self.list.clone());
        while let Some(view) = at {
            let Some(l) = view.link() else { break };
            l.size.set((l.size.get() + new).saturating_sub(old));
            l.expected.set(mods);
            at = l.parent.clone();
        }
        link.seen.set(link.root.changes());
    }
}
