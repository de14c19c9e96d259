//! A stretch of a file's text and how to show it: line, column and the text of its line.

use std::ops::Range;

use super::line_index::LineIndex;

/// A stretch of a file's text, with what it takes to show it: its 1-based line and column, and
/// the text of its first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpan {
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// 1-based line of the span's end.
    pub end_line: usize,
    /// 1-based column (in characters) just after the span's end.
    pub end_column: usize,
    /// The whole first line of the span, without its line break.
    pub line_text: String,
    /// The span's part of `line_text`, in bytes: at least one character wide, so that an empty
    /// span (a missing value at the end of a line) still points somewhere.
    pub in_line: Range<usize>,
}

impl SourceSpan {
    /// The span of bytes `range` of `text` (clamped to the text, moved to character
    /// boundaries).
    pub fn new(text: &str, range: Range<usize>) -> SourceSpan {
        LineIndex::new(text).span(text, range)
    }

    /// [`SourceSpan::new`] with the text's lines already indexed in `lines`.
    pub(super) fn with_lines(lines: &LineIndex, text: &str, range: Range<usize>) -> SourceSpan {
        let start = floor_boundary(text, range.start.min(text.len()));
        let end = floor_boundary(text, range.end.clamp(start, text.len()));
        let (line, column, line_start) = lines.locate(text, start);
        let (end_line, end_column) = lines.line_column(text, end);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        // A span may start past the line's trimmed `\r` (a lone `\r` before `\n`).
        let from = (start - line_start).min(line_text.len());
        let to = (end.min(line_start + line_text.len()) - line_start).max(from);
        let to = if to == from {
            line_text[from..]
                .chars()
                .next()
                .map_or(from, |c| from + c.len_utf8())
        } else {
            to
        };
        SourceSpan {
            line,
            column,
            end_line,
            end_column,
            line_text: line_text.to_string(),
            in_line: from..to,
        }
    }

    /// The span of the line and column `line:column` (1-based), one character wide.
    pub fn at_line_column(text: &str, line: usize, column: usize) -> SourceSpan {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = &text[line_start.min(text.len())..];
        let offset = rest
            .char_indices()
            .take_while(|(_, c)| *c != '\n')
            .nth(column.saturating_sub(1))
            .map_or_else(
                || rest.find('\n').unwrap_or(rest.len()),
                |(offset, _)| offset,
            );
        let start = line_start + offset;
        SourceSpan::new(text, start..start)
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and column (in characters) of byte offset `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(text, offset.min(text.len()));
    LineIndex::new(text).line_column(text, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nbb = \"x\"\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 11), (2, 6));
    }

    /// Columns count characters, not bytes: `µ` is two bytes.
    #[test]
    fn columns_count_characters() {
        let text = "x = \"5µs\" y\n";
        assert_eq!(line_column(text, 11), (1, 11));
        let span = SourceSpan::new(text, 11..12);
        assert_eq!((span.line, span.column), (1, 11));
        assert_eq!(&span.line_text[span.in_line.clone()], "y");
    }

    /// A span on the second line keeps only that line's text and its part of it; a span that
    /// runs past the line's end is cut at it; an empty span is one character wide.
    #[test]
    fn a_span_knows_its_line() {
        let text = "[cluster]\nconnect_timeout = \"soon\"\nname = \"c\"\n";
        let start = text.find("\"soon\"").expect("in text");
        let span = SourceSpan::new(text, start..start + 6);
        assert_eq!((span.line, span.column), (2, 19));
        assert_eq!((span.end_line, span.end_column), (2, 25));
        assert_eq!(span.line_text, "connect_timeout = \"soon\"");
        assert_eq!(span.in_line, 18..24);
        let long = SourceSpan::new(text, start..text.len());
        assert_eq!(long.in_line, 18..24);
        assert_eq!(long.end_line, 4);
        let empty = SourceSpan::new(text, start..start);
        assert_eq!(empty.in_line, 18..19);
    }

    /// A span at the `\n` after a `\r` that ends its line points past the line's text,
    /// which drops the `\r`: an empty part at its end, not a panic (found by the mutation
    /// property, a byte edit to 13).
    #[test]
    fn a_span_at_a_trailing_carriage_return() {
        let text = "a = \"1s\r\nb = 2\n";
        let span = SourceSpan::new(text, 8..9);
        assert_eq!(span.line_text, "a = \"1s");
        assert_eq!(span.in_line, 7..7);
    }

    #[test]
    fn a_span_from_line_and_column() {
        let text = "a = 1\nbb = \"x\"\n";
        let span = SourceSpan::at_line_column(text, 2, 6);
        assert_eq!((span.line, span.column), (2, 6));
        assert_eq!(&span.line_text[span.in_line.clone()], "\"");
        let past = SourceSpan::at_line_column(text, 9, 1);
        assert_eq!(past.line, 3);
    }
}
