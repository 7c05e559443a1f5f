//! `cba fmt` end to end: `--check`, rewriting files, standard input, errors.

use assert_cmd::Command;

fn cba() -> Command {
    Command::cargo_bin("cba").expect("binary builds")
}

/// A fresh directory with one formatted and one unformatted file.
fn workdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cba-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("good.cba"), "module good\n\nrule x: int\n  = 1\n").expect("write");
    std::fs::write(dir.join("bad.cba"), "module bad rule  x:int=1+2 // sum\n").expect("write");
    dir
}

#[test]
fn check_lists_unformatted_files_and_exits_1() {
    let dir = workdir("check");
    let out = cba().arg("fmt").arg("--check").arg(&dir).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("bad.cba") && !stdout.contains("good.cba"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file not formatted"));
    // Nothing was written.
    let bad = std::fs::read_to_string(dir.join("bad.cba")).expect("read");
    assert_eq!(bad, "module bad rule  x:int=1+2 // sum\n");
}

#[test]
fn fmt_rewrites_files_and_then_check_passes() {
    let dir = workdir("write");
    cba().arg("fmt").arg(&dir).assert().success();
    let bad = std::fs::read_to_string(dir.join("bad.cba")).expect("read");
    assert_eq!(bad, "module bad\n\nrule x: int\n  = 1 + 2  // sum\n");
    cba().arg("fmt").arg("--check").arg(&dir).assert().code(0);
}

#[test]
fn stdin_to_stdout() {
    cba()
        .args(["fmt", "-"])
        .write_stdin("module m  enum E{a,b}")
        .assert()
        .success()
        .stdout("module m\n\nenum E { a, b }\n");
}

#[test]
fn a_syntax_error_exits_1_with_the_message() {
    let out = cba()
        .args(["fmt", "-"])
        .write_stdin("module m\nrule x: int = (1\n")
        .output()
        .expect("runs");
    // The input has problems (docs/cli.md): 1, not 2.
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error"));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_built_in_agreement_is_left_as_is_by_check() {
    // `--check` never writes: the contracts stay byte for byte.
    let before = std::fs::read_to_string("contracts/credit.cba").expect("read");
    let _ = cba()
        .args(["fmt", "--check", "contracts/credit.cba"])
        .output()
        .expect("runs");
    assert_eq!(before, std::fs::read_to_string("contracts/credit.cba").expect("read"));
}
