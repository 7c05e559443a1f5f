//! `cba fmt`: the canonical layout of a `.cba` file.
//!
//! The module is printed from its syntax tree ([`crate::syntax::ast`]) through a
//! small pretty printer ([`doc`]): groups print on one line when they fit in
//! [`WIDTH`] columns, `when` arrows and table values line up, and plain `//`
//! comments (collected by the parser with their spans) go back where they were:
//! a comment on a line of its own stays on a line of its own before the same
//! code, a comment after code stays at the end of that line. Single blank lines
//! between the entries of a block are kept; items are separated by one.
//!
//! Spellings the tree does not record are taken from the source when it is
//! given: `[a, b]` or `{a, b}`, `1,248` or `1248`, `24 h` or `24 hours`. The
//! result always parses back to an equal tree ([`crate::syntax::normalize`]);
//! [`format_source`] checks that before returning.

mod doc;
mod expr;
mod items;

use std::rc::Rc;

use doc::{Doc, text};

use crate::diag::Diagnostic;
use crate::syntax::ast::{Expr, FactDecl, Item, Module};
use crate::syntax::comments::scan_comments;
use crate::syntax::normalize::same_tree;
use crate::syntax::parse_module;
use crate::syntax::span::{FileId, Span};

/// The line width the layout aims for.
pub const WIDTH: usize = 100;

/// Why a file cannot be formatted.
#[derive(Debug)]
pub enum FmtError {
    /// The file does not parse.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not parse back to the same tree (a bug in the
    /// formatter; the file is left alone).
    Unstable(String),
}

/// Formats one file's text.
pub fn format_source(src: &str, file: FileId) -> Result<String, FmtError> {
    let (module, diags) = parse_module(src, file);
    let Some(module) = module else {
        return Err(FmtError::Syntax(diags));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(FmtError::Syntax(diags));
    }
    let out = format_module(&module, Some(src));
    match parse_module(&out, file) {
        (Some(back), d) if !d.iter().any(Diagnostic::is_error) && same_tree(&module, &back) => Ok(out),
        (_, d) => Err(FmtError::Unstable(format!(
            "the formatted text {} (please report this)",
            if d.iter().any(Diagnostic::is_error) {
                "does not parse"
            } else {
                "parses to a different tree"
            }
        ))),
    }
}

/// Prints a module. `src` is the text it was parsed from (for its comments'
/// places, blank lines and spellings); without it the module's comments are
/// printed where they fit and spellings are canonical.
pub fn format_module(module: &Module, src: Option<&str>) -> String {
    let mut f = Fmt::new(module, src);
    let doc = f.module(module);
    let out = doc::render(&doc, WIDTH);
    let mut out = align_trailing_comments(&out);
    out.push('\n');
    out
}

/// One item in the canonical layout, without comments (for `cba diff`).
pub fn format_item(item: &Item) -> String {
    let mut f = Fmt::bare();
    let doc = f.item(item);
    doc::render(&doc, WIDTH)
}

/// One fact declaration, `name: type = default`, without its doc.
pub fn format_fact(fact: &FactDecl) -> String {
    let mut f = Fmt::bare();
    let fact = FactDecl {
        doc: None,
        ..fact.clone()
    };
    doc::render(&f.fact_decl(&fact), WIDTH)
}

/// One expression on as few lines as fit.
pub fn format_expr(e: &Expr) -> String {
    let mut f = Fmt::bare();
    doc::render(&f.expr(e), WIDTH)
}

pub use expr::{literal_text, string_lit};

/// A comment waiting to be printed.
struct Pending {
    start: u32,
    text: Rc<str>,
    /// Nothing but indentation before it on its line.
    own_line: bool,
    /// An empty line just before it.
    blank_before: bool,
}

pub(crate) struct Fmt<'s> {
    src: Option<&'s str>,
    comments: Vec<Pending>,
    next: usize,
}

impl<'s> Fmt<'s> {
    /// A printer without source or comments.
    fn bare() -> Self {
        Fmt {
            src: None,
            comments: Vec::new(),
            next: 0,
        }
    }

    fn new(module: &Module, src: Option<&'s str>) -> Self {
        let comments = module
            .comments
            .iter()
            .map(|c| {
                let start = c.span.start;
                let (own_line, blank_before) = match src {
                    Some(s) => (
                        line_prefix_blank(s, start as usize),
                        blank_line_before(s, start as usize),
                    ),
                    None => (true, false),
                };
                Pending {
                    start,
                    text: c.node.as_str().into(),
                    own_line,
                    blank_before,
                }
            })
            .collect();
        Fmt { src, comments, next: 0 }
    }

    /// The source text of a span, when it is known and valid.
    fn slice(&self, span: Span) -> Option<&'s str> {
        let src = self.src?;
        let (a, b) = (span.start as usize, span.end as usize);
        if a < b && b <= src.len() && src.is_char_boundary(a) && src.is_char_boundary(b) {
            Some(&src[a..b])
        } else {
            None
        }
    }

    /// An empty line in the source just before the node at `pos` (above its doc
    /// comment, if any).
    fn blank_before(&self, pos: u32) -> bool {
        self.src.is_some_and(|s| blank_line_before(s, pos as usize))
    }

    fn pending_before(&self, pos: u32) -> Option<&Pending> {
        self.comments.get(self.next).filter(|c| c.start < pos)
    }

    /// Where `word` starts, searching back from `pos` (`pos` without source).
    fn word_before(&self, pos: u32, word: &str) -> u32 {
        self.src
            .and_then(|s| s.get(..pos as usize))
            .and_then(|s| s.rfind(word))
            .map_or(pos, |i| i as u32)
    }

    /// No comment waits before `pos`.
    fn leading_is_empty(&self, pos: u32) -> bool {
        self.pending_before(pos).is_none()
    }

    /// A comment after code, before `pos`: it stays at the end of the current
    /// line. Only one fits there: a second one (after more code, as in `use //
    /// a⏎ m.x // b`) is printed on a line of its own, so it is formatted as one
    /// from here on (or the next formatting would lay it out again).
    fn trailing(&mut self, pos: u32) -> Doc {
        let Some(c) = self.pending_before(pos).filter(|c| !c.own_line) else {
            return Doc::Concat(Vec::new());
        };
        let out = Doc::Suffix(c.text.clone());
        self.next += 1;
        self.own_line_from_here(pos);
        out
    }

    /// Marks the comments left before `pos` as on lines of their own: after a
    /// comment ends the line, nothing else can share it.
    fn own_line_from_here(&mut self, pos: u32) {
        let mut i = self.next;
        while let Some(c) = self.comments.get_mut(i).filter(|c| c.start < pos) {
            c.own_line = true;
            i += 1;
        }
    }

    /// Every comment before `pos`, each where it belongs: after code at the end of
    /// the line, on its own line on a line of its own.
    fn leading(&mut self, pos: u32) -> Doc {
        let mut out = Vec::new();
        let mut own_before = false;
        while let Some(c) = self.pending_before(pos) {
            // After a comment on its own line there is no code to follow.
            own_before |= c.own_line;
            if own_before {
                out.extend([Doc::FreshLine, text(c.text.clone()), Doc::HardLine]);
            } else {
                // The line ends after the comment, just where it did.
                out.extend([Doc::Suffix(c.text.clone()), Doc::HardLine]);
                own_before = true;
            }
            self.next += 1;
        }
        Doc::Concat(out)
    }

    /// The entries of a block (or the items of the module), one a line, with the
    /// comments between them. `top`: items, always one empty line apart;
    /// otherwise single empty lines of the source are kept. `end`: where the
    /// block ends (comments before it are printed last). `None` when there is
    /// nothing to print.
    fn lines<T>(
        &mut self,
        kids: &[T],
        start: impl Fn(&T) -> u32,
        mut doc: impl FnMut(&mut Self, usize, &T) -> Doc,
        end: u32,
        top: bool,
    ) -> Block {
        // Comments after the opening brace, on its line.
        let head = self.trailing(kids.first().map_or(end, &start));
        let mut out: Vec<Doc> = Vec::new();
        // At the top level: no empty line since the last item yet.
        let mut need_blank = false;
        for (i, kid) in kids.iter().enumerate() {
            let at = start(kid);
            out.push(self.trailing(at));
            self.own_line_comments(&mut out, at, &mut need_blank);
            let blank = (top && need_blank) || self.blank_before(at);
            separate(&mut out, blank);
            out.push(doc(self, i, kid));
            need_blank = top;
        }
        out.push(self.trailing(end));
        self.own_line_comments(&mut out, end, &mut need_blank);
        let body = if out_is_empty(&out) {
            None
        } else {
            Some(Doc::Concat(out))
        };
        Block { head, body }
    }

    /// The comments before `pos` in a block, each on its own line, after an empty
    /// line when the source has one.
    fn own_line_comments(&mut self, out: &mut Vec<Doc>, pos: u32, need_blank: &mut bool) {
        let mut own_before = false;
        while let Some(c) = self.pending_before(pos) {
            let (own, blank, body) = (c.own_line || own_before, c.blank_before, c.text.clone());
            own_before = true;
            self.next += 1;
            if !own {
                // Only one comment ends a line: the next goes on its own.
                out.push(Doc::Suffix(body));
                continue;
            }
            separate(out, blank);
            *need_blank &= !blank;
            out.push(text(body));
        }
    }
}

/// A line break before the next entry of a block (none before the first), and an
/// empty line when `blank`.
fn separate(out: &mut Vec<Doc>, blank: bool) {
    if !out_is_empty(out) {
        out.push(Doc::HardLine);
        if blank {
            out.push(Doc::HardLine);
        }
    }
}

/// True when nothing visible has been added yet.
fn out_is_empty(out: &[Doc]) -> bool {
    out.iter().all(|d| matches!(d, Doc::Concat(v) if v.is_empty()))
}

/// The lines of a block: the comments on the line that opens it, then the body
/// (`None` when empty).
struct Block {
    head: Doc,
    body: Option<Doc>,
}

/// `{ … }` around block lines, or `{}`.
fn braces(block: Block) -> Doc {
    match block.body {
        Some(d) => doc::concat(vec![
            text("{"),
            block.head,
            doc::nest(2, doc::concat(vec![Doc::HardLine, d])),
            Doc::HardLine,
            text("}"),
        ]),
        None if doc::must_break(&block.head) => doc::concat(vec![text("{"), block.head, Doc::HardLine, text("}")]),
        None => text("{}"),
    }
}

/// Only spaces and tabs between the start of the line and `pos`.
fn line_prefix_blank(src: &str, pos: usize) -> bool {
    let line_start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    src[line_start..pos].trim().is_empty()
}

/// The node at `pos` starts its line, and the line above it (skipping `///` doc
/// lines) is empty.
fn blank_line_before(src: &str, pos: usize) -> bool {
    let pos = pos.min(src.len());
    if !line_prefix_blank(src, pos) {
        return false;
    }
    let mut line_start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    while line_start > 0 {
        let prev_start = src[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = src[prev_start..line_start - 1].trim();
        if line.is_empty() {
            return true;
        }
        if !line.starts_with("///") || line.starts_with("////") {
            return false;
        }
        line_start = prev_start;
    }
    false
}

/// Lines up the comments of consecutive lines that each end in a comment after
/// code (as gofmt does).
fn align_trailing_comments(out: &str) -> String {
    let comments = scan_comments(out, FileId(0));
    let lines: Vec<&str> = out.split('\n').collect();
    // For each line, the byte column of a trailing comment.
    let mut at: Vec<Option<usize>> = vec![None; lines.len()];
    let mut line_starts = Vec::with_capacity(lines.len());
    let mut offset = 0;
    for l in &lines {
        line_starts.push(offset);
        offset += l.len() + 1;
    }
    for c in &comments {
        let pos = c.span.start as usize;
        let line = line_starts.partition_point(|&s| s <= pos) - 1;
        let col = pos - line_starts[line];
        let code = lines[line][..col].trim_end();
        // Lines already too long keep their comment where it is and end the run.
        if !code.is_empty() && code.chars().count() + 2 <= WIDTH {
            at[line] = Some(col);
        }
    }
    let mut result = String::with_capacity(out.len());
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && at[j].is_some() {
            j += 1;
        }
        if j > i + 1 {
            let width = (i..j)
                .filter_map(|k| at[k].map(|c| lines[k][..c].trim_end().chars().count()))
                .max()
                .unwrap_or(0);
            for k in i..j {
                let col = at[k].unwrap_or(0);
                let code = lines[k][..col].trim_end();
                let pad = width - code.chars().count() + 2;
                result.push_str(code);
                result.extend(std::iter::repeat_n(' ', pad));
                result.push_str(&lines[k][col..]);
                result.push('\n');
            }
            i = j;
        } else {
            result.push_str(lines[i]);
            result.push('\n');
            i += 1;
        }
    }
    result.pop();
    result
}
