//! Where a program comes from ([`Source`]) and why it did not load ([`LoadError`]).

use std::path::PathBuf;

use super::Engine;
use crate::check::{Input, check_files};
use crate::diag::Diagnostic;
use crate::load::read_path;
use crate::source::{CONTRACTS, SourceMap};
use crate::syntax::parse_module;
use crate::syntax::span::FileId;

/// The contracts a program is built from; the standard library is always the
/// built-in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The Agreement built into the binary.
    Builtin,
    /// Every `.cba` file under a directory.
    Dir(PathBuf),
    /// Given rule files and directories.
    Files(Vec<PathBuf>),
    /// `base` with each file of `over` (files or directories) replacing the
    /// base's file that declares the same module, or added — as `cba diff
    /// --base` reads a proposal.
    Overlay { base: Box<Source>, over: Vec<PathBuf> },
}

/// Why a program did not load: a file could not be read, or the program does
/// not check (the diagnostics, with the sources they point into).
#[derive(Debug, Clone)]
pub enum LoadError {
    /// A directory or file could not be read; the message says which and why.
    Read(String),
    /// The program has errors.
    Check {
        sources: SourceMap,
        diagnostics: Vec<Diagnostic>,
    },
}

impl LoadError {
    /// The diagnostics as `cba check` prints them (or the read error, one line).
    pub fn render_text(&self) -> String {
        match self {
            LoadError::Read(m) => format!("error: {m}\n"),
            LoadError::Check { sources, diagnostics } => crate::report::render_text(sources, diagnostics),
        }
    }

    /// The diagnostics as `cba check --format json` prints them.
    pub fn render_json(&self) -> String {
        match self {
            LoadError::Read(m) => serde_json::json!([{ "severity": "error", "message": m }]).to_string(),
            LoadError::Check { sources, diagnostics } => crate::report::render_json(sources, diagnostics),
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Read(m) => f.write_str(m),
            LoadError::Check { diagnostics, .. } => {
                let n = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "the rules do not check ({n} error{})", if n == 1 { "" } else { "s" })
            }
        }
    }
}

impl std::error::Error for LoadError {}

impl Source {
    /// The contract files (name, text) this source stands for, in order.
    pub fn files(&self) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        match self {
            Source::Builtin => out.extend(CONTRACTS.iter().map(|(n, t)| (n.to_string(), t.to_string()))),
            Source::Dir(d) => {
                if !d.is_dir() {
                    return Err(format!("`{}` is not a directory", d.display()));
                }
                read_path(d, &mut out)?;
            }
            Source::Files(ps) => {
                for p in ps {
                    read_path(p, &mut out)?;
                }
            }
            Source::Overlay { base, over } => {
                let base = base.files()?;
                let mut changed = Vec::new();
                for p in over {
                    read_path(p, &mut changed)?;
                }
                out = overlay(&base, changed);
            }
        }
        Ok(out)
    }
}

/// Checks the standard library with these contract files.
pub(crate) fn check(files: &[(String, String)]) -> (Result<crate::ir::Program, SourceMap>, Vec<Diagnostic>) {
    let mut inputs: Vec<Input> = crate::load::stdlib_inputs();
    inputs.extend(files.iter().map(|(n, t)| Input {
        name: n.clone(),
        text: t.clone(),
        is_stdlib: false,
    }));
    check_files(inputs)
}

impl Engine {
    /// Loads and checks a program. Warnings are dropped; see
    /// [`Engine::load_with_warnings`].
    pub fn load(source: &Source) -> Result<Engine, LoadError> {
        Engine::load_with_warnings(source).map(|(e, _)| e)
    }

    /// Loads and checks a program; on success also returns its warnings
    /// (render them against `engine.program().sources`).
    pub fn load_with_warnings(source: &Source) -> Result<(Engine, Vec<Diagnostic>), LoadError> {
        let (program, diagnostics) = match source {
            // Checked when the binary was built (see `crate::builtin`).
            Source::Builtin => crate::builtin::load(),
            _ => check(&source.files().map_err(LoadError::Read)?),
        };
        match program {
            Ok(p) => Ok((Engine::new(p), diagnostics)),
            Err(sources) => Err(LoadError::Check { sources, diagnostics }),
        }
    }
}

/// The module a file declares (`None` if its header does not parse).
fn module_name(text: &str) -> Option<String> {
    parse_module(text, FileId(0)).0.map(|m| m.name.node)
}

/// `base` with each module of `changed` replacing the base file of that module
/// (or added).
pub fn overlay(base: &[(String, String)], changed: Vec<(String, String)>) -> Vec<(String, String)> {
    let changed_names: Vec<Option<String>> = changed.iter().map(|(_, t)| module_name(t)).collect();
    let mut out: Vec<(String, String)> = base
        .iter()
        .filter(|(_, t)| {
            let name = module_name(t);
            name.is_none() || !changed_names.contains(&name)
        })
        .cloned()
        .collect();
    out.extend(changed);
    out
}
