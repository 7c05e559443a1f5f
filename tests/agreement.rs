//! The built-in Agreement: it checks cleanly, its inline tests pass, every query
//! of the old interface spec (tests/data/interface-queries.txt) exists, and every worked fact file answers.

mod program;

#[test]
fn agreement_inline_tests_pass() {
    let prog = program::program();
    let mut failures = Vec::new();
    for t in &prog.tests {
        let o = cba::api::run_test(&prog, t);
        if !o.failures.is_empty() {
            failures.push(format!("{}:\n  {}", o.name, o.failures.join("\n  ")));
        }
    }
    assert!(prog.tests.len() > 400, "only {} tests", prog.tests.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The query names of the old interface spec, carried in `tests/data/interface-queries.txt`:
/// each dotted name is a rule without parameters (or a fact the spec named), each
/// `fn NAME` a function of the standard library. A missing list fails.
pub fn interface_names() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/interface-queries.txt");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Every query named by the old interface spec still exists.
#[test]
fn interface_queries_exist() {
    let prog = program::program();
    let mut missing = Vec::new();
    let mut count = 0;
    for name in interface_names() {
        count += 1;
        if let Some(f) = name.strip_prefix("fn ") {
            let found = prog
                .rules
                .iter()
                .any(|r| r.name == f && r.params.is_some() && prog.modules[r.module].is_stdlib);
            if !found {
                missing.push(name);
            }
            continue;
        }
        if prog.facts.iter().any(|f| f.path == name) {
            continue;
        }
        match prog.rule_index.get(&name) {
            Some(&r) if prog.rules[r].params.is_none() => {}
            _ => missing.push(name),
        }
    }
    assert!(
        count > 130,
        "read only {count} names from tests/data/interface-queries.txt"
    );
    assert!(missing.is_empty(), "queries missing: {missing:?}");
}

/// Each worked example answers every query it asks without an error.
#[test]
fn worked_examples_answer() {
    let prog = program::program();
    let files = program::example_files();
    assert!(files.len() >= 20);
    for path in files {
        let mut case = program::case_from_file(&prog, &path);
        let name = path.display().to_string();
        let queries = cba::api::select::DefaultQueries::new(&prog).for_case(&case);
        assert!(!queries.is_empty(), "{name} answers nothing");
        for q in queries {
            if let Err(e) = case.rule(q) {
                assert!(
                    matches!(e.kind, cba::eval::ErrorKind::MissingFact(_)),
                    "{name}: {} failed: {}",
                    prog.rules[q].qualified,
                    e.message(&prog)
                );
            }
        }
    }
}
