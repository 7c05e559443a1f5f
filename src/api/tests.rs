//! Running the program's tests: its inline `test` blocks and case files
//! (`tests/cases/*.json`, `*.toml`), with coverage on request.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Engine;
use crate::eval::{Case, Slot};
use crate::explain::coverage::{self, Coverage, Report};
use crate::facts::cases::{CaseExpect, TestCase};
use crate::ir::{Program, RuleId, TestInfo};
use crate::values::value::Value;

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Case files (`.json`, `.toml`) to run beside the inline tests.
    pub case_files: Vec<PathBuf>,
    /// Run only tests whose name, module or file contains this text.
    pub filter: Option<String>,
    /// Record which rules and `when` branches the tests exercise.
    pub coverage: bool,
    /// Include the standard library in the coverage report.
    pub stdlib: bool,
}

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    Failed,
    Skipped,
}

/// One test: an inline test block, a case of a case file, or a case file that
/// could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestOutcome {
    /// `module: name (file:line:col)` or `file: name (where)`.
    pub name: String,
    pub status: TestStatus,
    /// Each failed expectation: expected, actual, and the explanation of the
    /// actual answer.
    pub failures: Vec<String>,
}

/// Every outcome, in the order run, with the counts and the coverage.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    pub outcomes: Vec<TestOutcome>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// The share of `when` branches the tests took (with coverage), percent.
    pub branch_percent: Option<f64>,
    /// Coverage by module, and what was missed (with coverage).
    #[serde(skip)]
    pub coverage: Option<Report>,
}

impl TestReport {
    fn record(&mut self, name: String, failures: Vec<String>) {
        let status = if failures.is_empty() {
            self.passed += 1;
            TestStatus::Passed
        } else {
            self.failed += 1;
            TestStatus::Failed
        };
        self.outcomes.push(TestOutcome { name, status, failures });
    }
}

pub(crate) fn location(prog: &Program, span: crate::syntax::span::Span) -> String {
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
    expects: impl Iterator<Item = (RuleId, Option<&'a Value>, String)>,
) -> Vec<String> {
    let prog = case.prog;
    let mut failures = Vec::new();
    for (rule_id, want, at) in expects {
        let rule = &prog.rules[rule_id];
        let text = |v: &Value| crate::eval::format::text(prog, v, &rule.ty);
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

/// Runs one test block, with the coverage so far if it is measured (returned
/// after): the test's name and its failures.
pub fn run_test_traced(
    prog: &Program,
    t: &TestInfo,
    trace: Option<Box<Coverage>>,
) -> (String, Vec<String>, Option<Box<Coverage>>) {
    let mut case = Case::new(prog);
    for (fact, v, _) in &t.givens {
        case.set_slot(*fact, Slot::Value(v.clone()));
        case.provided[fact.index()] = true;
    }
    case.reset_memo();
    if let Some(c) = trace {
        case.observe(c);
    }
    let failures = check_expects(
        &mut case,
        t.expects
            .iter()
            .map(|x| (x.rule, x.value.as_ref(), location(prog, x.span))),
    );
    let module = &prog.modules[t.module].name;
    let name = format!("{module}: {} ({})", t.name, location(prog, t.span));
    (name, failures, case.take_observer::<Coverage>())
}

/// Runs one test block.
pub fn run_test(prog: &Program, t: &TestInfo) -> TestOutcome {
    let (name, failures, _) = run_test_traced(prog, t, None);
    let status = if failures.is_empty() {
        TestStatus::Passed
    } else {
        TestStatus::Failed
    };
    TestOutcome { name, status, failures }
}

/// Runs one case of a case file.
fn run_case(
    prog: &Program,
    file: &str,
    text: &str,
    c: &TestCase,
    trace: Option<Box<Coverage>>,
) -> (String, Vec<String>, Option<Box<Coverage>>) {
    let name = format!("{}: {} ({})", file, c.name, c.at);
    if !c.problems.is_empty() {
        return (name, c.problems.clone(), trace);
    }
    let mut case = Case::new(prog);
    if let Some(facts) = &c.facts {
        let origin = crate::facts::load::Origin { name: file, text };
        if let Err(e) = crate::facts::load::fill_case(&mut case, facts, &origin) {
            return (name, vec![e], trace);
        }
    }
    if let Some(c) = trace {
        case.observe(c);
    }
    let failures = check_expects(
        &mut case,
        c.expects
            .iter()
            .map(|x: &CaseExpect| (x.rule, x.value.as_ref(), x.at.clone())),
    );
    (name, failures, case.take_observer::<Coverage>())
}

/// Every `.json` and `.toml` file under `dir`, sorted (none when it cannot be read).
pub fn case_files_in(dir: &Path, out: &mut Vec<PathBuf>) {
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

impl Engine {
    /// Runs the inline tests and the case files, in order.
    pub fn run_tests(&self, opts: &TestOptions) -> TestReport {
        let prog = self.program();
        let mut cov = opts.coverage.then(|| Box::new(Coverage::new(prog)));
        let keep = |text: &str| opts.filter.as_ref().is_none_or(|f| text.contains(f.as_str()));
        let mut rep = TestReport {
            outcomes: Vec::new(),
            passed: 0,
            failed: 0,
            skipped: 0,
            branch_percent: None,
            coverage: None,
        };
        for t in &prog.tests {
            let m = &prog.modules[t.module];
            if !keep(&t.name) && !keep(&m.name) {
                continue;
            }
            let (name, failures, back) = run_test_traced(prog, t, cov.take());
            cov = back;
            rep.record(name, failures);
        }
        for path in &opts.case_files {
            let file = path.display().to_string();
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    let why = format!("cannot read `{file}`: {e}");
                    rep.record(file, vec![why]);
                    continue;
                }
            };
            let is_toml = path.extension().is_some_and(|e| e == "toml");
            let cases = match crate::facts::cases::read(prog, &file, &text, is_toml) {
                Ok(c) => c,
                Err(e) => {
                    rep.record(file, vec![e]);
                    continue;
                }
            };
            for c in &cases {
                if !keep(&c.name) && !keep(&file) {
                    continue;
                }
                if c.skip.is_some() {
                    rep.skipped += 1;
                    rep.outcomes.push(TestOutcome {
                        name: format!("{}: {} ({})", file, c.name, c.at),
                        status: TestStatus::Skipped,
                        failures: Vec::new(),
                    });
                    continue;
                }
                let (name, failures, back) = run_case(prog, &file, &text, c, cov.take());
                cov = back;
                rep.record(name, failures);
            }
        }
        if let Some(cov) = &cov {
            let c = coverage::report(prog, cov, |m| opts.stdlib || !prog.modules[m].is_stdlib);
            rep.branch_percent = Some(c.total.branch_percent());
            rep.coverage = Some(c);
        }
        rep
    }
}
