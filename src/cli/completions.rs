//! `cba completions SHELL`: the shell's completion script for `cba`, on standard output.

use clap::CommandFactory;

use super::{Cli, Exit};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: &Args) -> i32 {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "cba", &mut std::io::stdout());
    Exit::Ok.code()
}
