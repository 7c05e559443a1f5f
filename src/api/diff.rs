//! What a proposal changes: [`diff()`] compares two engines, in meaning (rule
//! by rule) and in outcomes (over cases), as a typed [`DiffReport`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::{Engine, Source};
use crate::diff::outcomes::{CaseInput, read_corpus};
use crate::diff::{DiffResult, Loaded};

/// The cases the two versions are compared over.
#[derive(Debug, Clone, Default)]
pub enum DiffCases {
    /// The cases of both versions' inline tests.
    #[default]
    InlineTests,
    /// A JSON Lines file (one fact object a line), a fact file, or a
    /// directory of them.
    Path(PathBuf),
    /// Cases already read.
    Given(Vec<CaseInput>),
}

impl DiffCases {
    /// The cases of a file or directory, read now (`Err` says why they cannot be).
    pub fn read(path: &Path) -> Result<DiffCases, String> {
        read_corpus(path).map(DiffCases::Given)
    }
}

/// A version of the contracts as `cba diff` names it: `embedded` (the
/// built-in Agreement) or a directory of `.cba` files; with `base`, the
/// directory holds only the modules it changes or adds, each replacing the
/// base's file of the same module ([`Source::Overlay`]).
pub fn version(spec: &str, base: Option<&Source>) -> Result<Source, String> {
    if spec == "embedded" {
        return Ok(Source::Builtin);
    }
    let dir = Path::new(spec);
    if !dir.is_dir() {
        return Err(format!(
            "`{spec}` is not a directory of contracts (nor `embedded`, the built-in Agreement)"
        ));
    }
    Ok(match base {
        None => Source::Dir(dir.to_path_buf()),
        Some(base) => Source::Overlay {
            base: Box::new(base.clone()),
            over: vec![dir.to_path_buf()],
        },
    })
}

/// Everything a comparison found: the changed rules (with their plain-words
/// summary and text diff), the cases whose answers change, and the cases
/// generated around each changed number or date. Serializes as `cba diff
/// --format json` prints it.
pub struct DiffReport {
    pub result: DiffResult,
}

impl DiffReport {
    /// True when the versions differ in meaning or in any outcome (`cba diff`
    /// then exits 1).
    pub fn has_changes(&self) -> bool {
        self.result.has_changes()
    }

    /// What `cba diff` prints.
    pub fn to_text(&self) -> String {
        crate::diff::report::text(&self.result)
    }

    /// What `cba diff --format json` prints (without the final newline).
    pub fn to_json(&self) -> String {
        crate::diff::report::json(&self.result)
    }
}

impl Serialize for DiffReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::diff::report::value(&self.result).serialize(s)
    }
}

impl std::fmt::Debug for DiffReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// Compares `base` with `proposal` over `cases`, the versions labelled `base`
/// and `proposal`. `Err` when the cases cannot be read.
pub fn diff(base: &Engine, proposal: &Engine, cases: &DiffCases) -> Result<DiffReport, String> {
    diff_labeled(base, proposal, ("base", "proposal"), cases)
}

/// [`diff()`] with the versions' labels for the report's headings.
pub fn diff_labeled(
    base: &Engine,
    proposal: &Engine,
    labels: (&str, &str),
    cases: &DiffCases,
) -> Result<DiffReport, String> {
    let corpus = match cases {
        DiffCases::InlineTests => None,
        DiffCases::Path(p) => Some(read_corpus(p)?),
        DiffCases::Given(c) => Some(c.clone()),
    };
    let old = Loaded::of_program(Arc::clone(base.program_arc()));
    let new = Loaded::of_program(Arc::clone(proposal.program_arc()));
    Ok(DiffReport {
        result: crate::diff::diff(&old, &new, labels, corpus),
    })
}
