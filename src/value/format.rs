//! Java `toString()` of values: what a reference renders as.

use std::fmt::Write as _;

use super::{Object, Value};

/// Nesting beyond which a collection prints as `...` (Java would overflow its stack on a
/// collection that contains itself through another one).
const MAX_PRINT_DEPTH: usize = 200;

pub(crate) fn write_java(v: &Value, out: &mut String, depth: usize) {
    // Shared sub-collections can make the text exponentially long (a list holding the same
    // list ten times, ten levels deep): stop writing past the hard limit; the caller's own
    // limit check then reports the error.
    if out.len() > crate::limits::HARD_STRING_LIMIT {
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Long(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::BigInt(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Double(d) => write_double(*d, out),
        Value::Float(f) => write_float(*f, out),
        Value::Short(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Byte(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Str(s) => out.push_str(s),
        Value::Char(c) => out.push(*c),
        // An array prints as its class and identity hash, which no run can reproduce: its
        // content hash stands in.
        Value::List(l) if l.kind().is_array() => {
            let _ = write!(
                out,
                "{}@{:x}",
                l.kind().class_name(),
                super::methods::hash_code(v)
            );
        }
        Value::List(l) => {
            if depth > MAX_PRINT_DEPTH {
                out.push_str("[...]");
                return;
            }
            out.push('[');
            let items = l.borrow();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match item {
                    // Java's AbstractCollection.toString guards direct self-reference.
                    Value::List(inner) if inner.ptr_eq(l) => out.push_str("(this Collection)"),
                    _ => write_java(item, out, depth + 1),
                }
            }
            out.push(']');
        }
        Value::Map(m) => {
            if depth > MAX_PRINT_DEPTH {
                out.push_str("{...}");
                return;
            }
            out.push('{');
            let entries = m.borrow();
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_map_part(k, m, out, depth);
                out.push('=');
                write_map_part(val, m, out, depth);
            }
            out.push('}');
        }
        Value::Entry(e) => {
            write_java(&e.0, out, depth + 1);
            out.push('=');
            write_java(&e.value(), out, depth + 1);
        }
        Value::Object(Object::Loop(_)) => out.push_str("{}"),
        Value::Object(Object::Util(ns)) => {
            let _ = write!(out, "{}", ns.java_string());
        }
        Value::Object(Object::View(m, view)) => {
            write_java(&Value::list(m.view_items(*view)), out, depth + 1)
        }
        Value::Object(Object::Class(name)) => {
            out.push_str("class ");
            out.push_str(name);
        }
        // Rendered by the evaluator; as a plain string it is its class name.
        Value::Object(Object::Block(_)) => out.push_str(v.java_class_name()),
        // Java prints the class and an identity hash no run can reproduce: the class only.
        Value::Object(Object::Iter(_)) => out.push_str(v.java_class_name()),
    }
}

fn write_map_part(v: &Value, map: &super::Map, out: &mut String, depth: usize) {
    match v {
        Value::Map(inner) if inner.ptr_eq(map) => out.push_str("(this Map)"),
        _ => write_java(v, out, depth + 1),
    }
}

/// Java's `Double.toString`: plain notation for 10^-3 <= |d| < 10^7, else `d.dddE±n`;
/// always at least one digit after the point; the shortest digits that read back exactly.
pub(crate) fn write_double(d: f64, out: &mut String) {
    write_floating(d, || format!("{:e}", d.abs()), out)
}

/// Java's `Float.toString`: as [`write_double`], with the shortest digits of the `float`.
pub(crate) fn write_float(f: f32, out: &mut String) {
    write_floating(f64::from(f), || format!("{:e}", f.abs()), out)
}

/// `d` in Java's notation, `scientific` giving the shortest digits of its absolute value in
/// its own precision (`1.2345e6`).
fn write_floating(d: f64, scientific: impl FnOnce() -> String, out: &mut String) {
    if d.is_nan() {
        out.push_str("NaN");
        return;
    }
    if d.is_infinite() {
        out.push_str(if d > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if d == 0.0 {
        out.push_str(if d.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // Shortest round-trip digits and decimal exponent, from Rust's formatter.
    let sci = scientific();
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if d < 0.0 {
        out.push('-');
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        if exp >= 0 {
            let int_len = (exp + 1) as usize;
            if digits.len() <= int_len {
                out.push_str(&digits);
                for _ in digits.len()..int_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        out.push('E');
        out.push_str(itoa::Buffer::new().format(exp));
    }
}

#[cfg(test)]
mod tests {
    use super::write_double;

    fn java(d: f64) -> String {
        let mut s = String::new();
        write_double(d, &mut s);
        s
    }

    #[test]
    fn doubles_print_like_java() {
        // Expected strings are Java 17's Double.toString (see fixtures/velocity for the
        // oracle-rendered cases).
        assert_eq!(java(1.0), "1.0");
        assert_eq!(java(1.5), "1.5");
        assert_eq!(java(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(java(1e7), "1.0E7");
        assert_eq!(java(12345678.9), "1.23456789E7");
        assert_eq!(java(0.0001), "1.0E-4");
        assert_eq!(java(0.001), "0.001");
        assert_eq!(java(100.0 / 3.0), "33.333333333333336");
        assert_eq!(java(-2.5), "-2.5");
        assert_eq!(java(9999999.0), "9999999.0");
        assert_eq!(java(1000.0), "1000.0");
        assert_eq!(java(-0.0), "-0.0");
        assert_eq!(java(f64::INFINITY), "Infinity");
        assert_eq!(java(1e300), "1.0E300");
    }
}
