//! A cheap scan of the text before pest sees it: bounds the nesting of brackets and
//! of the keywords that nest without brackets (`if`, `let`, `not`, prefix `-`, a
//! `when` inside a branch), so that neither pest's recursion, the Pratt parser nor
//! the lowering can exhaust the stack. Also the helpers of `is_incomplete`.

use super::{E_TOO_DEEP, MAX_NESTING};
use crate::diag::Diagnostic;
use crate::syntax::span::{FileId, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'s> {
    Open,
    Close,
    Word(&'s str),
    /// A number, date, money, string: ends an operand.
    Value,
    Punct(&'s str),
    Doc,
}

/// The significant tokens of `src` (comments and whitespace skipped), with offsets.
fn tokens(src: &str) -> impl Iterator<Item = (usize, usize, Tok<'_>)> + '_ {
    let bytes = src.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            i = skip_space_only(src, i);
            if i >= bytes.len() {
                return None;
            }
            let start = i;
            let rest = &src[i..];
            if rest.starts_with("//") {
                let len = rest.find('\n').unwrap_or(rest.len());
                i += len;
                if is_doc(rest) {
                    return Some((start, i, Tok::Doc));
                }
                continue;
            }
            let b = bytes[i];
            let tok = if b == b'"' {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' && i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                        2
                    } else {
                        1
                    };
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    i += 1;
                }
                Tok::Value
            } else if b.is_ascii_alphabetic() || b == b'_' {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Tok::Word(&src[start..i])
            } else if b.is_ascii_digit() || b == b'$' {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b',' | b':')) {
                    // `1,2` in a call: a comma not followed by three digits ends the number.
                    if bytes[i] == b',' && !src[i + 1..].bytes().take(3).all(|d| d.is_ascii_digit()) {
                        break;
                    }
                    i += 1;
                }
                Tok::Value
            } else if matches!(b, b'(' | b'[' | b'{') {
                i += 1;
                Tok::Open
            } else if matches!(b, b')' | b']' | b'}') {
                i += 1;
                Tok::Close
            } else {
                let len = ["==", "!=", "<=", ">=", "=>", "??"]
                    .iter()
                    .find(|op| rest.starts_with(**op))
                    .map_or_else(|| rest.chars().next().map_or(1, char::len_utf8), |op| op.len());
                i += len;
                Tok::Punct(&src[start..i])
            };
            return Some((start, i, tok));
        }
    })
}

/// `///` starts a doc comment; `////` is a plain comment.
pub(super) fn is_doc(rest: &str) -> bool {
    rest.starts_with("///") && !rest.starts_with("////")
}

fn skip_space_only(src: &str, mut i: usize) -> usize {
    let bytes = src.as_bytes();
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    if src[i..].starts_with('\u{FEFF}') {
        return skip_space_only(src, i + '\u{FEFF}'.len_utf8());
    }
    i
}

/// The first offset at or after `i` that is not whitespace or a plain comment.
pub(super) fn skip_space(src: &str, mut i: usize) -> usize {
    loop {
        i = skip_space_only(src, i);
        let rest = &src[i..];
        if rest.starts_with("//") && !is_doc(rest) {
            i += rest.find('\n').unwrap_or(rest.len());
        } else {
            return i;
        }
    }
}

/// The end of the last token that is not whitespace or a plain comment.
pub(super) fn significant_end(src: &str) -> usize {
    tokens(src).last().map_or(0, |(_, end, _)| end)
}

/// Brackets opened and not closed at the end of `src`.
/// Brackets left open at the end of `src`; 0 when a bracket closes that was never
/// opened (an error before the end: nothing typed after it could complete it).
pub(super) fn open_brackets(src: &str) -> usize {
    let mut open: usize = 0;
    for (_, _, t) in tokens(src) {
        match t {
            Tok::Open => open += 1,
            Tok::Close if open == 0 => return 0,
            Tok::Close => open -= 1,
            _ => {}
        }
    }
    open
}

/// Words that start an item (`calendar` is also a module name, so it does not
/// reset the nesting count).
const ITEM_WORDS: &[&str] = &[
    "module",
    "article",
    "use",
    "facts",
    "enum",
    "record",
    "rule",
    "fn",
    "exception",
    "table",
    "test",
];

/// Whether the input starts like items (rather than an expression).
pub(super) fn starts_with_item(src: &str) -> bool {
    match tokens(src).next() {
        Some((_, _, Tok::Doc)) => true,
        Some((_, _, Tok::Word(w))) => ITEM_WORDS.contains(&w) || w == "calendar",
        _ => false,
    }
}

/// The first word of the input after doc comments, if it starts with a word.
pub(super) fn first_word(src: &str) -> Option<&str> {
    match tokens(src).find(|(_, _, t)| *t != Tok::Doc) {
        Some((_, _, Tok::Word(w))) => Some(w),
        _ => None,
    }
}

/// The start and end of the first token after doc comments (the end of the input
/// when there is none).
pub(super) fn first_token(src: &str) -> (usize, usize) {
    tokens(src)
        .find(|(_, _, t)| *t != Tok::Doc)
        .map_or((src.len(), src.len()), |(s, e, _)| (s, e))
}

/// The span of the doc comment that ends right before `pos`, if any.
pub(super) fn doc_before(src: &str, pos: usize) -> Option<(usize, usize)> {
    let mut last = None;
    for (s, e, t) in tokens(src) {
        if s >= pos {
            break;
        }
        last = Some((s, e, t));
    }
    match last {
        Some((s, e, Tok::Doc)) => Some((s, e)),
        _ => None,
    }
}

/// What keeps nesting open inside one bracket level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opener {
    If,
    Let,
    Not,
    Neg,
    Cases,
}

/// Rejects input that nests more than [`MAX_NESTING`] levels (an over-estimate of
/// the parser's recursion: brackets plus the openers still in force).
pub(super) fn check(src: &str, file: FileId) -> Result<(), Box<Diagnostic>> {
    let mut frames: Vec<Vec<Opener>> = vec![Vec::new()];
    let mut openers = 0usize;
    let mut prev_operand = false;
    for (start, end, tok) in tokens(src) {
        let mut operand = false;
        match tok {
            Tok::Open => frames.push(Vec::new()),
            Tok::Close => {
                if frames.len() > 1 {
                    openers -= frames.pop().map_or(0, |f| f.len());
                }
                operand = true;
            }
            Tok::Value => operand = true,
            Tok::Doc => {}
            Tok::Word(_) | Tok::Punct(_) => {
                let top_level = frames.len() == 1;
                let Some(frame) = frames.last_mut() else { break };
                let before = frame.len();
                operand = track(frame, tok, prev_operand, top_level);
                openers = openers + frame.len() - before.min(frame.len());
                openers -= before.saturating_sub(frame.len());
            }
        }
        prev_operand = operand;
        if frames.len() - 1 + openers > MAX_NESTING {
            return Err(Box::new(
                Diagnostic::error(
                    E_TOO_DEEP,
                    "nesting too deep",
                    Span::new(file, start, end),
                    format!("more than {MAX_NESTING} levels of nesting here"),
                )
                .with_help("split the expression with `let` or helper rules"),
            ));
        }
    }
    Ok(())
}

/// Updates the openers of one bracket level for a word or punctuation; returns
/// whether the token ends an operand.
fn track(frame: &mut Vec<Opener>, tok: Tok<'_>, prev_operand: bool, top_level: bool) -> bool {
    match tok {
        Tok::Word(w) => match w {
            _ if ITEM_WORDS.contains(&w) && top_level => frame.clear(),
            "given" | "expect" => frame.clear(),
            "if" => frame.push(Opener::If),
            "let" => frame.push(Opener::Let),
            "not" if prev_operand => pop_trailing(frame, &[Opener::Neg]),
            "not" => frame.push(Opener::Not),
            "when" if prev_operand => close_branch(frame),
            "when" => frame.push(Opener::Cases),
            "otherwise" => close_branch(frame),
            "and" | "or" => pop_trailing(frame, &[Opener::Neg, Opener::Not]),
            "in" | "mod" => pop_trailing(frame, &[Opener::Neg]),
            "then" | "else" | "for" | "by" | "desc" => {}
            _ => return true,
        },
        Tok::Punct(p) => match p {
            "-" if !prev_operand => frame.push(Opener::Neg),
            "," => frame.clear(),
            "=>" => close_branch(frame),
            "??" => pop_trailing(frame, &[Opener::Neg, Opener::Not]),
            "+" | "-" | "*" | "/" | "<" | ">" | "<=" | ">=" | "==" | "!=" => pop_trailing(frame, &[Opener::Neg]),
            "%" => return true,
            _ => {}
        },
        _ => {}
    }
    false
}

/// A branch ends: what opened after the innermost open `when` is closed.
fn close_branch(frame: &mut Vec<Opener>) {
    let keep = frame.iter().rposition(|o| *o == Opener::Cases).map_or(0, |i| i + 1);
    frame.truncate(keep);
}

fn pop_trailing(frame: &mut Vec<Opener>, kinds: &[Opener]) {
    while frame.last().is_some_and(|o| kinds.contains(o)) {
        frame.pop();
    }
}
