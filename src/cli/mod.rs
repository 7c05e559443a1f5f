//! The `cba` command line: one file per subcommand, each a thin layer over the
//! library whose `run` returns the exit code (so tests can call it directly).

pub mod batch;
pub mod check;
pub mod completions;
pub mod diff;
pub mod doc;
pub mod eval;
pub mod flip;
pub mod fmt;
pub mod generate;
pub mod inputs;
pub mod lsp;
pub mod man;
pub mod outline;
pub mod repl;
pub mod serve;
pub mod test;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::api::{Engine, LoadError, Source};
use crate::load::{Contracts, Loaded, load};

#[derive(Parser, Debug)]
#[command(
    name = "cba",
    version,
    about = "Rules of a collective bargaining agreement: check them, ask them questions",
    after_help = "Examples:
  cba eval --facts examples/facts/grievance.json --query 'grievance.*'
  cba check
  cba repl --facts examples/facts/grievance.json

Exit status: 0 ok, 1 the input has problems, 2 could not run (docs/cli.md)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and type-check the standard library and the contracts
    #[command(after_help = "Examples:
  cba check                              the built-in Agreement
  cba check --deny warnings              lints fail the check too
  cba check new-module.cba               a module with the standard library alone
  cba check --overlay new-module.cba     a module over the Agreement (its facts and rules)
  cba check --contracts proposal/ --format json")]
    Check(check::Args),
    /// Answer queries (or an expression) for the facts of one case
    #[command(after_help = "Examples:
  cba eval --facts examples/facts/grievance.json --query 'grievance.*'
  cba eval --facts case.toml --query grievance.step2_deadline --explain
  cba eval --expr 'add_workdays(2025-11-25, 3)'
  echo '{\"as_of\": \"2025-01-01\"}' | cba eval --facts - --format json")]
    Eval(eval::Args),
    /// Run the tests of the contracts and the case files
    #[command(after_help = "Examples:
  cba test                               every test of the Agreement
  cba test --coverage
  cba test tests/cases/                  case files (facts + expected answers)")]
    Test(test::Args),
    /// The facts queries can read (with `--facts`: which a case's answers read, and which it gives in vain)
    #[command(after_help = "Examples:
  cba inputs grievance.step2_timely
  cba inputs 'grievance.*' --facts examples/facts/grievance.json --format json")]
    Inputs(inputs::Args),
    /// Answer queries for many cases: JSON Lines, CSV, or a directory of fact files
    #[command(after_help = "Examples:
  cba batch --input cases.jsonl --output answers.jsonl
  cba batch --input cases.csv --query 'grievance.*' --format csv
  cba generate --count 1000 | cba batch --input - --jobs 2")]
    Batch(batch::Args),
    /// Write deterministic grievance records (JSON Lines) for `cba batch`
    #[command(after_help = "Example:
  cba generate --count 1000 > cases.jsonl")]
    Generate(generate::Args),
    /// Print the outline of an Agreement's text (articles, sections, paragraphs) for citation checks
    #[command(after_help = "Example:
  cba outline national-agreement-2013.txt > contracts/agreement.outline")]
    Outline(outline::Args),
    /// Rewrite rule files in the canonical layout
    #[command(after_help = "Examples:
  cba fmt                                every rule file of the repository's contracts
  cba fmt --check my-module.cba          exit 1 if it is not formatted
  cba fmt - < in.cba > out.cba")]
    Fmt(fmt::Args),
    /// Write the reference generated from the rules: every public query, or every reading
    #[command(after_help = "Examples:
  cba doc --output docs/queries.md
  cba doc readings --output docs/readings.md
  cba doc --format json | jq '.[0]'")]
    Doc(doc::Args),
    /// What a proposal changes: rules by meaning, answers over cases
    #[command(after_help = "Examples:
  cba diff embedded examples/proposals/2026-union --base embedded
  cba diff embedded proposal/ --base embedded --cases corpus.jsonl --format json")]
    Diff(diff::Args),
    /// Ask questions and what-ifs interactively (or from a script on standard input)
    #[command(after_help = "Examples:
  cba repl --facts examples/facts/grievance.json
  printf 'grievance.step1_deadline\n' | cba repl --facts examples/facts/grievance.json")]
    Repl(repl::Args),
    /// Serve editors over the Language Server Protocol on standard input and output
    #[command(after_help = "Example (an editor starts it; see editors/vscode/ and the README):
  cba lsp")]
    Lsp(lsp::Args),
    /// Print a shell's completion script (bash, zsh, fish, elvish, powershell)
    #[command(after_help = "Examples:
  cba completions bash > ~/.local/share/bash-completion/completions/cba
  cba completions zsh > ~/.zfunc/_cba")]
    Completions(completions::Args),
    /// Print the manual page (roff) of cba or of one command
    #[command(after_help = "Examples:
  cba man | man -l -
  cba man eval > cba-eval.1")]
    Man(man::Args),
    /// Serve the Agreement on the web: the literate text, rules, what-if, proposals, and a JSON API
    #[command(after_help = "Examples:
  cba serve                                          then open http://127.0.0.1:8080/
  cba serve --proposal union=examples/proposals/2026-union --bind 127.0.0.1:9000")]
    Serve(serve::Args),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Options shared by commands that load the Agreement.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ContractsArg {
    /// A directory of `.cba` contracts to use instead of the built-in Agreement
    #[arg(long, value_name = "DIR", conflicts_with = "overlay")]
    pub contracts: Option<PathBuf>,
    /// Rule files (or directories of them) over the built-in Agreement: each
    /// replaces the built-in file of the same module or adds a module (repeatable)
    #[arg(long, value_name = "DIR|FILE")]
    pub overlay: Vec<PathBuf>,
}

impl ContractsArg {
    pub fn source(&self) -> Contracts {
        match &self.contracts {
            Some(d) => Contracts::Dir(d.clone()),
            None if !self.overlay.is_empty() => Contracts::Overlay(self.overlay.clone()),
            None => Contracts::Embedded,
        }
    }

    pub fn api_source(&self) -> Source {
        match &self.contracts {
            Some(d) => Source::Dir(d.clone()),
            None if !self.overlay.is_empty() => Source::Overlay {
                base: Box::new(Source::Builtin),
                over: self.overlay.clone(),
            },
            None => Source::Builtin,
        }
    }
}

/// Loads an engine, printing its diagnostics (warnings too) on standard error:
/// the engine, or how to exit ([`Exit::CouldNotRun`] when the contracts cannot
/// be read, [`Exit::Problems`] when they have errors).
pub fn load_engine(source: &Source) -> Result<Engine, Exit> {
    if let Source::Dir(d) = source
        && !d.exists()
    {
        eprintln!(
            "{:?}",
            miette::miette!(
                help = "`--contracts` takes a directory of `.cba` files",
                "the contracts directory `{}` does not exist",
                d.display()
            )
        );
        return Err(Exit::CouldNotRun);
    }
    let colour = crate::report::stderr_colour();
    match Engine::load_with_warnings(source) {
        Ok((engine, warnings)) => {
            if !warnings.is_empty() {
                let text = crate::report::render_text_coloured(&engine.program().sources, &warnings, colour);
                eprint!("{text}");
            }
            Ok(engine)
        }
        Err(LoadError::Read(e)) => {
            eprintln!(
                "{:?}",
                miette::miette!(help = "`--contracts` takes a directory of `.cba` files", "{e}")
            );
            Err(Exit::CouldNotRun)
        }
        Err(LoadError::Check { sources, diagnostics }) => {
            eprint!(
                "{}",
                crate::report::render_text_coloured(&sources, &diagnostics, colour)
            );
            Err(Exit::Problems)
        }
    }
}

/// Reports a `--query` that names no module or query, the same way in every
/// command (the nearest name as help), and returns [`Exit::CouldNotRun`]: a
/// misspelt name is a usage mistake, not a problem of the input.
pub fn unknown_name(e: &crate::api::SelectError) -> Exit {
    use crate::api::SelectErrorKind;
    let what = match e.kind {
        SelectErrorKind::UnknownModule => {
            let module = e.pattern.strip_suffix(".*").unwrap_or(&e.pattern);
            format!("unknown module `{module}` in `{}`", e.pattern)
        }
        SelectErrorKind::UnknownQuery => format!("unknown query `{}`", e.pattern),
        SelectErrorKind::UnknownRule => format!("there is no rule `{}`", e.pattern),
    };
    let help = match &e.suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => "`cba repl` then `:rules` lists the modules and their queries".to_string(),
    };
    eprintln!("{:?}", miette::miette!(help = help, "{what}"));
    Exit::CouldNotRun
}

/// How a command ended: the one exit-status convention of every subcommand
/// (docs/cli.md). Usage mistakes caught by the argument parser exit 2 too.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: everything asked was done and nothing was wrong.
    Ok,
    /// 1: the input has problems: rule files with errors, a fact file with a
    /// mistake, a failing query, test or record; for `fmt --check` and `diff`,
    /// differences found.
    Problems,
    /// 2: the command could not run: a missing or unreadable file or directory,
    /// an unknown query or module, a bad option, an output it cannot write.
    CouldNotRun,
}

impl Exit {
    pub fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Problems => 1,
            Exit::CouldNotRun => 2,
        }
    }

    /// [`Exit::Problems`] when `failed`, else [`Exit::Ok`].
    pub fn problems_if(failed: bool) -> Exit {
        if failed { Exit::Problems } else { Exit::Ok }
    }
}

impl From<Exit> for i32 {
    fn from(e: Exit) -> i32 {
        e.code()
    }
}

/// Loads the program, printing its diagnostics on standard error: the program,
/// or how to exit ([`Exit::CouldNotRun`] when the contracts cannot be read,
/// [`Exit::Problems`] when they have errors).
pub fn load_program(contracts: &Contracts) -> Result<crate::ir::Program, Exit> {
    let loaded: Loaded = match load(contracts) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "{:?}",
                miette::miette!(help = "`--contracts` takes a directory of `.cba` files", "{e}")
            );
            return Err(Exit::CouldNotRun);
        }
    };
    if !loaded.diags.is_empty() {
        let colour = crate::report::stderr_colour();
        eprint!(
            "{}",
            crate::report::render_text_coloured(loaded.sources(), &loaded.diags, colour)
        );
    }
    loaded.program.map_err(|_| Exit::Problems)
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(a) => check::run(&a),
        Command::Eval(a) => eval::run(&a),
        Command::Test(a) => test::run(&a),
        Command::Inputs(a) => inputs::run(&a),
        Command::Batch(a) => batch::run(&a),
        Command::Generate(a) => generate::run(&a),
        Command::Outline(a) => outline::run(&a),
        Command::Fmt(a) => fmt::run(&a),
        Command::Doc(a) => doc::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::Repl(a) => repl::run(&a),
        Command::Lsp(a) => lsp::run(&a),
        Command::Completions(a) => completions::run(&a),
        Command::Man(a) => man::run(&a),
        Command::Serve(a) => serve::run(&a),
    }
}
