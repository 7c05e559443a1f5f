//! `cba diff OLD NEW [--base BASE] [--cases FILE|DIR] [--format text|json]`: what
//! a proposal changes, in meaning and in outcomes. Exit 0 when nothing changes,
//! 1 when something does, 2 on trouble (like diff(1)).

use std::path::PathBuf;

use super::Format;
use crate::diff::{Version, diff, outcomes::read_corpus, report};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// The old contracts: a directory, or `embedded` for the built-in Agreement
    pub old: String,
    /// The new contracts: a directory, or `embedded`
    pub new: String,
    /// Read OLD and NEW directories as overlays on these contracts (a directory
    /// or `embedded`): each file replaces the base's file of the same module
    #[arg(long, value_name = "BASE")]
    pub base: Option<String>,
    /// Cases to compare: a JSON Lines file (one fact object a line), a fact file,
    /// or a directory of them (default: the cases of the inline tests)
    #[arg(long, value_name = "FILE|DIR")]
    pub cases: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn trouble(message: &str) -> i32 {
    eprintln!("{:?}", miette::miette!("{message}"));
    super::Exit::CouldNotRun.code()
}

pub fn run(args: &Args) -> i32 {
    let base = match args.base.as_deref().map(|b| Version::read(b, None)) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => return trouble(&e),
    };
    let versions = (
        Version::read(&args.old, base.as_ref()),
        Version::read(&args.new, base.as_ref()),
    );
    let (old, new) = match versions {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return trouble(&e),
    };
    let corpus = match &args.cases {
        None => None,
        Some(p) => match read_corpus(p) {
            Ok(c) => Some(c),
            Err(e) => return trouble(&e),
        },
    };
    let (old_loaded, new_loaded) = match (old.load(), new.load()) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            // A version that does not check cannot be compared (1 means "changed" here).
            eprint!("{e}");
            return super::Exit::CouldNotRun.code();
        }
    };
    let result = diff(&old_loaded, &new_loaded, (&old.label, &new.label), corpus);
    match args.format {
        Format::Text => print!("{}", report::text(&result)),
        Format::Json => println!("{}", report::json(&result)),
    }
    // As `diff` does: 1 when something changed (docs/cli.md).
    super::Exit::problems_if(result.has_changes()).code()
}
