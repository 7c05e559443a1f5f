//! What malformed input does to the real binary (issue 17): every bad input gets an
//! answer or a message naming what to fix, never a panic, never a silent drop.

use assert_cmd::Command;

fn cba() -> Command {
    Command::cargo_bin("cba").expect("binary builds")
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cba-bad-input-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = cba().args(args).write_stdin(stdin).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_huge_range_is_an_error_not_a_panic() {
    let (code, out, err) = run(
        &["eval", "--expr", "range(-9223372036854775807, 9223372036854775807)"],
        "",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("range too large"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn whole_number_overflow_is_an_error() {
    let (code, out, err) = run(&["eval", "--expr", "9223372036854775807 + 1"], "");
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("number too large"), "{err}");
}

#[test]
fn date_range_errors_name_the_fact_that_caused_them() {
    let dir = scratch("as-of");
    let facts = dir.join("f.json");
    std::fs::write(&facts, r#"{"as_of": "9999-12-31"}"#).expect("write");
    let (_, out, err) = run(&["eval", "--facts", facts.to_str().unwrap_or_default()], "");
    let errors: Vec<&str> = out.lines().chain(err.lines()).filter(|l| l.contains("error")).collect();
    assert!(!errors.is_empty(), "{out}{err}");
    for line in errors {
        assert!(line.contains("`as_of` = 9999-12-31"), "does not name the fact: {line}");
    }
}

#[test]
fn year_zero_is_not_a_date() {
    let dir = scratch("year-zero");
    let facts = dir.join("f.json");
    std::fs::write(&facts, r#"{"as_of": "0000-06-01"}"#).expect("write");
    let (code, out, err) = run(
        &[
            "eval",
            "--facts",
            facts.to_str().unwrap_or_default(),
            "--query",
            "duration.in_effect",
        ],
        "",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(format!("{out}{err}").contains("as_of"), "{out}{err}");
}

/// `"grievance": "oops"` or TOML's `[[grievance]]`: every query of the module
/// answers or errors, naming the mistyped group; none is dropped.
#[test]
fn a_mistyped_group_of_facts_fails_every_query_that_reads_it() {
    let dir = scratch("group");
    let all = run(
        &["eval", "--query", "grievance.*", "--format", "json", "--facts", "-"],
        r#"{"grievance": {}}"#,
    );
    let want = serde_json::from_str::<serde_json::Value>(&all.1).map(|v| v.as_object().map_or(0, |o| o.len()));
    for (name, text) in [
        ("g.json", r#"{"grievance": "oops"}"#),
        ("g.toml", "[[grievance]]\nstep = 1\n"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        let (code, out, err) = run(
            &[
                "eval",
                "--query",
                "grievance.*",
                "--facts",
                path.to_str().unwrap_or_default(),
            ],
            "",
        );
        assert_eq!(code, 1, "{name}: {out}{err}");
        let lines: Vec<&str> = out
            .lines()
            .chain(err.lines())
            .filter(|l| l.starts_with("grievance."))
            .collect();
        assert!(lines.len() > 10, "{name}: too few answers: {out}{err}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("`grievance` should be an object of facts")),
            "{name}: {out}{err} (all: {want:?})"
        );
    }
}

#[test]
fn a_flat_sum_of_many_terms_is_not_too_deep() {
    let sum = vec!["1"; 1000].join(" + ");
    let (code, out, err) = run(&["eval", "--expr", &sum], "");
    assert_eq!((code, out.trim()), (0, "1000"), "{err}");
    // Nesting is still bounded.
    let deep = format!("{}1{}", "(".repeat(300), ")".repeat(300));
    let (code, _, err) = run(&["eval", "--expr", &deep], "");
    assert_eq!(code, 1);
    assert!(err.contains("nesting"), "{err}");
}

#[test]
fn a_bom_is_accepted_in_json_facts_as_in_toml() {
    let dir = scratch("bom");
    for name in ["f.json", "f.toml"] {
        let path = dir.join(name);
        let text = if name.ends_with("json") {
            "\u{feff}{\"as_of\": \"2020-01-01\"}"
        } else {
            "\u{feff}as_of = 2020-01-01\n"
        };
        std::fs::write(&path, text).expect("write");
        let (code, out, err) = run(
            &[
                "eval",
                "--facts",
                path.to_str().unwrap_or_default(),
                "--query",
                "duration.in_effect",
            ],
            "",
        );
        assert_eq!((code, out.trim()), (0, "duration.in_effect  true"), "{name}: {err}");
    }
}

/// Ctrl-C in the REPL sets the evaluator's interrupt flag: a long evaluation
/// stops with "interrupted" (the REPL abandons the entry) and the session goes on.
/// In-process, so the flag is this test binary's own (no other test here evaluates).
#[test]
fn an_interrupt_abandons_a_long_evaluation_and_the_session_goes_on() {
    use std::sync::atomic::Ordering;
    let loaded = cba::load::load(&cba::load::Contracts::Embedded).expect("loads");
    let mut session = cba::repl::Session::new(loaded.program.expect("checks"));
    let stopper = std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_millis(300));
        cba::eval::INTERRUPT.store(true, Ordering::Relaxed);
    });
    let reply = session.handle("sum(len(distinct(range(0, 1000000))) for i in range(0, 1000000))");
    stopper.join().expect("the stopper ends");
    assert!(reply.error.contains("interrupted"), "{reply:?}");
    assert!(cba::eval::INTERRUPT.swap(false, Ordering::Relaxed));
    let reply = session.handle("1 + 1");
    assert_eq!(reply.answer.trim(), "2", "{reply:?}");
}
