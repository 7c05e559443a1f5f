//! How long `cba lsp` takes from a keystroke to the diagnostics of the edited
//! file: the whole workspace re-checked (parse, check, lints) with the document's
//! new text, on the largest contract module.
//!
//! `cargo bench --bench lsp`

use std::hint::black_box;
use std::path::PathBuf;

use cba::lsp::workspace::{Workspace, path_to_uri};
use criterion::{Criterion, criterion_group, criterion_main};

fn keystroke(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("contracts/pay/pay.cba");
    let text = std::fs::read_to_string(&path).expect("contracts/pay/pay.cba");
    let uri = path_to_uri(&path).expect("a file URI");
    let mut ws = Workspace::new(Some(root));
    ws.open(uri.clone(), text.clone(), 1);
    let a = ws.analysis(&uri);
    assert!(a.checks, "the contracts check");
    // Each iteration types one character at the end of a comment line, then
    // asks for the diagnostics, as the server does after a keystroke.
    let at = text.find("\n//").expect("a comment line") + 3;
    let mut version = 1;
    c.bench_function("lsp: keystroke in contracts/pay/pay.cba → diagnostics", |b| {
        b.iter(|| {
            version += 1;
            let mut t = text.clone();
            t.insert(at, if version % 2 == 0 { 'x' } else { 'y' });
            ws.change(&uri, version, None, t);
            black_box(ws.analysis(&uri).diags.len())
        })
    });
    // The same with a syntax error in the file (no lints: the checker stops at the parse).
    c.bench_function("lsp: keystroke leaving a syntax error → diagnostics", |b| {
        b.iter(|| {
            version += 1;
            let mut t = text.clone();
            t.insert_str(at, "\nrule (");
            ws.change(&uri, version, None, t);
            black_box(ws.analysis(&uri).diags.len())
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = keystroke
}
criterion_main!(benches);
