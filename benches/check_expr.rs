//! What checking one expression against the built-in program costs: the
//! REPL's line and `cba eval --expr`. A counting allocator gives the
//! allocations and bytes of one call; a loop gives the time of one call.
//!
//! `cargo bench --bench check_expr` (rounds from `CBA_BENCH_ROUNDS`, default 2000).
//!
//! Measured on the 2-core CI machine (Dec 2026), one call each:
//!
//! | expression                    | cloning the program (before) | borrowing its tables (after) |
//! |-------------------------------|------------------------------|------------------------------|
//! | `1 + 1`                       | 7,919 allocs, 1,067,542 B, 1.36 ms | 36 allocs, 6,356 B, 0.13 ms |
//! | `grievance.step1_deadline`    | 7,924 allocs, 1,067,833 B, 1.37 ms | 41 allocs, 6,628 B, 0.08 ms |
//! | `add_workdays(2025-01-02, 1)` | 7,941 allocs, 1,069,996 B, 1.25 ms | 60 allocs, 8,900 B, 0.09 ms |
//! | `grievance.no_such_rule` (error) | 8,245 allocs, 1,089,165 B, 1.41 ms | 369 allocs, 30,896 B, 0.15 ms |
//!
//! Most of the time left is the parser's thread with a big stack.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const EXPRS: [&str; 4] = [
    "1 + 1",
    "grievance.step1_deadline",
    "add_workdays(2025-01-02, 1)",
    "grievance.no_such_rule",
];

fn main() {
    let rounds: u32 = std::env::var("CBA_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let loaded = cba::load::load(&cba::load::Contracts::Embedded).expect("the Agreement loads");
    let prog = loaded.program.unwrap_or_else(|_| panic!("the Agreement checks"));
    let source_bytes: usize = prog.sources.files.iter().map(|f| f.text.len()).sum();
    println!(
        "program: {} files, {source_bytes} bytes of source, {} rules",
        prog.sources.files.len(),
        prog.rules.len()
    );
    println!(
        "use-site index: {} uses, {} declarations",
        prog.uses.uses.len(),
        prog.uses.defs.len()
    );
    println!(
        "{:<30} {:>8} {:>12} {:>12}",
        "expression", "allocs", "bytes", "time/call"
    );
    for e in EXPRS {
        let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
        let r = cba::check::check_expr(&prog, "<bench>", e);
        let (a1, b1) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
        std::hint::black_box(&r);
        drop(r);
        let t = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(cba::check::check_expr(&prog, "<bench>", std::hint::black_box(e)).is_ok());
        }
        let per = t.elapsed() / rounds;
        println!("{e:<30} {:>8} {:>12} {:>12?}", a1 - a0, b1 - b0, per);
    }
}
