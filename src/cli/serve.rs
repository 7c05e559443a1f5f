//! `cba serve`: the Agreement on the web (see `src/web/`): the literate text, a
//! page per rule, what-if, proposals, and a JSON API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use super::ContractsArg;
use crate::api::{Engine, Source};
use crate::diff::Version;
use crate::web::{Limits, Population, State, serve};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[command(flatten)]
    pub contracts: ContractsArg,
    /// A proposal to compare with the Agreement: NAME=DIR, a directory of modules that
    /// replace the Agreement's modules of the same name (repeatable)
    #[arg(long = "proposal", value_name = "NAME=DIR")]
    pub proposals: Vec<String>,
    /// Cases (JSON Lines, a fact file or a directory of them) over which proposals are
    /// compared; default: the test cases of the Agreement and the proposal
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// The address to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub bind: SocketAddr,
}

fn fail(message: String, help: &str) -> i32 {
    eprintln!("{:?}", miette::miette!(help = help.to_string(), "{message}"));
    1
}

pub fn run(args: &Args) -> i32 {
    let (source, spec) = match &args.contracts.contracts {
        Some(d) => (Source::Dir(d.clone()), d.display().to_string()),
        None => (Source::Builtin, "embedded".to_string()),
    };
    let engine = match Engine::load(&source) {
        Ok(e) => e,
        Err(e) => {
            eprint!("{}", e.render_text());
            return 1;
        }
    };
    let base_files = match Version::read(&spec, None) {
        Ok(v) => v,
        Err(e) => return fail(e, "give a directory of `.cba` files"),
    };
    let population = match &args.population {
        None => Population::Tests,
        Some(p) => match crate::diff::outcomes::read_corpus(p) {
            Ok(cases) => Population::Cases {
                label: p.display().to_string(),
                cases,
            },
            Err(e) => return fail(e, "give a JSON Lines file of cases (one fact object a line)"),
        },
    };
    let mut state = State::new(engine, base_files, population, Limits::default());
    for p in &args.proposals {
        let Some((name, dir)) = p.split_once('=').filter(|(n, d)| !n.is_empty() && !d.is_empty()) else {
            return fail(
                format!("`{p}` is not a proposal"),
                "write it as NAME=DIR, like `union=examples/proposals/2026-union`",
            );
        };
        let files = match crate::web::proposals::read_dir(std::path::Path::new(dir)) {
            Ok(f) => f,
            Err(e) => return fail(e, "give a directory of `.cba` modules"),
        };
        if let Err(e) = state.add_proposal(name, files) {
            eprintln!("{e}");
            return 1;
        }
    }
    let res = serve(Arc::new(state), args.bind, |addr| {
        eprintln!("cba serve: listening on http://{addr}/ (Ctrl-C to stop)");
    });
    match res {
        Ok(()) => 0,
        Err(e) => fail(
            format!("cannot serve on `{}`: {e}", args.bind),
            "is another server using that address? choose another with `--bind`",
        ),
    }
}
