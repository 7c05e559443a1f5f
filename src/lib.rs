//! cba: a rules language and interpreter for collective bargaining agreements.
//!
//! The pipeline, one folder a stage: [`syntax`] (pest grammar → spanned AST),
//! [`check`] (name resolution and types → [`ir`]), [`eval`] (evaluation of the
//! slot-resolved IR against facts), with the CLI a thin layer in `cli/`.

pub mod api;
pub mod batch;
pub mod builtin;
pub mod check;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod doc;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod files;
pub mod flip;
pub mod fmt;
pub mod ir;
pub mod lint;
pub mod load;
pub mod lsp;
pub mod repl;
pub mod report;
pub mod source;
pub mod syntax;
pub mod types;
pub mod values;
pub mod web;
