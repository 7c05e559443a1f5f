//! Startup cost of the `cba` binary: CPU time (user + system, from
//! `getrusage(RUSAGE_CHILDREN)`) of whole runs of `cba --version`,
//! `cba eval --expr 1+1` and `cba check`, each run `CBA_BENCH_RUNS` times
//! (default 20); min and median, and each command's ratio to `--version`.
//!
//!     cargo bench --bench startup
//!     CBA_BENCH_RUNS=50 cargo bench --bench startup
//!     CBA_BIN=/tmp/cba-before cargo bench --bench startup   # another build
//!
//! A plain binary, not criterion: what counts is the CPU of a fresh process,
//! which only running the release binary measures. The goal of issue 16 is
//! `eval --expr 1+1` ≤ 5× `--version` (the built-in Agreement is checked when
//! the binary is built, so a start does no parsing; see `src/builtin.rs`).

use std::process::{Command, Stdio};
use std::time::Duration;

/// CPU time (user + system) of the waited-for children so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage writes the struct it is given; RUSAGE_CHILDREN is valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// CPU time of one run of `cba ARGS` (which must succeed).
fn run_once(args: &[&str]) -> Duration {
    let before = children_cpu();
    let bin = std::env::var("CBA_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cba").to_string());
    let status = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run cba");
    let cpu = children_cpu() - before;
    assert!(status.success(), "`cba {}` failed: {status}", args.join(" "));
    cpu
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = std::env::var("CBA_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(1);
    let commands: [(&str, &[&str]); 3] = [
        ("--version", &["--version"]),
        ("eval --expr 1+1", &["eval", "--expr", "1+1"]),
        ("check", &["check"]),
    ];
    println!("cba startup: CPU time (user + sys) of {runs} runs each, release build");
    println!(
        "{:<18} {:>10} {:>10} {:>12} {:>12}",
        "command", "min ms", "median ms", "min ratio", "median ratio"
    );
    let mut base: Option<(Duration, Duration)> = None;
    for (name, args) in commands {
        // One warm-up run (page cache, dynamic loader).
        run_once(args);
        let mut times: Vec<Duration> = (0..runs).map(|_| run_once(args)).collect();
        times.sort();
        let (min, median) = (times[0], times[runs / 2]);
        let (bmin, bmed) = *base.get_or_insert((min, median));
        // getrusage has a resolution of a clock tick on some kernels; never divide by 0.
        let ratio = |a: Duration, b: Duration| ms(a) / ms(b).max(0.001);
        println!(
            "{name:<18} {:>10.2} {:>10.2} {:>11.1}× {:>11.1}×",
            ms(min),
            ms(median),
            ratio(min, bmin),
            ratio(median, bmed)
        );
    }
}
