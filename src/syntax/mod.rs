//! Syntax: the pest grammar (`grammar/cba.pest`) and its lowering to a spanned AST.
//! No pest type leaves this module.

pub mod ast;
pub mod comments;
pub mod normalize;
pub mod parser;
pub mod span;

pub use parser::{is_incomplete, is_incomplete_value, parse_expr, parse_module};
