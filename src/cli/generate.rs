//! `cba generate --count N [--seed S] [--output FILE]`: deterministic grievance
//! records (JSON Lines) for benchmarks and load tests of `cba batch`.

use std::path::PathBuf;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// How many records
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub count: u64,
    /// The seed: the same seed gives the same records
    #[arg(long, value_name = "S", default_value_t = 2013)]
    pub seed: u64,
    /// Where the records go
    #[arg(long, value_name = "FILE|-", default_value = "-")]
    pub output: PathBuf,
}

pub fn run(args: &Args) -> i32 {
    let result = if args.output.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        crate::batch::generate::write_grievances(&mut out, args.seed, args.count)
    } else {
        // Beside the old file, renamed over it once complete.
        crate::files::Replacement::create(&args.output).and_then(|mut out| {
            crate::batch::generate::write_grievances(&mut out, args.seed, args.count)?;
            out.commit()
        })
    };
    match result {
        Ok(()) => super::Exit::Ok.code(),
        Err(e) => {
            eprintln!("{:?}", miette::miette!("cannot write the records: {e}"));
            super::Exit::CouldNotRun.code()
        }
    }
}
