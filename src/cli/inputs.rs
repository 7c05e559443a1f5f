//! `cba inputs QUERY… [--facts FILE]`: the facts the queries can read, with
//! their types, defaults and the rule that first reads each; with a case, which
//! were read and which the case gives that these queries cannot read.

use std::path::PathBuf;

use super::{ContractsArg, Format, load_or_report};
use crate::eval::Case;
use crate::ir::{Program, RuleId};

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

/// The rules the patterns name: exact query names, or `module.*` for every
/// query (rule without parameters) of a module.
pub fn resolve(prog: &Program, patterns: &[String]) -> Result<Vec<RuleId>, String> {
    let mut out = Vec::new();
    for p in patterns {
        if let Some(m) = p.strip_suffix(".*") {
            let Some(mid) = prog.modules.iter().position(|x| x.name == m) else {
                let hint = crate::diag::did_you_mean(m, prog.modules.iter().map(|x| x.name.as_str()))
                    .map(|s| format!("; did you mean `{s}.*`?"))
                    .unwrap_or_default();
                return Err(format!("unknown module `{m}`{hint}"));
            };
            out.extend(
                prog.rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.module as usize == mid && r.params.is_none())
                    .map(|(i, _)| i as RuleId),
            );
        } else {
            out.push(prog.query(p)?);
        }
    }
    out.dedup();
    Ok(out)
}

pub fn run(args: &Args) -> i32 {
    let Some(prog) = load_or_report(&args.contracts.source()) else {
        return 1;
    };
    let queries = match resolve(&prog, &args.queries) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: {e}\nhelp: `cba repl` then `:rules` lists the queries");
            return 2;
        }
    };
    let mut case = Case::new(&prog);
    if let Some(f) = &args.facts
        && !super::eval::read_facts(&mut case, f)
    {
        return 1;
    }
    let lineage = crate::flip::lineage(&prog, &queries, args.facts.as_ref().map(|_| &case));
    match args.format {
        Format::Json => println!("{}", lineage.to_json()),
        Format::Text => print!("{}", lineage.to_text()),
    }
    0
}
