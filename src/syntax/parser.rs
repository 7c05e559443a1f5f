//! The parser: the pest grammar `grammar/cba.pest`, lowered at once to the spanned
//! AST of [`super::ast`]. No pest type leaves this module.
//!
//! Layout: this file holds the entry points and the lowering context; `items.rs`
//! lowers items, `expr.rs` expressions and literals, `types.rs` types and
//! citations, `errors.rs` turns pest errors into diagnostics with human names and
//! `guard.rs` bounds nesting before the text reaches pest.

mod errors;
mod expr;
mod guard;
mod items;
mod types;

use std::cell::{Cell, RefCell};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::{Expr, Ident, Module};
use super::span::{FileId, Span, Spanned};
use crate::diag::{Code, Diagnostic};

mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/cba.pest"]
    pub(super) struct CbaParser;
}
use grammar::{CbaParser, Rule};

pub use errors::KEYWORDS;

type P<'i> = Pair<'i, Rule>;

/// Deepest nesting of brackets and nesting keywords accepted (checked before pest).
pub(crate) const MAX_NESTING: usize = 200;
/// Deepest expression tree the parser builds (later passes recurse over it).
const MAX_AST_DEPTH: u32 = 400;
/// Deepest recursion of the lowering itself.
const MAX_RECURSION: u32 = 300;

/// Parses one module. Returns the module (if the text could be parsed) and every
/// syntax error found. A module is returned even when a literal is invalid (a bad
/// date, a too-large number): those are reported and replaced by a best guess.
pub fn parse_module(src: &str, file: FileId) -> (Option<Module>, Vec<Diagnostic>) {
    with_big_stack(|| parse_module_here(src, file))
}

fn parse_module_here(src: &str, file: FileId) -> (Option<Module>, Vec<Diagnostic>) {
    let pair = match parse_rule(Rule::module, src, file) {
        Ok(pair) => pair,
        Err(diag) => return (None, vec![*diag]),
    };
    let cx = Lower::new(file);
    let mut module = cx.lower_module(pair);
    module.comments = super::comments::scan_comments(src, file);
    (Some(module), cx.finish())
}

/// Parses a single expression (for `--expr` and the REPL): the whole input must be
/// one expression.
pub fn parse_expr(src: &str, file: FileId) -> Result<Expr, Vec<Diagnostic>> {
    with_big_stack(|| parse_expr_here(src, file))
}

fn parse_expr_here(src: &str, file: FileId) -> Result<Expr, Vec<Diagnostic>> {
    let pair = parse_rule(Rule::expr_input, src, file).map_err(|d| vec![*d])?;
    let cx = Lower::new(file);
    let expr = cx.lower_expr_input(pair);
    let diags = cx.finish();
    if diags.iter().any(Diagnostic::is_error) {
        Err(diags)
    } else {
        Ok(expr)
    }
}

/// Like [`is_incomplete`] for a value that may be JSON (`:set path = {"a": 1,`):
/// any bracket left open means more is coming.
pub fn is_incomplete_value(src: &str) -> bool {
    guard::open_brackets(src) > 0 || is_incomplete(src)
}

/// True when `src` fails to parse only because it stops too early: more lines
/// could complete it (an open bracket, a dangling operator, `rule x: int =`). For a
/// REPL's multi-line input. Input starting with an item keyword, `use` or a doc
/// comment is read as items, anything else as an expression.
pub fn is_incomplete(src: &str) -> bool {
    let end = guard::significant_end(src);
    if end == 0 {
        return false;
    }
    let rule = match guard::first_word(src) {
        Some("module") => Rule::module,
        _ if guard::starts_with_item(src) => Rule::items_input,
        _ => Rule::expr_input,
    };
    // Items with a bracket open go on; an expression goes on only if the parser's
    // error is at its end (`max(1 +* 2,` is wrong already, whatever follows).
    if guard::open_brackets(src) > 0 && rule != Rule::expr_input {
        return true;
    }
    if guard::check(src, FileId(0)).is_err() {
        return false;
    }
    raise_call_limit(src.len());
    match CbaParser::parse(rule, src) {
        Ok(_) => false,
        Err(e) => errors::error_offset(&e) >= end,
    }
}

/// Stack for parsing and lowering: both recurse once per nesting level (up to
/// [`MAX_NESTING`]), and a debug build uses several KB a level, more than a test
/// thread's 2 MB. Only touched pages are committed.
const PARSE_STACK: usize = 64 * 1024 * 1024;

/// Runs `f` on a thread with a [`PARSE_STACK`] stack, or here if no thread can be
/// started. A panic inside (a bug) is passed on to the caller.
fn with_big_stack<T: Send, F: FnOnce() -> T + Send>(f: F) -> T {
    let (tx, rx) = std::sync::mpsc::channel::<F>();
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("cba-parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, move || rx.recv().map(|job| job()));
        let Ok(handle) = spawned else { return f() };
        if let Err(unsent) = tx.send(f) {
            return (unsent.0)();
        }
        match handle.join() {
            Ok(Ok(result)) => result,
            // The job was sent before joining, so the thread always receives it.
            Ok(Err(_)) => unreachable!("the parse thread lost its job"),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Runs the depth guard and pest; returns the top pair.
fn parse_rule(rule: Rule, src: &str, file: FileId) -> Result<P<'_>, Box<Diagnostic>> {
    guard::check(src, file)?;
    raise_call_limit(src.len());
    let mut pairs = CbaParser::parse(rule, src).map_err(|e| Box::new(errors::convert(&e, src, file, rule)))?;
    pairs.next().ok_or_else(|| {
        Box::new(Diagnostic::error(
            E_SYNTAX,
            "empty input",
            Span::new(file, 0, 0),
            "nothing to parse",
        ))
    })
}

/// A safety net against runaway backtracking: pest stops after a number of rule
/// calls proportional to the input (the grammar is linear; this never triggers on
/// real text). The setting is process-wide, so it only ever grows.
fn raise_call_limit(len: usize) {
    static CURRENT: AtomicUsize = AtomicUsize::new(0);
    let wanted = 2_000_000usize.saturating_add(len.saturating_mul(400));
    if CURRENT.fetch_max(wanted, Ordering::Relaxed) < wanted {
        pest::set_call_limit(NonZeroUsize::new(CURRENT.load(Ordering::Relaxed)));
    }
}

// Diagnostic codes of the syntax stage (E0001–E0099).
pub(crate) const E_SYNTAX: Code = Code::Syntax;
pub(crate) const E_TOO_DEEP: Code = Code::TooDeep;
pub(crate) const E_UNTERMINATED_STRING: Code = Code::UnterminatedString;
pub(crate) const E_DOC_COMMENT: Code = Code::DocComment;
pub(crate) const E_NO_MODULE: Code = Code::NoModule;
pub(crate) const E_BAD_DATE: Code = Code::BadDate;
pub(crate) const E_BAD_TIME: Code = Code::BadTime;
pub(crate) const E_INT_TOO_LARGE: Code = Code::IntTooLarge;
pub(crate) const E_MONEY_DECIMALS: Code = Code::MoneyDecimals;
pub(crate) const E_NUMBER_TOO_LARGE: Code = Code::NumberTooLarge;
pub(crate) const E_BAD_ESCAPE: Code = Code::BadEscape;
pub(crate) const E_CALL_NOT_NAME: Code = Code::CallNotName;
pub(crate) const E_SORT_VAR: Code = Code::SortVariable;
pub(crate) const E_FOLD_VAR: Code = Code::FoldVariable;
pub(crate) const E_CHAINED_COMPARISON: Code = Code::ChainedComparison;
pub(crate) const E_EXCEPTION_OTHERWISE: Code = Code::ExceptionOtherwise;
pub(crate) const E_CALENDAR_DUPLICATE: Code = Code::CalendarDuplicate;

/// The lowering context: the file, the diagnostics found so far and the depth.
pub(super) struct Lower {
    file: FileId,
    diags: RefCell<Vec<Diagnostic>>,
    depth: Cell<u32>,
    reported_deep: Cell<bool>,
}

impl Lower {
    fn new(file: FileId) -> Lower {
        Lower {
            file,
            diags: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            reported_deep: Cell::new(false),
        }
    }

    fn finish(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }

    fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn report(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    fn ident(&self, p: &P<'_>) -> Ident {
        Spanned::new(p.as_str().to_string(), self.span(p))
    }

    /// The meaningful children of a pair: punctuation and keywords dropped.
    fn kids<'i>(&self, p: P<'i>) -> Vec<P<'i>> {
        p.into_inner().filter(|k| !is_noise(k.as_rule())).collect()
    }

    /// Enters one level of lowering recursion; false (and one diagnostic) when the
    /// input nests too deeply.
    fn enter(&self, span: Span) -> bool {
        if self.depth.get() >= MAX_RECURSION {
            self.too_deep(span);
            return false;
        }
        self.depth.set(self.depth.get() + 1);
        true
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    fn too_deep(&self, span: Span) {
        if !self.reported_deep.replace(true) {
            self.report(
                Diagnostic::error(E_TOO_DEEP, "nesting too deep", span, "this expression nests too deeply")
                    .with_help("split it with `let` or a helper rule"),
            );
        }
    }
}

/// Tokens that carry no information once the tree is built.
fn is_noise(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::EOI
            | Rule::colon
            | Rule::equals
            | Rule::arrow
            | Rule::lbrace
            | Rule::rbrace
            | Rule::lparen
            | Rule::rparen
            | Rule::lbracket
            | Rule::rbracket
            | Rule::kw_module
            | Rule::kw_article
            | Rule::kw_use
            | Rule::kw_facts
            | Rule::kw_enum
            | Rule::kw_record
            | Rule::kw_exception
            | Rule::kw_table
            | Rule::kw_test
            | Rule::kw_given
            | Rule::kw_expect
            | Rule::kw_error
            | Rule::kw_calendar
            | Rule::kw_when
            | Rule::kw_otherwise
            | Rule::kw_if
            | Rule::kw_then
            | Rule::kw_else
            | Rule::kw_let
            | Rule::kw_in
            | Rule::kw_for
            | Rule::kw_list
            | Rule::kw_of
            | Rule::kw_to
            | Rule::kw_by
            | Rule::kw_from
            | Rule::kw_sort
            | Rule::kw_fold
            | Rule::kw_source
            | Rule::kw_sub
            | Rule::kw_art
            | Rule::kw_weekend
            | Rule::kw_holidays
            | Rule::kw_closures
    )
}

/// `/// a` lines → "a" (the `/// ` prefix and trailing spaces stripped, lines joined
/// with newlines).
fn doc_text(p: &P<'_>) -> String {
    p.clone()
        .into_inner()
        .map(|line| {
            let text = line.as_str().trim_end();
            let text = text.strip_prefix("///").unwrap_or(text);
            text.strip_prefix(' ').unwrap_or(text).to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
