//! Loading a program: the embedded standard library plus the embedded Agreement,
//! a contracts directory (a proposal), or individual files.

use std::path::{Path, PathBuf};

use crate::check::{Input, check_files};
use crate::diag::Diagnostic;
use crate::ir::Program;
use crate::source::{CONTRACTS, STDLIB, SourceMap, read_dir_cba};

/// Where the contracts come from.
#[derive(Debug, Clone)]
pub enum Contracts {
    /// The Agreement built into the binary.
    Embedded,
    /// Every `.cba` file under a directory.
    Dir(PathBuf),
    /// Given files and directories (the stdlib is always included).
    Paths(Vec<PathBuf>),
}

/// The result of loading: a program, or the sources to render errors against.
pub struct Loaded {
    pub program: Result<Program, SourceMap>,
    pub diags: Vec<Diagnostic>,
}

impl Loaded {
    pub fn sources(&self) -> &SourceMap {
        match &self.program {
            Ok(p) => &p.sources,
            Err(s) => s,
        }
    }
}

fn stdlib_inputs() -> Vec<Input> {
    STDLIB
        .iter()
        .map(|(n, t)| Input {
            name: n.to_string(),
            text: t.to_string(),
            is_stdlib: true,
        })
        .collect()
}

/// Reads a `.cba` file, or every `.cba` file under a directory, as (name, text).
pub(crate) fn read_path(p: &Path, out: &mut Vec<(String, String)>) -> Result<(), String> {
    if p.is_dir() {
        let files = read_dir_cba(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if files.is_empty() {
            return Err(format!("`{}` holds no `.cba` files", p.display()));
        }
        out.extend(files);
    } else {
        let text = std::fs::read_to_string(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        out.push((p.display().to_string(), text));
    }
    Ok(())
}

fn read_inputs(p: &Path, out: &mut Vec<Input>) -> Result<(), String> {
    let mut files = Vec::new();
    read_path(p, &mut files)?;
    out.extend(files.into_iter().map(|(name, text)| Input {
        name,
        text,
        is_stdlib: false,
    }));
    Ok(())
}

/// Loads and checks the standard library with the given contracts.
pub fn load(contracts: &Contracts) -> Result<Loaded, String> {
    let mut inputs = stdlib_inputs();
    match contracts {
        Contracts::Embedded => inputs.extend(CONTRACTS.iter().map(|(n, t)| Input {
            name: n.to_string(),
            text: t.to_string(),
            is_stdlib: false,
        })),
        Contracts::Dir(d) => {
            if !d.is_dir() {
                return Err(format!("`{}` is not a directory", d.display()));
            }
            read_inputs(d, &mut inputs)?;
        }
        Contracts::Paths(ps) => {
            for p in ps {
                read_inputs(p, &mut inputs)?;
            }
        }
    }
    let (program, diags) = check_files(inputs);
    Ok(Loaded { program, diags })
}
