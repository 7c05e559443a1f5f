//! Reading a batch's records in chunks: JSON Lines, CSV rows, or the fact
//! files of a directory. Reading only splits the input into records; parsing
//! and typing happen where the record is evaluated, so a bad record is an
//! answer line, never the end of the run.

use std::io::{self, BufRead};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Records per chunk by default (fewer when the chunk reaches [`CHUNK_BYTES`]).
pub const CHUNK_RECORDS: usize = 512;
/// Bytes of input per chunk, roughly.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// Files per chunk of a directory.
const CHUNK_FILES: usize = 64;

/// Where a batch's records come from.
pub enum Input {
    /// One JSON object a line; blank lines are skipped.
    Jsonl {
        reader: Box<dyn BufRead + Send>,
        name: String,
    },
    /// A header row of dotted fact paths, then one record a row.
    Csv {
        reader: Box<dyn io::Read + Send>,
        name: String,
    },
    /// The `.json` and `.toml` files of a directory, in name order.
    Dir { path: PathBuf },
}

/// A run of consecutive records.
pub struct Chunk {
    /// The chunk's place in the input (0, 1, …).
    pub seq: u64,
    /// Bytes read (or files) for progress reporting.
    pub size: u64,
    pub records: Records,
}

pub enum Records {
    /// `text` holds the lines; each item is (record number, line number, range).
    Lines {
        text: Vec<u8>,
        items: Vec<(u64, u64, Range<usize>)>,
    },
    /// Each item is (record number, line number, the row or why it is unreadable).
    Rows(Vec<(u64, u64, Result<csv::StringRecord, String>)>),
    /// Each item is (record number, path).
    Files(Vec<(u64, PathBuf)>),
}

impl Records {
    pub fn len(&self) -> usize {
        match self {
            Records::Lines { items, .. } => items.len(),
            Records::Rows(r) => r.len(),
            Records::Files(f) => f.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An input being read.
pub struct Source {
    kind: SourceKind,
    chunk_records: usize,
    seq: u64,
    records: u64,
    /// Lines read so far.
    lines: u64,
}

enum SourceKind {
    Jsonl(Box<dyn BufRead + Send>),
    Csv(csv::Reader<Box<dyn io::Read + Send>>),
    Dir(std::vec::IntoIter<PathBuf>),
}

/// The header of a CSV input (the column names), or `None` for other inputs.
pub type Header = Option<Vec<String>>;

impl Source {
    /// Opens an input: reads a CSV header, lists a directory.
    pub fn open(input: Input, chunk_records: usize) -> Result<(Source, Header), String> {
        let (kind, header) = match input {
            Input::Jsonl { reader, .. } => (SourceKind::Jsonl(reader), None),
            Input::Csv { reader, name } => {
                let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
                let header = r
                    .headers()
                    .map_err(|e| format!("cannot read the header row of `{name}`: {e}"))?
                    .iter()
                    .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                    .collect();
                (SourceKind::Csv(r), Some(header))
            }
            Input::Dir { path } => (SourceKind::Dir(list_dir(&path)?.into_iter()), None),
        };
        Ok((
            Source {
                kind,
                chunk_records: chunk_records.max(1),
                seq: 0,
                records: 0,
                lines: 0,
            },
            header,
        ))
    }

    /// The next chunk, or `None` at the end of the input. An error here is one
    /// that stops the run (the input cannot be read at all any more).
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let (records, size) = match &mut self.kind {
            SourceKind::Jsonl(r) => read_lines(r, self.chunk_records, &mut self.records, &mut self.lines)?,
            SourceKind::Csv(r) => read_rows(r, self.chunk_records, &mut self.records)?,
            SourceKind::Dir(files) => {
                let mut items = Vec::new();
                for path in files.by_ref().take(CHUNK_FILES.min(self.chunk_records)) {
                    self.records += 1;
                    items.push((self.records, path));
                }
                let n = items.len() as u64;
                (Records::Files(items), n)
            }
        };
        if records.is_empty() {
            return Ok(None);
        }
        let chunk = Chunk {
            seq: self.seq,
            size,
            records,
        };
        self.seq += 1;
        Ok(Some(chunk))
    }
}

fn read_lines(
    r: &mut Box<dyn BufRead + Send>,
    most: usize,
    records: &mut u64,
    lines: &mut u64,
) -> io::Result<(Records, u64)> {
    let mut text = Vec::with_capacity(CHUNK_BYTES + 4096);
    let mut items = Vec::with_capacity(most.min(CHUNK_RECORDS));
    let mut size = 0u64;
    while items.len() < most && text.len() < CHUNK_BYTES {
        let start = text.len();
        let n = r.read_until(b'\n', &mut text)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        *lines += 1;
        if *lines == 1 && text[start..].starts_with(b"\xEF\xBB\xBF") {
            // A byte-order mark, as some spreadsheet exports write.
            text.drain(start..start + 3);
        }
        let mut end = text.len();
        while end > start && matches!(text[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        if text[start..end].iter().all(u8::is_ascii_whitespace) {
            text.truncate(start);
            continue;
        }
        *records += 1;
        items.push((*records, *lines, start..end));
    }
    Ok((Records::Lines { text, items }, size))
}

fn read_rows(
    r: &mut csv::Reader<Box<dyn io::Read + Send>>,
    most: usize,
    records: &mut u64,
) -> io::Result<(Records, u64)> {
    let mut rows = Vec::with_capacity(most.min(CHUNK_RECORDS));
    let start = r.position().byte();
    while rows.len() < most {
        let mut row = csv::StringRecord::new();
        let line = r.position().line();
        match r.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) if row.iter().all(|f| f.trim().is_empty()) => {}
            Ok(true) => {
                *records += 1;
                rows.push((*records, line, Ok(row)));
            }
            Err(e) => {
                let why = match e.kind() {
                    csv::ErrorKind::Io(_) => return Err(io::Error::other(e.to_string())),
                    csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".to_string(),
                    _ => format!("unreadable row: {e}"),
                };
                *records += 1;
                rows.push((*records, line, Err(why)));
            }
        }
    }
    let size = r.position().byte().saturating_sub(start);
    Ok((Records::Rows(rows), size))
}

/// The `.json` and `.toml` files directly inside `dir`, in name order.
pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read the directory `{}`: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read the directory `{}`: {e}", dir.display()))?;
        let path = entry.path();
        let fact_file = path.extension().is_some_and(|e| e == "json" || e == "toml");
        if fact_file && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
