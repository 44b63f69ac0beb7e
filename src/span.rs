//! Source positions: byte spans in the tree, turned into line, column and a snippet only
//! when an error is reported.

// Reviewed for panics on input: the line scan indexes bytes strictly below the length.
#![allow(clippy::indexing_slicing)]

use std::fmt;

/// A byte range in a template's source.
///
/// Line and column are computed from the source only when an error needs them.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets (clamped to `u32`; templates are far smaller).
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The same span moved `by` bytes later (for spans of a template nested in a string).
    pub fn shifted(self, by: u32) -> Span {
        Span {
            start: self.start.saturating_add(by),
            end: self.end.saturating_add(by),
        }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}..{}", self.start, self.end)
    }
}

/// A resolved position in a template: 1-based line and column (in characters), and the text
/// of that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// The whole source line the position is on, without its line ending.
    pub line_text: String,
}

impl Location {
    /// Resolves byte `offset` of `source` (clamped to the source; snapped back to a character
    /// boundary).
    pub fn of(source: &str, offset: usize) -> Location {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        // Velocity counts `\r\n`, `\n` and `\r` as line ends; so do we.
        let mut line = 1u32;
        let mut line_start = 0usize;
        let bytes = before.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    line += 1;
                    line_start = i + 1;
                }
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line += 1;
                    line_start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        let column = source[line_start..offset].chars().count() as u32 + 1;
        let rest = &source[line_start..];
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        Location {
            line,
            column,
            line_text: rest[..end].to_string(),
        }
    }

    /// The line, with a caret under the column, indented for a report. A long line is cut
    /// to 80 characters on each side of the column (a one-line 60 KB template printed all
    /// of it).
    pub fn snippet(&self) -> String {
        const SIDE: usize = 80;
        let chars: Vec<char> = self.line_text.chars().collect();
        let col = (self.column.saturating_sub(1) as usize).min(chars.len());
        let from = col.saturating_sub(SIDE);
        let to = col.saturating_add(SIDE).min(chars.len());
        let lead = if from > 0 { "…" } else { "" };
        let trail = if to < chars.len() { "…" } else { "" };
        let shown: String = chars.get(from..to).unwrap_or_default().iter().collect();
        // Tabs keep their width in the caret line so the caret lines up in a terminal.
        let pad: String = lead
            .chars()
            .map(|_| ' ')
            .chain(
                chars
                    .get(from..col)
                    .unwrap_or_default()
                    .iter()
                    .map(|&c| if c == '\t' { '\t' } else { ' ' }),
            )
            .collect();
        format!("  {lead}{shown}{trail}\n  {pad}^")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let src = "ab\ncd\r\nef\rgh";
        assert_eq!(Location::of(src, 0).line, 1);
        let l = Location::of(src, 4);
        assert_eq!((l.line, l.column, l.line_text.as_str()), (2, 2, "cd"));
        let l = Location::of(src, 7);
        assert_eq!((l.line, l.column, l.line_text.as_str()), (3, 1, "ef"));
        let l = Location::of(src, 11);
        assert_eq!((l.line, l.column, l.line_text.as_str()), (4, 2, "gh"));
        // past the end and inside a multi-byte character
        assert_eq!(Location::of("é", 1).column, 1);
        assert_eq!(Location::of("x", 99).column, 2);
    }

    #[test]
    fn caret_under_column() {
        let l = Location::of("#set($x = -$n)", 10);
        assert_eq!(l.snippet(), "  #set($x = -$n)\n            ^");
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}#{}", "a".repeat(1000), "b".repeat(1000));
        let snippet = Location::of(&line, 1000).snippet();
        let (text, caret) = snippet.split_once('\n').unwrap();
        assert_eq!(text, format!("  …{}#{}…", "a".repeat(80), "b".repeat(79)));
        assert_eq!(
            caret.chars().count(),
            text.find('#').map_or(0, |i| text[..i].chars().count()) + 1
        );
    }
}
