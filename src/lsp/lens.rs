//! The inline tests of a file: a code lens over the module line and over each
//! `test`, and the command they run.

use lsp_types::{CodeLens, Command, Uri};

use super::RUN_TESTS;
use super::nav::module_of;
use super::text::LineIndex;
use super::workspace::Workspace;

/// What running a file's tests found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TestReport {
    pub passed: usize,
    pub failed: usize,
    /// Each failure as `cba test` prints it.
    pub failures: Vec<String>,
    /// Why the tests could not run (the file has errors).
    pub error: Option<String>,
}

impl TestReport {
    pub fn summary(&self) -> String {
        if let Some(e) = &self.error {
            return e.clone();
        }
        let mut s = format!("{} passed, {} failed", self.passed, self.failed);
        for f in &self.failures {
            s.push_str("\n\n");
            s.push_str(f);
        }
        s
    }
}

fn command(title: String, uri: &Uri, test: Option<&str>) -> Command {
    let mut arguments = vec![serde_json::json!(uri.as_str())];
    arguments.extend(test.map(|t| serde_json::json!(t)));
    Command {
        title,
        command: RUN_TESTS.into(),
        arguments: Some(arguments),
    }
}

/// A lens running all the file's tests on its `module` line, and one on each test.
pub fn code_lenses(ws: &mut Workspace, uri: &Uri) -> Vec<CodeLens> {
    let Some(doc) = ws.doc(uri) else {
        return Vec::new();
    };
    let text = doc.text.clone();
    let (module, _) = crate::syntax::parse_module(&text, crate::syntax::span::FileId(0));
    let Some(module) = module else {
        return Vec::new();
    };
    let ix = LineIndex::new(&text);
    let tests: Vec<&crate::syntax::ast::TestDecl> = module
        .items
        .iter()
        .filter_map(|i| match i {
            crate::syntax::ast::Item::Test(t) => Some(t),
            _ => None,
        })
        .collect();
    if tests.is_empty() {
        return Vec::new();
    }
    let mut out = vec![CodeLens {
        range: ix.range(module.name.span.start as usize, module.name.span.end as usize),
        command: Some(command(
            format!("▶ run the {} tests of this file", tests.len()),
            uri,
            None,
        )),
        data: None,
    }];
    for t in tests {
        out.push(CodeLens {
            range: ix.range(t.span.start as usize, t.name.span.end as usize),
            command: Some(command("▶ run test".into(), uri, Some(&t.name.node))),
            data: None,
        });
    }
    out
}

/// Runs the inline tests of a document (those named `only`, when given) on the
/// snapshot as it is now.
pub fn run_tests(ws: &mut Workspace, uri: &Uri, only: Option<&str>) -> TestReport {
    let a = ws.analysis(uri);
    let prog = a.program.clone();
    if !a.checks {
        let n = a.diags.iter().filter(|d| d.is_error()).count();
        return TestReport {
            error: Some(format!(
                "the tests cannot run: the rules have {n} error{}",
                if n == 1 { "" } else { "s" }
            )),
            ..TestReport::default()
        };
    }
    let Some(module) = a.file_of(uri).and_then(|f| module_of(&prog, f)) else {
        return TestReport {
            error: Some("this document is not a module of the workspace".into()),
            ..TestReport::default()
        };
    };
    let mut report = TestReport::default();
    for t in prog
        .tests
        .iter()
        .filter(|t| t.module == module && only.is_none_or(|o| o == t.name))
    {
        let outcome = crate::api::run_test(&prog, t);
        if outcome.status == crate::api::TestStatus::Passed {
            report.passed += 1;
        } else {
            report.failed += 1;
            report
                .failures
                .push(format!("{}\n{}", outcome.name, outcome.failures.join("\n")));
        }
    }
    report
}
