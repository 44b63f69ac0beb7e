//! `java.util.Formatter` for `String.format`: `%[index$][flags][width][.precision]conversion`
//! with the conversions templates use (`s S d x X o f e E c b B n %`).

use crate::value::Value;
use crate::value::methods::Thrown;

/// Widest field (or precision) a format specifier may ask for.
const MAX_WIDTH: usize = 1 << 20;

/// Formats `args` with a Java format string.
pub(crate) fn java_format(fmt: &str, args: &[Value]) -> Result<String, Thrown> {
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut chars = fmt.char_indices().peekable();
    let mut next_arg = 0usize;
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Parse the specifier.
        let mut spec = String::new();
        let mut conversion = None;
        for (_, d) in chars.by_ref() {
            if d.is_ascii_alphabetic() || d == '%' {
                conversion = Some(d);
                break;
            }
            spec.push(d);
        }
        let Some(conv) = conversion else {
            return Err(format!(
                "java.util.UnknownFormatConversionException: Conversion = '%{spec}'"
            ));
        };
        let (index, rest) = match spec.split_once('$') {
            Some((i, rest)) => (i.parse::<usize>().ok(), rest.to_string()),
            None => (None, spec.clone()),
        };
        let flags: String = rest
            .chars()
            .take_while(|c| "-#+ 0,(".contains(*c))
            .collect();
        let rest = &rest[flags.len()..];
        let (width, precision) = match rest.split_once('.') {
            Some((w, p)) => (w.parse::<usize>().ok(), p.parse::<usize>().ok()),
            None => (rest.parse::<usize>().ok(), None),
        };
        // Java would try to build the padded text; a template must not make us do that.
        if width.max(precision).unwrap_or(0) > MAX_WIDTH {
            return Err(format!(
                "java.lang.OutOfMemoryError: format width over {MAX_WIDTH}"
            ));
        }
        let body = match conv {
            '%' => "%".to_string(),
            'n' => "\n".to_string(),
            _ => {
                let arg = match index {
                    Some(i) if i >= 1 => args.get(i - 1),
                    _ => {
                        next_arg += 1;
                        args.get(next_arg - 1)
                    }
                };
                let Some(arg) = arg else {
                    return Err(format!(
                        "java.util.MissingFormatArgumentException: Format specifier '%{spec}{conv}'"
                    ));
                };
                convert(conv, arg, &flags, precision)?
            }
        };
        // (Each field is bounded, their number is not: the total is checked as it grows.)
        if out.len() + width.unwrap_or(0).max(body.len()) > crate::limits::HARD_STRING_LIMIT {
            return Err(format!(
                "java.lang.OutOfMemoryError: formatted text over {} bytes",
                crate::limits::HARD_STRING_LIMIT
            ));
        }
        pad(&mut out, &body, width, &flags);
    }
    Ok(out)
}

fn mismatch(conv: char, arg: &Value) -> Thrown {
    format!(
        "java.util.IllegalFormatConversionException: {conv} != {}",
        arg.java_class_name()
    )
}

fn convert(
    conv: char,
    arg: &Value,
    flags: &str,
    precision: Option<usize>,
) -> Result<String, Thrown> {
    Ok(match conv {
        's' | 'S' => {
            let mut s = arg.to_java_string();
            if let Some(p) = precision {
                s = s.chars().take(p).collect();
            }
            if conv == 'S' {
                s = s.to_uppercase();
            }
            s
        }
        'b' | 'B' => {
            let b = match arg {
                Value::Null => false,
                Value::Bool(b) => *b,
                _ => true,
            };
            let s = b.to_string();
            if conv == 'B' { s.to_uppercase() } else { s }
        }
        'c' => match arg {
            Value::Char(c) => c.to_string(),
            Value::Int(i) => char::from_u32(*i as u32)
                .map(String::from)
                .unwrap_or_default(),
            Value::Null => "null".into(),
            _ => return Err(mismatch(conv, arg)),
        },
        'd' => {
            let n = match arg {
                Value::Int(i) => i64::from(*i).to_string(),
                Value::Long(l) => l.to_string(),
                Value::BigInt(b) => b.to_string(),
                Value::Null => return Ok("null".into()),
                _ => return Err(mismatch(conv, arg)),
            };
            let (neg, digits) = match n.strip_prefix('-') {
                Some(d) => (true, d.to_string()),
                None => (false, n),
            };
            let digits = if flags.contains(',') {
                group_thousands(&digits)
            } else {
                digits
            };
            sign(neg, digits, flags)
        }
        'x' | 'X' | 'o' => {
            let s = match arg {
                Value::Int(i) => match conv {
                    'o' => format!("{:o}", *i as u32),
                    _ => format!("{:x}", *i as u32),
                },
                Value::Long(l) => match conv {
                    'o' => format!("{:o}", *l as u64),
                    _ => format!("{:x}", *l as u64),
                },
                Value::Null => return Ok("null".into()),
                _ => return Err(mismatch(conv, arg)),
            };
            if conv == 'X' { s.to_uppercase() } else { s }
        }
        'f' | 'e' | 'E' => {
            let d = match arg {
                Value::Double(d) => *d,
                Value::Null => return Ok("null".into()),
                _ => return Err(mismatch(conv, arg)),
            };
            if d.is_nan() || d.is_infinite() {
                let mut tmp = String::new();
                crate::value::format::write_double(d, &mut tmp);
                return Ok(tmp);
            }
            let p = precision.unwrap_or(6);
            let s = if conv == 'f' {
                let s = format!("{:.*}", p, d.abs());
                if flags.contains(',') {
                    match s.split_once('.') {
                        Some((i, f)) => format!("{}.{f}", group_thousands(i)),
                        None => group_thousands(&s),
                    }
                } else {
                    s
                }
            } else {
                let s = format!("{:.*e}", p, d.abs());
                // Java writes the exponent with a sign and at least two digits.
                let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                let e: i32 = e.parse().unwrap_or(0);
                let s = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                if conv == 'E' { s.to_uppercase() } else { s }
            };
            sign(d.is_sign_negative() && d != 0.0, s, flags)
        }
        other => {
            return Err(format!(
                "java.util.UnknownFormatConversionException: Conversion = '{other}'"
            ));
        }
    })
}

fn sign(negative: bool, digits: String, flags: &str) -> String {
    if negative {
        if flags.contains('(') {
            format!("({digits})")
        } else {
            format!("-{digits}")
        }
    } else if flags.contains('+') {
        format!("+{digits}")
    } else if flags.contains(' ') {
        format!(" {digits}")
    } else {
        digits
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pad(out: &mut String, body: &str, width: Option<usize>, flags: &str) {
    let len = body.chars().count();
    let Some(w) = width.filter(|w| *w > len) else {
        out.push_str(body);
        return;
    };
    let fill = w - len;
    if flags.contains('-') {
        out.push_str(body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if flags.contains('0') {
        // Zeros go after the sign.
        let (sign, rest) = match body.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (Some(c), &body[1..]),
            _ => (None, body),
        };
        if let Some(s) = sign {
            out.push(s);
        }
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(rest);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_specifiers() {
        let f = |fmt: &str, args: &[Value]| java_format(fmt, args).unwrap();
        assert_eq!(f("%05d", &[Value::Int(42)]), "00042");
        assert_eq!(
            f(
                "%s-%d-%5.2f|%x",
                &[
                    Value::str("a"),
                    Value::Int(3),
                    Value::Double(1.5),
                    Value::Int(255)
                ]
            ),
            "a-3- 1.50|ff"
        );
        assert_eq!(
            f("%-4s|%,d", &[Value::str("ab"), Value::Long(1234567)]),
            "ab  |1,234,567"
        );
        assert_eq!(f("%2$s %1$s", &[Value::str("a"), Value::str("b")]), "b a");
        assert!(java_format("%d", &[Value::str("x")]).is_err());
        assert!(java_format("%s", &[]).is_err());
    }
}
