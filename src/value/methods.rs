//! The Java methods and properties templates use on strings, lists, maps, map entries,
//! numbers and booleans — one dispatcher, Java 17 behaviour.
//!
//! Velocity picks a method by name and by the runtime classes of the arguments, without
//! converting between strings and numbers and without narrowing `Long` to `int`. A call that
//! matches no method yields null (the reference then renders as its own text); a method that
//! throws aborts the render, which is what `Err` carries here.

use std::cmp::Ordering;
use std::sync::Arc;

use super::boxed::{self, Boxed};
use super::iter::{JavaIter, Source};
use super::{List, ListKind, Map, MapView, Object, Value};
use crate::java::regex as jregex;

/// Why a Java method threw: the exception's class-qualified message.
pub(crate) type Thrown = String;

/// Result of calling a method: `Value::Null` when no method matched or it returned null;
/// `Value::Str("")` for `void` methods (Velocity renders those as nothing).
pub(crate) type CallResult = Result<Value, Thrown>;

pub(crate) fn void() -> Value {
    Value::Str(Arc::from(""))
}

// ---------------------------------------------------------------------------------------------
// Argument matching (no conversions, like Velocity's method resolution)

/// An `int` parameter: only `Integer` (and `Character`, which Java widens).
pub(super) fn int_arg(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i64::from(*i)),
        Value::Short(i) => Some(i64::from(*i)),
        Value::Byte(i) => Some(i64::from(*i)),
        Value::Char(c) => Some(i64::from(u32::from(*c))),
        _ => None,
    }
}

/// The items of `items` that are (`keep`) or are not in `other`, by Java's `equals`: what
/// `retainAll` / `removeAll` leave, and `$util.list.copyAndRetainAll` / `copyAndRemoveAll`.
pub(crate) fn filter_members(items: &[Value], other: &[Value], keep: bool) -> Vec<Value> {
    items
        .iter()
        .filter(|x| other.contains(x) == keep)
        .cloned()
        .collect()
}

/// A `String` / `CharSequence` parameter (null is accepted by reference parameters).
fn str_arg(v: &Value) -> Option<Option<&str>> {
    match v {
        Value::Str(s) => Some(Some(s)),
        Value::Null => Some(None),
        _ => None,
    }
}

fn npe() -> Thrown {
    "java.lang.NullPointerException".to_string()
}

// ---------------------------------------------------------------------------------------------
// Properties: `$x.name`

/// `$target.name` following Velocity 1.7's lookup order: a `getName()` getter, then
/// `Map.get("name")`, then an `isName()` boolean getter.
/// Whether `.name` is `getClass()` (the one getter every object has, maps included).
pub(crate) fn is_class_getter(name: &str) -> bool {
    matches!(name, "class" | "Class")
}

/// [`property`] with the name as a shared string (from the template): a nested collection
/// a map hands out is kept under it without a copy of the name.
pub(crate) fn shared_property(target: &Value, name: &Arc<str>) -> Value {
    match target {
        Value::Map(m) if !is_class_getter(name) => m.get_shared(name).unwrap_or(Value::Null),
        _ => property(target, name),
    }
}

pub(crate) fn property(target: &Value, name: &str) -> Value {
    // `getClass()` is the only getter a map has, so maps need no getter-name work (this is
    // the hot path: `$ctx.args.x`).
    let is_class = is_class_getter(name);
    if let Value::Map(m) = target {
        if is_class {
            return Value::Object(Object::Class(target.java_class_name()));
        }
        return m.get_str(name).unwrap_or(Value::Null);
    }
    if is_class && !matches!(target, Value::Object(Object::Util(_)) | Value::Null) {
        return Value::Object(Object::Class(target.java_class_name()));
    }
    let getter = lower_first(name);
    let getter = getter.as_str();
    match target {
        Value::List(l) => match getter {
            "empty" => Value::Bool(l.is_empty()),
            _ => Value::Null,
        },
        Value::Str(s) => match getter {
            "empty" => Value::Bool(s.is_empty()),
            "blank" => Value::Bool(s.chars().all(java_is_whitespace)),
            "bytes" => bytes(s.as_bytes()),
            _ => Value::Null,
        },
        Value::Object(Object::View(m, _)) => match getter {
            "empty" => Value::Bool(m.is_empty()),
            _ => Value::Null,
        },
        Value::Entry(e) => match getter {
            "key" => e.0.clone(),
            "value" => e.value(),
            _ => Value::Null,
        },
        Value::Double(d) => match getter {
            "naN" => Value::Bool(d.is_nan()),
            "infinite" => Value::Bool(d.is_infinite()),
            _ => Value::Null,
        },
        Value::Object(Object::Loop(info)) => match getter {
            "count" => Value::Int(info.index.get() as i32 + 1),
            "index" => Value::Int(info.index.get() as i32),
            "hasNext" => Value::Bool(info.has_next.get()),
            "first" => Value::Bool(info.index.get() == 0),
            "last" => Value::Bool(!info.has_next.get()),
            "parent" => match &info.parent {
                Some(p) => Value::Object(Object::Loop(p.clone())),
                None => Value::Null,
            },
            "topmost" => {
                let mut top = info.clone();
                while let Some(p) = top.parent.clone() {
                    top = p;
                }
                Value::Object(Object::Loop(top))
            }
            _ => Value::Null,
        },
        Value::Object(Object::Class(full)) => match getter {
            "name" => Value::str(full),
            "simpleName" => Value::str(
                [
                    ListKind::Strings,
                    ListKind::Chars,
                    ListKind::Bytes,
                    ListKind::Objects,
                ]
                .into_iter()
                .find(|k| k.class_name() == *full)
                .map_or_else(
                    || full.rsplit(['.', '$']).next().unwrap_or(full),
                    ListKind::simple_name,
                ),
            ),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Index: `$x[i]`

/// `$target[index]`: `List.get(int)` (negative counts from the end), `Map.get(key)`.
pub(crate) fn index(target: &Value, idx: &Value) -> CallResult {
    match target {
        Value::List(l) => {
            let Value::Int(i) = idx else {
                return Ok(Value::Null);
            };
            let len = l.len() as i64;
            let i = i64::from(*i);
            let at = if i < 0 { len + i } else { i };
            if at < 0 || at >= len {
                return Err(format!(
                    "java.lang.IndexOutOfBoundsException: Index {i} out of bounds for length {len}"
                ));
            }
            Ok(l.get(at as usize).unwrap_or(Value::Null))
        }
        Value::Map(m) => Ok(m.get(idx).unwrap_or(Value::Null)),
        _ => Ok(Value::Null),
    }
}

// ---------------------------------------------------------------------------------------------
// Methods

/// `$target.name(args)`.
pub(crate) fn call(target: &Value, name: &str, args: &[Value]) -> CallResult {
    let result = dispatch(target, name, args);
    // Velocity 1.7 settles `toString` and `hashCode` with arguments no overload takes on
    // Object's own method, whose invocation then fails.
    if matches!(result, Ok(Value::Null))
        && !args.is_empty()
        && matches!(name, "toString" | "hashCode")
        && !matches!(target, Value::Object(Object::Util(_) | Object::Block(_)))
    {
        return Err("java.lang.IllegalArgumentException: wrong number of arguments".into());
    }
    result
}

fn dispatch(target: &Value, name: &str, args: &[Value]) -> CallResult {
    // Methods every object has.
    match (name, args) {
        ("getClass", []) => return Ok(Value::Object(Object::Class(target.java_class_name()))),
        ("toString", []) => {
            if let Value::Object(Object::Block(_)) = target {
                return Ok(Value::Null);
            }
            return Ok(Value::Str(Arc::from(target.to_java_string())));
        }
        // An array is equal to itself only.
        ("equals", [other]) => {
            return Ok(Value::Bool(match (target, other) {
                (Value::List(a), Value::List(b)) if a.kind().is_array() => a.ptr_eq(b),
                _ => target == other,
            }));
        }
        ("hashCode", []) => return Ok(Value::Int(hash_code(target))),
        _ => {}
    }
    match target {
        Value::Str(s) => string_method(s, name, args),
        Value::List(l) => list_method(l, name, args),
        Value::Map(m) => map_method(m, name, args),
        Value::Entry(e) => Ok(match (name, args) {
            ("getKey", []) => e.0.clone(),
            ("getValue", []) => e.value(),
            ("setValue", [v]) => e.set_value(v.clone()),
            _ => Value::Null,
        }),
        n if n.is_number() => number_method(n, name, args),
        Value::Bool(b) => match (name, args) {
            ("booleanValue", []) => Ok(Value::Bool(*b)),
            ("compareTo", [o]) => boxed::compare_to(target, o).unwrap_or(Ok(Value::Null)),
            _ => boxed::static_method(Boxed::Boolean, name, args).unwrap_or(Ok(Value::Null)),
        },
        Value::Char(c) => match (name, args) {
            ("charValue", []) => Ok(Value::Char(*c)),
            ("compareTo", [o]) => boxed::compare_to(target, o).unwrap_or(Ok(Value::Null)),
            _ => boxed::static_method(Boxed::Character, name, args).unwrap_or(Ok(Value::Null)),
        },
        Value::Object(Object::Loop(_)) => {
            // `$foreach.hasNext()` etc. are methods too.
            let prop = match name {
                "hasNext" | "isFirst" | "isLast" | "getCount" | "getIndex" | "getParent"
                | "getTopmost" => name.trim_start_matches("get").trim_start_matches("is"),
                _ => return Ok(Value::Null),
            };
            if !args.is_empty() {
                return Ok(Value::Null);
            }
            Ok(property(target, prop))
        }
        Value::Object(Object::View(m, view)) => view_method(m, *view, name, args),
        Value::Object(Object::Iter(it)) => it.call(name, args).unwrap_or(Ok(Value::Null)),
        Value::Object(Object::Class(full)) => Ok(match (name, args) {
            ("getName", []) => Value::str(full),
            ("getSimpleName", []) => property(target, "simpleName"),
            _ => Value::Null,
        }),
        _ => Ok(Value::Null),
    }
}

/// Java `hashCode()` of a value (strings, numbers, booleans, collections).
pub(crate) fn hash_code(v: &Value) -> i32 {
    hash_code_memo(v, 0, &mut std::collections::HashMap::new())
}

/// [`hash_code`], remembering each collection's hash at each depth: a collection shared at
/// many places (a list holding one list twice, 40 levels deep) is hashed once per depth
/// instead of once per path, which would be 2^40 times.
fn hash_code_memo(
    v: &Value,
    depth: usize,
    memo: &mut std::collections::HashMap<(usize, usize), i32>,
) -> i32 {
    if depth > 64 {
        return 0;
    }
    let key = match v {
        Value::List(l) => Some((l.addr(), depth)),
        Value::Map(m) => Some((m.addr(), depth)),
        _ => None,
    };
    if let Some(key) = key
        && let Some(h) = memo.get(&key)
    {
        return *h;
    }
    let h = match v {
        Value::Null => 0,
        Value::Bool(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        Value::Int(i) => *i,
        Value::Short(i) => i32::from(*i),
        Value::Byte(i) => i32::from(*i),
        Value::Float(f) => {
            if f.is_nan() {
                0x7fc00000
            } else {
                f.to_bits() as i32
            }
        }
        Value::Long(l) => (*l ^ (*l >> 32)) as i32,
        Value::Double(d) => {
            let bits = if d.is_nan() {
                0x7ff8000000000000u64
            } else {
                d.to_bits()
            };
            (bits ^ (bits >> 32)) as i32
        }
        Value::Str(s) => s
            .encode_utf16()
            .fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u))),
        Value::Char(c) => *c as i32,
        Value::List(l) => l.borrow().iter().fold(1i32, |h, x| {
            h.wrapping_mul(31)
                .wrapping_add(hash_code_memo(x, depth + 1, memo))
        }),
        Value::Map(m) => m.borrow().iter().fold(0i32, |h, (k, x)| {
            h.wrapping_add(hash_code_memo(k, depth + 1, memo) ^ hash_code_memo(x, depth + 1, memo))
        }),
        Value::Entry(e) => {
            hash_code_memo(&e.0, depth + 1, memo) ^ hash_code_memo(&e.value(), depth + 1, memo)
        }
        Value::BigInt(b) => i64::try_from(&**b)
            .map(|l| (l ^ (l >> 32)) as i32)
            .unwrap_or(0),
        // `keySet()` and `entrySet()` are sets: the sum of their items' hashes. `values()`
        // has Java's identity hash, which nothing can reproduce: hashed as a list. The items
        // are one level down (not gathered in a list made here: a temporary list's address
        // could be reused by the next one and hit the memo).
        Value::Object(Object::View(m, view)) if depth < 64 => {
            let items = m.view_items(*view);
            let item = |x: &Value, memo: &mut _| hash_code_memo(x, depth + 2, memo);
            match view {
                MapView::Values => items
                    .iter()
                    .fold(1i32, |h, x| h.wrapping_mul(31).wrapping_add(item(x, memo))),
                MapView::Keys | MapView::Entries => items
                    .iter()
                    .fold(0i32, |h, x| h.wrapping_add(item(x, memo))),
            }
        }
        Value::Object(_) => 0,
    };
    if let Some(key) = key {
        memo.insert(key, h);
    }
    h
}

// ---------------------------------------------------------------------------------------------
// String

/// What `String.trim` removes: every character up to U+0020.
fn java_whitespace(c: char) -> bool {
    c <= ' '
}

/// Java's `Character.isWhitespace` (used by `strip` and `isBlank`): Unicode spaces except
/// the non-breaking ones, and the ASCII separators.
pub(crate) fn java_is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{1C}'..='\u{1F}'
    ) || (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{A0}' | '\u{2007}' | '\u{202F}'))
}

/// UTF-16 helpers: Java indexes strings by UTF-16 code unit.
pub(crate) struct Utf16<'a> {
    s: &'a str,
    ascii: bool,
}

impl<'a> Utf16<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Utf16 {
            s,
            ascii: s.is_ascii(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        if self.ascii {
            self.s.len()
        } else {
            self.s.encode_utf16().count()
        }
    }

    /// Byte offset of UTF-16 index `i` (`None` past the end). An index inside a surrogate
    /// pair moves on to the next character (Java would split the pair).
    fn byte_at(&self, i: usize) -> Option<usize> {
        if self.ascii {
            return (i <= self.s.len()).then_some(i);
        }
        let mut units = 0usize;
        for (b, c) in self.s.char_indices() {
            if units >= i {
                return Some(b);
            }
            units += c.len_utf16();
        }
        (units >= i).then_some(self.s.len())
    }

    /// Byte offset of UTF-16 index `i` when a character starts there (or it is the end).
    fn exact_byte_at(&self, i: usize) -> Option<usize> {
        let b = self.byte_at(i)?;
        (self.ascii || self.units_before(b) == i).then_some(b)
    }

    /// Byte offset of the last character that starts at UTF-16 index `i` or before (the
    /// end when `i` is past it).
    fn start_at_or_before(&self, i: usize) -> usize {
        if self.ascii {
            return i.min(self.s.len());
        }
        let mut units = 0usize;
        let mut last = 0;
        for (b, c) in self.s.char_indices() {
            if units > i {
                return last;
            }
            last = b;
            units += c.len_utf16();
        }
        if units > i { last } else { self.s.len() }
    }

    /// UTF-16 index of byte offset `b`.
    fn units_before(&self, b: usize) -> usize {
        if self.ascii {
            b
        } else {
            self.s[..b].encode_utf16().count()
        }
    }

    fn substring(&self, begin: i64, end: i64) -> Result<std::borrow::Cow<'a, str>, Thrown> {
        let len = self.len() as i64;
        if begin < 0 || end > len || begin > end {
            return Err(format!(
                "java.lang.StringIndexOutOfBoundsException: begin {begin}, end {end}, length {len}"
            ));
        }
        match (
            self.exact_byte_at(begin as usize),
            self.exact_byte_at(end as usize),
        ) {
            (Some(b), Some(e)) => Ok(std::borrow::Cow::Borrowed(&self.s[b..e])),
            // A bound inside a surrogate pair: Java's string holds the lone half, which
            // prints as `?` (our strings are UTF-8 and cannot hold it).
            _ => {
                let units: Vec<u16> = self.s.encode_utf16().collect();
                let part = units.get(begin as usize..end as usize).unwrap_or(&[]);
                Ok(std::borrow::Cow::Owned(lossy_utf16(part)))
            }
        }
    }

    fn char_at(&self, i: i64) -> Result<char, Thrown> {
        let len = self.len() as i64;
        if i < 0 || i >= len {
            return Err(format!(
                "java.lang.StringIndexOutOfBoundsException: index {i}, length {len}"
            ));
        }
        let Some(b) = self.exact_byte_at(i as usize) else {
            // The low half of a surrogate pair: a lone surrogate, printed as `?`.
            return Ok('?');
        };
        let c = self.s[b..].chars().next().unwrap_or('?');
        // At a character of two UTF-16 units Java returns its high half, a lone surrogate
        // that prints as `?`.
        Ok(if c.len_utf16() == 2 { '?' } else { c })
    }

    /// `indexOf(unit)` / `lastIndexOf(unit)` of a surrogate code unit, which only a search
    /// of the UTF-16 units finds.
    fn unit_index(&self, unit: u16, from: Option<i64>, last: bool) -> i64 {
        let units: Vec<u16> = self.s.encode_utf16().collect();
        let len = units.len() as i64;
        let is_unit = |i: &i64| units.get(*i as usize) == Some(&unit);
        let found = if last {
            let to = from.map_or(len - 1, |f| f.min(len - 1));
            (0..=to).rev().find(is_unit)
        } else {
            (from.unwrap_or(0).max(0)..len).find(is_unit)
        };
        found.unwrap_or(-1)
    }

    /// `indexOf(needle, from)` in UTF-16 units.
    fn index_of(&self, needle: &str, from: i64) -> i64 {
        let from = from.max(0) as usize;
        let Some(start) = self.byte_at(from) else {
            return if needle.is_empty() {
                self.len() as i64
            } else {
                -1
            };
        };
        match self.s[start..].find(needle) {
            Some(b) => self.units_before(start + b) as i64,
            None => -1,
        }
    }

    fn last_index_of(&self, needle: &str, from: Option<i64>) -> i64 {
        // The empty string is found at `from` itself (even inside a surrogate pair).
        if needle.is_empty() {
            let len = self.len() as i64;
            return from.map_or(len, |f| if f < 0 { -1 } else { f.min(len) });
        }
        let limit = match from {
            Some(f) if f < 0 => return -1,
            Some(f) => {
                // A match may start at or before `from`, so it ends by `start + needle`
                // (rounded down to a character: a match ends on one).
                let start = self.start_at_or_before(usize::try_from(f).unwrap_or(usize::MAX));
                (start + needle.len()).min(self.s.len())
            }
            None => self.s.len(),
        };
        let mut limit = limit;
        while !self.s.is_char_boundary(limit) {
            limit -= 1;
        }
        match self.s[..limit].rfind(needle) {
            Some(b) => self.units_before(b) as i64,
            None => -1,
        }
    }
}

fn string_method(s: &Arc<str>, name: &str, args: &[Value]) -> CallResult {
    let u = Utf16::new(s);
    let string = |x: &str| Value::Str(Arc::from(x));
    Ok(match (name, args) {
        ("length", []) => Value::Int(u.len() as i32),
        ("isEmpty", []) => Value::Bool(s.is_empty()),
        ("isBlank", []) => Value::Bool(s.chars().all(java_is_whitespace)),
        ("substring", [b]) => match int_arg(b) {
            Some(b) => string(&u.substring(b, u.len() as i64)?),
            None => Value::Null,
        },
        ("substring", [b, e]) => match (int_arg(b), int_arg(e)) {
            (Some(b), Some(e)) => string(&u.substring(b, e)?),
            _ => Value::Null,
        },
        ("charAt", [i]) => match int_arg(i) {
            Some(i) => Value::Char(u.char_at(i)?),
            None => Value::Null,
        },
        ("indexOf" | "lastIndexOf", [needle, rest @ ..]) if rest.len() <= 1 => {
            let from = match rest.first() {
                Some(f) => match int_arg(f) {
                    Some(f) => Some(f),
                    None => return Ok(Value::Null),
                },
                None => None,
            };
            let needle = match needle {
                Value::Str(n) => n.to_string(),
                Value::Int(c @ 0xD800..=0xDFFF) => {
                    return Ok(Value::Int(
                        u.unit_index(*c as u16, from, name == "lastIndexOf") as i32,
                    ));
                }
                Value::Int(c) => match char::from_u32(*c as u32) {
                    Some(c) => c.to_string(),
                    None => return Ok(Value::Int(-1)),
                },
                Value::Char(c) => c.to_string(),
                Value::Null => return Err(npe()),
                _ => return Ok(Value::Null),
            };
            Value::Int(if name == "indexOf" {
                u.index_of(&needle, from.unwrap_or(0))
            } else {
                u.last_index_of(&needle, from)
            } as i32)
        }
        ("contains", [x]) => match str_arg(x) {
            Some(Some(x)) => Value::Bool(s.contains(x)),
            Some(None) => return Err(npe()),
            None => Value::Null,
        },
        ("startsWith", [x]) => match str_arg(x) {
            Some(Some(x)) => Value::Bool(s.starts_with(x)),
            Some(None) => return Err(npe()),
            None => Value::Null,
        },
        ("startsWith", [x, off]) => match (str_arg(x), int_arg(off)) {
            // (An offset inside a surrogate pair starts with half a character: only the
            // empty prefix matches there.)
            (Some(Some(x)), Some(off)) => Value::Bool(
                off >= 0
                    && if x.is_empty() {
                        off as usize <= u.len()
                    } else {
                        u.exact_byte_at(off as usize)
                            .is_some_and(|b| s[b..].starts_with(x))
                    },
            ),
            (Some(None), Some(_)) => return Err(npe()),
            _ => Value::Null,
        },
        ("endsWith", [x]) => match str_arg(x) {
            Some(Some(x)) => Value::Bool(s.ends_with(x)),
            Some(None) => return Err(npe()),
            None => Value::Null,
        },
        ("equalsIgnoreCase", [x]) => match x {
            Value::Str(x) => Value::Bool(equals_ignore_case(s, x)),
            Value::Null => Value::Bool(false),
            _ => Value::Null,
        },
        ("compareTo", [Value::Str(x)]) => Value::Int(compare_utf16(s, x)),
        // (Through `Comparable.compareTo(Object)`: another class throws.)
        ("compareTo", [Value::Null]) => return Err(npe()),
        ("compareTo", [other]) => {
            return Err(format!(
                "java.lang.ClassCastException: class {} cannot be cast to class java.lang.String ({} and java.lang.String are in module java.base of loader 'bootstrap')",
                other.java_class_name(),
                other.java_class_name()
            ));
        }
        ("compareToIgnoreCase", [Value::Str(x)]) => Value::Int(compare_ignore_case(s, x)),
        ("contentEquals", [Value::Str(x)]) => Value::Bool(**s == **x),
        ("subSequence", [b, e]) => match (int_arg(b), int_arg(e)) {
            (Some(b), Some(e)) => string(&u.substring(b, e)?),
            _ => Value::Null,
        },
        ("codePointAt" | "codePointBefore", [i]) => match int_arg(i) {
            Some(i) => Value::Int(code_point(s, i, name == "codePointBefore")?),
            None => Value::Null,
        },
        ("codePointCount", [b, e]) => match (int_arg(b), int_arg(e)) {
            (Some(b), Some(e)) => {
                let units: Vec<u16> = s.encode_utf16().collect();
                let part = (b >= 0 && b <= e)
                    .then(|| units.get(b as usize..e as usize))
                    .flatten()
                    .ok_or("java.lang.IndexOutOfBoundsException")?;
                Value::Int(char::decode_utf16(part.iter().copied()).count() as i32)
            }
            _ => Value::Null,
        },
        ("regionMatches", [t, Value::Str(other), o, len]) => {
            match (int_arg(t), int_arg(o), int_arg(len)) {
                (Some(t), Some(o), Some(len)) => {
                    Value::Bool(region_matches(s, t, other, o, len, false))
                }
                _ => Value::Null,
            }
        }
        ("regionMatches", [Value::Bool(ic), t, Value::Str(other), o, len]) => {
            match (int_arg(t), int_arg(o), int_arg(len)) {
                (Some(t), Some(o), Some(len)) => {
                    Value::Bool(region_matches(s, t, other, o, len, *ic))
                }
                _ => Value::Null,
            }
        }
        ("concat", [x]) => match str_arg(x) {
            Some(Some(x)) => Value::Str(Arc::from(format!("{s}{x}"))),
            Some(None) => return Err(npe()),
            None => Value::Null,
        },
        ("toUpperCase", []) => string(&s.to_uppercase()),
        ("toLowerCase", []) => string(&s.to_lowercase()),
        ("trim", []) => string(s.trim_matches(java_whitespace)),
        ("strip", []) => string(s.trim_matches(java_is_whitespace)),
        ("stripLeading", []) => string(s.trim_start_matches(java_is_whitespace)),
        ("stripTrailing", []) => string(s.trim_end_matches(java_is_whitespace)),
        ("intern" | "toString", []) => Value::Str(s.clone()),
        ("replace", [a, b]) => match (a, b) {
            (Value::Str(a), Value::Str(b)) => string(&java_replace(s, a, b)?),
            (Value::Char(a), Value::Char(b)) => string(&s.replace(*a, &b.to_string())),
            (Value::Null, _) | (_, Value::Null) => return Err(npe()),
            _ => Value::Null,
        },
        ("matches", [Value::Str(re)]) => Value::Bool(jregex::full_match(re, s)?),
        ("matches" | "split", [Value::Null]) => return Err(npe()),
        ("replaceAll" | "replaceFirst", [Value::Str(re), Value::Str(rep)]) => {
            string(&jregex::replace(re, s, rep, name == "replaceAll")?)
        }
        ("split", [Value::Str(re)]) => split_value(jregex::split(re, s, 0)?),
        ("split", [Value::Str(re), Value::Int(limit)]) => {
            split_value(jregex::split(re, s, *limit)?)
        }
        ("repeat", [Value::Int(n)]) => {
            if *n < 0 {
                return Err(format!(
                    "java.lang.IllegalArgumentException: count is negative: {n}"
                ));
            }
            if s.len().saturating_mul(*n as usize) > crate::limits::HARD_STRING_LIMIT {
                return Err("java.lang.OutOfMemoryError: Repeating string is too long".into());
            }
            string(&s.repeat(*n as usize))
        }
        // An array of objects as the only argument is the varargs array itself.
        ("format", [Value::Str(fmt), Value::List(l)])
            if matches!(l.kind(), ListKind::Strings | ListKind::Objects) =>
        {
            string(&crate::java::format::java_format(fmt, &l.borrow())?)
        }
        ("format", [Value::Str(fmt), rest @ ..]) => {
            string(&crate::java::format::java_format(fmt, rest)?)
        }
        ("valueOf", [x]) if !matches!(x, Value::List(l) if l.kind() == ListKind::Chars) => {
            Value::Str(Arc::from(x.to_java_string()))
        }
        ("join", [Value::Str(sep), rest @ ..]) => {
            // (Written piece by piece and checked as it grows: the items can be many
            // references to one large string.)
            let list;
            let items: &[Value] = match rest {
                [Value::List(l)] => {
                    list = l.borrow().clone();
                    &list
                }
                _ => rest,
            };
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                // (The elements are `CharSequence`s: a list of anything else fails the cast.)
                if !matches!(item, Value::Str(_) | Value::Null) && matches!(rest, [Value::List(_)])
                {
                    return Err(format!(
                        "java.lang.ClassCastException: class {0} cannot be cast to class java.lang.CharSequence ({0} and java.lang.CharSequence are in module java.base of loader 'bootstrap')",
                        item.java_class_name()
                    ));
                }
                item.write_java(&mut out);
                if out.len() > crate::limits::HARD_STRING_LIMIT {
                    return Err(
                        "java.lang.OutOfMemoryError: Requested array size exceeds VM limit".into(),
                    );
                }
            }
            string(&out)
        }
        ("getBytes", []) => bytes(s.as_bytes()),
        ("getBytes", [Value::Str(charset)]) => bytes(&encode(s, charset)?),
        ("getBytes", [Value::Null]) => return Err(npe()),
        ("chars", []) => Value::List(List::array(
            ListKind::IntStream,
            s.encode_utf16().map(|u| Value::Int(i32::from(u))).collect(),
        )),
        ("codePoints", []) => Value::List(List::array(
            ListKind::IntStream,
            s.chars().map(|c| Value::Int(c as i32)).collect(),
        )),
        ("lines", []) => Value::List(List::array(ListKind::Stream, java_lines(s))),
        ("offsetByCodePoints", [i, n]) => match (int_arg(i), int_arg(n)) {
            (Some(i), Some(n)) => Value::Int(offset_by_code_points(s, i, n)?),
            _ => Value::Null,
        },
        ("valueOf" | "copyValueOf", [Value::List(chars)]) if chars.kind() == ListKind::Chars => {
            string(&char_units(&chars.borrow(), 0, chars.len() as i64)?)
        }
        ("valueOf" | "copyValueOf", [Value::List(chars), off, count])
            if chars.kind() == ListKind::Chars =>
        {
            match (int_arg(off), int_arg(count)) {
                (Some(off), Some(count)) => string(&char_units(&chars.borrow(), off, count)?),
                _ => Value::Null,
            }
        }
        ("toCharArray", []) => Value::List(List::array(
            ListKind::Chars,
            s.encode_utf16()
                .map(|u| Value::Char(char::from_u32(u32::from(u)).unwrap_or('?')))
                .collect(),
        )),
        _ => Value::Null,
    })
}

fn split_value(parts: Vec<String>) -> Value {
    Value::List(List::array(
        ListKind::Strings,
        parts
            .into_iter()
            .map(|p| Value::Str(Arc::from(p)))
            .collect(),
    ))
}

/// `String.lines()`: the lines without their terminators (`\n`, `\r`, `\r\n`).
fn java_lines(s: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        out.push(Value::str(rest.get(..end).unwrap_or("")));
        let after = rest.get(end..).unwrap_or("");
        rest = after
            .strip_prefix("\r\n")
            .or_else(|| after.strip_prefix('\n'))
            .or_else(|| after.strip_prefix('\r'))
            .unwrap_or(after);
    }
    out
}

/// `String.offsetByCodePoints(index, codePointOffset)`.
fn offset_by_code_points(s: &str, index: i64, offset: i64) -> Result<i32, Thrown> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let len = units.len() as i64;
    if index < 0 || index > len {
        return Err("java.lang.IndexOutOfBoundsException".into());
    }
    let unit = |k: i64| units.get(k as usize).copied().unwrap_or(0);
    let mut at = index;
    if offset >= 0 {
        for _ in 0..offset {
            if at >= len {
                return Err("java.lang.IndexOutOfBoundsException".into());
            }
            at += if is_high(unit(at)) && at + 1 < len && is_low(unit(at + 1)) {
                2
            } else {
                1
            };
        }
    } else {
        for _ in 0..-offset {
            if at <= 0 {
                return Err("java.lang.IndexOutOfBoundsException".into());
            }
            at -= if is_low(unit(at - 1)) && at >= 2 && is_high(unit(at - 2)) {
                2
            } else {
                1
            };
        }
    }
    Ok(at as i32)
}

/// `String.valueOf(char[], offset, count)`.
fn char_units(chars: &[Value], offset: i64, count: i64) -> Result<String, Thrown> {
    let len = chars.len() as i64;
    if offset < 0 || count < 0 || offset > len - count {
        return Err(format!(
            "java.lang.StringIndexOutOfBoundsException: offset {offset}, count {count}, length {len}"
        ));
    }
    let units: Vec<u16> = chars
        .iter()
        .skip(offset as usize)
        .take(count as usize)
        .map(|c| match c {
            Value::Char(c) => {
                let mut buf = [0u16; 2];
                c.encode_utf16(&mut buf).first().copied().unwrap_or(0)
            }
            _ => 0,
        })
        .collect();
    Ok(lossy_utf16(&units))
}

/// A `byte[]` (Java bytes are signed).
fn bytes(b: &[u8]) -> Value {
    Value::List(List::array(
        ListKind::Bytes,
        b.iter().map(|&b| Value::Byte(b as i8)).collect(),
    ))
}

/// `String.getBytes(charsetName)` for the charsets every JDK has.
fn encode(s: &str, charset: &str) -> Result<Vec<u8>, Thrown> {
    let latin = |limit: u32| {
        s.encode_utf16()
            .map(|u| if u32::from(u) < limit { u as u8 } else { b'?' })
            .collect()
    };
    let units = |big: bool| {
        s.encode_utf16()
            .flat_map(move |u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect::<Vec<u8>>()
    };
    Ok(
        match charset.to_ascii_uppercase().replace('_', "-").as_str() {
            "UTF-8" | "UTF8" => s.as_bytes().to_vec(),
            "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "ISO-LATIN-1" | "8859-1" => latin(0x100),
            "US-ASCII" | "ASCII" => latin(0x80),
            "UTF-16BE" => units(true),
            "UTF-16LE" => units(false),
            // With a byte-order mark, big-endian.
            "UTF-16" => [0xFE, 0xFF].into_iter().chain(units(true)).collect(),
            _ => return Err(format!("java.io.UnsupportedEncodingException: {charset}")),
        },
    )
}

/// `String.replace(CharSequence, CharSequence)`, refusing results past the hard size limit
/// before building them.
pub(crate) fn java_replace(s: &str, a: &str, b: &str) -> Result<String, Thrown> {
    let count = if a.is_empty() {
        s.encode_utf16().count() + 1
    } else {
        s.matches(a).count()
    };
    if s.len().saturating_add(count.saturating_mul(b.len())) > crate::limits::HARD_STRING_LIMIT {
        return Err("java.lang.OutOfMemoryError: the replaced string is too long".into());
    }
    Ok(replace_unchecked(s, a, b))
}

fn replace_unchecked(s: &str, a: &str, b: &str) -> String {
    if a.is_empty() {
        // Java inserts the replacement between every UTF-16 unit and at both ends (so
        // between the halves of a surrogate pair, which then print as `?`).
        let mut out = String::with_capacity(s.len() + b.len() * (s.len() + 1));
        out.push_str(b);
        for c in s.chars() {
            if c.len_utf16() == 2 {
                out.push('?');
                out.push_str(b);
                out.push('?');
            } else {
                out.push(c);
            }
            out.push_str(b);
        }
        return out;
    }
    s.replace(a, b)
}

fn equals_ignore_case(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.chars(), b.chars());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) => {
                if p != q
                    && !p.to_uppercase().eq(q.to_uppercase())
                    && !p.to_lowercase().eq(q.to_lowercase())
                {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Java `String.compareTo`: difference of the first differing UTF-16 units, else of lengths.
/// `Character.toUpperCase` / `toLowerCase` of one UTF-16 unit (a unit with no one-unit
/// mapping stays as it is).
fn unit_case(u: u16, upper: bool) -> u16 {
    let Some(c) = char::from_u32(u32::from(u)) else {
        return u;
    };
    let mut mapped = if upper {
        c.to_uppercase().collect::<Vec<_>>()
    } else {
        c.to_lowercase().collect::<Vec<_>>()
    };
    match (mapped.pop(), mapped.is_empty()) {
        (Some(m), true) if m.len_utf16() == 1 => m as u16,
        _ => u,
    }
}

/// Java's case-insensitive comparison of two UTF-16 units: equal as they are, upper-cased,
/// or lower-cased after upper-casing; else their difference (lower-cased).
fn units_compare_ignore_case(a: u16, b: u16) -> i32 {
    if a == b {
        return 0;
    }
    let (ua, ub) = (unit_case(a, true), unit_case(b, true));
    if ua == ub {
        return 0;
    }
    let (la, lb) = (unit_case(ua, false), unit_case(ub, false));
    i32::from(la) - i32::from(lb)
}

/// `String.compareToIgnoreCase`, one UTF-16 unit at a time (`"ß"` against `"SS"` is 108).
fn compare_ignore_case(a: &str, b: &str) -> i32 {
    let (x, y): (Vec<u16>, Vec<u16>) = (a.encode_utf16().collect(), b.encode_utf16().collect());
    for (p, q) in x.iter().zip(&y) {
        let d = units_compare_ignore_case(*p, *q);
        if d != 0 {
            return d;
        }
    }
    x.len() as i32 - y.len() as i32
}

/// `String.regionMatches`: UTF-16 offsets; false when a region is out of range.
fn region_matches(s: &str, t: i64, other: &str, o: i64, len: i64, ignore_case: bool) -> bool {
    let (x, y): (Vec<u16>, Vec<u16>) = (s.encode_utf16().collect(), other.encode_utf16().collect());
    if t < 0 || o < 0 || t + len > x.len() as i64 || o + len > y.len() as i64 {
        return false;
    }
    if len <= 0 {
        return true;
    }
    let (t, o, len) = (t as usize, o as usize, len as usize);
    let (Some(a), Some(b)) = (x.get(t..t + len), y.get(o..o + len)) else {
        return false;
    };
    a.iter().zip(b).all(|(p, q)| {
        if ignore_case {
            units_compare_ignore_case(*p, *q) == 0
        } else {
            p == q
        }
    })
}

/// `codePointAt(i)` (or `codePointBefore(i)`): the code point at (before) a UTF-16 index; a
/// lone surrogate is its own value.
fn code_point(s: &str, i: i64, before: bool) -> Result<i32, Thrown> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let len = units.len() as i64;
    let bad = || format!("java.lang.StringIndexOutOfBoundsException: index {i}, length {len}");
    let pair = |h: u16, l: u16| 0x10000 + ((i32::from(h) - 0xD800) << 10) + (i32::from(l) - 0xDC00);
    let at = |k: i64| usize::try_from(k).ok().and_then(|k| units.get(k).copied());
    if before {
        let l = at(i - 1).filter(|_| i <= len).ok_or_else(bad)?;
        return Ok(match at(i - 2) {
            Some(h) if is_low(l) && is_high(h) => pair(h, l),
            _ => i32::from(l),
        });
    }
    let h = at(i).ok_or_else(bad)?;
    match at(i + 1) {
        Some(l) if is_high(h) && is_low(l) => Ok(pair(h, l)),
        _ => Ok(i32::from(h)),
    }
}

/// Whether a UTF-16 unit is the first half of a surrogate pair.
fn is_high(u: u16) -> bool {
    (0xD800..0xDC00).contains(&u)
}

/// Whether a UTF-16 unit is the second half of a surrogate pair.
fn is_low(u: u16) -> bool {
    (0xDC00..0xE000).contains(&u)
}

/// UTF-16 units as text, each lone surrogate as `?` (as Java writes one in UTF-8).
pub(crate) fn lossy_utf16(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|c| c.unwrap_or('?'))
        .collect()
}

fn compare_utf16(a: &str, b: &str) -> i32 {
    let mut x = a.encode_utf16();
    let mut y = b.encode_utf16();
    loop {
        match (x.next(), y.next()) {
            (Some(p), Some(q)) if p != q => return i32::from(p) - i32::from(q),
            (Some(_), Some(_)) => {}
            (None, None) => return 0,
            (Some(_), None) => return 1 + x.count() as i32,
            (None, Some(_)) => return -1 - y.count() as i32,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// List

fn list_method(l: &List, name: &str, args: &[Value]) -> CallResult {
    if l.kind().is_array() {
        return array_method(l, name, args);
    }
    if l.stale_view() {
        return Err("java.util.ConcurrentModificationException".into());
    }
    array_list_method(l, name, args)
}

/// The methods of `java.util.ArrayList` (and of the list views of arrays and sublists).
fn array_list_method(l: &List, name: &str, args: &[Value]) -> CallResult {
    let len = l.len() as i64;
    let out_of_bounds = |i: i64| {
        format!("java.lang.IndexOutOfBoundsException: Index {i} out of bounds for length {len}")
    };
    Ok(match (name, args) {
        ("toArray", []) => Value::List(List::array(ListKind::Objects, l.borrow().clone())),
        ("iterator", []) => iterator(Source::List(l.clone()), false, 0),
        ("listIterator", []) => iterator(Source::List(l.clone()), true, 0),
        ("listIterator", [i]) => match int_arg(i) {
            Some(i) if i >= 0 && i <= len => iterator(Source::List(l.clone()), true, i as usize),
            Some(i) => {
                return Err(format!(
                    "java.lang.IndexOutOfBoundsException: Index: {i}, Size: {len}"
                ));
            }
            None => Value::Null,
        },
        ("size", []) => Value::Int(len as i32),
        ("isEmpty", []) => Value::Bool(len == 0),
        ("get", [i]) => match int_arg(i) {
            Some(i) if i >= 0 && i < len => l.get(i as usize).unwrap_or(Value::Null),
            Some(i) => return Err(out_of_bounds(i)),
            None => Value::Null,
        },
        ("add", [x]) => {
            l.borrow_mut(true).push(x.clone());
            Value::Bool(true)
        }
        ("add", [i, x]) => match int_arg(i) {
            Some(i) if i >= 0 && i <= len => {
                l.borrow_mut(true).insert(i as usize, x.clone());
                void()
            }
            Some(i) => return Err(out_of_bounds(i)),
            None => Value::Null,
        },
        ("set", [i, x]) => match int_arg(i) {
            Some(i) if i >= 0 && i < len => match l.borrow_mut(false).get_mut(i as usize) {
                Some(slot) => std::mem::replace(slot, x.clone()),
                None => return Err(out_of_bounds(i)),
            },
            Some(i) => return Err(out_of_bounds(i)),
            None => Value::Null,
        },
        ("addAll", [Value::Null]) => return Err(npe()),
        ("addAll", [other]) if other.collection_items().is_some() => {
            let items: Vec<Value> = other.collection_items().unwrap_or_default();
            let changed = !items.is_empty();
            l.borrow_mut(true).extend(items);
            Value::Bool(changed)
        }
        ("addAll", [i, other]) if other.collection_items().is_some() => match int_arg(i) {
            Some(i) if i >= 0 && i <= len => {
                let items: Vec<Value> = other.collection_items().unwrap_or_default();
                let changed = !items.is_empty();
                let mut v = l.borrow_mut(true);
                let tail = v.split_off(i as usize);
                v.extend(items);
                v.extend(tail);
                Value::Bool(changed)
            }
            Some(i) => return Err(out_of_bounds(i)),
            None => Value::Null,
        },
        // Java picks remove(int index) for an Integer argument, remove(Object) otherwise.
        ("remove", [Value::Int(i)]) => {
            let i = i64::from(*i);
            if i < 0 || i >= len {
                return Err(out_of_bounds(i));
            }
            l.borrow_mut(true).remove(i as usize)
        }
        ("remove", [x]) => {
            let pos = l.borrow().iter().position(|y| y == x);
            match pos {
                Some(p) => {
                    l.borrow_mut(true).remove(p);
                    Value::Bool(true)
                }
                None => Value::Bool(false),
            }
        }
        ("contains", [x]) => Value::Bool(l.borrow().iter().any(|y| y == x)),
        // A shallow copy (`ArrayList.clone`).
        ("clone", []) => Value::List(List::new(l.borrow().clone())),
        ("removeAll" | "retainAll", [Value::Null]) => return Err(npe()),
        ("removeAll" | "retainAll", [other]) if other.collection_items().is_some() => {
            let other = other.collection_items().unwrap_or_default();
            let kept = filter_members(&l.borrow(), &other, name == "retainAll");
            let changed = kept.len() != l.len();
            if changed {
                *l.borrow_mut(true) = kept;
            }
            Value::Bool(changed)
        }
        ("containsAll", [other]) if other.collection_items().is_some() => {
            let other = other.collection_items().unwrap_or_default();
            let items = l.borrow();
            Value::Bool(other.iter().all(|x| items.iter().any(|y| y == x)))
        }
        ("indexOf", [x]) => Value::Int(
            l.borrow()
                .iter()
                .position(|y| y == x)
                .map(|p| p as i32)
                .unwrap_or(-1),
        ),
        ("lastIndexOf", [x]) => Value::Int(
            l.borrow()
                .iter()
                .rposition(|y| y == x)
                .map(|p| p as i32)
                .unwrap_or(-1),
        ),
        ("subList", [a, b]) => match (int_arg(a), int_arg(b)) {
            (Some(a), Some(b)) => {
                // (AbstractList.subListRangeCheck.)
                if a < 0 {
                    return Err(format!(
                        "java.lang.IndexOutOfBoundsException: fromIndex = {a}"
                    ));
                }
                if b > len {
                    return Err(format!(
                        "java.lang.IndexOutOfBoundsException: toIndex = {b}"
                    ));
                }
                if a > b {
                    return Err(format!(
                        "java.lang.IllegalArgumentException: fromIndex({a}) > toIndex({b})"
                    ));
                }
                Value::List(l.sub_list(a as usize, b as usize))
            }
            _ => Value::Null,
        },
        ("clear", []) => {
            l.borrow_mut(true).clear();
            void()
        }
        ("sort", [Value::Null]) => {
            let mut items = l.borrow().clone();
            // Checked before sorting: an order that is not total makes Rust's sort panic
            // (Java's throws at the first pair it cannot compare). Comparable values of one
            // class are totally ordered (`natural_order`).
            let incomparable = items.windows(2).find_map(|pair| match pair {
                [a, b] if natural_order(a, b).is_none() => Some(a.java_class()),
                _ => None,
            });
            if let Some(class) = incomparable {
                return Err(format!(
                    "java.lang.ClassCastException: class java.lang.{class} cannot be cast to class java.lang.Comparable"
                ));
            }
            items.sort_by(|a, b| natural_order(a, b).unwrap_or(Ordering::Equal));
            *l.borrow_mut(false) = items;
            void()
        }
        _ => Value::Null,
    })
}

/// `Comparable` order between two values of compatible classes: a total order within each
/// class (`None` across classes).
pub(crate) fn natural_order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(compare_utf16(x, y).cmp(&0)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Char(x), Value::Char(y)) => Some(x.cmp(y)),
        // `Double.compareTo`: -0.0 before 0.0, NaN equal to itself and after everything.
        (Value::Double(x), Value::Double(y)) => Some(match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.total_cmp(y),
        }),
        _ if std::mem::discriminant(a) == std::mem::discriminant(b) => {
            super::ops::compare_numbers(a, b)
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Map

fn map_method(m: &Map, name: &str, args: &[Value]) -> CallResult {
    Ok(match (name, args) {
        ("get", [k]) => m.get(k).unwrap_or(Value::Null),
        ("put", [k, v]) => m.insert(k.clone(), v.clone()).unwrap_or(Value::Null),
        ("putIfAbsent", [k, v]) => match m.get(k) {
            Some(existing) if !existing.is_null() => existing,
            _ => {
                m.insert(k.clone(), v.clone());
                Value::Null
            }
        },
        ("putAll", [Value::Null]) => return Err(npe()),
        ("putAll", [Value::Map(other)]) => {
            let entries: Vec<(Value, Value)> = other
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in entries {
                m.insert(k, v);
            }
            void()
        }
        ("remove", [k]) => m.borrow_mut(true).shift_remove(k).unwrap_or(Value::Null),
        // `remove(key, value)`: only while the key maps to that value.
        ("remove", [k, v]) => {
            if m.get(k).is_some_and(|x| x == *v) && m.borrow().contains_key(k) {
                m.borrow_mut(true).shift_remove(k);
                Value::Bool(true)
            } else {
                Value::Bool(false)
            }
        }
        // `replace(key, old, new)`: only while the key maps to `old`.
        ("replace", [k, old, new]) => {
            if m.borrow().contains_key(k) && m.get(k).is_some_and(|x| x == *old) {
                m.insert(k.clone(), new.clone());
                Value::Bool(true)
            } else {
                Value::Bool(false)
            }
        }
        // A shallow copy (`LinkedHashMap.clone`).
        ("clone", []) => {
            let copy = Map::with_capacity(m.len());
            for (k, v) in m.borrow().iter() {
                copy.insert(k.clone(), v.clone());
            }
            Value::Map(copy)
        }
        ("containsKey", [k]) => Value::Bool(m.borrow().contains_key(k)),
        ("containsValue", [v]) => Value::Bool(m.borrow().values().any(|x| x == v)),
        ("getOrDefault", [k, d]) => m.get(k).unwrap_or_else(|| d.clone()),
        ("size", []) => Value::Int(m.len() as i32),
        ("isEmpty", []) => Value::Bool(m.is_empty()),
        ("keySet", []) => Value::Object(Object::View(m.clone(), MapView::Keys)),
        ("values", []) => Value::Object(Object::View(m.clone(), MapView::Values)),
        ("entrySet", []) => Value::Object(Object::View(m.clone(), MapView::Entries)),
        ("clear", []) => {
            m.borrow_mut(true).clear();
            void()
        }
        ("replace", [k, v]) => {
            if m.borrow().contains_key(k) {
                m.insert(k.clone(), v.clone()).unwrap_or(Value::Null)
            } else {
                Value::Null
            }
        }
        _ => Value::Null,
    })
}

/// Methods of `keySet()`, `values()` and `entrySet()`.
/// A method of an array, which Velocity calls through a fixed-size `List` view of it
/// (`ArrayListWrapper`): what would add or remove elements throws.
fn array_method(l: &List, name: &str, args: &[Value]) -> CallResult {
    if l.kind().is_stream() {
        return Ok(stream_method(l, name, args));
    }
    let unsupported = || "java.lang.UnsupportedOperationException".to_string();
    match name {
        "add" | "addAll" | "addFirst" | "addLast" => Err(unsupported()),
        // AbstractList's remove throws only once there is something to remove: tried on a
        // copy, which must come out unchanged.
        "remove" | "removeAll" | "retainAll" | "removeIf" | "clear" | "removeFirst"
        | "removeLast" => {
            let copy = List::new(l.borrow().clone());
            let out = array_list_method(&copy, name, args);
            if copy.mods() != 0 {
                return Err(unsupported());
            }
            out
        }
        // Reads, and `set`/`sort`, which keep the size, act on the array itself.
        _ => array_list_method(l, name, args),
    }
}

/// The terminal operations of a stream that need no lambda.
fn stream_method(l: &List, name: &str, args: &[Value]) -> Value {
    match (name, args) {
        ("count", []) => Value::Long(l.len() as i64),
        ("sum", []) if l.kind() == ListKind::IntStream => Value::Int(
            l.borrow()
                .iter()
                .filter_map(int_arg)
                .fold(0i32, |a, b| a.wrapping_add(b as i32)),
        ),
        ("toArray", []) => Value::List(List::array(ListKind::Objects, l.borrow().clone())),
        _ => Value::Null,
    }
}

fn iterator(source: Source, list_iterator: bool, start: usize) -> Value {
    Value::Object(Object::Iter(std::rc::Rc::new(JavaIter::new(
        source,
        list_iterator,
        start,
    ))))
}

fn view_method(m: &Map, view: MapView, name: &str, args: &[Value]) -> CallResult {
    Ok(match (name, args) {
        ("iterator", []) => iterator(Source::Map(m.clone(), view), false, 0),
        ("toArray", []) => Value::List(List::array(ListKind::Objects, m.view_items(view))),
        ("size", []) => Value::Int(m.len() as i32),
        ("isEmpty", []) => Value::Bool(m.is_empty()),
        ("contains", [x]) => Value::Bool(match view {
            MapView::Keys => m.borrow().contains_key(x),
            _ => m.view_items(view).iter().any(|y| y == x),
        }),
        ("remove", [x]) => {
            let index = match view {
                MapView::Keys => m.borrow().get_index_of(x),
                _ => m.view_items(view).iter().position(|y| y == x),
            };
            match index {
                Some(i) => {
                    m.borrow_mut(true).shift_remove_index(i);
                    Value::Bool(true)
                }
                None => Value::Bool(false),
            }
        }
        ("clear", []) => {
            m.borrow_mut(true).clear();
            void()
        }
        ("removeAll" | "retainAll", [other]) if other.collection_items().is_some() => {
            let other = other.collection_items().unwrap_or_default();
            let keep = name == "retainAll";
            let drop: Vec<usize> = m
                .view_items(view)
                .iter()
                .enumerate()
                .filter(|(_, x)| other.contains(x) != keep)
                .map(|(i, _)| i)
                .collect();
            for i in drop.iter().rev() {
                m.borrow_mut(true).shift_remove_index(*i);
            }
            Value::Bool(!drop.is_empty())
        }
        // A map's views take no new elements.
        ("add", [_]) | ("addAll", [_]) => {
            return Err("java.lang.UnsupportedOperationException".into());
        }
        _ => Value::Null,
    })
}

// ---------------------------------------------------------------------------------------------
// Numbers

fn number_method(n: &Value, name: &str, args: &[Value]) -> CallResult {
    let as_f64 = match n {
        Value::Int(i) => f64::from(*i),
        Value::Short(i) => f64::from(*i),
        Value::Byte(i) => f64::from(*i),
        Value::Float(f) => f64::from(*f),
        Value::Long(l) => *l as f64,
        Value::Double(d) => *d,
        Value::BigInt(b) => b.to_string().parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    };
    let as_i64 = match n {
        Value::Int(i) => i64::from(*i),
        Value::Short(i) => i64::from(*i),
        Value::Byte(i) => i64::from(*i),
        Value::Float(f) => *f as i64,
        Value::Long(l) => *l,
        // Java's (long) cast saturates, like Rust's.
        Value::Double(d) => *d as i64,
        Value::BigInt(b) => {
            // BigInteger.longValue keeps the low 64 bits.
            let (sign, digits) = b.to_u64_digits();
            let low = digits.first().copied().unwrap_or(0) as i64;
            if sign == num_bigint::Sign::Minus {
                low.wrapping_neg()
            } else {
                low
            }
        }
        _ => 0,
    };
    let as_i32 = match n {
        Value::Double(d) => *d as i32,
        Value::Float(f) => *f as i32,
        _ => as_i64 as i32,
    };
    Ok(match (name, args) {
        ("intValue", []) => Value::Int(as_i32),
        ("longValue", []) => Value::Long(as_i64),
        ("doubleValue", []) => Value::Double(as_f64),
        ("floatValue", []) => Value::Float(match n {
            // (BigInteger.floatValue rounds the exact value once.)
            Value::BigInt(b) => b.to_string().parse().unwrap_or(f32::NAN),
            _ => as_f64 as f32,
        }),
        // Java narrows a floating value to short or byte through int.
        ("shortValue", []) => Value::Short(as_i32 as i16),
        ("byteValue", []) => Value::Byte(as_i32 as i8),
        ("isNaN", []) => Value::Bool(as_f64.is_nan()),
        ("isInfinite", []) => Value::Bool(as_f64.is_infinite()),
        ("compareTo", [other]) => return boxed::compare_to(n, other).unwrap_or(Ok(Value::Null)),
        _ => {
            let class = match n {
                Value::Long(_) => Boxed::Long,
                Value::Double(_) => Boxed::Double,
                Value::Int(_) => Boxed::Integer,
                Value::Float(_) => Boxed::Float,
                Value::Short(_) => Boxed::Short,
                Value::Byte(_) => Boxed::Byte,
                _ => return Ok(Value::Null),
            };
            return boxed::static_method(class, name, args).unwrap_or(Ok(Value::Null));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: CallResult) -> String {
        match v {
            Ok(v) => v.to_java_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn string_methods_count_utf16_units() {
        let v = Value::str("abc🚀💻");
        assert_eq!(s(call(&v, "length", &[])), "7");
        assert_eq!(
            s(call(&v, "substring", &[Value::Int(3), Value::Int(5)])),
            "🚀"
        );
        assert_eq!(s(call(&v, "indexOf", &[Value::str("💻")])), "5");
    }

    #[test]
    fn no_conversion_between_strings_and_numbers() {
        let v = Value::str("hello");
        assert_eq!(s(call(&v, "substring", &[Value::str("1")])), "null");
        assert_eq!(s(call(&v, "substring", &[Value::Long(1)])), "null");
        assert_eq!(s(call(&v, "substring", &[Value::Int(1)])), "ello");
        assert_eq!(
            s(call(&v, "substring", &[Value::Int(9)])),
            "ERR java.lang.StringIndexOutOfBoundsException: begin 9, end 5, length 5"
        );
    }

    #[test]
    fn list_and_map_return_values() {
        let l = Value::list(vec![]);
        assert_eq!(s(call(&l, "add", &[Value::str("x")])), "true");
        assert_eq!(s(call(&l, "add", &[Value::Int(0), Value::str("y")])), "");
        assert_eq!(l.to_java_string(), "[y, x]");
        let m = Value::empty_map();
        assert_eq!(
            s(call(&m, "put", &[Value::str("k"), Value::Int(1)])),
            "null"
        );
        assert_eq!(s(call(&m, "put", &[Value::str("k"), Value::Int(2)])), "1");
    }

    #[test]
    fn string_hash_code_is_javas() {
        assert_eq!(hash_code(&Value::str("hello")), 99162322);
    }

    /// Shared sub-collections hash as Java hashes them (Velocity 1.7 renders
    /// `2064353128771 195 128771` for the first template), and a collection shared at
    /// every level of 40 is hashed once per level rather than 2^40 times.
    #[test]
    fn hash_codes_of_shared_collections_are_javas_and_quick() {
        let render = |t: &str| {
            let t = crate::Engine::new().compile("t", t).unwrap();
            t.render(&crate::Context::new()).unwrap().output
        };
        assert_eq!(
            render(
                "#set($x0=[1])#set($x1=[$x0,$x0])#set($x2=[$x1,$x1])#set($x3=[$x2,$x2])\
                 $x3.hashCode() #set($m={\"a\":$x2,\"b\":$x2})$m.hashCode() \
                 $m.keySet().hashCode() $m.entrySet().hashCode()"
            ),
            "2064353128771 195 128771"
        );
        let mut t = String::from("#set($x0=[1])");
        for i in 1..=40 {
            t.push_str(&format!("#set($x{i}=[$x{p},$x{p}])", p = i - 1));
        }
        t.push_str("$x40.hashCode()");
        // h(x0) = 32 and h(x(i+1)) = (31 + h(xi)) * 31 + h(xi), in 32-bit arithmetic.
        let expected = (0..40).fold(32i32, |h, _| {
            31i32.wrapping_add(h).wrapping_mul(31).wrapping_add(h)
        });
        assert_eq!(render(&t), expected.to_string());
    }
}
