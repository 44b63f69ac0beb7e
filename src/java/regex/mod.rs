//! Java regular expressions (`String.matches`, `replaceAll`, `replaceFirst`, `split`,
//! `$util.matches`) on top of `fancy-regex`, which supports the backtracking features Java
//! has (look-around, back-references) and bounds backtracking so a catastrophic pattern
//! fails quickly instead of hanging the render. `syntax` reads a pattern as Java does and
//! writes out its meaning in the engine's syntax.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use fancy_regex::{Regex, RegexBuilder};

use crate::value::methods::Thrown;

mod syntax;

/// Backtracking steps allowed per match before giving up with an error.
const BACKTRACK_LIMIT: usize = 1_000_000;
/// Compiled patterns kept per thread (templates reuse a handful of patterns in loops).
const CACHE_SIZE: usize = 64;
/// Longest pattern accepted.
const MAX_PATTERN_LEN: usize = 4096;

thread_local! {
    static CACHE: RefCell<HashMap<(String, bool), Rc<Regex>>> = RefCell::new(HashMap::new());
}

fn compile(pattern: &str, anchored: bool) -> Result<Rc<Regex>, Thrown> {
    let key = (pattern.to_string(), anchored);
    if let Some(re) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(re);
    }
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "java.util.regex.PatternSyntaxException: pattern longer than {MAX_PATTERN_LEN} characters"
        ));
    }
    let java = syntax::translate(pattern)
        .map_err(|e| format!("java.util.regex.PatternSyntaxException: {e}"))?;
    let source = if anchored {
        format!(r"\A(?:{java})\z")
    } else {
        java
    };
    let re = RegexBuilder::new(&source)
        .backtrack_limit(BACKTRACK_LIMIT)
        .delegate_size_limit(1 << 20)
        .delegate_dfa_size_limit(1 << 20)
        .build()
        .map_err(|e| {
            format!("java.util.regex.PatternSyntaxException: {e} near index 0\n{pattern}")
        })?;
    let re = Rc::new(re);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.clear();
        }
        c.insert(key, re.clone());
    });
    Ok(re)
}

fn run_error(e: fancy_regex::Error) -> Thrown {
    format!("java.lang.StackOverflowError: regular expression too complex ({e})")
}

/// `String.matches`: the whole string must match.
pub(crate) fn full_match(pattern: &str, s: &str) -> Result<bool, Thrown> {
    compile(pattern, true)?.is_match(s).map_err(run_error)
}

/// One piece of a Java replacement string.
enum Piece {
    Text(String),
    Group(usize),
    Named(String),
}

/// Parses a Java replacement: `$n` and `${name}` are groups, `\x` is a literal `x`.
fn parse_replacement(rep: &str, groups: usize) -> Result<Vec<Piece>, Thrown> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = rep.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => text.push(n),
                None => {
                    return Err(
                        "java.lang.IllegalArgumentException: character to be escaped is missing"
                            .into(),
                    );
                }
            },
            '$' => {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                match chars.peek().copied() {
                    Some('{') => {
                        chars.next();
                        let mut name = String::new();
                        let mut closed = false;
                        for n in chars.by_ref() {
                            if n == '}' {
                                closed = true;
                                break;
                            }
                            name.push(n);
                        }
                        let bad = |what: String| {
                            Err(format!("java.lang.IllegalArgumentException: {what}"))
                        };
                        if !closed {
                            return bad("named capturing group is missing trailing '}'".into());
                        }
                        if name.is_empty() {
                            return bad("named capturing group has 0 length name".into());
                        }
                        if name.starts_with(|c: char| c.is_ascii_digit()) {
                            return bad(format!(
                                "capturing group name {{{name}}} starts with digit character"
                            ));
                        }
                        pieces.push(Piece::Named(name));
                    }
                    Some(d) if d.is_ascii_digit() => {
                        chars.next();
                        let mut n = d as usize - '0' as usize;
                        if n > groups {
                            return Err(format!(
                                "java.lang.IndexOutOfBoundsException: No group {n}"
                            ));
                        }
                        // Java takes more digits while the number stays a valid group.
                        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                            let next = n * 10 + (d as usize - '0' as usize);
                            if next > groups {
                                break;
                            }
                            n = next;
                            chars.next();
                        }
                        pieces.push(Piece::Group(n));
                    }
                    Some(_) => {
                        return Err(
                            "java.lang.IllegalArgumentException: Illegal group reference".into(),
                        );
                    }
                    None => {
                        return Err("java.lang.IllegalArgumentException: Illegal group reference: group index is missing".into());
                    }
                }
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// `String.replaceAll` / `replaceFirst`.
pub(crate) fn replace(pattern: &str, s: &str, rep: &str, all: bool) -> Result<String, Thrown> {
    let re = compile(pattern, false)?;
    // Java reads the replacement at the first match: without one, a bad replacement is
    // never looked at.
    let mut pieces = None;
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut at = 0;
    while at <= s.len() {
        let Some(caps) = re.captures_from_pos(s, at).map_err(run_error)? else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        out.push_str(&s[last..m.start()]);
        let pieces = match &pieces {
            Some(p) => p,
            None => pieces.insert(parse_replacement(rep, re.captures_len().saturating_sub(1))?),
        };
        for p in pieces.iter() {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Group(g) => {
                    if let Some(x) = caps.get(*g) {
                        out.push_str(x.as_str());
                    }
                }
                Piece::Named(n) => match caps.name(n) {
                    Some(x) => out.push_str(x.as_str()),
                    None => {
                        return Err(format!(
                            "java.lang.IllegalArgumentException: No group with name {{{n}}}"
                        ));
                    }
                },
            }
        }
        last = m.end();
        if out.len() > crate::limits::HARD_STRING_LIMIT {
            return Err("java.lang.OutOfMemoryError: the replaced string is too long".into());
        }
        if !all {
            break;
        }
        // `\G` is where the last match ended; after an empty one Java searches on from the
        // next character, where `\G` no longer holds (the engine would move it along).
        if m.end() == m.start() && pattern.contains(r"\G") {
            break;
        }
        at = if m.end() == m.start() {
            // Step over one character after an empty match, as Java does.
            match s[m.end()..].chars().next() {
                Some(c) => {
                    let next = m.end() + c.len_utf8();
                    out.push_str(&s[m.end()..next]);
                    last = next;
                    next
                }
                None => break,
            }
        } else {
            m.end()
        };
    }
    out.push_str(&s[last..]);
    Ok(out)
}

/// `String.split(regex, limit)`.
pub(crate) fn split(pattern: &str, s: &str, limit: i32) -> Result<Vec<String>, Thrown> {
    if pattern.is_empty() && s.chars().any(|c| c.len_utf16() == 2) {
        // Java's empty pattern matches between every UTF-16 unit, splitting surrogate pairs
        // into lone halves (which print as `?`).
        let units: Vec<u16> = s.encode_utf16().collect();
        let cut = if limit > 0 {
            (limit as usize - 1).min(units.len())
        } else {
            units.len()
        };
        let (head, tail) = units.split_at_checked(cut).unwrap_or((&units, &[]));
        let mut parts: Vec<String> = head
            .iter()
            .map(|u| crate::value::methods::lossy_utf16(std::slice::from_ref(u)))
            .collect();
        if !tail.is_empty() || limit < 0 {
            parts.push(crate::value::methods::lossy_utf16(tail));
        }
        return Ok(parts);
    }
    let re = compile(pattern, false)?;
    let mut parts: Vec<String> = Vec::new();
    let mut last = 0;
    let mut at = 0;
    while at <= s.len() {
        if limit > 0 && parts.len() as i32 == limit - 1 {
            break;
        }
        let Some(m) = re.find_from_pos(s, at).map_err(run_error)? else {
            break;
        };
        if m.end() == 0 {
            if pattern.contains(r"\G") {
                break;
            }
            // A zero-width match at the start never makes an empty leading piece.
            at = match s.chars().next() {
                Some(c) => c.len_utf8(),
                None => break,
            };
            continue;
        }
        parts.push(s[last..m.start()].to_string());
        last = m.end();
        if m.end() == m.start() && pattern.contains(r"\G") {
            break;
        }
        at = if m.end() == m.start() {
            match s[m.end()..].chars().next() {
                Some(c) => m.end() + c.len_utf8(),
                None => break,
            }
        } else {
            m.end()
        };
    }
    if parts.is_empty() && last == 0 {
        return Ok(vec![s.to_string()]);
    }
    parts.push(s[last..].to_string());
    if limit == 0 {
        while parts.last().is_some_and(String::is_empty) {
            parts.pop();
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_split_rules() {
        assert_eq!(split(",", "a,b,,c,,", 0).unwrap(), ["a", "b", "", "c"]);
        assert_eq!(
            split(",", "a,b,,c,,", -1).unwrap(),
            ["a", "b", "", "c", "", ""]
        );
        assert_eq!(split(",", "a,b,c", 2).unwrap(), ["a", "b,c"]);
        assert_eq!(split("", "abc", 0).unwrap(), ["a", "b", "c"]);
        assert_eq!(split(",", "", 0).unwrap(), [""]);
        assert_eq!(split(", ", "Hello, World", 0).unwrap(), ["Hello", "World"]);
    }

    #[test]
    fn java_replacements() {
        assert_eq!(
            replace("(l+)", "Hello, World", "<$1>", true).unwrap(),
            "He<ll>o, Wor<l>d"
        );
        assert_eq!(
            replace("[aeiou]", "Hello, World", "_", true).unwrap(),
            "H_ll_, W_rld"
        );
        assert_eq!(replace("l", "Hello", "1", false).unwrap(), "He1lo");
        assert_eq!(replace("x*", "abc", "-", true).unwrap(), "-a-b-c-");
        assert!(
            replace("o", "foo", "$", true)
                .unwrap_err()
                .contains("group index is missing")
        );
        assert_eq!(replace("o", "foo", "\\$", true).unwrap(), "f$$");
    }

    #[test]
    fn full_match_and_catastrophic_patterns() {
        assert!(full_match("H.*d", "Hello, World").unwrap());
        assert!(!full_match("ello", "Hello").unwrap());
        assert!(full_match("a*b", "aaaaab").unwrap());
        let evil = "a".repeat(40) + "!";
        let r = full_match("(a+)+$", &evil);
        // Either answered or stopped by the backtracking limit; never hangs.
        assert!(matches!(r, Ok(false) | Err(_)));
    }
}
