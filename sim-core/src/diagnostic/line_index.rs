//! Where each line of a file's text starts, so that many places in one file (every field an
//! import reports) cost a binary search each, not a scan of the text before them.

use std::ops::Range;

use super::span::SourceSpan;

/// The start of every line of one text: its byte offset and how many characters precede it.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// `(byte offset, character index)` of each line's first character, in order; the first
    /// line starts at `(0, 0)`.
    starts: Vec<(usize, usize)>,
    /// Every character is one byte, so columns need no counting (a long line, such as a
    /// whole JSON document on one, costs nothing more).
    ascii: bool,
}

impl LineIndex {
    /// Indexes `text` (one pass over it).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![(0, 0)];
        for (chars, (offset, c)) in text.char_indices().enumerate() {
            if c == '\n' {
                starts.push((offset + 1, chars + 1));
            }
        }
        LineIndex {
            starts,
            ascii: text.is_ascii(),
        }
    }

    /// The byte offset of character `char_index` of `text` (the text's length past its end).
    pub fn byte_of_char(&self, text: &str, char_index: usize) -> usize {
        let line = self.starts.partition_point(|&(_, c)| c <= char_index) - 1;
        let (line_start, line_chars) = self.starts[line];
        if self.ascii {
            return char_index.min(text.len());
        }
        text[line_start..]
            .char_indices()
            .nth(char_index - line_chars)
            .map_or(text.len(), |(offset, _)| line_start + offset)
    }

    /// 1-based line and column (in characters) of byte offset `offset`, a character boundary
    /// of `text`.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let (line, column, _) = self.locate(text, offset);
        (line, column)
    }

    /// [`LineIndex::line_column`] of `offset`, and the byte offset its line starts at.
    pub(super) fn locate(&self, text: &str, offset: usize) -> (usize, usize, usize) {
        let line = self.starts.partition_point(|&(b, _)| b <= offset) - 1;
        let line_start = self.starts[line].0;
        let before = &text[line_start..offset];
        let chars = if self.ascii {
            before.len()
        } else {
            before.chars().count()
        };
        (line + 1, chars + 1, line_start)
    }

    /// The span of bytes `range` of `text`, as [`SourceSpan::new`] gives it.
    pub fn span(&self, text: &str, range: Range<usize>) -> SourceSpan {
        SourceSpan::with_lines(self, text, range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts with what changes a line or a column: `\r\n`, characters of 2, 3 and 4 bytes, an
    /// empty line, no final newline, a whole document on one line, nothing at all.
    const TEXTS: &[&str] = &[
        "",
        "\n",
        "a = 1\nbb = \"x\"\n",
        "a: 1\r\nb: 2\r\n\r\nc: 3",
        "x = \"5µs\" y\nz = \"€\"\n🙂: 1\n",
        "{\"a\": {\"b\": [1, 2, {\"ü\": \"v\"}]}, \"c\": 3}",
    ];

    /// Line and column by scanning everything before the offset, as one place alone would be
    /// found: the lines it passed, then the characters since the last of them.
    fn scanned(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    #[test]
    fn every_offset_has_the_line_and_column_a_scan_gives() {
        for text in TEXTS {
            let lines = LineIndex::new(text);
            for offset in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_eq!(
                    lines.line_column(text, offset),
                    scanned(text, offset),
                    "offset {offset} of {text:?}"
                );
            }
        }
    }

    #[test]
    fn every_character_index_has_its_byte_offset() {
        for text in TEXTS {
            let lines = LineIndex::new(text);
            let chars = text.chars().count();
            for c in 0..chars + 3 {
                let expected = text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
                assert_eq!(
                    lines.byte_of_char(text, c),
                    expected,
                    "char {c} of {text:?}"
                );
            }
        }
    }

    /// Worked by hand: line 1 is 11 characters in 12 bytes (`µ` is 2), line 2 is 7 in 9 (`€`
    /// is 3), so line 3 starts at character 20, byte 23; `🙂` is 4 bytes and one character,
    /// so the `:` after it is character 21, byte 27, column 2.
    #[test]
    fn a_wide_character_moves_bytes_not_columns() {
        let text = TEXTS[4];
        let lines = LineIndex::new(text);
        assert_eq!(lines.byte_of_char(text, 21), 27);
        assert_eq!(lines.line_column(text, 27), (3, 2));
    }
}
