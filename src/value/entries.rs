//! The entries of a template map: insertion-ordered (`java.util.LinkedHashMap`), keyed by
//! template values with Java's `equals`.
//!
//! Most maps a render fills are small: `$ctx`'s set-up entries, an `$input` with a key or
//! two put, the nested maps a JSON-backed map hands out. For those a hash table is pure
//! cost: its allocation, its free, and hashing every key put. So up to [`SMALL`] entries
//! live in a plain vector searched in order, and a map that grows past that moves to an
//! [`IndexMap`] for good. (`#set($input = $ctx.args.input)` went from ~4.3k to ~3.1k
//! instructions: three tables fewer to allocate, hash into and free; create_dog -11%.)

use indexmap::IndexMap;

use super::{MapHasher, Value};

/// Entries up to this many are kept in order in a vector and searched by comparison.
const SMALL: usize = 8;

/// Whether `k` is the string key `key`.
#[inline(always)]
fn is_str(k: &Value, key: &str) -> bool {
    matches!(k, Value::Str(s) if &**s == key)
}

/// `k.equals(key)`. String keys (nearly all) are compared directly: the general comparison
/// is a call that sets up a step budget for nested collections (−100 instructions of an
/// insert into a small map).
#[inline]
fn same_key(k: &Value, key: &Value) -> bool {
    match key {
        Value::Str(s) => is_str(k, s),
        _ => k == key,
    }
}

/// A borrowed string key, looked up in the table without building a [`Value`]: it hashes
/// as a `Value::Str` of the same text does.
struct StrKey<'a>(&'a str);

impl std::hash::Hash for StrKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        super::StrKeyHash(super::TAG_STR, self.0).hash(state)
    }
}

impl indexmap::Equivalent<Value> for StrKey<'_> {
    fn equivalent(&self, key: &Value) -> bool {
        is_str(key, self.0)
    }
}

/// Insertion-ordered entries of a [`super::Map`].
#[derive(Clone, Default)]
pub struct Entries(Repr);

impl std::fmt::Debug for Entries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[derive(Clone)]
enum Repr {
    Small(Vec<(Value, Value)>),
    Large(IndexMap<Value, Value, MapHasher>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Small(Vec::new())
    }
}

impl Entries {
    /// No entries, with room for `n` without growing.
    pub fn with_capacity(n: usize) -> Entries {
        if n <= SMALL {
            Entries(Repr::Small(Vec::with_capacity(n)))
        } else {
            Entries(Repr::Large(IndexMap::with_capacity_and_hasher(
                n,
                MapHasher::default(),
            )))
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Small(v) => v.len(),
            Repr::Large(m) => m.len(),
        }
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many entries fit without growing.
    pub fn capacity(&self) -> usize {
        match &self.0 {
            Repr::Small(v) => v.capacity(),
            Repr::Large(m) => m.capacity(),
        }
    }

    /// Room for `n` more entries.
    pub fn reserve(&mut self, n: usize) {
        match &mut self.0 {
            Repr::Small(v) if v.len() + n <= SMALL => v.reserve(n),
            Repr::Small(_) => self.grow(n),
            Repr::Large(m) => m.reserve(n),
        }
    }

    /// Moves the entries to a hash table with room for `n` more.
    #[cold]
    fn grow(&mut self, n: usize) {
        use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
        use std::hash::BuildHasher;
        if let Repr::Small(v) = &mut self.0 {
            let mut m = IndexMap::with_capacity_and_hasher(v.len() + n, MapHasher::default());
            for (key, value) in v.drain(..) {
                // Moved without comparing keys: keys that were different when put stay
                // apart even if a list key has since changed to equal another (Java's table
                // never compares keys when it grows either).
                let hash = m.hasher().hash_one(&key);
                if let RawEntryMut::Vacant(slot) = m.raw_entry_mut_v1().from_hash(hash, |_| false) {
                    slot.insert_hashed_nocheck(hash, key, value);
                }
            }
            self.0 = Repr::Large(m);
        }
    }

    /// The position of `key`.
    pub fn get_index_of(&self, key: &Value) -> Option<usize> {
        match &self.0 {
            Repr::Small(v) => v.iter().position(|(k, _)| same_key(k, key)),
            Repr::Large(m) => m.get_index_of(key),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &Value) -> Option<&Value> {
        match &self.0 {
            Repr::Small(v) => v.iter().find(|(k, _)| same_key(k, key)).map(|(_, v)| v),
            Repr::Large(m) => m.get(key),
        }
    }

    /// The value of the string key `key`, without building a [`Value`] for it.
    // (Inlined everywhere: reads of JSON-backed maps, whose entries are mostly empty, call
    // this on every property; as a call it cost core_loop 4% more instructions.)
    #[inline(always)]
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        match &self.0 {
            Repr::Small(v) => v.iter().find(|(k, _)| is_str(k, key)).map(|(_, v)| v),
            Repr::Large(m) => m.get(&StrKey(key)),
        }
    }

    /// Whether there is an entry for `key`.
    pub fn contains_key(&self, key: &Value) -> bool {
        self.get_index_of(key).is_some()
    }

    /// The entry at position `i`.
    pub fn get_index(&self, i: usize) -> Option<(&Value, &Value)> {
        match &self.0 {
            Repr::Small(v) => v.get(i).map(|(k, v)| (k, v)),
            Repr::Large(m) => m.get_index(i),
        }
    }

    /// Sets `key` to `value`: a new key goes last, an existing one keeps its place. Gives
    /// the value replaced.
    pub fn insert(&mut self, key: Value, value: Value) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => {
                if let Some((_, old)) = v.iter_mut().find(|(k, _)| same_key(k, &key)) {
                    return Some(std::mem::replace(old, value));
                }
                if v.len() < SMALL {
                    v.push((key, value));
                    return None;
                }
                self.grow(1);
                self.insert(key, value)
            }
            Repr::Large(m) => m.insert(key, value),
        }
    }

    /// Removes `key`, keeping the order of the others. Gives its value.
    pub fn shift_remove(&mut self, key: &Value) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => {
                let i = v.iter().position(|(k, _)| same_key(k, key))?;
                Some(v.remove(i).1)
            }
            Repr::Large(m) => m.shift_remove(key),
        }
    }

    /// Removes the string key `key`, keeping the order of the others. Gives its value.
    pub fn shift_remove_str(&mut self, key: &str) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => {
                let i = v.iter().position(|(k, _)| is_str(k, key))?;
                Some(v.remove(i).1)
            }
            Repr::Large(m) => m.shift_remove(&StrKey(key)),
        }
    }

    /// Removes the entry at position `i`, keeping the order of the others.
    pub fn shift_remove_index(&mut self, i: usize) -> Option<(Value, Value)> {
        match &mut self.0 {
            Repr::Small(v) => (i < v.len()).then(|| v.remove(i)),
            Repr::Large(m) => m.shift_remove_index(i),
        }
    }

    /// The value of `key`, to change in place.
    pub fn get_mut(&mut self, key: &Value) -> Option<&mut Value> {
        match &mut self.0 {
            Repr::Small(v) => v.iter_mut().find(|(k, _)| same_key(k, key)).map(|(_, v)| v),
            Repr::Large(m) => m.get_mut(key),
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        match &mut self.0 {
            Repr::Small(v) => v.clear(),
            Repr::Large(m) => m.clear(),
        }
    }

    /// The entries, in order.
    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Repr::Small(v) => Iter::Small(v.iter()),
            Repr::Large(m) => Iter::Large(m.iter()),
        }
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &Value> {
        self.iter().map(|(k, _)| k)
    }

    /// The values, in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> {
        self.iter().map(|(_, v)| v)
    }
}

impl Extend<(Value, Value)> for Entries {
    fn extend<I: IntoIterator<Item = (Value, Value)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Entries {
    type Item = (Value, Value);
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        match self.0 {
            Repr::Small(v) => IntoIter::Small(v.into_iter()),
            Repr::Large(m) => IntoIter::Large(m.into_iter()),
        }
    }
}

impl<'a> IntoIterator for &'a Entries {
    type Item = (&'a Value, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The entries of [`Entries`], in order.
#[derive(Debug)]
pub enum Iter<'a> {
    #[doc(hidden)]
    Small(std::slice::Iter<'a, (Value, Value)>),
    #[doc(hidden)]
    Large(indexmap::map::Iter<'a, Value, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Value, &'a Value);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next().map(|(k, v)| (k, v)),
            Iter::Large(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Small(i) => i.size_hint(),
            Iter::Large(i) => i.size_hint(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The entries of [`Entries`], taken, in order.
#[derive(Debug)]
pub enum IntoIter {
    #[doc(hidden)]
    Small(std::vec::IntoIter<(Value, Value)>),
    #[doc(hidden)]
    Large(indexmap::map::IntoIter<Value, Value>),
}

impl Iterator for IntoIter {
    type Item = (Value, Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            IntoIter::Small(i) => i.next(),
            IntoIter::Large(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            IntoIter::Small(i) => i.size_hint(),
            IntoIter::Large(i) => i.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, i32),
        Remove(u8),
        RemoveIndex(usize),
        Reserve(usize),
    }

    /// Keys from a small set, of three kinds that are never `equals` to each other in Java
    /// (`"1"`, `1` and `1L` are three keys).
    fn key(k: u8) -> Value {
        match k % 3 {
            0 => Value::str(&(k / 3).to_string()),
            1 => Value::Int(i32::from(k / 3)),
            _ => Value::Long(i64::from(k / 3)),
        }
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..36, any::<i32>()).prop_map(|(k, v)| Op::Insert(k, v)),
            2 => (0u8..36).prop_map(Op::Remove),
            1 => (0usize..20).prop_map(Op::RemoveIndex),
            1 => (0usize..12).prop_map(Op::Reserve),
        ]
    }

    proptest! {
        /// Whatever is put, removed or reserved, the entries behave as an `IndexMap` does:
        /// the same answers, the same order, across the move from vector to table.
        #[test]
        fn behaves_as_an_index_map(ops in proptest::collection::vec(op(), 0..60)) {
            let mut ours = Entries::default();
            let mut model: IndexMap<Value, Value, MapHasher> = IndexMap::default();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(
                        ours.insert(key(k), Value::Int(v)),
                        model.insert(key(k), Value::Int(v))
                    ),
                    Op::Remove(k) => prop_assert_eq!(
                        ours.shift_remove(&key(k)),
                        model.shift_remove(&key(k))
                    ),
                    Op::RemoveIndex(i) => prop_assert_eq!(
                        ours.shift_remove_index(i),
                        model.shift_remove_index(i)
                    ),
                    Op::Reserve(n) => {
                        ours.reserve(n);
                        prop_assert!(ours.capacity() >= ours.len() + n);
                    }
                }
                prop_assert_eq!(ours.len(), model.len());
                let ours_order: Vec<_> = ours.iter().collect();
                let model_order: Vec<_> = model.iter().collect();
                prop_assert_eq!(ours_order, model_order);
                for k in 0..36 {
                    prop_assert_eq!(ours.get(&key(k)), model.get(&key(k)));
                    prop_assert_eq!(ours.get_index_of(&key(k)), model.get_index_of(&key(k)));
                }
                for k in 0..12 {
                    let s = k.to_string();
                    prop_assert_eq!(ours.get_str(&s), model.get(&Value::str(&s)));
                }
            }
        }
    }

    #[test]
    fn small_maps_move_to_a_table_past_the_limit_and_keep_order() {
        let mut e = Entries::default();
        for i in 0..SMALL as i32 {
            e.insert(Value::Int(i), Value::Int(i));
        }
        assert!(matches!(e.0, Repr::Small(_)));
        e.insert(Value::Int(99), Value::Int(99));
        assert!(matches!(e.0, Repr::Large(_)));
        // A key put again keeps its place.
        e.insert(Value::Int(0), Value::Int(-1));
        let keys: Vec<_> = e.keys().cloned().collect();
        let mut expected: Vec<_> = (0..SMALL as i32).map(Value::Int).collect();
        expected.push(Value::Int(99));
        assert_eq!(keys, expected);
        assert_eq!(e.get(&Value::Int(0)), Some(&Value::Int(-1)));
        assert!(matches!(
            Entries::with_capacity(SMALL + 1).0,
            Repr::Large(_)
        ));
    }
}
