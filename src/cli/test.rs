//! `cba test [PATHS…]`: run the inline `test` blocks of the contracts.

use std::path::PathBuf;

use super::ContractsArg;
use crate::eval::{Case, Slot};
use crate::ir::{Program, TestInfo};
use crate::load::Contracts;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// Files or directories whose tests to run (default: the built-in Agreement)
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub contracts: ContractsArg,
    /// Run only tests whose name or module contains this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Include the standard library's own tests
    #[arg(long)]
    pub stdlib: bool,
}

/// The outcome of one test.
pub struct Outcome {
    pub name: String,
    pub failures: Vec<String>,
}

/// Runs one test block: sets its facts on a fresh case and checks each `expect`.
pub fn run_test(prog: &Program, t: &TestInfo) -> Outcome {
    let mut case = Case::new(prog);
    for (fact, v, _) in &t.givens {
        case.facts[*fact as usize] = Slot::Value(v.clone());
    }
    case.reset_memo();
    let mut failures = Vec::new();
    for x in &t.expects {
        let rule = &prog.rules[x.rule as usize];
        let (line, col) = prog.sources.line_col(x.span.file, x.span.start);
        let at = format!("{}:{line}:{col}", prog.sources.get(x.span.file).name);
        let got = case.rule(x.rule);
        match (&x.value, got) {
            (Some(want), Ok(v)) if *want == v => {}
            (Some(want), Ok(v)) => failures.push(format!(
                "{at}: `{}`\n      expected {}\n      actual   {}",
                rule.qualified,
                crate::eval::format::text(prog, want, &rule.ty),
                crate::eval::format::text(prog, &v, &rule.ty)
            )),
            (Some(want), Err(e)) => failures.push(format!(
                "{at}: `{}`\n      expected {}\n      actual   error: {}",
                rule.qualified,
                crate::eval::format::text(prog, want, &rule.ty),
                e.message(prog)
            )),
            (None, Ok(v)) => failures.push(format!(
                "{at}: `{}`\n      expected an error\n      actual   {}",
                rule.qualified,
                crate::eval::format::text(prog, &v, &rule.ty)
            )),
            (None, Err(_)) => {}
        }
    }
    let module = &prog.modules[t.module as usize].name;
    Outcome {
        name: format!("{module}: {}", t.name),
        failures,
    }
}

pub fn run(args: &Args) -> i32 {
    let source = if args.paths.is_empty() {
        args.contracts.source()
    } else {
        Contracts::Paths(args.paths.clone())
    };
    let Some(prog) = super::load_or_report(&source) else {
        return 1;
    };
    let (mut passed, mut failed) = (0, 0);
    for t in &prog.tests {
        let m = &prog.modules[t.module as usize];
        if m.is_stdlib && !args.stdlib {
            continue;
        }
        if let Some(f) = &args.filter
            && !t.name.contains(f.as_str())
            && !m.name.contains(f.as_str())
        {
            continue;
        }
        let o = run_test(&prog, t);
        if o.failures.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            println!("FAIL {}", o.name);
            for f in &o.failures {
                println!("  {f}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    i32::from(failed > 0)
}
