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
    /// One JSON object a line; blank lines are skipped (their numbers too, so a
    /// record's number is its line's).
    Jsonl {
        reader: Box<dyn BufRead + Send>,
        name: String,
    },
    /// A header row of dotted fact paths, then one record a row.
    Csv {
        reader: Box<dyn BufRead + Send>,
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
    /// Buffers of chunks already answered, for the next chunks (see
    /// [`Source::give_back`]).
    spare: Vec<LineBuffers>,
}

/// The text and the line ranges of a chunk of lines.
type LineBuffers = (Vec<u8>, Vec<(u64, u64, Range<usize>)>);

/// Buffers kept for reuse: enough for every chunk in flight.
const SPARE_CHUNKS: usize = 64;

enum SourceKind {
    Jsonl(Box<dyn BufRead + Send>),
    Csv(CsvRows),
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
                let mut r = CsvRows::new(reader);
                let header = match r.next_row() {
                    Err(e) => return Err(format!("cannot read the header row of `{name}`: {e}")),
                    Ok(None) => Vec::new(),
                    Ok(Some((line, Err(why)))) => return Err(format!("{name}:{line}: the header row: {why}")),
                    Ok(Some((_, Ok(row)))) => row
                        .iter()
                        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                        .collect(),
                };
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
                spare: Vec::new(),
            },
            header,
        ))
    }

    /// The next chunk, or `None` at the end of the input. An error here is one
    /// that stops the run (the input cannot be read at all any more).
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let (records, size) = match &mut self.kind {
            SourceKind::Jsonl(r) => {
                let buffers = self.spare.pop();
                read_lines(r, self.chunk_records, &mut self.records, &mut self.lines, buffers)?
            }
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

    /// Takes back a chunk that has been answered, to read later chunks into
    /// its buffers: a long run then reuses a few warm buffers instead of
    /// mapping fresh pages for every chunk.
    pub fn give_back(&mut self, chunk: Chunk) {
        if let Records::Lines { mut text, mut items } = chunk.records
            && self.spare.len() < SPARE_CHUNKS
        {
            text.clear();
            items.clear();
            self.spare.push((text, items));
        }
    }
}

fn read_lines(
    r: &mut Box<dyn BufRead + Send>,
    most: usize,
    records: &mut u64,
    lines: &mut u64,
    buffers: Option<LineBuffers>,
) -> io::Result<(Records, u64)> {
    // A chunk of a few records (a stream answered line by line) needs a few
    // pages, not the whole chunk's worth.
    let (mut text, mut items) = buffers.unwrap_or_else(|| {
        (
            Vec::with_capacity(most.saturating_mul(2048).min(CHUNK_BYTES) + 4096),
            Vec::with_capacity(most.min(CHUNK_RECORDS)),
        )
    });
    let mut size = 0u64;
    while items.len() < most && text.len() < CHUNK_BYTES {
        let start = text.len();
        let n = read_line(r, &mut text)?;
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
            // No answer for a blank line, but it keeps its number, so that a
            // record's number stays its line number.
            text.truncate(start);
            *records += 1;
            continue;
        }
        *records += 1;
        items.push((*records, *lines, start..end));
    }
    Ok((Records::Lines { text, items }, size))
}

/// `BufRead::read_until(b'\n', out)`, with the line's end found by the
/// `memchr` crate (vector instructions) rather than the standard library's
/// portable search, which took ~3% of a batch record's time.
fn read_line(r: &mut Box<dyn BufRead + Send>, out: &mut Vec<u8>) -> io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (done, used) = match memchr::memchr(b'\n', available) {
            Some(i) => {
                out.extend_from_slice(&available[..=i]);
                (true, i + 1)
            }
            None => {
                out.extend_from_slice(available);
                (available.is_empty(), available.len())
            }
        };
        r.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

fn read_rows(r: &mut CsvRows, most: usize, records: &mut u64) -> io::Result<(Records, u64)> {
    let mut rows = Vec::with_capacity(most.min(CHUNK_RECORDS));
    let start = r.bytes;
    while rows.len() < most {
        match r.next_row()? {
            None => break,
            Some((_, Ok(row))) if row.iter().all(|f| f.trim().is_empty()) => *records += 1,
            Some((line, row)) => {
                *records += 1;
                rows.push((*records, line, row));
            }
        }
    }
    Ok((Records::Rows(rows), r.bytes - start))
}

/// Lines one CSV record may span (a quoted cell with line breaks) before its
/// opening quote is taken for one never closed.
pub const MAX_RECORD_LINES: usize = 100;

/// CSV records, split by hand before the `csv` crate parses each: line numbers
/// count `\r\n` as one line break, and a quote left open is an error naming the
/// line where its record began, after which the following lines are read again
/// as records of their own (one stray quote cannot swallow the rest of a file).
pub struct CsvRows {
    reader: Box<dyn BufRead + Send>,
    parser: csv::Reader<io::Cursor<Vec<u8>>>,
    /// Lines read but not given out yet, with their numbers.
    pending: std::collections::VecDeque<(u64, Vec<u8>)>,
    /// Lines read from the input so far.
    lines: u64,
    /// Bytes read from the input so far.
    pub bytes: u64,
}

impl CsvRows {
    pub fn new(reader: Box<dyn BufRead + Send>) -> CsvRows {
        CsvRows {
            reader,
            parser: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(io::Cursor::new(Vec::new())),
            pending: std::collections::VecDeque::new(),
            lines: 0,
            bytes: 0,
        }
    }

    fn next_line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        if let Some(l) = self.pending.pop_front() {
            return Ok(Some(l));
        }
        let mut line = Vec::new();
        let n = read_line(&mut self.reader, &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        self.bytes += n as u64;
        self.lines += 1;
        if self.lines == 1 && line.starts_with(b"\xEF\xBB\xBF") {
            line.drain(..3);
        }
        Ok(Some((self.lines, line)))
    }

    /// The next record: the line it begins on, and its cells or why it cannot be read.
    pub fn next_row(&mut self) -> io::Result<Option<(u64, Result<csv::StringRecord, String>)>> {
        let Some((first, line)) = self.next_line()? else {
            return Ok(None);
        };
        let mut open = quote_open(&line, false);
        let mut text = line;
        let mut taken: Vec<(u64, Vec<u8>)> = Vec::new();
        while open && taken.len() + 1 < MAX_RECORD_LINES {
            let Some((n, more)) = self.next_line()? else { break };
            open = quote_open(&more, true);
            text.extend_from_slice(&more);
            taken.push((n, more));
        }
        if open {
            let why = if taken.len() + 1 >= MAX_RECORD_LINES {
                format!(
                    "a quote opened in this row is still open {MAX_RECORD_LINES} lines later; the lines after this one are read as rows of their own"
                )
            } else {
                "a quote opened in this row is never closed; the lines after this one are read as rows of their own"
                    .to_string()
            };
            for l in taken.into_iter().rev() {
                self.pending.push_front(l);
            }
            return Ok(Some((first, Err(why))));
        }
        *self.parser.get_mut() = io::Cursor::new(text);
        self.parser
            .seek(csv::Position::new())
            .map_err(|e| io::Error::other(e.to_string()))?;
        let mut row = csv::StringRecord::new();
        let row = match self.parser.read_record(&mut row) {
            Ok(_) => Ok(row),
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { .. } => Err("the row is not UTF-8 text".to_string()),
                _ => Err(format!("unreadable row: {e}")),
            },
        };
        Ok(Some((first, row)))
    }
}

/// Whether a quoted CSV cell is still open at the end of `line`, given whether
/// one was open at its start. A quote opens a cell only at the cell's start; in
/// a quoted cell `""` is a quote and a lone `"` closes it.
fn quote_open(line: &[u8], mut open: bool) -> bool {
    let mut at_cell_start = !open;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if open {
            if b == b'"' {
                if line.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open = false;
                }
            }
        } else if b == b'"' && at_cell_start {
            open = true;
        }
        at_cell_start = !open && b == b',';
        i += 1;
    }
    open
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(u64, Result<Vec<String>, String>)> {
        let mut r = CsvRows::new(Box::new(io::Cursor::new(text.as_bytes().to_vec())));
        let mut out = Vec::new();
        while let Some((line, row)) = r.next_row().expect("reads") {
            out.push((line, row.map(|r| r.iter().map(str::to_string).collect())));
        }
        out
    }

    #[test]
    fn crlf_rows_have_their_own_line_numbers() {
        let got = rows("a,b\r\n1,2\r\n3,4\r\n");
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(got[2].1, Ok(vec!["3".to_string(), "4".to_string()]));
    }

    #[test]
    fn a_quoted_cell_may_span_lines() {
        let got = rows("a,b\n\"x\ny\",2\n3,\"q\"\"q\"\n");
        assert_eq!(got[1], (2, Ok(vec!["x\ny".to_string(), "2".to_string()])));
        assert_eq!(got[2], (4, Ok(vec!["3".to_string(), "q\"q".to_string()])));
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_its_line_and_later_rows_are_read() {
        let got = rows("a,b\n1,\"oops\n2,3\n4,5\n");
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[1].0, 2);
        assert!(got[1].1.as_ref().is_err_and(|e| e.contains("never closed")), "{got:?}");
        assert_eq!(got[2], (3, Ok(vec!["2".to_string(), "3".to_string()])));
        assert_eq!(got[3], (4, Ok(vec!["4".to_string(), "5".to_string()])));
        // Past the limit too.
        let long = format!("a\n\"{}\n", "x\n".repeat(MAX_RECORD_LINES + 5));
        let got = rows(&long);
        assert!(
            got[1].1.as_ref().is_err_and(|e| e.contains("still open")),
            "{:?}",
            got[1]
        );
        assert_eq!(got.len(), MAX_RECORD_LINES + 7); // the last line is empty
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_is_text() {
        assert_eq!(
            rows("a\nab\"c,d\n")[1],
            (2, Ok(vec!["ab\"c".to_string(), "d".to_string()]))
        );
    }
}
