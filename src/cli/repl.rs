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

use super::{ContractsArg, Exit, load_program};
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
    let prog = match load_program(&args.contracts.source()) {
        Ok(p) => p,
        Err(e) => return e.code(),
    };
    let mut session = Session::new(prog);
    let interactive = std::io::stdin().is_terminal();
    if let Some(f) = &args.facts {
        if !f.exists() {
            eprintln!("error: cannot read the facts file `{}`: it does not exist", f.display());
            return Exit::CouldNotRun.code();
        }
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

/// Whether `entry` goes on over the next line: its expression is unfinished (an
/// open bracket, a dangling operator) and no error lies before its end. An empty
/// line always ends an entry, so a mistake cannot swallow the lines after it.
fn continues(entry: &str, last_line: &str) -> bool {
    if last_line.trim().is_empty() {
        return false;
    }
    match expression_part(entry) {
        // `:set path = VALUE`: the value may be JSON, open until its brackets close.
        Some(value) if entry.trim_start().starts_with(':') => crate::syntax::is_incomplete_value(value),
        Some(expr) => crate::syntax::is_incomplete(expr),
        None => false,
    }
}

/// Reads entries from standard input; an entry goes on over lines while the
/// parser says it is unfinished. Messages give the script's line numbers.
fn piped(mut session: Session) -> i32 {
    let mut failed = false;
    let mut entry = String::new();
    let mut first_line = 1;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut number = 0;
    loop {
        let line = match lines.next() {
            Some(Ok(l)) => Some(l),
            Some(Err(e)) => {
                eprintln!("error: cannot read standard input: {e}");
                return Exit::CouldNotRun.code();
            }
            None => None,
        };
        let at_end = line.is_none();
        if let Some(l) = line {
            number += 1;
            if entry.is_empty() {
                first_line = number;
            } else {
                entry.push('\n');
            }
            entry.push_str(&l);
            if continues(&entry, &l) {
                continue;
            }
        }
        if !entry.trim().is_empty() {
            session.set_script_line(Some(first_line));
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
    Exit::problems_if(failed).code()
}

/// Ctrl-C while an entry is evaluated abandons that entry, not the session: the
/// terminal is out of raw mode then, so the key arrives as SIGINT, which sets the
/// evaluator's interrupt flag. At the prompt the line editor reads it as a key.
fn catch_interrupts() {
    extern "C" fn on_sigint(_: libc::c_int) {
        crate::eval::INTERRUPT.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
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
    let contract = |m: crate::ir::ModuleId| !prog.modules[m].is_stdlib;
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
        .auto_add_history(false)
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
    catch_interrupts();
    let mut entry = String::new();
    loop {
        // An unfinished entry goes on after a continuation prompt; an empty line
        // (or Ctrl-C) ends it.
        let prompt = if entry.is_empty() { "cba> " } else { "...> " };
        match editor.readline(prompt) {
            Ok(line) => {
                if !entry.is_empty() {
                    entry.push('\n');
                }
                entry.push_str(&line);
                if continues(&entry, &line) {
                    continue;
                }
                let _ = editor.add_history_entry(entry.as_str());
                crate::eval::INTERRUPT.store(false, std::sync::atomic::Ordering::Relaxed);
                let reply = session.handle(&entry);
                entry.clear();
                if crate::eval::INTERRUPT.swap(false, std::sync::atomic::Ordering::Relaxed) {
                    eprintln!("interrupted: the entry was abandoned");
                    continue;
                }
                print_reply(&reply, true);
                if reply.quit {
                    break;
                }
                if session.generation() != generation {
                    generation = session.generation();
                    editor.set_helper(Some(ReplHelper::new(Words::of(session.program()))));
                }
            }
            Err(ReadlineError::Interrupted) => entry.clear(),
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
