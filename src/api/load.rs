//! Where a program comes from ([`Source`]) and why it did not load ([`LoadError`]).

use std::path::PathBuf;

use super::Engine;
use crate::check::{Input, check_files};
use crate::diag::Diagnostic;
pub use crate::load::overlay;
use crate::load::read_path;
use crate::source::{CONTRACTS, SourceMap};
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

/// A rule file that is not UTF-8 text: its name and the offset of its first
/// bad byte (replaced in the text read).
type NotUtf8 = (String, usize);

/// The files of a source, (name, text), and those that are not UTF-8 text.
type Read = (Vec<(String, String)>, Vec<NotUtf8>);

impl Source {
    /// The contract files (name, text) this source stands for, in order. A
    /// file that is not UTF-8 text is an error naming it.
    pub fn files(&self) -> Result<Vec<(String, String)>, String> {
        let (files, bad) = self.read()?;
        match bad.first() {
            None => Ok(files),
            Some((name, at)) => {
                let text = files.iter().find(|(n, _)| n == name).map_or("", |(_, t)| t.as_str());
                let (line, col) = crate::source::line_col(text, *at);
                Err(format!("`{name}`:{line}:{col}: the file is not UTF-8 text"))
            }
        }
    }

    /// The contract files, and the files among them that are not UTF-8 text
    /// (by name, with the offset of the first bad byte, replaced in the text).
    fn read(&self) -> Result<Read, String> {
        let mut out = Vec::new();
        let mut bad = Vec::new();
        match self {
            Source::Builtin => out.extend(CONTRACTS.iter().map(|(n, t)| (n.to_string(), t.to_string()))),
            Source::Dir(d) => {
                if !d.is_dir() {
                    return Err(format!("`{}` is not a directory", d.display()));
                }
                read_path(d, &mut out, &mut bad)?;
            }
            Source::Files(ps) => {
                for p in ps {
                    read_path(p, &mut out, &mut bad)?;
                }
            }
            Source::Overlay { base, over } => {
                let (base, base_bad) = base.read()?;
                bad = base_bad;
                let mut changed = Vec::new();
                for p in over {
                    read_path(p, &mut changed, &mut bad)?;
                }
                out = overlay(&base, changed);
            }
        }
        Ok((out, bad))
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
        // The built-in program was checked when the binary was built (see
        // `crate::builtin`); its files are the binary's own, always UTF-8.
        let (files, bad) = match source {
            Source::Builtin => (Vec::new(), Vec::new()),
            _ => source.read().map_err(LoadError::Read)?,
        };
        let (program, mut diagnostics) = match source {
            Source::Builtin => crate::builtin::load(),
            _ => check(&files),
        };
        let program = match program {
            // A file that is not UTF-8 text is checked as read (so its other
            // errors show too) but never makes a program: error E0007.
            Ok(p) if !bad.is_empty() => Err(p.sources.clone()),
            p => p,
        };
        match program {
            Ok(p) => Ok((Engine::new(p), diagnostics)),
            Err(sources) => {
                for (name, at) in bad.iter().rev() {
                    if let Some(i) = sources.files.iter().position(|f| f.name == *name) {
                        diagnostics.insert(0, crate::load::not_utf8(FileId(i as u32), *at));
                    }
                }
                Err(LoadError::Check { sources, diagnostics })
            }
        }
    }
}
