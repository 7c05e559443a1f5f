//! The built-in Agreement: it checks cleanly, its inline tests pass, every query
//! of the interface spec exists, and every worked fact file answers.

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

/// Every query named in `../shared/spec/agreement-interface.md` is a rule.
#[test]
fn interface_queries_exist() {
    let Ok(spec) = std::fs::read_to_string("../shared/spec/agreement-interface.md") else {
        eprintln!("interface spec not found beside the repository; skipped");
        return;
    };
    let prog = program::program();
    let mut missing = Vec::new();
    let mut count = 0;
    for line in spec.lines() {
        let Some(rest) = line.strip_prefix("| `") else { continue };
        let Some((name, _)) = rest.split_once('`') else {
            continue;
        };
        if !name.contains('.') || name.contains(' ') || prog.facts.iter().any(|f| f.path == name) {
            continue;
        }
        count += 1;
        match prog.rule_index.get(name) {
            Some(&r) if prog.rules[r as usize].params.is_none() => {}
            _ => missing.push(name.to_string()),
        }
    }
    assert!(count > 100, "read only {count} queries from the spec");
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
        let queries = cba::batch::queries::DefaultQueries::new(&prog).for_case(&case);
        assert!(!queries.is_empty(), "{name} answers nothing");
        for q in queries {
            if let Err(e) = case.rule(q) {
                assert!(
                    matches!(e.kind, cba::eval::ErrorKind::MissingFact(_)),
                    "{name}: {} failed: {}",
                    prog.rules[q as usize].qualified,
                    e.message(&prog)
                );
            }
        }
    }
}
