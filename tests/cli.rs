//! The real binary, end to end, on a small fixture contract and on the Agreement.

use assert_cmd::Command;

fn cba() -> Command {
    Command::cargo_bin("cba").expect("binary builds")
}

const FIXTURE: &str = "tests/fixtures/contracts";

fn eval(args: &[&str]) -> (i32, String, String) {
    let out = cba()
        .arg("eval")
        .arg("--contracts")
        .arg(FIXTURE)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn expr_evaluates_with_the_stdlib() {
    cba()
        .args(["eval", "--expr", "add_workdays(2025-02-14, 35)"])
        .assert()
        .success()
        .stdout("2025-04-07\n");
}

#[test]
fn json_answers_in_query_order() {
    let (code, out, _) = eval(&[
        "--facts",
        "tests/fixtures/facts/case.json",
        "--query",
        "steps.step2_deadline",
        "--query",
        "steps.step1_deadline",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\n  \"steps.step2_deadline\": \"2025-05-07\",\n  \"steps.step1_deadline\": \"2025-04-07\"\n}\n"
    );
}

#[test]
fn toml_facts_answer_the_same() {
    let (code, out, _) = eval(&[
        "--facts",
        "tests/fixtures/facts/case.toml",
        "--query",
        "steps.step2_deadline",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("\"steps.step2_deadline\": \"2025-05-07\""), "{out}");
}

#[test]
fn facts_from_stdin() {
    let facts = std::fs::read_to_string("tests/fixtures/facts/case.json").expect("fixture");
    let out = cba()
        .args([
            "eval",
            "--contracts",
            FIXTURE,
            "--facts",
            "-",
            "--query",
            "steps.hours_left",
        ])
        .write_stdin(facts)
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "steps.hours_left  248 h\n");
}

#[test]
fn text_mode_is_aligned() {
    let (code, out, _) = eval(&["--facts", "tests/fixtures/facts/case.json"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "steps.step1_deadline     2025-04-07\nsteps.step2_deadline     2025-05-07\nsteps.hours_left         248 h\nsteps.step2_answer_base  2025-03-26\n"
    );
}

#[test]
fn an_unknown_query_is_a_usage_error_before_any_answer() {
    let (code, out, err) = eval(&[
        "--facts",
        "tests/fixtures/facts/case.json",
        "--query",
        "steps.hours_left",
        "--query",
        "steps.nope",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("unknown query `steps.nope`"), "{err}");
}

#[test]
fn missing_fact_names_fact_rule_and_citation() {
    let dir = std::env::temp_dir().join("cba-cli-missing.json");
    std::fs::write(&dir, r#"{"steps": {"method": "mail"}}"#).expect("write");
    let (code, out, _) = eval(&[
        "--facts",
        dir.to_str().unwrap_or_default(),
        "--query",
        "steps.step1_deadline",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let msg = v["errors"]["steps.step1_deadline"].as_str().unwrap_or("");
    assert!(msg.contains("missing fact `steps.knew_on`"), "{msg}");
    assert!(msg.contains("`steps.step1_deadline`"), "{msg}");
    assert!(msg.contains("Art. 10 §6.A"), "{msg}");
}

#[test]
fn mistyped_fact_names_line_and_column() {
    let (code, out, err) = eval(&[
        "--facts",
        "tests/fixtures/facts/mistyped.json",
        "--query",
        "steps.step1_deadline",
        "--query",
        "steps.hours_left",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("steps.hours_left      1,236 h"), "{out}");
    // A query's error goes to standard error (docs/cli.md).
    assert!(err.contains("mistyped.json:3:16"), "{err}");
    assert!(err.contains("expected a date"), "{err}");
}

#[test]
fn raised_error_is_reported_with_rule() {
    let dir = std::env::temp_dir().join("cba-cli-raised.json");
    std::fs::write(&dir, r#"{"steps": {"knew_on": "2025-02-14"}}"#).expect("write");
    let (code, _, err) = eval(&[
        "--facts",
        dir.to_str().unwrap_or_default(),
        "--query",
        "steps.step2_deadline",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no Step One answer yet"), "{err}");
}

#[test]
fn broken_fact_file_is_a_clear_error() {
    let (code, _, err) = eval(&["--facts", "tests/fixtures/facts/broken.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("broken.json"), "{err}");
}

#[test]
fn check_reports_json_diagnostics() {
    let out = cba()
        .args(["check", "--format", "json", "tests/check/unknown-fact.cba"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &v[0];
    assert_eq!(d["code"], "E0202");
    assert_eq!(d["line"], 11);
    assert_eq!(d["column"], 5);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["help"], "did you mean `grievance.step1.received_on`?");
    assert!(d["file"].as_str().unwrap_or("").ends_with("unknown-fact.cba"));
}

#[test]
fn check_fixture_is_clean() {
    cba().args(["check", FIXTURE]).assert().success();
}

#[test]
fn test_runner_counts() {
    let out = cba().args(["test", FIXTURE]).output().expect("runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("1 passed, 0 failed\n"));
}

#[test]
fn required_optional_fact_is_a_missing_fact() {
    let dir = std::env::temp_dir().join("cba-cli-required.json");
    std::fs::write(&dir, r#"{"steps": {"knew_on": "2025-02-14"}}"#).expect("write");
    let (code, out, _) = eval(&[
        "--facts",
        dir.to_str().unwrap_or_default(),
        "--query",
        "steps.step2_answer_base",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("missing fact `steps.answered_on`"), "{out}");
    // Without --query, a query whose facts are absent is left out, not an error.
    let (code, out, _) = eval(&["--facts", dir.to_str().unwrap_or_default(), "--format", "json"]);
    // Rules that read none of the given facts are not asked either.
    assert_eq!(out, "{\n  \"steps.step1_deadline\": \"2025-04-07\"\n}\n");
    assert_eq!(code, 0);
}

/// A chain of thousands of rules is an error, not a crash.
#[test]
fn deep_rule_chains_fail_cleanly() {
    let dir = std::env::temp_dir().join("cba-cli-deep");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut text = String::from("module deep\narticle 1 \"D\"\n");
    for i in 0..3000 {
        text.push_str(&format!("rule r{i}: int §1 = r{} + 1\n", i + 1));
    }
    text.push_str("rule r3000: int §1 = 0\n");
    std::fs::write(dir.join("deep.cba"), text).expect("write");
    let out = cba()
        .args([
            "eval",
            "--contracts",
            dir.to_str().unwrap_or_default(),
            "--query",
            "deep.r2500",
            "--query",
            "deep.r0",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("deep.r2500  500"), "{stdout}");
    assert!(stderr.contains("rules nest more than"), "{stderr}");
}

#[test]
fn module_wide_query_answers_what_the_facts_allow_of_one_module() {
    let (code, out, _) = eval(&["--facts", "tests/fixtures/facts/case.json", "--query", "steps.*"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("steps.step1_deadline"), "{out}");
    assert!(out.contains("steps.hours_left"), "{out}");
}
