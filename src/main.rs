use clap::Parser;

/// Evaluation recurses through rules; give it room (pages are only touched when used).
const STACK_BYTES: usize = 256 * 1024 * 1024;

fn main() -> std::process::ExitCode {
    // Like other Unix filters, end quietly when the reader of our output goes
    // away (`cba eval … | head`) instead of failing on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cba::cli::Cli::parse();
    let code = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || cba::cli::run(cli))
        .map(|h| h.join().unwrap_or(2))
        .unwrap_or_else(|e| {
            eprintln!("error: cannot start: {e}");
            2
        });
    std::process::ExitCode::from(code.clamp(0, 255) as u8)
}
