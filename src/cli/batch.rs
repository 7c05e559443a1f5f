//! `cba batch --input FILE|DIR|- [--query NAME]… [--output FILE|-] [--format jsonl|csv] [--jobs N]`:
//! answer queries for every record of a JSON Lines or CSV file, or every fact
//! file of a directory, one answer line a record, in input order.

use std::io::{BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{ContractsArg, Exit, load_program};
use crate::batch::input::Input;
use crate::batch::{Options, OutFormat, Summary};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum BatchFormat {
    /// One JSON object a record
    #[default]
    Jsonl,
    /// A column a query
    Csv,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum InputFormat {
    /// CSV for a `.csv` file, JSON Lines otherwise
    #[default]
    Auto,
    Jsonl,
    Csv,
}

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The records: a JSON Lines or CSV file, a directory of `.json`/`.toml` fact files, or `-` for standard input
    #[arg(long, value_name = "FILE|DIR|-")]
    pub input: PathBuf,
    /// A query to answer for every record (repeatable; `module.*` for a whole module; default: every query each record's facts allow)
    #[arg(long = "query", value_name = "NAME")]
    pub queries: Vec<String>,
    /// Where the answers go
    #[arg(long, value_name = "FILE|-", default_value = "-")]
    pub output: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: BatchFormat,
    /// How to read `--input` when it is a file or standard input
    #[arg(long, value_enum, default_value_t)]
    pub input_format: InputFormat,
    /// Worker threads (default: one a core); 1 is sequential and deterministic
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Stop after this many failed records (at least 1; without it, never stop)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_errors: Option<u64>,
    /// A key that names no fact fails its record (by default: a warning on standard error, once a key)
    #[arg(long)]
    pub strict: bool,
    /// The top-level field (or CSV column) that names a record in the answers
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,
    #[command(flatten)]
    pub contracts: ContractsArg,
}

/// Exit status: 0 when every record answered, 1 when any failed, 2 when the run could not go on.
pub fn run(args: &Args) -> i32 {
    let prog = match load_program(&args.contracts.source()) {
        Ok(p) => p,
        Err(e) => return e.code(),
    };
    // Names checked first, as every command checks them.
    if let Err(e) = crate::api::select::select(&prog, &args.queries, None) {
        return super::unknown_name(&e).code();
    }
    if args.output.as_os_str() != "-" && crate::files::same_file(&args.input, &args.output) {
        return fatal(&format!(
            "the output `{}` is the input `{}`: writing it would destroy the records before they are read",
            args.output.display(),
            display_name(&args.input)
        ));
    }
    let (input, total) = match open_input(args) {
        Ok(x) => x,
        Err(e) => return fatal(&e),
    };
    // A file output is written beside the old one and renamed over it at the end,
    // so a failed run leaves the old output whole.
    let mut replacement = None;
    let mut stdout = None;
    let out: &mut dyn Write = if args.output.as_os_str() == "-" {
        // Answers come a chunk at a time (up to 256 KiB): a buffer smaller
        // than a chunk passes it straight through instead of copying it.
        stdout.insert(std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()))
    } else {
        match crate::files::Replacement::create(&args.output) {
            Ok(r) => replacement.insert(r),
            Err(e) => return fatal(&format!("cannot create `{}`: {e}", args.output.display())),
        }
    };
    let opts = Options {
        queries: args.queries.clone(),
        format: match args.format {
            BatchFormat::Jsonl => OutFormat::Jsonl,
            BatchFormat::Csv => OutFormat::Csv,
        },
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1),
        max_errors: args.max_errors,
        id_field: args.id_field.clone(),
        input_name: display_name(&args.input),
        direct: true,
        chunk_records: crate::batch::input::CHUNK_RECORDS,
        strict: args.strict,
    };
    let bar = std::io::stderr().is_terminal().then(|| progress_bar(total));
    let mut progress = |size: u64, records: u64| {
        if let Some(b) = &bar {
            b.set_position(size);
            b.set_message(format!("{records} records"));
        }
    };
    let mut result = crate::batch::run(&prog, input, out, &opts, &mut progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let (Ok(_), Some(r)) = (&result, replacement)
        && let Err(e) = r.commit()
    {
        result = Err(format!("cannot write `{}`: {e}", args.output.display()));
    }
    match result {
        Ok(s) => {
            eprintln!("{}", summary_line(&s, args.max_errors));
            Exit::problems_if(s.failed > 0).code()
        }
        Err(e) => fatal(&e),
    }
}

fn fatal(message: &str) -> i32 {
    eprintln!("{:?}", miette::miette!(help = "see `cba batch --help`", "{message}"));
    Exit::CouldNotRun.code()
}

/// `batch: 1000 records, 998 ok, 2 failed`
pub fn summary_line(s: &Summary, max_errors: Option<u64>) -> String {
    let total = s.ok + s.failed;
    let mut line = format!(
        "batch: {total} record{}, {} ok, {} failed",
        if total == 1 { "" } else { "s" },
        s.ok,
        s.failed
    );
    if s.stopped {
        line.push_str(&format!(
            "; stopped at --max-errors {}, the rest of the input was not read",
            max_errors.unwrap_or(s.failed)
        ));
    }
    line
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// The input, and its size for the progress bar (bytes, or files of a directory).
fn open_input(args: &Args) -> Result<(Input, Option<u64>), String> {
    let path = &args.input;
    let name = display_name(path);
    let csv = match args.input_format {
        InputFormat::Csv => true,
        InputFormat::Jsonl => false,
        InputFormat::Auto => path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")),
    };
    if path.as_os_str() == "-" {
        let reader = BufReader::with_capacity(1 << 20, std::io::stdin());
        return Ok(if csv {
            (
                Input::Csv {
                    reader: Box::new(reader),
                    name,
                },
                None,
            )
        } else {
            (
                Input::Jsonl {
                    reader: Box::new(reader),
                    name,
                },
                None,
            )
        });
    }
    if path.is_dir() {
        let files = crate::batch::input::list_dir(path)?.len() as u64;
        return Ok((Input::Dir { path: path.clone() }, Some(files)));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open the input `{name}`: {e}"))?;
    let size = file.metadata().ok().map(|m| m.len());
    let reader = BufReader::with_capacity(1 << 20, file);
    Ok(if csv {
        (
            Input::Csv {
                reader: Box::new(reader),
                name,
            },
            size,
        )
    } else {
        (
            Input::Jsonl {
                reader: Box::new(reader),
                name,
            },
            size,
        )
    })
}

fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    let bar = match total {
        Some(t) => indicatif::ProgressBar::new(t).with_style(
            indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}% {msg} ({elapsed} of ~{duration})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    bar
}
