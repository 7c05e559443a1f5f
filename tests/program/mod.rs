//! Shared helpers for the integration tests.
#![allow(dead_code)]

use cba::eval::Case;
use cba::ir::Program;
use cba::load::{Contracts, load};

/// The embedded standard library and Agreement, checked.
pub fn program() -> Program {
    checked(Contracts::Embedded)
}

/// The standard library alone.
pub fn stdlib() -> Program {
    checked(Contracts::Paths(Vec::new()))
}

fn checked(c: Contracts) -> Program {
    let loaded = load(&c).expect("sources load");
    match loaded.program {
        Ok(p) => p,
        Err(sources) => panic!("{}", cba::report::render_text(&sources, &loaded.diags)),
    }
}

/// Evaluates an expression against a case; the answer as text, or the error.
pub fn eval_text(prog: &Program, case: &mut Case, text: &str) -> Result<String, String> {
    let checked = cba::check::check_expr(prog, "<test>", text)
        .map_err(|(sources, diags)| cba::report::render_text(&sources, &diags))?;
    case.eval_top(&checked.expr, checked.locals)
        .map(|v| cba::eval::format::text(prog, &v, &checked.ty))
        .map_err(|e| e.message(prog))
}

/// A case with the facts of a JSON fact file.
pub fn case_from_file<'p>(prog: &'p Program, path: &std::path::Path) -> Case<'p> {
    let text = std::fs::read_to_string(path).expect("readable");
    let root = cba::facts::parse_json(&text).expect("valid JSON");
    let mut case = Case::new(prog);
    let name = path.display().to_string();
    cba::facts::load::fill_case(
        &mut case,
        &root,
        &cba::facts::load::Origin {
            name: &name,
            text: &text,
        },
    )
    .expect("an object of facts");
    case
}

/// The worked fact files, `examples/facts/*.json`, sorted.
pub fn example_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("examples/facts")
        .expect("examples/facts")
        .flatten()
        .map(|e| e.path())
        .filter(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    // A test that finds no input fails: one worked example per module at least.
    assert!(
        files.len() >= 20,
        "only {} fact files under examples/facts/",
        files.len()
    );
    files
}
