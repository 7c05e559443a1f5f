//! Positions: byte offsets of the checker to LSP's (line, UTF-16 column) and back.

use lsp_types::{Position, Range};

/// Line starts of one text, for converting positions.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The LSP position of a byte offset (clamped to the text, moved back to a
    /// character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col: usize = self.text[self.starts[line]..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, col as u32)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The byte offset of an LSP position; a column past the end of its line is
    /// the line's end, a line past the end is the text's end.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let line_end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |e| e - 1);
        let mut units = 0usize;
        for (i, c) in self.text[start..line_end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        line_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        // `§` is one UTF-16 unit and two bytes; `𝄞` is two units and four bytes.
        let text = "a §6.A\n𝄞x\n";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(0), Position::new(0, 0));
        assert_eq!(ix.position(4), Position::new(0, 3)); // after `§`
        assert_eq!(ix.position(text.find('x').unwrap()), Position::new(1, 2));
        assert_eq!(ix.offset(Position::new(1, 2)), text.find('x').unwrap());
        assert_eq!(ix.offset(Position::new(0, 3)), 4);
        assert_eq!(ix.offset(Position::new(0, 99)), 7);
        assert_eq!(ix.offset(Position::new(9, 0)), text.len());
        assert_eq!(ix.position(999), Position::new(2, 0));
    }
}
