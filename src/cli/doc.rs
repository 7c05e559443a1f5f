//! `cba doc [queries|readings] [--format md|json] [--output FILE]`: the reference
//! generated from the rules (see [`crate::doc`]): every public query, or every
//! recorded reading of ambiguous text.

use std::path::PathBuf;

use clap::ValueEnum;

use super::ContractsArg;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Topic {
    /// Every public query: type, citation, meaning, facts read
    #[default]
    Queries,
    /// Every reading of ambiguous text recorded in the doc comments
    Readings,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum DocFormat {
    #[default]
    Md,
    Json,
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// What to write
    #[arg(value_enum, default_value_t = Topic::Queries)]
    pub topic: Topic,
    /// Markdown (the pages under docs/) or JSON
    #[arg(long, value_enum, default_value_t = DocFormat::Md)]
    pub format: DocFormat,
    /// Write to FILE (through a temporary file and a rename) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub contracts: ContractsArg,
}

pub fn run(args: &Args) -> i32 {
    let Some(prog) = super::load_or_report(&args.contracts.source()) else {
        return 1;
    };
    let text = match (args.topic, args.format) {
        (Topic::Queries, DocFormat::Md) => crate::doc::queries_markdown(&prog),
        (Topic::Readings, DocFormat::Md) => crate::doc::readings_markdown(&prog),
        (Topic::Queries, DocFormat::Json) => json_text(&crate::doc::queries_json(&prog)),
        (Topic::Readings, DocFormat::Json) => json_text(&crate::doc::readings_json(&prog)),
    };
    let Some(out) = &args.output else {
        print!("{text}");
        return 0;
    };
    if is_input(&prog, out) {
        eprintln!(
            "{:?}",
            miette::miette!(
                help = "write the reference to another file, e.g. `docs/queries.md`",
                "`{}` is a rule file this command reads; refusing to overwrite it",
                out.display()
            )
        );
        return 2;
    }
    match crate::doc::write_atomic(out, &text) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "{:?}",
                miette::miette!(
                    help = "check that the directory exists and is writable",
                    "cannot write `{}`: {e}",
                    out.display()
                )
            );
            2
        }
    }
}

fn json_text(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Whether `out` is one of the files the program was read from.
fn is_input(prog: &crate::ir::Program, out: &std::path::Path) -> bool {
    let Ok(out) = out.canonicalize() else { return false };
    prog.sources
        .files
        .iter()
        .any(|f| std::path::Path::new(&f.name).canonicalize().is_ok_and(|p| p == out))
}
