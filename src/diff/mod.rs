//! `cba diff`: what a proposal changes, in meaning and in outcomes.
//!
//! Two versions of the contracts are loaded ([`Version`]), their items matched by
//! module and name and compared by meaning ([`rules`]), then both are evaluated
//! over a corpus of cases ([`outcomes`]) and over cases generated around every
//! changed number or date ([`boundary`]). [`report`] renders the result as text
//! or JSON.

pub mod boundary;
pub mod outcomes;
pub mod report;
pub mod rules;
mod textdiff;

use std::path::Path;
use std::sync::Arc;

use crate::check::{Input, check_files};
use crate::ir::Program;
use crate::source::{CONTRACTS, read_dir_rules};
use crate::syntax::ast::Module;
use crate::syntax::parse_module;
use crate::syntax::span::FileId;

/// One version of the contracts: its `.cba` files (the standard library is
/// always the built-in one).
#[derive(Debug, Clone)]
pub struct Version {
    /// `embedded` or the directory, for headings.
    pub label: String,
    /// File name and text, one module a file.
    pub files: Vec<(String, String)>,
}

impl Version {
    /// `embedded` (the built-in Agreement) or a directory of `.cba` files. With a
    /// `base`, the directory holds only the modules it changes or adds: each of its
    /// files replaces the base's file declaring the same module.
    pub fn read(spec: &str, base: Option<&Version>) -> Result<Version, String> {
        if spec == "embedded" {
            return Ok(Version {
                label: "embedded".into(),
                files: CONTRACTS.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect(),
            });
        }
        let dir = Path::new(spec);
        if !dir.is_dir() {
            return Err(format!(
                "`{spec}` is not a directory of contracts (nor `embedded`, the built-in Agreement)"
            ));
        }
        let read = read_dir_rules(dir).map_err(|e| format!("cannot read `{spec}`: {e}"))?;
        // A file that is not UTF-8 text: error E0007 at its first bad byte (the
        // version does not check).
        let mut sources = crate::source::SourceMap::default();
        let mut bad = Vec::new();
        for f in &read {
            if let Some(at) = f.not_utf8 {
                let id = sources.add(f.name.clone(), f.text.clone());
                bad.push(crate::load::not_utf8(id, at));
            }
        }
        if !bad.is_empty() {
            return Err(format!(
                "{spec} does not check:\n{}",
                crate::report::render_text(&sources, &bad)
            ));
        }
        let files: Vec<(String, String)> = read.into_iter().map(|f| (f.name, f.text)).collect();
        if files.is_empty() {
            return Err(format!("`{spec}` holds no `.cba` files"));
        }
        let files = match base {
            None => files,
            Some(base) => crate::load::overlay(&base.files, files),
        };
        Ok(Version {
            label: spec.to_string(),
            files,
        })
    }

    /// Parses and checks the version with the standard library.
    pub fn load(&self) -> Result<Loaded, String> {
        let mut inputs: Vec<Input> = crate::load::stdlib_inputs();
        inputs.extend(self.files.iter().map(|(n, t)| Input {
            name: n.clone(),
            text: t.clone(),
            is_stdlib: false,
        }));
        let (program, diags) = check_files(inputs);
        let program = program.map(Arc::new);
        let program = program.map_err(|sources| {
            format!(
                "{} does not check:\n{}",
                self.label,
                crate::report::render_text(&sources, &diags)
            )
        })?;
        let modules = self
            .files
            .iter()
            .filter_map(|(_, text)| parse_module(text, FileId(0)).0)
            .map(|mut m| {
                crate::syntax::apply_module_source(&mut m);
                m
            })
            .collect();
        Ok(Loaded { program, modules })
    }
}

/// A checked version: the program to evaluate and the syntax trees to compare.
pub struct Loaded {
    pub program: Arc<Program>,
    /// The contracts' modules (not the standard library).
    pub modules: Vec<Module>,
}

impl Loaded {
    /// A program already checked, with its contracts' syntax trees parsed
    /// again from its sources (as [`Version::load`] parses them).
    pub fn of_program(program: Arc<Program>) -> Loaded {
        let stdlib: Vec<FileId> = program.modules.iter().filter(|m| m.is_stdlib).map(|m| m.file).collect();
        let modules = program
            .sources
            .files
            .iter()
            .enumerate()
            .filter(|(i, _)| !stdlib.contains(&FileId(*i as u32)))
            .filter_map(|(_, f)| parse_module(&f.text, FileId(0)).0)
            .map(|mut m| {
                crate::syntax::apply_module_source(&mut m);
                m
            })
            .collect();
        Loaded { program, modules }
    }
}

/// Everything `cba diff` found.
pub struct DiffResult {
    pub old_label: String,
    pub new_label: String,
    pub changes: Vec<rules::ItemChange>,
    pub outcomes: outcomes::OutcomeDiff,
    pub boundary: Vec<boundary::BoundaryGroup>,
}

impl DiffResult {
    /// True when the versions differ in meaning or in any outcome.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty() || !self.outcomes.cases.is_empty() || self.boundary.iter().any(|g| !g.cases.is_empty())
    }
}

/// Compares two loaded versions over `corpus` (`None`: the inline tests of both).
pub fn diff(old: &Loaded, new: &Loaded, labels: (&str, &str), corpus: Option<Vec<outcomes::CaseInput>>) -> DiffResult {
    let changes = rules::diff_items(old, new);
    let scope = outcomes::Scope::of(&changes, &old.program, &new.program);
    let corpus = corpus.unwrap_or_else(|| outcomes::test_cases(&old.program, &new.program));
    let outcomes = outcomes::run(&old.program, &new.program, &corpus, &scope);
    let boundary = boundary::generate(&old.program, &new.program, &changes, &corpus, &scope);
    DiffResult {
        old_label: labels.0.to_string(),
        new_label: labels.1.to_string(),
        changes,
        outcomes,
        boundary,
    }
}
