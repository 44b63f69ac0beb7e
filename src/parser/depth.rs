//! Nesting pre-pass.
//!
//! pest parses recursively, so a template such as `((((...` or thousands of nested `#if`s
//! would overflow the stack before pest could report anything. This scan runs first, in
//! linear time, and finds the first place where brackets and block directives nest deeper
//! than allowed.
//!
//! It must never count less than the parser nests (more is harmless). So it reads the
//! template roughly as the parser does:
//! - it keeps a stack of what is open: blocks (`#if`...`#end`), brackets in *code* (the
//!   arguments of a directive or of a reference: `#set(`, `#foreach(`, `$a.b(`, `$a[`, and
//!   everything inside them) and brackets in plain text;
//! - a closing bracket closes only an open bracket of its kind, `#end` (the whole name, in
//!   text) only a block, dropping the text brackets opened since;
//! - in a string literal in code, what opens counts and a closer closes only what the
//!   string itself opened: a `]` or `#end` in `']'` closes nothing, and nothing hides in a
//!   string (the parser may give up on the directive and read the string as text after
//!   all). An opener a string leaves open counts for good, so a template with more than
//!   128 strings such as `'('` is refused: the price of never counting less. An
//!   interpolated string is also checked again when it is parsed (see
//!   `lower::sub_template`);
//! - comments and `#[[...]]#` in text are skipped whole; quotes in text are just text.
//!
//! Earlier versions kept one counter that any closing bracket lowered: `#if(1)}` repeated,
//! `#endx`, `#end` in a comment, or `[']',` repeated in a `#set` walked thousands of levels
//! past the check and overflowed the stack.

// Reviewed for panics on input: every index is checked against the length first (`get`).

/// What is open at a point of the scan.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Block,
    /// A bracket in plain text (closing byte).
    Text(u8),
    /// A bracket in code (closing byte); `reference` when it is a reference's own
    /// arguments or index (`$a.b(...)`: the reference may go on after it).
    Code {
        close: u8,
        reference: bool,
    },
}

/// Byte offset where nesting first exceeds `max`, if it does.
pub(super) fn first_too_deep(source: &str, max: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    // In a string literal in code: its quote, and how much was open where it began.
    let mut string: Option<(u8, usize)> = None;
    // What strings left open: counted for good, but out of the stack, so that it changes
    // neither what a closer closes nor whether the scan is in code.
    let mut leaked = 0usize;
    let mut i = 0;
    // Pushes `what` opened at `at`; `Err` with the offset when it is too deep.
    let push = |open: &mut Vec<Open>, leaked: usize, what: Open, at: usize| {
        open.push(what);
        if open.len() + leaked > max {
            Err(at)
        } else {
            Ok(())
        }
    };
    while let Some(&b) = bytes.get(i) {
        if let Some((quote, base)) = string {
            let step = match b {
                _ if b == quote => {
                    string = None;
                    leaked += open.len().saturating_sub(base);
                    open.truncate(base);
                    Ok(())
                }
                b'(' | b'[' | b'{' => push(&mut open, leaked, code(b), i),
                b')' | b']' | b'}' => {
                    if open.len() > base
                        && matches!(open.last(), Some(&Open::Code { close, .. }) if close == b)
                    {
                        open.pop();
                    }
                    Ok(())
                }
                b'#' => {
                    // A block in a string counts; only the string's own `#end` ends it
                    // (what is left when the string ends moves to `leaked`).
                    let name = name_after_hash(bytes, i);
                    if is_end(name) {
                        if let Some(block) = open.iter().rposition(|o| *o == Open::Block)
                            && block >= base
                        {
                            open.truncate(block);
                        }
                        Ok(())
                    } else if opens_block(name) {
                        push(&mut open, leaked, Open::Block, i)
                    } else {
                        Ok(())
                    }
                }
                _ => Ok(()),
            };
            if let Err(at) = step {
                return Some(at);
            }
            i += 1;
            continue;
        }
        let in_code = matches!(open.last(), Some(Open::Code { .. }));
        let step = if in_code {
            match b {
                b'"' | b'\'' => {
                    // A string literal (`''`/`""` inside end it and begin another).
                    string = Some((b, open.len()));
                    Ok(())
                }
                b'(' | b'[' | b'{' => push(&mut open, leaked, code(b), i),
                b')' | b']' | b'}' => {
                    if let Some(&Open::Code { close, reference }) = open.last()
                        && close == b
                    {
                        open.pop();
                        if reference {
                            // `$a.b(1).c(2)`: the reference goes on.
                            i = reference_tail(bytes, i + 1, &mut open);
                            if open.len() + leaked > max {
                                return Some(i);
                            }
                            continue;
                        }
                    }
                    Ok(())
                }
                // A block directive in code is a parse error there; counted all the same.
                b'#' if opens_block(name_after_hash(bytes, i)) => {
                    push(&mut open, leaked, Open::Block, i)
                }
                _ => Ok(()),
            }
        } else {
            match b {
                b'(' | b'[' | b'{' => push(&mut open, leaked, Open::Text(closer(b)), i),
                b')' | b']' | b'}' => {
                    if open.last() == Some(&Open::Text(b)) {
                        open.pop();
                    }
                    Ok(())
                }
                b'#' => {
                    // (A comment starts even after a backslash: `\##` is `\` and a comment.)
                    if let Some(end) = comment_end(bytes, i) {
                        i = end;
                        continue;
                    }
                    let name = name_after_hash(bytes, i);
                    if escaped(bytes, i) {
                        // `\#if(`: text.
                        Ok(())
                    } else if is_end(name) {
                        if let Some(block) = open.iter().rposition(|o| *o == Open::Block) {
                            open.truncate(block);
                        }
                        Ok(())
                    } else if name
                        .first()
                        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'@')
                    {
                        let r = if opens_block(name) {
                            push(&mut open, leaked, Open::Block, i)
                        } else {
                            Ok(())
                        };
                        // Arguments after the name (and blanks): code.
                        let after = directive_args(bytes, i, name.len());
                        match (r, after) {
                            (Err(at), _) => Err(at),
                            (Ok(()), Some(paren)) => {
                                i = paren;
                                push(&mut open, leaked, code(b'('), paren)
                            }
                            (Ok(()), None) => Ok(()),
                        }
                    } else {
                        Ok(())
                    }
                }
                b'$' => {
                    i = reference_tail(bytes, reference_head(bytes, i), &mut open);
                    if open.len() + leaked > max {
                        return Some(i);
                    }
                    continue;
                }
                _ => Ok(()),
            }
        };
        if let Err(at) = step {
            return Some(at);
        }
        i += 1;
    }
    None
}

/// A bracket in code, opened by byte `open`.
fn code(open: u8) -> Open {
    Open::Code {
        close: closer(open),
        reference: false,
    }
}

fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-')
}

/// Whether the `#` at `i` is escaped by an odd number of backslashes.
fn escaped(bytes: &[u8], i: usize) -> bool {
    let before = bytes.get(..i).unwrap_or_default();
    before.iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

/// The directive name after the `#` at `i` (after a `{` for `#{name}`).
fn name_after_hash(bytes: &[u8], i: usize) -> &[u8] {
    let rest = bytes.get(i + 1..).unwrap_or_default();
    let rest = rest.strip_prefix(b"{").unwrap_or(rest);
    let len = rest
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'@')))
        .unwrap_or(rest.len());
    rest.get(..len).unwrap_or_default()
}

fn opens_block(name: &[u8]) -> bool {
    const OPENERS: [&[u8]; 6] = [b"if", b"foreach", b"macro", b"define", b"literal", b"@"];
    OPENERS.iter().any(|o| name.starts_with(o))
}

fn is_end(name: &[u8]) -> bool {
    name == b"end"
}

/// For the `#` at `i` that starts a comment or an unparsed block: where it ends.
fn comment_end(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = bytes.get(i + 1..).unwrap_or_default();
    let after = |from: usize, what: &[u8]| {
        rest.get(from..)
            .and_then(|r| r.windows(what.len()).position(|w| w == what))
            .map_or(bytes.len(), |p| i + 1 + from + p + what.len())
    };
    if rest.starts_with(b"#") {
        // A line comment ends before the line ending (`\n`, `\r` or both).
        let len = rest
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .unwrap_or(rest.len());
        Some(i + 1 + len)
    } else if rest.starts_with(b"*") {
        Some(after(1, b"*#"))
    } else if rest.starts_with(b"[[") {
        Some(after(2, b"]]#"))
    } else {
        None
    }
}

/// For a directive named `name_len` bytes after the `#` at `i`: the offset of the `(` of
/// its arguments, if blanks and then `(` follow the name (and the `}` of `#{name}`).
fn directive_args(bytes: &[u8], i: usize, name_len: usize) -> Option<usize> {
    let mut j = i + 1;
    let braced = bytes.get(j) == Some(&b'{');
    j += usize::from(braced) + name_len;
    if braced {
        if bytes.get(j) != Some(&b'}') {
            return None;
        }
        j += 1;
    }
    while bytes
        .get(j)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        j += 1;
    }
    (bytes.get(j) == Some(&b'(')).then_some(j)
}

/// After the `$` at `i`: the offset just past `$`, `!`, `{` and the root name.
fn reference_head(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    if bytes.get(j) == Some(&b'!') {
        j += 1;
    }
    if bytes.get(j) == Some(&b'{') {
        j += 1;
    }
    while bytes.get(j).is_some_and(|&c| is_name(c)) {
        j += 1;
    }
    j
}

/// Reads a reference's tail from `j` (`.name` parts); at a `(` or `[` opens its code (the
/// scan goes on inside) and returns the offset after the bracket; otherwise returns where
/// the reference ends.
fn reference_tail(bytes: &[u8], mut j: usize, open: &mut Vec<Open>) -> usize {
    loop {
        match bytes.get(j) {
            Some(b'.') if bytes.get(j + 1).is_some_and(u8::is_ascii_alphabetic) => {
                j += 1;
                while bytes.get(j).is_some_and(|&c| is_name(c)) {
                    j += 1;
                }
            }
            Some(&b @ (b'(' | b'[')) => {
                open.push(Open::Code {
                    close: closer(b),
                    reference: true,
                });
                return j + 1;
            }
            _ => return j,
        }
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
        // Comments and unparsed blocks are text the parser does not nest in.
        assert_eq!(first_too_deep(&"## call f(x)\n".repeat(200), 128), None);
        assert_eq!(first_too_deep(&"#* ((( *#".repeat(200), 128), None);
        let unparsed = format!("#[[{}]]#", "{}".repeat(200));
        assert_eq!(first_too_deep(&unparsed, 128), None);
        // ...but a `##` in a string in code starts no comment.
        let hidden = format!("#set($a = \"##\" + {})", "[".repeat(200));
        assert!(first_too_deep(&hidden, 128).is_some());
        // An escaped directive is text; after an escaped backslash it is a directive.
        assert_eq!(first_too_deep(&"\\#if(1)".repeat(300), 128), None);
        assert!(first_too_deep(&"\\\\#if(1)".repeat(300), 128).is_some());
    }

    #[test]
    fn nothing_hides_in_a_string() {
        // The parser gives up on `#set(` at the unterminated string, and reads the rest
        // as text: its blocks nest.
        let open = format!("#set($a = '{}", "#if(1)".repeat(200));
        assert!(first_too_deep(&open, 128).is_some());
        let junk = format!("#set($a = '{}' junk)", "#if(1)".repeat(200));
        assert!(first_too_deep(&junk, 128).is_some());
        // What a string opens and closes itself is balanced: no leak.
        let balanced = "$util.qr($m.put(\"f(x) [a] {b}\", \"#if($y)y#end\"))\n".repeat(300);
        assert_eq!(first_too_deep(&balanced, 128), None);
    }

    #[test]
    fn strings_in_code_close_nothing() {
        // Each `[` nests a list in the parser; the `]` in the strings close none of them.
        let lists = format!("#set($a = {})", "[']',".repeat(300));
        assert!(first_too_deep(&lists, 128).is_some());
        let ends = format!(
            "#set($a = {})",
            format!("['#if',{}'#end',", "[".repeat(10)).repeat(20)
        );
        assert!(first_too_deep(&ends, 128).is_some());
        // In the arguments of a reference's method too, along the whole reference.
        let chained = format!("$a.b(1).c({})", "[\")\",".repeat(300));
        assert!(first_too_deep(&chained, 128).is_some());
        // Quotes in text are text: an apostrophe does not hide what follows.
        let text = format!("it's {}", "#if(1)".repeat(200));
        assert!(first_too_deep(&text, 128).is_some());
        // Balanced code with strings is fine, however long.
        let fine = "#set($m = {'k': [')', \"]\"], 'j': \"}\"})$m.put('x', '(y)')\n".repeat(500);
        assert_eq!(first_too_deep(&fine, 128), None);
        // An opener a string leaves open counts for good (the safe side): 129 of them in
        // one template are refused...
        assert!(first_too_deep(&"$s.replace('(', '')\n".repeat(200), 128).is_some());
        // ...but changes nothing else: the directive still ends at its `)`, and the blocks
        // after it close as usual.
        let one = format!("$s.replace('(', ''){}", "#if(1)x#end".repeat(500));
        assert_eq!(first_too_deep(&one, 128), None);
        let one = format!("#set($s = \"#if\"){}", "#if(1)x#end".repeat(500));
        assert_eq!(first_too_deep(&one, 128), None);
    }
}
