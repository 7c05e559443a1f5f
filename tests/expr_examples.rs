//! Runs every `tests/expr/*.txt` file: lines `EXPR  ==>  ANSWER`, evaluated with
//! the embedded program and no facts. Adding an example means adding a line.
//! `EXPR  ==>  error: TEXT` expects an error whose message contains TEXT.

mod program;

use cba::eval::Case;

#[test]
fn expression_examples() {
    let prog = program::stdlib();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut files: Vec<_> = std::fs::read_dir("tests/expr")
        .expect("tests/expr")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "only {} files under tests/expr/", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((expr, want)) = line.split_once("==>") else {
                failures.push(format!("{}:{}: no `==>`", path.display(), n + 1));
                continue;
            };
            count += 1;
            let mut case = Case::new(&prog);
            let want = want.trim();
            match program::eval_text(&prog, &mut case, expr.trim()) {
                Ok(got) if got == want => {}
                Err(e) if want.strip_prefix("error:").is_some_and(|w| e.contains(w.trim())) => {}
                Ok(got) => failures.push(format!(
                    "{}:{}: `{}` gave `{got}`, expected `{}`",
                    path.display(),
                    n + 1,
                    expr.trim(),
                    want.trim()
                )),
                Err(e) => failures.push(format!("{}:{}: `{}` failed: {e}", path.display(), n + 1, expr.trim())),
            }
        }
    }
    assert!(count >= 60, "only {count} examples under tests/expr/");
    assert!(
        failures.is_empty(),
        "{} of {count} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
