//! `java.util.regex.Pattern` syntax translated into `fancy-regex` syntax with Java's meaning:
//! the pattern is read as Java reads it (flags and their scopes, classes with unions and
//! intersections, quantifiers, groups and back references, escapes, properties) and every
//! construct whose meaning differs is written out explicitly:
//! - `.` excludes Java's line terminators (`\n \r \u0085 \u2028 \u2029`, only `\n` with
//!   `(?d)`); `^`, `$` and `\Z` follow Java's rules for a final terminator, `(?m)` and `\r\n`;
//! - `(?i)` folds ASCII letters only, unless `(?u)`, where letters fold one char at a time as
//!   `Character.toUpperCase`/`toLowerCase` do;
//! - `\d \w \s`, `\b` and the POSIX classes are ASCII unless `(?U)` (which is not Rust's
//!   swap-greed);
//! - `(?x)` whitespace and comments are removed here, also inside classes;
//! - syntax Java rejects is an error, and syntax Java accepts is accepted where the regex
//!   engine can express it.
//!
//! Not expressible, and an error here where Java accepts it: Unicode blocks (`\p{InGreek}`),
//! `\X`, `\N{name}`, `\G` and lone surrogates are matched as never matching.

// Reviewed for panics on input: each index into the pattern's characters follows a `peek`
// that found a character there; the class and operand lists are indexed where their length
// was just checked.
#![allow(clippy::indexing_slicing)]

use std::collections::HashMap;
use std::sync::LazyLock;

/// Java's line terminators, as a class body.
const TERMINATORS: &str = r"\n\r\x{85}\x{2028}\x{2029}";
/// `\s` (ASCII).
const SPACE: &str = r" \t\n\x0B\f\r";
/// `\h`.
const HSPACE: &str = r" \t\xA0\x{1680}\x{180e}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}";
/// `\v`.
const VSPACE: &str = r"\n\x0B\f\r\x{85}\x{2028}\x{2029}";

#[derive(Clone, Copy, Default)]
struct Flags {
    /// `i`: CASE_INSENSITIVE
    i: bool,
    /// `d`: UNIX_LINES
    d: bool,
    /// `m`: MULTILINE
    m: bool,
    /// `s`: DOTALL
    s: bool,
    /// `u`: UNICODE_CASE
    u: bool,
    /// `x`: COMMENTS
    x: bool,
    /// `U`: UNICODE_CHARACTER_CLASS (also implies `u`)
    big_u: bool,
}

/// Translates a Java pattern; `Err` holds the `PatternSyntaxException` description.
pub(super) fn translate(pattern: &str) -> Result<String, String> {
    let mut t = Translator {
        chars: pattern.chars().collect(),
        pos: 0,
        out: String::with_capacity(pattern.len() + 16),
        flags: Flags::default(),
        groups: 0,
        total_groups: count_groups(pattern),
        names: Vec::new(),
    };
    t.alternation(0)?;
    if t.pos < t.chars.len() {
        return Err(t.error("Unmatched closing ')'", t.pos.saturating_sub(1)));
    }
    Ok(t.out)
}

/// Capturing groups in the pattern (an upper bound: `(` not in a class and not `(?`).
fn count_groups(pattern: &str) -> usize {
    let b: Vec<char> = pattern.chars().collect();
    let (mut n, mut i, mut depth) = (0, 0, 0usize);
    while i < b.len() {
        match b[i] {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            '(' if depth == 0
                && (b.get(i + 1) != Some(&'?')
                    || (b.get(i + 2) == Some(&'<')
                        && !matches!(b.get(i + 3), Some('=') | Some('!')))) =>
            {
                n += 1;
            }
            _ => {}
        }
        i += 1;
    }
    n
}

struct Translator {
    chars: Vec<char>,
    pos: usize,
    out: String,
    flags: Flags,
    /// Capturing groups opened so far.
    groups: usize,
    total_groups: usize,
    names: Vec<String>,
}

impl Translator {
    fn error(&self, what: &str, at: usize) -> String {
        let pattern: String = self.chars.iter().collect();
        format!("{what} near index {at}\n{pattern}")
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    /// Skips what `(?x)` ignores: whitespace and `#` comments up to a line end.
    fn skip_comments(&mut self) {
        if !self.flags.x {
            return;
        }
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r') {
                self.pos += 1;
            } else if c == '#' {
                while let Some(c) = self.peek() {
                    if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Alternatives up to the `)` that closes the group at `depth` (or the end).
    fn alternation(&mut self, depth: usize) -> Result<(), String> {
        // Where the atom a quantifier would repeat starts in `out`, and whether it is
        // already quantified (then `{n}` repeats the empty string, as in Java).
        let mut atom: Option<(usize, bool)> = None;
        loop {
            self.skip_comments();
            let Some(c) = self.peek() else {
                return if depth > 0 {
                    Err(self.error("Unclosed group", self.chars.len()))
                } else {
                    Ok(())
                };
            };
            let start = self.out.len();
            match c {
                ')' => {
                    if depth == 0 {
                        return Err(self.error("Unmatched closing ')'", self.pos));
                    }
                    return Ok(());
                }
                '|' => {
                    self.pos += 1;
                    self.out.push('|');
                    atom = None;
                    continue;
                }
                '*' | '+' | '?' | '{' => {
                    if atom.is_some_and(|(_, quantified)| quantified) && c != '{' {
                        return Err(self.error(&format!("Dangling meta character '{c}'"), self.pos));
                    }
                    let start = self.quantifier(atom)?;
                    atom = Some((start, true));
                    continue;
                }
                '(' => self.group(depth)?,
                '[' => {
                    self.pos += 1;
                    let class = self.class()?;
                    self.out.push_str(&class);
                }
                '.' => {
                    self.pos += 1;
                    let dot = if self.flags.s {
                        "(?s:.)".to_string()
                    } else if self.flags.d {
                        r"[^\n]".to_string()
                    } else {
                        format!("[^{TERMINATORS}]")
                    };
                    self.out.push_str(&dot);
                }
                '^' => {
                    self.pos += 1;
                    let caret = match (self.flags.m, self.flags.d) {
                        (false, _) => r"\A".to_string(),
                        (true, true) => r"(?:\A|(?<=\n)(?!\z))".to_string(),
                        (true, false) => {
                            r"(?:\A|(?<=[\n\x{85}\x{2028}\x{2029}])(?!\z)|(?<=\r)(?!\n|\z))"
                                .to_string()
                        }
                    };
                    self.out.push_str(&caret);
                }
                '$' => {
                    self.pos += 1;
                    let dollar = self.dollar(self.flags.m);
                    self.out.push_str(&dollar);
                }
                '\\' => {
                    self.pos += 1;
                    self.escape()?;
                }
                c => {
                    self.pos += 1;
                    let lit = self.literal(c);
                    self.out.push_str(&lit);
                }
            }
            atom = Some((start, false));
        }
    }

    /// `$` (or `\Z` with `multiline` false).
    fn dollar(&self, multiline: bool) -> String {
        match (multiline, self.flags.d) {
            (false, true) => r"(?=\n?\z)".into(),
            (false, false) => {
                format!(r"(?:(?=(?:\r\n|[{TERMINATORS}])?\z)(?!(?<=\r)\n))")
            }
            (true, true) => r"(?=\n|\z)".into(),
            (true, false) => format!(r"(?:(?=[{TERMINATORS}]|\z)(?!(?<=\r)\n))"),
        }
    }

    /// A quantifier for the atom that starts at `atom` in `out` (none: the empty string, which
    /// Java repeats for `{n}`); where the quantified atom starts.
    fn quantifier(&mut self, atom: Option<(usize, bool)>) -> Result<usize, String> {
        let at = self.pos;
        let c = self.chars[self.pos];
        self.pos += 1;
        let q = if c == '{' {
            let bad = |t: &Self| t.error("Illegal repetition", at);
            // (The first character must be a digit; after it, `(?x)` skips whitespace.)
            if !self.peek().is_some_and(|d| d.is_ascii_digit()) {
                return Err(bad(self));
            }
            let mut text = String::new();
            loop {
                let Some(d) = self.peek() else {
                    return Err(bad(self));
                };
                self.pos += 1;
                if d == '}' {
                    break;
                }
                if !(self.flags.x && d.is_whitespace()) {
                    text.push(d);
                }
            }
            let (lo, hi) = match text.split_once(',') {
                Some((lo, hi)) => (lo, Some(hi)),
                None => (text.as_str(), None),
            };
            let number = |s: &str| -> Option<u32> {
                (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| s.parse().ok())
                    .flatten()
            };
            let lo_n = number(lo).ok_or_else(|| bad(self))?;
            match hi {
                None => format!("{{{lo_n}}}"),
                Some("") => format!("{{{lo_n},}}"),
                Some(h) => {
                    let hi_n = number(h).ok_or_else(|| bad(self))?;
                    if hi_n < lo_n {
                        return Err(self.error("Illegal repetition range", at));
                    }
                    format!("{{{lo_n},{hi_n}}}")
                }
            }
        } else {
            c.to_string()
        };
        // The engine repeats neither a look-around, `\G` nor the empty string, and takes
        // one quantifier per atom: an alternation with a branch that never matches is the
        // same and repeatable.
        // (After a quantified atom, Java's `{n}` repeats the empty string: `a{1}{2}` is
        // `a`.)
        let start = match atom.filter(|(_, quantified)| !quantified) {
            None => {
                if c != '{' {
                    return Err(self.error(&format!("Dangling meta character '{c}'"), at));
                }
                let start = self.out.len();
                self.out.push_str("(?:|(?!))");
                start
            }
            Some((start, _)) => {
                let text = self.out[start..].to_string();
                let zero_width = ["(?=", "(?!", "(?<=", "(?<!"]
                    .iter()
                    .any(|p| text.starts_with(p))
                    || text == r"\G"
                    || text == "(?:)";
                if zero_width {
                    self.out.truncate(start);
                    self.out.push_str(&format!("(?:{text}|(?!))"));
                } else if text == line_break() {
                    // Repeated, Java's `\R` takes `\r\n` whole and never gives the `\n` back.
                    self.out.truncate(start);
                    self.out.push_str(&format!("(?>{}", &text[3..]));
                }
                start
            }
        };
        self.out.push_str(&q);
        if let Some(m @ ('?' | '+')) = self.peek() {
            self.pos += 1;
            self.out.push(m);
        }
        Ok(start)
    }

    fn group(&mut self, depth: usize) -> Result<(), String> {
        let at = self.pos;
        self.pos += 1;
        let saved = self.flags;
        if self.peek() != Some('?') {
            self.groups += 1;
            self.out.push('(');
        } else {
            self.pos += 1;
            match self.peek() {
                Some(':') => {
                    self.pos += 1;
                    self.out.push_str("(?:");
                }
                Some('=') | Some('!') | Some('>') => {
                    let c = self.chars[self.pos];
                    self.pos += 1;
                    self.out.push_str("(?");
                    self.out.push(c);
                }
                Some('<') if matches!(self.peek_at(1), Some('=') | Some('!')) => {
                    let c = self.chars[self.pos + 1];
                    self.pos += 2;
                    self.out.push_str("(?<");
                    self.out.push(c);
                }
                Some('<') => {
                    self.pos += 1;
                    let name = self.group_name()?;
                    if self.names.contains(&name) {
                        return Err(self.error(
                            &format!("Named capturing group <{name}> is already defined"),
                            self.pos - 1,
                        ));
                    }
                    self.names.push(name.clone());
                    self.groups += 1;
                    self.out.push_str(&format!("(?P<{name}>"));
                }
                _ => {
                    // Inline flags: `(?imsx-imsx)` for the rest of the group, or
                    // `(?imsx-imsx:X)` for X.
                    let mut on = true;
                    loop {
                        let Some(f) = self.peek() else {
                            return Err(self.error("Unknown inline modifier", self.pos));
                        };
                        self.pos += 1;
                        match f {
                            '-' => on = false,
                            'i' => self.flags.i = on,
                            'd' => self.flags.d = on,
                            'm' => self.flags.m = on,
                            's' => self.flags.s = on,
                            'u' => self.flags.u = on,
                            'x' => self.flags.x = on,
                            'U' => {
                                self.flags.big_u = on;
                                self.flags.u |= on;
                            }
                            'c' => {}
                            ')' => return Ok(()),
                            ':' => break,
                            _ => return Err(self.error("Unknown inline modifier", self.pos - 1)),
                        }
                    }
                    self.out.push_str("(?:");
                }
            }
        }
        self.alternation(depth + 1)?;
        if self.peek() != Some(')') {
            return Err(self.error("Unclosed group", at));
        }
        self.pos += 1;
        self.out.push(')');
        self.flags = saved;
        Ok(())
    }

    /// A group name after `(?<` or `\k<`, up to and past `>`: a Latin letter, then Latin
    /// letters and digits.
    fn group_name(&mut self) -> Result<String, String> {
        let mut name = String::new();
        if !self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            return Err(self.error(
                "capturing group name does not start with a Latin letter",
                self.pos,
            ));
        }
        while let Some(c) = self.peek().filter(char::is_ascii_alphanumeric) {
            name.push(c);
            self.pos += 1;
        }
        if self.peek() != Some('>') {
            return Err(self.error("named capturing group is missing trailing '>'", self.pos));
        }
        self.pos += 1;
        Ok(name)
    }

    /// A literal character as Rust reads it, with Java's case folding when `(?i)` is on.
    fn literal(&self, c: char) -> String {
        if self.flags.i {
            let fold = self.fold(c);
            if fold.len() > 1 {
                let mut s = String::from("[");
                for f in fold {
                    s.push_str(&escape(f));
                }
                s.push(']');
                return s;
            }
        }
        escape(c)
    }

    /// The characters `(?i)` makes `c` match: its ASCII other case, or with `(?u)` every
    /// character Java's `SingleU` would accept.
    fn fold(&self, c: char) -> Vec<char> {
        if self.flags.u {
            // Java folds a character only when its upper and lower cases differ (`ß`,
            // whose upper case is itself, matches only `ß`).
            let key = java_fold(c);
            if java_upper(c) == key {
                return vec![c];
            }
            let mut v = FOLDS.get(&key).cloned().unwrap_or_default();
            if !v.contains(&c) {
                v.push(c);
            }
            if !v.contains(&key) {
                v.push(key);
            }
            v
        } else if c.is_ascii_alphabetic() {
            vec![c.to_ascii_lowercase(), c.to_ascii_uppercase()]
        } else {
            vec![c]
        }
    }

    fn escape(&mut self) -> Result<(), String> {
        let at = self.pos;
        let Some(e) = self.peek() else {
            return Err(self.error("Unexpected internal error", at));
        };
        self.pos += 1;
        let text = match e {
            'A' => r"\A".into(),
            'z' => r"\z".into(),
            'Z' => self.dollar(false),
            'b' | 'B' => {
                if self.peek() == Some('{') {
                    return Err(self.error("Unsupported \\b{...}", at));
                }
                // (A non-spacing mark counts as a word character, as it does after a
                // letter, which is where marks are.)
                let w = if self.flags.big_u {
                    word_unicode()
                } else {
                    r"[\p{L}\p{Nd}_\p{Mn}]".to_string()
                };
                if e == 'b' {
                    format!("(?:(?<={w})(?!{w})|(?<!{w})(?={w}))")
                } else {
                    format!("(?:(?<={w})(?={w})|(?<!{w})(?!{w}))")
                }
            }
            'G' => r"\G".into(),
            'R' => line_break(),
            // An extended grapheme cluster, near enough: `\r\n`, or a character and the
            // marks that follow it.
            'X' => r"(?:\r\n|\P{M}\p{M}*|\p{M}+)".into(),
            'k' => {
                if self.peek() != Some('<') {
                    return Err(
                        self.error("\\k is not followed by '<' for named capturing group", at)
                    );
                }
                self.pos += 1;
                let name = self.group_name()?;
                if !self.names.contains(&name) {
                    return Err(self.error(
                        &format!("named capturing group <{name}> does not exist"),
                        at,
                    ));
                }
                if self.flags.i {
                    format!(r"(?i:\k<{name}>)")
                } else {
                    format!(r"\k<{name}>")
                }
            }
            '1'..='9' => {
                // Java takes more digits while they name a group that exists.
                let mut n = e as usize - '0' as usize;
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    let next = n * 10 + (d as usize - '0' as usize);
                    if next > self.groups {
                        break;
                    }
                    n = next;
                    self.pos += 1;
                }
                if n > self.groups || n > self.total_groups {
                    // A group that is not there (yet) never matched: neither does this.
                    "(?!)".into()
                } else if self.flags.i {
                    format!(r"(?i:\k<{n}>)")
                } else {
                    format!(r"\k<{n}>")
                }
            }
            'Q' => {
                let s: String = self.quoted().into_iter().map(|q| self.literal(q)).collect();
                // (An empty quote is nothing to repeat: a group keeps a quantifier valid.)
                format!("(?:{s})")
            }
            _ => match self.class_escape(e, at)? {
                Some(set) => set,
                None => return Err(self.error("Illegal/unsupported escape sequence", at)),
            },
        };
        self.out.push_str(&text);
        Ok(())
    }

    /// An escape that stands for characters (also valid in a class): a literal (with case
    /// folding), or a set written so it can stand both alone and inside a class. `None` for
    /// an unknown letter escape.
    fn class_escape(&mut self, e: char, at: usize) -> Result<Option<String>, String> {
        let u = self.flags.big_u;
        let set = |negated: bool, body: &str| format!("[{}{body}]", if negated { "^" } else { "" });
        Ok(Some(match e {
            'd' | 'D' => set(e == 'D', if u { r"\p{Nd}" } else { "0-9" }),
            'w' | 'W' => {
                if u {
                    set(e == 'W', &word_unicode_body())
                } else {
                    set(e == 'W', "a-zA-Z_0-9")
                }
            }
            's' | 'S' => set(e == 'S', if u { r"\p{White_Space}" } else { SPACE }),
            'h' | 'H' => set(e == 'H', HSPACE),
            'v' | 'V' => set(e == 'V', VSPACE),
            'p' | 'P' => {
                let name = if self.peek() == Some('{') {
                    self.pos += 1;
                    let mut name = String::new();
                    loop {
                        match self.peek() {
                            Some('}') => {
                                self.pos += 1;
                                break;
                            }
                            Some(c) => {
                                name.push(c);
                                self.pos += 1;
                            }
                            None => return Err(self.error("Unclosed character family", at)),
                        }
                    }
                    name
                } else {
                    match self.peek() {
                        Some(c) => {
                            self.pos += 1;
                            c.to_string()
                        }
                        None => return Err(self.error("Illegal character family", at)),
                    }
                };
                let body = if self.flags.i && CASED_PROPERTIES.contains(&name.as_str()) {
                    // Case-insensitive, a case property accepts every cased letter.
                    if !u && matches!(name.as_str(), "Lower" | "Upper") {
                        "a-zA-Z".to_string()
                    } else {
                        r"\p{Lu}\p{Ll}\p{Lt}\p{Lowercase}\p{Uppercase}".to_string()
                    }
                } else {
                    property(&name, u).ok_or_else(|| {
                        self.error(&format!("Unknown character property name {{{name}}}"), at)
                    })?
                };
                set(e == 'P', &body)
            }
            't' => self.literal('\t'),
            'n' => self.literal('\n'),
            'r' => self.literal('\r'),
            'f' => self.literal('\x0C'),
            'a' => self.literal('\x07'),
            'e' => self.literal('\x1B'),
            '0' => {
                // `\0n`, `\0nn`, `\0mnn` (m <= 3).
                let oct = |c: Option<char>| c.filter(|c| ('0'..='7').contains(c));
                let Some(d1) = oct(self.peek()) else {
                    return Err(self.error("Illegal octal escape sequence", at));
                };
                self.pos += 1;
                let mut v = d1 as u32 - '0' as u32;
                if let Some(d2) = oct(self.peek()) {
                    self.pos += 1;
                    v = v * 8 + (d2 as u32 - '0' as u32);
                    if d1 <= '3'
                        && let Some(d3) = oct(self.peek())
                    {
                        self.pos += 1;
                        v = v * 8 + (d3 as u32 - '0' as u32);
                    }
                }
                self.literal(char::from_u32(v).unwrap_or('\0'))
            }
            'x' => {
                let v = if self.peek() == Some('{') {
                    self.pos += 1;
                    let mut hex = String::new();
                    while let Some(c) = self.peek().filter(|c| *c != '}') {
                        hex.push(c);
                        self.pos += 1;
                    }
                    if self.peek() != Some('}') {
                        return Err(self.error("Unclosed hexadecimal escape sequence", at));
                    }
                    self.pos += 1;
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|v| *v <= 0x10FFFF)
                        .ok_or_else(|| self.error("Hexadecimal codepoint is too big", at))?
                } else {
                    self.hex_digits(2, at)?
                };
                self.code_point(v)
            }
            'u' => {
                let v = self.hex_digits(4, at)?;
                // A surrogate pair written as two escapes is one character.
                if (0xD800..0xDC00).contains(&v)
                    && self.peek() == Some('\\')
                    && self.peek_at(1) == Some('u')
                {
                    let save = self.pos;
                    self.pos += 2;
                    match self.hex_digits(4, at) {
                        Ok(lo) if (0xDC00..0xE000).contains(&lo) => {
                            self.code_point(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00))
                        }
                        _ => {
                            self.pos = save;
                            self.code_point(v)
                        }
                    }
                } else {
                    self.code_point(v)
                }
            }
            'c' => match self.peek() {
                Some(c) => {
                    self.pos += 1;
                    self.literal(char::from_u32(c as u32 ^ 64).unwrap_or('\0'))
                }
                None => return Err(self.error("Illegal control escape sequence", at)),
            },
            'N' => return Err(self.error("\\N{name} is not supported here", at)),
            c if c.is_ascii_alphabetic() => return Ok(None),
            c => self.literal(c),
        }))
    }

    /// The characters after `\Q`, up to and past `\E` (or the end).
    fn quoted(&mut self) -> Vec<char> {
        let mut chars = Vec::new();
        while let Some(q) = self.peek() {
            self.pos += 1;
            if q == '\\' && self.peek() == Some('E') {
                self.pos += 1;
                break;
            }
            chars.push(q);
        }
        chars
    }

    fn hex_digits(&mut self, n: usize, at: usize) -> Result<u32, String> {
        let digits: String = self.chars.iter().skip(self.pos).take(n).collect();
        if digits.chars().count() != n || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(self.error("Illegal hexadecimal escape sequence", at));
        }
        self.pos += n;
        Ok(u32::from_str_radix(&digits, 16).unwrap_or(0))
    }

    /// A code point as a literal; a lone surrogate (no UTF-8 text holds one) never matches.
    fn code_point(&self, v: u32) -> String {
        match char::from_u32(v) {
            Some(c) => self.literal(c),
            None => "[^\\x{0}-\\x{10FFFF}]".into(),
        }
    }

    /// A class after its `[`, up to and past its `]`, written as a Rust class: unions and
    /// `&&` intersections as Java reads them, with case folding for `(?i)`.
    fn class(&mut self) -> Result<String, String> {
        let at = self.pos - 1;
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut operands: Vec<Vec<String>> = vec![Vec::new()];
        let mut first = true;
        loop {
            self.skip_comments();
            let Some(c) = self.peek() else {
                return Err(self.error("Unclosed character class", self.chars.len() - 1));
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if c == '&' && self.peek_at(1) == Some('&') {
                self.pos += 2;
                operands.push(Vec::new());
                continue;
            }
            let item = if c == '[' {
                self.pos += 1;
                self.class()?
            } else {
                let lo = self.class_char()?;
                let range = self.peek() == Some('-')
                    && !matches!(self.peek_at(1), Some(']') | Some('[') | None);
                match lo {
                    ClassChar::Set(set) => set,
                    ClassChar::Char(lo) if range => {
                        self.pos += 1;
                        let hi = match self.class_char()? {
                            ClassChar::Char(hi) => hi,
                            ClassChar::Set(_) => {
                                return Err(self.error("Illegal character range", self.pos));
                            }
                        };
                        if hi < lo {
                            return Err(self.error("Illegal character range", self.pos - 1));
                        }
                        self.range(lo, hi)
                    }
                    ClassChar::Char(c) => self.range(c, c),
                }
            };
            if let Some(last) = operands.last_mut() {
                last.push(item);
            }
        }
        let operands: Vec<String> = operands
            .into_iter()
            .filter(|o| !o.is_empty())
            .map(class_body)
            .collect();
        if operands.is_empty() {
            return Err(self.error("Bad class syntax", at));
        }
        let body = if operands.len() == 1 {
            operands[0].clone()
        } else {
            operands
                .iter()
                .map(|o| format!("[{o}]"))
                .collect::<Vec<_>>()
                .join("&&")
        };
        Ok(format!("[{}{body}]", if negated { "^" } else { "" }))
    }

    /// One character of a class, or a set an escape stands for.
    fn class_char(&mut self) -> Result<ClassChar, String> {
        let Some(c) = self.peek() else {
            return Err(self.error("Unclosed character class", self.chars.len() - 1));
        };
        self.pos += 1;
        if c != '\\' {
            return Ok(ClassChar::Char(c));
        }
        let at = self.pos - 1;
        let Some(e) = self.peek() else {
            return Err(self.error("Unclosed character class", at));
        };
        self.pos += 1;
        // Escapes for single characters give the character (a range may end at it).
        let single = match e {
            't' => Some('\t'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            'f' => Some('\x0C'),
            'a' => Some('\x07'),
            'e' => Some('\x1B'),
            c if !c.is_ascii_alphanumeric() && c != '\\' => Some(c),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(c) = single {
            return Ok(ClassChar::Char(c));
        }
        if e == 'Q' {
            let s = self
                .quoted()
                .into_iter()
                .map(|q| self.range(q, q))
                .collect();
            return Ok(ClassChar::Set(s));
        }
        // Hex, unicode, octal and control escapes: the literal they give, read back.
        if matches!(e, 'x' | 'u' | '0' | 'c') {
            let saved_i = self.flags.i;
            self.flags.i = false;
            let lit = self.class_escape(e, at);
            self.flags.i = saved_i;
            let lit = lit?.unwrap_or_default();
            return Ok(match unescape_single(&lit) {
                Some(c) => ClassChar::Char(c),
                None => ClassChar::Set(lit),
            });
        }
        match self.class_escape(e, at)? {
            Some(set) => Ok(ClassChar::Set(set)),
            None => Err(self.error("Illegal/unsupported escape sequence", at)),
        }
    }

    /// `lo-hi` in a class, with the other cases `(?i)` adds.
    fn range(&self, lo: char, hi: char) -> String {
        let mut s = if lo == hi {
            escape(lo)
        } else {
            format!("{}-{}", escape(lo), escape(hi))
        };
        if !self.flags.i {
            return s;
        }
        // ASCII letters: the other case of the part of the range that is letters.
        for (from, to, shift) in [('a', 'z', -32i32), ('A', 'Z', 32)] {
            let (a, b) = (lo.max(from), hi.min(to));
            if a <= b {
                let map = |c: char| char::from_u32((c as i32 + shift) as u32).unwrap_or(c);
                s.push_str(&format!("{}-{}", escape(map(a)), escape(map(b))));
            }
        }
        if self.flags.u && (hi as u32 - lo as u32) < 4096 {
            for c in lo as u32..=hi as u32 {
                if let Some(c) = char::from_u32(c) {
                    for f in self.fold(c) {
                        if f != c {
                            s.push_str(&escape(f));
                        }
                    }
                }
            }
        }
        s
    }
}

/// The items of a class, joined. A body that would start with `:` starts with another item:
/// the regex engine writes nested classes back as text, and `[` `:alpha:` `]` would then read
/// as a POSIX class, which Java has not (`[[:alpha:]]` is the characters `:alph`).
fn class_body(mut items: Vec<String>) -> String {
    if items.len() > 1 && items[0].starts_with(r"\x{3A}") {
        items.rotate_left(1);
    }
    items.concat()
}

/// `\R`: `\r\n`, or one vertical space (which `\r\n` gives back to what follows).
fn line_break() -> String {
    format!(r"(?:\r\n|[{VSPACE}])")
}

enum ClassChar {
    Char(char),
    Set(String),
}

/// The character of a literal `literal` wrote without folding (`a`, `\x{2028}`).
fn unescape_single(s: &str) -> Option<char> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(c);
    }
    let hex = s.strip_prefix("\\x{")?.strip_suffix('}')?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

/// A literal for Rust's syntax: letters and digits as they are, anything else as a hex
/// escape (which means the character both outside and inside a class).
fn escape(c: char) -> String {
    if c.is_alphanumeric() {
        c.to_string()
    } else {
        format!("\\x{{{:X}}}", c as u32)
    }
}

/// `\w` with `(?U)`: `[\p{Alpha}\p{gc=Mn}\p{gc=Me}\p{gc=Mc}\p{Digit}\p{gc=Pc}\p{IsJoin_Control}]`.
fn word_unicode_body() -> String {
    r"\p{Alphabetic}\p{Mn}\p{Me}\p{Mc}\p{Nd}\p{Pc}\x{200C}\x{200D}".into()
}

fn word_unicode() -> String {
    format!("[{}]", word_unicode_body())
}

/// The properties `(?i)` widens to every cased letter (Java's `CharPredicates` for them).
const CASED_PROPERTIES: [&str; 14] = [
    "Lower",
    "Upper",
    "Lu",
    "Ll",
    "Lt",
    "IsLu",
    "IsLl",
    "IsLt",
    "javaLowerCase",
    "javaUpperCase",
    "javaTitleCase",
    "IsLowercase",
    "IsUppercase",
    "IsTitlecase",
];

/// Unicode blocks Java names with `In...`, `block=` or `blk=` (the regex engine has no
/// blocks): the most used ones, by their names without spaces, `_` or `-`, upper-cased.
const BLOCKS: [(&str, u32, u32); 40] = [
    ("BASICLATIN", 0x0000, 0x007F),
    ("LATIN1SUPPLEMENT", 0x0080, 0x00FF),
    ("LATINEXTENDEDA", 0x0100, 0x017F),
    ("LATINEXTENDEDB", 0x0180, 0x024F),
    ("IPAEXTENSIONS", 0x0250, 0x02AF),
    ("SPACINGMODIFIERLETTERS", 0x02B0, 0x02FF),
    ("COMBININGDIACRITICALMARKS", 0x0300, 0x036F),
    ("GREEK", 0x0370, 0x03FF),
    ("GREEKANDCOPTIC", 0x0370, 0x03FF),
    ("CYRILLIC", 0x0400, 0x04FF),
    ("ARMENIAN", 0x0530, 0x058F),
    ("HEBREW", 0x0590, 0x05FF),
    ("ARABIC", 0x0600, 0x06FF),
    ("DEVANAGARI", 0x0900, 0x097F),
    ("BENGALI", 0x0980, 0x09FF),
    ("THAI", 0x0E00, 0x0E7F),
    ("GEORGIAN", 0x10A0, 0x10FF),
    ("HANGULJAMO", 0x1100, 0x11FF),
    ("LATINEXTENDEDADDITIONAL", 0x1E00, 0x1EFF),
    ("GREEKEXTENDED", 0x1F00, 0x1FFF),
    ("GENERALPUNCTUATION", 0x2000, 0x206F),
    ("SUPERSCRIPTSANDSUBSCRIPTS", 0x2070, 0x209F),
    ("CURRENCYSYMBOLS", 0x20A0, 0x20CF),
    ("LETTERLIKESYMBOLS", 0x2100, 0x214F),
    ("NUMBERFORMS", 0x2150, 0x218F),
    ("ARROWS", 0x2190, 0x21FF),
    ("MATHEMATICALOPERATORS", 0x2200, 0x22FF),
    ("BOXDRAWING", 0x2500, 0x257F),
    ("GEOMETRICSHAPES", 0x25A0, 0x25FF),
    ("MISCELLANEOUSSYMBOLS", 0x2600, 0x26FF),
    ("DINGBATS", 0x2700, 0x27BF),
    ("CJKSYMBOLSANDPUNCTUATION", 0x3000, 0x303F),
    ("HIRAGANA", 0x3040, 0x309F),
    ("KATAKANA", 0x30A0, 0x30FF),
    ("CJKUNIFIEDIDEOGRAPHS", 0x4E00, 0x9FFF),
    ("HANGULSYLLABLES", 0xAC00, 0xD7AF),
    ("PRIVATEUSEAREA", 0xE000, 0xF8FF),
    ("HALFWIDTHANDFULLWIDTHFORMS", 0xFF00, 0xFFEF),
    ("EMOTICONS", 0x1F600, 0x1F64F),
    ("MISCELLANEOUSSYMBOLSANDPICTOGRAPHS", 0x1F300, 0x1F5FF),
];

fn block(name: &str) -> Option<String> {
    let key = name.to_ascii_uppercase().replace([' ', '_', '-'], "");
    let (_, lo, hi) = BLOCKS.iter().find(|(n, _, _)| *n == key)?;
    Some(format!(r"\x{{{lo:X}}}-\x{{{hi:X}}}"))
}

/// A class body for `\p{name}` as Java 17 reads the name; `None` when Java does not know it
/// (or it is a block, which the engine cannot express).
fn property(name: &str, unicode: bool) -> Option<String> {
    // POSIX classes: US-ASCII unless (?U).
    let posix = |n: &str| -> Option<&'static str> {
        Some(match (n, unicode) {
            ("Lower", false) => "a-z",
            ("Upper", false) => "A-Z",
            ("ASCII", _) => r"\x00-\x7F",
            ("Alpha", false) => "a-zA-Z",
            ("Digit", false) => "0-9",
            ("Alnum", false) => "a-zA-Z0-9",
            ("Punct", false) => r"!-/:-@\[-`{-~",
            ("Graph", false) => "!-~",
            ("Print", false) => " -~",
            ("Blank", false) => r" \t",
            ("Cntrl", false) => r"\x00-\x1F\x7F",
            ("XDigit", false) => "0-9a-fA-F",
            ("Space", false) => SPACE,
            ("Lower", true) => r"\p{Lowercase}",
            ("Upper", true) => r"\p{Uppercase}",
            ("Alpha", true) => r"\p{Alphabetic}",
            ("Digit", true) => r"\p{Nd}",
            ("Alnum", true) => r"\p{Alphabetic}\p{Nd}",
            ("Punct", true) => r"\p{P}",
            ("Graph", true) => r"[^\p{White_Space}\p{Cc}\p{Cs}\p{Cn}]",
            ("Print", true) => r"[[^\p{White_Space}\p{Cc}\p{Cs}\p{Cn}]\p{Zs}\t--\p{Cc}]",
            ("Blank", true) => r"\p{Zs}\t",
            ("Cntrl", true) => r"\p{Cc}",
            ("XDigit", true) => r"\p{Nd}\p{Hex_Digit}",
            ("Space", true) => r"\p{White_Space}",
            _ => return None,
        })
    };
    if let Some(p) = posix(name) {
        return Some(p.to_string());
    }
    if name == "all" {
        return Some(r"\x{0}-\x{10FFFF}".into());
    }
    let category = |c: &str| -> Option<String> {
        Some(match c {
            "L" | "Lu" | "Ll" | "Lt" | "Lm" | "Lo" | "M" | "Mn" | "Mc" | "Me" | "N" | "Nd"
            | "Nl" | "No" | "Z" | "Zs" | "Zl" | "Zp" | "C" | "Cc" | "Cf" | "Co" | "Cs" | "Cn"
            | "P" | "Pd" | "Ps" | "Pe" | "Pc" | "Po" | "Pi" | "Pf" | "S" | "Sm" | "Sc" | "Sk"
            | "So" => format!(r"\p{{{c}}}"),
            "LC" => r"\p{Lu}\p{Ll}\p{Lt}".into(),
            "LD" => r"\p{L}\p{Nd}".into(),
            "L1" => r"\x00-\xFF".into(),
            _ => return None,
        })
    };
    if let Some(c) = category(name) {
        return Some(c);
    }
    let java = |n: &str| -> Option<&'static str> {
        Some(match n {
            "javaLowerCase" => r"\p{Lowercase}",
            "javaUpperCase" => r"\p{Uppercase}",
            "javaTitleCase" => r"\p{Lt}",
            "javaDigit" => r"\p{Nd}",
            "javaLetter" => r"\p{L}",
            "javaLetterOrDigit" => r"\p{L}\p{Nd}",
            "javaAlphabetic" => r"\p{Alphabetic}",
            "javaIdeographic" => r"\p{Ideographic}",
            "javaSpaceChar" => r"\p{Z}",
            "javaWhitespace" => r"[\t\n\x0B\f\r\x1C-\x1F\p{Z}--[\xA0\x{2007}\x{202F}]]",
            "javaISOControl" => r"\x00-\x1F\x7F-\x9F",
            "javaDefined" => r"\P{Cn}",
            "javaMirrored" => r"\p{Bidi_Mirrored}",
            "javaIdentifierIgnorable" => r"\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}",
            "javaJavaIdentifierStart" => r"\p{L}\p{Nl}\p{Sc}\p{Pc}",
            "javaJavaIdentifierPart" => {
                r"\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}"
            }
            "javaUnicodeIdentifierStart" => r"\p{ID_Start}",
            "javaUnicodeIdentifierPart" => r"\p{ID_Continue}\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}",
            _ => return None,
        })
    };
    if let Some(j) = java(name) {
        return Some(j.to_string());
    }
    let (key, value) = match name.split_once('=') {
        Some((k, v)) => (Some(k), v),
        None => (None, name),
    };
    match key {
        Some("block" | "blk") => return block(value),
        Some("script" | "sc") => return script(value),
        Some("general_category" | "gc") => return category(value),
        Some(_) => return None,
        None => {}
    }
    if let Some(b) = name.strip_prefix("In") {
        return block(b);
    }
    let is = name.strip_prefix("Is")?;
    if let Some(c) = category(is) {
        return Some(c);
    }
    let binary = match is
        .to_ascii_uppercase()
        .replace([' ', '_', '-'], "")
        .as_str()
    {
        "ALPHABETIC" => r"\p{Alphabetic}",
        "IDEOGRAPHIC" => r"\p{Ideographic}",
        "LETTER" => r"\p{L}",
        "LOWERCASE" => r"\p{Lowercase}",
        "UPPERCASE" => r"\p{Uppercase}",
        "TITLECASE" => r"\p{Lt}",
        "PUNCTUATION" => r"\p{P}",
        "CONTROL" => r"\p{Cc}",
        "WHITESPACE" => r"\p{White_Space}",
        "DIGIT" => r"\p{Nd}",
        "HEXDIGIT" => r"\p{Nd}0-9A-Fa-f\x{FF10}-\x{FF19}\x{FF21}-\x{FF26}\x{FF41}-\x{FF46}",
        "JOINCONTROL" => r"\x{200C}\x{200D}",
        "NONCHARACTERCODEPOINT" => r"\p{Noncharacter_Code_Point}",
        "ASSIGNED" => r"\P{Cn}",
        _ => return script(is),
    };
    Some(binary.to_string())
}

/// A script by Java's name (`LATIN`, `Latin`...), if the regex engine knows it.
fn script(name: &str) -> Option<String> {
    let name = name.to_ascii_lowercase().replace([' ', '-'], "_");
    let text = format!(r"\p{{Script={name}}}");
    // (Unknown to the engine means unknown to Java's UnicodeScript too, near enough.)
    regex_syntax_knows(&text).then_some(text)
}

fn regex_syntax_knows(class: &str) -> bool {
    fancy_regex::Regex::new(class).is_ok()
}

/// Java's `toLowerCase(toUpperCase(c))`, with the one-character mappings of Java's
/// `Character` methods (a mapping to several characters leaves the character as it is).
fn java_fold(c: char) -> char {
    let upper = java_upper(c);
    match upper {
        // UnicodeData's simple lower case of U+0130 is `i` (SpecialCasing adds a dot).
        '\u{130}' => 'i',
        _ => single(upper.to_lowercase()).unwrap_or(upper),
    }
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// Java's `Character.toUpperCase`: a one-character mapping, else the character itself.
fn java_upper(c: char) -> char {
    single(c.to_uppercase()).unwrap_or(c)
}

/// Characters grouped by [`java_fold`], for the groups of more than one.
static FOLDS: LazyLock<HashMap<char, Vec<char>>> = LazyLock::new(|| {
    let mut map: HashMap<char, Vec<char>> = HashMap::new();
    for c in (0u32..=0x1FFFF).filter_map(char::from_u32) {
        if c.is_lowercase() || c.is_uppercase() || c.is_alphabetic() {
            map.entry(java_fold(c)).or_default().push(c);
        }
    }
    map.retain(|_, v| v.len() > 1);
    map
});

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> String {
        translate(p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    #[test]
    fn java_rejects_what_it_rejects() {
        for bad in [
            "{",
            "a{",
            "x{,3}",
            "a{3,2}",
            "a{1",
            "*a",
            "(?<a_b>x)",
            "(?<1a>x)",
            "(?<n>a)(?<n>b)",
            "(?P<n>x)",
            "[&&]",
            "\\0",
            "(?z)",
        ] {
            assert!(translate(bad).is_err(), "{bad}");
        }
        for good in [
            "{1}", "a{1}{2}", "(?-)", "[a-c&&]", "[&&a]", "\\1", "(a)\\10", "(?x)a#c",
        ] {
            ok(good);
        }
    }

    #[test]
    fn classes_are_read_as_java_reads_them() {
        // `[[:alpha:]]` is a class of the characters `:alph`.
        let re = fancy_regex::Regex::new(&ok("[[:alpha:]]")).unwrap();
        assert!(re.is_match(":").unwrap() && re.is_match("h").unwrap());
        assert!(!re.is_match("b").unwrap());
        assert_eq!(ok("(?x)[a b]"), "[ab]");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn any_pattern_translates_or_fails_without_panicking(
            p in r"[\\()\[\]{}^$.|*+?&<>=!:#,0-9a-zA-Z\-pPQEkxuc \n\r\u{e9}\u{1F600}]{0,24}"
        ) {
            if let Ok(t) = translate(&p) {
                let _ = fancy_regex::Regex::new(&t);
            }
        }
    }
}
