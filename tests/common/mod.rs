//! Helpers shared by the parser's integration tests.
#![allow(dead_code)]

pub mod build;

use cba::diag::Diagnostic;
use cba::syntax::ast::{Expr, Module};
use cba::syntax::span::FileId;
use cba::syntax::{parse_expr, parse_module};

pub const LANGUAGE_MD: &str = include_str!("../../docs/language.md");

const ITEM_WORDS: &[&str] = &[
    "module",
    "facts",
    "enum",
    "record",
    "rule",
    "fn",
    "exception",
    "table",
    "test",
    "calendar",
];

/// The fenced blocks of the language reference that are modules or items, as
/// complete modules (`module t` added when the block has no header). Blocks with
/// placeholders (`rule NAME: TYPE …`) are left out.
pub fn reference_examples() -> Vec<String> {
    let mut out = Vec::new();
    let mut parts = LANGUAGE_MD.split("```");
    parts.next();
    while let Some(block) = parts.next() {
        parts.next(); // the prose after the block
        let block = block
            .trim_start_matches(|c: char| c.is_alphanumeric())
            .trim_start_matches('\n');
        let first = block
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .unwrap_or("");
        let word = first.split_whitespace().next().unwrap_or("");
        if !ITEM_WORDS.contains(&word) || block.contains("NAME: TYPE") {
            continue;
        }
        if word == "module" {
            out.push(block.to_string());
        } else {
            out.push(format!("module t\n{block}"));
        }
    }
    out
}

pub fn module(src: &str) -> Module {
    let (m, diags) = parse_module(src, FileId(0));
    assert!(diags.is_empty(), "diagnostics for\n{src}\n{diags:#?}");
    m.expect("a module")
}

pub fn module_errors(src: &str) -> Vec<Diagnostic> {
    parse_module(src, FileId(0)).1
}

pub fn expr(src: &str) -> Expr {
    match parse_expr(src, FileId(0)) {
        Ok(e) => e,
        Err(d) => panic!("{src}: {d:#?}"),
    }
}

pub fn expr_errors(src: &str) -> Vec<Diagnostic> {
    match parse_expr(src, FileId(0)) {
        Ok(e) => panic!("{src} parsed as {e:?}"),
        Err(d) => d,
    }
}
