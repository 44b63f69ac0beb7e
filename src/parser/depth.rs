//! Nesting pre-pass.
//!
//! pest parses recursively, so a template such as `((((...` or thousands of nested `#if`s
//! would overflow the stack before pest could report anything. This scan runs first, in
//! linear time and constant space, and finds the first place where brackets and block
//! directives nest deeper than allowed. It over-approximates (brackets in plain text count
//! too), which only matters for templates far deeper than any real one.

// Reviewed for panics on input: the scan indexes bytes strictly below the length.
#![allow(clippy::indexing_slicing)]

/// Byte offset where nesting first exceeds `max`, if it does.
pub(super) fn first_too_deep(source: &str, max: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' => {
                let rest = &bytes[i + 1..];
                let rest = rest.strip_prefix(b"{").unwrap_or(rest);
                if opens_block(rest) {
                    depth += 1;
                } else if rest.starts_with(b"end") {
                    depth = depth.saturating_sub(1);
                }
            }
            _ => {}
        }
        if depth > max {
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
}
