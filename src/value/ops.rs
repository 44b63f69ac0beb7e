//! Operators with Velocity 1.7 rules (`MathUtils`, `ASTEQNode`, `ASTLTNode`...).

use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;

use super::Value;
use crate::ast::BinOp;

/// A number operand, widened for computing (a BigInteger is borrowed: most arithmetic
/// never needs one, and copying it for every `+` cost more than the addition).
enum Num<'a> {
    /// Integer, with the rank of its class (see [`wrap`]).
    Int(i64, u8),
    Big(&'a BigInt),
    /// Floating point, and whether it is a `Float`.
    Double(f64, bool),
}

const BYTE: u8 = 0;
const SHORT: u8 = 1;
const INTEGER: u8 = 2;
const LONG: u8 = 3;

#[inline]
fn num(v: &Value) -> Option<Num<'_>> {
    Some(match v {
        Value::Int(i) => Num::Int(i64::from(*i), INTEGER),
        Value::Long(i) => Num::Int(*i, LONG),
        Value::BigInt(b) => Num::Big(b),
        Value::Double(d) => Num::Double(*d, false),
        Value::Float(f) => Num::Double(f64::from(*f), true),
        Value::Short(i) => Num::Int(i64::from(*i), SHORT),
        Value::Byte(i) => Num::Int(i64::from(*i), BYTE),
        _ => return None,
    })
}

fn to_f64(n: &Num) -> f64 {
    match n {
        Num::Int(i, _) => *i as f64,
        Num::Big(b) => b.to_string().parse().unwrap_or(f64::NAN),
        Num::Double(d, _) => *d,
    }
}

fn to_big(n: &Num) -> BigInt {
    match n {
        Num::Int(i, _) => BigInt::from(*i),
        Num::Big(b) => (*b).clone(),
        Num::Double(d, _) => BigInt::from(*d as i64),
    }
}

/// Wraps an integer result in the larger operand class, promoting `Byte` to `Short` to
/// `Integer` to `Long` while it does not fit (Velocity's `MathUtils.wrapPrimitive`).
fn wrap(result: i64, rank: u8) -> Value {
    if rank == BYTE
        && let Ok(i) = i8::try_from(result)
    {
        return Value::Byte(i);
    }
    if rank <= SHORT
        && let Ok(i) = i16::try_from(result)
    {
        return Value::Short(i);
    }
    if rank <= INTEGER
        && let Ok(i) = i32::try_from(result)
    {
        return Value::Int(i);
    }
    Value::Long(result)
}

fn big(b: BigInt) -> Value {
    Value::BigInt(Rc::new(b))
}

/// `a op b` for `+ - * / %` on two values; `None` when Velocity yields null (an operand is
/// not a number, or division by zero). String concatenation is the caller's job.
pub(crate) fn arithmetic(op: BinOp, a: &Value, b: &Value) -> Option<Value> {
    let (x, y) = (num(a)?, num(b)?);
    match (&x, &y) {
        (Num::Double(..), _) | (_, Num::Double(..)) => {
            let (p, q) = (to_f64(&x), to_f64(&y));
            // Float with anything but a Double stays a Float.
            let float = !matches!(x, Num::Double(_, false)) && !matches!(y, Num::Double(_, false));
            let r = match op {
                BinOp::Add => p + q,
                BinOp::Sub => p - q,
                BinOp::Mul => p * q,
                BinOp::Div => {
                    if q == 0.0 {
                        return None;
                    }
                    p / q
                }
                BinOp::Mod => {
                    if q == 0.0 {
                        return None;
                    }
                    p % q
                }
                _ => return None,
            };
            Some(if float {
                Value::Float(r as f32)
            } else {
                Value::Double(r)
            })
        }
        (Num::Int(p, rp), Num::Int(q, rq)) => {
            let (p, q, rank) = (*p, *q, (*rp).max(*rq));
            let checked = match op {
                BinOp::Add => p.checked_add(q),
                BinOp::Sub => p.checked_sub(q),
                BinOp::Mul => p.checked_mul(q),
                BinOp::Div => {
                    if q == 0 {
                        return None;
                    }
                    // Java's long division wraps on MIN / -1 without an error.
                    Some(p.wrapping_div(q))
                }
                BinOp::Mod => {
                    if q == 0 {
                        return None;
                    }
                    Some(p.wrapping_rem(q))
                }
                _ => return None,
            };
            Some(match checked {
                Some(r) => wrap(r, rank),
                // long overflow: BigInteger, as MathUtils does.
                None => big_arithmetic(op, BigInt::from(p), BigInt::from(q))?,
            })
        }
        _ => big_arithmetic(op, to_big(&x), to_big(&y)),
    }
}

fn big_arithmetic(op: BinOp, p: BigInt, q: BigInt) -> Option<Value> {
    let zero = BigInt::from(0);
    Some(big(match op {
        BinOp::Add => p + q,
        BinOp::Sub => p - q,
        BinOp::Mul => p * q,
        BinOp::Div => {
            if q == zero {
                return None;
            }
            p / q
        }
        BinOp::Mod => {
            if q == zero {
                return None;
            }
            p % q
        }
        _ => return None,
    }))
}

/// Numeric comparison across number classes; `None` unless both are numbers.
pub(crate) fn compare_numbers(a: &Value, b: &Value) -> Option<Ordering> {
    let (x, y) = (num(a)?, num(b)?);
    match (&x, &y) {
        (Num::Int(p, _), Num::Int(q, _)) => Some(p.cmp(q)),
        (Num::Double(..), _) | (_, Num::Double(..)) => to_f64(&x).partial_cmp(&to_f64(&y)),
        _ => Some(to_big(&x).cmp(&to_big(&y))),
    }
}

/// Velocity's `==`: numbers compare by value whatever their class; values of the same class
/// use Java `equals`; other pairs compare their `toString()`s; null equals only null.
pub(crate) fn loose_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => {
            if let Some(ord) = compare_numbers(a, b) {
                return ord == Ordering::Equal;
            }
            if std::mem::discriminant(a) == std::mem::discriminant(b) {
                return a == b;
            }
            a.to_java_string() == b.to_java_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: Option<Value>) -> String {
        v.map(|v| format!("{} {}", v.to_java_string(), v.java_class()))
            .unwrap_or_else(|| "null".into())
    }

    #[test]
    fn integer_promotion_and_overflow() {
        assert_eq!(
            s(arithmetic(
                BinOp::Add,
                &Value::Int(i32::MAX),
                &Value::Int(1)
            )),
            "2147483648 Long"
        );
        assert_eq!(
            s(arithmetic(
                BinOp::Add,
                &Value::Long(i64::MAX),
                &Value::Int(1)
            )),
            "9223372036854775808 BigInteger"
        );
        assert_eq!(
            s(arithmetic(BinOp::Div, &Value::Int(-7), &Value::Int(2))),
            "-3 Integer"
        );
        assert_eq!(
            s(arithmetic(BinOp::Mod, &Value::Int(-7), &Value::Int(3))),
            "-1 Integer"
        );
        assert_eq!(
            s(arithmetic(BinOp::Div, &Value::Int(7), &Value::Int(0))),
            "null"
        );
        assert_eq!(
            s(arithmetic(BinOp::Div, &Value::Double(7.0), &Value::Int(0))),
            "null"
        );
        assert_eq!(
            s(arithmetic(BinOp::Mul, &Value::Double(2.0), &Value::Int(3))),
            "6.0 Double"
        );
        assert_eq!(
            s(arithmetic(BinOp::Add, &Value::str("1"), &Value::Int(3))),
            "null"
        );
    }

    #[test]
    fn equality_rules() {
        assert!(loose_equals(&Value::Int(5), &Value::str("5")));
        assert!(loose_equals(&Value::Int(1), &Value::Double(1.0)));
        assert!(loose_equals(&Value::Bool(true), &Value::str("true")));
        assert!(!loose_equals(&Value::Int(1), &Value::str("1.0")));
        assert!(!loose_equals(&Value::Null, &Value::str("")));
        assert!(loose_equals(&Value::Null, &Value::Null));
    }
}
