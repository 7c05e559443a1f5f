//! `cba repl` with a script on standard input: every `tests/repl/*.txt` script
//! (a command line and entries) is answered by an in-process session, entry by
//! entry, into a transcript that is snapshot-tested
//! (`tests/snapshots/repl__<name>.snap`, reviewed with `cargo insta`, see
//! docs/testing.md); then the script is piped into the real binary, whose
//! standard output and error must be the transcript's answers and messages.
//!
//! A script holds the `$` and `>`/`|` lines; its transcript reads like a session:
//!
//! ```text
//! $ repl --contracts tests/fixtures/repl/contracts     the command line
//! > claims.step2_deadline                              an entry
//! | …                                                  more lines of the same entry
//! 2025-04-30                                           its answer (standard output)
//! ! error: …                                           a message (standard error)
//! = 1                                                  the exit status (last line)
//! ```
//!

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cba::load::{Contracts, load};
use cba::repl::Session;

struct Transcript {
    args: Vec<String>,
    /// Entries (lines joined by `\n`) with the lines that follow each.
    entries: Vec<(String, Vec<String>)>,
    status: i32,
}

fn read(path: &Path) -> Transcript {
    parse(&std::fs::read_to_string(path).expect("script"))
}

fn parse(text: &str) -> Transcript {
    let mut t = Transcript {
        args: Vec::new(),
        entries: Vec::new(),
        status: 0,
    };
    for line in text.lines() {
        if let Some(a) = line.strip_prefix("$ ") {
            t.args = a.split_whitespace().map(String::from).collect();
        } else if let Some(e) = line
            .strip_prefix("> ")
            .or(line.strip_prefix(">").filter(|r| r.is_empty()))
        {
            t.entries.push((e.to_string(), Vec::new()));
        } else if let Some(more) = line.strip_prefix("| ") {
            if let Some((e, _)) = t.entries.last_mut() {
                e.push('\n');
                e.push_str(more);
            }
        } else if let Some(s) = line.strip_prefix("= ") {
            t.status = s.trim().parse().expect("exit status");
        } else if let Some((_, out)) = t.entries.last_mut() {
            out.push(line.to_string());
        }
    }
    t
}

fn input(t: &Transcript) -> String {
    t.entries.iter().map(|(e, _)| format!("{e}\n")).collect()
}

/// The lines of one stream: answers, or messages (`! `) without the mark.
fn stream(t: &Transcript, errors: bool) -> String {
    let mut out = String::new();
    for (_, lines) in &t.entries {
        for l in lines {
            let msg = l.strip_prefix("! ").or(l.strip_prefix("!").filter(|r| r.is_empty()));
            match (msg, errors) {
                (Some(m), true) => out.push_str(&format!("{}\n", m.trim_end())),
                (None, false) => out.push_str(&format!("{}\n", l.trim_end())),
                _ => {}
            }
        }
    }
    out
}

fn trim_lines(s: &str) -> String {
    s.lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

fn transcripts() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/repl")
        .expect("tests/repl")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "only {} transcripts under tests/repl/", files.len());
    files
}

#[test]
fn transcripts_replay_through_the_binary() {
    for path in transcripts() {
        let script = read(&path);
        let name = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let transcript = render(&script);
        insta::assert_snapshot!(name, transcript);
        let t = parse(&transcript);
        let out = Command::cargo_bin("cba")
            .expect("binary builds")
            .args(&t.args)
            .env("CBA_HISTORY", "")
            .write_stdin(input(&t))
            .output()
            .expect("runs");
        let name = path.display();
        assert_eq!(
            trim_lines(&String::from_utf8_lossy(&out.stdout)),
            stream(&t, false),
            "standard output of {name}"
        );
        assert_eq!(
            trim_lines(&String::from_utf8_lossy(&out.stderr)),
            stream(&t, true),
            "standard error of {name}"
        );
        assert_eq!(out.status.code(), Some(t.status), "exit status of {name}");
    }
}

/// The transcript of a script answered by an in-process session, entry by entry.
fn render(t: &Transcript) -> String {
    let arg = |name: &str| {
        t.args
            .iter()
            .position(|a| a == name)
            .and_then(|i| t.args.get(i + 1))
            .map(PathBuf::from)
    };
    let contracts = arg("--contracts").map_or(Contracts::Embedded, Contracts::Dir);
    let prog = load(&contracts).expect("loads").program.expect("checks");
    let mut session = Session::new(prog);
    let mut out = format!("$ {}\n", t.args.join(" "));
    let mut failed = false;
    if let Some(f) = arg("--facts") {
        let r = session.load_facts(&f);
        failed |= r.failed();
        for l in format!("{}{}", r.warning, r.error).lines() {
            out.push_str(&format!("! {l}\n").replace("! \n", "!\n"));
        }
    }
    let mut quit = false;
    let mut line = 1;
    for (entry, _) in &t.entries {
        session.set_script_line(Some(line));
        line += entry.lines().count().max(1);
        let mut lines = entry.lines();
        out.push_str(&format!("> {}\n", lines.next().unwrap_or_default()).replace("> \n", ">\n"));
        lines.for_each(|l| out.push_str(&format!("| {l}\n")));
        if quit {
            continue;
        }
        let r = session.handle(entry);
        out.push_str(&r.answer);
        for l in format!("{}{}", r.warning, r.error).lines() {
            out.push_str(&format!("! {}\n", l.trim_end()).replace("! \n", "!\n"));
        }
        failed |= r.failed();
        quit = r.quit;
    }
    out.push_str(&format!("= {}\n", i32::from(failed)));
    out
}

#[test]
fn the_agreement_answers_the_examples_of_the_issue() {
    let out = Command::cargo_bin("cba")
        .expect("binary builds")
        .args(["repl", "--facts", "examples/facts/grievance.json"])
        .env("CBA_HISTORY", "")
        .write_stdin("add_workdays(2025-11-25, 3)\ngrievance.step2_deadline\n:why grievance.step2_deadline\n")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("2025-12-01"), "{text}");
    let deadline = lines.next().unwrap_or_default();
    assert!(deadline.len() == 10 && deadline.starts_with("20"), "a date: {deadline}");
    let why = lines.next().unwrap_or_default();
    assert!(
        why.starts_with(&format!("grievance.step2_deadline = {deadline} — Art. 10 §6.A")),
        "{why}"
    );
    assert!(text.contains("§6.A"), "{text}");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
