//! The goals, measured: each engine timed once a run, for several
//! runs, every ratio taken within one run (the machine is shared, so a run's
//! engines see the same load), and the min, median and max of the runs shown.
//! One-thread work is timed in CPU time (the process's), which other
//! processes holding the cores do not inflate; the scaling of threads is
//! throughput, so wall-clock time.
//!
//! - per-record evaluation of the fifteen grievance queries: cba against the
//!   hand-written Rust (**limit**) and CEL (**peer**, with `--features bench-cel`);
//! - record in, answer line out, one thread: `cba batch --jobs 1` against the
//!   hand-written program (serde parse + evaluate + write) and against the
//!   **floor of JSON in** (serde into a typed struct, nothing evaluated or
//!   written), in memory and over 1,000,000 records in a file;
//! - threads as a scaling figure of their own: 2 jobs against 1 job;
//! - startup: the CPU of `cba eval --expr 1+1` against `cba --version`, the
//!   release binary run as a process.
//!
//! `cargo bench --bench ratios [--features bench-cel]`; sizes from
//! `CBA_BENCH_RECORDS` (default 20000), `CBA_BENCH_BATCH_RECORDS` (1000000; 0
//! skips the file), `CBA_BENCH_ROUNDS` (runs, 5), `CBA_BENCH_STARTS` (process
//! starts a run, 20).

mod common;

use std::hint::black_box;
use std::io::{BufReader, Write};
use std::time::{Duration, Instant};

use common::*;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The CPU time of `f` (the measure of one-thread work: it does not count
/// the time other processes on a shared machine hold the cores).
fn time(f: impl FnOnce()) -> Duration {
    time_both(f).1
}

/// The wall-clock and CPU time of `f`.
fn time_both(f: impl FnOnce()) -> (Duration, Duration) {
    let (t, c) = (Instant::now(), process_cpu());
    f();
    (t.elapsed(), process_cpu().saturating_sub(c))
}

/// One figure's value in each run.
#[derive(Default)]
struct Runs(Vec<f64>);

impl Runs {
    fn push(&mut self, x: f64) {
        self.0.push(x);
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }

    fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `min  median  max` in a fixed width.
    fn row(&self, decimals: usize) -> String {
        format!(
            "{:>9.d$} {:>9.d$} {:>9.d$}",
            self.min(),
            self.median(),
            self.max(),
            d = decimals
        )
    }
}

fn ns_per(d: Duration, n: u64) -> f64 {
    d.as_nanos() as f64 / n.max(1) as f64
}

fn batch(
    prog: &cba::ir::Program,
    input: cba::batch::input::Input,
    jobs: usize,
    out: &mut dyn Write,
) -> cba::batch::Summary {
    let opts = cba::batch::Options {
        queries: QUERIES.iter().map(|q| q.to_string()).collect(),
        jobs,
        ..Default::default()
    };
    cba::batch::run(prog, input, out, &opts, &mut |_, _| {}).expect("the batch runs")
}

fn memory_input(text: Vec<u8>) -> cba::batch::input::Input {
    cba::batch::input::Input::Jsonl {
        reader: Box::new(std::io::Cursor::new(text)),
        name: "bench".into(),
    }
}

/// CPU seconds (user + system) the finished child processes have used.
fn children_cpu() -> f64 {
    // SAFETY: getrusage writes the struct it is given and nothing else.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(ru.ru_utime) + secs(ru.ru_stime)
}

/// The CPU of one run of the release binary with `args`, averaged over `starts` runs.
fn start_cpu(args: &[&str], starts: u64) -> f64 {
    let before = children_cpu();
    for _ in 0..starts {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_cba"))
            .args(args)
            .env("CBA_HISTORY", "")
            .stdout(std::process::Stdio::null())
            .status()
            .expect("cba runs");
        assert!(status.success(), "`cba {}` fails", args.join(" "));
    }
    (children_cpu() - before) / starts.max(1) as f64
}

/// A goal's row: the ratio's runs, the goal, met or missed (by the median).
fn goal(name: &str, r: &Runs, goal: &str, at_most: Option<f64>, at_least: Option<f64>) {
    if r.is_empty() {
        println!("  {name:<50} {:>29}   {goal:<6}  not measured", "");
        return;
    }
    let m = r.median();
    let met = at_most.is_none_or(|g| m <= g) && at_least.is_none_or(|g| m >= g);
    println!(
        "  {name:<50} {}   {goal:<6}  {}",
        r.row(2),
        if met { "met" } else { "missed" }
    );
}

fn main() {
    let n = env("CBA_BENCH_RECORDS", 20_000);
    let n_batch = env("CBA_BENCH_BATCH_RECORDS", 1_000_000);
    let rounds = env("CBA_BENCH_ROUNDS", 5).max(1);
    let starts = env("CBA_BENCH_STARTS", 20);
    let prog = program();
    let table = workdays(&prog);
    let lines = records(n);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();

    // The same answers from every engine, before any timing.
    let facts = cba_facts(&prog, &lines);
    let limit = limit_records(&lines);
    let cba_json = cba_answers(&prog, &facts);
    let mut out = [Ok(Ans::NoDate); 15];
    for (r, want) in limit.iter().zip(&cba_json) {
        limit_answers(table, r, &mut out);
        let got: Vec<String> = out
            .iter()
            .map(|a| {
                let mut s = String::new();
                ans_json(&mut s, a);
                s
            })
            .collect();
        assert_eq!(&got, want, "hand-written answers differ for {:?}", r.id);
    }
    let mut cba_lines = Vec::new();
    batch(&prog, memory_input(text.clone().into_bytes()), 1, &mut cba_lines);
    let mut limit_lines = Vec::new();
    assert_eq!(limit_program(table, text.as_bytes(), &mut limit_lines), n);
    assert!(
        limit_lines == cba_lines,
        "the hand-written program's lines differ from cba batch's"
    );

    #[cfg(feature = "bench-cel")]
    let peer = {
        let peer = common::peer::new(table);
        let vars: Vec<_> = limit.iter().map(common::peer::variables).collect();
        for (r, v) in limit.iter().zip(&vars) {
            limit_answers(table, r, &mut out);
            let want: Vec<Ans> = out.iter().map(|a| a.unwrap_or(Ans::NoDate)).collect();
            assert_eq!(
                common::peer::answers(&peer, v),
                want,
                "CEL answers differ for {:?}",
                r.id
            );
        }
        (peer, vars)
    };

    // The file of the batch runs.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("grievances-{n_batch}.jsonl"));
    if n_batch > 0 && !path.exists() {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("creates the input"));
        cba::batch::generate::write_grievances(&mut f, SEED, n_batch).expect("writes the input");
        f.flush().expect("writes the input");
    }
    let open = || BufReader::with_capacity(1 << 20, std::fs::File::open(&path).expect("opens the input"));
    let file_input = || cba::batch::input::Input::Jsonl {
        reader: Box::new(open()),
        name: "bench".into(),
    };

    let queries = query_ids(&prog);
    let mut case = batch_case(&prog);
    // Figures (ns a record, seconds, ms) and ratios, one value a run.
    let [mut e_cba, mut e_limit] = [(); 2].map(|_| Runs::default());
    // CEL's figures stay empty without `--features bench-cel`.
    #[cfg_attr(not(feature = "bench-cel"), allow(unused_mut))]
    let [mut e_cel, mut r_cel] = [(); 2].map(|_| Runs::default());
    let [mut l_typed, mut l_limit, mut l_cba] = [(); 3].map(|_| Runs::default());
    let [mut f_typed, mut f_limit, mut f_one, mut f_two] = [(); 4].map(|_| Runs::default());
    let [mut f_one_wall, mut f_two_wall, mut r_cpu] = [(); 3].map(|_| Runs::default());
    let [mut s_version, mut s_eval] = [(); 2].map(|_| Runs::default());
    let [
        mut r_eval,
        mut r_batch,
        mut r_scale,
        mut r_start,
        mut r_typed,
        mut r_line,
    ] = [(); 6].map(|_| Runs::default());
    for round in 0..rounds {
        eprintln!("run {} of {rounds}", round + 1);
        // Per-record evaluation.
        let cba_t = time(|| {
            cba_eval(&mut case, &facts, &queries, &mut |_, a| {
                let _ = black_box(a);
            })
        });
        let limit_t = time(|| limit_eval(table, &limit));
        e_cba.push(ns_per(cba_t, n));
        e_limit.push(ns_per(limit_t, n));
        r_eval.push(cba_t.as_secs_f64() / limit_t.as_secs_f64());
        #[cfg(feature = "bench-cel")]
        {
            let mut cel_out = Vec::new();
            let t = time(|| common::peer::eval(&peer.0, &peer.1, &mut cel_out));
            e_cel.push(ns_per(t, n));
            r_cel.push(t.as_secs_f64() / cba_t.as_secs_f64());
        }

        // Record in, answer line out, in memory, one thread.
        let typed_t = time(|| assert_eq!(typed_parse_lines(text.as_bytes()), n));
        let limit_t = time(|| {
            let mut sink = std::io::sink();
            assert_eq!(limit_program(table, text.as_bytes(), &mut sink), n);
        });
        let input = memory_input(text.clone().into_bytes());
        let cba_t = time(|| assert_eq!(batch(&prog, input, 1, &mut std::io::sink()).ok, n));
        l_typed.push(ns_per(typed_t, n));
        l_limit.push(ns_per(limit_t, n));
        l_cba.push(ns_per(cba_t, n));
        r_line.push(cba_t.as_secs_f64() / limit_t.as_secs_f64());

        // A million records from a file.
        if n_batch > 0 {
            let typed_t = time(|| assert_eq!(typed_parse_lines(open()), n_batch));
            let limit_t = time(|| {
                let mut sink = std::io::sink();
                assert_eq!(limit_program(table, open(), &mut sink), n_batch);
            });
            let (one_wall, one) =
                time_both(|| assert_eq!(batch(&prog, file_input(), 1, &mut std::io::sink()).ok, n_batch));
            let (two_wall, two) =
                time_both(|| assert_eq!(batch(&prog, file_input(), 2, &mut std::io::sink()).ok, n_batch));
            f_typed.push(typed_t.as_secs_f64());
            f_limit.push(limit_t.as_secs_f64());
            f_one.push(one.as_secs_f64());
            f_one_wall.push(one_wall.as_secs_f64());
            f_two.push(two.as_secs_f64());
            f_two_wall.push(two_wall.as_secs_f64());
            r_batch.push(one.as_secs_f64() / limit_t.as_secs_f64());
            r_typed.push(one.as_secs_f64() / typed_t.as_secs_f64());
            r_scale.push(one_wall.as_secs_f64() / two_wall.as_secs_f64());
            r_cpu.push(two.as_secs_f64() / one.as_secs_f64());
        }

        // Startup, CPU a process.
        if starts > 0 {
            let version = start_cpu(&["--version"], starts);
            let eval = start_cpu(&["eval", "--expr", "1+1"], starts);
            s_version.push(version * 1e3);
            s_eval.push(eval * 1e3);
            r_start.push(eval / version);
        }
    }

    let today = chrono::Utc::now().format("%Y-%m-%d");
    println!(
        "cba benchmark, {today}: {n} records in memory, {n_batch} in a file; {rounds} runs \
         (min, median, max; each ratio taken within a run)"
    );
    println!();
    println!("per-record evaluation (15 grievance queries), ns/record       min    median       max");
    println!("  cba                                             {}", e_cba.row(0));
    println!("  hand-written Rust                               {}", e_limit.row(0));
    if e_cel.is_empty() {
        println!("  CEL (cel crate)                                 not built (--features bench-cel)");
    } else {
        println!("  CEL (cel crate)                                 {}", e_cel.row(0));
    }
    println!("record in, answer line out, one thread, in memory, ns/record");
    println!("  floor of JSON in: serde into a typed struct     {}", l_typed.row(0));
    println!("  hand-written program: parse, evaluate, write    {}", l_limit.row(0));
    println!("  cba batch --jobs 1                              {}", l_cba.row(0));
    if n_batch > 0 {
        println!("{n_batch} records from a file, answers to a sink, CPU seconds");
        println!("  floor of JSON in: serde into a typed struct     {}", f_typed.row(2));
        println!("  hand-written program, one thread                {}", f_limit.row(2));
        println!("  cba batch --jobs 1                              {}", f_one.row(2));
        println!("  cba batch --jobs 2 (every thread)               {}", f_two.row(2));
        println!("the same, wall-clock seconds");
        println!(
            "  cba batch --jobs 1                              {}",
            f_one_wall.row(2)
        );
        println!(
            "  cba batch --jobs 2                              {}",
            f_two_wall.row(2)
        );
    }
    if starts > 0 {
        println!("startup, CPU ms a process ({starts} starts a run, release binary)");
        println!("  cba --version                                   {}", s_version.row(2));
        println!("  cba eval --expr 1+1                             {}", s_eval.row(2));
    }
    println!();
    println!("goal (met or missed by the median)                       min    median       max   goal");
    goal(
        "cba evaluation / hand-written (15 queries)",
        &r_eval,
        "≤ 4×",
        Some(4.0),
        None,
    );
    goal("CEL / cba (evaluation)", &r_cel, "≥ 20×", None, Some(20.0));
    goal(
        &format!("cba batch --jobs 1 / hand-written, {n_batch} records"),
        &r_batch,
        "≤ 1.5×",
        Some(1.5),
        None,
    );
    goal(
        "cba eval --expr 1+1 / cba --version, CPU",
        &r_start,
        "≤ 5×",
        Some(5.0),
        None,
    );
    goal(
        "2 jobs / 1 job throughput (a quiet machine)",
        &r_scale,
        "≥ 1.8×",
        None,
        Some(1.8),
    );
    println!("beside the goals");
    if !r_cpu.is_empty() {
        println!("  CPU of 2 jobs / CPU of 1 job (overhead of threads) {}", r_cpu.row(2));
    }
    println!("  cba batch --jobs 1 / hand-written, in memory     {}", r_line.row(2));
    if !r_typed.is_empty() {
        println!("  cba batch --jobs 1 / floor of JSON in, file      {}", r_typed.row(2));
    }
}
