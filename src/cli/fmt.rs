//! `cba fmt [--check] [PATHS…]`: rewrite `.cba` files in the canonical layout.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::Exit;
use crate::fmt::{FmtError, format_source};
use crate::source::{RuleFile, SourceMap, read_dir_rules, read_rule_file};
use crate::syntax::span::FileId;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// Files or directories to format; `-` formats standard input to standard
    /// output (default: `contracts` and `stdlib` under the current directory)
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted and exit 1 if any
    #[arg(long)]
    pub check: bool,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    /// The file does not parse (exit 1).
    Failed,
    /// The file could not be read or written (exit 2).
    Unreadable,
}

pub fn run(args: &Args) -> i32 {
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths = ["contracts", "stdlib"]
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .collect();
        if paths.is_empty() {
            eprintln!(
                "error: no `contracts` or `stdlib` directory here\n  help: name the files to format: `cba fmt FILE…`"
            );
            return Exit::CouldNotRun.code();
        }
    }
    let mut files = Vec::new();
    for p in &paths {
        if p.as_os_str() == "-" {
            return stdin(args.check);
        }
        if p.is_dir() {
            match read_dir_rules(p) {
                Ok(found) => files.extend(found.into_iter().map(|f| (PathBuf::from(&f.name), Ok(f)))),
                Err(e) => {
                    eprintln!("error: cannot read `{}`: {e}", p.display());
                    return Exit::CouldNotRun.code();
                }
            }
        } else {
            files.push((p.clone(), read_rule_file(p)));
        }
    }
    let (mut changed, mut failed, mut unreadable) = (0, 0, 0);
    for (path, file) in files {
        let outcome = match file {
            // Not UTF-8: error E0007 at the first bad byte; the file is left alone.
            Ok(RuleFile {
                name,
                text,
                not_utf8: Some(at),
            }) => {
                let mut sources = SourceMap::default();
                let id = sources.add(name, text);
                eprint!(
                    "{}",
                    crate::report::render_text(&sources, &[crate::load::not_utf8(id, at)])
                );
                Outcome::Failed
            }
            Ok(f) => one_file(&path, &f.text, args.check),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                Outcome::Unreadable
            }
        };
        match outcome {
            Outcome::Unchanged => {}
            Outcome::Changed => changed += 1,
            Outcome::Failed => failed += 1,
            Outcome::Unreadable => unreadable += 1,
        }
    }
    if unreadable > 0 {
        Exit::CouldNotRun.code()
    } else if failed > 0 {
        Exit::Problems.code()
    } else if args.check && changed > 0 {
        eprintln!(
            "{changed} file{} not formatted\n  help: run `cba fmt` to format {}",
            if changed == 1 { "" } else { "s" },
            if changed == 1 { "it" } else { "them" }
        );
        Exit::Problems.code()
    } else {
        Exit::Ok.code()
    }
}

fn one_file(path: &Path, text: &str, check: bool) -> Outcome {
    let formatted = match format_or_report(&path.display().to_string(), text) {
        Some(f) => f,
        None => return Outcome::Failed,
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if check {
        println!("{}", path.display());
    } else if let Err(e) = crate::files::replace(path, formatted.as_bytes()) {
        // Written beside the file and renamed over it: a full disk or a size
        // limit leaves the old file whole, never cut short.
        eprintln!("error: cannot write `{}`: {e}", path.display());
        return Outcome::Unreadable;
    } else {
        println!("formatted {}", path.display());
    }
    Outcome::Changed
}

/// The formatted text, or `None` after printing why it cannot be formatted.
fn format_or_report(name: &str, text: &str) -> Option<String> {
    match format_source(text, FileId(0)) {
        Ok(f) => Some(f),
        Err(FmtError::Syntax(diags)) => {
            let mut sources = SourceMap::default();
            sources.add(name, text);
            eprint!("{}", crate::report::render_text(&sources, &diags));
            None
        }
        Err(FmtError::Unstable(why)) => {
            eprintln!("error: cannot format `{name}`: {why}");
            None
        }
    }
}

fn stdin(check: bool) -> i32 {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {e}");
        return Exit::CouldNotRun.code();
    }
    match format_or_report("<stdin>", &text) {
        Some(f) if check => Exit::problems_if(f != text).code(),
        Some(f) => {
            print!("{f}");
            Exit::Ok.code()
        }
        None => Exit::Problems.code(),
    }
}
