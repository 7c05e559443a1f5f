//! `cba diff OLD NEW [--base BASE] [--cases FILE|DIR] [--format text|json]`: what
//! a proposal changes, in meaning and in outcomes. Exit 0 when nothing changes,
//! 1 when something does, 2 on trouble (like diff(1)).

use std::path::PathBuf;

use super::Format;
use crate::api::{DiffCases, Engine, LoadError, Source, diff_labeled, diff_version as version};

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

/// Loads one version; a version that does not check cannot be compared (1
/// means "changed" here), so both failures are 2.
fn load(spec: &str, source: &Source) -> Result<Engine, i32> {
    Engine::load(source).map_err(|e| match e {
        LoadError::Read(m) => trouble(&m),
        LoadError::Check { .. } => {
            eprint!("{spec} does not check:\n{}", e.render_text());
            super::Exit::CouldNotRun.code()
        }
    })
}

pub fn run(args: &Args) -> i32 {
    let base = match args.base.as_deref().map(|b| version(b, None)) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => return trouble(&e),
    };
    let versions = (version(&args.old, base.as_ref()), version(&args.new, base.as_ref()));
    let (old, new) = match versions {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return trouble(&e),
    };
    let cases = match &args.cases {
        None => DiffCases::InlineTests,
        Some(p) => match DiffCases::read(p) {
            Ok(c) => c,
            Err(e) => return trouble(&e),
        },
    };
    let (old_engine, new_engine) = match (load(&args.old, &old), load(&args.new, &new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let report = match diff_labeled(&old_engine, &new_engine, (&args.old, &args.new), &cases) {
        Ok(r) => r,
        Err(e) => return trouble(&e),
    };
    match args.format {
        Format::Text => print!("{}", report.to_text()),
        Format::Json => println!("{}", report.to_json()),
    }
    // As `diff` does: 1 when something changed (docs/cli.md).
    super::Exit::problems_if(report.has_changes()).code()
}
