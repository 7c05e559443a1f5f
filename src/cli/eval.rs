//! `cba eval --facts FILE [--query NAME]… [--expr EXPR]`: answer queries for one case.

use std::io::Read;
use std::path::PathBuf;

use super::{ContractsArg, Exit, Format, load_engine};
use crate::api::{Engine, ExplainMode, FactFormat, Facts};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// The case's facts: a JSON or TOML file, or `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    /// A query to answer, like `grievance.step1_deadline`, or `grievance.*` for what the facts
    /// allow of one module (repeatable; default: every query the facts allow)
    #[arg(long = "query", value_name = "NAME")]
    pub queries: Vec<String>,
    /// An expression to evaluate against the facts and all modules
    #[arg(long, value_name = "EXPR")]
    pub expr: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Explain each answer: the rules used, the branch that fired, the facts read, the citations
    #[arg(long)]
    pub explain: bool,
    /// With the explanation, also show the `when` branches that did not fire and why (implies --explain)
    #[arg(long)]
    pub why_not: bool,
    /// Facts the case gives that no declared fact matches are errors (by default, warnings)
    #[arg(long)]
    pub strict: bool,
    /// For each answer and each fact it read: the nearest values that change the answer
    #[arg(long)]
    pub flip: bool,
    /// With --flip: for a true/false or enum answer no single fact changes, pairs of facts
    #[arg(long, requires = "flip")]
    pub pairs: bool,
    #[command(flatten)]
    pub contracts: ContractsArg,
}

/// Reads a fact file (`-`: standard input) into prepared facts. Errors are
/// printed; returns `None` then.
pub fn read_facts(engine: &Engine, path: &PathBuf, strict: bool) -> Option<Facts> {
    let (name, text) = if path.as_os_str() == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!(
                "{:?}",
                miette::miette!("cannot read the facts from standard input: {e}")
            );
            return None;
        }
        ("<stdin>".to_string(), s)
    } else {
        match std::fs::read_to_string(path) {
            Ok(s) => (path.display().to_string(), s),
            Err(e) => {
                eprintln!(
                    "{:?}",
                    miette::miette!("cannot read the facts file `{}`: {e}", path.display())
                );
                return None;
            }
        }
    };
    let is_toml = path.extension().is_some_and(|e| e == "toml")
        || (path.as_os_str() == "-" && !text.trim_start_matches('\u{feff}').trim_start().starts_with('{'));
    let format = if is_toml { FactFormat::Toml } else { FactFormat::Json };
    match engine.facts_from_text(&name, &text, format) {
        Ok(f) => {
            // Keys that name no fact are usually typos: say so (errors with --strict).
            let what = if strict { "error" } else { "warning" };
            for u in f.unknown() {
                eprintln!("{what}: {name}: {u}");
            }
            if strict && !f.unknown().is_empty() {
                return None;
            }
            Some(f)
        }
        Err(e) if e.syntax => {
            let offset = e.offset.unwrap_or(0);
            eprint!(
                "{}",
                crate::report::render_at(
                    &name,
                    &text,
                    offset,
                    &format!("{name}: {}", e.message),
                    "here",
                    "fix the syntax of the fact file",
                    crate::report::stderr_colour(),
                )
            );
            None
        }
        Err(e) => {
            eprintln!("{:?}", miette::miette!("{e}"));
            None
        }
    }
}

pub fn run(args: &Args) -> i32 {
    // Nothing asked: say how to ask rather than answer nothing.
    if args.facts.is_none() && args.queries.is_empty() && args.expr.is_none() {
        eprintln!(
            "{:?}",
            miette::miette!(
                help = "give `--facts FILE` (every query those facts answer), `--query NAME` or `--expr TEXT`; see `cba eval --help`",
                "nothing to evaluate"
            )
        );
        return Exit::CouldNotRun.code();
    }
    let engine = match load_engine(&args.contracts.api_source()) {
        Ok(e) => e,
        Err(exit) => return exit.code(),
    };
    // An unknown module or query is a usage mistake (exit 2), said before the
    // facts are read, as in every command.
    if let Err(e) = crate::api::select::select(engine.program(), &args.queries, None) {
        return super::unknown_name(&e).code();
    }
    let facts = match &args.facts {
        // A file that is not there could not be read: the command could not run.
        Some(f) if f.as_os_str() != "-" && !f.exists() => {
            eprintln!(
                "{:?}",
                miette::miette!(
                    help = "give a JSON or TOML fact file, or `-` for standard input",
                    "cannot read the facts file `{}`: it does not exist",
                    f.display()
                )
            );
            return Exit::CouldNotRun.code();
        }
        Some(f) => match read_facts(&engine, f, args.strict) {
            Some(facts) => facts,
            None => return Exit::Problems.code(),
        },
        None => engine.empty_facts(),
    };
    if let Some(text) = &args.expr {
        return eval_expr(&engine, &facts, text, args.format);
    }
    let queries: Vec<_> = match engine.select(&args.queries, &facts) {
        Ok(q) => q,
        Err(e) => return super::unknown_name(&e).code(),
    };
    let mode = match (args.why_not, args.explain) {
        (true, _) => ExplainMode::WhyNot,
        (false, true) => ExplainMode::On,
        _ => ExplainMode::Off,
    };
    if args.flip {
        return super::flip::print(&engine, &facts, &queries, args);
    }
    let evaluation = engine.evaluate(&facts, &queries, mode);
    match args.format {
        Format::Json => println!("{}", evaluation.to_json()),
        Format::Text => {
            // Answers on standard output; a query's error (same alignment) on
            // standard error; explanations after the answers on standard output.
            let text = evaluation.to_text();
            let mut lines = text.lines();
            let (mut out, mut err) = (String::new(), String::new());
            for a in &evaluation.answers {
                if a.value.is_ok() && a.value_text().is_none() {
                    continue;
                }
                let line = lines.next().unwrap_or_default();
                let to = if a.value.is_err() { &mut err } else { &mut out };
                to.push_str(line);
                to.push('\n');
            }
            for line in lines {
                out.push_str(line);
                out.push('\n');
            }
            print!("{out}");
            eprint!("{err}");
        }
    }
    i32::from(evaluation.failed())
}

fn eval_expr(engine: &Engine, facts: &Facts, text: &str, format: Format) -> i32 {
    let answer = match engine.eval_expr(facts, text) {
        Ok(a) => a,
        Err(e) => {
            eprint!("{}", e.render_text());
            return 1;
        }
    };
    let shown = match format {
        Format::Json => answer.value_json(),
        Format::Text => answer.value_text(),
    };
    match (&answer.value, shown) {
        (Ok(_), Some(v)) => {
            println!("{v}");
            0
        }
        (Err(e), _) => {
            eprintln!("{:?}", miette::miette!("{}", e.message));
            1
        }
        (Ok(_), None) => 1,
    }
}
