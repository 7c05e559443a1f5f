//! The columns of a CSV input: each header is a dotted fact path (or a path
//! into a fact's record fields, like `grievance.step1.received_on`), typed by
//! the declared facts; one column may be the record's id.

use crate::diag::did_you_mean;
use crate::facts::{FactNode, FactValue, UNKNOWN_OFFSET, parse_json};
use crate::ir::{FactNodeKind, FactTree, Program};
use crate::types::Type;

#[derive(Debug, Clone)]
enum Column {
    Id,
    /// The path's segments and the declared type at the end of it.
    Fact(Vec<String>, Type),
}

/// The resolved header of a CSV input.
#[derive(Debug, Clone)]
pub struct Columns {
    cols: Vec<Column>,
}

impl Columns {
    /// Resolves the header row: every column must name a fact (or a field of
    /// a fact's record), or be the id column; no column may repeat.
    pub fn new(prog: &Program, header: &[String], id_field: &str) -> Result<Columns, String> {
        let mut cols = Vec::with_capacity(header.len());
        for (i, h) in header.iter().enumerate() {
            if header[..i].contains(h) {
                return Err(format!("the column `{h}` appears twice in the header row"));
            }
            if h == id_field {
                cols.push(Column::Id);
                continue;
            }
            let ty = type_at(prog, h)?;
            cols.push(Column::Fact(h.split('.').map(str::to_string).collect(), ty));
        }
        Ok(Columns { cols })
    }

    /// The id cell of a row, if the header has an id column and the row reaches it.
    pub fn id_of(&self, row: &csv::StringRecord) -> Option<String> {
        let ix = self.cols.iter().position(|c| matches!(c, Column::Id))?;
        row.get(ix).map(str::to_string)
    }

    /// The 1-based column that gives fact `path` (or a field of it), and its header.
    pub fn column_of(&self, path: &str) -> Option<(usize, String)> {
        self.cols.iter().enumerate().find_map(|(i, c)| match c {
            Column::Fact(segs, _) => {
                let header = segs.join(".");
                let hit = header == path || header.strip_prefix(path).is_some_and(|rest| rest.starts_with('.'));
                hit.then_some((i + 1, header))
            }
            Column::Id => None,
        })
    }

    /// One row as a fact tree (empty cells left out) and its id.
    pub fn record(&self, row: &csv::StringRecord, name: &str) -> Result<(FactNode, Option<String>), String> {
        if row.len() != self.cols.len() {
            return Err(format!(
                "{name}: the row has {} fields, the header {}",
                row.len(),
                self.cols.len()
            ));
        }
        let mut root = object();
        let mut id = None;
        for (col, cell) in self.cols.iter().zip(row.iter()) {
            match col {
                Column::Id => id = Some(cell.to_string()),
                Column::Fact(_, _) if cell.trim().is_empty() => {}
                Column::Fact(path, ty) => insert(&mut root, path, typed(cell, ty)),
            }
        }
        Ok((root, id))
    }
}

fn object() -> FactNode {
    FactNode {
        value: FactValue::Object(Vec::new()),
        offset: UNKNOWN_OFFSET,
    }
}

/// Puts `value` at `path` under `node`, making the objects on the way.
fn insert(node: &mut FactNode, path: &[String], value: FactValue) {
    let FactValue::Object(members) = &mut node.value else {
        return;
    };
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let ix = match members.iter().position(|(k, _)| k == first) {
        Some(ix) => ix,
        None => {
            members.push((first.clone(), object()));
            members.len() - 1
        }
    };
    if rest.is_empty() {
        members[ix].1.value = value;
    } else {
        insert(&mut members[ix].1, rest, value);
    }
}

/// A cell as the fact reader's value: booleans and JSON lists or objects
/// where the type wants them, text otherwise (numbers, dates and enum
/// spellings are read from text); a cell that does not fit is kept as text,
/// so that typing it names the cell.
fn typed(cell: &str, ty: &Type) -> FactValue {
    let text = cell.trim();
    match ty.strip_optional() {
        Type::Bool if text == "true" => FactValue::Bool(true),
        Type::Bool if text == "false" => FactValue::Bool(false),
        Type::List(_) | Type::Record(_) => match parse_json(text) {
            Ok(mut node) => {
                forget_offsets(&mut node);
                node.value
            }
            Err(_) => FactValue::String(cell.to_string()),
        },
        Type::String => FactValue::String(cell.to_string()),
        _ => FactValue::String(text.to_string()),
    }
}

/// Offsets inside a cell mean nothing in the CSV file; messages name the row instead.
fn forget_offsets(node: &mut FactNode) {
    node.offset = UNKNOWN_OFFSET;
    match &mut node.value {
        FactValue::Array(xs) => xs.iter_mut().for_each(forget_offsets),
        FactValue::Object(ms) => ms.iter_mut().for_each(|(_, n)| forget_offsets(n)),
        _ => {}
    }
}

/// The declared type at a dotted path: a fact, or a field of a fact's record.
fn type_at(prog: &Program, path: &str) -> Result<Type, String> {
    let unknown = || {
        let hint = did_you_mean(path, all_paths(prog).iter().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        format!("the column `{path}` is not a fact{hint}")
    };
    let mut tree: &FactTree = &prog.fact_tree;
    let mut segments = path.split('.');
    let mut ty = loop {
        let Some(seg) = segments.next() else {
            return Err(format!(
                "the column `{path}` is a group of facts; give each fact its own column"
            ));
        };
        match tree.children.iter().find(|(n, _)| n == seg).map(|(_, k)| k) {
            Some(FactNodeKind::Group(g)) => tree = g,
            Some(FactNodeKind::Leaf(f)) => break prog.facts[f.index()].ty.clone(),
            None => return Err(unknown()),
        }
    };
    for seg in segments {
        let Type::Record(r) = ty.strip_optional() else {
            return Err(unknown());
        };
        let fields = &prog.records[r.index()].fields;
        ty = match fields.iter().find(|(n, _, _)| n == seg) {
            Some((_, t, _)) => t.clone(),
            None => return Err(unknown()),
        };
    }
    Ok(ty)
}

/// Every fact path and record-field path, for suggestions.
fn all_paths(prog: &Program) -> Vec<String> {
    let mut out = Vec::new();
    for f in &prog.facts {
        out.push(f.path.clone());
        if let Type::Record(r) = f.ty.strip_optional() {
            for (name, _, _) in &prog.records[r.index()].fields {
                out.push(format!("{}.{name}", f.path));
            }
        }
    }
    out
}
