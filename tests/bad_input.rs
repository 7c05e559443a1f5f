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

fn batch(dir: &std::path::Path, input_name: &str, input: &str, extra: &[&str]) -> (i32, String, String) {
    let path = dir.join(input_name);
    std::fs::write(&path, input).expect("write input");
    let mut args = vec!["batch", "--jobs", "1", "--input", path.to_str().unwrap_or_default()];
    args.extend_from_slice(extra);
    run(&args, "")
}

#[test]
fn csv_with_crlf_reports_the_right_row_and_names_the_column() {
    let dir = scratch("crlf");
    let csv = "id,as_of,grievance.knew_on\r\na,2025-01-01,2025-01-02\r\nb,2025-01-01,2025-02-30\r\n";
    let (code, out, err) = batch(&dir, "in.csv", csv, &["--query", "grievance.step1_deadline"]);
    assert_eq!(code, 1, "{err}");
    let bad = out.lines().nth(1).unwrap_or_default();
    assert!(bad.contains("in.csv line 3, column 3 (`grievance.knew_on`)"), "{bad}");
}

#[test]
fn an_unclosed_csv_quote_is_an_error_at_its_line_and_later_rows_are_read() {
    let dir = scratch("quote");
    let csv = "id,as_of\na,2025-01-01\n\"b,2025-01-01\nc,2025-01-01\nd,2025-01-01\n";
    let (code, out, err) = batch(&dir, "in.csv", csv, &["--query", "duration.in_effect"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[1].contains("in.csv:3: a quote opened in this row is never closed"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("\"id\":\"c\"") && lines[3].contains("\"id\":\"d\""),
        "{out}"
    );
    assert!(err.contains("4 records, 3 ok, 1 failed"), "{err}");
}

#[test]
fn jsonl_output_is_compact_and_records_keep_their_line_numbers() {
    let dir = scratch("jsonl");
    let jsonl = "{\"id\":\"a\",\"as_of\":\"2020-01-01\"}\n\n{\"id\":\"b\",\"as_of\":\"2019-01-01\"}\n";
    let (code, out, err) = batch(&dir, "in.jsonl", jsonl, &["--query", "duration.expiration_dates"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "{\"record\":1,\"id\":\"a\",\"duration.expiration_dates\":[\"2017-09-30\",\"2018-09-30\",\"2019-09-30\",\"2020-09-30\",\"2021-09-30\"]}\n\
         {\"record\":3,\"id\":\"b\",\"duration.expiration_dates\":[\"2017-09-30\",\"2018-09-30\",\"2019-09-30\",\"2020-09-30\"]}\n"
    );
}

#[test]
fn an_id_that_is_not_text_or_a_number_is_reported() {
    let dir = scratch("id");
    let jsonl = "{\"id\":true,\"as_of\":\"2020-01-01\"}\n{\"id\":7,\"as_of\":\"2020-01-01\"}\n";
    let (code, out, err) = batch(&dir, "in.jsonl", jsonl, &["--query", "duration.in_effect"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("in.jsonl:1: the record's `id` must be text or a number, but is a boolean"),
        "{out}"
    );
    assert!(lines[1].starts_with("{\"record\":2,\"id\":\"7\""), "{out}");
}

#[test]
fn an_output_that_is_the_input_is_refused_and_a_failed_run_keeps_the_old_output() {
    let dir = scratch("same");
    let input = dir.join("io.jsonl");
    let records = "{\"id\":\"a\",\"as_of\":\"2020-01-01\"}\n";
    std::fs::write(&input, records).expect("write");
    let other_spelling = dir.join(".").join("io.jsonl");
    let (code, _, err) = run(
        &[
            "batch",
            "--input",
            input.to_str().unwrap_or_default(),
            "--output",
            other_spelling.to_str().unwrap_or_default(),
        ],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the input"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&input).expect("read"),
        records,
        "the input is intact"
    );
    // A run that cannot go on leaves an existing output as it was.
    let output = dir.join("out.jsonl");
    std::fs::write(&output, "precious\n").expect("write");
    let (code, _, err) = run(
        &[
            "batch",
            "--input",
            input.to_str().unwrap_or_default(),
            "--output",
            output.to_str().unwrap_or_default(),
            "--query",
            "nope.nothing",
        ],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&output).expect("read"), "precious\n");
    assert_eq!(
        std::fs::read_dir(&dir).expect("list").count(),
        2,
        "no temporary file is left"
    );
    // A run that completes replaces it.
    let (code, _, err) = run(
        &[
            "batch",
            "--input",
            input.to_str().unwrap_or_default(),
            "--output",
            output.to_str().unwrap_or_default(),
            "--query",
            "duration.in_effect",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&output).expect("read"),
        "{\"record\":1,\"id\":\"a\",\"duration.in_effect\":true}\n"
    );
}

#[test]
fn a_citation_without_a_quote_is_underlined_on_its_own_line() {
    let dir = scratch("citation");
    let file = dir.join("n.cba");
    std::fs::write(&file, "module nomod\n\nrule x: int  §4.A\n  = 1\n").expect("write");
    let (code, _, err) = run(&["check", file.to_str().unwrap_or_default()], "");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("3 │ rule x: int  §4.A\n  │              ^^^^ which article?"),
        "{err}"
    );
}

/// Boundary cases around a change report only what that change can affect, and
/// start from a case that reaches it (issue 17: a credit-hour change listed the
/// grievance deadlines another change moved).
#[test]
fn boundary_cases_report_only_what_their_change_affects() {
    let dir = scratch("boundary");
    let text = std::fs::read_to_string("examples/facts/grievance.json").expect("example");
    let one_line: serde_json::Value = serde_json::from_str(&text).expect("json");
    let corpus = dir.join("corpus.jsonl");
    std::fs::write(&corpus, format!("{one_line}\n")).expect("write");
    let (_, out, err) = run(
        &[
            "diff",
            "embedded",
            "examples/proposals/2026-union",
            "--base",
            "embedded",
            "--cases",
            corpus.to_str().unwrap_or_default(),
        ],
        "",
    );
    let mut group = "";
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("Boundary cases around ") {
            group = rest.split(':').next().unwrap_or_default();
            continue;
        }
        if line.starts_with("    ") && !group.is_empty() {
            let module = group.split('.').next().unwrap_or_default();
            assert!(
                line.trim_start().starts_with(&format!("{module}.")),
                "`{line}` under the boundary cases of {group}\n{out}{err}"
            );
        }
    }
    assert!(out.contains("Boundary cases around credit.carryover_cap"), "{out}{err}");
}

/// A fact file that is not JSON is shown as every source diagnostic is (one
/// renderer): the message, the place underlined, the help; exit 1.
#[test]
fn a_fact_file_syntax_error_is_rendered_like_a_diagnostic() {
    let (code, out, err) = run(
        &["eval", "--query", "grievance.*", "--facts", "-"],
        "{\"grievance\": {\"step1\": }",
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("error: <stdin>: ") || err.starts_with("error: "),
        "{err}"
    );
    assert!(err.contains("┌─ "), "the place is shown: {err}");
    assert!(err.contains("here"), "{err}");
    assert!(err.contains("= help: fix the syntax of the fact file"), "{err}");
}
