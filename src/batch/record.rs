//! Evaluating one chunk of records into its output lines. A worker keeps one
//! [`Case`] and its buffers for the whole run, so a record costs no set-up.

use std::fmt::Write as _;

use super::columns::Columns;
use super::input::{Chunk, Records};
use crate::api::select::{DefaultQueries, Query};
use crate::eval::format::{json_string, write_json};
use crate::eval::{Case, ErrorKind, dates};
use crate::facts::direct::{DirectReader, Scratch};
use crate::facts::load::{Origin, fill_case, parse};
use crate::facts::{FactNode, FactValue, parse_json};
use crate::ir::{Program, RuleId};
use crate::types::Type;
use crate::values::value::Value;

/// How answers are written.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum OutFormat {
    /// One JSON object a record, as `cba eval --format json` writes it, on one line.
    #[default]
    Jsonl,
    /// A header row, then one row a record: a column a query.
    Csv,
}

/// What every worker shares: the program, the queries, the output format.
pub struct Plan<'p> {
    pub prog: &'p Program,
    /// The queries named; `None`: each record's default queries.
    pub queries: Option<Vec<Query>>,
    pub defaults: Option<DefaultQueries>,
    pub format: OutFormat,
    /// The top-level field (JSON, TOML) or column (CSV) naming a record.
    pub id_field: String,
    /// The input's name, for messages.
    pub input_name: String,
    /// The columns of a CSV input.
    pub columns: Option<Columns>,
    /// Records are files: a `file` key (column) says which.
    pub files: bool,
    /// The fast reader for JSON records.
    pub direct: Option<DirectReader>,
    /// `,"name":` for each named query, written once.
    pub keys: Vec<String>,
    /// The rules whose answers every record shares ([`Program::case_independent`]).
    pub constant: std::sync::Arc<[bool]>,
    /// Keys that name no fact fail their record (else a warning, once a key).
    pub strict: bool,
    /// The unknown keys warned about already.
    pub warned: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl Plan<'_> {
    /// The JSON member prefixes of the named queries.
    pub fn json_keys(queries: Option<&[Query]>) -> Vec<String> {
        let mut keys = Vec::new();
        for q in queries.into_iter().flatten() {
            let mut k = String::from(",");
            json_string(&mut k, &q.name);
            k.push(':');
            keys.push(k);
        }
        keys
    }

    /// The CSV output's header row.
    pub fn csv_header(&self) -> String {
        let mut out = String::from("record,id");
        if self.files {
            out.push_str(",file");
        }
        for q in self.queries.iter().flatten() {
            out.push(',');
            csv_field(&mut out, &q.name);
        }
        out.push_str(",errors\n");
        out
    }
}

/// A chunk's output: the text, and where each record's output ends and whether it failed.
pub struct Done {
    pub seq: u64,
    pub size: u64,
    pub out: String,
    pub marks: Vec<(usize, bool)>,
}

/// Evaluates records one after another with one case.
pub struct Worker<'p> {
    plan: &'p Plan<'p>,
    case: Case<'p>,
    /// The native plan of the queries (see [`crate::eval::Native`]), which
    /// answers a record before the closures are asked what it leaves.
    native: Option<crate::eval::Native>,
    id: Option<String>,
    errors: String,
    scratch: String,
    rules: Vec<RuleId>,
    direct: Scratch,
    /// The general readers have filled the case: reset every fact.
    dirty_all: bool,
    /// Bytes of output a record in the last chunk.
    line_bytes: usize,
}

/// The name a JSON Lines record is read under (see [`Worker::place_messages`]):
/// nothing a fact file's value can be mistaken for.
const LINE: &str = "\u{0}line\u{0}";

/// A record that could not be read or typed at all.
type RecordError = String;

impl<'p> Worker<'p> {
    pub fn new(plan: &'p Plan<'p>) -> Worker<'p> {
        let mut case = Case::new(plan.prog);
        case.keep_constants(&plan.constant);
        let ids: Option<Vec<RuleId>> = plan.queries.as_ref().map(|qs| qs.iter().map(|q| q.id).collect());
        Worker {
            plan,
            case,
            native: ids.and_then(|ids| crate::eval::Native::compile(plan.prog, &ids)),
            id: None,
            errors: String::new(),
            scratch: String::new(),
            rules: Vec::new(),
            direct: Scratch::default(),
            dirty_all: false,
            line_bytes: 256,
        }
    }

    /// Evaluates every record of the chunk, in order.
    pub fn process(&mut self, chunk: &Chunk) -> Done {
        self.process_reusing(chunk, None)
    }

    /// [`Worker::process`], writing into the buffers of a chunk already
    /// written (`spare`), so a long run reuses a few warm buffers instead of
    /// mapping fresh pages for every chunk.
    pub fn process_reusing(&mut self, chunk: &Chunk, spare: Option<Done>) -> Done {
        // As long as the last chunk's output a record, so it is rarely grown.
        let want = chunk.records.len() * self.line_bytes.max(256);
        let (mut out, mut marks) = match spare {
            Some(Done { mut out, mut marks, .. }) => {
                out.clear();
                out.reserve(want);
                marks.clear();
                (out, marks)
            }
            None => (String::with_capacity(want), Vec::with_capacity(chunk.records.len())),
        };
        match &chunk.records {
            Records::Lines { text, items } => {
                for (number, line, range) in items {
                    let filled = self.fill_line(&text[range.clone()], *line);
                    let failed = self.finish(&mut out, *number, None, filled);
                    marks.push((out.len(), failed));
                }
            }
            Records::Rows(rows) => {
                for (number, line, row) in rows {
                    let filled = match row {
                        Ok(row) => self.fill_row(row, *line),
                        Err(why) => {
                            self.id = None;
                            Err(format!("{}:{line}: {why}", self.plan.input_name))
                        }
                    };
                    let failed = self.finish(&mut out, *number, None, filled);
                    marks.push((out.len(), failed));
                }
            }
            Records::Files(files) => {
                for (number, path) in files {
                    let filled = self.fill_file(path);
                    let name = path.file_name().map(|n| n.to_string_lossy());
                    let failed = self.finish(&mut out, *number, name.as_deref(), filled);
                    marks.push((out.len(), failed));
                }
            }
        }
        self.line_bytes = out.len() / marks.len().max(1) + 16;
        Done {
            seq: chunk.seq,
            size: chunk.size,
            out,
            marks,
        }
    }

    /// After a record the general readers filled: every fact back to its
    /// default. (After the fast reader's, [`Case::next_record`] puts back
    /// only what the next record does not give again.)
    fn prepare(&mut self) {
        if std::mem::take(&mut self.dirty_all) {
            self.case.reset();
        }
    }

    fn fill_line(&mut self, bytes: &[u8], line: u64) -> Result<(), RecordError> {
        self.id = None;
        let name = &self.plan.input_name;
        self.prepare();
        if let Some(direct) = &self.plan.direct {
            // The fast reader checks UTF-8 as it reads: a record it accepts is text.
            if direct.fill(&mut self.case, bytes, LINE, &mut self.direct, &mut self.id) {
                self.case.next_record();
                return Ok(());
            }
            self.id = None;
            self.dirty_all = true;
            self.prepare();
        }
        let text = std::str::from_utf8(bytes).map_err(|_| format!("{name}:{line}: the line is not UTF-8 text"))?;
        self.dirty_all = true;
        let root = match parse_json(text) {
            Ok(root) => root,
            Err(e) => {
                self.id = salvage_id(text, &self.plan.id_field);
                let col = at_column(text, e.offset);
                return Err(format!("{name}:{line}:{col}: {}", e.message));
            }
        };
        if !matches!(root.value, FactValue::Object(_)) {
            return Err(format!(
                "{name}:{line}: a record must be an object of facts, but this is {}",
                root.value.kind()
            ));
        }
        self.fill_root(&root, LINE, text)
            .map_err(|e| e.replace(LINE, &format!("{name}:{line}")))?;
        self.place_messages(name, line);
        Ok(())
    }

    /// Messages about a line's facts name the line: the reader saw the line
    /// alone, as line 1 of a text named [`LINE`].
    fn place_messages(&mut self, name: &str, line: u64) {
        let at = format!("at {LINE}:1:");
        let within = format!("in {LINE}");
        self.case.rewrite_bad(|_, why| {
            why.contains(LINE).then(|| {
                why.replace(&at, &format!("at {name}:{line}:"))
                    .replace(&within, &format!("in {name}:{line}"))
            })
        });
    }

    fn fill_file(&mut self, path: &std::path::Path) -> Result<(), RecordError> {
        self.id = None;
        self.prepare();
        self.dirty_all = true;
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{name}`: {e}"))?;
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        let root = parse(&text, is_toml).map_err(|e| {
            if e.offset == crate::facts::UNKNOWN_OFFSET {
                return format!("{name}: {}", e.message);
            }
            let (l, c) = crate::source::line_col(&text, e.offset as usize);
            format!("{name}:{l}:{c}: {}", e.message)
        })?;
        self.fill_root(&root, &name, &text)
    }

    fn fill_row(&mut self, row: &csv::StringRecord, line: u64) -> Result<(), RecordError> {
        let name = format!("{} line {line}", self.plan.input_name);
        let columns = self.plan.columns.as_ref().ok_or("internal: no columns for a CSV row")?;
        let (root, id) = columns
            .record(row, &name)
            .inspect_err(|_| self.id = columns.id_of(row))?;
        self.prepare();
        self.dirty_all = true;
        fill_case(&mut self.case, &root, &Origin { name: &name, text: "" })?;
        self.id = id;
        // A mistyped cell's message names its column: `in data.csv line 3, column 2 (`x.y`)`.
        let within = format!("in {name}");
        let prog = self.case.prog;
        self.case.rewrite_bad(|f, why| {
            let (n, header) = columns
                .column_of(&prog.facts[f].path)
                .filter(|_| why.contains(&within))?;
            Some(why.replace(&within, &format!("{within}, column {n} (`{header}`)")))
        });
        Ok(())
    }

    fn fill_root(&mut self, root: &FactNode, name: &str, text: &str) -> Result<(), RecordError> {
        self.id = None;
        match root.get(&self.plan.id_field).map(|n| &n.value) {
            Some(FactValue::String(s) | FactValue::Number(s)) => self.id = Some(s.clone()),
            None | Some(FactValue::Null) => {}
            Some(other) => {
                return Err(format!(
                    "{name}: the record's `{}` must be text or a number, but is {}",
                    self.plan.id_field,
                    other.kind()
                ));
            }
        }
        let unknown = crate::facts::load::unknown_facts(self.case.prog, root, &[self.plan.id_field.as_str()]);
        if !unknown.is_empty() {
            if self.plan.strict {
                return Err(format!("{name}: {}", unknown.join("; ")));
            }
            if let Ok(mut warned) = self.plan.warned.lock() {
                for u in unknown {
                    if warned.insert(u.clone()) {
                        eprintln!("warning: {}: {u} (`--strict` makes it an error)", self.plan.input_name);
                    }
                }
            }
        }
        let origin = Origin { name, text };
        fill_case(&mut self.case, root, &origin).map_err(|e| format!("{name}: {e}"))
    }

    /// Writes the record's output line; true when the record failed.
    fn finish(&mut self, out: &mut String, number: u64, file: Option<&str>, filled: Result<(), RecordError>) -> bool {
        let csv = self.plan.format == OutFormat::Csv;
        let id = self.id.take();
        if csv {
            let _ = write!(out, "{number},");
            csv_field(out, id.as_deref().unwrap_or(""));
            if self.plan.files {
                out.push(',');
                csv_field(out, file.unwrap_or(""));
            }
        } else {
            out.push_str("{\"record\":");
            push_number(out, number);
            if let Some(id) = &id {
                out.push_str(",\"id\":");
                json_string(out, id);
            }
            if let Some(f) = file {
                out.push_str(",\"file\":");
                json_string(out, f);
            }
        }
        if let Err(why) = filled {
            if csv {
                for _ in self.plan.queries.iter().flatten() {
                    out.push(',');
                }
                out.push(',');
                csv_field(out, &why);
                out.push('\n');
            } else {
                out.push_str(",\"error\":");
                json_string(out, &why);
                out.push_str("}\n");
            }
            return true;
        }
        let failed = self.answer(out);
        if csv {
            out.push(',');
            csv_field(out, &self.errors);
            out.push('\n');
        } else {
            if !self.errors.is_empty() {
                out.push_str(",\"errors\":{");
                out.push_str(&self.errors);
                out.push('}');
            }
            out.push_str("}\n");
        }
        failed
    }

    /// Writes the answers (JSON members or CSV cells) and gathers the errors.
    fn answer(&mut self, out: &mut String) -> bool {
        let plan = self.plan;
        let prog = plan.prog;
        let csv = plan.format == OutFormat::Csv;
        self.errors.clear();
        let mut rules = std::mem::take(&mut self.rules);
        rules.clear();
        match (&plan.queries, &plan.defaults) {
            (Some(qs), _) => rules.extend(qs.iter().map(|q| q.id)),
            (None, Some(d)) => rules.extend(d.for_case(&self.case)),
            (None, None) => {}
        }
        let names = plan.queries.as_ref();
        // A plan is compiled only for named queries: `rules` are those.
        let ran = self.native.as_mut().is_some_and(|n| n.run(&mut self.case));
        let native = self.native.as_ref().filter(|_| ran);
        for (i, &rule) in rules.iter().enumerate() {
            let r = &prog.rules[rule];
            let name = names.map_or(r.qualified.as_str(), |qs| qs[i].name.as_str());
            let answer = match native.and_then(|n| n.answer(i)) {
                Some(v) => Ok(v),
                None => self.case.answer(rule),
            };
            match answer {
                Ok(v) if csv => {
                    out.push(',');
                    csv_value(out, &mut self.scratch, prog, v, &r.ty);
                }
                Ok(v) => {
                    match plan.keys.get(i) {
                        Some(k) if names.is_some() => out.push_str(k),
                        _ => {
                            out.push(',');
                            json_string(out, name);
                            out.push(':');
                        }
                    }
                    write_json(out, prog, v, &r.ty);
                }
                Err(e) if names.is_none() && matches!(e.kind, ErrorKind::MissingFact(_)) => {}
                Err(e) => {
                    if csv {
                        out.push(',');
                        if !self.errors.is_empty() {
                            self.errors.push_str("; ");
                        }
                        let _ = write!(self.errors, "{name}: {}", e.message(prog));
                    } else {
                        if !self.errors.is_empty() {
                            self.errors.push(',');
                        }
                        json_string(&mut self.errors, name);
                        self.errors.push(':');
                        json_string(&mut self.errors, &e.message(prog));
                    }
                }
            }
        }
        self.rules = rules;
        !self.errors.is_empty()
    }
}

/// Appends a number in decimal, without the formatting machinery (once a record).
fn push_number(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[at..]).unwrap_or("0"));
}

/// The id of a record that is not valid JSON, when the members before the
/// mistake include it (`{"id": "G-7", "grievance": {…` cut short).
fn salvage_id(text: &str, field: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let ws = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut pos = ws(0);
    if bytes.get(pos) != Some(&b'{') {
        return None;
    }
    loop {
        let (key, end) = crate::facts::parse_json_at(text, ws(pos + 1), 1).ok()?;
        pos = ws(end);
        if bytes.get(pos) != Some(&b':') {
            return None;
        }
        let (value, end) = crate::facts::parse_json_at(text, ws(pos + 1), 1).ok()?;
        if matches!(&key.value, FactValue::String(k) if k == field) {
            return match value.value {
                FactValue::String(s) | FactValue::Number(s) => Some(s),
                _ => None,
            };
        }
        pos = ws(end);
        if bytes.get(pos) != Some(&b',') {
            return None;
        }
    }
}

/// The 1-based column of a byte offset in one line of text.
fn at_column(text: &str, offset: u32) -> usize {
    if offset == crate::facts::UNKNOWN_OFFSET {
        return 1;
    }
    crate::source::line_col(text, offset as usize).1
}

/// A value as a CSV cell: text as is (dates, enum spellings, strings), none
/// as an empty cell, numbers as in JSON, lists and records as JSON.
fn csv_value(out: &mut String, scratch: &mut String, prog: &Program, v: &Value, ty: &Type) {
    scratch.clear();
    let _ = match (v, ty.strip_optional()) {
        (Value::None, _) => Ok(()),
        (Value::Str(s), _) => scratch.write_str(s),
        (Value::Enum(i), Type::Enum(e)) => scratch.write_str(&prog.enums[e.index()].external[*i as usize]),
        (Value::Date(d), _) => dates::write_date(scratch, *d),
        (Value::Time(t), _) => dates::write_time(scratch, *t),
        (Value::DateTime(t), _) => dates::write_datetime(scratch, *t),
        (Value::YearMonth(m), _) => dates::write_year_month(scratch, *m),
        _ => {
            write_json(scratch, prog, v, ty);
            Ok(())
        }
    };
    csv_field(out, scratch);
}

/// Appends a CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}
