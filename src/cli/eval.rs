//! `cba eval --facts FILE [--query NAME]… [--expr EXPR]`: answer queries for one case.

use std::io::Read;
use std::path::PathBuf;

use super::{ContractsArg, Format, load_or_report};
use crate::eval::{Case, ErrorKind};
use crate::facts::load::{Origin, fill_case, parse};
use crate::ir::Program;

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
    /// For each answer and each fact it read: the nearest values that change the answer
    #[arg(long)]
    pub flip: bool,
    /// With --flip: for a true/false or enum answer no single fact changes, pairs of facts
    #[arg(long, requires = "flip")]
    pub pairs: bool,
    #[command(flatten)]
    pub contracts: ContractsArg,
}

/// Reads the fact file into the case. Errors are printed; returns false then.
pub fn read_facts(case: &mut Case, path: &PathBuf) -> bool {
    let (name, text) = if path.as_os_str() == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!(
                "{:?}",
                miette::miette!("cannot read the facts from standard input: {e}")
            );
            return false;
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
                return false;
            }
        }
    };
    let is_toml = path.extension().is_some_and(|e| e == "toml")
        || (path.as_os_str() == "-" && !text.trim_start().starts_with('{'));
    let root = match parse(&text, is_toml) {
        Ok(r) => r,
        Err(e) => {
            let offset = if e.offset == crate::facts::UNKNOWN_OFFSET {
                0
            } else {
                e.offset as usize
            };
            let report = miette::miette!(
                labels = vec![miette::LabeledSpan::at_offset(offset.min(text.len()), "here")],
                help = "fix the syntax of the fact file",
                "{name}: {}",
                e.message
            )
            .with_source_code(miette::NamedSource::new(name.clone(), text.clone()));
            eprintln!("{report:?}");
            return false;
        }
    };
    if let Err(e) = fill_case(
        case,
        &root,
        &Origin {
            name: &name,
            text: &text,
        },
    ) {
        eprintln!("{:?}", miette::miette!("{name}: {e}"));
        return false;
    }
    true
}

/// The rules answered when no `--query` is given: every rule of the contracts
/// that reads at least one fact the case gives (`calendar.closures` aside);
/// constants and rules about other kinds of cases are left out.
pub fn default_queries(prog: &Program, case: &Case) -> Vec<u32> {
    crate::batch::queries::DefaultQueries::new(prog).for_case(case)
}

pub fn run(args: &Args) -> i32 {
    let Some(prog) = load_or_report(&args.contracts.source()) else {
        return 1;
    };
    let mut case = Case::new(&prog);
    if let Some(f) = &args.facts
        && !read_facts(&mut case, f)
    {
        return 1;
    }
    if let Some(text) = &args.expr {
        return eval_expr(&prog, &mut case, text, args.format);
    }
    let mut answers: Vec<(String, Result<String, String>)> = Vec::new();
    // The queries answered (not the unknown ones), for explanations.
    let mut asked: Vec<(String, u32)> = Vec::new();
    // `module.*` asks what the facts allow of one module, like no `--query` does of all.
    let module_wide: Vec<&str> = args.queries.iter().filter_map(|q| q.strip_suffix(".*")).collect();
    if args.queries.is_empty() || module_wide.len() == args.queries.len() {
        for id in default_queries(&prog, &case) {
            let r = &prog.rules[id as usize];
            let module = prog.modules[r.module as usize].name.as_str();
            if !module_wide.is_empty() && !module_wide.contains(&module) {
                continue;
            }
            match case.rule(id) {
                Ok(v) => answers.push((r.qualified.clone(), Ok(render(&prog, &v, &r.ty, args.format)))),
                Err(e) if matches!(e.kind, ErrorKind::MissingFact(_)) => continue,
                Err(e) => answers.push((r.qualified.clone(), Err(e.message(&prog)))),
            }
            asked.push((r.qualified.clone(), id));
        }
    } else {
        for q in &args.queries {
            match prog.query(q) {
                Ok(id) => {
                    let r = &prog.rules[id as usize];
                    let res = case
                        .rule(id)
                        .map(|v| render(&prog, &v, &r.ty, args.format))
                        .map_err(|e| e.message(&prog));
                    answers.push((q.clone(), res));
                    asked.push((q.clone(), id));
                }
                Err(m) => answers.push((q.clone(), Err(m))),
            }
        }
    }
    let failed = answers.iter().any(|(_, r)| r.is_err());
    if args.flip {
        for (q, r) in &answers {
            if let Err(e) = r
                && !asked.iter().any(|(a, _)| a == q)
            {
                eprintln!("error: {e}");
            }
        }
        let ids: Vec<u32> = asked.iter().map(|(_, id)| *id).collect();
        let opts = crate::flip::Options {
            explain: args.explain || args.why_not,
            why_not: args.why_not,
            pairs: args.pairs,
        };
        return super::flip::print(&case, &ids, args.format, opts, failed);
    }
    if args.explain || args.why_not {
        let opts = crate::explain::Options { why_not: args.why_not };
        let ids: Vec<u32> = asked.iter().map(|(_, id)| *id).collect();
        let derivations = crate::explain::explain_queries(&mut case, &ids, opts);
        match args.format {
            Format::Json => {
                let mut map = serde_json::Map::new();
                for ((q, _), (_, d)) in asked.iter().zip(&derivations) {
                    map.insert(q.clone(), crate::explain::json::derivation(&prog, d, opts));
                }
                let explain = serde_json::to_string_pretty(&serde_json::Value::Object(map)).unwrap_or_default();
                println!("{}", json_object_with(&answers, Some(&explain)));
            }
            Format::Text => {
                print!("{}", text_table(&answers));
                for (_, d) in &derivations {
                    println!();
                    print!("{}", crate::explain::text::render(&prog, d, opts));
                }
            }
        }
        return i32::from(failed);
    }
    match args.format {
        Format::Json => println!("{}", json_object(&answers)),
        Format::Text => print!("{}", text_table(&answers)),
    }
    i32::from(failed)
}

fn render(prog: &Program, v: &crate::eval::value::Value, ty: &crate::types::Type, format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = String::new();
            crate::eval::format::write_json(&mut s, prog, v, ty);
            s
        }
        Format::Text => crate::eval::format::text(prog, v, ty),
    }
}

fn json_key(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".into())
}

/// `{"q": value, …, "errors": {"q": "message"}}`
pub fn json_object(answers: &[(String, Result<String, String>)]) -> String {
    json_object_with(answers, None)
}

/// The output object, with an `"explain"` member (JSON text) after the answers.
pub fn json_object_with(answers: &[(String, Result<String, String>)], explain: Option<&str>) -> String {
    let mut out = String::from("{");
    let mut first = true;
    for (q, r) in answers {
        if let Ok(v) = r {
            out.push_str(if first { "\n  " } else { ",\n  " });
            first = false;
            out.push_str(&format!("{}: {v}", json_key(q)));
        }
    }
    let errors: Vec<String> = answers
        .iter()
        .filter_map(|(q, r)| {
            r.as_ref()
                .err()
                .map(|e| format!("    {}: {}", json_key(q), json_key(e)))
        })
        .collect();
    if !errors.is_empty() {
        out.push_str(if first { "\n  " } else { ",\n  " });
        first = false;
        out.push_str(&format!("\"errors\": {{\n{}\n  }}", errors.join(",\n")));
    }
    if let Some(x) = explain {
        out.push_str(if first { "\n  " } else { ",\n  " });
        first = false;
        out.push_str(&format!("\"explain\": {}", x.replace('\n', "\n  ")));
    }
    out.push_str(if first { "}" } else { "\n}" });
    out
}

/// Aligned `name  value` lines; failures say `error: …`.
pub fn text_table(answers: &[(String, Result<String, String>)]) -> String {
    let width = answers.iter().map(|(q, _)| q.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (q, r) in answers {
        match r {
            Ok(v) => out.push_str(&format!("{q:width$}  {v}\n")),
            Err(e) => out.push_str(&format!("{q:width$}  error: {e}\n")),
        }
    }
    out
}

fn eval_expr(prog: &Program, case: &mut Case, text: &str, format: Format) -> i32 {
    let checked = match crate::check::check_expr(prog, "<expr>", text) {
        Ok(c) => c,
        Err((sources, diags)) => {
            eprint!("{}", crate::report::render_text(&sources, &diags));
            return 1;
        }
    };
    match case.eval_top(&checked.expr, checked.locals) {
        Ok(v) => {
            println!("{}", render(prog, &v, &checked.ty, format));
            0
        }
        Err(e) => {
            eprintln!("{:?}", miette::miette!("{}", e.message(prog)));
            1
        }
    }
}
