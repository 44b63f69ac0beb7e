//! The runtime value: Java's object model as Velocity templates see it.
//!
//! Numbers keep their Java class (`Integer`, `Long`, `BigInteger`, `Double`) because it shows
//! in output (`1` vs `1.0`) and in method and equality rules. Lists and maps are shared by
//! reference and mutable, like Java's `ArrayList` and `LinkedHashMap`: after
//! `#set($input = $ctx.args.input)`, `$input.put(...)` is visible through `$ctx.args.input`.
//! Cloning a [`Value`] is cheap (a reference count at most).
//!
//! Values live inside one render (they use `Rc`); what leaves a render is converted to
//! `serde_json::Value`.

pub(crate) mod arena;
pub(crate) mod boxed;
pub(crate) mod convert;
mod entries;
pub(crate) mod format;
pub(crate) mod iter;
pub(crate) mod lazy;
pub(crate) mod methods;
mod namespace;
pub(crate) mod ops;
mod spare;
mod sublist;

use std::cell::{Cell, Ref, RefCell, RefMut};
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::{Arc, LazyLock};

pub use entries::Entries;
pub(crate) use namespace::Namespace;
use num_bigint::BigInt;

use crate::ast::Block;

pub(crate) use convert::{MAX_JSON_DEPTH, fits_node_limit, from_json, to_json, to_json_checked};

/// Hasher for template maps: fast, and seeded per process so keys from a template cannot be
/// chosen to collide.
pub(crate) type MapHasher = foldhash::fast::RandomState;

/// A value during a render.
#[derive(Clone, Default)]
pub enum Value {
    /// Java `null` (also what an undefined reference evaluates to).
    #[default]
    Null,
    /// `java.lang.Boolean`
    Bool(bool),
    /// `java.lang.Integer`
    Int(i32),
    /// `java.lang.Long`
    Long(i64),
    /// `java.math.BigInteger`
    BigInt(Rc<BigInt>),
    /// `java.lang.Double`
    Double(f64),
    /// `java.lang.Float` (from `floatValue()`, `Float.valueOf`...)
    Float(f32),
    /// `java.lang.Short` (from `shortValue()`...)
    Short(i16),
    /// `java.lang.Byte` (from `byteValue()`, the elements of `getBytes()`)
    Byte(i8),
    /// `java.lang.String`
    Str(Arc<str>),
    /// `java.lang.Character` (from `String.charAt`)
    Char(char),
    /// `java.util.ArrayList`
    List(List),
    /// `java.util.LinkedHashMap`
    Map(Map),
    /// `java.util.Map.Entry` (from `entrySet()`)
    Entry(Rc<EntryPair>),
    /// Engine objects: `$util` and its namespaces, `$foreach`, `#define` blocks.
    Object(Object),
}

/// Objects the engine puts in templates that are not plain data.
#[derive(Clone)]
pub enum Object {
    /// `$util` or one of its namespaces.
    Util(Namespace),
    /// `$foreach` inside a loop.
    Loop(Rc<LoopInfo>),
    /// A `#define`d block, rendered when referenced.
    Block(Block),
    /// A `java.lang.Class` (`$x.class`), by fully qualified name.
    Class(&'static str),
    /// A live view of a map: `keySet()`, `values()` or `entrySet()`. Like Java's, it sees
    /// later changes to the map, and iterating it fails if the map changes meanwhile.
    View(Map, MapView),
    /// A Java iterator over a list or a map view (`$list.iterator()`).
    Iter(Rc<iter::JavaIter>),
}

impl std::fmt::Debug for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&Value::Object(self.clone()), f)
    }
}

/// Which view of a map an [`Object::View`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapView {
    /// `keySet()`
    Keys,
    /// `values()`
    Values,
    /// `entrySet()`
    Entries,
}

/// What `$foreach` exposes inside a `#foreach`.
#[derive(Debug)]
pub struct LoopInfo {
    /// 0-based index of the current element.
    pub index: Cell<usize>,
    /// Whether another element follows.
    pub has_next: Cell<bool>,
    /// Loop nesting depth, 1 for the outermost loop.
    pub depth: usize,
    /// The enclosing loop's `$foreach`.
    pub parent: Option<Rc<LoopInfo>>,
}

/// A `Map.Entry` of a map's `entrySet()`: its key, and its value read through the map, as
/// Java's entry is the map's own node (`setValue` writes into the map). Once the key has left
/// the map, the entry keeps the value it had. A type of its own for its `Drop`: entries whose
/// values are entries (`#set($e = ...)` over `entrySet()` in a loop) dropped recursively, one
/// stack frame per link, and 490 000 links overflowed the stack.
pub struct EntryPair(pub Value, RefCell<Value>, std::rc::Weak<MapCell>);

impl EntryPair {
    /// A detached entry (no map behind it).
    pub fn new(key: Value, value: Value) -> EntryPair {
        EntryPair(key, RefCell::new(value), std::rc::Weak::new())
    }

    /// The map's entry for `key`, holding `value` now.
    pub(crate) fn of(map: &Map, key: Value, value: Value) -> EntryPair {
        EntryPair(key, RefCell::new(value), Rc::downgrade(&map.0))
    }

    /// `getKey()`.
    pub fn key(&self) -> &Value {
        &self.0
    }

    fn owner(&self) -> Option<Map> {
        let map = Map(self.2.upgrade()?);
        let attached = map.borrow().contains_key(&self.0);
        attached.then_some(map)
    }

    /// `getValue()`.
    pub fn value(&self) -> Value {
        match self.owner().and_then(|m| m.get(&self.0)) {
            Some(v) => v,
            None => self.1.borrow().clone(),
        }
    }

    /// `setValue(v)`: returns the value it replaces.
    pub(crate) fn set_value(&self, value: Value) -> Value {
        let old = self.value();
        if let Some(map) = self.owner() {
            map.put(self.0.clone(), value.clone());
        }
        *self.1.borrow_mut() = value;
        old
    }
}

impl std::fmt::Debug for EntryPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EntryPair")
            .field(&self.0)
            .field(&self.1)
            .finish()
    }
}

impl Drop for EntryPair {
    fn drop(&mut self) {
        let value = self.1.get_mut();
        if spare::holds_values(&self.0) || spare::holds_values(value) {
            spare::drop_values(vec![std::mem::take(&mut self.0), std::mem::take(value)]);
        }
    }
}

/// A shared, mutable list (`java.util.ArrayList`).
#[derive(Clone)]
pub struct List(Rc<ListCell>);

/// As the list's Java `toString()`, which bounds nesting and cycles.
impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&Value::List(self.clone()), f)
    }
}

impl Default for List {
    fn default() -> List {
        List::new(Vec::new())
    }
}

impl Default for Map {
    fn default() -> Map {
        Map::with_capacity(0)
    }
}

/// The Java class behind a list: an `ArrayList`, or an array (`split` gives a `String[]`)
/// that Velocity lets templates use as a fixed-size list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ListKind {
    /// `java.util.ArrayList`
    #[default]
    ArrayList,
    /// `String[]`
    Strings,
    /// `char[]`
    Chars,
    /// `byte[]`
    Bytes,
    /// `Object[]`
    Objects,
    /// `java.util.ArrayList$SubList`, a live window on another list.
    SubList,
    /// An `IntStream` (`chars()`, `codePoints()`).
    IntStream,
    /// A `Stream` (`lines()`).
    Stream,
}

impl ListKind {
    /// `getClass().getName()`.
    pub(crate) fn class_name(self) -> &'static str {
        match self {
            ListKind::ArrayList => "java.util.ArrayList",
            ListKind::Strings => "[Ljava.lang.String;",
            ListKind::Chars => "[C",
            ListKind::Bytes => "[B",
            ListKind::Objects => "[Ljava.lang.Object;",
            ListKind::SubList => "java.util.ArrayList$SubList",
            ListKind::IntStream => "java.util.stream.IntPipeline$Head",
            ListKind::Stream => "java.util.stream.ReferencePipeline$Head",
        }
    }

    /// `getClass().getSimpleName()`.
    pub(crate) fn simple_name(self) -> &'static str {
        match self {
            ListKind::ArrayList => "ArrayList",
            ListKind::Strings => "String[]",
            ListKind::Chars => "char[]",
            ListKind::Bytes => "byte[]",
            ListKind::Objects => "Object[]",
            ListKind::SubList => "SubList",
            ListKind::IntStream | ListKind::Stream => "Head",
        }
    }

    /// Whether this is a stream (`#foreach` cannot iterate one).
    pub(crate) fn is_stream(self) -> bool {
        matches!(self, ListKind::IntStream | ListKind::Stream)
    }

    /// Whether this is a Java array.
    pub(crate) fn is_array(self) -> bool {
        !matches!(self, ListKind::ArrayList | ListKind::SubList)
    }
}

#[derive(Default)]
struct ListCell {
    items: RefCell<Vec<Value>>,
    /// Which Java class this is.
    kind: ListKind,
    /// For a `subList` view: the list behind it.
    view: Option<Box<sublist::SubLink>>,
    /// Changes of any kind, for the views of this list to see when to copy it again.
    changes: Cell<u32>,
    /// Structural modifications, as Java's `modCount` (for fail-fast iteration).
    mods: Cell<u32>,
    /// For a list still backed by JSON: where (`items` is empty until then).
    json: RefCell<Option<lazy::JsonAt>>,
}

impl Drop for ListCell {
    fn drop(&mut self) {
        spare::drop_values(std::mem::take(self.items.get_mut()));
    }
}

impl Drop for MapCell {
    fn drop(&mut self) {
        // (Most maps hold no collection that would drop more collections: they drop as
        // they are, one level down at most, without the work list's allocation.)
        let entries = self.entries.get_mut();
        if entries
            .iter()
            .any(|(k, v)| spare::drops_deep(k) || spare::drops_deep(v))
        {
            let mut values = Vec::with_capacity(entries.len() * 2);
            for (k, v) in std::mem::take(entries) {
                values.push(k);
                values.push(v);
            }
            spare::drop_values(values);
        }
    }
}

/// A key seen by [`Map::visit`].
pub(crate) enum EntryKey<'a> {
    /// A key of the JSON behind the map.
    Str(&'a str),
    /// A key put into the map.
    Value(&'a Value),
}

/// A value seen by [`Map::visit`].
pub(crate) enum EntryValue<'a> {
    /// Still the JSON behind the map.
    Json(&'a serde_json::Value),
    /// A template value.
    Value(&'a Value),
}

/// Where [`Map::read_path`] ended.
pub(crate) enum PathEnd<'a> {
    /// A scalar in the caller's JSON; `None` (or JSON null) for null.
    Json(Option<&'a serde_json::Value>),
    /// A template value.
    Value(Value),
}

impl PathEnd<'_> {
    /// The template value.
    pub(crate) fn into_value(self) -> Value {
        match self {
            PathEnd::Json(Some(json)) => convert::scalar(json),
            PathEnd::Json(None) => Value::Null,
            PathEnd::Value(v) => v,
        }
    }
}

/// A shared, mutable, insertion-ordered map (`java.util.LinkedHashMap`).
#[derive(Clone)]
pub struct Map(Rc<MapCell>);

/// As the map's Java `toString()`, which bounds nesting and cycles.
impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&Value::Map(self.clone()), f)
    }
}

#[derive(Default)]
struct MapCell {
    entries: RefCell<Entries>,
    mods: Cell<u32>,
    /// `$ctx` only: `args` and `arguments` are still to be made one map (see
    /// [`Map::defer_args_alias`]).
    args_alias: Cell<bool>,
    /// For a map still backed by JSON: where. `entries` then holds only what differs from
    /// a fresh conversion: the nested collections handed out so far (so they stay the same
    /// objects) and the entries put since.
    json: RefCell<Option<lazy::JsonAt>>,
    /// Whether the render's arena has noted this cell.
    noted: Cell<bool>,
}

impl MapCell {
    /// Resets a cell that holds no entries for reuse by another JSON-backed map.
    fn reset(&mut self) {
        *self.json.get_mut() = None;
        self.mods.set(0);
        self.args_alias.set(false);
        self.noted.set(false);
    }
}

impl List {
    /// A new list holding `items`.
    pub fn new(items: Vec<Value>) -> List {
        List::with_cell(ListCell {
            items: RefCell::new(items),
            kind: ListKind::ArrayList,
            view: None,
            changes: Cell::new(0),
            mods: Cell::new(0),
            json: RefCell::new(None),
        })
    }

    /// A Java array of `kind` holding `items`.
    pub(crate) fn array(kind: ListKind, items: Vec<Value>) -> List {
        List::with_cell(ListCell {
            items: RefCell::new(items),
            kind,
            view: None,
            changes: Cell::new(0),
            mods: Cell::new(0),
            json: RefCell::new(None),
        })
    }

    /// A `subList` view.
    fn view(link: sublist::SubLink) -> List {
        List::with_cell(ListCell {
            items: RefCell::new(Vec::new()),
            kind: ListKind::SubList,
            view: Some(Box::new(link)),
            changes: Cell::new(0),
            mods: Cell::new(0),
            json: RefCell::new(None),
        })
    }

    fn link(&self) -> Option<&sublist::SubLink> {
        self.0.view.as_deref()
    }

    /// The change counter (see [`ListCell::changes`]).
    fn changes(&self) -> u32 {
        self.0.changes.get()
    }

    /// Which Java class the list is.
    pub(crate) fn kind(&self) -> ListKind {
        self.0.kind
    }

    /// A list whose items are the JSON array at `at`, converted when first needed.
    pub(crate) fn lazy(at: lazy::JsonAt) -> List {
        // Not noted in the arena yet: it cannot be part of a cycle before it is converted.
        List(Rc::new(ListCell {
            items: RefCell::new(Vec::new()),
            kind: ListKind::ArrayList,
            view: None,
            changes: Cell::new(0),
            mods: Cell::new(0),
            json: RefCell::new(Some(at)),
        }))
    }

    fn with_cell(cell: ListCell) -> List {
        let cell = Rc::new(cell);
        arena::note_list(&cell);
        List(cell)
    }

    /// The items, converted from JSON first if the list is still backed by it.
    fn items(&self) -> &RefCell<Vec<Value>> {
        if let Some(link) = self.link() {
            self.refresh_view(link);
        } else if self.0.json.borrow().is_some()
            && let Some(at) = self.0.json.borrow_mut().take()
        {
            *self.0.items.borrow_mut() = lazy::items(&at);
            arena::note_list(&self.0);
        }
        &self.0.items
    }

    /// [`List::borrow`], or `None` while the list is being changed.
    pub(crate) fn try_borrow(&self) -> Option<Ref<'_, Vec<Value>>> {
        if self.0.json.try_borrow().ok()?.is_some() {
            // Converting needs the JSON and the items to itself.
            drop(self.0.json.try_borrow_mut().ok()?);
            drop(self.0.items.try_borrow_mut().ok()?);
        }
        self.items().try_borrow().ok()
    }

    /// Reads the items. Never hold this across template evaluation.
    pub fn borrow(&self) -> Ref<'_, Vec<Value>> {
        self.items().borrow()
    }

    /// Changes the items; `structural` changes (size changes) fail running iterations.
    pub fn borrow_mut(&self, structural: bool) -> sublist::ItemsMut<'_> {
        if structural {
            self.0.mods.set(self.0.mods.get().wrapping_add(1));
        }
        self.0.changes.set(self.0.changes.get().wrapping_add(1));
        sublist::ItemsMut::new(self.items().borrow_mut(), self, structural)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        if let Some(at) = &*self.0.json.borrow() {
            return lazy::len(at);
        }
        self.items().borrow().len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Item `i`, if any.
    pub fn get(&self, i: usize) -> Option<Value> {
        self.borrow().get(i).cloned()
    }

    /// The JSON behind a list not yet converted, for writers that can use it directly.
    pub(crate) fn untouched_json(&self) -> Option<lazy::JsonAt> {
        self.0.json.borrow().clone()
    }

    /// The modification counter.
    pub(crate) fn mods(&self) -> u32 {
        self.0.mods.get()
    }

    /// Identity of the list (for cycle detection).
    pub(crate) fn addr(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    /// Whether both handles point to the same list.
    pub fn ptr_eq(&self, other: &List) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Map {
    /// A new map holding `entries`.
    pub fn new(entries: Entries) -> Map {
        Map::with_cell(MapCell {
            entries: RefCell::new(entries),
            mods: Cell::new(0),
            args_alias: Cell::new(false),
            json: RefCell::new(None),
            noted: Cell::new(false),
        })
    }

    /// A map whose entries are the JSON object at `at`, converted when needed.
    pub(crate) fn lazy(at: lazy::JsonAt) -> Map {
        // Not noted in the arena yet: it cannot be part of a cycle before something is put
        // into it or it is converted.
        if let Some(mut cell) = spare::take()
            && let Some(fresh) = Rc::get_mut(&mut cell)
        {
            *fresh.json.get_mut() = Some(at);
            return Map(cell);
        }
        Map(Rc::new(MapCell {
            entries: RefCell::default(),
            mods: Cell::new(0),
            args_alias: Cell::new(false),
            json: RefCell::new(Some(at)),
            noted: Cell::new(false),
        }))
    }

    fn with_cell(cell: MapCell) -> Map {
        let cell = Rc::new(cell);
        arena::note_map(&cell);
        Map(cell)
    }

    /// Makes `args` and `arguments` one map (AppSync's `$ctx`): the map stays under the
    /// name the context has it, and the other name is added. A context with neither gets an
    /// empty map under both.
    pub(crate) fn alias_args(&self) {
        // (Keys shared across renders: no string allocated per render.)
        static ARGS: LazyLock<Arc<str>> = LazyLock::new(|| "args".into());
        static ARGUMENTS: LazyLock<Arc<str>> = LazyLock::new(|| "arguments".into());
        // What the set-up and a typical template add over the JSON, in one allocation.
        self.reserve(8);
        let (args, from) = match self.get_shared(&ARGUMENTS) {
            Some(args) => (args, "arguments"),
            None => match self.get_shared(&ARGS) {
                Some(args) => (args, "args"),
                None => (Value::empty_map(), ""),
            },
        };
        if from != "arguments" {
            self.put(Value::Str(ARGUMENTS.clone()), args.clone());
        }
        if from != "args" {
            self.put(Value::Str(ARGS.clone()), args);
        }
    }

    /// [`Map::alias_args`], done when the map is first used in a way that could tell.
    /// Templates that only read through `$ctx.args.x` to a value (`$ctx.args.limit`) never
    /// need the shared map: those reads follow the other name's JSON instead. Only for a
    /// map with no entries yet: the entries the alias adds must come first.
    pub(crate) fn defer_args_alias(&self) {
        self.0.args_alias.set(true);
    }

    /// Whether [`Map::defer_args_alias`] is still pending.
    #[cfg(test)]
    pub(crate) fn args_alias_pending(&self) -> bool {
        self.0.args_alias.get()
    }

    /// Does a deferred [`Map::alias_args`]; every method that looks at the entries, their
    /// order or their number calls this first.
    #[inline]
    fn ready(&self) {
        if self.0.args_alias.get() {
            self.0.args_alias.set(false);
            self.alias_args();
        }
    }

    /// The entries, converted from JSON first if the map is still backed by it.
    fn entries(&self) -> &RefCell<Entries> {
        self.ready();
        if self.0.json.borrow().is_some()
            && let Some(at) = self.0.json.borrow_mut().take()
        {
            let overrides = std::mem::take(&mut *self.0.entries.borrow_mut());
            *self.0.entries.borrow_mut() = lazy::entries(&at, overrides);
            arena::note_map(&self.0);
        }
        &self.0.entries
    }

    /// The JSON behind a map none of whose entries were handed out yet, for writers that
    /// can use it directly.
    pub(crate) fn untouched_json(&self) -> Option<lazy::JsonAt> {
        self.ready();
        let json = self.0.json.borrow();
        let at = json.as_ref()?;
        self.0.entries.borrow().is_empty().then(|| at.clone())
    }

    /// Visits the entries in order, as [`Map::borrow`] would list them, without converting
    /// a map still backed by JSON: entries not put since come as their JSON. For writers
    /// (`toMapValuesJson` of `$ctx.args.input` after a `put`) that would otherwise convert
    /// every entry only to write it out. `f` may only read this map (a value put over the
    /// JSON that leads back to it is why such a map is converted first).
    pub(crate) fn visit(&self, mut f: impl FnMut(EntryKey<'_>, EntryValue<'_>)) {
        self.ready();
        // The visit holds the map while `f` runs. A collection put over the JSON can lead
        // back to it (`$m.put('ks', $m.keySet())`), and reading that would convert it
        // then: such a map is converted first (a converted map is only read).
        if self.0.json.borrow().is_some()
            && self.0.entries.borrow().values().any(spare::holds_values)
        {
            self.entries();
        }
        let json = self.0.json.borrow();
        let entries = self.0.entries.borrow();
        let Some(at) = json.as_ref() else {
            for (k, v) in entries.iter() {
                f(EntryKey::Value(k), EntryValue::Value(v));
            }
            return;
        };
        let obj = at.json().as_object();
        if let Some(obj) = obj {
            for (k, v) in obj {
                match entries.get_str(k) {
                    Some(put) => f(EntryKey::Str(k), EntryValue::Value(put)),
                    None => f(EntryKey::Str(k), EntryValue::Json(v)),
                }
            }
        }
        // Keys the JSON does not have come last, in the order they were put.
        for (k, v) in entries.iter() {
            let in_json = match (k, obj) {
                (Value::Str(s), Some(obj)) => lazy::find(obj, s).is_some(),
                _ => false,
            };
            if !in_json {
                f(EntryKey::Value(k), EntryValue::Value(v));
            }
        }
    }

    /// For a map still backed by JSON whose entries put or handed out since are all flat (no
    /// collection among them): how many entries it has at most. `None` otherwise.
    pub(crate) fn flat_over_json(&self) -> Option<usize> {
        self.ready();
        let json = self.0.json.borrow();
        let obj_len = json
            .as_ref()?
            .json()
            .as_object()
            .map_or(0, serde_json::Map::len);
        let entries = self.0.entries.borrow();
        let flat = !entries.values().any(spare::holds_values);
        flat.then_some(obj_len + entries.len())
    }

    /// Room for `n` more entries put (or handed out) without growing, even while the map
    /// is still backed by JSON.
    pub(crate) fn reserve(&self, n: usize) {
        self.0.entries.borrow_mut().reserve(n);
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Map {
        Map::new(Entries::with_capacity(n))
    }

    /// [`Map::borrow`], or `None` while the map is being changed (a comparison reached
    /// from the change itself: `$m.put($m, 1)` compares `$m` with the keys).
    pub(crate) fn try_borrow(&self) -> Option<Ref<'_, Entries>> {
        // Making the entries first (converting the JSON, adding the alias) needs what it
        // changes to itself.
        let json = self.0.json.try_borrow().ok()?.is_some();
        if json {
            drop(self.0.json.try_borrow_mut().ok()?);
        }
        if json || self.0.args_alias.get() {
            drop(self.0.entries.try_borrow_mut().ok()?);
        }
        self.entries().try_borrow().ok()
    }

    /// Reads the entries. Never hold this across template evaluation.
    pub fn borrow(&self) -> Ref<'_, Entries> {
        self.entries().borrow()
    }

    /// Changes the entries; `structural` changes (keys added or removed) fail running
    /// iterations.
    pub fn borrow_mut(&self, structural: bool) -> RefMut<'_, Entries> {
        if structural {
            self.0.mods.set(self.0.mods.get().wrapping_add(1));
        }
        self.entries().borrow_mut()
    }

    /// The value for a string key.
    pub fn get_str(&self, key: &str) -> Option<Value> {
        self.get_keyed(key, || Arc::from(key))
    }

    /// [`Map::get_str`] with the key as a shared string (a property name from the
    /// template), which a nested collection handed out is then kept under without
    /// copying it.
    pub(crate) fn get_shared(&self, key: &Arc<str>) -> Option<Value> {
        self.get_keyed(key, || key.clone())
    }

    fn get_keyed(&self, key: &str, shared: impl FnOnce() -> Arc<str>) -> Option<Value> {
        self.ready();
        if let Some(v) = self.0.entries.borrow().get_str(key) {
            return Some(v.clone());
        }
        // Backed by JSON: convert this entry only; a nested collection is kept so that the
        // next lookup gives the same object. (`json` stays borrowed: only a full
        // conversion, which this does not start, writes it.)
        let (value, nested) = lazy::entry(self.0.json.borrow().as_ref()?, key)?;
        if nested {
            self.0
                .entries
                .borrow_mut()
                .insert(Value::Str(shared()), value.clone());
        }
        Some(value)
    }

    /// Calls `f` with the JSON of entry `key` (`None` when the JSON has no such key) when
    /// the map is still backed by JSON and that entry was neither handed out nor replaced,
    /// so nothing can have changed it; `None` otherwise (then [`Map::get_str`] gives it).
    pub(crate) fn with_json_entry<R>(
        &self,
        key: &str,
        f: impl FnOnce(Option<&serde_json::Value>) -> R,
    ) -> Option<R> {
        // (Only these two keys depend on the deferred alias: the render's final look at an
        // untouched stash must not make it.)
        if matches!(key, "args" | "arguments") {
            self.ready();
        }
        if self.0.entries.borrow().get_str(key).is_some() {
            return None;
        }
        let json = self.0.json.borrow();
        let obj = json.as_ref()?.json().as_object();
        Some(f(obj.and_then(|o| lazy::find(o, key))))
    }

    /// Follows `path` (properties only) from this map for a read that keeps nothing it
    /// passes through, and calls `f` with where it ends. Entries still in the caller's JSON
    /// (never handed out, so nothing can have changed them) are followed in the JSON without
    /// making template maps of them: `$ctx.identity.sub` reads one string. `None`, with
    /// nothing done, when the path leaves maps (a list, a string...), names a class getter,
    /// or ends on a JSON collection (which must become the one template object for that
    /// entry): the caller then reads it the general way.
    pub(crate) fn read_path<R>(
        &self,
        path: &[crate::ast::Part],
        f: impl FnOnce(PathEnd<'_>) -> R,
    ) -> Option<R> {
        let (crate::ast::Part::Property(key), tail) = path.split_first()? else {
            return None;
        };
        if methods::is_class_getter(key) {
            return None;
        }
        // (The entry is taken out of the borrow before going on: the path can lead back to
        // this map, `$m.me.x` after `$m.put('me', $m)`, and `f` can read it.)
        let put = self.0.entries.borrow().get_str(key).cloned();
        if let Some(v) = put {
            return match v {
                _ if tail.is_empty() => Some(f(PathEnd::Value(v))),
                Value::Map(next) => next.read_path(tail, f),
                // Null before the end: the whole reference is null.
                Value::Null => Some(f(PathEnd::Json(None))),
                _ => None,
            };
        }
        let json = self.0.json.borrow();
        let Some(at) = json.as_ref() else {
            // A converted map without the key.
            return Some(f(PathEnd::Json(None)));
        };
        let obj = at.json().as_object();
        let mut node = obj.and_then(|o| lazy::find(o, key));
        if node.is_none() && self.0.args_alias.get() && matches!(&**key, "args" | "arguments") {
            // `$ctx.args.limit` before the alias is made: the other name's JSON, if that
            // leads to a value; anything else makes the alias and reads again.
            let other = if &**key == "args" {
                "arguments"
            } else {
                "args"
            };
            node = obj.and_then(|o| lazy::find(o, other));
            if node.is_none() || tail.is_empty() {
                drop(json);
                self.ready();
                return self.read_path(path, f);
            }
        }
        if tail.is_empty()
            && let Some(serde_json::Value::Array(_) | serde_json::Value::Object(_)) = node
        {
            // `$ctx.args.input`: a collection right under this map becomes its one shared
            // object here, rather than after the caller has walked the path again.
            drop(json);
            return self.get_shared(key).map(|v| f(PathEnd::Value(v)));
        }
        for part in tail {
            let crate::ast::Part::Property(key) = part else {
                return None;
            };
            node = match node {
                _ if methods::is_class_getter(key) => return None,
                Some(serde_json::Value::Object(o)) => lazy::find(o, key),
                None | Some(serde_json::Value::Null) => return Some(f(PathEnd::Json(None))),
                Some(_) => return None,
            };
        }
        match node {
            Some(serde_json::Value::Array(_) | serde_json::Value::Object(_)) => None,
            end => Some(f(PathEnd::Json(end))),
        }
    }

    /// Whether `key` is present and not null, without converting anything.
    pub(crate) fn has_value(&self, key: &str) -> bool {
        self.ready();
        if let Some(v) = self.0.entries.borrow().get_str(key) {
            return !v.is_null();
        }
        match &*self.0.json.borrow() {
            Some(at) => lazy::probe(at, key) == Some(false),
            None => false,
        }
    }

    /// The value for any key.
    pub fn get(&self, key: &Value) -> Option<Value> {
        if let Value::Str(s) = key {
            return self.get_str(s);
        }
        self.entries().borrow().get(key).cloned()
    }

    /// Sets `key`, returning the previous value.
    pub fn insert(&self, key: Value, value: Value) -> Option<Value> {
        self.ready();
        if let Value::Str(k) = &key
            && let Some(at) = self.0.json.borrow().clone()
        {
            // Backed by JSON: record the new value over it, without converting the rest.
            let previous = match self.0.entries.borrow().get_str(k) {
                Some(v) => Some(v.clone()),
                None => lazy::entry(&at, k).map(|(v, _)| v),
            };
            if previous.is_none() {
                self.0.mods.set(self.0.mods.get().wrapping_add(1));
            }
            self.0.entries.borrow_mut().insert(key, value);
            arena::note_map(&self.0);
            return previous;
        }
        let mut entries = self.entries().borrow_mut();
        if let Some(slot) = entries.get_mut(&key) {
            return Some(std::mem::replace(slot, value));
        }
        self.0.mods.set(self.0.mods.get().wrapping_add(1));
        entries.insert(key, value)
    }

    /// Sets `key` when the previous value is not wanted (`#set($m.k = ...)`, the render's
    /// set-up): on a map backed by JSON, whether the key was there is checked without
    /// converting the entry it replaces.
    pub(crate) fn put(&self, key: Value, value: Value) {
        self.ready();
        if let Value::Str(k) = &key
            && let Some(at) = &*self.0.json.borrow()
        {
            let known =
                self.0.entries.borrow().get_str(k).is_some() || lazy::probe(at, k).is_some();
            if !known {
                self.0.mods.set(self.0.mods.get().wrapping_add(1));
            }
            self.0.entries.borrow_mut().insert(key, value);
            arena::note_map(&self.0);
            return;
        }
        self.insert(key, value);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.ready();
        if let Some(at) = &*self.0.json.borrow() {
            return lazy::len_with(at, &self.0.entries.borrow());
        }
        self.0.entries.borrow().len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn mods(&self) -> u32 {
        self.ready();
        self.0.mods.get()
    }

    /// Element `i` of a view of this map.
    pub(crate) fn view_item(&self, view: MapView, i: usize) -> Option<Value> {
        let entries = self.borrow();
        let (k, v) = entries.get_index(i)?;
        Some(match view {
            MapView::Keys => k.clone(),
            MapView::Values => v.clone(),
            MapView::Entries => Value::Entry(Rc::new(EntryPair::of(self, k.clone(), v.clone()))),
        })
    }

    /// The elements of a view of this map, as they are now.
    pub(crate) fn view_items(&self, view: MapView) -> Vec<Value> {
        (0..self.len())
            .filter_map(|i| self.view_item(view, i))
            .collect()
    }

    /// Identity of the map (for cycle detection).
    pub(crate) fn addr(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    /// Whether both handles point to the same map.
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// How a string is hashed, as a [`Value`] or as a borrowed key
/// ([`entries`]' lookups by `&str` build no `Value`).
#[derive(Hash)]
struct StrKeyHash<'a>(u8, &'a str);

const TAG_STR: u8 = 6;

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::Str(s) => StrKeyHash(TAG_STR, s).hash(state),
            Value::Null => state.write_u8(0),
            Value::Bool(b) => (1u8, *b).hash(state),
            Value::Int(i) => (2u8, *i).hash(state),
            Value::Long(i) => (3u8, *i).hash(state),
            Value::BigInt(b) => (4u8, &**b).hash(state),
            Value::Double(d) => (5u8, canonical_bits(*d)).hash(state),
            Value::Float(f) => (12u8, canonical_bits(f64::from(*f))).hash(state),
            Value::Short(i) => (13u8, *i).hash(state),
            Value::Byte(i) => (14u8, *i).hash(state),
            Value::Char(c) => (7u8, *c).hash(state),
            // Not the contents, nor even the size: hashing contents would recurse without end
            // on a collection that contains itself, and reading the size of a map while it is
            // being changed (`$m.put($m, 1)` hashes `$m` to store it) would fail. Collections
            // are rare keys.
            Value::List(_) => state.write_u8(8),
            Value::Map(_) => state.write_u8(9),
            Value::Entry(_) => state.write_u8(10),
            Value::Object(_) => state.write_u8(11),
        }
    }
}

/// Java's `Double.equals` compares `doubleToLongBits`: all NaNs are one value.
fn canonical_bits(d: f64) -> u64 {
    if d.is_nan() {
        f64::NAN.to_bits()
    } else {
        d.to_bits()
    }
}

impl PartialEq for Value {
    /// Java `equals`.
    fn eq(&self, other: &Value) -> bool {
        java_equals(self, other)
    }
}

impl Eq for Value {}

/// Nesting beyond which collections compare unequal instead of recursing further (a
/// collection that contains itself would otherwise never finish; Java overflows its stack).
const MAX_COMPARE_DEPTH: usize = 64;

/// Comparisons one `equals` may make before it answers "not equal". Shared
/// sub-collections (a list holding the same list twice, 64 levels deep) or maps whose keys
/// are collections make the comparisons multiply at every level: without a budget one
/// `equals` could run for ever. Java would take as long; AppSync would time out.
const MAX_COMPARE_STEPS: usize = 1_000_000;

/// Java `a.equals(b)`.
pub(crate) fn java_equals(a: &Value, b: &Value) -> bool {
    let mut budget = MAX_COMPARE_STEPS;
    equals_within(a, b, 0, &mut budget)
}

/// [`java_equals`] spending one of `budget`'s steps per pair compared.
fn equals_within(a: &Value, b: &Value, depth: usize, budget: &mut usize) -> bool {
    if depth > MAX_COMPARE_DEPTH || *budget == 0 {
        return false;
    }
    *budget -= 1;
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Long(x), Value::Long(y)) => x == y,
        (Value::BigInt(x), Value::BigInt(y)) => x == y,
        (Value::Double(x), Value::Double(y)) => canonical_bits(*x) == canonical_bits(*y),
        (Value::Float(x), Value::Float(y)) => {
            canonical_bits(f64::from(*x)) == canonical_bits(f64::from(*y))
        }
        (Value::Short(x), Value::Short(y)) => x == y,
        (Value::Byte(x), Value::Byte(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Char(x), Value::Char(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            if x.ptr_eq(y) {
                return true;
            }
            let (Some(x), Some(y)) = (x.try_borrow(), y.try_borrow()) else {
                return false;
            };
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(a, b)| equals_within(a, b, depth + 1, budget))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.ptr_eq(y) {
                return true;
            }
            let (Some(x), Some(y)) = (x.try_borrow(), y.try_borrow()) else {
                return false;
            };
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    // A collection key is looked for at this depth (`get` would start the
                    // count again: a map that is its own key would recurse without end).
                    let w = match k {
                        Value::List(_) | Value::Map(_) | Value::Entry(_) | Value::Object(_) => y
                            .iter()
                            .find(|(k2, _)| equals_within(k, k2, depth + 1, budget))
                            .map(|(_, w)| w),
                        _ => y.get(k),
                    };
                    w.is_some_and(|w| equals_within(v, w, depth + 1, budget))
                })
        }
        (Value::Entry(x), Value::Entry(y)) => {
            equals_within(&x.0, &y.0, depth + 1, budget)
                && equals_within(&x.value(), &y.value(), depth + 1, budget)
        }
        (Value::Object(Object::Loop(x)), Value::Object(Object::Loop(y))) => Rc::ptr_eq(x, y),
        (Value::Object(Object::Util(x)), Value::Object(Object::Util(y))) => x == y,
        (Value::Object(Object::Class(x)), Value::Object(Object::Class(y))) => x == y,
        (Value::Object(Object::View(m, a)), Value::Object(Object::View(n, b))) => {
            a == b
                && (m.ptr_eq(n)
                    || m.try_borrow().is_some() && n.try_borrow().is_some() && {
                        let (x, y) = (m.view_items(*a), n.view_items(*b));
                        x.len() == y.len()
                            && x.iter()
                                .zip(&y)
                                .all(|(p, q)| equals_within(p, q, depth + 1, budget))
                    })
        }
        _ => false,
    }
}

impl Value {
    /// The JSON behind a collection still backed by it with nothing handed out: it holds
    /// exactly that JSON (and cannot contain itself).
    pub(crate) fn untouched_json(&self) -> Option<lazy::JsonAt> {
        match self {
            Value::List(l) => l.untouched_json(),
            Value::Map(m) => m.untouched_json(),
            _ => None,
        }
    }

    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// A new list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }

    /// A new empty map.
    pub fn empty_map() -> Value {
        Value::Map(Map::with_capacity(0))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this owns nothing that dropping it would release.
    #[inline]
    pub(crate) fn is_scalar(&self) -> bool {
        matches!(
            self,
            Value::Null
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Long(_)
                | Value::Double(_)
                | Value::Float(_)
                | Value::Short(_)
                | Value::Byte(_)
                | Value::Char(_)
        )
    }

    /// Whether this is a number (`java.lang.Number`).
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Value::Int(_)
                | Value::Long(_)
                | Value::BigInt(_)
                | Value::Double(_)
                | Value::Float(_)
                | Value::Short(_)
                | Value::Byte(_)
        )
    }

    /// Velocity's truth of a reference: false only for null and `false`.
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(false))
    }

    /// The simple name of the Java class of this value (`String`, `Integer`...).
    pub fn java_class(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Long(_) => "Long",
            Value::BigInt(_) => "BigInteger",
            Value::Double(_) => "Double",
            Value::Float(_) => "Float",
            Value::Short(_) => "Short",
            Value::Byte(_) => "Byte",
            Value::Str(_) => "String",
            Value::Char(_) => "Character",
            Value::List(l) => l.kind().simple_name(),
            Value::Map(_) => "LinkedHashMap",
            Value::Entry(_) => "Entry",
            Value::Object(Object::Util(_)) => "Util",
            Value::Object(Object::Loop(_)) => "ForeachScope",
            Value::Object(Object::Block(_)) => "Block",
            Value::Object(Object::Class(_)) => "Class",
            Value::Object(Object::View(_, MapView::Keys)) => "LinkedKeySet",
            Value::Object(Object::View(_, MapView::Values)) => "LinkedValues",
            Value::Object(Object::View(_, MapView::Entries)) => "LinkedEntrySet",
            Value::Object(Object::Iter(it)) => it.simple_class(),
        }
    }

    /// The fully qualified Java class name (`java.lang.String`...).
    pub fn java_class_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "java.lang.Boolean",
            Value::Int(_) => "java.lang.Integer",
            Value::Long(_) => "java.lang.Long",
            Value::BigInt(_) => "java.math.BigInteger",
            Value::Double(_) => "java.lang.Double",
            Value::Float(_) => "java.lang.Float",
            Value::Short(_) => "java.lang.Short",
            Value::Byte(_) => "java.lang.Byte",
            Value::Str(_) => "java.lang.String",
            Value::Char(_) => "java.lang.Character",
            Value::List(l) => l.kind().class_name(),
            Value::Map(_) => "java.util.LinkedHashMap",
            Value::Entry(_) => "java.util.LinkedHashMap$Entry",
            Value::Object(Object::Util(_)) => "com.amazonaws.deepdish.transform.util.Util",
            Value::Object(Object::Loop(_)) => "org.apache.velocity.runtime.directive.ForeachScope",
            Value::Object(Object::Block(_)) => {
                "org.apache.velocity.runtime.directive.Block$Reference"
            }
            Value::Object(Object::Class(_)) => "java.lang.Class",
            Value::Object(Object::View(_, MapView::Keys)) => "java.util.LinkedHashMap$LinkedKeySet",
            Value::Object(Object::View(_, MapView::Values)) => {
                "java.util.LinkedHashMap$LinkedValues"
            }
            Value::Object(Object::View(_, MapView::Entries)) => {
                "java.util.LinkedHashMap$LinkedEntrySet"
            }
            Value::Object(Object::Iter(it)) => it.class_name(),
        }
    }

    /// The string when this is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements when this is a list or a view of a map (a snapshot).
    pub(crate) fn collection_items(&self) -> Option<Vec<Value>> {
        match self {
            Value::List(l) => Some(l.borrow().clone()),
            Value::Object(Object::View(m, view)) => Some(m.view_items(*view)),
            _ => None,
        }
    }

    /// Java `toString()`, appended to `out`. Not for `Object::Block`, which needs rendering.
    pub fn write_java(&self, out: &mut String) {
        format::write_java(self, out, 0)
    }

    /// Java `toString()`.
    pub fn to_java_string(&self) -> String {
        let mut s = String::new();
        self.write_java(&mut s);
        s
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.java_class(), self.to_java_string())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_small() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }

    #[test]
    fn java_equality_keeps_classes_apart() {
        assert_eq!(Value::Int(1), Value::Int(1));
        assert_ne!(Value::Int(1), Value::Long(1));
        assert_eq!(Value::Double(f64::NAN), Value::Double(f64::NAN));
        assert_ne!(Value::Double(0.0), Value::Double(-0.0));
        let a = Value::list(vec![Value::Int(1), Value::str("x")]);
        let b = Value::list(vec![Value::Int(1), Value::str("x")]);
        assert_eq!(a, b);
    }

    #[test]
    fn map_lookup_by_str_and_insertion_order() {
        let m = Map::with_capacity(2);
        assert!(m.insert(Value::str("b"), Value::Int(1)).is_none());
        assert!(m.insert(Value::str("a"), Value::Int(2)).is_none());
        assert_eq!(
            m.insert(Value::str("b"), Value::Int(3)),
            Some(Value::Int(1))
        );
        assert_eq!(m.get_str("b"), Some(Value::Int(3)));
        let keys: Vec<String> = m.borrow().keys().map(|k| k.to_java_string()).collect();
        assert_eq!(keys, ["b", "a"]);
        // Integer key 5 and String key "5" are different keys, as in Java.
        m.insert(Value::Int(5), Value::str("five"));
        assert_eq!(m.get_str("5"), None);
        assert_eq!(m.get(&Value::Int(5)), Some(Value::str("five")));
    }

    #[test]
    fn self_containing_list_compares_without_overflow() {
        let l = List::new(vec![]);
        l.borrow_mut(true).push(Value::List(l.clone()));
        let m = List::new(vec![]);
        m.borrow_mut(true).push(Value::List(m.clone()));
        assert!(!java_equals(&Value::List(l), &Value::List(m)));
    }

    /// A collection used as its own key or element: storing it must not read it while it
    /// is being changed, and comparing such collections must end. Only the first answer
    /// (`1`) is Velocity 1.7's; for every later one Java computes the `hashCode` of a
    /// collection that contains itself without end (a `StackOverflowError`), and these are
    /// the answers we give instead.
    #[test]
    fn collections_that_are_their_own_keys_neither_panic_nor_recurse() {
        let render = |t: &str| {
            let t = crate::Engine::new().compile("t", t).unwrap();
            t.render(&crate::Context::new()).unwrap().output
        };
        assert_eq!(render("#set($a = {})$util.qr($a.put($a, 1))$a.size()"), "1");
        // A second put of the same key replaces its value.
        assert_eq!(
            render("#set($a = {})$util.qr($a.put($a, 1))$util.qr($a.put($a, 2))$a.size()"),
            "1"
        );
        assert_eq!(
            render(
                "#set($a = {})#set($b = {})$util.qr($a.put($a, 1))$util.qr($b.put($b, 1))\
                 $a.equals($b) $a.equals($a) $b.containsKey($a) $a.containsKey($a)"
            ),
            "false true false true"
        );
        // Past eight entries the keys are hashed: the same holds.
        let big = "#set($a = {})#foreach($i in [1..9])$util.qr($a.put($i, $i))#end\
                   $util.qr($a.put($a, 1))$util.qr($a.put($a, 2))$a.size() $a.remove($a) $a.size()";
        assert_eq!(render(big), "10 2 9");
        assert_eq!(
            render(
                "#set($l = [])$util.qr($l.add($l))#set($m = {})$util.qr($m.put($l, $l))$m.size()"
            ),
            "1"
        );
        // Maps whose keys are each other: every level of the comparison branches, and the
        // step budget ends it.
        let tangled = "#set($a={})#set($a2={})#set($b={})#set($b2={})\
            $util.qr($a.put($a,1))$util.qr($a.put($a2,1))$util.qr($a2.put($a,1))$util.qr($a2.put($a2,1))\
            $util.qr($b.put($b,1))$util.qr($b.put($b2,1))$util.qr($b2.put($b,1))$util.qr($b2.put($b2,1))\
            $a.equals($b)";
        assert_eq!(render(tangled), "false");
    }

    /// Keys different when put stay different when the entries move to a hash table, even
    /// if a list key has changed since to equal another (Velocity 1.7 renders `9 A`).
    #[test]
    fn growing_past_eight_entries_keeps_every_key() {
        let t = "#set($m={})#set($a=[])#set($b=[1])$util.qr($m.put($a,\"A\"))\
                 $util.qr($m.put($b,\"B\"))$util.qr($b.clear())\
                 #foreach($i in [1..7])$util.qr($m.put($i,$i))#end$m.size() $m.get($a)";
        let t = crate::Engine::new().compile("t", t).unwrap();
        assert_eq!(t.render(&crate::Context::new()).unwrap().output, "9 A");
    }

    /// Shared sub-collections compared level by level (Velocity 1.7 renders `true` for
    /// two levels); a comparison that would take more than the step budget (2^40 pairs
    /// here) answers instead of running for ever.
    #[test]
    fn comparisons_of_shared_collections_end() {
        let render = |levels: usize| {
            let mut t = String::from("#set($x0=[1])#set($y0=[1])");
            for i in 1..=levels {
                let p = i - 1;
                t.push_str(&format!(
                    "#set($x{i}=[$x{p},$x{p}])#set($y{i}=[$y{p},$y{p}])"
                ));
            }
            t.push_str(&format!("$x{levels}.equals($y{levels})"));
            let t = crate::Engine::new().compile("t", &t).unwrap();
            t.render(&crate::Context::new()).unwrap().output
        };
        assert_eq!(render(2), "true");
        assert_eq!(render(12), "true");
        assert_eq!(render(40), "false");
    }
}
