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

/// README.md and every `docs/*.md`.
fn documents() -> Vec<String> {
    let mut docs = vec!["README.md".to_string()];
    let mut more: Vec<String> = std::fs::read_dir("docs")
        .expect("docs/")
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// Runs every console example; `< FILE` at the end of a command line gives the
/// file as standard input (`$ cba repl --facts f.json < script.txt`).
#[test]
fn documented_commands_print_what_the_docs_say() {
    let mut count = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("doc readable");
        for (cmd, expected) in console_examples(&text) {
            let mut args = split(&cmd);
            let stdin = match args.iter().position(|a| a == "<") {
                Some(i) => {
                    let file = args.get(i + 1).cloned().unwrap_or_default();
                    args.truncate(i);
                    std::fs::read(&file).unwrap_or_else(|e| panic!("{doc}: `{cmd}`: cannot read `{file}`: {e}"))
                }
                None => Vec::new(),
            };
            assert_eq!(
                args.first().map(String::as_str),
                Some("cba"),
                "{doc}: `{cmd}` must start with `cba`"
            );
            let out = Command::cargo_bin("cba")
                .expect("binary")
                .args(&args[1..])
                .env("CBA_HISTORY", "")
                .write_stdin(stdin)
                .output()
                .expect("runs");
            assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{doc}: `{cmd}`");
            count += 1;
        }
    }
    assert!(count >= 8, "found only {count} documented commands");
}

/// A `$ cba …` line with output belongs in a ```console block, where the test
/// above runs it; anywhere else it could drift from what the tool prints.
#[test]
fn every_shown_session_is_a_tested_console_block() {
    let mut stray = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("doc readable");
        let mut fence: Option<String> = None;
        for (n, line) in text.lines().enumerate() {
            if let Some(info) = line.trim_start().strip_prefix("```") {
                fence = match fence {
                    Some(_) => None,
                    None => Some(info.trim().to_string()),
                };
                continue;
            }
            if let Some(f) = &fence
                && f != "console"
                && line.starts_with("$ cba")
            {
                stray.push(format!("{doc}:{}: {line}", n + 1));
            }
        }
    }
    assert!(
        stray.is_empty(),
        "sessions outside ```console blocks:\n{}",
        stray.join("\n")
    );
}

/// A ```cba file=PATH block shows that file exactly.
#[test]
fn shown_files_are_the_files() {
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("doc readable");
        let mut current: Option<(String, String)> = None;
        for line in text.lines() {
            if let Some(info) = line.trim_start().strip_prefix("```") {
                if let Some((path, shown)) = current.take() {
                    let file = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{doc}: `{path}`: {e}"));
                    assert_eq!(shown, file, "{doc}: the block differs from `{path}`");
                } else if let Some(path) = info.trim().strip_prefix("cba file=") {
                    current = Some((path.to_string(), String::new()));
                }
                continue;
            }
            if let Some((_, shown)) = current.as_mut() {
                shown.push_str(line);
                shown.push('\n');
            }
        }
    }
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

/// Every link of README.md and docs/*.md is relative, stays inside the repository
/// and names a file or directory that exists; no document points at the workspace around it.
#[test]
fn links_point_inside_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![root.join("README.md")];
    for e in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "md") {
            docs.push(p);
        }
    }
    let mut bad = Vec::new();
    let mut links = 0;
    for doc in &docs {
        let text = std::fs::read_to_string(doc).expect("readable");
        let dir = doc.parent().expect("in a directory");
        assert!(
            !text.contains("shared/"),
            "{} refers outside the repository",
            doc.display()
        );
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split('#').next().unwrap_or("");
            if target.is_empty() || target.starts_with("http") {
                continue;
            }
            links += 1;
            let path = dir.join(target);
            let inside = path
                .canonicalize()
                .is_ok_and(|p| p.starts_with(root.canonicalize().expect("root")));
            if !inside {
                bad.push(format!("{}: {target}", doc.display()));
            }
        }
    }
    assert!(links >= 3, "only {links} links");
    assert!(
        bad.is_empty(),
        "links outside the repository or to missing files: {bad:?}"
    );
}
