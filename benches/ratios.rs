//! The benchmark's ratios, measured in one run on this machine:
//!
//! - per-record evaluation: cba against the hand-written Rust (**limit**) and
//!   CEL (**peer**, with `--features bench-cel`);
//! - record in, answer line out: `cba batch` against hand-written Rust with
//!   serde, and against the **floor** (serde_json reading and writing each record);
//! - `cba batch` over 1,000,000 generated records (a file) against the floor,
//!   with one job and with two.
//!
//! `cargo bench --bench ratios [--features bench-cel]`; sizes from
//! `CBA_BENCH_RECORDS` (default 20000), `CBA_BENCH_BATCH_RECORDS` (1000000),
//! `CBA_BENCH_ROUNDS` (5, the best round counts).

mod common;

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::{Duration, Instant};

use common::*;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The best of `rounds` timings of `f`.
fn best(rounds: u64, mut f: impl FnMut()) -> Duration {
    (0..rounds.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn per(d: Duration, n: u64) -> f64 {
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

fn memory_input(text: &[u8]) -> cba::batch::input::Input {
    cba::batch::input::Input::Jsonl {
        reader: Box::new(std::io::Cursor::new(text.to_vec())),
        name: "bench".into(),
    }
}

fn main() {
    let n = env("CBA_BENCH_RECORDS", 20_000);
    let n_batch = env("CBA_BENCH_BATCH_RECORDS", 1_000_000);
    let rounds = env("CBA_BENCH_ROUNDS", 5);
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
    batch(&prog, memory_input(text.as_bytes()), 1, &mut cba_lines);
    let mut limit_text = String::new();
    for (i, l) in lines.iter().enumerate() {
        limit_line(table, i + 1, l, &mut limit_text);
    }
    assert!(
        limit_text.as_bytes() == cba_lines.as_slice(),
        "hand-written lines differ from cba batch"
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

    // Per-record evaluation, engines interleaved round by round.
    let queries = query_ids(&prog);
    let mut case = batch_case(&prog);
    let mut values = Vec::new();
    let (mut t_cba, mut t_limit) = (Duration::MAX, Duration::MAX);
    #[allow(unused_mut)]
    let mut t_peer = None::<Duration>;
    for _ in 0..rounds {
        t_cba = t_cba.min(best(1, || cba_eval(&mut case, &facts, &queries, &mut values)));
        t_limit = t_limit.min(best(1, || limit_eval(table, &limit)));
        #[cfg(feature = "bench-cel")]
        {
            let mut cel_out = Vec::new();
            let t = best(1, || common::peer::eval(&peer.0, &peer.1, &mut cel_out));
            t_peer = Some(t_peer.map_or(t, |p| p.min(t)));
        }
    }

    // Record in, answer line out (in memory, one thread).
    let (mut t_line_cba, mut t_line_limit, mut t_line_floor) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..rounds {
        t_line_cba = t_line_cba.min(best(1, || {
            batch(&prog, memory_input(text.as_bytes()), 1, &mut std::io::sink());
        }));
        t_line_limit = t_line_limit.min(best(1, || {
            let mut s = String::with_capacity(text.len() * 2);
            for (i, l) in lines.iter().enumerate() {
                limit_line(table, i + 1, l, &mut s);
            }
            std::hint::black_box(&s);
        }));
        t_line_floor = t_line_floor.min(best(1, || {
            let mut w = BufWriter::with_capacity(1 << 20, std::io::sink());
            floor_lines(text.as_bytes().lines(), &mut w);
        }));
    }

    // cba batch over a file of generated records, against the floor.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("grievances-{n_batch}.jsonl"));
    if !path.exists() {
        let mut f = BufWriter::new(std::fs::File::create(&path).expect("creates the input"));
        cba::batch::generate::write_grievances(&mut f, SEED, n_batch).expect("writes the input");
    }
    let open = || BufReader::with_capacity(1 << 20, std::fs::File::open(&path).expect("opens the input"));
    let file_input = || cba::batch::input::Input::Jsonl {
        reader: Box::new(open()),
        name: "bench".into(),
    };
    let batch_rounds = env("CBA_BENCH_BATCH_ROUNDS", 2);
    let (mut t_floor, mut t_one, mut t_two) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..batch_rounds {
        t_floor = t_floor.min(best(1, || {
            let mut w = BufWriter::with_capacity(1 << 20, std::io::sink());
            assert_eq!(floor_lines(open().lines(), &mut w), n_batch);
        }));
        t_two = t_two.min(best(1, || {
            let s = batch(&prog, file_input(), 2, &mut std::io::sink());
            assert_eq!(s.ok, n_batch);
        }));
        t_one = t_one.min(best(1, || {
            let s = batch(&prog, file_input(), 1, &mut std::io::sink());
            assert_eq!(s.ok, n_batch);
        }));
    }

    println!("cba benchmark: {n} records for evaluation, {n_batch} for the batch; best of {rounds} rounds");
    println!();
    println!("per-record evaluation (15 grievance queries)      ns/record");
    println!(
        "  cba                                              {:>9.0}",
        per(t_cba, n)
    );
    println!(
        "  limit: hand-written Rust                         {:>9.0}",
        per(t_limit, n)
    );
    match t_peer {
        Some(t) => println!("  peer: CEL (cel crate)                            {:>9.0}", per(t, n)),
        None => println!("  peer: CEL (cel crate)                            not built (--features bench-cel)"),
    }
    println!("record in, answer line out (one thread, in memory)");
    println!(
        "  cba batch --jobs 1                               {:>9.0}",
        per(t_line_cba, n)
    );
    println!(
        "  hand-written Rust with serde                     {:>9.0}",
        per(t_line_limit, n)
    );
    println!(
        "  floor: serde_json read and write                 {:>9.0}",
        per(t_line_floor, n)
    );
    println!("batch over {n_batch} records in a file                   seconds");
    println!(
        "  floor                                            {:>9.2}",
        t_floor.as_secs_f64()
    );
    println!(
        "  cba batch --jobs 1                               {:>9.2}",
        t_one.as_secs_f64()
    );
    println!(
        "  cba batch --jobs 2                               {:>9.2}",
        t_two.as_secs_f64()
    );
    println!();
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("ratio                                             measured   goal");
    println!(
        "  cba / limit (evaluation)                         {:>7.2}×   ≤ 4×",
        ratio(t_cba, t_limit)
    );
    if let Some(p) = t_peer {
        println!(
            "  peer / cba (evaluation)                          {:>7.2}×   ≥ 3×",
            ratio(p, t_cba)
        );
    }
    println!(
        "  cba batch --jobs 2 / floor ({n_batch} records)      {:>7.2}×   ≤ 2×",
        ratio(t_two, t_floor)
    );
    println!(
        "  jobs 1 / jobs 2                                  {:>7.2}×   ≥ 1.7×",
        ratio(t_one, t_two)
    );
    println!(
        "  cba / hand-written, line in and out              {:>7.2}×",
        ratio(t_line_cba, t_line_limit)
    );
    println!(
        "  cba / floor, line in and out, one thread         {:>7.2}×",
        ratio(t_line_cba, t_line_floor)
    );
}
