//! `java.util.Formatter` for `String.format`, as Java 17 runs it in a C/English locale:
//! `%[index$][flags][width][.precision]conversion` with every conversion (`b h s c d o x e f
//! g a t %` and `n`, upper-case forms), the `<` relative index, the flag and precision checks
//! and their exceptions, and floating-point output rounded HALF_UP on the digits of
//! `Double.toString`, as `sun.misc.FormattedFloatingDecimal` does (`%.2f` of 1.005 is
//! `1.01`, `%.0f` of 2.5 is `3`).
//!
//! Lengths (width, precision of `%s`) count UTF-16 units, as Java's strings do; a surrogate
//! pair cut in two prints its half as `?`, as Java's encoder writes it.

// Reviewed for panics on input: the specifier is read over ASCII bytes only, so every index
// is a char boundary below the length; the digit arrays have at least one digit, and the
// rounding indexes stay below their length (checked where each is made).
#![allow(clippy::indexing_slicing)]

use crate::value::Value;
use crate::value::methods::Thrown;

/// Widest field (or precision) a format specifier may ask for.
const MAX_WIDTH: usize = 1 << 20;

/// Formats `args` with a Java format string.
pub(crate) fn java_format(fmt: &str, args: &[Value]) -> Result<String, Thrown> {
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut rest = fmt;
    // Java's `lasto` (the last ordinary index) and `last` (the last argument used).
    let mut ordinary: isize = -1;
    let mut last: isize = -1;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let spec_text = &rest[at..];
        let (spec, len) = Spec::parse(spec_text)?;
        rest = &spec_text[len..];
        spec.check()?;
        let body = match spec.conversion {
            Conversion::Percent => "%".to_string(),
            Conversion::Newline => "\n".to_string(),
            _ => {
                let arg = match spec.index {
                    Index::Relative => {
                        if last < 0 {
                            return Err(missing(&spec));
                        }
                        args.get(last as usize)
                    }
                    Index::Explicit(i) => {
                        last = i as isize - 1;
                        args.get(i - 1)
                    }
                    Index::Ordinary => {
                        ordinary += 1;
                        last = ordinary;
                        args.get(ordinary as usize)
                    }
                };
                let Some(arg) = arg else {
                    return Err(missing(&spec));
                };
                spec.print(arg)?
            }
        };
        // (Each field is bounded, their number is not: the total is checked as it grows.)
        if out.len() + spec.width.unwrap_or(0).max(body.len()) > crate::limits::HARD_STRING_LIMIT {
            return Err(format!(
                "java.lang.OutOfMemoryError: formatted text over {} bytes",
                crate::limits::HARD_STRING_LIMIT
            ));
        }
        justify(&mut out, &body, spec.width, spec.flags.has(LEFT));
    }
    out.push_str(rest);
    Ok(out)
}

fn missing(spec: &Spec) -> Thrown {
    format!(
        "java.util.MissingFormatArgumentException: Format specifier '{}'",
        spec.text
    )
}

// ---------------------------------------------------------------------------------------------
// Flags

const LEFT: u8 = 1;
const ALTERNATE: u8 = 2;
const PLUS: u8 = 4;
const SPACE: u8 = 8;
const ZERO: u8 = 16;
const GROUP: u8 = 32;
const PARENS: u8 = 64;
const PREVIOUS: u8 = 128;

/// The flags in Java's order, for messages (`Flags.toString`).
const FLAG_CHARS: [(u8, char); 8] = [
    (LEFT, '-'),
    (ALTERNATE, '#'),
    (PLUS, '+'),
    (SPACE, ' '),
    (ZERO, '0'),
    (GROUP, ','),
    (PARENS, '('),
    (PREVIOUS, '<'),
];

#[derive(Clone, Copy, PartialEq, Eq)]
struct Flags(u8);

impl Flags {
    fn has(self, f: u8) -> bool {
        self.0 & f != 0
    }
}

impl std::fmt::Display for Flags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (bit, c) in FLAG_CHARS {
            if self.has(bit) {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Specifiers

#[derive(Clone, Copy, PartialEq, Eq)]
enum Index {
    Ordinary,
    Explicit(usize),
    Relative,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Conversion {
    Boolean,
    Hash,
    Str,
    Char,
    Decimal,
    Octal,
    Hex,
    Scientific,
    Fixed,
    General,
    HexFloat,
    DateTime(char),
    Percent,
    Newline,
}

struct Spec {
    /// The specifier as written (for messages).
    text: String,
    index: Index,
    flags: Flags,
    width: Option<usize>,
    precision: Option<usize>,
    conversion: Conversion,
    /// The conversion letter as written (`X`, `e`...).
    letter: char,
    upper: bool,
}

fn unknown(c: &str) -> Thrown {
    format!("java.util.UnknownFormatConversionException: Conversion = '{c}'")
}

impl Spec {
    /// Reads the specifier at the start of `s` (which starts with `%`), as Java's
    /// `%(\d+\$)?([-#+ 0,(\<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%])`; returns it and its length.
    fn parse(s: &str) -> Result<(Spec, usize), Thrown> {
        let b = s.as_bytes();
        let mut i = 1;
        let digits = |i: &mut usize| {
            let start = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            &s[start..*i]
        };
        // What follows `%` when the specifier does not match (Java names that character).
        let no_match = || {
            let next = s[1..].chars().next().map_or("%".to_string(), String::from);
            unknown(&next)
        };
        let start = i;
        let mut index = Index::Ordinary;
        let lead = digits(&mut i);
        let mut width_text = None;
        if !lead.is_empty() && b.get(i) == Some(&b'$') {
            i += 1;
            index = Index::Explicit(lead.parse().unwrap_or(usize::MAX));
            if lead.parse::<usize>().is_ok_and(|n| n == 0) {
                return Err(
                    "java.util.IllegalFormatArgumentIndexException: Illegal format argument index = 0"
                        .into(),
                );
            }
        } else {
            i = start;
        }
        let mut flags = 0u8;
        let flag_start = i;
        while let Some(&c) = b.get(i) {
            let Some(&(bit, _)) = FLAG_CHARS.iter().find(|(_, f)| *f as u8 == c) else {
                break;
            };
            // (A leading `0` after the flags is the flag, not the width, as Java's regex
            // reads it.)
            if flags & bit != 0 {
                return Err(format!(
                    "java.util.DuplicateFormatFlagsException: Flags = '{}'",
                    &s[flag_start..=i]
                ));
            }
            flags |= bit;
            i += 1;
        }
        let w = digits(&mut i);
        if !w.is_empty() {
            width_text = Some(w);
        }
        let mut precision_text = None;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let p = digits(&mut i);
            if p.is_empty() {
                return Err(no_match());
            }
            precision_text = Some(p);
        }
        let date = matches!(b.get(i), Some(b't' | b'T'));
        if date {
            i += 1;
        }
        let Some(&letter) = b.get(i).filter(|c| c.is_ascii_alphabetic() || **c == b'%') else {
            return Err(if date {
                unknown(&s[i - 1..i])
            } else {
                no_match()
            });
        };
        i += 1;
        let text = s[..i].to_string();
        let flags = Flags(flags);
        if flags.has(PREVIOUS) {
            index = Index::Relative;
        }
        let width = match width_text {
            Some(w) => Some(
                w.parse::<i32>()
                    .map_err(|_| "java.util.IllegalFormatWidthException: -2147483648".to_string())?
                    as usize,
            ),
            None => None,
        };
        let precision =
            match precision_text {
                Some(p) => Some(p.parse::<i32>().map_err(|_| {
                    "java.util.IllegalFormatPrecisionException: -2147483648".to_string()
                })? as usize),
                None => None,
            };
        // Java would try to build the padded text; a template must not make us do that.
        if width.max(precision).unwrap_or(0) > MAX_WIDTH {
            return Err(format!(
                "java.lang.OutOfMemoryError: format width over {MAX_WIDTH}"
            ));
        }
        let letter = letter as char;
        let conversion = if date {
            let t = s[i - 2..i - 1].to_string();
            if !"HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc".contains(letter) {
                return Err(unknown(&format!("{t}{letter}")));
            }
            Conversion::DateTime(letter)
        } else {
            match letter {
                'b' | 'B' => Conversion::Boolean,
                'h' | 'H' => Conversion::Hash,
                's' | 'S' => Conversion::Str,
                'c' | 'C' => Conversion::Char,
                'd' => Conversion::Decimal,
                'o' => Conversion::Octal,
                'x' | 'X' => Conversion::Hex,
                'e' | 'E' => Conversion::Scientific,
                'f' => Conversion::Fixed,
                'g' | 'G' => Conversion::General,
                'a' | 'A' => Conversion::HexFloat,
                '%' => Conversion::Percent,
                'n' => Conversion::Newline,
                other => return Err(unknown(&other.to_string())),
            }
        };
        // (For a date-time the suffix letter's case is its meaning; `%T` upper-cases.)
        let upper = if date {
            b.get(i.wrapping_sub(2)) == Some(&b'T')
        } else {
            letter.is_ascii_uppercase()
        };
        Ok((
            Spec {
                text,
                index,
                flags,
                width,
                precision,
                conversion,
                letter,
                upper,
            },
            i,
        ))
    }

    fn mismatch_flag(&self, flag: u8) -> Thrown {
        let c = FLAG_CHARS
            .iter()
            .find(|(b, _)| *b == flag)
            .map_or(' ', |(_, c)| *c);
        format!(
            "java.util.FormatFlagsConversionMismatchException: Conversion = {}, Flags = {c}",
            self.letter
        )
    }

    fn bad_flags(&self, bad: &[u8]) -> Result<(), Thrown> {
        match bad.iter().find(|f| self.flags.has(**f)) {
            Some(f) => Err(self.mismatch_flag(*f)),
            None => Ok(()),
        }
    }

    fn missing_width(&self) -> Thrown {
        format!("java.util.MissingFormatWidthException: {}", self.text)
    }

    fn no_precision(&self) -> Result<(), Thrown> {
        match self.precision {
            Some(p) => Err(format!("java.util.IllegalFormatPrecisionException: {p}")),
            None => Ok(()),
        }
    }

    /// The checks Java's `FormatSpecifier` makes when it reads the specifier.
    fn check(&self) -> Result<(), Thrown> {
        let f = self.flags;
        match self.conversion {
            Conversion::Boolean | Conversion::Hash | Conversion::Str => {
                if matches!(self.conversion, Conversion::Boolean | Conversion::Hash)
                    && f.has(ALTERNATE)
                {
                    return Err(self.mismatch_flag(ALTERNATE));
                }
                if self.width.is_none() && f.has(LEFT) {
                    return Err(self.missing_width());
                }
                self.bad_flags(&[PLUS, SPACE, ZERO, GROUP, PARENS])
            }
            Conversion::Char => {
                self.no_precision()?;
                self.bad_flags(&[ALTERNATE, PLUS, SPACE, ZERO, GROUP, PARENS])?;
                if self.width.is_none() && f.has(LEFT) {
                    return Err(self.missing_width());
                }
                Ok(())
            }
            Conversion::Decimal | Conversion::Octal | Conversion::Hex => {
                self.check_numeric()?;
                self.no_precision()?;
                match self.conversion {
                    Conversion::Decimal => self.bad_flags(&[ALTERNATE]),
                    _ => self.bad_flags(&[GROUP]),
                }
            }
            Conversion::Scientific
            | Conversion::Fixed
            | Conversion::General
            | Conversion::HexFloat => {
                self.check_numeric()?;
                match self.conversion {
                    Conversion::HexFloat => self.bad_flags(&[PARENS, GROUP]),
                    Conversion::Scientific => self.bad_flags(&[GROUP]),
                    Conversion::General => self.bad_flags(&[ALTERNATE]),
                    _ => Ok(()),
                }
            }
            Conversion::DateTime(_) => {
                self.no_precision()?;
                self.bad_flags(&[ALTERNATE, PLUS, SPACE, ZERO, GROUP, PARENS])?;
                if self.width.is_none() && f.has(LEFT) {
                    return Err(self.missing_width());
                }
                Ok(())
            }
            Conversion::Percent => {
                if f.0 & !LEFT != 0 {
                    return Err(format!(
                        "java.util.IllegalFormatFlagsException: Flags = '{f}'"
                    ));
                }
                if self.width.is_none() && f.has(LEFT) {
                    return Err(self.missing_width());
                }
                self.no_precision()
            }
            Conversion::Newline => {
                if let Some(w) = self.width {
                    return Err(format!("java.util.IllegalFormatWidthException: {w}"));
                }
                self.no_precision()?;
                if f.0 != 0 {
                    return Err(format!(
                        "java.util.IllegalFormatFlagsException: Flags = '{f}'"
                    ));
                }
                Ok(())
            }
        }
    }

    fn check_numeric(&self) -> Result<(), Thrown> {
        let f = self.flags;
        if self.width.is_none() && (f.has(LEFT) || f.has(ZERO)) {
            return Err(self.missing_width());
        }
        if (f.has(PLUS) && f.has(SPACE)) || (f.has(LEFT) && f.has(ZERO)) {
            return Err(format!(
                "java.util.IllegalFormatFlagsException: Flags = '{f}'"
            ));
        }
        Ok(())
    }

    fn mismatch(&self, arg: &Value) -> Thrown {
        format!(
            "java.util.IllegalFormatConversionException: {} != {}",
            self.letter.to_ascii_lowercase(),
            arg.java_class_name()
        )
    }

    /// The text of one argument, before justification.
    fn print(&self, arg: &Value) -> Result<String, Thrown> {
        let s = match self.conversion {
            Conversion::Boolean => {
                let b = match arg {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    _ => true,
                };
                self.text_of(b.to_string())
            }
            Conversion::Hash => match arg {
                Value::Null => self.text_of("null".into()),
                v => self.text_of(format!("{:x}", crate::value::methods::hash_code(v) as u32)),
            },
            Conversion::Str => {
                if self.flags.has(ALTERNATE) {
                    // Only a `Formattable` takes `#`; no template value is one.
                    return Err(self.mismatch_flag(ALTERNATE));
                }
                self.text_of(arg.to_java_string())
            }
            Conversion::Char => match arg {
                Value::Null => self.text_of("null".into()),
                Value::Char(c) => self.case(c.to_string()),
                Value::Int(i) => match char::from_u32(*i as u32) {
                    Some(c) if *i >= 0 => self.case(c.to_string()),
                    // A surrogate on its own is a code point Java prints as `?`.
                    _ if (0xD800..0xE000).contains(i) => "?".into(),
                    _ => {
                        return Err(format!(
                            "java.util.IllegalFormatCodePointException: Code point = {:#x}",
                            *i
                        ));
                    }
                },
                _ => return Err(self.mismatch(arg)),
            },
            Conversion::Decimal | Conversion::Octal | Conversion::Hex => match arg {
                Value::Null => self.text_of("null".into()),
                Value::Int(i) => self.integer(i64::from(*i), 32)?,
                Value::Short(i) => self.integer(i64::from(*i), 16)?,
                Value::Byte(i) => self.integer(i64::from(*i), 8)?,
                Value::Long(l) => self.integer(*l, 64)?,
                Value::BigInt(b) => self.big_integer(b),
                _ => return Err(self.mismatch(arg)),
            },
            Conversion::Scientific
            | Conversion::Fixed
            | Conversion::General
            | Conversion::HexFloat => match arg {
                Value::Null => self.text_of("null".into()),
                Value::Double(d) => self.double(*d),
                // (Formatter widens a float to double.)
                Value::Float(f) => self.double(f64::from(*f)),
                _ => return Err(self.mismatch(arg)),
            },
            Conversion::DateTime(c) => match arg {
                Value::Null => self.text_of("null".into()),
                Value::Long(ms) => self.case(date_time(c, *ms)),
                _ => {
                    return Err(format!(
                        "java.util.IllegalFormatConversionException: {c} != {}",
                        arg.java_class_name()
                    ));
                }
            },
            Conversion::Percent | Conversion::Newline => String::new(),
        };
        Ok(s)
    }

    fn case(&self, s: String) -> String {
        if self.upper { s.to_uppercase() } else { s }
    }

    /// A string cut to the precision (in UTF-16 units), then upper-cased for `S`, `B`...
    fn text_of(&self, s: String) -> String {
        let s = match self.precision {
            Some(p) => utf16_prefix(&s, p),
            None => s,
        };
        self.case(s)
    }

    /// `%d`, `%o`, `%x` of an `Integer` (`bits` 32) or `Long` (64).
    fn integer(&self, v: i64, bits: u32) -> Result<String, Thrown> {
        let f = self.flags;
        let mut sb = String::new();
        match self.conversion {
            Conversion::Decimal => {
                let neg = v < 0;
                leading_sign(&mut sb, neg, f);
                let digits = v.unsigned_abs().to_string();
                let width = adjust_width(self.width, f, neg);
                magnitude(&mut sb, &digits, f, width);
                trailing_sign(&mut sb, neg, f);
            }
            _ => {
                self.bad_flags(&[PARENS, SPACE, PLUS])?;
                // Two's complement in the argument's width.
                let unsigned = match bits {
                    8 => u64::from(v as u8),
                    16 => u64::from(v as u16),
                    32 => u64::from(v as u32),
                    _ => v as u64,
                };
                let (digits, prefix) = if self.conversion == Conversion::Octal {
                    (format!("{unsigned:o}"), "0")
                } else if self.upper {
                    (format!("{unsigned:X}"), "0X")
                } else {
                    (format!("{unsigned:x}"), "0x")
                };
                let len = digits.len() + if f.has(ALTERNATE) { prefix.len() } else { 0 };
                if f.has(ALTERNATE) {
                    sb.push_str(prefix);
                }
                if f.has(ZERO) {
                    sb.extend(std::iter::repeat_n(
                        '0',
                        self.width.unwrap_or(0).saturating_sub(len),
                    ));
                }
                sb.push_str(&digits);
            }
        }
        Ok(sb)
    }

    /// `%d`, `%o`, `%x` of a `BigInteger`: signed, every flag allowed.
    fn big_integer(&self, b: &num_bigint::BigInt) -> String {
        let f = self.flags;
        let neg = b.sign() == num_bigint::Sign::Minus;
        let mut sb = String::new();
        leading_sign(&mut sb, neg, f);
        let magnitude_of = b.magnitude();
        match self.conversion {
            Conversion::Decimal => {
                let width = adjust_width(self.width, f, neg);
                magnitude(&mut sb, &magnitude_of.to_string(), f, width);
            }
            _ => {
                let (digits, prefix) = if self.conversion == Conversion::Octal {
                    (magnitude_of.to_str_radix(8), "0")
                } else if self.upper {
                    (magnitude_of.to_str_radix(16).to_uppercase(), "0X")
                } else {
                    (magnitude_of.to_str_radix(16), "0x")
                };
                if f.has(ALTERNATE) {
                    sb.push_str(prefix);
                }
                if f.has(ZERO) {
                    let width = adjust_width(self.width, f, neg).unwrap_or(0);
                    let pad = width.saturating_sub(utf16_len(&sb) + digits.len());
                    sb.extend(std::iter::repeat_n('0', pad));
                }
                sb.push_str(&digits);
            }
        }
        trailing_sign(&mut sb, neg, f);
        sb
    }

    /// `%e`, `%f`, `%g`, `%a` of a `Double`.
    fn double(&self, value: f64) -> String {
        let f = self.flags;
        let mut sb = String::new();
        if value.is_nan() {
            sb.push_str(if self.upper { "NAN" } else { "NaN" });
            return sb;
        }
        // `Double.compare(value, 0.0) == -1`: -0.0 is negative.
        let neg = value.is_sign_negative();
        leading_sign(&mut sb, neg, f);
        let v = value.abs();
        if v.is_infinite() {
            sb.push_str(if self.upper { "INFINITY" } else { "Infinity" });
        } else {
            self.finite(&mut sb, v, neg);
        }
        trailing_sign(&mut sb, neg, f);
        sb
    }

    fn finite(&self, sb: &mut String, v: f64, neg: bool) {
        let f = self.flags;
        match self.conversion {
            Conversion::Scientific => {
                let prec = self.precision.unwrap_or(6);
                let mut d = Decimal::of(v);
                let (mut mant, exp) = d.scientific(prec);
                add_zeros(&mut mant, prec);
                if f.has(ALTERNATE) && prec == 0 {
                    mant.push('.');
                }
                let exp = if v == 0.0 { "+00".to_string() } else { exp };
                let width = self
                    .width
                    .map(|w| w.saturating_sub(exp.len() + 1))
                    .and_then(|w| adjust_width(Some(w), f, neg));
                magnitude(sb, &mant, f, width);
                sb.push(if self.upper { 'E' } else { 'e' });
                sb.push_str(&exp);
            }
            Conversion::Fixed => {
                let prec = self.precision.unwrap_or(6);
                let mut mant = Decimal::of(v).fixed(prec);
                add_zeros(&mut mant, prec);
                if f.has(ALTERNATE) && prec == 0 {
                    mant.push('.');
                }
                magnitude(sb, &mant, f, adjust_width(self.width, f, neg));
            }
            Conversion::General => {
                let mut prec = match self.precision {
                    None => 6,
                    Some(0) => 1,
                    Some(p) => p,
                };
                let (mut mant, exp) = if v == 0.0 {
                    prec -= 1;
                    ("0".to_string(), None)
                } else {
                    let (mant, exp, rounded) = Decimal::of(v).general(prec);
                    match exp {
                        Some(e) => {
                            prec -= 1;
                            (mant, Some(e))
                        }
                        None => {
                            prec = (prec as i64 - (rounded + 1)).max(0) as usize;
                            (mant, None)
                        }
                    }
                };
                add_zeros(&mut mant, prec);
                if f.has(ALTERNATE) && prec == 0 {
                    mant.push('.');
                }
                let width = match (&exp, self.width) {
                    (Some(e), Some(w)) => adjust_width(Some(w.saturating_sub(e.len() + 1)), f, neg),
                    _ => adjust_width(self.width, f, neg),
                };
                magnitude(sb, &mant, f, width);
                if let Some(e) = exp {
                    sb.push(if self.upper { 'E' } else { 'e' });
                    sb.push_str(&e);
                }
            }
            _ => {
                // %a: Double.toHexString's digits, rounded to the precision.
                let prec = match self.precision {
                    None => 0,
                    Some(0) => 1,
                    Some(p) => p,
                };
                let s = hex_double(v, prec);
                sb.push_str(if self.upper { "0X" } else { "0x" });
                let p = s.find('p').unwrap_or(s.len());
                if f.has(ZERO) {
                    let lead = if f.has(SPACE) || f.has(PLUS) || neg {
                        3
                    } else {
                        2
                    };
                    let pad = self.width.unwrap_or(0).saturating_sub(s.len() + lead);
                    sb.extend(std::iter::repeat_n('0', pad));
                }
                let mut va = if self.upper {
                    s[..p].to_uppercase()
                } else {
                    s[..p].to_string()
                };
                if prec != 0 {
                    add_zeros(&mut va, prec);
                }
                sb.push_str(&va);
                sb.push(if self.upper { 'P' } else { 'p' });
                sb.push_str(s.get(p + 1..).unwrap_or(""));
            }
        }
    }
}

fn leading_sign(sb: &mut String, neg: bool, f: Flags) {
    if !neg {
        if f.has(PLUS) {
            sb.push('+');
        } else if f.has(SPACE) {
            sb.push(' ');
        }
    } else if f.has(PARENS) {
        sb.push('(');
    } else {
        sb.push('-');
    }
}

fn trailing_sign(sb: &mut String, neg: bool, f: Flags) {
    if neg && f.has(PARENS) {
        sb.push(')');
    }
}

/// The width left once a `(` sign's closing `)` is counted.
fn adjust_width(width: Option<usize>, f: Flags, neg: bool) -> Option<usize> {
    match width {
        Some(w) if neg && f.has(PARENS) => Some(w.saturating_sub(1)),
        w => w,
    }
}

/// Java's `localizedMagnitude`: `value` (digits and maybe a `.`) appended with `,` every
/// three integer digits for the `,` flag, then zeros inserted after what `sb` held before
/// until it is `width` long, for the `0` flag.
fn magnitude(sb: &mut String, value: &str, f: Flags, width: Option<usize>) {
    let begin = sb.len();
    let dot = value.find('.').unwrap_or(value.len());
    for (j, c) in value.char_indices() {
        sb.push(c);
        if f.has(GROUP) && j < dot && j + 1 != dot && (dot - j) % 3 == 1 {
            sb.push(',');
        }
    }
    if let Some(w) = width
        && f.has(ZERO)
    {
        let len = utf16_len(sb);
        if len < w {
            sb.insert_str(begin, &"0".repeat(w - len));
        }
    }
}

/// Java's `addZeros`: at least `prec` digits after the point (a point added if needed).
fn add_zeros(s: &mut String, prec: usize) {
    let (has_dot, after) = match s.find('.') {
        Some(i) => (true, s.len() - i - 1),
        None => (false, 0),
    };
    if after >= prec {
        return;
    }
    if !has_dot {
        s.push('.');
    }
    s.extend(std::iter::repeat_n('0', prec - after));
}

fn justify(out: &mut String, body: &str, width: Option<usize>, left: bool) {
    let len = utf16_len(body);
    let fill = width.map_or(0, |w| w.saturating_sub(len));
    if left {
        out.push_str(body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(body);
    }
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The first `n` UTF-16 units of `s`; a pair cut in two leaves its high half, printed `?`.
fn utf16_prefix(s: &str, n: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars() {
        let w = c.len_utf16();
        if units + w > n {
            if units < n {
                out.push('?');
            }
            break;
        }
        units += w;
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Decimal digits: `sun.misc.FormattedFloatingDecimal`

/// A positive finite double as `0.d1d2...dn × 10^exp`, with the digits of `Double.toString`.
struct Decimal {
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn of(v: f64) -> Decimal {
        if v == 0.0 {
            return Decimal {
                digits: vec![b'0'],
                exp: 1,
            };
        }
        let sci = format!("{v:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        Decimal {
            digits: mantissa.bytes().filter(u8::is_ascii_digit).collect(),
            exp: exp + 1,
        }
    }

    /// `applyPrecision`: rounds HALF_UP to `prec` digits; the new exponent.
    fn round(&mut self, prec: i64) -> i64 {
        let n = self.digits.len() as i64;
        if prec >= n || prec < 0 {
            return self.exp;
        }
        if prec == 0 {
            if self.digits[0] >= b'5' {
                self.digits.fill(b'0');
                self.digits[0] = b'1';
                return self.exp + 1;
            }
            self.digits.fill(b'0');
            return self.exp;
        }
        let p = prec as usize;
        if self.digits[p] >= b'5' {
            let mut i = p - 1;
            while self.digits[i] == b'9' && i > 0 {
                i -= 1;
            }
            if self.digits[i] == b'9' {
                self.digits.fill(b'0');
                self.digits[0] = b'1';
                return self.exp + 1;
            }
            self.digits[i] += 1;
            self.digits[i + 1..].fill(b'0');
        } else {
            self.digits[p..].fill(b'0');
        }
        self.exp
    }

    /// `fillDecimal`: at most `prec` digits after the point, no padding.
    fn fill_decimal(&self, prec: usize, exp: i64) -> String {
        let d = &self.digits;
        let n = d.len() as i64;
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        if exp > 0 {
            let e = exp as usize;
            if n < exp {
                let mut s = text(d);
                s.extend(std::iter::repeat_n('0', e - d.len()));
                s
            } else {
                let t = (n - exp).min(prec as i64) as usize;
                let mut s = text(&d[..e]);
                if t > 0 {
                    s.push('.');
                    s.push_str(&text(&d[e..e + t]));
                }
                s
            }
        } else {
            let zeros = (-exp).min(prec as i64).max(0) as usize;
            let t = n.min(prec as i64 + exp).max(0) as usize;
            if zeros > 0 || t > 0 {
                let mut s = "0.".to_string();
                s.extend(std::iter::repeat_n('0', zeros));
                s.push_str(&text(&d[..t]));
                s
            } else {
                "0".into()
            }
        }
    }

    /// `fillScientific`: the mantissa and the exponent (`+05`, `-123`).
    fn fill_scientific(&self, prec: usize, exp: i64) -> (String, String) {
        let d = &self.digits;
        let t = (d.len() - 1).min(prec);
        let mut mant = String::from(d[0] as char);
        if t > 0 {
            mant.push('.');
            mant.push_str(&String::from_utf8_lossy(&d[1..=t]));
        }
        let (sign, e) = if exp <= 0 {
            ('-', -exp + 1)
        } else {
            ('+', exp - 1)
        };
        (mant, format!("{sign}{e:02}"))
    }

    fn fixed(&mut self, prec: usize) -> String {
        let exp = self.round(self.exp + prec as i64);
        self.fill_decimal(prec, exp)
    }

    fn scientific(&mut self, prec: usize) -> (String, String) {
        let exp = self.round(prec as i64 + 1);
        self.fill_scientific(prec, exp)
    }

    /// `%g`: the mantissa, the exponent when scientific, and the rounded exponent - 1.
    fn general(mut self, prec: usize) -> (String, Option<String>, i64) {
        let exp = self.round(prec as i64);
        if exp - 1 < -4 || exp > prec as i64 {
            let (mant, e) = self.fill_scientific(prec - 1, exp);
            (mant, Some(e), exp - 1)
        } else {
            let mant = self.fill_decimal((prec as i64 - exp).max(0) as usize, exp);
            (mant, None, exp - 1)
        }
    }
}

/// `Double.toHexString` without its `0x`, its significand rounded (half even) to `prec` hex
/// digits when 0 < `prec` < 13, as `Formatter.hexDouble` does for normal values.
fn hex_double(v: f64, prec: usize) -> String {
    let bits = v.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let mut fraction = bits & ((1u64 << 52) - 1);
    if v == 0.0 {
        return "0.0p0".into();
    }
    let subnormal = exp_bits == 0;
    let mut exp = if subnormal { -1022 } else { exp_bits - 1023 };
    let mut lead = if subnormal { 0 } else { 1 };
    if !subnormal && prec > 0 && prec < 13 {
        let shift = 52 - 4 * prec as u32;
        let half = 1u64 << (shift - 1);
        let rest = fraction & ((1u64 << shift) - 1);
        fraction >>= shift;
        if rest > half || (rest == half && fraction & 1 == 1) {
            fraction += 1;
            if fraction >> (4 * prec) != 0 {
                fraction = 0;
                lead = 1;
                exp += 1;
            }
        }
        fraction <<= shift;
    }
    let mut hex = format!("{fraction:013x}");
    while hex.len() > 1 && hex.ends_with('0') {
        hex.pop();
    }
    format!("{lead}.{hex}p{exp}")
}

/// A `%t` conversion of milliseconds since the epoch, in UTC (the JVM's zone here) and the
/// English names of the C locale.
fn date_time(c: char, millis: i64) -> String {
    use super::datetime::{DAYS, MONTHS};
    use chrono::{Datelike, TimeZone, Timelike};
    let Some(t) = chrono::Utc.timestamp_millis_opt(millis).single() else {
        return String::new();
    };
    let month = MONTHS[t.month0() as usize];
    let day = DAYS[t.weekday().num_days_from_monday() as usize];
    let h12 = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    match c {
        'H' => format!("{:02}", t.hour()),
        'I' => format!("{h12:02}"),
        'k' => t.hour().to_string(),
        'l' => h12.to_string(),
        'M' => format!("{:02}", t.minute()),
        'S' => format!("{:02}", t.second()),
        'L' => format!("{:03}", t.timestamp_subsec_millis()),
        'N' => format!("{:09}", t.timestamp_subsec_nanos()),
        'p' => (if t.hour() < 12 { "am" } else { "pm" }).into(),
        'z' => "+0000".into(),
        'Z' => "UTC".into(),
        's' => millis.div_euclid(1000).to_string(),
        'Q' => millis.to_string(),
        'B' => month.into(),
        'b' | 'h' => month[..3].into(),
        'A' => day.into(),
        'a' => day[..3].into(),
        'C' => format!("{:02}", t.year().div_euclid(100)),
        'Y' => format!("{:04}", t.year()),
        'y' => format!("{:02}", t.year().rem_euclid(100)),
        'j' => format!("{:03}", t.ordinal()),
        'm' => format!("{:02}", t.month()),
        'd' => format!("{:02}", t.day()),
        'e' => t.day().to_string(),
        'R' => format!("{:02}:{:02}", t.hour(), t.minute()),
        'T' => format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()),
        'r' => format!(
            "{h12:02}:{:02}:{:02} {}",
            t.minute(),
            t.second(),
            if t.hour() < 12 { "AM" } else { "PM" }
        ),
        'D' => format!(
            "{:02}/{:02}/{:02}",
            t.month(),
            t.day(),
            t.year().rem_euclid(100)
        ),
        'F' => format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day()),
        // 'c': "Tue Feb 06 19:01:35 UTC 2018"
        _ => format!(
            "{} {} {:02} {:02}:{:02}:{:02} UTC {:04}",
            &day[..3],
            &month[..3],
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.year()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, args: &[Value]) -> String {
        java_format(fmt, args).unwrap()
    }

    #[test]
    fn common_specifiers() {
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

    #[test]
    fn doubles_round_half_up_on_their_shortest_digits() {
        // Java 17, run through the oracle (fixtures/velocity/format).
        let d = |fmt: &str, v: f64| f(fmt, &[Value::Double(v)]);
        assert_eq!(d("%.2f", 1.005), "1.01");
        assert_eq!(d("%.2f", 2.675), "2.68");
        assert_eq!(d("%.0f", 2.5), "3");
        assert_eq!(d("%.0f", -2.5), "-3");
        assert_eq!(d("%.0f", 0.5), "1");
        assert_eq!(d("%.2f", -0.0), "-0.00");
        assert_eq!(d("%(.1f", -0.0), "(0.0)");
        assert_eq!(d("%.20f", 1.005), "1.00500000000000000000");
        assert_eq!(d("%05.1f", 2.25), "002.3");
        assert_eq!(d("%g", 0.0001), "0.000100000");
        assert_eq!(d("%.3g", 123456.789), "1.23e+05");
        assert_eq!(d("%e", -0.0), "-0.000000e+00");
        assert_eq!(d("%a", 1.0), "0x1.0p0");
        assert_eq!(d("%#.0f", 3.0), "3.");
        assert_eq!(d("%,.2f", 1234567.891), "1,234,567.89");
    }

    #[test]
    fn relative_indexes_and_flags() {
        let abc = [Value::str("a"), Value::str("b"), Value::str("c")];
        assert_eq!(f("%s %<s", &abc), "a a");
        assert_eq!(f("%1$s %<s %s %s", &abc), "a a a b");
        assert_eq!(f("%3$s %<s %1$s", &abc), "c c a");
        assert_eq!(
            f(
                "%#x|%#o|%08X",
                &[Value::Int(255), Value::Int(8), Value::Int(-2)]
            ),
            "0xff|010|FFFFFFFE"
        );
        assert_eq!(
            f("%(08d|%+,d", &[Value::Int(-42), Value::Long(1234)]),
            "(000042)|+1,234"
        );
        assert_eq!(
            f("%.1b|%5.1s|", &[Value::Bool(true), Value::str("xyz")]),
            "t|    x|"
        );
        assert!(
            java_format("%-d", &[Value::Int(1)])
                .unwrap_err()
                .contains("MissingFormatWidth")
        );
        assert!(
            java_format("%+s", &[Value::Int(1)])
                .unwrap_err()
                .contains("FormatFlagsConversionMismatch")
        );
        assert!(
            java_format("%.2d", &[Value::Int(1)])
                .unwrap_err()
                .contains("IllegalFormatPrecision")
        );
        assert!(
            java_format("%<s", &[Value::Int(1)])
                .unwrap_err()
                .contains("MissingFormatArgument")
        );
        assert!(
            java_format("%.f", &[Value::Double(1.0)])
                .unwrap_err()
                .contains("Conversion = '.'")
        );
    }

    #[test]
    fn widths_count_utf16_units() {
        assert_eq!(
            f("[%5s][%.1s]", &[Value::str("😀"), Value::str("😀")]),
            "[   😀][?]"
        );
    }
}
