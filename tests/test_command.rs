//! `cba test` (inline tests, case files, coverage) and `cba check --deny warnings`,
//! end to end on the fixture contract and the Agreement.

use assert_cmd::Command;

fn cba() -> Command {
    Command::cargo_bin("cba").expect("binary builds")
}

const FIXTURE: &str = "tests/fixtures/contracts";
const CASES: &str = "tests/fixtures/cases";

fn run(args: &[&str]) -> (i32, String) {
    let out = cba().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn case(name: &str) -> String {
    format!("{CASES}/{name}")
}

#[test]
fn case_files_in_json_and_toml_pass() {
    let (code, out) = run(&["test", FIXTURE, &case("pass.json"), &case("hours.toml")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("3 passed, 0 failed\n"), "{out}");
}

#[test]
fn several_cases_in_a_file_and_skipped_ones_are_counted() {
    let (code, out) = run(&["test", FIXTURE, &case("several.json")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("3 passed, 0 failed, 1 skipped\n"), "{out}");
}

#[test]
fn a_failure_shows_expected_actual_location_and_explanation() {
    let (code, out) = run(&["test", FIXTURE, &case("fail.json")]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out.replace('\\', "/"));
}

#[test]
fn mistakes_in_a_case_file_fail_it_with_their_places() {
    let (code, out) = run(&["test", FIXTURE, &case("mistakes.json")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("mistakes.json:3:37: unknown fact `steps.knew_onn`; did you mean `steps.knew_on`?"),
        "{out}"
    );
    assert!(
        out.contains("unknown query `steps.step2_dedline`; did you mean `steps.step2_deadline`?"),
        "{out}"
    );
    assert!(
        out.contains("the expected value of `steps.hours_left` is mistyped"),
        "{out}"
    );
    assert!(
        out.contains("unknown key `expct` in a case; did you mean `expect`?"),
        "{out}"
    );
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");
}

#[test]
fn a_broken_case_file_is_a_failure_not_a_crash() {
    let path = std::env::temp_dir().join("cba-broken-case.json");
    std::fs::write(&path, "{ \"facts\": ").expect("write");
    let (code, out) = run(&["test", FIXTURE, &path.display().to_string()]);
    assert_eq!(code, 1);
    assert!(out.contains("FAIL"), "{out}");
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");
}

#[test]
fn filter_selects_tests_by_name() {
    let (code, out) = run(&["test", FIXTURE, &case("several.json"), "--filter", "continuing"]);
    assert_eq!(code, 0);
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
}

#[test]
fn coverage_reports_rules_and_branches_not_exercised() {
    let (code, out) = run(&["test", FIXTURE, "--coverage"]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!(out);
    // The case files take the branches the inline test leaves.
    let (_, more) = run(&["test", FIXTURE, &case("pass.json"), &case("several.json"), "--coverage"]);
    assert!(more.contains("total   5/5       100.0%  5/6        83.3%"), "{more}");
    assert!(more.contains("steps.extension: otherwise => 0 workdays"), "{more}");
}

#[test]
fn fail_under_fails_below_the_branch_coverage_asked() {
    let (code, out) = run(&["test", FIXTURE, "--fail-under", "90"]);
    assert_eq!(code, 1);
    assert!(out.contains("branch coverage 16.7% is under the required 90%"), "{out}");
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
    let (code, _) = run(&["test", FIXTURE, "--fail-under", "15"]);
    assert_eq!(code, 0);
}

#[test]
fn the_agreement_tests_and_case_files_pass() {
    let (code, out) = run(&["test"]);
    assert_eq!(code, 0, "{out}");
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.ends_with(" failed") && last.contains(" passed, 0 failed"),
        "{last}"
    );
}

#[test]
fn deny_warnings_turns_lints_into_errors() {
    let (code, out) = run(&["check", "tests/lint/unused-rule.cba"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("checked 3 files: no errors, 2 warnings\n"), "{out}");
    let (code, out) = run(&["check", "--deny", "warnings", "tests/lint/unused-rule.cba"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[W0605]"), "{out}");
    assert!(out.ends_with("checked 3 files: 2 errors\n"), "{out}");
}

#[test]
fn outline_is_generated_from_the_agreement_text() {
    let path = "contracts/text/national-agreement-2013.txt";
    assert!(
        std::path::Path::new(path).is_file(),
        "the Agreement's text `{path}` is missing from the repository"
    );
    let (code, out) = run(&["outline", path]);
    assert_eq!(code, 0, "{out}");
    let embedded = cba::lint::outline::EMBEDDED;
    assert_eq!(
        out, embedded,
        "contracts/agreement.outline differs from `cba outline`'s: regenerate it"
    );
}
