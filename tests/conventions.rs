//! The command line's conventions (docs/cli.md), the same for every subcommand:
//! exit status 0 ok, 1 the input has problems, 2 could not run; answers on
//! standard output, messages on standard error (issue 17).

use assert_cmd::Command;

fn cba() -> Command {
    Command::cargo_bin("cba").expect("binary builds")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = cba().args(args).env("CBA_HISTORY", "").output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cba-conventions-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Every command that loads the Agreement, with what else it needs.
const LOADERS: &[&[&str]] = &[
    &["check"],
    &["eval", "--expr", "1"],
    &["test"],
    &["repl"],
    &["batch", "--input", "/dev/null"],
    &["doc"],
];

#[test]
fn contracts_that_are_missing_empty_or_not_a_directory_exit_2_everywhere() {
    let dir = scratch("contracts");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let file = dir.join("file.cba");
    std::fs::write(&file, "module m\n").expect("write");
    for contracts in [dir.join("missing"), empty, file] {
        for cmd in LOADERS {
            let mut args: Vec<&str> = cmd.to_vec();
            args.extend(["--contracts", contracts.to_str().unwrap_or_default()]);
            let (code, out, err) = run(&args);
            assert_eq!(code, 2, "{args:?}: {out}{err}");
            assert!(err.contains(contracts.to_str().unwrap_or_default()), "{args:?}: {err}");
            assert!(out.is_empty(), "{args:?}: {out}");
        }
    }
}

#[test]
fn contracts_with_errors_exit_1_everywhere() {
    let dir = scratch("broken");
    std::fs::write(dir.join("m.cba"), "module m\n\nrule a: int = nope\n").expect("write");
    for cmd in LOADERS {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(["--contracts", dir.to_str().unwrap_or_default()]);
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("m.cba:3:"), "{args:?}: {err}");
    }
}

#[test]
fn a_rule_file_that_is_not_utf8_is_a_diagnostic_at_its_first_bad_byte() {
    let dir = scratch("utf8");
    let file = dir.join("bad.cba");
    std::fs::write(&file, b"module bad\n\nrule a: int = 1 // caf\xe9\n").expect("write");
    let (f, d) = (file.to_str().unwrap_or_default(), dir.to_str().unwrap_or_default());
    // Every path that reads rule files: a file, `--contracts`, `--overlay`.
    let mut runs = vec![vec!["check", f], vec!["test", f], vec!["fmt", f], vec!["fmt", d]];
    for cmd in LOADERS.iter().chain(&[&["inputs", "bad.a"][..]]) {
        for how in ["--contracts", "--overlay"] {
            let mut args = cmd.to_vec();
            args.extend([how, if how == "--contracts" { d } else { f }]);
            runs.push(args);
        }
    }
    for args in runs {
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains("error[E0007]: the file is not UTF-8 text"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("bad.cba:3:23"),
            "{args:?}: named under the file, at line:col: {err}"
        );
    }
    // `diff` reads 1 as "the versions differ": a version that does not check is 2.
    let (code, _, err) = run(&["diff", "embedded", d, "--base", "embedded"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[E0007]") && err.contains("bad.cba:3:23"), "{err}");
}

#[test]
fn a_missing_facts_file_exits_2_and_a_broken_one_1() {
    let dir = scratch("facts");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"as_of\": ").expect("write");
    let missing = dir.join("missing.json");
    for (file, want) in [(&missing, 2), (&broken, 1)] {
        let f = file.to_str().unwrap_or_default();
        for args in [vec!["repl", "--facts", f], vec!["batch", "--input", f]] {
            let (code, _, err) = run(&args);
            assert_eq!(code, want, "{args:?}: {err}");
        }
    }
}

#[test]
fn check_puts_diagnostics_on_standard_error_and_no_colour_off_a_terminal() {
    let (code, out, err) = run(&["check", "--deny", "warnings", "tests/lint/unused-rule.cba"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("checked "), "{out}");
    assert!(err.contains("error[W0605]"), "{err}");
    assert!(!err.contains('\u{1b}'), "no escape codes when not a terminal: {err}");
}

#[test]
fn eval_answers_on_standard_output_and_a_querys_error_on_standard_error() {
    let (code, out, err) = run(&[
        "eval",
        "--facts",
        "examples/facts/grievance.json",
        "--query",
        "grievance.step1_deadline",
        "--query",
        "credit.carryover",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.starts_with("grievance.step1_deadline "), "{out}");
    assert!(!out.contains("error"), "{out}");
    assert!(
        err.starts_with("credit.carryover ") && err.contains("error: missing fact"),
        "{err}"
    );
}

#[test]
fn an_unknown_module_or_query_is_the_same_usage_error_everywhere() {
    let facts = ["--facts", "examples/facts/grievance.json"];
    for (name, message, help) in [
        (
            "grievence.*",
            "unknown module `grievence` in `grievence.*`",
            "did you mean `grievance.*`?",
        ),
        (
            "grievance.step1_dedline",
            "unknown query `grievance.step1_dedline`",
            "did you mean `grievance.step1_deadline`?",
        ),
    ] {
        for cmd in [
            &["eval"][..],
            &["eval", "--flip"],
            &["eval", "--explain"],
            &["batch", "--input", "/dev/null"],
            &["inputs"],
        ] {
            let mut args = cmd.to_vec();
            if cmd[0] == "eval" {
                args.extend(facts);
            }
            if cmd[0] == "inputs" {
                args.push(name);
            } else {
                args.extend(["--query", name]);
            }
            let (code, out, err) = run(&args);
            assert_eq!(code, 2, "{args:?}: {out}{err}");
            assert!(out.is_empty(), "{args:?}: {out}");
            assert!(err.contains(message) && err.contains(help), "{args:?}: {err}");
        }
    }
    // `cba test --filter` names a module or test: matching none is the same mistake.
    let (code, out, err) = run(&["test", "--filter", "grievence"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("no test matches `grievence`") && err.contains("did you mean `grievance`?"),
        "{err}"
    );
}

#[test]
fn max_errors_0_is_refused() {
    let (code, _, err) = run(&["batch", "--input", "/dev/null", "--max-errors", "0"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn every_command_has_an_example_in_its_help_and_completions_and_man_pages_work() {
    let (_, out, _) = run(&["--help"]);
    let commands: Vec<String> = out
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 11, "{out}");
    for c in &commands {
        let (code, out, err) = run(&[c, "--help"]);
        assert_eq!(code, 0, "{c}: {err}");
        assert!(out.contains("Example"), "`cba {c} --help` has no example:\n{out}");
        assert!(out.contains("cba "), "{c}: {out}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = run(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(out.contains("cba"), "{shell}");
    }
    let (code, out, _) = run(&["man", "eval"]);
    assert_eq!(code, 0);
    assert!(out.starts_with(".ie") || out.contains(".TH"), "{out}");
    let (code, _, err) = run(&["man", "evel"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `eval`"), "{err}");
}

/// Keys that name no fact are usually typos: a warning on standard error (with the
/// nearest fact), an error with `--strict`, in `eval` and in `batch`.
#[test]
fn unknown_facts_warn_and_strict_makes_them_errors() {
    let dir = scratch("unknown");
    let facts = dir.join("f.json");
    std::fs::write(
        &facts,
        r#"{"as_of": "2020-01-01", "bogus_field": 1, "grievance": {"knew_onn": "2025-01-01"}}"#,
    )
    .expect("write");
    let f = facts.to_str().unwrap_or_default();
    let (code, out, err) = run(&["eval", "--facts", f, "--query", "duration.in_effect"]);
    assert_eq!((code, out.as_str()), (0, "duration.in_effect  true\n"), "{err}");
    assert!(
        err.contains("warning: ") && err.contains("`bogus_field` is not a fact of these rules"),
        "{err}"
    );
    assert!(
        err.contains("`grievance.knew_onn` is not a fact of these rules (did you mean `grievance.knew_on`?)"),
        "{err}"
    );
    let (code, _, err) = run(&["eval", "--facts", f, "--query", "duration.in_effect", "--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: ") && err.contains("bogus_field"), "{err}");

    let records = dir.join("r.jsonl");
    std::fs::write(
        &records,
        "{\"id\":\"a\",\"as_of\":\"2020-01-01\",\"bogus\":1}\n{\"id\":\"b\",\"as_of\":\"2020-01-01\",\"bogus\":2}\n",
    )
    .expect("write");
    let r = records.to_str().unwrap_or_default();
    let (code, out, err) = run(&["batch", "--input", r, "--query", "duration.in_effect"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(
        err.matches("`bogus` is not a fact").count(),
        1,
        "one warning a key: {err}"
    );
    let (code, out, err) = run(&["batch", "--input", r, "--query", "duration.in_effect", "--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.lines().all(|l| l.contains("`bogus` is not a fact of these rules")),
        "{out}"
    );
}

#[test]
fn fmt_and_outline_follow_the_convention() {
    let dir = scratch("fmt");
    let broken = dir.join("broken.cba");
    std::fs::write(&broken, "module m\nrule x: int = (1\n").expect("write");
    let missing = dir.join("missing.cba");
    for (args, want) in [
        (vec!["fmt", "--check", broken.to_str().unwrap_or_default()], 1),
        (vec!["fmt", missing.to_str().unwrap_or_default()], 2),
        (vec!["outline", missing.to_str().unwrap_or_default()], 2),
        (vec!["outline", broken.to_str().unwrap_or_default()], 1),
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, want, "{args:?}: {err}");
    }
}

#[test]
fn a_bare_eval_says_how_to_ask() {
    let (code, out, err) = run(&["eval"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("nothing to evaluate") && err.contains("--facts FILE"),
        "{err}"
    );
}
