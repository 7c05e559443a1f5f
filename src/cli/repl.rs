//! `cba repl [--facts FILE] [--contracts DIR]`: ask questions and what-ifs.
//!
//! At a terminal: rustyline with completion, hints, multi-line input and
//! history. With standard input from a pipe or file: each entry's answer is
//! printed, nothing else, and the exit status is 1 when an entry failed.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::Editor;
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;

use super::{ContractsArg, load_or_report};
use crate::repl::command::expression_part;
use crate::repl::complete::{ReplHelper, Words};
use crate::repl::{Reply, Session};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// The case's facts to start from: a JSON or TOML file
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    #[command(flatten)]
    pub contracts: ContractsArg,
}

pub fn run(args: &Args) -> i32 {
    let Some(prog) = load_or_report(&args.contracts.source()) else {
        return 1;
    };
    let mut session = Session::new(prog);
    let interactive = std::io::stdin().is_terminal();
    if let Some(f) = &args.facts {
        let reply = session.load_facts(f);
        if reply.failed() {
            print_reply(&reply, false);
            return 1;
        }
        print_reply(
            &Reply {
                note: String::new(),
                ..reply
            },
            interactive,
        );
    }
    if interactive {
        interactive_loop(session, args)
    } else {
        piped(session)
    }
}

/// Prints a reply: the answer to standard output, the rest to standard error.
fn print_reply(r: &Reply, interactive: bool) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(r.answer.as_bytes());
    let _ = out.flush();
    let mut err = std::io::stderr().lock();
    if interactive {
        let _ = err.write_all(r.note.as_bytes());
    }
    let _ = err.write_all(r.warning.as_bytes());
    let _ = err.write_all(r.error.as_bytes());
}

/// Reads entries from standard input; an entry goes on over lines while the
/// parser says it is unfinished.
fn piped(mut session: Session) -> i32 {
    let mut failed = false;
    let mut entry = String::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        let line = match lines.next() {
            Some(Ok(l)) => Some(l),
            Some(Err(e)) => {
                eprintln!("error: cannot read standard input: {e}");
                return 1;
            }
            None => None,
        };
        let at_end = line.is_none();
        if let Some(l) = line {
            if !entry.is_empty() {
                entry.push('\n');
            }
            entry.push_str(&l);
            if expression_part(&entry).is_some_and(crate::syntax::is_incomplete) {
                continue;
            }
        }
        if !entry.trim().is_empty() {
            let reply = session.handle(&entry);
            print_reply(&reply, false);
            failed |= reply.failed();
            if reply.quit {
                break;
            }
        }
        entry.clear();
        if at_end {
            break;
        }
    }
    i32::from(failed)
}

/// The history file: `$CBA_HISTORY` (empty: no history), else
/// `$XDG_DATA_HOME/cba/history`, else `~/.local/share/cba/history`.
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CBA_HISTORY") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("cba").join("history"))
}

fn greeting(session: &Session, args: &Args) -> String {
    let prog = session.program();
    let contracts = match &args.contracts.contracts {
        Some(d) => format!("the contracts in `{}`", d.display()),
        None => "the Agreement".into(),
    };
    let contract = |m: u32| !prog.modules[m as usize].is_stdlib;
    let modules = prog.modules.iter().filter(|m| !m.is_stdlib).count();
    let rules = prog
        .rules
        .iter()
        .filter(|r| r.params.is_none() && contract(r.module))
        .count();
    format!(
        "cba repl: {contracts}, {modules} modules, {rules} rules. Type :help for help, Tab to complete, :quit to leave."
    )
}

fn interactive_loop(mut session: Session, args: &Args) -> i32 {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(true)
        .history_ignore_dups(true)
        .and_then(|b| b.max_history_size(1000))
        .map(|b| b.build());
    let mut editor: Editor<ReplHelper, DefaultHistory> = match config.and_then(Editor::with_config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return piped(session);
        }
    };
    editor.set_helper(Some(ReplHelper::new(Words::of(session.program()))));
    let history = history_path();
    if let Some(h) = &history
        && h.exists()
        && let Err(e) = editor.load_history(h)
    {
        eprintln!("warning: cannot read the history in `{}`: {e}", h.display());
    }
    println!("{}", greeting(&session, args));
    let mut generation = session.generation();
    loop {
        match editor.readline("cba> ") {
            Ok(line) => {
                let reply = session.handle(&line);
                print_reply(&reply, true);
                if reply.quit {
                    break;
                }
                if session.generation() != generation {
                    generation = session.generation();
                    editor.set_helper(Some(ReplHelper::new(Words::of(session.program()))));
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        let saved = h
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(ReadlineError::from)
            .and_then(|()| editor.save_history(h));
        if let Err(e) = saved {
            eprintln!("warning: cannot save the history in `{}`: {e}", h.display());
        }
    }
    0
}
