//! The library API every front end uses (`cba::api`): loading, facts,
//! selection, evaluation, documentation, tests and diffs, and that the CLI
//! prints exactly what it returns.

use std::path::PathBuf;
use std::sync::OnceLock;

use assert_cmd::Command;
use cba::api::{
    AnswerErrorKind, DiffCases, Engine, ExplainMode, FactFormat, SelectErrorKind, Source, TestOptions, TestStatus,
};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::load(&Source::Builtin).expect("the built-in Agreement loads"))
}

fn cba(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("cba")
        .expect("binary builds")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const GRIEVANCE: &str = "examples/facts/grievance.json";

fn grievance_facts() -> cba::api::Facts {
    let text = std::fs::read_to_string(GRIEVANCE).expect("the grievance example is in the repository");
    engine()
        .facts_from_text(GRIEVANCE, &text, FactFormat::Json)
        .expect("the grievance example reads")
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

#[test]
fn engine_is_send_sync_clone_and_program_too() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    fn send_sync<T: Send + Sync>() {}
    shareable::<Engine>();
    send_sync::<cba::ir::Program>();
    send_sync::<cba::api::Facts>();
    send_sync::<cba::api::Evaluation>();
}

#[test]
fn loads_the_builtin_agreement() {
    let e = engine();
    let prog = e.program();
    assert!(prog.modules.iter().filter(|m| !m.is_stdlib).count() >= 20);
    assert!(prog.rule_index.contains_key("grievance.step2_deadline"));
}

#[test]
fn a_missing_directory_is_a_read_error() {
    let err = Engine::load(&Source::Dir(PathBuf::from("no/such/dir"))).expect_err("does not load");
    assert_eq!(err.to_string(), "`no/such/dir` is not a directory");
}

#[test]
fn rules_that_do_not_check_give_their_diagnostics() {
    let err = Engine::load(&Source::Files(vec![PathBuf::from("tests/check/unknown-fact.cba")])).expect_err("errors");
    let text = err.render_text();
    assert!(text.contains("error"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&err.render_json()).expect("JSON");
    assert!(json.as_array().is_some_and(|a| !a.is_empty()), "{json}");
}

#[test]
fn select_names_the_nearest_module_and_query() {
    let facts = grievance_facts();
    let e = engine()
        .select(&strings(&["grievence.*"]), &facts)
        .expect_err("unknown module");
    assert_eq!(e.kind, SelectErrorKind::UnknownModule);
    assert_eq!(e.suggestion.as_deref(), Some("grievance.*"));
    assert!(e.message.contains("did you mean `grievance.*`?"), "{}", e.message);

    let e = engine()
        .select(&strings(&["grievance.step2_dedline"]), &facts)
        .expect_err("unknown query");
    assert_eq!(e.kind, SelectErrorKind::UnknownQuery);
    assert_eq!(e.suggestion.as_deref(), Some("grievance.step2_deadline"));
    assert_eq!(
        e.message,
        "unknown query `grievance.step2_dedline`; did you mean `grievance.step2_deadline`?"
    );
}

#[test]
fn select_patterns_exact_names_and_what_the_facts_allow() {
    let facts = grievance_facts();
    let all = engine().select(&[], &facts).expect("selects");
    assert!(all.iter().any(|q| q.name == "grievance.step2_deadline"));
    assert!(all.iter().all(|q| q.implicit));
    let module = engine().select(&strings(&["grievance.*"]), &facts).expect("selects");
    assert!(!module.is_empty() && module.iter().all(|q| q.name.starts_with("grievance.")));
    assert!(module.len() < all.len());
    let exact = engine()
        .select(&strings(&["pay.hourly_rate", "grievance.step2_deadline"]), &facts)
        .expect("selects");
    let names: Vec<&str> = exact.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["pay.hourly_rate", "grievance.step2_deadline"]);
    assert!(exact.iter().all(|q| !q.implicit));
    // Without facts, `module.*` is every rule of the module (what `cba batch` asks).
    let every = engine().select_static(&strings(&["grievance.*"])).expect("selects");
    assert!(every.len() > module.len());
}

#[test]
fn the_cli_reports_an_unknown_module_with_did_you_mean() {
    let (code, out, err) = cba(&["eval", "--facts", GRIEVANCE, "--query", "grievence.*"]);
    assert_eq!(code, 2, "{out}{err}"); // could not run (docs/cli.md)
    assert_eq!(out, "");
    assert!(err.contains("unknown module `grievence` in `grievence.*`"), "{err}");
    assert!(err.contains("did you mean `grievance.*`?"), "{err}");
    let (code, out, err) = cba(&[
        "eval",
        "--facts",
        GRIEVANCE,
        "--query",
        "zzzzzzzzzzzz.*",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{out}{err}"); // could not run (docs/cli.md)
    assert_eq!(out, "");
    assert!(err.contains("unknown module `zzzzzzzzzzzz`"), "{err}");
}

#[test]
fn evaluation_is_what_the_cli_prints() {
    let facts = grievance_facts();
    for (flags, mode) in [
        (&[][..], ExplainMode::Off),
        (&["--explain"][..], ExplainMode::On),
        (&["--why-not"][..], ExplainMode::WhyNot),
    ] {
        let queries = engine().select(&[], &facts).expect("selects");
        let ev = engine().evaluate(&facts, &queries, mode);
        assert!(!ev.failed());
        let mut args = vec!["eval", "--facts", GRIEVANCE, "--format", "json"];
        args.extend_from_slice(flags);
        let (code, out, err) = cba(&args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, format!("{}\n", ev.to_json()), "{flags:?}");
        let mut args = vec!["eval", "--facts", GRIEVANCE];
        args.extend_from_slice(flags);
        let (_, out, _) = cba(&args);
        assert_eq!(out, ev.to_text(), "{flags:?}");
    }
}

#[test]
fn answers_are_typed_and_serialize() {
    let facts = grievance_facts();
    let queries = engine()
        .select(&strings(&["grievance.step2_deadline"]), &facts)
        .expect("selects");
    let ev = engine().evaluate(&facts, &queries, ExplainMode::On);
    let a = &ev.answers[0];
    assert_eq!(a.value_text().as_deref(), Some("2025-01-13"));
    let json = serde_json::to_value(a).expect("serializes");
    assert_eq!(json["query"], "grievance.step2_deadline");
    assert_eq!(json["type"], "date");
    assert_eq!(json["value"], "2025-01-13");
    assert_eq!(json["explanation"]["citation"], "Art. 10 §6.A");

    // A missing fact is a typed error naming the fact.
    let none = engine().empty_facts();
    let ev = engine().evaluate(&none, &queries, ExplainMode::Off);
    let err = ev.answers[0].value.as_ref().expect_err("fails");
    assert_eq!(err.kind, AnswerErrorKind::MissingFact);
    assert!(err.fact.is_some());
    assert!(ev.failed());
}

#[test]
fn facts_from_json_value_and_bad_syntax() {
    let text = std::fs::read_to_string(GRIEVANCE).expect("the grievance example is in the repository");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let facts = engine().facts_from_json(&v).expect("reads");
    let q = engine().query("grievance.step2_deadline").expect("a query");
    let ev = engine().evaluate(&facts, std::slice::from_ref(&q), ExplainMode::Off);
    assert_eq!(ev.answers[0].value_text().as_deref(), Some("2025-01-13"));
    let from_text = engine().evaluate(&grievance_facts(), &[q], ExplainMode::Off);
    assert_eq!(ev.to_json(), from_text.to_json());

    let err = engine()
        .facts_from_text("case.json", "{\n  \"a\": }", FactFormat::Json)
        .expect_err("bad syntax");
    assert!(err.syntax);
    assert_eq!((err.line, err.column), (Some(2), Some(8)), "{err:?}");
    let err = engine()
        .facts_from_text("case.json", "[1]", FactFormat::Json)
        .expect_err("not an object");
    assert!(!err.syntax);
}

#[test]
fn eval_expr_answers_and_reports_diagnostics() {
    let facts = engine().empty_facts();
    let a = engine()
        .eval_expr(&facts, "add_workdays(2025-02-14, 35)")
        .expect("checks");
    assert_eq!(a.value_text().as_deref(), Some("2025-04-07"));
    assert_eq!(a.value_json().as_deref(), Some("\"2025-04-07\""));
    let e = engine()
        .eval_expr(&facts, "add_workdays(2025-02-14,")
        .expect_err("does not parse");
    assert!(!e.diagnostics.is_empty());
    assert!(e.render_text().contains("<expr>"));
}

#[test]
fn rule_doc_of_step2_deadline() {
    let d = engine().rule("grievance.step2_deadline").expect("a rule");
    assert_eq!(d.name, "grievance.step2_deadline");
    assert_eq!(d.module, "grievance");
    assert_eq!(d.ty, "date");
    assert!(d.params.is_none());
    let c = d.citation.as_ref().expect("cited");
    assert_eq!(c.text, "Art. 10 §6.A");
    assert!(
        c.quote
            .as_deref()
            .is_some_and(|q| q.contains("twenty-five (25) working days"))
    );
    for f in [
        "grievance.step1.answered_on",
        "grievance.step2.method",
        "grievance.step2.mailbox_unavailable",
    ] {
        assert!(d.facts_read.iter().any(|x| x == f), "{f} not in {:?}", d.facts_read);
    }
    assert!(
        d.uses.iter().any(|x| x == "grievance.receipt_extension"),
        "{:?}",
        d.uses
    );
    assert!(
        d.used_by.iter().any(|x| x == "grievance.step2_timely"),
        "{:?}",
        d.used_by
    );
    assert!(d.tests.len() >= 3, "{:?}", d.tests);
    assert!(d.location.file.ends_with("grievance.cba"));
    let json = serde_json::to_value(&d).expect("serializes");
    assert_eq!(json["citation"]["text"], "Art. 10 §6.A");

    // `rules()` says the same, and a bad name is a select error.
    let all = engine().rules();
    assert!(all.contains(&d));
    let e = engine().rule("grievance.step2_dedline").expect_err("unknown");
    assert_eq!(e.suggestion.as_deref(), Some("grievance.step2_deadline"));
}

#[test]
fn facts_schema_lists_enum_values_defaults_and_optionals() {
    let schema = engine().facts_schema();
    let method = schema
        .iter()
        .find(|f| f.path == "grievance.step2.method")
        .expect("the fact is declared");
    let values = method.enum_values.as_ref().expect("an enum");
    assert!(values.iter().any(|v| v == "mail"), "{values:?}");
    assert!(schema.iter().any(|f| f.optional));
    assert!(schema.iter().any(|f| f.default.is_some()));
    let json = serde_json::to_string(&schema).expect("serializes");
    assert!(json.contains("\"enum_values\""));
}

#[test]
fn run_tests_counts_as_cba_test_does() {
    let mut case_files = Vec::new();
    cba::api::case_files_in(std::path::Path::new("tests/cases"), &mut case_files);
    assert!(
        case_files.len() >= 20,
        "only {} case files under tests/cases/",
        case_files.len()
    );
    let report = engine().run_tests(&TestOptions {
        case_files,
        coverage: true,
        ..TestOptions::default()
    });
    assert_eq!(
        report.failed,
        0,
        "{:?}",
        report.outcomes.iter().find(|o| o.status == TestStatus::Failed)
    );
    assert!(report.passed > 400, "{}", report.passed);
    assert_eq!(report.passed + report.failed + report.skipped, report.outcomes.len());
    assert!(report.branch_percent.is_some_and(|p| p > 50.0));
    let (code, out, _) = cba(&["test"]);
    assert_eq!(code, 0);
    let skipped = if report.skipped > 0 {
        format!(", {} skipped", report.skipped)
    } else {
        String::new()
    };
    assert!(
        out.ends_with(&format!("{} passed, 0 failed{skipped}\n", report.passed)),
        "{out}"
    );

    let filtered = engine().run_tests(&TestOptions {
        filter: Some("grievance".into()),
        ..TestOptions::default()
    });
    assert!(filtered.passed > 0 && filtered.passed < report.passed);
}

#[test]
fn diff_of_the_2026_union_proposal_via_overlay() {
    let proposal_dir = PathBuf::from("examples/proposals/2026-union");
    assert!(proposal_dir.is_dir(), "the proposal is in the repository");
    let proposal = Engine::load(&Source::Overlay {
        base: Box::new(Source::Builtin),
        over: vec![proposal_dir],
    })
    .expect("the proposal loads");
    let report = cba::api::diff_labeled(
        engine(),
        &proposal,
        ("embedded", "examples/proposals/2026-union"),
        &DiffCases::InlineTests,
    )
    .expect("compares");
    assert!(report.has_changes());
    assert!(!report.result.changes.is_empty());
    let (code, out, _) = cba(&[
        "diff",
        "embedded",
        "examples/proposals/2026-union",
        "--base",
        "embedded",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(out, format!("{}\n", report.to_json()));
    let json = serde_json::to_value(&report).expect("serializes");
    assert_eq!(json["changed"], true);

    let same = cba::api::diff(engine(), engine(), &DiffCases::InlineTests).expect("compares");
    assert!(!same.has_changes());
}

#[test]
fn one_engine_shared_across_threads() {
    let facts = grievance_facts();
    let queries = engine().select(&[], &facts).expect("selects");
    let expected = engine().evaluate(&facts, &queries, ExplainMode::Off).to_json();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let e = engine().clone();
            let (f, q) = (facts.clone(), queries.clone());
            std::thread::spawn(move || e.evaluate(&f, &q, ExplainMode::Off).to_json())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread ends"), expected);
    }
}

#[test]
fn resolve_name_is_the_repl_convenience() {
    let e = engine();
    let id = e.resolve_name("step2_deadline", Some("grievance")).expect("found");
    assert_eq!(e.program().rules[id].qualified, "grievance.step2_deadline");
    let id = e.resolve_name("grievance.step2_deadline", None).expect("found");
    assert_eq!(e.program().rules[id].qualified, "grievance.step2_deadline");
    assert!(e.resolve_name("no_such_rule_anywhere", None).is_err());
}
