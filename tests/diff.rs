//! `cba diff` end to end on a small fixture contract and on the worked example.

use assert_cmd::Command;

const DIR: &str = "tests/fixtures/diff";

/// Runs `cba diff ARGS…`: exit code, stdout, stderr.
fn diff(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("cba")
        .expect("binary builds")
        .arg("diff")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn cases() -> String {
    fixture("cases.jsonl")
}

#[test]
fn a_formatting_only_change_is_no_change() {
    // Layout, comments and doc comments all differ; the rules mean the same.
    let (code, out, err) = diff(&[&fixture("old"), &fixture("fmtonly"), "--cases", &cases()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Rules: no change in meaning"), "{out}");
    assert!(out.contains("Outcomes: 0 of 4 cases change"), "{out}");
}

#[test]
fn a_module_level_source_means_the_same_as_citing_it_on_each_rule() {
    // `source "Pay Act"` under the module line instead of on each rule.
    let (code, out, err) = diff(&[&fixture("source-each"), &fixture("source-default")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Rules: no change in meaning"), "{out}");
    // The checker gives each rule without a citation the module's; a rule's own wins.
    let dir = std::path::PathBuf::from(fixture("source-default"));
    let loaded = cba::load::load(&cba::load::Contracts::Paths(vec![dir])).expect("loads");
    let prog = loaded.program.as_ref().expect("checks");
    let cited = |name: &str| {
        prog.rules
            .iter()
            .find(|r| r.qualified == name)
            .and_then(|r| r.citation.as_ref())
            .map(|c| c.to_string())
    };
    assert_eq!(cited("pay.overtime").as_deref(), Some("Pay Act"));
    assert_eq!(cited("pay.daily").as_deref(), Some("Pay Act §2"));
}

#[test]
fn identical_versions_exit_0() {
    let (code, out, _) = diff(&["embedded", "embedded"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_renamed_rule_is_removed_and_added() {
    let (code, out, _) = diff(&[&fixture("old"), &fixture("renamed")]);
    assert_eq!(code, 1);
    assert!(out.contains("+ rule pay.extra_hours (added)  Art. 7 §2.B"), "{out}");
    assert!(out.contains("- rule pay.overtime (removed)  Art. 7 §2.B"), "{out}");
    assert!(
        out.contains("    -   expect overtime = 5 h\n    +   expect extra_hours = 5 h"),
        "{out}"
    );
}

#[test]
fn a_changed_table_row_shows_the_cases_it_affects() {
    let (code, out, _) = diff(&[&fixture("old"), &fixture("table"), "--cases", &cases()]);
    assert_eq!(code, 1);
    assert!(out.contains("Art. 7 §3 table `pay.rate` [b]: $25 → $26"), "{out}");
    assert!(out.contains("    -   b: $25\n    +   b: $26"), "{out}");
    assert!(out.contains("affects: pay.base_rate"), "{out}");
    // Grade b is on lines 2 and 5 of the corpus (line 3 is blank).
    assert!(out.contains("Outcomes: 2 of 4 cases change"), "{out}");
    let listed: Vec<&str> = out.lines().filter(|l| l.contains("cases.jsonl:")).collect();
    assert_eq!(listed.len(), 2, "{out}");
    assert!(
        listed[0].ends_with("cases.jsonl:2") && listed[1].ends_with("cases.jsonl:5"),
        "{out}"
    );
    assert!(out.contains("    pay.base_rate  $25.00 → $26.00"), "{out}");
    assert!(out.contains("    pay.base_rate  2 of 4"), "{out}");
}

#[test]
fn a_changed_constant_is_said_plainly_with_boundary_cases() {
    let (code, out, _) = diff(&[&fixture("old"), &fixture("constant")]);
    assert_eq!(code, 1);
    assert!(out.contains("Art. 7 §2.A rule `pay.threshold`: 40 h → 38 h"), "{out}");
    assert!(out.contains("affects: pay.overtime"), "{out}");
    // Without a corpus the inline test is the case, and the boundary cases sit
    // just below, at and above 40 h and 38 h.
    assert!(out.contains("Outcomes: 1 of 1 case change"), "{out}");
    assert!(
        out.contains("Boundary cases around pay.threshold: 40 h → 38 h"),
        "{out}"
    );
    for line in [
        "  pay.hours = 39.75 h\n    pay.overtime  0 h → 1.75 h",
        "  pay.hours = 40 h\n    pay.overtime  0 h → 2 h",
        "  pay.hours = 40.25 h\n    pay.overtime  0.25 h → 2.25 h",
        "  pay.hours = 38.25 h\n    pay.overtime  0 h → 0.25 h",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    assert!(out.contains("4 of 6 generated cases change"), "{out}");
}

#[test]
fn json_output() {
    let (code, out, _) = diff(&[
        &fixture("old"),
        &fixture("table"),
        "--cases",
        &cases(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["changed"], true);
    let table = v["rules"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["name"] == "pay.rate"))
        .expect("the table change");
    assert_eq!(table["change"], "changed");
    assert_eq!(table["rows"][0]["key"], "b");
    assert_eq!(table["plain"][0], "Art. 7 §3 table `pay.rate` [b]: $25 → $26");
    assert_eq!(v["outcomes"]["total"], 4);
    assert_eq!(v["outcomes"]["cases"][0]["changes"][0]["old"]["text"], "$25.00");
}

#[test]
fn an_overlay_changes_only_its_modules() {
    let (code, out, _) = diff(&[&fixture("old"), &fixture("overlay"), "--base", &fixture("old")]);
    assert_eq!(code, 1);
    assert!(out.contains("rule `pay.threshold`: 40 h → 35 h"), "{out}");
    // `other` comes from the base, unchanged.
    assert!(!out.contains("other.one"), "{out}");
}

#[test]
fn trouble_exits_2() {
    let (code, _, err) = diff(&[&fixture("old"), "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("`no/such/dir` is not a directory"), "{err}");
    let (code, _, err) = diff(&[&fixture("old"), &fixture("broken")]);
    assert_eq!(code, 2);
    assert!(err.contains("does not check") && err.contains("E0301"), "{err}");
    let (code, _, err) = diff(&[&fixture("old"), &fixture("table"), "--cases", &fixture("old/pay.cba")]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_2026_union_proposal() {
    let (code, out, err) = diff(&["embedded", "examples/proposals/2026-union", "--base", "embedded"]);
    assert_eq!(code, 1, "{err}");
    for plain in [
        "Art. 14 §4.A.7 rule `credit.carryover_cap`: 24 h → 32 h",
        "Art. 10 §6.A rule `grievance.step1_deadline`: 35 workdays → 45 workdays",
        "Art. 15 §5.C rule `telework.monthly_days`: 8 → 10",
    ] {
        assert!(out.contains(plain), "missing {plain:?} in\n{out}");
    }
    assert!(out.contains("grievance.step1_timely    false → true"), "{out}");
    assert!(
        out.contains("Boundary cases around telework.monthly_days: 8 → 10"),
        "{out}"
    );
    assert!(out.contains("telework.schedule_ok  false → true"), "{out}");
}

/// A corpus that never reaches the changed rule (no case gives `pay.hours`).
fn unrelated_cases(dir: &std::path::Path) -> String {
    let path = dir.join("unrelated.jsonl");
    std::fs::write(&path, "{\"pay\": {\"grade\": \"a\"}}\n").expect("write");
    path.display().to_string()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cba-diff-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn boundary_cases_start_from_a_test_that_reaches_the_change_when_the_corpus_does_not() {
    let dir = scratch("reach");
    let (code, out, err) = diff(&[&fixture("old"), &fixture("constant"), "--cases", &unrelated_cases(&dir)]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("Outcomes: 0 of 1 case change"), "{out}");
    // Not from an empty case: from the module's test that gives `pay.hours`.
    assert!(
        out.contains(
            "Boundary cases around pay.threshold: 40 h → 38 h (from test pay: \"grade b works overtime\"): 4 of 6 generated cases change"
        ),
        "{out}"
    );
    assert!(!out.contains("an empty case"), "{out}");
}

#[test]
fn a_change_no_case_reaches_is_said_plainly() {
    let dir = scratch("unreached");
    // Both versions without their test: nothing gives `pay.hours`.
    for version in ["old", "constant"] {
        let to = dir.join(version);
        std::fs::create_dir_all(&to).expect("dir");
        for file in ["pay.cba", "other.cba"] {
            let text = std::fs::read_to_string(format!("{DIR}/{version}/{file}")).expect("fixture");
            let text = match text.find("test \"") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            std::fs::write(to.join(file), text).expect("write");
        }
    }
    let (old, new) = (dir.join("old"), dir.join("constant"));
    let (code, out, err) = diff(&[
        old.to_str().unwrap_or_default(),
        new.to_str().unwrap_or_default(),
        "--cases",
        &unrelated_cases(&dir),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains(
            "Boundary cases around pay.threshold: none: no case of the corpus and no test of the contracts reaches it; a case that gives `pay.hours` would"
        ),
        "{out}"
    );
    assert!(!out.contains("generated case"), "{out}");
    let (_, json, _) = diff(&[
        old.to_str().unwrap_or_default(),
        new.to_str().unwrap_or_default(),
        "--cases",
        &unrelated_cases(&dir),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(
        v["boundary"][0]["unreached"]
            .as_str()
            .is_some_and(|s| s.contains("`pay.hours`")),
        "{json}"
    );
}
