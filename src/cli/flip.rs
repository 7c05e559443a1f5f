//! `cba eval --flip`: prints the counterfactuals of each answer (the search is
//! the library's, [`crate::flip`]).

use super::Format;
use crate::eval::Case;
use crate::flip::{self, Options, report};
use crate::ir::RuleId;

/// Prints the flips of each query's answer; returns the exit code (1 when an
/// answer failed, as `cba eval` does).
pub fn print(case: &Case, queries: &[RuleId], format: Format, opts: Options, failed: bool) -> i32 {
    let reports: Vec<_> = queries.iter().map(|&q| flip::flips(case, q, opts)).collect();
    match format {
        Format::Json => println!("{}", report::to_json(&reports)),
        Format::Text => print!("{}", report::to_text(&reports)),
    }
    i32::from(failed)
}
