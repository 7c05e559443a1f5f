//! Syntax: the pest grammar (`grammar/cba.pest`) and its lowering to a spanned AST.
//! No pest type leaves this module.

pub mod ast;
pub mod comments;
pub mod normalize;
pub mod parser;
pub mod span;

/// Gives every rule, exception, table and calendar without a citation of its own
/// the module's `source "…"` default, as if written on the item: what the checker,
/// the lints and `cba diff` see (the formatter keeps the file as written).
pub fn apply_module_source(m: &mut ast::Module) {
    let Some(source) = m.source.clone() else {
        return;
    };
    let default = || ast::Citation {
        article: None,
        section: None,
        sub: None,
        sidebar: false,
        source: Some(source.clone()),
        quote: None,
        span: source.span,
    };
    for item in &mut m.items {
        let slot = match item {
            ast::Item::Rule(r) => &mut r.citation,
            ast::Item::Table(t) => &mut t.citation,
            ast::Item::Exception(x) => &mut x.citation,
            ast::Item::Calendar(c) => &mut c.citation,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(default());
        }
    }
}
pub use parser::{is_incomplete, is_incomplete_value, parse_expr, parse_module};
