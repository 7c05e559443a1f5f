//! `cba test [PATHS…]`: arguments and rendering over [`crate::api::Engine::run_tests`],
//! which runs the inline `test` blocks of the standard library and
//! the contracts, and the case files (`tests/cases/*.json`, `*.toml`); report
//! failures with the explanation of the actual value, and, with `--coverage`,
//! the rules and `when` branches no test exercised.

use std::path::{Path, PathBuf};

use super::ContractsArg;
use crate::api::{Source, TestOptions, TestStatus, case_files_in};
use crate::explain::coverage::{self, Report};
use crate::ir::Program;

/// Where case files are looked for when no path names any.
pub const CASES_DIR: &str = "tests/cases";

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// Rule files or directories whose tests to run, and case files (`.json`, `.toml`)
    /// (default: the built-in Agreement and the case files under `tests/cases/`)
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub contracts: ContractsArg,
    /// Run only tests whose name, module or file contains this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Report which rules and `when` branches no test exercised
    #[arg(long)]
    pub coverage: bool,
    /// Fail when the tests take less than this share of the `when` branches (implies --coverage)
    #[arg(long, value_name = "PERCENT")]
    pub fail_under: Option<f64>,
    /// Include the standard library in the coverage report
    #[arg(long)]
    pub stdlib: bool,
}

fn location(prog: &Program, span: crate::syntax::span::Span) -> String {
    let (line, col) = prog.sources.line_col(span.file, span.start);
    format!("{}:{line}:{col}", prog.sources.get(span.file).name)
}

/// Case files among the paths; the rest are rule files and directories.
fn split_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let is_case = |p: &Path| p.is_file() && p.extension().is_some_and(|e| e == "json" || e == "toml");
    paths.iter().cloned().partition(|p| !is_case(p))
}

pub fn run(args: &Args) -> i32 {
    let (rule_paths, mut case_files) = split_paths(&args.paths);
    let source = if rule_paths.is_empty() {
        args.contracts.api_source()
    } else {
        Source::Files(rule_paths.clone())
    };
    if args.paths.is_empty() && args.contracts.contracts.is_none() {
        case_files_in(Path::new(CASES_DIR), &mut case_files);
    }
    let engine = match super::load_engine(&source) {
        Ok(e) => e,
        Err(exit) => return exit.code(),
    };
    let prog = engine.program();
    let report = engine.run_tests(&TestOptions {
        case_files,
        filter: args.filter.clone(),
        coverage: args.coverage || args.fail_under.is_some(),
        stdlib: args.stdlib,
    });
    // A filter that matches nothing is a misspelt name, as an unknown module
    // is elsewhere: exit 2 with the nearest module.
    if let Some(f) = &args.filter
        && report.outcomes.is_empty()
    {
        let modules = prog.modules.iter().map(|m| m.name.as_str());
        let help = match crate::diag::did_you_mean(f, modules) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "`--filter` keeps the tests whose name, module or file contains the text".to_string(),
        };
        eprintln!("{:?}", miette::miette!(help = help, "no test matches `{f}`"));
        return super::Exit::CouldNotRun.code();
    }
    for o in report.outcomes.iter().filter(|o| o.status == TestStatus::Failed) {
        println!("FAIL {}", o.name);
        for f in &o.failures {
            println!("  {f}");
        }
    }
    let mut below = false;
    if let Some(rep) = &report.coverage {
        print!("{}", coverage_text(prog, rep));
        if let Some(min) = args.fail_under {
            let got = rep.total.branch_percent();
            if got + 1e-9 < min {
                below = true;
                println!("branch coverage {got:.1}% is under the required {min}%");
            }
        }
    }
    let skipped = if report.skipped > 0 {
        format!(", {} skipped", report.skipped)
    } else {
        String::new()
    };
    println!("{} passed, {} failed{skipped}", report.passed, report.failed);
    super::Exit::problems_if(report.failed > 0 || below).code()
}

/// The coverage report: a table per module and in total, then what was missed.
pub fn coverage_text(prog: &Program, rep: &Report) -> String {
    let width = rep
        .modules
        .iter()
        .map(|(m, _)| prog.modules[m.index()].name.len())
        .max()
        .unwrap_or(0)
        .max("module".len());
    let mut out = format!("coverage: {:width$}  {:<16}  branches\n", "module", "rules");
    let row = |name: &str, c: &coverage::Counts| {
        format!(
            "          {name:width$}  {:<7} {:>7.1}%  {:<7} {:>7.1}%\n",
            format!("{}/{}", c.rules_hit, c.rules),
            c.rule_percent(),
            format!("{}/{}", c.branches_hit, c.branches),
            c.branch_percent()
        )
    };
    for (m, c) in &rep.modules {
        out.push_str(&row(&prog.modules[m.index()].name, c));
    }
    out.push_str(&row("total", &rep.total));
    if !rep.rules_missed.is_empty() {
        out.push_str("rules no test evaluated:\n");
        for r in &rep.rules_missed {
            let info = &prog.rules[r.index()];
            out.push_str(&format!("  {}  {}\n", location(prog, info.name_span), info.qualified));
        }
    }
    let branches: Vec<_> = rep
        .branches_missed
        .iter()
        .filter(|b| !rep.rules_missed.contains(&b.rule))
        .collect();
    if !branches.is_empty() {
        out.push_str("branches no test took:\n");
        for b in branches {
            let info = &prog.rules[b.rule];
            let what = match b.cond {
                Some(c) => format!("when {}", crate::explain::text::excerpt(prog, c)),
                None => format!("otherwise => {}", crate::explain::text::excerpt(prog, b.value)),
            };
            let at = location(prog, b.cond.unwrap_or(b.value));
            out.push_str(&format!("  {at}  {}: {what}\n", info.qualified));
        }
    }
    out
}
