use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cba::cli::Cli::parse();
    std::process::ExitCode::from(cba::cli::run(cli).clamp(0, 255) as u8)
}
