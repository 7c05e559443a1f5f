//! `cba lsp`: the language server, on standard input and output.

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// Accepted for editors that pass it; standard input and output are the only transport
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: &Args) -> i32 {
    match crate::lsp::run_stdio() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
