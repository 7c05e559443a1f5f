//! Criterion benchmarks of the engines the ratios compare (see `common`):
//! per-record evaluation, and record in, answer line out.
//! `cargo bench --bench engines [--features bench-cel]`.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const RECORDS: u64 = 2_000;

fn engines(c: &mut Criterion) {
    let prog = program();
    let table = workdays(&prog);
    let lines = records(RECORDS);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let facts = cba_facts(&prog, &lines);
    let limit = limit_records(&lines);
    let queries = query_ids(&prog);

    let mut g = c.benchmark_group("evaluation");
    g.throughput(Throughput::Elements(RECORDS));
    let mut case = batch_case(&prog);
    g.bench_function("cba", |b| {
        b.iter(|| {
            cba_eval(&mut case, &facts, &queries, &mut |_, a| {
                let _ = black_box(a);
            })
        })
    });
    g.bench_function("limit", |b| b.iter(|| limit_eval(table, &limit)));
    #[cfg(feature = "bench-cel")]
    {
        let peer = common::peer::new(table);
        let vars: Vec<_> = limit.iter().map(common::peer::variables).collect();
        let mut out = Vec::new();
        g.bench_function("peer", |b| b.iter(|| common::peer::eval(&peer, &vars, &mut out)));
    }
    g.finish();

    let mut g = c.benchmark_group("line");
    g.throughput(Throughput::Elements(RECORDS));
    let opts = cba::batch::Options {
        queries: QUERIES.iter().map(|q| q.to_string()).collect(),
        ..Default::default()
    };
    g.bench_function("cba", |b| {
        b.iter(|| {
            let input = cba::batch::input::Input::Jsonl {
                reader: Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
                name: "bench".into(),
            };
            cba::batch::run(&prog, input, &mut std::io::sink(), &opts, &mut |_, _| {}).expect("runs")
        })
    });
    g.bench_function("limit", |b| {
        b.iter(|| {
            let mut s = String::new();
            for (i, l) in lines.iter().enumerate() {
                limit_line(table, i + 1, l, &mut s);
            }
            s
        })
    });
    g.bench_function("typed serde parse", |b| b.iter(|| typed_parse_lines(text.as_bytes())));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = engines
}
criterion_main!(benches);
