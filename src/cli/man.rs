//! `cba man [COMMAND]`: the manual page (roff) of `cba` or of one subcommand.

use clap::CommandFactory;

use super::{Cli, Exit};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// A subcommand whose page to print (default: `cba` itself)
    pub command: Option<String>,
}

pub fn run(args: &Args) -> i32 {
    let cmd = Cli::command();
    let page = match &args.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub
                .clone()
                .display_name(format!("cba-{name}"))
                .bin_name(format!("cba {name}")),
            None => {
                let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
                let hint = crate::diag::did_you_mean(name, names.iter().map(String::as_str))
                    .map(|s| format!("\nhelp: did you mean `{s}`?"))
                    .unwrap_or_default();
                eprintln!("error: there is no command `{name}`{hint}");
                return Exit::CouldNotRun.code();
            }
        },
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut out) {
        eprintln!("error: cannot write the manual page: {e}");
        return Exit::CouldNotRun.code();
    }
    use std::io::Write;
    match std::io::stdout().write_all(&out) {
        Ok(()) => Exit::Ok.code(),
        Err(_) => Exit::CouldNotRun.code(),
    }
}
