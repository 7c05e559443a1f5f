//! A case's facts, read once and prepared: [`Facts`].

use std::sync::Arc;

use super::Engine;
use crate::eval::{Case, Slot};
use crate::facts::load::{Origin, fill_case, parse};
use crate::facts::{FactNode, FactValue, UNKNOWN_OFFSET};
use crate::ir::{FactId, Program};

/// The syntax of a fact file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactFormat {
    Json,
    Toml,
}

impl FactFormat {
    /// TOML for a `.toml` name, JSON otherwise.
    pub fn of_name(name: &str) -> FactFormat {
        if name.ends_with(".toml") {
            FactFormat::Toml
        } else {
            FactFormat::Json
        }
    }
}

/// A case's facts, typed against the program: one slot a fact (its value, or
/// missing, or mistyped with the reason) and whether the file gave it. Cheap to
/// clone (an [`Arc`]); evaluating never changes it.
#[derive(Debug, Clone)]
pub struct Facts {
    data: Arc<FactsData>,
}

#[derive(Debug)]
struct FactsData {
    slots: Vec<Slot>,
    provided: Vec<bool>,
    today: i32,
    /// Keys of the file that name no declared fact (usually typos).
    unknown: Vec<String>,
}

/// Why a fact file could not be read: bad syntax (with where), or not an
/// object of facts. A fact of the wrong type is not an error here: it makes
/// only the queries that read it fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsError {
    /// The file's name, as given.
    pub name: String,
    /// What is wrong, lowercase, without the name.
    pub message: String,
    /// Byte offset of the trouble, when known (syntax errors).
    pub offset: Option<usize>,
    /// 1-based line and column of `offset`.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// True for a syntax error (fix the file's syntax), false when the file
    /// parses but is not an object of facts.
    pub syntax: bool,
}

impl std::fmt::Display for FactsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for FactsError {}

impl Facts {
    /// No facts given: every fact at its default.
    pub fn empty(prog: &Program) -> Facts {
        Facts::from_case(&Case::new(prog))
    }

    fn from_case(case: &Case) -> Facts {
        Facts {
            data: Arc::new(FactsData {
                slots: case.slots(),
                provided: case.provided.clone(),
                today: case.today,
                unknown: Vec::new(),
            }),
        }
    }

    /// Whether the file gave this fact (rather than its default).
    pub fn given(&self, fact: FactId) -> bool {
        self.data.provided.get(fact.index()).copied().unwrap_or(false)
    }

    /// What the file gave that no declared fact matches, one message each
    /// (a misspelt key, say): front ends warn, or refuse under `--strict`.
    pub fn unknown(&self) -> &[String] {
        &self.data.unknown
    }

    /// Which facts the file gave, by fact id.
    pub fn provided(&self) -> &[bool] {
        &self.data.provided
    }

    /// A fresh case over these facts, nothing yet answered.
    pub fn case<'p>(&self, prog: &'p Program) -> Case<'p> {
        let mut case = Case::new(prog);
        if self.data.slots.len() == self.data.provided.len() && self.data.provided.len() == case.provided.len() {
            case.set_slots(&self.data.slots);
            case.provided.clone_from(&self.data.provided);
            case.today = self.data.today;
        }
        case
    }
}

impl Engine {
    /// No facts given.
    pub fn empty_facts(&self) -> Facts {
        Facts::empty(self.program())
    }

    /// Reads a fact file's text (named `name` in messages).
    pub fn facts_from_text(&self, name: &str, text: &str, format: FactFormat) -> Result<Facts, FactsError> {
        let root = parse(text, format == FactFormat::Toml).map_err(|e| {
            let offset = (e.offset != UNKNOWN_OFFSET).then_some(e.offset as usize);
            let (line, column) = match offset {
                Some(o) => {
                    let (l, c) = crate::source::line_col(text, o.min(text.len()));
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            FactsError {
                name: name.to_string(),
                message: e.message.clone(),
                offset,
                line,
                column,
                syntax: true,
            }
        })?;
        self.facts_from_node(name, text, &root)
    }

    /// Facts from a parsed tree (`text` is what its offsets point into).
    pub fn facts_from_node(&self, name: &str, text: &str, root: &FactNode) -> Result<Facts, FactsError> {
        let mut case = Case::new(self.program());
        fill_case(&mut case, root, &Origin { name, text }).map_err(|message| FactsError {
            name: name.to_string(),
            message,
            offset: None,
            line: None,
            column: None,
            syntax: false,
        })?;
        Ok(Facts {
            data: Arc::new(FactsData {
                slots: case.slots(),
                provided: std::mem::take(&mut case.provided),
                today: case.today,
                unknown: crate::facts::load::unknown_facts(self.program(), root, &[]),
            }),
        })
    }

    /// Facts from a JSON value (a web request's body, say).
    pub fn facts_from_json(&self, value: &serde_json::Value) -> Result<Facts, FactsError> {
        self.facts_from_node("<json>", "", &node_of(value))
    }
}

/// A JSON value as a fact tree (positions unknown).
fn node_of(v: &serde_json::Value) -> FactNode {
    use serde_json::Value as J;
    let value = match v {
        J::Null => FactValue::Null,
        J::Bool(b) => FactValue::Bool(*b),
        J::Number(n) => FactValue::Number(n.to_string()),
        J::String(s) => FactValue::String(s.clone()),
        J::Array(xs) => FactValue::Array(xs.iter().map(node_of).collect()),
        J::Object(m) => FactValue::Object(m.iter().map(|(k, v)| (k.clone(), node_of(v))).collect()),
    };
    FactNode {
        value,
        offset: UNKNOWN_OFFSET,
    }
}
