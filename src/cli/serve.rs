//! `cba serve`: the Agreement on the web (see `src/web/`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use super::{ContractsArg, load_or_report};
use crate::load::Contracts;
use crate::web::{Limits, Proposal, State, serve};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[command(flatten)]
    pub contracts: ContractsArg,
    /// A proposal to compare with the Agreement: NAME=DIR, a directory of modules that
    /// replace the Agreement's modules of the same name (repeatable)
    #[arg(long = "proposal", value_name = "NAME=DIR")]
    pub proposals: Vec<String>,
    /// Cases (JSON Lines) over which proposals are compared; default: the built-in test cases
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// The address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
}

pub fn run(args: &Args) -> i32 {
    let Some(prog) = load_or_report(&args.contracts.source()) else {
        return 1;
    };
    let mut proposals = Vec::new();
    for p in &args.proposals {
        let Some((name, dir)) = p.split_once('=') else {
            eprintln!(
                "{:?}",
                miette::miette!(
                    help = "write it as NAME=DIR, like `union=examples/proposals/2026-union`",
                    "`{p}` is not a proposal"
                )
            );
            return 1;
        };
        let Some(prog) = load_or_report(&Contracts::Dir(PathBuf::from(dir))) else {
            return 1;
        };
        proposals.push(Proposal {
            name: name.to_string(),
            prog: Arc::new(prog),
        });
    }
    let state = Arc::new(State::new(Arc::new(prog), proposals, Limits::default()));
    let res = serve(state, args.bind, |addr| {
        eprintln!("cba serve: listening on http://{addr}/ (Ctrl-C to stop)");
    });
    match res {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{:?}", miette::miette!("cannot serve on `{}`: {e}", args.bind));
            1
        }
    }
}
