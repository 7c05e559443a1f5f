//! The `cba` command line: one file per subcommand, each a thin layer over the
//! library whose `run` returns the exit code (so tests can call it directly).

pub mod batch;
pub mod check;
pub mod diff;
pub mod eval;
pub mod fmt;
pub mod generate;
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
    about = "Rules of a collective bargaining agreement: check them, ask them questions"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and type-check the standard library and the contracts
    Check(check::Args),
    /// Answer queries (or an expression) for the facts of one case
    Eval(eval::Args),
    /// Run the tests of the contracts and the case files
    Test(test::Args),
    /// Answer queries for many cases: JSON Lines, CSV, or a directory of fact files
    Batch(batch::Args),
    /// Write deterministic grievance records (JSON Lines) for `cba batch`
    Generate(generate::Args),
    /// Print the outline of an Agreement's text (articles, sections, paragraphs) for citation checks
    Outline(outline::Args),
    /// Rewrite rule files in the canonical layout
    Fmt(fmt::Args),
    /// What a proposal changes: rules by meaning, answers over cases
    Diff(diff::Args),
    /// Ask questions and what-ifs interactively (or from a script on standard input)
    Repl(repl::Args),
    /// Serve the Agreement on the web: the literate text, rules, what-if, proposals, and a JSON API
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
    #[arg(long, value_name = "DIR")]
    pub contracts: Option<PathBuf>,
}

impl ContractsArg {
    pub fn source(&self) -> Contracts {
        match &self.contracts {
            Some(d) => Contracts::Dir(d.clone()),
            None => Contracts::Embedded,
        }
    }

    pub fn api_source(&self) -> Source {
        match &self.contracts {
            Some(d) => Source::Dir(d.clone()),
            None => Source::Builtin,
        }
    }
}

/// Loads an engine, printing its diagnostics (warnings too); `None` when it
/// does not load.
pub fn load_engine(source: &Source) -> Option<Engine> {
    match Engine::load_with_warnings(source) {
        Ok((engine, warnings)) => {
            if !warnings.is_empty() {
                eprint!("{}", crate::report::render_text(&engine.program().sources, &warnings));
            }
            Some(engine)
        }
        Err(LoadError::Read(e)) => {
            eprintln!("{:?}", miette::miette!("{e}"));
            None
        }
        Err(e) => {
            eprint!("{}", e.render_text());
            None
        }
    }
}

/// Loads the program, printing its diagnostics; `None` when it has errors.
pub fn load_or_report(contracts: &Contracts) -> Option<crate::ir::Program> {
    let loaded: Loaded = match load(contracts) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{:?}", miette::miette!("{e}"));
            return None;
        }
    };
    if !loaded.diags.is_empty() {
        eprint!("{}", crate::report::render_text(loaded.sources(), &loaded.diags));
    }
    loaded.program.ok()
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(a) => check::run(&a),
        Command::Eval(a) => eval::run(&a),
        Command::Test(a) => test::run(&a),
        Command::Batch(a) => batch::run(&a),
        Command::Generate(a) => generate::run(&a),
        Command::Outline(a) => outline::run(&a),
        Command::Fmt(a) => fmt::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::Repl(a) => repl::run(&a),
        Command::Serve(a) => serve::run(&a),
    }
}
