//! Fact files (JSON, JSON Lines records, TOML) read into a spanned tree, so
//! that a later type error can name the line and column of the mistyped value
//! (see [`crate::source::line_col`]).

use std::fmt;

pub mod cases;
pub mod direct;
pub mod json;
pub mod load;
pub mod toml;

pub use self::json::{parse_json, parse_json_at};
pub use self::toml::parse_toml;

/// Offset of a node whose position is unknown.
pub const UNKNOWN_OFFSET: u32 = u32::MAX;

/// A value with the byte offset of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct FactNode {
    pub value: FactValue,
    /// Byte offset of the value's first character; [`UNKNOWN_OFFSET`] when
    /// unknown.
    pub offset: u32,
}

/// A fact value, close to the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Null,
    Bool(bool),
    /// The number's text, exact: `1500.00`, `-3`, `1e3`.
    Number(String),
    String(String),
    Array(Vec<FactNode>),
    /// Members in document order; keys are unique.
    Object(Vec<(String, FactNode)>),
}

impl FactValue {
    /// A short name of the value's kind for messages: `null`, `a boolean`, …
    pub fn kind(&self) -> &'static str {
        match self {
            FactValue::Null => "null",
            FactValue::Bool(_) => "a boolean",
            FactValue::Number(_) => "a number",
            FactValue::String(_) => "a string",
            FactValue::Array(_) => "an array",
            FactValue::Object(_) => "an object",
        }
    }
}

impl FactNode {
    /// The member `key` of an object node.
    pub fn get(&self, key: &str) -> Option<&FactNode> {
        match &self.value {
            FactValue::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A syntax error in a fact file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactSyntaxError {
    /// Lowercase, without a trailing period.
    pub message: String,
    /// Byte offset of the error; [`UNKNOWN_OFFSET`] when unknown.
    pub offset: u32,
}

impl fmt::Display for FactSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FactSyntaxError {}

/// A byte offset as a `u32`, [`UNKNOWN_OFFSET`] if it does not fit.
pub(crate) fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(UNKNOWN_OFFSET)
}

/// An empty fact tree.
pub fn empty() -> FactNode {
    FactNode {
        value: FactValue::Object(Vec::new()),
        offset: UNKNOWN_OFFSET,
    }
}

/// Puts `value` at `path`, making objects on the way (replacing whatever is not one).
pub fn set_path(root: &mut FactNode, path: &str, value: FactNode) {
    let mut node = root;
    let mut segs = path.split('.').peekable();
    while let Some(seg) = segs.next() {
        if !matches!(node.value, FactValue::Object(_)) {
            *node = empty();
        }
        let FactValue::Object(members) = &mut node.value else {
            return;
        };
        let ix = match members.iter().position(|(k, _)| k == seg) {
            Some(ix) => ix,
            None => {
                members.push((seg.to_string(), empty()));
                members.len() - 1
            }
        };
        if segs.peek().is_none() {
            members[ix].1 = value;
            return;
        }
        node = &mut members[ix].1;
    }
}

/// The value at a dotted path, if there is one.
pub fn get_path<'a>(root: &'a FactNode, path: &str) -> Option<&'a FactNode> {
    path.split('.').try_fold(root, |n, part| n.get(part))
}
