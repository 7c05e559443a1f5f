//! Property tests: the parser never panics or hangs, and formatting does not
//! change the tree.
mod common;

use std::time::{Duration, Instant};

use cba::syntax::span::FileId;
use cba::syntax::{is_incomplete, parse_expr, parse_module};
use common::*;
use proptest::prelude::*;

const LIMIT: Duration = Duration::from_secs(2);

/// Runs every entry point on `src`; they must return, quickly.
fn survives(src: &str) {
    let start = Instant::now();
    let _ = parse_module(src, FileId(0));
    let _ = parse_expr(src, FileId(0));
    let _ = is_incomplete(src);
    assert!(start.elapsed() < LIMIT, "too slow ({:?}) on {src:?}", start.elapsed());
}

/// Cuts `s` at the char boundary at or before `at`.
fn cut(s: &str, at: usize) -> &str {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    &s[..at]
}

/// Replaces each whitespace run outside strings and comments by `choices[i]`:
/// runs with a newline may become one space (except after a comment), runs
/// without a newline become other horizontal space.
fn respace(src: &str, choices: &[u8]) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    let mut run = 0;
    let mut after_comment = false;
    while let Some(c) = chars.next() {
        if c == '"' {
            out.push(c);
            while let Some(s) = chars.next() {
                out.push(s);
                if s == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else if s == '"' || s == '\n' {
                    break;
                }
            }
            after_comment = false;
        } else if c == '/' && chars.peek() == Some(&'/') {
            out.push(c);
            while let Some(&s) = chars.peek() {
                if s == '\n' {
                    break;
                }
                out.push(s);
                chars.next();
            }
            after_comment = true;
        } else if c.is_whitespace() {
            let mut ws = String::from(c);
            while let Some(&s) = chars.peek() {
                if !s.is_whitespace() {
                    break;
                }
                ws.push(s);
                chars.next();
            }
            let choice = choices.get(run % choices.len().max(1)).copied().unwrap_or(0);
            run += 1;
            let replacement = if ws.contains('\n') {
                match (choice % 4, after_comment) {
                    (0, false) => " ",
                    (0, true) | (1, _) => "\n",
                    (2, _) => " \n\t ",
                    _ => "\n\n  ",
                }
            } else {
                [" ", "\t", "   "][usize::from(choice % 3)]
            };
            out.push_str(replacement);
            after_comment = false;
        } else {
            out.push(c);
            after_comment = false;
        }
    }
    out
}

/// The tree as text without positions. `Spanned` already leaves spans out of its
/// `Debug` and equality, but plain `span: Span` fields (items, branches, uses)
/// compare positions, so trees are compared through this.
fn shape(src: &str) -> String {
    let text = format!("{:?}", module(src));
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("span: Span {") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |j| j + 1);
        rest = after[end..].strip_prefix(", ").unwrap_or(&after[end..]);
    }
    out.push_str(rest);
    out
}

fn examples() -> Vec<String> {
    reference_examples()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        survives(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_token_soup_never_panics(src in "[a-z0-9(){}\\[\\]:=<>+*/\"§$%.,?!\n -]{0,300}") {
        survives(&src);
    }

    #[test]
    fn truncated_examples_never_panic(which in 0usize..64, at in 0usize..4000) {
        let all = examples();
        let src = &all[which % all.len()];
        survives(cut(src, at));
    }

    #[test]
    fn examples_with_a_hole_never_panic(which in 0usize..64, at in 0usize..4000, len in 0usize..40, insert in "[(){}\\[\\]=:,\"]{0,3}") {
        let all = examples();
        let src = &all[which % all.len()];
        let head = cut(src, at);
        let tail_start = cut(src, at + len).len();
        survives(&format!("{head}{insert}{}", &src[tail_start..]));
    }

    #[test]
    fn whitespace_does_not_change_the_tree(which in 0usize..64, choices in proptest::collection::vec(any::<u8>(), 1..64)) {
        let all = examples();
        let src = &all[which % all.len()];
        let spaced = respace(src, &choices);
        prop_assert_eq!(shape(src), shape(&spaced), "respaced:\n{}", spaced);
    }
}

#[test]
fn collapsing_all_whitespace_keeps_the_tree() {
    for src in examples() {
        // Comments must keep their newline: collapse only code without comments.
        let code: String = src
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| l.split(" //").next().unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let flat = respace(&code, &[0]);
        assert!(!flat.contains('\n'));
        assert_eq!(shape(&code), shape(&flat), "flat:\n{flat}");
    }
}

#[test]
fn deep_truncations_of_nested_input_are_fast() {
    for depth in [10, 50, 150, 199, 250] {
        for opener in [
            "(",
            "[",
            "{",
            "f(",
            "sort(",
            "fold(a = ",
            "[x for x in ",
            "Entry { a: ",
            "if a then ",
            "not ",
            "-",
        ] {
            let src = format!("module t\nrule x: int = {}", opener.repeat(depth));
            survives(&src);
        }
    }
}
