//! Criterion benchmark of counterfactuals: `cba eval --flip` on the worked
//! grievance (`examples/facts/grievance.json`), one query and the module's
//! fifteen interface queries; and `cba inputs` (static lineage) of those.
//! `cargo bench --bench flip`.
//!
//! Measured 2026-12-03 on the shared 2-core build machine: one query
//! (`grievance.step2_timely`, ~240 evaluations) 0.62 ms; the fifteen queries
//! 4.4–6.1 ms (with `--pairs` the same: a single fact flips each of them);
//! `inputs` of the fifteen 0.20–0.24 ms. Again at 19:20 UTC (after the web
//! workbench's flips): 0.62 ms; 4.1 ms; 4.0 ms with `--pairs`; `inputs` 0.13 ms. The whole `cba eval --flip` command
//! (loading the Agreement included) takes 0.13–0.15 s, as plain `cba eval` does.

use std::hint::black_box;
use std::time::Duration;

use cba::eval::Case;
use cba::load::{Contracts, load};
use criterion::{Criterion, criterion_group, criterion_main};

const QUERIES: [&str; 15] = [
    "grievance.step1_deadline",
    "grievance.step1_method_allowed",
    "grievance.step1_timely",
    "grievance.step1_oral_by",
    "grievance.step1_answer_due",
    "grievance.step2_deadline",
    "grievance.step2_timely",
    "grievance.step2_answer_due",
    "grievance.step3_deadline",
    "grievance.step3_answer_due",
    "grievance.may_advance",
    "grievance.employer_filing_deadline",
    "grievance.employer_answer_due",
    "grievance.ulp_filing_deadline",
    "grievance.grievable",
];

fn flip(c: &mut Criterion) {
    let prog = load(&Contracts::Embedded)
        .expect("loads")
        .program
        .unwrap_or_else(|_| panic!("the Agreement checks"));
    let path = "examples/facts/grievance.json";
    let text = std::fs::read_to_string(path).expect("examples/facts/grievance.json");
    let root = cba::facts::parse_json(&text).expect("JSON");
    let mut case = Case::new(&prog);
    let origin = cba::facts::load::Origin {
        name: path,
        text: &text,
    };
    cba::facts::load::fill_case(&mut case, &root, &origin).expect("facts");
    let one = cba::api::select::query(&prog, "grievance.step2_timely").expect("query");
    let all: Vec<_> = QUERIES
        .iter()
        .map(|q| cba::api::select::query(&prog, q).expect("query"))
        .collect();
    let opts = cba::flip::Options::default();
    // The workday table is built once per program, before timing.
    let _ = cba::flip::flips(&case, one, opts);

    let mut g = c.benchmark_group("flip");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("grievance.step2_timely", |b| {
        b.iter(|| black_box(cba::flip::flips(&case, one, opts)))
    });
    g.bench_function("grievance, 15 queries", |b| {
        b.iter(|| {
            for &q in &all {
                black_box(cba::flip::flips(&case, q, opts));
            }
        })
    });
    let pairs = cba::flip::Options { pairs: true, ..opts };
    g.bench_function("grievance, 15 queries, --pairs", |b| {
        b.iter(|| {
            for &q in &all {
                black_box(cba::flip::flips(&case, q, pairs));
            }
        })
    });
    g.bench_function("inputs, 15 queries", |b| {
        b.iter(|| black_box(cba::flip::lineage(&prog, &all, Some(&case))))
    });
    g.finish();
}

criterion_group!(benches, flip);
criterion_main!(benches);
