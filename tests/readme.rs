//! Every documented command runs as a test: each ```console block in README.md
//! and docs/*.md holds `$ cba …` lines, each followed by its exact output.

use assert_cmd::Command;

/// Splits a command line on spaces, honouring single and double quotes.
fn split(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if !cur.is_empty() || any {
                    args.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        args.push(cur);
    }
    args
}

fn console_examples(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            if let Some(c) = current.take() {
                out.push(c);
            }
            in_block = !in_block && line.trim() == "```console";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            if let Some(c) = current.take() {
                out.push(c);
            }
            current = Some((cmd.to_string(), String::new()));
        } else if let Some((_, expected)) = current.as_mut() {
            expected.push_str(line);
            expected.push('\n');
        }
    }
    out
}

#[test]
fn documented_commands_print_what_the_docs_say() {
    let mut count = 0;
    for doc in ["README.md", "docs/language.md"] {
        let text = std::fs::read_to_string(doc).expect("doc readable");
        for (cmd, expected) in console_examples(&text) {
            let args = split(&cmd);
            assert_eq!(
                args.first().map(String::as_str),
                Some("cba"),
                "{doc}: `{cmd}` must start with `cba`"
            );
            let out = Command::cargo_bin("cba")
                .expect("binary")
                .args(&args[1..])
                .output()
                .expect("runs");
            assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{doc}: `{cmd}`");
            count += 1;
        }
    }
    assert!(count >= 2, "found only {count} documented commands");
}

/// The README's rule-file examples (```cba blocks) check cleanly with the standard library, and
/// their inline tests pass.
#[test]
fn readme_rule_examples_check_and_pass() {
    let text = std::fs::read_to_string("README.md").expect("README");
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            if in_block {
                blocks.extend(cur.take());
            } else if line.trim() == "```cba" {
                cur = Some(String::new());
            }
            in_block = !in_block;
            continue;
        }
        if let Some(b) = cur.as_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    let modules: Vec<&String> = blocks
        .iter()
        .filter(|b| b.lines().any(|l| l.starts_with("module ")))
        .collect();
    assert!(!modules.is_empty(), "README has no rule-file example");
    for (i, m) in modules.iter().enumerate() {
        let path = std::env::temp_dir().join(format!("cba-readme-{i}.cba"));
        std::fs::write(&path, m).expect("write");
        let loaded = cba::load::load(&cba::load::Contracts::Paths(vec![path])).expect("loads");
        let prog = match loaded.program {
            Ok(p) => p,
            Err(s) => panic!("{}", cba::report::render_text(&s, &loaded.diags)),
        };
        for t in &prog.tests {
            let o = cba::api::run_test(&prog, t);
            assert!(o.failures.is_empty(), "{}: {:?}", o.name, o.failures);
        }
    }
}
