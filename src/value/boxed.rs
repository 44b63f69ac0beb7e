//! The methods of `java.lang.Integer`, `Long`, `Double`, `Boolean` and `Character` that a
//! template reaches through a value: Velocity finds a class's static methods through any
//! instance (`$n.parseInt('17')`, `$d.isNaN($x)`), and the generic `compareTo(Object)` that
//! throws `ClassCastException` for another class. Each follows Java 17, exceptions included
//! (`parseInt('abc')` fails the render with `NumberFormatException`, as in Velocity 1.7).
//!
//! Parameters match as Velocity 1.7 matches them: Java's widening of `int` to `long` and
//! `double`, and of `char` to `int`; no conversion from strings.

use std::sync::Arc;

use super::Value;
use super::methods::Thrown;

/// The class a value's static methods come from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Boxed {
    Integer,
    Long,
    Double,
    Boolean,
    Character,
    Float,
    Short,
    Byte,
}

fn string(s: impl Into<Arc<str>>) -> Value {
    Value::Str(s.into())
}

fn nfe(s: &str) -> Thrown {
    format!("java.lang.NumberFormatException: For input string: \"{s}\"")
}

fn nfe_radix(s: &str, radix: u32) -> Thrown {
    if radix == 10 {
        nfe(s)
    } else {
        format!("java.lang.NumberFormatException: For input string: \"{s}\" under radix {radix}")
    }
}

/// An `int` parameter: `Integer`, or `Character` widened.
fn int(v: &Value) -> Option<i32> {
    super::methods::int_arg(v).map(|i| i as i32)
}

/// A `long` parameter: `Long`, or `Integer`/`Character` widened.
fn long(v: &Value) -> Option<i64> {
    match v {
        Value::Long(l) => Some(*l),
        other => int(other).map(i64::from),
    }
}

/// A `double` parameter: any of the above widened.
fn double(v: &Value) -> Option<f64> {
    match v {
        Value::Double(d) => Some(*d),
        Value::Float(f) => Some(f64::from(*f)),
        Value::Long(l) => Some(*l as f64),
        other => int(other).map(f64::from),
    }
}

/// A `float` parameter: a `Float`, or an integer widened.
fn float(v: &Value) -> Option<f32> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Long(l) => Some(*l as f32),
        other => int(other).map(|i| i as f32),
    }
}

/// A `short` parameter: a `Short` or `Byte`.
fn short(v: &Value) -> Option<i16> {
    match v {
        Value::Short(i) => Some(*i),
        Value::Byte(i) => Some(i16::from(*i)),
        _ => None,
    }
}

/// A `byte` parameter.
fn byte(v: &Value) -> Option<i8> {
    match v {
        Value::Byte(i) => Some(*i),
        _ => None,
    }
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

/// A `String` parameter (`None` inside for null).
fn text(v: &Value) -> Option<Option<&str>> {
    match v {
        Value::Str(s) => Some(Some(s)),
        Value::Null => Some(None),
        _ => None,
    }
}

/// Whether `c` is in the general category `class` (`\p{L}`, `\p{Nd}`), which Rust's `char`
/// does not tell.
fn in_category(c: char, class: &'static str) -> bool {
    use std::sync::LazyLock;
    static LETTER: LazyLock<Option<fancy_regex::Regex>> =
        LazyLock::new(|| fancy_regex::Regex::new(r"^\p{L}$").ok());
    static DIGIT: LazyLock<Option<fancy_regex::Regex>> =
        LazyLock::new(|| fancy_regex::Regex::new(r"^\p{Nd}$").ok());
    let re = if class == "L" { &LETTER } else { &DIGIT };
    let mut buf = [0u8; 4];
    re.as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)).unwrap_or(false))
}

/// `Character.getType`: the general category as Java numbers it.
fn general_category(c: char) -> i32 {
    use std::sync::LazyLock;
    // (Java's constants, in the order of the groups below; 17 is unused.)
    const CATEGORIES: [(&str, i32); 29] = [
        ("Lu", 1),
        ("Ll", 2),
        ("Lt", 3),
        ("Lm", 4),
        ("Lo", 5),
        ("Mn", 6),
        ("Me", 7),
        ("Mc", 8),
        ("Nd", 9),
        ("Nl", 10),
        ("No", 11),
        ("Zs", 12),
        ("Zl", 13),
        ("Zp", 14),
        ("Cc", 15),
        ("Cf", 16),
        ("Co", 18),
        ("Cs", 19),
        ("Pd", 20),
        ("Ps", 21),
        ("Pe", 22),
        ("Pc", 23),
        ("Po", 24),
        ("Sm", 25),
        ("Sc", 26),
        ("Sk", 27),
        ("So", 28),
        ("Pi", 29),
        ("Pf", 30),
    ];
    static RE: LazyLock<Option<fancy_regex::Regex>> = LazyLock::new(|| {
        let groups: Vec<String> = CATEGORIES
            .iter()
            .map(|(name, _)| format!(r"(\p{{{name}}})"))
            .collect();
        fancy_regex::Regex::new(&format!("^(?:{})$", groups.join("|"))).ok()
    });
    let mut buf = [0u8; 4];
    let text = c.encode_utf8(&mut buf);
    let Some(caps) = RE.as_ref().and_then(|re| re.captures(text).ok().flatten()) else {
        return 0;
    };
    CATEGORIES
        .iter()
        .enumerate()
        .find(|(i, _)| caps.get(i + 1).is_some())
        .map_or(0, |(_, (_, n))| *n)
}

/// The value of a decimal digit of any script (`Character.digit(c, 10)`): digits come in
/// runs of ten from zero, so it is the distance from the start of the run, modulo ten.
fn decimal_value(c: char) -> Option<u32> {
    if let Some(d) = c.to_digit(10) {
        return Some(d);
    }
    if !in_category(c, "Nd") {
        return None;
    }
    let mut cp = c as u32;
    let mut k = 0;
    while let Some(prev) = cp.checked_sub(1).and_then(char::from_u32) {
        if !in_category(prev, "Nd") {
            break;
        }
        k += 1;
        cp -= 1;
    }
    Some(k % 10)
}

/// `Character.digit(c, radix)`.
fn digit(c: char, radix: u32) -> Option<u32> {
    let d = c
        .to_digit(36)
        .filter(|_| c.is_ascii())
        .or_else(|| decimal_value(c))?;
    (d < radix).then_some(d)
}

/// `Long.parseLong(s, radix)` within `[min, max]` (`Integer.parseInt` is the `int` range).
fn parse_integer(s: Option<&str>, radix: i32, min: i64, max: i64) -> Result<i64, Thrown> {
    let Some(s) = s else {
        return Err("java.lang.NumberFormatException: Cannot parse null string".into());
    };
    if radix < 2 {
        return Err(format!(
            "java.lang.NumberFormatException: radix {radix} less than Character.MIN_RADIX"
        ));
    }
    if radix > 36 {
        return Err(format!(
            "java.lang.NumberFormatException: radix {radix} greater than Character.MAX_RADIX"
        ));
    }
    let radix = radix as u32;
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return Err(nfe_radix(s, radix));
    }
    let mut value: i128 = 0;
    for c in digits.chars() {
        let d = digit(c, radix).ok_or_else(|| nfe_radix(s, radix))?;
        value = value * i128::from(radix) + i128::from(d);
        if value > i128::from(max) + 1 {
            return Err(nfe_radix(s, radix));
        }
    }
    let value = if negative { -value } else { value };
    if value < i128::from(min) || value > i128::from(max) {
        return Err(nfe_radix(s, radix));
    }
    Ok(value as i64)
}

/// A number in text as `Long.valueOf` reads it (an `Integer` when it fits), else as
/// `Double.valueOf` does; `None` when neither reads it.
pub(crate) fn java_number(text: &str) -> Option<Value> {
    match parse_integer(Some(text), 10, i64::MIN, i64::MAX) {
        Ok(n) => Some(match i32::try_from(n) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Long(n),
        }),
        Err(_) => parse_double(Some(text)).ok().map(Value::Double),
    }
}

/// `Integer.decode` / `Long.decode`: a sign, then `0x`, `0X`, `#` (hex), `0` (octal) or
/// decimal digits.
fn decode(s: Option<&str>, min: i64, max: i64) -> Result<i64, Thrown> {
    let Some(s) = s else {
        return Err("java.lang.NullPointerException".into());
    };
    if s.is_empty() {
        return Err("java.lang.NumberFormatException: Zero length string".into());
    }
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (radix, digits) =
        if let Some(h) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, h)
        } else if let Some(h) = rest.strip_prefix('#') {
            (16, h)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
    if digits.starts_with(['-', '+']) {
        return Err("java.lang.NumberFormatException: Sign character in wrong position".into());
    }
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    parse_integer(Some(&signed), radix, min, max).map_err(|_| nfe(&signed))
}

/// `Double.parseDouble`: Java's syntax (surrounding whitespace, `NaN`, `Infinity`, hex
/// floats, an `f`/`d` suffix).
fn parse_double(s: Option<&str>) -> Result<f64, Thrown> {
    let Some(raw) = s else {
        return Err("java.lang.NullPointerException".into());
    };
    let s = raw.trim_matches(|c: char| c <= ' ');
    if s.is_empty() {
        return Err("java.lang.NumberFormatException: empty String".into());
    }
    let (negative, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    match body {
        "NaN" => return Ok(f64::NAN),
        "Infinity" => return Ok(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return hex_float(hex).map(|v| sign * v).ok_or_else(|| nfe(raw));
    }
    let valid = !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && body.chars().any(|c| c.is_ascii_digit())
        && !body.starts_with(['e', 'E', '+', '-']);
    match valid.then(|| body.parse::<f64>().ok()).flatten() {
        Some(v) => Ok(sign * v),
        None => Err(nfe(raw)),
    }
}

/// A hex float without its `0x`: `h.hhhp[+-]d`.
fn hex_float(s: &str) -> Option<f64> {
    let (mantissa, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int.chars() {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    Some(value * 2f64.powi(exp))
}

fn to_radix(v: i64, radix: i32) -> String {
    let radix = if (2..=36).contains(&radix) {
        radix as u32
    } else {
        10
    };
    if v == 0 {
        return "0".into();
    }
    let mut digits = Vec::new();
    let mut n = v.unsigned_abs();
    while n > 0 {
        digits.push(std::char::from_digit((n % u64::from(radix)) as u32, radix).unwrap_or('0'));
        n /= u64::from(radix);
    }
    if v < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

fn compare<T: PartialOrd>(a: T, b: T) -> Value {
    Value::Int(match a.partial_cmp(&b) {
        Some(std::cmp::Ordering::Less) => -1,
        Some(std::cmp::Ordering::Greater) => 1,
        _ => 0,
    })
}

/// `Double.compare`: -0.0 below 0.0, NaN above everything and equal to itself.
fn compare_doubles(a: f64, b: f64) -> Value {
    Value::Int(match a.total_cmp(&b) {
        std::cmp::Ordering::Less if !(a.is_nan() || b.is_nan()) => -1,
        std::cmp::Ordering::Greater if !(a.is_nan() || b.is_nan()) => 1,
        _ if a.is_nan() && b.is_nan() => 0,
        _ if a.is_nan() => 1,
        _ if b.is_nan() => -1,
        _ => 0,
    })
}

fn double_string(d: f64) -> Value {
    let mut s = String::new();
    super::format::write_double(d, &mut s);
    string(s)
}

/// `Double.toHexString`.
fn double_hex(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if d.is_sign_negative() { "-" } else { "" };
    if d == 0.0 {
        return format!("{sign}0x0.0p0");
    }
    let bits = d.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mut hex = format!("{:013x}", bits & ((1u64 << 52) - 1));
    while hex.len() > 1 && hex.ends_with('0') {
        hex.pop();
    }
    if exp == 0 {
        format!("{sign}0x0.{hex}p-1022")
    } else {
        format!("{sign}0x1.{hex}p{}", exp - 1023)
    }
}

/// The class name of `v` in a `ClassCastException` message.
fn cast(v: &Value, to: &str) -> Thrown {
    let from = v.java_class_name();
    format!(
        "java.lang.ClassCastException: class {from} cannot be cast to class {to} ({from} and {to} are in module java.base of loader 'bootstrap')"
    )
}

/// `target.compareTo(other)` through `Comparable.compareTo(Object)`: another class throws.
pub(super) fn compare_to(target: &Value, other: &Value) -> Option<Result<Value, Thrown>> {
    let to = target.java_class_name();
    Some(match (target, other) {
        (_, Value::Null) => Err("java.lang.NullPointerException".into()),
        (Value::Int(a), Value::Int(b)) => Ok(compare(a, b)),
        (Value::Long(a), Value::Long(b)) => Ok(compare(a, b)),
        (Value::Double(a), Value::Double(b)) => Ok(compare_doubles(*a, *b)),
        (Value::Float(a), Value::Float(b)) => Ok(compare_doubles(f64::from(*a), f64::from(*b))),
        // Short and Byte compare by subtraction.
        (Value::Short(a), Value::Short(b)) => Ok(Value::Int(i32::from(*a) - i32::from(*b))),
        (Value::Byte(a), Value::Byte(b)) => Ok(Value::Int(i32::from(*a) - i32::from(*b))),
        (Value::Bool(a), Value::Bool(b)) => Ok(compare(a, b)),
        (Value::Char(a), Value::Char(b)) => Ok(Value::Int(*a as i32 - *b as i32)),
        (Value::BigInt(a), Value::BigInt(b)) => Ok(compare(a, b)),
        (
            Value::Int(_)
            | Value::Long(_)
            | Value::Double(_)
            | Value::Float(_)
            | Value::Short(_)
            | Value::Byte(_)
            | Value::Bool(_)
            | Value::Char(_)
            | Value::BigInt(_),
            o,
        ) => Err(cast(o, to)),
        _ => return None,
    })
}

/// A static method of `class` called through an instance; `None` when the class has no
/// method of that name taking these arguments (the reference then renders as text).
pub(super) fn static_method(
    class: Boxed,
    name: &str,
    args: &[Value],
) -> Option<Result<Value, Thrown>> {
    let (min, max) = match class {
        Boxed::Long => (i64::MIN, i64::MAX),
        _ => (i64::from(i32::MIN), i64::from(i32::MAX)),
    };
    let boxed = |v: i64| match class {
        Boxed::Long => Value::Long(v),
        _ => Value::Int(v as i32),
    };
    let result = match (class, name, args) {
        // Integer and Long.
        (
            Boxed::Integer | Boxed::Long,
            "parseInt" | "parseLong" | "valueOf",
            [s @ (Value::Str(_) | Value::Null)],
        ) if class_name_ok(class, name) => {
            let s = text(s)?;
            parse_integer(s, 10, min, max).map(boxed)
        }
        (Boxed::Integer | Boxed::Long, "parseInt" | "parseLong" | "valueOf", [s, r])
            if class_name_ok(class, name) =>
        {
            let (s, r) = (text(s)?, int(r)?);
            parse_integer(s, r, min, max).map(boxed)
        }
        (Boxed::Integer, "valueOf", [v]) => Ok(Value::Int(int(v)?)),
        (Boxed::Long, "valueOf", [v]) => Ok(Value::Long(long(v)?)),
        (Boxed::Integer | Boxed::Long, "decode", [s]) => decode(text(s)?, min, max).map(boxed),
        (Boxed::Integer, "toString", [v]) => Ok(string(int(v)?.to_string())),
        (Boxed::Long, "toString", [v]) => Ok(string(long(v)?.to_string())),
        (Boxed::Integer, "toString", [v, r]) => Ok(string(to_radix(i64::from(int(v)?), int(r)?))),
        (Boxed::Long, "toString", [v, r]) => Ok(string(to_radix(long(v)?, int(r)?))),
        (Boxed::Integer, "toBinaryString" | "toHexString" | "toOctalString", [v]) => {
            let v = int(v)? as u32;
            Ok(string(match name {
                "toBinaryString" => format!("{v:b}"),
                "toHexString" => format!("{v:x}"),
                _ => format!("{v:o}"),
            }))
        }
        (Boxed::Long, "toBinaryString" | "toHexString" | "toOctalString", [v]) => {
            let v = long(v)? as u64;
            Ok(string(match name {
                "toBinaryString" => format!("{v:b}"),
                "toHexString" => format!("{v:x}"),
                _ => format!("{v:o}"),
            }))
        }
        (Boxed::Integer, "toUnsignedString", [v]) => Ok(string((int(v)? as u32).to_string())),
        (Boxed::Long, "toUnsignedString", [v]) => Ok(string((long(v)? as u64).to_string())),
        (Boxed::Integer, "toUnsignedLong", [v]) => Ok(Value::Long(i64::from(int(v)? as u32))),
        (Boxed::Integer, "parseUnsignedInt", [s]) => {
            let s = text(s)?;
            match s {
                Some(t) if t.starts_with('-') => Err(format!(
                    "java.lang.NumberFormatException: Illegal leading minus sign on unsigned string {t}."
                )),
                _ => parse_integer(s, 10, 0, i64::from(u32::MAX))
                    .map(|v| Value::Int(v as u32 as i32)),
            }
        }
        (Boxed::Integer, "max" | "min" | "sum", [a, b]) => {
            let (a, b) = (int(a)?, int(b)?);
            Ok(Value::Int(match name {
                "max" => a.max(b),
                "min" => a.min(b),
                _ => a.wrapping_add(b),
            }))
        }
        (Boxed::Long, "max" | "min" | "sum", [a, b]) => {
            let (a, b) = (long(a)?, long(b)?);
            Ok(Value::Long(match name {
                "max" => a.max(b),
                "min" => a.min(b),
                _ => a.wrapping_add(b),
            }))
        }
        (Boxed::Integer, "compare", [a, b]) => Ok(compare(int(a)?, int(b)?)),
        (Boxed::Long, "compare", [a, b]) => Ok(compare(long(a)?, long(b)?)),
        (Boxed::Integer, "compareUnsigned", [a, b]) => Ok(compare(int(a)? as u32, int(b)? as u32)),
        (Boxed::Long, "compareUnsigned", [a, b]) => Ok(compare(long(a)? as u64, long(b)? as u64)),
        (Boxed::Integer, "divideUnsigned" | "remainderUnsigned", [a, b]) => {
            let (a, b) = (int(a)? as u32, int(b)? as u32);
            if b == 0 {
                Err("java.lang.ArithmeticException: / by zero".into())
            } else if name == "divideUnsigned" {
                Ok(Value::Int((a / b) as i32))
            } else {
                Ok(Value::Int((a % b) as i32))
            }
        }
        (Boxed::Long, "divideUnsigned" | "remainderUnsigned", [a, b]) => {
            let (a, b) = (long(a)? as u64, long(b)? as u64);
            if b == 0 {
                Err("java.lang.ArithmeticException: / by zero".into())
            } else if name == "divideUnsigned" {
                Ok(Value::Long((a / b) as i64))
            } else {
                Ok(Value::Long((a % b) as i64))
            }
        }
        (Boxed::Integer, "signum", [v]) => Ok(Value::Int(int(v)?.signum())),
        (Boxed::Long, "signum", [v]) => Ok(Value::Int(long(v)?.signum() as i32)),
        (Boxed::Integer, "bitCount", [v]) => Ok(Value::Int(int(v)?.count_ones() as i32)),
        (Boxed::Long, "bitCount", [v]) => Ok(Value::Int(long(v)?.count_ones() as i32)),
        (Boxed::Integer, "reverse", [v]) => Ok(Value::Int(int(v)?.reverse_bits())),
        (Boxed::Integer, "reverseBytes", [v]) => Ok(Value::Int(int(v)?.swap_bytes())),
        (Boxed::Long, "reverse", [v]) => Ok(Value::Long(long(v)?.reverse_bits())),
        (Boxed::Integer, "highestOneBit", [v]) => {
            let v = int(v)? as u32;
            Ok(Value::Int(if v == 0 {
                0
            } else {
                (1u32 << (31 - v.leading_zeros())) as i32
            }))
        }
        (Boxed::Integer, "lowestOneBit", [v]) => {
            let v = int(v)?;
            Ok(Value::Int(v & v.wrapping_neg()))
        }
        (Boxed::Integer, "numberOfLeadingZeros", [v]) => {
            Ok(Value::Int(int(v)?.leading_zeros() as i32))
        }
        (Boxed::Integer, "numberOfTrailingZeros", [v]) => {
            Ok(Value::Int(int(v)?.trailing_zeros() as i32))
        }
        (Boxed::Long, "numberOfLeadingZeros", [v]) => {
            Ok(Value::Int(long(v)?.leading_zeros() as i32))
        }
        (Boxed::Long, "numberOfTrailingZeros", [v]) => {
            Ok(Value::Int(long(v)?.trailing_zeros() as i32))
        }
        (Boxed::Integer, "rotateLeft" | "rotateRight", [v, d]) => {
            let (v, d) = (int(v)? as u32, int(d)?.rem_euclid(32) as u32);
            Ok(Value::Int(if name == "rotateLeft" {
                v.rotate_left(d)
            } else {
                v.rotate_right(d)
            } as i32))
        }
        (Boxed::Integer, "hashCode", [v]) => Ok(Value::Int(int(v)?)),
        (Boxed::Long, "hashCode", [v]) => {
            let v = long(v)?;
            Ok(Value::Int((v ^ (v >> 32)) as i32))
        }
        // Double.
        (Boxed::Double, "parseDouble" | "valueOf", [v @ (Value::Str(_) | Value::Null)]) => {
            parse_double(text(v)?).map(Value::Double)
        }
        (Boxed::Double, "valueOf", [v]) => Ok(Value::Double(double(v)?)),
        (Boxed::Double, "toString", [v]) => Ok(double_string(double(v)?)),
        (Boxed::Double, "toHexString", [v]) => Ok(string(double_hex(double(v)?))),
        (Boxed::Double, "isNaN", [v]) => Ok(Value::Bool(double(v)?.is_nan())),
        (Boxed::Double, "isInfinite", [v]) => Ok(Value::Bool(double(v)?.is_infinite())),
        (Boxed::Double, "isFinite", [v]) => Ok(Value::Bool(double(v)?.is_finite())),
        (Boxed::Double, "compare", [a, b]) => Ok(compare_doubles(double(a)?, double(b)?)),
        (Boxed::Double, "max" | "min" | "sum", [a, b]) => {
            Ok(Value::Double(max_min_sum(name, double(a)?, double(b)?)))
        }
        (Boxed::Double, "doubleToLongBits", [v]) => {
            let v = double(v)?;
            Ok(Value::Long(if v.is_nan() {
                0x7ff8000000000000
            } else {
                v.to_bits() as i64
            }))
        }
        (Boxed::Double, "doubleToRawLongBits", [v]) => Ok(Value::Long(double(v)?.to_bits() as i64)),
        (Boxed::Double, "longBitsToDouble", [v]) => {
            Ok(Value::Double(f64::from_bits(long(v)? as u64)))
        }
        // Float.
        (Boxed::Float, "parseFloat" | "valueOf", [v @ (Value::Str(_) | Value::Null)]) => {
            parse_double(text(v)?).map(|d| Value::Float(d as f32))
        }
        (Boxed::Float, "valueOf", [v]) => Ok(Value::Float(float(v)?)),
        (Boxed::Float, "toString", [v]) => Ok(Value::Str(Arc::from(
            Value::Float(float(v)?).to_java_string(),
        ))),
        (Boxed::Float, "isNaN", [v]) => Ok(Value::Bool(float(v)?.is_nan())),
        (Boxed::Float, "isInfinite", [v]) => Ok(Value::Bool(float(v)?.is_infinite())),
        (Boxed::Float, "isFinite", [v]) => Ok(Value::Bool(float(v)?.is_finite())),
        (Boxed::Float, "compare", [a, b]) => {
            Ok(compare_doubles(f64::from(float(a)?), f64::from(float(b)?)))
        }
        // (In double, then rounded: exact for a float's max, min and sum.)
        (Boxed::Float, "max" | "min" | "sum", [a, b]) => {
            Ok(Value::Float(
                max_min_sum(name, f64::from(float(a)?), f64::from(float(b)?)) as f32,
            ))
        }
        (Boxed::Float, "floatToIntBits", [v]) => {
            let v = float(v)?;
            Ok(Value::Int(if v.is_nan() {
                0x7fc00000
            } else {
                v.to_bits() as i32
            }))
        }
        (Boxed::Float, "floatToRawIntBits", [v]) => Ok(Value::Int(float(v)?.to_bits() as i32)),
        (Boxed::Float, "intBitsToFloat", [v]) => Ok(Value::Float(f32::from_bits(int(v)? as u32))),
        (Boxed::Float, "hashCode", [v]) => Ok(Value::Int(super::methods::hash_code(
            &Value::Float(float(v)?),
        ))),
        // Short and Byte.
        (Boxed::Short | Boxed::Byte, "parseShort" | "parseByte" | "valueOf", [s])
            if matches!(s, Value::Str(_) | Value::Null) && small_name_ok(class, name) =>
        {
            small(
                class,
                parse_integer(text(s)?, 10, i64::from(i32::MIN), i64::from(i32::MAX)),
                text(s)?,
                10,
            )
        }
        (Boxed::Short | Boxed::Byte, "parseShort" | "parseByte" | "valueOf", [s, r])
            if matches!(s, Value::Str(_) | Value::Null) && small_name_ok(class, name) =>
        {
            let r = int(r)?;
            small(
                class,
                parse_integer(text(s)?, r, i64::from(i32::MIN), i64::from(i32::MAX)),
                text(s)?,
                r,
            )
        }
        (Boxed::Short | Boxed::Byte, "decode", [s]) => small(
            class,
            decode(text(s)?, i64::from(i32::MIN), i64::from(i32::MAX)),
            text(s)?,
            10,
        ),
        (Boxed::Short, "valueOf", [v]) => Ok(Value::Short(short(v)?)),
        (Boxed::Byte, "valueOf", [v]) => Ok(Value::Byte(byte(v)?)),
        (Boxed::Short, "toString" | "hashCode", [v]) => {
            let v = short(v)?;
            Ok(if name == "hashCode" {
                Value::Int(i32::from(v))
            } else {
                string(v.to_string())
            })
        }
        (Boxed::Byte, "toString" | "hashCode", [v]) => {
            let v = byte(v)?;
            Ok(if name == "hashCode" {
                Value::Int(i32::from(v))
            } else {
                string(v.to_string())
            })
        }
        (Boxed::Short, "compare", [a, b]) => {
            Ok(Value::Int(i32::from(short(a)?) - i32::from(short(b)?)))
        }
        (Boxed::Byte, "compare", [a, b]) => {
            Ok(Value::Int(i32::from(byte(a)?) - i32::from(byte(b)?)))
        }
        (Boxed::Short, "toUnsignedInt", [v]) => Ok(Value::Int(i32::from(short(v)? as u16))),
        (Boxed::Byte, "toUnsignedInt", [v]) => Ok(Value::Int(i32::from(byte(v)? as u8))),
        (Boxed::Short, "reverseBytes", [v]) => Ok(Value::Short(short(v)?.swap_bytes())),
        // Boolean.
        (Boxed::Boolean, "parseBoolean", [s]) => Ok(Value::Bool(
            text(s)?.is_some_and(|s| s.eq_ignore_ascii_case("true")),
        )),
        (Boxed::Boolean, "valueOf", [Value::Str(s)]) => {
            Ok(Value::Bool(s.eq_ignore_ascii_case("true")))
        }
        (Boxed::Boolean, "valueOf", [v]) => Ok(Value::Bool(boolean(v)?)),
        (Boxed::Boolean, "toString", [v]) => Ok(string(boolean(v)?.to_string())),
        (Boxed::Boolean, "logicalAnd" | "logicalOr" | "logicalXor", [a, b]) => {
            let (a, b) = (boolean(a)?, boolean(b)?);
            Ok(Value::Bool(match name {
                "logicalAnd" => a && b,
                "logicalOr" => a || b,
                _ => a ^ b,
            }))
        }
        (Boxed::Boolean, "compare", [a, b]) => Ok(compare(boolean(a)?, boolean(b)?)),
        (Boxed::Boolean, "hashCode", [v]) => Ok(Value::Int(if boolean(v)? { 1231 } else { 1237 })),
        // Character.
        (Boxed::Character, _, [v]) => return character(name, v),
        _ => return None,
    };
    Some(result)
}

/// `Double.max`, `min` or `sum` (`max` and `min` are NaN if either is, unlike Rust's).
fn max_min_sum(name: &str, a: f64, b: f64) -> f64 {
    match name {
        "max" | "min" if a.is_nan() || b.is_nan() => f64::NAN,
        "max" => a.max(b),
        "min" => a.min(b),
        _ => a + b,
    }
}

/// `parseShort` belongs to Short, `parseByte` to Byte; `valueOf` to both.
fn small_name_ok(class: Boxed, name: &str) -> bool {
    match name {
        "parseShort" => class == Boxed::Short,
        "parseByte" => class == Boxed::Byte,
        _ => true,
    }
}

/// A parsed `int` as a `Short` or `Byte`, or Java's range error.
fn small(
    class: Boxed,
    parsed: Result<i64, Thrown>,
    s: Option<&str>,
    radix: i32,
) -> Result<Value, Thrown> {
    let v = parsed?;
    let out_of_range = || {
        format!(
            "java.lang.NumberFormatException: Value out of range. Value:\"{}\" Radix:{radix}",
            s.unwrap_or("")
        )
    };
    if class == Boxed::Short {
        i16::try_from(v)
            .map(Value::Short)
            .map_err(|_| out_of_range())
    } else {
        i8::try_from(v).map(Value::Byte).map_err(|_| out_of_range())
    }
}

/// `parseInt` belongs to Integer, `parseLong` to Long; `valueOf` to both.
fn class_name_ok(class: Boxed, name: &str) -> bool {
    match name {
        "parseInt" => class == Boxed::Integer,
        "parseLong" => class == Boxed::Long,
        _ => true,
    }
}

/// `Character`'s one-argument statics, for a `char` or a code point.
fn character(name: &str, v: &Value) -> Option<Result<Value, Thrown>> {
    let c = match v {
        Value::Char(c) => *c,
        Value::Int(i) => char::from_u32(*i as u32)?,
        _ => return None,
    };
    let code_point = matches!(v, Value::Int(_));
    let bool = |b: bool| Some(Ok(Value::Bool(b)));
    let mapped = |s: char| -> Value {
        if code_point {
            Value::Int(s as i32)
        } else {
            Value::Char(s)
        }
    };
    let one = |mut it: std::iter::Peekable<std::vec::IntoIter<char>>| -> char {
        match (it.next(), it.peek()) {
            (Some(x), None) => x,
            _ => c,
        }
    };
    match name {
        "isLetter" => bool(in_category(c, "L")),
        "isDigit" => bool(decimal_value(c).is_some()),
        "isLetterOrDigit" => bool(in_category(c, "L") || decimal_value(c).is_some()),
        "isAlphabetic" => bool(c.is_alphabetic()),
        "isUpperCase" => bool(c.is_uppercase()),
        "isLowerCase" => bool(c.is_lowercase()),
        "isWhitespace" => bool(super::methods::java_is_whitespace(c)),
        "isSpaceChar" => bool(matches!(
            c,
            ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
        )),
        "isISOControl" => bool(c.is_control()),
        "isSurrogate" | "isHighSurrogate" | "isLowSurrogate" => bool(false),
        "toUpperCase" => Some(Ok(mapped(one(c
            .to_uppercase()
            .collect::<Vec<_>>()
            .into_iter()
            .peekable())))),
        "toLowerCase" => Some(Ok(mapped(one(c
            .to_lowercase()
            .collect::<Vec<_>>()
            .into_iter()
            .peekable())))),
        "getNumericValue" => Some(Ok(Value::Int(digit(c, 36).map_or(-1, |d| d as i32)))),
        "getType" => Some(Ok(Value::Int(general_category(c)))),
        "toChars" if code_point => {
            let mut units = [0u16; 2];
            Some(Ok(Value::List(super::List::array(
                super::ListKind::Chars,
                c.encode_utf16(&mut units)
                    .iter()
                    .map(|&u| Value::Char(char::from_u32(u32::from(u)).unwrap_or('?')))
                    .collect(),
            ))))
        }
        "valueOf" if !code_point => Some(Ok(Value::Char(c))),
        "toString" => Some(Ok(string(c.to_string()))),
        "hashCode" if !code_point => Some(Ok(Value::Int(c as i32))),
        _ => None,
    }
}
