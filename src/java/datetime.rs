//! `java.time.format.DateTimeFormatter` patterns (`yyyy-MM-dd'T'HH:mm:ss[XXX]`) for
//! `$util.time`: formatting and parsing, over chrono's calendar arithmetic.
//!
//! Supported letters: `G u y D M L d Q q E e c a h K k H m s S A n N V z O X x Z`, quoted
//! literals (`'T'`, `''`), optional sections `[...]` and plain punctuation. As in Java, any
//! other ASCII letter is an error.

// Reviewed for panics on input: month, day and quarter tables are indexed by chrono values that are in range by construction (month0 < 12, weekday < 7, quarter 1..=4); the pattern compiler indexes chars below its length.
#![allow(clippy::indexing_slicing)]

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Literal(String),
    Field(char, usize),
    Optional(Vec<Item>),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    items: Vec<Item>,
}

const LETTERS: &str = "GuyDMLdQqEecahKkHmsSAnNVzOXxZ";

impl Pattern {
    /// Compiles a Java pattern; the error reads like Java's `IllegalArgumentException`.
    pub(crate) fn compile(pattern: &str) -> Result<Pattern, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let items = compile_items(&chars, &mut pos, 0)?;
        if pos < chars.len() {
            return Err(format!(
                "Pattern includes reserved character: ']' in {pattern}"
            ));
        }
        Ok(Pattern { items })
    }

    /// Formats an instant in a zone. `zone_id` is what `VV` prints.
    pub(crate) fn format(
        &self,
        t: &DateTime<FixedOffset>,
        zone_id: &str,
    ) -> Result<String, String> {
        let mut out = String::new();
        format_items(&self.items, t, zone_id, &mut out)?;
        Ok(out)
    }

    /// Parses `text`; fields the pattern lacks default to the start of the day, and an
    /// offset the text lacks is `zone` (an offset for that local time).
    pub(crate) fn parse(&self, text: &str, zone: &Zone) -> Result<DateTime<FixedOffset>, String> {
        let mut fields = Parsed::default();
        let rest = parse_items(&self.items, text, &mut fields)
            .ok_or_else(|| format!("Text '{text}' could not be parsed"))?;
        if !rest.is_empty() {
            return Err(format!(
                "Text '{text}' could not be parsed, unparsed text found at index {}",
                text.len() - rest.len()
            ));
        }
        fields
            .resolve(zone)
            .ok_or_else(|| format!("Text '{text}' could not be parsed: invalid date or time"))
    }
}

fn compile_items(chars: &[char], pos: &mut usize, depth: usize) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            '[' => {
                *pos += 1;
                let inner = compile_items(chars, pos, depth + 1)?;
                items.push(Item::Optional(inner));
            }
            ']' => {
                if depth == 0 {
                    return Err("Pattern includes reserved character: ']'".into());
                }
                *pos += 1;
                return Ok(items);
            }
            '\'' => {
                *pos += 1;
                let mut lit = String::new();
                loop {
                    match chars.get(*pos) {
                        None => return Err("Pattern ends with an incomplete string literal".into()),
                        Some('\'') if chars.get(*pos + 1) == Some(&'\'') => {
                            lit.push('\'');
                            *pos += 2;
                        }
                        Some('\'') => {
                            *pos += 1;
                            break;
                        }
                        Some(&ch) => {
                            lit.push(ch);
                            *pos += 1;
                        }
                    }
                }
                if lit.is_empty() {
                    lit.push('\'');
                }
                items.push(Item::Literal(lit));
            }
            '#' | '{' | '}' => return Err(format!("Pattern includes reserved character: '{c}'")),
            c if c.is_ascii_alphabetic() => {
                if !LETTERS.contains(c) {
                    return Err(format!("Unknown pattern letter: {c}"));
                }
                let start = *pos;
                while chars.get(*pos) == Some(&c) {
                    *pos += 1;
                }
                items.push(Item::Field(c, *pos - start));
            }
            c => {
                *pos += 1;
                match items.last_mut() {
                    Some(Item::Literal(l)) => l.push(c),
                    _ => items.push(Item::Literal(c.to_string())),
                }
            }
        }
    }
    if depth > 0 {
        // Java accepts an unclosed optional section.
        return Ok(items);
    }
    Ok(items)
}

/// English month names (the C locale of the JVM AppSync runs), also for `String.format`'s `%t`.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// English day names, Monday first.
pub(crate) const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn pad(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    let digits = n.unsigned_abs().to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// An offset as `+HH`, `+HHMM`, `+HH:MM`, with seconds when `seconds` says so.
fn offset_text(total: i32, minutes: Minutes, colon: bool, seconds: bool) -> String {
    let sign = if total < 0 { '-' } else { '+' };
    let abs = total.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    let sep = if colon { ":" } else { "" };
    let mut out = format!("{sign}{h:02}");
    let show_minutes = match minutes {
        Minutes::Always => true,
        Minutes::IfNonZero => m != 0 || (seconds && s != 0),
    };
    if show_minutes {
        out.push_str(&format!("{sep}{m:02}"));
    }
    if seconds && s != 0 {
        out.push_str(&format!("{sep}{s:02}"));
    }
    out
}

#[derive(Clone, Copy)]
enum Minutes {
    Always,
    IfNonZero,
}

fn format_items(
    items: &[Item],
    t: &DateTime<FixedOffset>,
    zone_id: &str,
    out: &mut String,
) -> Result<(), String> {
    for item in items {
        match item {
            Item::Literal(l) => out.push_str(l),
            Item::Optional(inner) => format_items(inner, t, zone_id, out)?,
            Item::Field(c, n) => format_field(*c, *n, t, zone_id, out)?,
        }
    }
    Ok(())
}

fn format_field(
    c: char,
    n: usize,
    t: &DateTime<FixedOffset>,
    zone_id: &str,
    out: &mut String,
) -> Result<(), String> {
    let offset = t.offset().local_minus_utc();
    match c {
        'G' => out.push_str(if n == 4 {
            "Anno Domini"
        } else if n == 5 {
            "A"
        } else {
            "AD"
        }),
        'u' | 'y' => {
            let year = i64::from(t.year());
            if n == 2 {
                pad(out, year.rem_euclid(100), 2);
            } else if c == 'y' && year <= 0 {
                pad(out, 1 - year, n);
            } else {
                pad(out, year, n);
            }
        }
        'D' => pad(out, i64::from(t.ordinal()), n),
        'M' | 'L' => match n {
            1 | 2 => pad(out, i64::from(t.month()), n),
            3 => out.push_str(&MONTHS[t.month0() as usize][..3]),
            4 => out.push_str(MONTHS[t.month0() as usize]),
            _ => out.push_str(&MONTHS[t.month0() as usize][..1]),
        },
        'd' => pad(out, i64::from(t.day()), n),
        'Q' | 'q' => {
            let q = i64::from(t.month0() / 3 + 1);
            match n {
                1 | 2 => pad(out, q, n),
                3 => out.push_str(&format!("Q{q}")),
                _ => out.push_str(
                    ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"][(q - 1) as usize],
                ),
            }
        }
        'E' | 'e' | 'c' => {
            let d = t.weekday().num_days_from_monday() as usize;
            if c != 'E' && n <= 2 {
                // Localized day-of-week number: Sunday = 1 in the default (US) locale.
                pad(out, ((d + 1) % 7 + 1) as i64, n);
            } else {
                match n {
                    1..=3 => out.push_str(&DAYS[d][..3]),
                    4 => out.push_str(DAYS[d]),
                    _ => out.push_str(&DAYS[d][..1]),
                }
            }
        }
        'a' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
        'h' => pad(out, i64::from((t.hour() + 11) % 12 + 1), n),
        'K' => pad(out, i64::from(t.hour() % 12), n),
        'k' => pad(out, i64::from(if t.hour() == 0 { 24 } else { t.hour() }), n),
        'H' => pad(out, i64::from(t.hour()), n),
        'm' => pad(out, i64::from(t.minute()), n),
        's' => pad(out, i64::from(t.second()), n),
        'S' => {
            let nanos = format!("{:09}", t.nanosecond() % 1_000_000_000);
            if n <= 9 {
                out.push_str(&nanos[..n]);
            } else {
                out.push_str(&nanos);
                out.extend(std::iter::repeat_n('0', n - 9));
            }
        }
        'A' => pad(
            out,
            i64::from(t.num_seconds_from_midnight()) * 1000 + i64::from(t.nanosecond() / 1_000_000),
            n,
        ),
        'n' => pad(out, i64::from(t.nanosecond()), n),
        'N' => pad(
            out,
            i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(t.nanosecond()),
            n,
        ),
        'V' => {
            if n != 2 {
                return Err("Pattern letter count must be 2: V".into());
            }
            out.push_str(zone_id);
        }
        'z' => out.push_str(&zone_abbreviation(zone_id, t)),
        'O' => {
            if offset == 0 {
                out.push_str("GMT");
            } else if n == 1 {
                let sign = if offset < 0 { '-' } else { '+' };
                let abs = offset.unsigned_abs();
                out.push_str(&format!("GMT{sign}{}", abs / 3600));
                if !(abs / 60).is_multiple_of(60) {
                    out.push_str(&format!(":{:02}", abs / 60 % 60));
                }
            } else {
                out.push_str(&format!(
                    "GMT{}",
                    offset_text(offset, Minutes::Always, true, true)
                ));
            }
        }
        'X' | 'x' => {
            if c == 'X' && offset == 0 {
                out.push('Z');
            } else {
                out.push_str(&match n {
                    1 => offset_text(offset, Minutes::IfNonZero, false, false),
                    2 => offset_text(offset, Minutes::Always, false, false),
                    3 => offset_text(offset, Minutes::Always, true, false),
                    4 => offset_text(offset, Minutes::Always, false, true),
                    _ => offset_text(offset, Minutes::Always, true, true),
                });
            }
        }
        'Z' => match n {
            1..=3 => out.push_str(&offset_text(offset, Minutes::Always, false, true)),
            4 => {
                if offset == 0 {
                    out.push_str("GMT");
                } else {
                    out.push_str(&format!(
                        "GMT{}",
                        offset_text(offset, Minutes::Always, true, true)
                    ));
                }
            }
            _ => {
                if offset == 0 {
                    out.push('Z');
                } else {
                    out.push_str(&offset_text(offset, Minutes::Always, true, true));
                }
            }
        },
        other => return Err(format!("Unknown pattern letter: {other}")),
    }
    Ok(())
}

fn zone_abbreviation(zone_id: &str, t: &DateTime<FixedOffset>) -> String {
    match zone_id.parse::<chrono_tz::Tz>() {
        Ok(tz) => tz.offset_from_utc_datetime(&t.naive_utc()).to_string(),
        Err(_) if t.offset().local_minus_utc() == 0 => "Z".into(),
        Err(_) => zone_id.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Zones

/// A time zone argument: a fixed offset (`+08:00`, `-07:00:30`, `Z`) or a region
/// (`Australia/Perth`), as `java.time.ZoneId.of` accepts them.
#[derive(Debug, Clone)]
pub(crate) enum Zone {
    Fixed(FixedOffset, String),
    Region(chrono_tz::Tz),
}

impl Zone {
    pub(crate) fn utc() -> Zone {
        Zone::Fixed(
            FixedOffset::east_opt(0).unwrap_or_else(|| Utc.fix()),
            "Z".into(),
        )
    }

    /// Parses a zone id; `None` when Java's `ZoneId.of` would throw.
    pub(crate) fn parse(id: &str) -> Option<Zone> {
        if id == "Z" || id == "UTC" || id == "GMT" || id == "UT" {
            return Some(match id {
                "Z" => Zone::utc(),
                other => Zone::Fixed(Utc.fix(), other.to_string()),
            });
        }
        let offset_part = id
            .strip_prefix("UTC")
            .or_else(|| id.strip_prefix("GMT"))
            .or_else(|| id.strip_prefix("UT"))
            .unwrap_or(id);
        if offset_part.starts_with(['+', '-']) {
            let seconds = parse_offset(offset_part)?;
            let fixed = FixedOffset::east_opt(seconds)?;
            return Some(Zone::Fixed(fixed, normalize_offset_id(id, seconds)));
        }
        id.parse::<chrono_tz::Tz>().ok().map(Zone::Region)
    }

    /// The offset in force at a UTC instant.
    pub(crate) fn offset_at(&self, utc: &NaiveDateTime) -> FixedOffset {
        match self {
            Zone::Fixed(f, _) => *f,
            Zone::Region(tz) => tz.offset_from_utc_datetime(utc).fix(),
        }
    }

    /// The offset for a local date-time (the earlier one in an overlap).
    fn offset_for_local(&self, local: &NaiveDateTime) -> Option<FixedOffset> {
        match self {
            Zone::Fixed(f, _) => Some(*f),
            Zone::Region(tz) => tz
                .offset_from_local_datetime(local)
                .earliest()
                .map(|o| o.fix()),
        }
    }

    /// What `VV` prints.
    pub(crate) fn id(&self) -> String {
        match self {
            Zone::Fixed(_, id) => id.clone(),
            Zone::Region(tz) => tz.name().to_string(),
        }
    }
}

/// `+08:00` → 28800. Accepts `+h`, `+hh`, `+hhmm`, `+hh:mm`, `+hhmmss`, `+hh:mm:ss`.
fn parse_offset(s: &str) -> Option<i32> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m, sec) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?, 0),
        6 => (
            digits[..2].parse().ok()?,
            digits[2..4].parse().ok()?,
            digits[4..].parse().ok()?,
        ),
        _ => return None,
    };
    if h > 18 || m > 59 || sec > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// Java normalises offset ids: `+8` is `+08:00`, zero is `Z`.
fn normalize_offset_id(original: &str, seconds: i32) -> String {
    let prefix = ["UTC", "GMT", "UT"]
        .into_iter()
        .find(|p| original.starts_with(p));
    if seconds == 0 && prefix.is_none() {
        return "Z".into();
    }
    let body = offset_text(seconds, Minutes::Always, true, true);
    match prefix {
        Some(p) => format!("{p}{body}"),
        None => body,
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

#[derive(Default, Debug)]
struct Parsed {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    day_of_year: Option<u32>,
    hour: Option<u32>,
    hour12: Option<u32>,
    pm: Option<bool>,
    minute: Option<u32>,
    second: Option<u32>,
    nano: Option<u32>,
    offset: Option<i32>,
    zone: Option<Zone>,
}

impl Parsed {
    fn resolve(self, default_zone: &Zone) -> Option<DateTime<FixedOffset>> {
        let year = self.year.unwrap_or(1970);
        let date = match (self.month, self.day, self.day_of_year) {
            (_, _, Some(doy)) if self.month.is_none() => NaiveDate::from_yo_opt(year, doy)?,
            (m, d, _) => NaiveDate::from_ymd_opt(year, m.unwrap_or(1), d.unwrap_or(1))?,
        };
        let hour = match (self.hour, self.hour12, self.pm) {
            (Some(h), _, _) => h,
            (None, Some(h), pm) => h % 12 + if pm == Some(true) { 12 } else { 0 },
            (None, None, Some(true)) => 12,
            _ => 0,
        };
        let time = NaiveTime::from_hms_nano_opt(
            hour,
            self.minute.unwrap_or(0),
            self.second.unwrap_or(0),
            self.nano.unwrap_or(0),
        )?;
        let local = NaiveDateTime::new(date, time);
        let offset = match (self.offset, &self.zone) {
            (Some(s), _) => FixedOffset::east_opt(s)?,
            (None, Some(z)) => z.offset_for_local(&local)?,
            (None, None) => default_zone.offset_for_local(&local)?,
        };
        offset.from_local_datetime(&local).single()
    }
}

fn take_digits(text: &str, min: usize, max: usize) -> Option<(i64, &str)> {
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let len = body
        .bytes()
        .take(max)
        .take_while(u8::is_ascii_digit)
        .count();
    if len < min.max(1) {
        return None;
    }
    let n: i64 = body[..len].parse().ok()?;
    Some((sign * n, &body[len..]))
}

fn take_text<'t>(text: &'t str, options: &[&str]) -> Option<(usize, &'t str)> {
    // Longest match first, case-insensitively as Java's lenient text parsing does not, but
    // templates write month and day names in their usual case.
    let mut best: Option<(usize, usize)> = None;
    for (i, o) in options.iter().enumerate() {
        if text.len() >= o.len()
            && text[..o.len()].eq_ignore_ascii_case(o)
            && best.is_none_or(|(_, l)| o.len() > l)
        {
            best = Some((i, o.len()));
        }
    }
    best.map(|(i, l)| (i, &text[l..]))
}

fn parse_items<'t>(items: &[Item], mut text: &'t str, f: &mut Parsed) -> Option<&'t str> {
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Literal(l) => text = text.strip_prefix(l.as_str())?,
            Item::Optional(inner) => {
                // An optional section either parses completely or is skipped.
                let mut attempt = Parsed::default();
                if let Some(rest) = parse_items(inner, text, &mut attempt) {
                    merge(f, attempt);
                    text = rest;
                }
            }
            Item::Field(c, n) => {
                // Adjacent numeric fields (`yyyyMMdd`) take exactly their width.
                let next_is_number = matches!(items.get(i + 1), Some(Item::Field(nc, _)) if "uyDMdHhKkmsS".contains(*nc));
                let exact = |n: usize| if next_is_number { n } else { 9.max(n) };
                text = parse_field(*c, *n, text, f, exact(*n))?;
            }
        }
    }
    Some(text)
}

fn merge(into: &mut Parsed, from: Parsed) {
    macro_rules! take {
        ($($f:ident),*) => { $( if from.$f.is_some() { into.$f = from.$f; } )* };
    }
    take!(
        year,
        month,
        day,
        day_of_year,
        hour,
        hour12,
        pm,
        minute,
        second,
        nano,
        offset
    );
    if from.zone.is_some() {
        into.zone = from.zone;
    }
}

fn parse_field<'t>(
    c: char,
    n: usize,
    text: &'t str,
    f: &mut Parsed,
    max: usize,
) -> Option<&'t str> {
    let number = |min: usize| take_digits(text, min, max);
    Some(match c {
        'u' | 'y' => {
            if n == 2 {
                let (v, rest) = take_digits(text, 2, 2)?;
                f.year = Some(2000 + v as i32);
                rest
            } else {
                let (v, rest) = number(n)?;
                f.year = Some(i32::try_from(v).ok()?);
                rest
            }
        }
        'D' => {
            let (v, rest) = number(n)?;
            f.day_of_year = Some(u32::try_from(v).ok()?);
            rest
        }
        'M' | 'L' => match n {
            1 | 2 => {
                let (v, rest) = number(n)?;
                f.month = Some(u32::try_from(v).ok()?);
                rest
            }
            3 => {
                let short: Vec<&str> = MONTHS.iter().map(|m| &m[..3]).collect();
                let (i, rest) = take_text(text, &short)?;
                f.month = Some(i as u32 + 1);
                rest
            }
            _ => {
                let (i, rest) = take_text(text, &MONTHS)?;
                f.month = Some(i as u32 + 1);
                rest
            }
        },
        'd' => {
            let (v, rest) = number(n)?;
            f.day = Some(u32::try_from(v).ok()?);
            rest
        }
        'E' => {
            let names: Vec<&str> = if n == 4 {
                DAYS.to_vec()
            } else {
                DAYS.iter().map(|d| &d[..3]).collect()
            };
            take_text(text, &names)?.1
        }
        'a' => {
            let (i, rest) = take_text(text, &["AM", "PM"])?;
            f.pm = Some(i == 1);
            rest
        }
        'H' | 'k' => {
            let (v, rest) = number(n)?;
            f.hour = Some(u32::try_from(v).ok()? % 24);
            rest
        }
        'h' | 'K' => {
            let (v, rest) = number(n)?;
            f.hour12 = Some(u32::try_from(v).ok()?);
            rest
        }
        'm' => {
            let (v, rest) = number(n)?;
            f.minute = Some(u32::try_from(v).ok()?);
            rest
        }
        's' => {
            let (v, rest) = number(n)?;
            f.second = Some(u32::try_from(v).ok()?);
            rest
        }
        'S' => {
            let len = text
                .bytes()
                .take(n.max(9))
                .take_while(u8::is_ascii_digit)
                .count();
            if len < n {
                return None;
            }
            let digits = &text[..len];
            f.nano = Some(format!("{digits:0<9}")[..9].parse().ok()?);
            &text[len..]
        }
        'X' | 'x' | 'Z' => {
            if let Some(rest) = text.strip_prefix('Z').filter(|_| c != 'x') {
                f.offset = Some(0);
                rest
            } else {
                let len = text
                    .char_indices()
                    .take_while(|(i, ch)| {
                        (*i == 0 && (*ch == '+' || *ch == '-'))
                            || (*i > 0 && (ch.is_ascii_digit() || *ch == ':'))
                    })
                    .count();
                let seconds = parse_offset(&text[..len])?;
                f.offset = Some(seconds);
                &text[len..]
            }
        }
        'O' => {
            let rest = text.strip_prefix("GMT")?;
            let len = rest
                .char_indices()
                .take_while(|(i, ch)| {
                    (*i == 0 && (*ch == '+' || *ch == '-'))
                        || (*i > 0 && (ch.is_ascii_digit() || *ch == ':'))
                })
                .count();
            f.offset = Some(if len == 0 {
                0
            } else {
                parse_offset(&rest[..len])?
            });
            &rest[len..]
        }
        'V' => {
            let len = text
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || "/_+-:".contains(ch)))
                .unwrap_or(text.len());
            f.zone = Some(Zone::parse(&text[..len])?);
            &text[len..]
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64, zone: &str) -> (DateTime<FixedOffset>, String) {
        let z = Zone::parse(zone).unwrap();
        let utc = DateTime::from_timestamp_millis(ms).unwrap().naive_utc();
        let off = z.offset_at(&utc);
        (off.from_utc_datetime(&utc), z.id())
    }

    fn fmt(pattern: &str, ms: i64, zone: &str) -> String {
        let (t, id) = at(ms, zone);
        Pattern::compile(pattern).unwrap().format(&t, &id).unwrap()
    }

    #[test]
    fn formats_like_java() {
        // Examples from the AppSync developer guide ($util.time).
        let ms = 1_517_943_695_758;
        assert_eq!(
            fmt("yyyy-MM-dd HH:mm:ssZ", ms, "Z"),
            "2018-02-06 19:01:35+0000"
        );
        assert_eq!(
            fmt("yyyy-MM-dd HH:mm:ssZ", ms, "+08:00"),
            "2018-02-07 03:01:35+0800"
        );
        assert_eq!(
            fmt("yyyy-MM-dd HH:mm:ssZ", ms, "Australia/Perth"),
            "2018-02-07 03:01:35+0800"
        );
        assert_eq!(fmt("yyyy-MM-dd[XXX]", ms, "-07:00:30"), "2018-02-06-07:00");
        assert_eq!(
            fmt("yyyy-MM-dd'T'HH:mm:ss[XXXXX]", ms, "-07:00:30"),
            "2018-02-06T12:01:05-07:00:30"
        );
        assert_eq!(
            fmt("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", ms, "Z"),
            "2018-02-06T19:01:35.758Z"
        );
        assert_eq!(
            fmt("EEE, d MMM yyyy h:mm a", ms, "Z"),
            "Tue, 6 Feb 2018 7:01 PM"
        );
        assert_eq!(
            fmt("EEEE MMMM yy VV", ms, "Australia/Perth"),
            "Wednesday February 18 Australia/Perth"
        );
        assert_eq!(fmt("''x'' ZZZZ", ms, "-07:00"), "'-07' GMT-07:00");
        assert_eq!(fmt("'It''s' ZZZZ", ms, "-07:00"), "It's GMT-07:00");
        assert!(Pattern::compile("yyyy-bb").is_err());
    }

    #[test]
    fn parses_like_java() {
        let parse = |text: &str, pattern: &str, zone: &str| {
            Pattern::compile(pattern)
                .unwrap()
                .parse(text, &Zone::parse(zone).unwrap())
                .map(|t| t.timestamp_millis())
        };
        assert_eq!(
            parse("2018-02-02 01:19:22+0800", "yyyy-MM-dd HH:mm:ssZ", "Z"),
            Ok(1_517_505_562_000)
        );
        assert_eq!(
            parse("2018-02-02 01:19:22", "yyyy-MM-dd HH:mm:ss", "+08:00"),
            Ok(1_517_505_562_000)
        );
        assert_eq!(
            parse(
                "2018-02-02 01:19:22",
                "yyyy-MM-dd HH:mm:ss",
                "Australia/Perth"
            ),
            Ok(1_517_505_562_000)
        );
        assert_eq!(
            parse("2018-02-02", "yyyy-MM-dd[XXX]", "Z"),
            Ok(1_517_529_600_000)
        );
        assert_eq!(parse("20180202", "yyyyMMdd", "Z"), Ok(1_517_529_600_000));
        assert!(parse("2018-02-02 junk", "yyyy-MM-dd", "Z").is_err());
    }

    #[test]
    fn zone_ids() {
        assert_eq!(Zone::parse("+8").unwrap().id(), "+08:00");
        assert_eq!(Zone::parse("-07:00:30").unwrap().id(), "-07:00:30");
        assert!(Zone::parse("Mars/Olympus").is_none());
        assert!(Zone::parse("+25:00").is_none());
    }
}
