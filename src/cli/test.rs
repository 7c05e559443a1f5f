//! `cba test [PATHS…]`: run the inline `test` blocks of the standard library and
//! the contracts, and the case files (`tests/cases/*.json`, `*.toml`); report
//! failures with the explanation of the actual value, and, with `--coverage`,
//! the rules and `when` branches no test exercised.

use std::path::{Path, PathBuf};

use super::ContractsArg;
use crate::eval::{Case, Slot};
use crate::explain::coverage::{self, Coverage, Report};
use crate::explain::trace::Trace;
use crate::facts::cases::{CaseExpect, TestCase};
use crate::ir::{Program, RuleId, TestInfo};
use crate::load::Contracts;

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

/// The outcome of one test.
pub struct Outcome {
    pub name: String,
    pub failures: Vec<String>,
}

fn location(prog: &Program, span: crate::syntax::span::Span) -> String {
    let (line, col) = prog.sources.line_col(span.file, span.start);
    format!("{}:{line}:{col}", prog.sources.get(span.file).name)
}

/// Indents every line of `text` by `n` spaces.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

/// Checks each expectation against the case; a failure shows expected and
/// actual, and the explanation of the actual answer.
fn check_expects<'a>(
    case: &mut Case,
    expects: impl Iterator<Item = (RuleId, Option<&'a crate::eval::value::Value>, String)>,
) -> Vec<String> {
    let prog = case.prog;
    let mut failures = Vec::new();
    for (rule_id, want, at) in expects {
        let rule = &prog.rules[rule_id as usize];
        let text = |v: &crate::eval::value::Value| crate::eval::format::text(prog, v, &rule.ty);
        let got = case.rule(rule_id);
        let (expected, actual) = match (want, &got) {
            (Some(w), Ok(v)) if w == v => continue,
            (None, Err(_)) => continue,
            (Some(w), Ok(v)) => (text(w), text(v)),
            (Some(w), Err(e)) => (text(w), format!("error: {}", e.message(prog))),
            (None, Ok(v)) => ("an error".to_string(), text(v)),
        };
        let why = crate::explain::explain_rule(case, rule_id);
        let why = crate::explain::text::render(prog, &why, crate::explain::Options::default());
        failures.push(format!(
            "{at}: `{}`\n      expected {expected}\n      actual   {actual}\n    because\n{}",
            rule.qualified,
            indent(&why, 6).trim_end()
        ));
    }
    failures
}

/// Runs one test block: sets its facts on a fresh case and checks each `expect`.
pub fn run_test(prog: &Program, t: &TestInfo) -> Outcome {
    run_test_traced(prog, t, None).0
}

/// Runs one test block with an optional trace (for coverage), returned after.
pub fn run_test_traced(prog: &Program, t: &TestInfo, trace: Option<Trace>) -> (Outcome, Option<Trace>) {
    let mut case = Case::new(prog);
    for (fact, v, _) in &t.givens {
        case.facts[*fact as usize] = Slot::Value(v.clone());
        case.provided[*fact as usize] = true;
    }
    case.reset_memo();
    case.trace = trace.map(Box::new);
    let failures = check_expects(
        &mut case,
        t.expects
            .iter()
            .map(|x| (x.rule, x.value.as_ref(), location(prog, x.span))),
    );
    let module = &prog.modules[t.module as usize].name;
    let outcome = Outcome {
        name: format!("{module}: {} ({})", t.name, location(prog, t.span)),
        failures,
    };
    (outcome, case.trace.take().map(|b| *b))
}

/// Runs one case of a case file.
pub fn run_case(
    prog: &Program,
    file: &str,
    text: &str,
    c: &TestCase,
    trace: Option<Trace>,
) -> (Outcome, Option<Trace>) {
    let name = format!("{}: {} ({})", file, c.name, c.at);
    if !c.problems.is_empty() {
        return (
            Outcome {
                name,
                failures: c.problems.clone(),
            },
            trace,
        );
    }
    let mut case = Case::new(prog);
    if let Some(facts) = &c.facts {
        let origin = crate::facts::load::Origin { name: file, text };
        if let Err(e) = crate::facts::load::fill_case(&mut case, facts, &origin) {
            return (
                Outcome {
                    name,
                    failures: vec![e],
                },
                trace,
            );
        }
    }
    case.trace = trace.map(Box::new);
    let failures = check_expects(
        &mut case,
        c.expects
            .iter()
            .map(|x: &CaseExpect| (x.rule, x.value.as_ref(), x.at.clone())),
    );
    (Outcome { name, failures }, case.trace.take().map(|b| *b))
}

/// Case files among the paths; the rest are rule files and directories.
fn split_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let is_case = |p: &Path| p.is_file() && p.extension().is_some_and(|e| e == "json" || e == "toml");
    paths.iter().cloned().partition(|p| !is_case(p))
}

/// Every `.json` and `.toml` file under `dir`, sorted.
fn case_files_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            case_files_in(&p, out);
        } else if p.extension().is_some_and(|e| e == "json" || e == "toml") {
            out.push(p);
        }
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Tally {
    fn record(&mut self, o: &Outcome) {
        if o.failures.is_empty() {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("FAIL {}", o.name);
            for f in &o.failures {
                println!("  {f}");
            }
        }
    }
}

pub fn run(args: &Args) -> i32 {
    let (rule_paths, mut case_paths) = split_paths(&args.paths);
    let source = if rule_paths.is_empty() {
        args.contracts.source()
    } else {
        Contracts::Paths(rule_paths.clone())
    };
    if args.paths.is_empty() && args.contracts.contracts.is_none() {
        case_files_in(Path::new(CASES_DIR), &mut case_paths);
    }
    let Some(prog) = super::load_or_report(&source) else {
        return 1;
    };
    let want_coverage = args.coverage || args.fail_under.is_some();
    let mut cov = Coverage::new(&prog);
    let new_trace = || want_coverage.then(|| Trace::coverage(&prog));
    let keep = |text: &str| args.filter.as_ref().is_none_or(|f| text.contains(f.as_str()));
    let mut tally = Tally::default();
    for t in &prog.tests {
        let m = &prog.modules[t.module as usize];
        if !keep(&t.name) && !keep(&m.name) {
            continue;
        }
        let (o, trace) = run_test_traced(&prog, t, new_trace());
        if let Some(tr) = &trace {
            cov.add(tr);
        }
        tally.record(&o);
    }
    for path in &case_paths {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                tally.record(&Outcome {
                    name: file.clone(),
                    failures: vec![format!("cannot read `{file}`: {e}")],
                });
                continue;
            }
        };
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        let cases = match crate::facts::cases::read(&prog, &file, &text, is_toml) {
            Ok(c) => c,
            Err(e) => {
                tally.record(&Outcome {
                    name: file.clone(),
                    failures: vec![e],
                });
                continue;
            }
        };
        for c in &cases {
            if !keep(&c.name) && !keep(&file) {
                continue;
            }
            if c.skip.is_some() {
                tally.skipped += 1;
                continue;
            }
            let (o, trace) = run_case(&prog, &file, &text, c, new_trace());
            if let Some(tr) = &trace {
                cov.add(tr);
            }
            tally.record(&o);
        }
    }
    let mut below = false;
    if want_coverage {
        let rep = coverage::report(&prog, &cov, |m| args.stdlib || !prog.modules[m as usize].is_stdlib);
        print!("{}", coverage_text(&prog, &rep));
        if let Some(min) = args.fail_under {
            let got = rep.total.branch_percent();
            if got + 1e-9 < min {
                below = true;
                println!("branch coverage {got:.1}% is under the required {min}%");
            }
        }
    }
    let skipped = if tally.skipped > 0 {
        format!(", {} skipped", tally.skipped)
    } else {
        String::new()
    };
    println!("{} passed, {} failed{skipped}", tally.passed, tally.failed);
    i32::from(tally.failed > 0 || below)
}

/// The coverage report: a table per module and in total, then what was missed.
pub fn coverage_text(prog: &Program, rep: &Report) -> String {
    let width = rep
        .modules
        .iter()
        .map(|(m, _)| prog.modules[*m as usize].name.len())
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
        out.push_str(&row(&prog.modules[*m as usize].name, c));
    }
    out.push_str(&row("total", &rep.total));
    if !rep.rules_missed.is_empty() {
        out.push_str("rules no test evaluated:\n");
        for r in &rep.rules_missed {
            let info = &prog.rules[*r as usize];
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
            let info = &prog.rules[b.rule as usize];
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
