//! `cba inputs QUERY… [--facts FILE]`: the facts the queries can read, with
//! their types, defaults and the rule that first reads each; with a case, which
//! were read and which the case gives that these queries cannot read.

use std::path::PathBuf;

use super::{ContractsArg, Exit, Format, load_engine};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// Queries, like `grievance.step2_timely`, or `grievance.*` for every query of a module
    #[arg(value_name = "QUERY", required = true)]
    pub queries: Vec<String>,
    /// A case's facts (JSON or TOML, `-` for standard input): also show which facts
    /// answering the queries read, and which facts it gives that they cannot read
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub contracts: ContractsArg,
}

pub fn run(args: &Args) -> i32 {
    let engine = match load_engine(&args.contracts.api_source()) {
        Ok(e) => e,
        Err(exit) => return exit.code(),
    };
    let queries = match engine.select_static(&args.queries) {
        Ok(q) => q,
        Err(e) => return super::unknown_name(&e).code(),
    };
    let facts = match &args.facts {
        Some(f) => match super::eval::read_facts(&engine, f, false) {
            Some(facts) => Some(facts),
            None => return Exit::Problems.code(),
        },
        None => None,
    };
    let ids: Vec<_> = queries.iter().map(|q| q.id).collect();
    let lineage = engine.inputs(&ids, facts.as_ref());
    match args.format {
        Format::Json => println!("{}", lineage.to_json()),
        Format::Text => print!("{}", lineage.to_text()),
    }
    Exit::Ok.code()
}
