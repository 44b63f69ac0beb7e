//! `$util.str` and `$util.math`.

use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use super::args::Args;
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::runtime::Runtime;
use crate::value::Value;

fn string(s: String) -> Value {
    Value::Str(Arc::from(s))
}

/// Dispatches `$util.str.name(args)`.
pub(crate) fn str(name: &str, values: &[Value]) -> Outcome {
    Ok(match (name, values.len()) {
        ("toUpper" | "toLower", 1) => match Args::new(name, "String", values).opt_str(0) {
            Some(s) if name == "toUpper" => string(s.to_uppercase()),
            Some(s) => string(s.to_lowercase()),
            None => Value::Null,
        },
        // Literal replacement of every occurrence (like `String.replace`), not a regex: the
        // guide's example reads as plain text, and a regex would turn `.` into "any".
        ("toReplace", 3) => {
            let args = Args::new(name, "String, String, String", values);
            match args.opt_str(0) {
                Some(s) => {
                    let (from, to) = (args.str(1)?, args.str(2)?);
                    if from.is_empty() {
                        string(s.into_owned())
                    } else {
                        let replaced = crate::value::methods::java_replace(&s, &from, &to)
                            .map_err(|reason| {
                                Failure::from(ErrorKind::UtilArgument {
                                    helper: "str.toReplace".into(),
                                    message: reason,
                                })
                            })?;
                        string(replaced)
                    }
                }
                None => Value::Null,
            }
        }
        ("normalize", 2) => {
            let args = Args::new(name, "String, String", values);
            let Some(s) = args.opt_str(0) else {
                return Ok(Value::Null);
            };
            string(match args.str(1)?.to_ascii_lowercase().as_str() {
                "nfc" => s.nfc().collect(),
                "nfd" => s.nfd().collect(),
                "nfkc" => s.nfkc().collect(),
                "nfkd" => s.nfkd().collect(),
                other => {
                    return Err(Failure::from(ErrorKind::UtilArgument {
                        helper: "str.normalize".into(),
                        message: format!(
                            "unknown normalization form `{other}` (nfc, nfd, nfkc or nfkd)"
                        ),
                    }));
                }
            })
        }
        _ => Value::Null,
    })
}

/// Dispatches `$util.math.name(args)`.
pub(crate) fn math(rt: &mut Runtime, name: &str, values: &[Value]) -> Outcome {
    Ok(match (name, values.len()) {
        // java.lang.Math.round: half up, towards positive infinity, exactly (`x + 0.5`
        // rounds first: 0.49999999999999994 + 0.5 is 1.0 in doubles, and Java 7+ gives 0).
        ("roundNum", 1) => {
            let x = Args::new(name, "Double", values).double(0)?;
            let floor = x.floor();
            let r = if x - floor >= 0.5 { floor + 1.0 } else { floor };
            if r.is_nan() {
                Value::Int(0)
            } else if (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&r) {
                Value::Int(r as i32)
            } else {
                Value::Long(r as i64)
            }
        }
        ("minVal" | "maxVal", 2) => {
            let args = Args::new(name, "Double, Double", values);
            let (a, b) = (args.double(0)?, args.double(1)?);
            // java.lang.Math.min/max: NaN if either is, and -0.0 below 0.0.
            let min = name == "minVal";
            Value::Double(if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if a == 0.0 && b == 0.0 {
                let negative = if min {
                    a.is_sign_negative() || b.is_sign_negative()
                } else {
                    a.is_sign_negative() && b.is_sign_negative()
                };
                if negative { -0.0 } else { 0.0 }
            } else if min {
                a.min(b)
            } else {
                a.max(b)
            })
        }
        ("randomDouble", 0) => Value::Double((rt.random_u64() >> 11) as f64 / (1u64 << 53) as f64),
        // Both bounds included (the guide does not say; "within range" reads inclusive).
        ("randomWithinRange", 2) => {
            let args = Args::new(name, "Integer, Integer", values);
            let (lo, hi) = (args.long(0)?, args.long(1)?);
            let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
            // (`abs_diff`: the span of the whole `long` range does not fit; it wraps to 0,
            // which means every value.)
            let offset = match hi.abs_diff(lo).checked_add(1) {
                Some(span) => rt.random_u64() % span,
                None => rt.random_u64(),
            };
            let n = lo.wrapping_add_unsigned(offset);
            match i32::try_from(n) {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Long(n),
            }
        }
        _ => Value::Null,
    })
}

/// Dispatches `$util.log.name(args)`: `info`, `debug`, `warn`, `error` with one object, or a
/// message whose `{}` placeholders take the following arguments in order.
pub(crate) fn log(rt: &mut Runtime, name: &str, values: &[Value]) -> Outcome {
    if !matches!(name, "info" | "debug" | "error" | "warn" | "trace") || values.is_empty() {
        return Ok(Value::Null);
    }
    let line = match values {
        [one] => one.to_java_string(),
        [Value::Str(fmt), rest @ ..] => {
            let mut out = String::new();
            let mut args = rest.iter();
            let mut pieces = fmt.split("{}").peekable();
            while let Some(piece) = pieces.next() {
                out.push_str(piece);
                if pieces.peek().is_some() {
                    match args.next() {
                        Some(a) => a.write_java(&mut out),
                        None => out.push_str("{}"),
                    }
                }
            }
            out
        }
        _ => return Err(Args::new(name, "Object or String, Object...", values).fail()),
    };
    rt.record(&format!("log.{name}"), line.len())?;
    rt.logs
        .push(format!("{}: {line}", name.to_ascii_uppercase()));
    Ok(Value::Str(Arc::from("")))
}
