//! The built-in program is checked when the binary is built and embedded (see
//! `src/builtin.rs`): it must equal the program checked now from the same
//! sources, in every part, so that no answer, message, hover or page can drift.

mod program;

use std::collections::HashMap;
use std::fmt::Debug;

use cba::api::{Engine, TestOptions};
use cba::eval::Case;
use cba::ir::{Program, RuleId};

/// The embedded program and the one checked now.
fn both() -> (Program, Program) {
    assert!(
        cba::builtin::is_embedded(),
        "the binary does not hold the checked built-in program: the built-in rules have a diagnostic (`cargo run -- check`)"
    );
    let embedded = cba::builtin::embedded().expect("the embedded program reads back");
    let (now, diags) = cba::builtin::check_now();
    assert!(diags.is_empty(), "the built-in rules have diagnostics: {diags:?}");
    let now = now.unwrap_or_else(|_| panic!("the built-in rules do not check"));
    (embedded, now)
}

/// A map's entries as text, sorted (a map's order differs between two maps).
fn sorted<K: Debug, V: Debug>(m: &HashMap<K, V>) -> Vec<String> {
    let mut v: Vec<String> = m.iter().map(|e| format!("{e:?}")).collect();
    v.sort();
    v
}

fn dbg<T: Debug>(x: &T) -> String {
    format!("{x:?}")
}

/// Every part of a program as text, by name. The destructuring names every
/// field: a field added to `Program` does not compile here until it is compared.
fn parts(p: &Program) -> Vec<(&'static str, String)> {
    let Program {
        sources,
        symbols,
        uses,
        modules,
        facts,
        rules,
        tables,
        enums,
        records,
        tests,
        cases,
        calendar,
        fact_tree,
        rule_index,
        workdays: _, // built on first use, from the calendar rules
        compiled: _, // built on first evaluation, from the rules
        closures_fact,
        as_of_fact,
    } = p;
    let files: Vec<(&str, &str)> = sources
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.text.as_str()))
        .collect();
    let cba::ir::Symbols {
        module_index,
        module_items,
        imports,
        prelude,
        fact_index,
        fact_groups,
    } = symbols;
    vec![
        ("sources", dbg(&files)),
        ("symbols.module_index", dbg(&sorted(module_index))),
        (
            "symbols.module_items",
            dbg(&module_items.iter().map(sorted).collect::<Vec<_>>()),
        ),
        ("symbols.imports", dbg(&imports.iter().map(sorted).collect::<Vec<_>>())),
        ("symbols.prelude", dbg(&sorted(prelude))),
        ("symbols.fact_index", dbg(&sorted(fact_index))),
        ("symbols.fact_groups", dbg(&sorted(fact_groups))),
        ("uses.uses", dbg(&uses.uses)),
        ("uses.defs", dbg(&sorted(&uses.defs))),
        ("modules", dbg(modules)),
        ("facts", dbg(facts)),
        ("rules", dbg(rules)),
        ("tables", dbg(tables)),
        ("enums", dbg(enums)),
        ("records", dbg(records)),
        ("tests", dbg(tests)),
        ("cases", dbg(cases)),
        ("calendar", dbg(calendar)),
        ("fact_tree", dbg(fact_tree)),
        ("rule_index", dbg(&sorted(rule_index))),
        ("closures_fact", dbg(closures_fact)),
        ("as_of_fact", dbg(as_of_fact)),
    ]
}

#[test]
fn the_embedded_program_is_the_program_checked_now() {
    let (embedded, now) = both();
    assert!(!embedded.rules.is_empty() && !embedded.sources.files.is_empty());
    for ((name, a), (_, b)) in parts(&embedded).into_iter().zip(parts(&now)) {
        assert!(
            a == b,
            "the embedded program's `{name}` differs from the program checked now"
        );
    }
}

#[test]
fn the_cli_loads_the_embedded_program() {
    // `load(Embedded)` and `Engine::load(Builtin)`, what every command starts from.
    let (embedded, _) = both();
    let loaded = cba::load::load(&cba::load::Contracts::Embedded).expect("loads");
    assert!(loaded.diags.is_empty());
    let cli = loaded
        .program
        .unwrap_or_else(|_| panic!("the built-in rules do not check"));
    assert_eq!(dbg(&cli.rules), dbg(&embedded.rules));
    let engine = Engine::load(&cba::api::Source::Builtin).expect("loads");
    assert_eq!(dbg(&engine.program().rules), dbg(&embedded.rules));
}

#[test]
fn the_same_tests_pass_with_the_same_coverage() {
    let (embedded, now) = both();
    let mut case_files = Vec::new();
    cba::api::case_files_in(std::path::Path::new("tests/cases"), &mut case_files);
    assert!(!case_files.is_empty(), "no case files under tests/cases");
    let opts = TestOptions {
        case_files,
        coverage: true,
        ..TestOptions::default()
    };
    let run = |p: Program| {
        let engine = Engine::new(p);
        let rep = engine.run_tests(&opts);
        let coverage = cba::cli::test::coverage_text(engine.program(), rep.coverage.as_ref().expect("coverage"));
        (
            serde_json::to_string(&rep).expect("json"),
            coverage,
            rep.passed,
            rep.failed,
        )
    };
    let a = run(embedded);
    let b = run(now);
    assert!(a.2 > 700 && a.3 == 0, "{} passed, {} failed", a.2, a.3);
    assert!(
        a == b,
        "the tests of the embedded program and of the program checked now differ"
    );
}

#[test]
fn every_query_answers_the_same_on_every_example() {
    let (embedded, now) = both();
    let queries: Vec<RuleId> = (0..embedded.rules.len())
        .map(RuleId::from_index)
        .filter(|&r| embedded.rules[r].params.is_none())
        .collect();
    assert!(queries.len() > 100, "only {} queries", queries.len());
    let answers = |p: &Program, file: &std::path::Path| -> Vec<String> {
        let mut case: Case = program::case_from_file(p, file);
        queries
            .iter()
            .map(|&r| match case.rule(r) {
                Ok(v) => format!("{v:?}"),
                Err(e) => format!("error: {}", e.message(p)),
            })
            .collect()
    };
    for file in program::example_files() {
        assert!(
            answers(&embedded, &file) == answers(&now, &file),
            "the answers differ on {}",
            file.display()
        );
    }
}

#[test]
fn the_generated_reference_is_the_same() {
    let (embedded, now) = both();
    assert_eq!(cba::doc::queries_markdown(&embedded), cba::doc::queries_markdown(&now));
    assert_eq!(
        cba::doc::readings_markdown(&embedded),
        cba::doc::readings_markdown(&now)
    );
    assert_eq!(
        cba::doc::queries_json(&embedded).to_string(),
        cba::doc::queries_json(&now).to_string()
    );
}

#[test]
fn the_lints_found_at_build_time_are_the_lints_found_now() {
    // `cba check` skips the lints of the built-in Agreement when they found
    // nothing at build time.
    let (_, now) = both();
    let outline = cba::lint::outline_for(&cba::load::Contracts::Embedded).expect("the outline reads");
    let lints = cba::lint::lint(&now, outline.as_ref());
    assert_eq!(cba::builtin::LINTS_CLEAN, lints.is_empty(), "{lints:?}");
    // CI denies warnings: the Agreement is lint-clean, so `cba check` does not parse.
    assert!(lints.is_empty(), "{lints:?}");
}
