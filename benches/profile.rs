//! The per-record evaluation loop of `benches/ratios.rs` alone, for a profiler
//! (callgrind counts instructions exactly, where timings are noisy):
//!
//! ```text
//! cargo bench --bench profile --no-run
//! CBA_PROFILE_RECORDS=2000 CBA_PROFILE_ROUNDS=10 valgrind --tool=callgrind \
//!     --toggle-collect='profile::rounds_of*' target/release/deps/profile-<hash>
//! ```
//!
//! Instructions a record are the total over records × rounds. It gives each
//! record's facts to one reused case and reads the fifteen grievance answers
//! in place, as the bench does; `CBA_PROFILE_QUERY=<index>` answers one query of
//! `QUERIES` only (`none`: none, to count giving the facts alone), and
//! `CBA_PROFILE_HAND=1` runs the hand-written queries instead
//! (`--toggle-collect='profile::hand_rounds*'`). It prints ns a record, which
//! is only a hint.

mod common;

use std::hint::black_box;

use common::*;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn main() {
    let prog = program();
    let n: u64 = var("CBA_PROFILE_RECORDS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let rounds: u64 = var("CBA_PROFILE_ROUNDS").and_then(|v| v.parse().ok()).unwrap_or(50);
    let recs = records(n);
    let mut queries = query_ids(&prog);
    match var("CBA_PROFILE_QUERY").as_deref() {
        None => {}
        Some("none") => queries.clear(),
        Some(i) => {
            let i: usize = i.parse().expect("CBA_PROFILE_QUERY: an index of QUERIES, or none");
            queries = vec![queries[i]];
        }
    }
    let per = |t: std::time::Duration| t.as_nanos() as f64 / (n * rounds) as f64;
    if var("CBA_PROFILE_HAND").is_some() {
        let table = workdays(&prog);
        let typed = limit_records(&recs);
        let t = std::time::Instant::now();
        hand_rounds(table, &typed, rounds);
        println!("hand-written: {:.1} ns a record", per(t.elapsed()));
        return;
    }
    let facts = cba_facts(&prog, &recs);
    let mut case = batch_case(&prog);
    // Lower the rules and fill the constant answers before counting (outside
    // `rounds_of`, which the profiler counts).
    cba_eval(&mut case, &facts, &queries, &mut |_, a| {
        let _ = black_box(a);
    });
    let t = std::time::Instant::now();
    let sink = rounds_of(&mut case, &facts, &queries, rounds);
    println!("cba: {:.1} ns a record ({sink})", per(t.elapsed()));
}

#[inline(never)]
fn rounds_of(
    case: &mut Batch,
    facts: &[Vec<(cba::ir::FactId, cba::eval::Held, bool)>],
    queries: &[cba::ir::RuleId],
    rounds: u64,
) -> usize {
    let mut sink = 0;
    for _ in 0..rounds {
        cba_eval(case, facts, queries, &mut |i, a| {
            let _ = black_box(a);
            sink += i;
        });
    }
    sink
}

#[inline(never)]
fn hand_rounds(table: &cba::values::workdays::WorkdayTable, typed: &[Record], rounds: u64) {
    for _ in 0..rounds {
        limit_eval(table, typed);
    }
}
