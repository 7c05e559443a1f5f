//! A small Wadler-style pretty printer: documents of text, breakable lines,
//! indentation and groups that are printed flat when they fit in the width.

use std::rc::Rc;

/// A document. Build with the functions below; [`group`] records whether the
/// group must break (it holds a hard line or a trailing comment).
#[derive(Debug, Clone)]
pub enum Doc {
    Text(Rc<str>),
    /// A space when flat, a newline when broken.
    Line,
    /// Nothing when flat, a newline when broken.
    SoftLine,
    /// Always a newline.
    HardLine,
    /// A newline unless the line so far is empty (before an own-line comment).
    FreshLine,
    /// Text printed only when the enclosing group is flat.
    IfFlat(Rc<str>),
    /// A trailing comment: printed (after two spaces) just before the next newline.
    Suffix(Rc<str>),
    Concat(Vec<Doc>),
    Nest(usize, Box<Doc>),
    /// Indents broken lines to the column where the document starts.
    Align(Box<Doc>),
    Group(Box<Doc>, bool),
}

pub fn text(s: impl Into<Rc<str>>) -> Doc {
    Doc::Text(s.into())
}

pub fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

pub fn nest(n: usize, d: Doc) -> Doc {
    Doc::Nest(n, Box::new(d))
}

pub fn align(d: Doc) -> Doc {
    Doc::Align(Box::new(d))
}

pub fn group(d: Doc) -> Doc {
    let hard = must_break(&d);
    Doc::Group(Box::new(d), hard)
}

/// `docs` separated by `sep`.
pub fn join(docs: Vec<Doc>, sep: &Doc) -> Doc {
    let mut out = Vec::with_capacity(docs.len() * 2);
    for (i, d) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push(sep.clone());
        }
        out.push(d);
    }
    Doc::Concat(out)
}

/// True when the document cannot be printed on one line.
pub fn must_break(d: &Doc) -> bool {
    match d {
        Doc::HardLine | Doc::FreshLine | Doc::Suffix(_) => true,
        Doc::Text(_) | Doc::IfFlat(_) | Doc::Line | Doc::SoftLine => false,
        Doc::Concat(ds) => ds.iter().any(must_break),
        Doc::Nest(_, d) | Doc::Align(d) => must_break(d),
        Doc::Group(_, hard) => *hard,
    }
}

/// The width of the document printed flat; `None` when it cannot be flat.
pub fn flat_width(d: &Doc) -> Option<usize> {
    match d {
        Doc::Text(s) | Doc::IfFlat(s) => Some(s.chars().count()),
        Doc::Line => Some(1),
        Doc::SoftLine => Some(0),
        Doc::HardLine | Doc::FreshLine | Doc::Suffix(_) => None,
        Doc::Concat(ds) => ds.iter().try_fold(0, |acc, d| Some(acc + flat_width(d)?)),
        Doc::Nest(_, d) | Doc::Align(d) => flat_width(d),
        Doc::Group(d, hard) => {
            if *hard {
                None
            } else {
                flat_width(d)
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Flat,
    Break,
}

/// Lays out `doc` in `width` columns.
pub fn render(doc: &Doc, width: usize) -> String {
    let mut out = Printer {
        out: String::new(),
        col: 0,
        line_has_text: false,
        suffixes: Vec::new(),
    };
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
    while let Some((indent, mode, d)) = stack.pop() {
        match d {
            Doc::Text(s) => out.text(s),
            Doc::IfFlat(s) => {
                if mode == Mode::Flat {
                    out.text(s)
                }
            }
            Doc::Suffix(s) => out.suffixes.push(s.clone()),
            Doc::FreshLine => {
                if !out.at_line_start() {
                    out.newline(indent)
                }
            }
            Doc::Line if mode == Mode::Flat => out.text(" "),
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => out.newline(indent),
            Doc::Concat(ds) => stack.extend(ds.iter().rev().map(|d| (indent, mode, d))),
            Doc::Nest(n, d) => stack.push((indent + n, mode, d)),
            Doc::Align(d) => stack.push((out.col.max(indent), mode, d)),
            Doc::Group(d, hard) => {
                let flat = mode == Mode::Flat
                    || (!hard && fits(width.saturating_sub(out.col), (indent, Mode::Flat, d), &stack));
                stack.push((indent, if flat { Mode::Flat } else { Mode::Break }, d));
            }
        }
    }
    out.flush_suffixes();
    out.out
}

/// True when `next` printed flat, followed by the rest up to its next line
/// break, takes at most `room` columns.
fn fits(room: usize, next: (usize, Mode, &Doc), rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut room = room as isize;
    let mut todo: Vec<(Mode, &Doc)> = vec![(next.1, next.2)];
    let mut rest = rest.iter().rev();
    loop {
        let (mode, d) = match todo.pop() {
            Some(x) => x,
            None => match rest.next() {
                Some(&(_, m, d)) => (m, d),
                None => return true,
            },
        };
        match d {
            Doc::Text(s) => room -= s.chars().count() as isize,
            Doc::IfFlat(s) if mode == Mode::Flat => room -= s.chars().count() as isize,
            Doc::IfFlat(_) => {}
            Doc::FreshLine => return mode == Mode::Break,
            Doc::Line if mode == Mode::Flat => room -= 1,
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => return mode == Mode::Break,
            Doc::Suffix(_) => {}
            Doc::Concat(ds) => todo.extend(ds.iter().rev().map(|d| (mode, d))),
            Doc::Nest(_, d) | Doc::Align(d) => todo.push((mode, d)),
            Doc::Group(d, hard) => todo.push((if *hard { Mode::Break } else { mode }, d)),
        }
        if room < 0 {
            return false;
        }
    }
}

struct Printer {
    out: String,
    col: usize,
    line_has_text: bool,
    suffixes: Vec<Rc<str>>,
}

impl Printer {
    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.out.push_str(s);
        self.col += s.chars().count();
        self.line_has_text |= !s.trim().is_empty();
    }

    fn at_line_start(&self) -> bool {
        !self.line_has_text && self.suffixes.is_empty()
    }

    /// Writes the trailing comments: the first at the end of the line, any more
    /// (which cannot share it) on lines of their own below.
    fn flush_suffixes(&mut self) {
        let indent = self
            .out
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.len() - l.trim_start().len());
        for (i, s) in std::mem::take(&mut self.suffixes).iter().enumerate() {
            if i == 0 {
                self.out.push_str("  ");
            } else {
                self.out.push('\n');
                self.out.extend(std::iter::repeat_n(' ', indent));
            }
            self.out.push_str(s);
        }
    }

    /// A newline and `indent` spaces; trailing spaces are never written (the
    /// indentation of an empty line is dropped when the next line starts).
    fn newline(&mut self, indent: usize) {
        self.flush_suffixes();
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.col = indent;
        self.line_has_text = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(args: &[&str]) -> Doc {
        let args = args.iter().map(|a| text(*a)).collect();
        group(concat(vec![
            text("f("),
            nest(
                2,
                concat(vec![Doc::SoftLine, join(args, &concat(vec![text(","), Doc::Line]))]),
            ),
            Doc::SoftLine,
            text(")"),
        ]))
    }

    #[test]
    fn groups_break_only_when_too_wide() {
        assert_eq!(render(&call(&["a", "b"]), 20), "f(a, b)");
        assert_eq!(render(&call(&["aaaa", "bbbb"]), 10), "f(\n  aaaa,\n  bbbb\n)");
    }

    #[test]
    fn suffix_comments_end_the_line() {
        let d = concat(vec![text("x"), Doc::Suffix("// c".into()), Doc::HardLine, text("y")]);
        assert_eq!(render(&d, 80), "x  // c\ny");
        assert!(must_break(&group(d)));
    }

    #[test]
    fn align_indents_to_the_column() {
        let d = concat(vec![
            text("= "),
            align(concat(vec![text("a"), Doc::HardLine, text("b")])),
        ]);
        assert_eq!(render(&d, 80), "= a\n  b");
    }
}
