//! A query by its exact name, with the nearest name when there is none: the
//! one lookup behind [`crate::api::select`] and the readers of test cases.

use crate::diag::did_you_mean;
use crate::ir::{Program, RuleId};

/// What a pattern or name did not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectErrorKind {
    UnknownModule,
    UnknownQuery,
    UnknownRule,
}

/// A pattern that names no module or query, with the nearest name when there
/// is one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SelectError {
    pub kind: SelectErrorKind,
    /// The pattern as given.
    pub pattern: String,
    /// `unknown query `x`; did you mean `y`?`
    pub message: String,
    /// The nearest name (a query, `module.*`, or a rule).
    pub suggestion: Option<String>,
}

impl std::fmt::Display for SelectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SelectError {}

/// A query by exact name (a rule without parameters).
pub fn query(prog: &Program, name: &str) -> Result<RuleId, SelectError> {
    match prog.rule_index.get(name) {
        Some(&id) if prog.rules[id].params.is_none() => Ok(id),
        _ => {
            let names = prog
                .rules
                .iter()
                .filter(|r| r.params.is_none())
                .map(|r| r.qualified.as_str());
            let suggestion = did_you_mean(name, names).map(str::to_string);
            let hint = suggestion
                .as_ref()
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(SelectError {
                kind: SelectErrorKind::UnknownQuery,
                pattern: name.to_string(),
                message: format!("unknown query `{name}`{hint}"),
                suggestion,
            })
        }
    }
}
