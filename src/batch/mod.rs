//! Answering queries for many cases: `cba batch`.
//!
//! The input is read in chunks of records ([`input`]); each chunk is evaluated
//! by a worker that keeps one case for the whole run ([`record`]); the answers
//! are written in input order. With one job everything happens on the calling
//! thread, one chunk after another; with more, the workers (the calling
//! thread among them) read the chunks in turn and answer them, and the calling
//! thread writes them in order between its own, with a bounded number in
//! flight, so memory stays flat however long the input is.
//!
//! A record that cannot be read, typed or answered is never dropped: its line
//! carries the record number and the error, and the run goes on.

pub mod columns;
pub mod generate;
pub mod input;
pub mod record;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use self::columns::Columns;
use self::input::{Input, Source};
pub use self::record::OutFormat;
use self::record::{Done, Plan, Worker};
use crate::facts::direct::DirectReader;
use crate::ir::Program;

/// Worker threads' stack: evaluation recurses through rules (see [`crate::eval::MAX_DEPTH`]).
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct Options {
    /// Query names (`module.rule`, or `module.*`); empty: each record's default queries.
    pub queries: Vec<String>,
    pub format: OutFormat,
    /// Worker threads; 1 runs everything on the calling thread, in order.
    pub jobs: usize,
    /// Stop after this many failed records.
    pub max_errors: Option<u64>,
    /// The field (or CSV column) that names a record.
    pub id_field: String,
    /// The input's name, for messages.
    pub input_name: String,
    /// Read JSON records straight into slots when they allow it (the general
    /// reader gives the same answers, slower; off only to compare the two).
    pub direct: bool,
    /// Records per chunk, the unit of work of a worker.
    pub chunk_records: usize,
    /// A key that names no fact fails its record (by default: one warning on
    /// standard error for each such key).
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            queries: Vec::new(),
            format: OutFormat::Jsonl,
            jobs: 1,
            max_errors: None,
            id_field: "id".into(),
            input_name: "<input>".into(),
            direct: true,
            chunk_records: input::CHUNK_RECORDS,
            strict: false,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub ok: u64,
    pub failed: u64,
    /// `--max-errors` was reached and the rest of the input left unread.
    pub stopped: bool,
}

/// Progress as the writer sees it: bytes (or files) and records written so far.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// Runs a batch: reads `input`, writes one answer line (or CSV row) a record
/// to `out`. An error is a reason the whole run could not go on (an unknown
/// query, a bad CSV header, an unreadable input, a failed write).
pub fn run(
    prog: &Program,
    input: Input,
    out: &mut dyn Write,
    opts: &Options,
    progress: Progress,
) -> Result<Summary, String> {
    let files = matches!(input, Input::Dir { .. });
    let (source, header) = Source::open(input, opts.chunk_records)?;
    let queries = if opts.queries.is_empty() {
        if opts.format == OutFormat::Csv {
            return Err(
                "CSV output needs its columns: name the queries with `--query` (`module.*` for a whole module)".into(),
            );
        }
        None
    } else {
        Some(crate::api::select::select(prog, &opts.queries, None).map_err(|e| e.message)?)
    };
    let columns = match &header {
        Some(h) => Some(Columns::new(prog, h, &opts.id_field).map_err(|e| format!("{}: {e}", opts.input_name))?),
        None => None,
    };
    let direct = (opts.direct && header.is_none() && !files).then(|| DirectReader::new(prog, &opts.id_field));
    let plan = Plan {
        prog,
        direct,
        keys: Plan::json_keys(queries.as_deref()),
        constant: prog.case_independent().into(),
        defaults: queries.is_none().then(|| crate::api::select::DefaultQueries::new(prog)),
        queries,
        format: opts.format,
        id_field: opts.id_field.clone(),
        input_name: opts.input_name.clone(),
        columns,
        files,
        strict: opts.strict,
        warned: std::sync::Mutex::new(std::collections::BTreeSet::new()),
    };
    let mut sink = Sink {
        out,
        max_errors: opts.max_errors,
        summary: Summary::default(),
        progress,
        written: (0, 0),
    };
    if plan.format == OutFormat::Csv {
        sink.out.write_all(plan.csv_header().as_bytes()).map_err(write_error)?;
    }
    if opts.jobs <= 1 {
        sequential(&plan, source, &mut sink)?;
    } else {
        parallel(&plan, source, &mut sink, opts.jobs)?;
    }
    sink.out.flush().map_err(write_error)?;
    Ok(sink.summary)
}

fn write_error(e: std::io::Error) -> String {
    format!("cannot write the answers: {e}")
}

fn read_error(e: std::io::Error) -> String {
    format!("cannot read the input: {e}")
}

/// Writes finished chunks, counting records and stopping at `max_errors`.
struct Sink<'a, 'b> {
    out: &'a mut dyn Write,
    max_errors: Option<u64>,
    summary: Summary,
    progress: Progress<'b>,
    written: (u64, u64),
}

impl Sink<'_, '_> {
    /// Writes a chunk's records; false when `max_errors` was reached.
    fn write(&mut self, done: &Done) -> Result<bool, String> {
        let mut end = done.out.len();
        let mut records = done.marks.len();
        for (i, &(at, failed)) in done.marks.iter().enumerate() {
            if failed {
                self.summary.failed += 1;
            } else {
                self.summary.ok += 1;
            }
            if failed && self.max_errors.is_some_and(|m| self.summary.failed >= m) {
                self.summary.stopped = true;
                end = at;
                records = i + 1;
                break;
            }
        }
        self.out.write_all(&done.out.as_bytes()[..end]).map_err(write_error)?;
        self.written.0 += done.size;
        self.written.1 += records as u64;
        (self.progress)(self.written.0, self.written.1);
        Ok(!self.summary.stopped)
    }
}

fn sequential(plan: &Plan, mut source: Source, sink: &mut Sink) -> Result<(), String> {
    let mut worker = Worker::new(plan);
    let mut spare = None;
    while let Some(chunk) = source.next_chunk().map_err(read_error)? {
        let done = worker.process_reusing(&chunk, spare.take());
        if !sink.write(&done)? {
            break;
        }
        source.give_back(chunk);
        spare = Some(done);
    }
    Ok(())
}

/// `jobs` workers, this thread one of them and the writer. Each worker reads
/// its next chunk itself, in turn (the input behind a lock, so chunks are
/// numbered in input order), answers it and hands it to the writer: no thread
/// only reads or only writes, so on a machine with `jobs` cores the cores
/// answer and nothing waits on a reader or a writer to be scheduled. At most
/// `window` chunks are in flight: a worker takes a permit before it reads a
/// chunk, the writer gives it back once the chunk is written.
fn parallel(plan: &Plan, source: Source, sink: &mut Sink, jobs: usize) -> Result<(), String> {
    // The writer writes what the others answered between its own chunks, so
    // no thread only waits to write (and is woken for every chunk).
    let helpers = jobs - 1;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(helpers)
        .stack_size(WORKER_STACK_BYTES)
        .thread_name(|i| format!("cba-batch-{i}"))
        .build()
        .map_err(|e| format!("cannot start {jobs} workers: {e}"))?;
    let window = jobs * 4;
    let input = Mutex::new(Reading {
        source,
        ended: false,
        error: None,
    });
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    // Written answers go back to the workers, which write into their buffers.
    let (free_tx, free_rx) = mpsc::channel::<Done>();
    let free_rx = Mutex::new(free_rx);
    let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        let _ = permit_tx.send(());
    }
    let permit_rx = Mutex::new(permit_rx);
    let stop = AtomicBool::new(false);
    let (input, stop, permit_rx, free_rx) = (&input, &stop, &permit_rx, &free_rx);
    // The next chunk of the input: a permit (a place in the window of chunks
    // read and not yet written) first, `None` once there is none to take.
    let take = |wait: bool| -> Option<input::Chunk> {
        // A worker waits for a permit holding the lock; the writer must not
        // wait behind it (only the writer gives permits back), so it only tries.
        let permit = if wait {
            permit_rx.lock().ok().and_then(|rx| rx.recv().ok())
        } else {
            permit_rx.try_lock().ok().and_then(|rx| rx.try_recv().ok())
        };
        if permit.is_none() || stop.load(Ordering::Relaxed) {
            return None;
        }
        input.lock().ok().and_then(|mut r| r.next())
    };
    let answer = |worker: &mut Worker, chunk: input::Chunk| {
        let spare = free_rx.lock().ok().and_then(|rx| rx.try_recv().ok());
        let done = worker.process_reusing(&chunk, spare);
        if let Ok(mut r) = input.lock() {
            r.source.give_back(chunk);
        }
        done
    };
    std::thread::scope(|s| {
        s.spawn(move || {
            pool.broadcast(|_| {
                let mut worker = Worker::new(plan);
                while let Some(chunk) = take(true) {
                    if done_tx.send(answer(&mut worker, chunk)).is_err() {
                        break;
                    }
                }
            });
            drop(done_tx);
        });
        let mut writer = InOrder {
            pending: BTreeMap::new(),
            next: 0,
            permits: &permit_tx,
            free: &free_tx,
        };
        let mut worker = Worker::new(plan);
        let written = (|| -> Result<(), String> {
            // Answer chunks while there are permits and input; write whatever
            // is next in order in between.
            loop {
                while let Ok(done) = done_rx.try_recv() {
                    if !writer.add(done, sink)? {
                        return Ok(());
                    }
                }
                if input.lock().map_or(true, |r| r.ended) {
                    break;
                }
                let done = match take(false) {
                    Some(chunk) => answer(&mut worker, chunk),
                    // No permit (the window waits on a chunk another worker
                    // holds) or the input just ended: wait for the others' answers.
                    None => match done_rx.recv() {
                        Ok(done) => done,
                        Err(_) => return Ok(()),
                    },
                };
                if !writer.add(done, sink)? {
                    return Ok(());
                }
            }
            // The input has ended: write the others' last chunks.
            for done in &done_rx {
                if !writer.add(done, sink)? {
                    return Ok(());
                }
            }
            Ok(())
        })();
        stop.store(true, Ordering::Relaxed);
        // Workers waiting for a permit see the channel closed and end.
        drop(permit_tx);
        written
    })?;
    match input.lock() {
        Ok(mut r) => r.error.take().map_or(Ok(()), Err),
        Err(_) => Err("a worker stopped unexpectedly while reading the input".into()),
    }
}

/// The input of a parallel run, read by the workers in turn.
struct Reading {
    source: Source,
    /// The end was reached, or reading failed: no worker reads again.
    ended: bool,
    /// Why reading failed.
    error: Option<String>,
}

impl Reading {
    /// The next chunk, or `None` at the end of the input or after an error
    /// (kept in `error`: the run ends with it once the chunks before are written).
    fn next(&mut self) -> Option<input::Chunk> {
        if self.ended {
            return None;
        }
        match self.source.next_chunk() {
            Ok(Some(chunk)) => Some(chunk),
            Ok(None) => {
                self.ended = true;
                None
            }
            Err(e) => {
                self.ended = true;
                self.error = Some(read_error(e));
                None
            }
        }
    }
}

/// Chunks written as they finish, in input order.
struct InOrder<'a> {
    pending: BTreeMap<u64, Done>,
    next: u64,
    permits: &'a mpsc::SyncSender<()>,
    free: &'a mpsc::Sender<Done>,
}

impl InOrder<'_> {
    /// Takes a finished chunk and writes every chunk now next in order;
    /// false once the sink says to stop.
    fn add(&mut self, done: Done, sink: &mut Sink) -> Result<bool, String> {
        self.pending.insert(done.seq, done);
        while let Some(done) = self.pending.remove(&self.next) {
            if !sink.write(&done)? {
                return Ok(false);
            }
            self.next += 1;
            let _ = self.permits.send(());
            // The workers may have stopped: the buffers are then dropped here.
            let _ = self.free.send(done);
        }
        Ok(true)
    }
}
