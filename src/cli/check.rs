//! `cba check [PATHS…]`: parse and type-check, reporting every error.

use std::path::PathBuf;

use super::{ContractsArg, Format};
use crate::diag::Severity;
use crate::load::{Contracts, load};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// Files or directories to check with the standard library (default: the built-in Agreement)
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub contracts: ContractsArg,
    /// Output format of the diagnostics
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Treat the lints' warnings as errors: `--deny warnings`
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    pub deny: Option<String>,
}

pub fn run(args: &Args) -> i32 {
    let source = if args.paths.is_empty() {
        args.contracts.source()
    } else {
        Contracts::Paths(args.paths.clone())
    };
    let loaded = match load(&source) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{:?}", miette::miette!("{e}"));
            return super::Exit::CouldNotRun.code();
        }
    };
    let mut loaded = loaded;
    // The built-in Agreement was linted when the binary was built (see `crate::builtin`).
    let linted = matches!(source, Contracts::Embedded) && crate::builtin::LINTS_CLEAN;
    if let Ok(prog) = &loaded.program
        && !linted
    {
        let outline = crate::lint::outline_for(&source);
        match &outline {
            Ok(o) => loaded.diags.extend(crate::lint::lint(prog, o.as_ref())),
            Err(e) => eprintln!("{:?}", miette::miette!("{e}")),
        }
    }
    if args.deny.is_some() {
        for d in &mut loaded.diags {
            d.severity = Severity::Error;
        }
    }
    let errors = loaded.diags.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = loaded.diags.len() - errors;
    match args.format {
        Format::Json => println!("{}", crate::report::render_json(loaded.sources(), &loaded.diags)),
        Format::Text => {
            // Diagnostics on standard error (coloured at a terminal), the summary
            // (the answer) on standard output.
            let colour = crate::report::stderr_colour();
            eprint!(
                "{}",
                crate::report::render_text_coloured(loaded.sources(), &loaded.diags, colour)
            );
            let files = loaded.sources().files.len();
            if errors == 0 {
                println!("checked {files} files: no errors{}", plural(warnings, "warning", ", "));
            } else {
                println!(
                    "checked {files} files: {errors} error{}{}",
                    if errors == 1 { "" } else { "s" },
                    plural(warnings, "warning", ", ")
                );
            }
        }
    }
    super::Exit::problems_if(errors > 0).code()
}

fn plural(n: usize, what: &str, sep: &str) -> String {
    match n {
        0 => String::new(),
        1 => format!("{sep}1 {what}"),
        n => format!("{sep}{n} {what}s"),
    }
}
