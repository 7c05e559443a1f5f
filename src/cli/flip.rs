//! `cba eval --flip`: prints the counterfactuals of each answer (the search is
//! the library's: [`crate::api::Engine::flips`]).

use super::Format;
use super::eval::Args;
use crate::api::{Engine, ExplainMode, Facts, FlipOptions, Query};
use crate::flip::report;

/// Prints the flips of each query's answer; returns the exit code (1 when an
/// answer failed, as `cba eval` does).
pub fn print(engine: &Engine, facts: &Facts, queries: &[Query], args: &Args) -> i32 {
    let evaluation = engine.evaluate(facts, queries, ExplainMode::Off);
    let rules: Vec<_> = evaluation.answers.iter().filter_map(|a| a.rule).collect();
    let opts = FlipOptions {
        explain: args.explain || args.why_not,
        why_not: args.why_not,
        pairs: args.pairs,
    };
    let reports = engine.flips(facts, &rules, opts);
    match args.format {
        Format::Json => println!("{}", report::to_json(&reports)),
        Format::Text => print!("{}", report::to_text(&reports)),
    }
    i32::from(evaluation.failed())
}
