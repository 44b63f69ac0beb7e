//! Nesting pre-pass.
//!
//! pest parses recursively, so a template such as `((((...` or thousands of nested `#if`s
//! would overflow the stack before pest could report anything. This scan runs first, in
//! linear time, and finds the first place where brackets and block directives nest deeper
//! than allowed.
//!
//! It must never count less than the parser nests. It keeps a stack of what is open
//! (block directives and brackets): a closing bracket closes only an open bracket of its
//! kind, and `#end` only a block, dropping the brackets opened in text since (text brackets
//! are not nesting; brackets inside a directive's arguments cannot be open at an `#end`).
//! Inside what may be a comment or a `#[[...]]#` block nothing closes (openers still count:
//! `"##"` in a string is no comment, and what follows it on the line may nest). A first
//! version kept one counter that any closing bracket lowered, so `#if(1)}` repeated nested
//! thousands of blocks past the check and overflowed the stack; so did `#endx` and `#end`
//! inside comments.

// Reviewed for panics on input: the scan indexes bytes strictly below the length.
#![allow(clippy::indexing_slicing)]

/// What is open at a point of the scan.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Block,
    Bracket(u8),
}

/// Byte offset where nesting first exceeds `max`, if it does.
pub(super) fn first_too_deep(source: &str, max: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    // Closers before this offset are ignored (a comment or unparsed block may run there).
    let mut quiet_until = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let quiet = i < quiet_until;
        let opened = match b {
            b'(' | b'[' | b'{' => {
                open.push(Open::Bracket(b));
                true
            }
            b')' | b']' | b'}' => {
                let opener = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if !quiet && open.last() == Some(&Open::Bracket(opener)) {
                    open.pop();
                }
                false
            }
            b'#' => {
                let rest = &bytes[i + 1..];
                if let Some(len) = comment(rest) {
                    quiet_until = quiet_until.max(i + 1 + len);
                }
                let rest = rest.strip_prefix(b"{").unwrap_or(rest);
                if opens_block(rest) {
                    open.push(Open::Block);
                    true
                } else {
                    if !quiet
                        && is_end(rest)
                        && let Some(block) = open.iter().rposition(|o| *o == Open::Block)
                    {
                        open.truncate(block);
                    }
                    false
                }
            }
            _ => false,
        };
        if opened && open.len() > max {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn opens_block(rest: &[u8]) -> bool {
    const OPENERS: [&[u8]; 6] = [b"if", b"foreach", b"macro", b"define", b"literal", b"@"];
    OPENERS.iter().any(|o| rest.starts_with(o))
}

/// Whether `rest` (after `#` or `#{`) is `end` as a whole name.
fn is_end(rest: &[u8]) -> bool {
    rest.starts_with(b"end")
        && !rest
            .get(3)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'@'))
}

/// For a `#` followed by `rest`: when it may start a comment or an unparsed block, the
/// length of `rest` that would cover.
fn comment(rest: &[u8]) -> Option<usize> {
    let find = |from: usize, what: &[u8]| {
        rest.get(from..)
            .and_then(|r| r.windows(what.len()).position(|w| w == what))
            .map_or(rest.len(), |p| from + p + what.len())
    };
    if rest.starts_with(b"#") {
        Some(find(1, b"\n"))
    } else if rest.starts_with(b"*") {
        Some(find(1, b"*#"))
    } else if rest.starts_with(b"[[") {
        Some(find(2, b"]]#"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::first_too_deep;

    #[test]
    fn counts_brackets_and_blocks() {
        assert_eq!(first_too_deep("((()))", 3), None);
        assert_eq!(first_too_deep("(((())))", 3), Some(3));
        assert_eq!(first_too_deep("#if(a)#if(b)#end#end", 3), None);
        assert_eq!(first_too_deep("#if(a)#if(b)#end#end", 2), Some(9));
        assert_eq!(first_too_deep("#if(#if(", 3), Some(7));
        assert_eq!(first_too_deep(")))((", 2), None);
    }

    #[test]
    fn nothing_closes_what_it_does_not_open() {
        // Each of these nests one block per repetition.
        for unit in [
            "#if(1)}",
            "#if(1))",
            "#if(1)#endx",
            "#if(1)#*#end*#",
            "#if(1)## #end\n",
            "#if(1)#[[#end]]#",
            "#{if}(1)]",
        ] {
            let source = unit.repeat(200);
            assert!(first_too_deep(&source, 128).is_some(), "{unit}");
        }
        // Brackets opened in text are closed by the `#end` of their block.
        let json = "#foreach($x in $l){ \"a\": #if($x) [ #end #end ".repeat(300);
        assert_eq!(first_too_deep(&json, 128), None);
        assert_eq!(first_too_deep(&"#if(1)#{end}".repeat(300), 128), None);
        // Openers after a `##` on the same line still count.
        assert_eq!(
            first_too_deep(&format!("## x{}", "[".repeat(200)), 128),
            Some(132)
        );
    }
}
