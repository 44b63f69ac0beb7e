//! Syntax errors in words a template author understands (never grammar rule names).

// Reviewed for panics on input: the word list is indexed after matching its length.
#![allow(clippy::indexing_slicing)]

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};

use super::{Rule, VtlParser};
use crate::error::{Error, ErrorKind};
use crate::span::Span;

/// A syntax error with `message` at byte `offset` of `source`.
pub(super) fn syntax(source: &str, offset: usize, message: String) -> Error {
    Error::at(
        ErrorKind::Syntax { message },
        source,
        Span::new(offset, offset),
    )
}

/// Turns a failure of the whole-template parse into an error.
pub(super) fn from_pest(source: &str, e: &pest::error::Error<Rule>) -> Error {
    let mut offset = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(source.len());
    // pest may stop just after the `#` of a stray `#end`.
    if offset > 0 && source.is_char_boundary(offset - 1) {
        let before = &source[offset - 1..];
        if stray_block_keyword(before).is_some() {
            offset -= 1;
        }
    }
    let rest = &source[offset..];
    let message = if let Some(kw) = stray_block_keyword(rest) {
        match kw {
            "end" => "#end has no matching #if, #foreach, #define or #macro".to_string(),
            other => format!("#{other} has no matching #if"),
        }
    } else if rest.is_empty() && (source.ends_with('$') || source.ends_with("$!")) {
        "the template ends with a lone `$` (put text after it or remove it)".to_string()
    } else if rest.is_empty() && source.ends_with('#') {
        "the template ends with a lone `#`".to_string()
    } else {
        format!("unexpected {}{}", found(rest), expected(e))
    };
    syntax(source, offset, message)
}

/// Explains why `rule` could not be matched at byte `start` of `source`: re-runs it alone
/// to find where it stops. `what` names the construct (`#set`, `the arguments of
/// substring(...)`), `closing` is what was needed after a successful match (`)`, `]`).
pub(super) fn explain(source: &str, start: usize, rule: Rule, what: &str, closing: &str) -> Error {
    let start = start.min(source.len());
    let (offset, detail) = match VtlParser::parse(rule, &source[start..]) {
        Ok(pairs) => {
            let consumed = pairs.last().map(|p| p.as_span().end()).unwrap_or(0);
            (start + consumed, format!(", expected `{closing}`"))
        }
        Err(e) => {
            let p = match e.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((s, _)) => s,
            };
            (start + p, expected(&e))
        }
    };
    let rest = &source[offset.min(source.len())..];
    syntax(
        source,
        offset,
        format!(
            "{what}: unexpected {}{detail}{}",
            found(rest),
            hint(&source[..offset], rest)
        ),
    )
}

/// A hint for mistakes Velocity 1.7 users often make, from the text around the error.
fn hint(before: &str, rest: &str) -> &'static str {
    let prev = before.trim_end_matches([' ', '\t']).chars().last();
    if rest.starts_with("-$") || rest.starts_with("- ") && prev.is_some_and(|c| "(=,".contains(c)) {
        "; Velocity 1.7 has no unary minus except on a number: write `0 - $x`"
    } else if rest.starts_with('-') && prev.is_some_and(|c| c.is_alphanumeric() || c == ')') {
        "; `-1` right after a value reads as a negative number: put spaces around `-`"
    } else if rest.starts_with("null") {
        "; there is no null literal (leave the variable unset, or use $util.defaultIfNull)"
    } else if rest.starts_with('=') && !rest.starts_with("==") {
        "; compare with `==`"
    } else {
        ""
    }
}

/// `#end`, `#else` or `#elseif` at the start of `rest`.
fn stray_block_keyword(rest: &str) -> Option<&'static str> {
    let after = rest.strip_prefix('#')?;
    for kw in ["elseif", "else", "end"] {
        if let Some(tail) = after.strip_prefix(kw) {
            let next = tail.chars().next();
            if !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@') {
                return Some(kw);
            }
        }
        if after.starts_with(&format!("{{{kw}}}")) {
            return Some(kw);
        }
    }
    None
}

/// How to name what was found at the start of `rest`.
fn found(rest: &str) -> String {
    let Some(c) = rest.chars().next() else {
        return "end of template".to_string();
    };
    match c {
        '\n' | '\r' => "line break".to_string(),
        ' ' | '\t' => "space".to_string(),
        c if c.is_alphanumeric() || c == '_' => {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .take(40)
                .collect();
            format!("`{word}`")
        }
        c => format!("`{c}`"),
    }
}

/// ", expected a, b or c" from what pest was trying, in template words.
fn expected(e: &pest::error::Error<Rule>) -> String {
    let ErrorVariant::ParsingError { positives, .. } = &e.variant else {
        return String::new();
    };
    let mut words: Vec<&'static str> = Vec::new();
    for rule in positives {
        if let Some(w) = describe(*rule)
            && !words.contains(&w)
        {
            words.push(w);
        }
    }
    match words.len() {
        0 => String::new(),
        1 => format!(", expected {}", words[0]),
        n => format!(
            ", expected {} or {}",
            words[..n - 1].join(", "),
            words[n - 1]
        ),
    }
}

fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_mod => "an operator",
        Rule::reference | Rule::bare_ref | Rule::ref_root => "a reference",
        Rule::string | Rule::dq_string | Rule::sq_string => "a string",
        Rule::number | Rule::int_literal => "a number",
        Rule::boolean => "true or false",
        Rule::list | Rule::range => "a list",
        Rule::map | Rule::map_entry => "a map",
        Rule::paren | Rule::expr | Rule::cond => "an expression",
        Rule::prefix_not => "`!`",
        Rule::end_kw => "#end",
        Rule::dir_word => "a word",
        _ => return None,
    })
}
