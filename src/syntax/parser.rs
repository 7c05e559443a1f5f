//! Placeholder: the parser is being written.
use super::ast::{Expr, Module};
use super::span::FileId;
use crate::diag::Diagnostic;

/// Parses one module. Returns the module (if the text could be parsed) and every
/// syntax error found.
pub fn parse_module(_src: &str, _file: FileId) -> (Option<Module>, Vec<Diagnostic>) {
    (None, Vec::new())
}

/// Parses a single expression (for `--expr` and the REPL).
pub fn parse_expr(_src: &str, _file: FileId) -> Result<Expr, Vec<Diagnostic>> {
    Err(Vec::new())
}
