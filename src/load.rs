//! Loading a program: the embedded standard library plus the embedded Agreement,
//! a contracts directory (a proposal), or individual files.

use std::path::{Path, PathBuf};

use crate::check::{Input, check_files};
use crate::diag::Diagnostic;
use crate::ir::Program;
use crate::source::{CONTRACTS, STDLIB, SourceMap};
use crate::syntax::span::{FileId, Span};

/// Where the contracts come from.
#[derive(Debug, Clone)]
pub enum Contracts {
    /// The Agreement built into the binary.
    Embedded,
    /// Every `.cba` file under a directory.
    Dir(PathBuf),
    /// Given files and directories (the stdlib is always included).
    Paths(Vec<PathBuf>),
    /// The built-in Agreement with files and directories over it: each file
    /// replaces the built-in file declaring the same module, or adds its module
    /// (as `cba diff --base embedded` reads a proposal).
    Overlay(Vec<PathBuf>),
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

/// The embedded standard library, as checker inputs.
pub fn stdlib_inputs() -> Vec<Input> {
    STDLIB
        .iter()
        .map(|(n, t)| Input {
            name: n.to_string(),
            text: t.to_string(),
            is_stdlib: true,
        })
        .collect()
}

/// The code of "this rule file is not UTF-8 text".
pub const E_NOT_UTF8: crate::diag::Code = crate::diag::Code::NotUtf8;

/// A rule file that is not UTF-8 text: its index among the inputs and the byte
/// offset of the first bad byte. It is checked as read with the bad bytes replaced
/// (so other errors are found too) but never makes a program.
type NotUtf8 = (usize, usize);

/// Reads one rule file; bytes that are not UTF-8 are noted, not fatal.
fn read_file(path: &Path, out: &mut Vec<Input>, bad: &mut Vec<NotUtf8>) -> Result<(), String> {
    let file = crate::source::read_rule_file(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if let Some(at) = file.not_utf8 {
        bad.push((out.len(), at));
    }
    out.push(Input {
        name: file.name,
        text: file.text,
        is_stdlib: false,
    });
    Ok(())
}

/// Diagnostic E0007: the rule file `file` is not UTF-8 text; `at` is the
/// replacement of its first bad byte.
pub fn not_utf8(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::error(
        E_NOT_UTF8,
        "the file is not UTF-8 text",
        Span::new(file, at, at + char::REPLACEMENT_CHARACTER.len_utf8()),
        "the first byte that is not UTF-8",
    )
    .with_help("save the file as UTF-8")
}

fn read_rule_path(p: &Path, out: &mut Vec<Input>, bad: &mut Vec<NotUtf8>) -> Result<(), String> {
    if p.is_dir() {
        let files = cba_files(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if files.is_empty() {
            return Err(format!("`{}` holds no `.cba` files", p.display()));
        }
        for f in files {
            read_file(&f, out, bad)?;
        }
    } else {
        read_file(p, out, bad)?;
    }
    Ok(())
}

/// Reads a `.cba` file, or every `.cba` file under a directory, as (name, text)
/// (for the library API's sources). A file that is not UTF-8 is read with its
/// bad bytes replaced and noted in `bad` by name, with the offset of the first.
pub(crate) fn read_path(
    p: &Path,
    out: &mut Vec<(String, String)>,
    bad: &mut Vec<(String, usize)>,
) -> Result<(), String> {
    if p.is_dir() {
        let files = cba_files(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if files.is_empty() {
            return Err(format!("`{}` holds no `.cba` files", p.display()));
        }
        for f in files {
            read_path(&f, out, bad)?;
        }
    } else {
        let file = crate::source::read_rule_file(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if let Some(at) = file.not_utf8 {
            bad.push((file.name.clone(), at));
        }
        out.push((file.name, file.text));
    }
    Ok(())
}

/// The `.cba` files under `dir`, sorted.
fn cba_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "cba") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Loads and checks the standard library with the given contracts.
pub fn load(contracts: &Contracts) -> Result<Loaded, String> {
    let mut inputs = stdlib_inputs();
    let mut bad = Vec::new();
    match contracts {
        Contracts::Embedded => {
            // Checked when the binary was built (see `crate::builtin`).
            let (program, diags) = crate::builtin::load();
            return Ok(Loaded { program, diags });
        }
        Contracts::Dir(d) => {
            if !d.exists() {
                return Err(format!("the contracts directory `{}` does not exist", d.display()));
            }
            if !d.is_dir() {
                return Err(format!("`{}` is not a directory", d.display()));
            }
            read_rule_path(d, &mut inputs, &mut bad)?;
        }
        Contracts::Paths(ps) => {
            for p in ps {
                read_rule_path(p, &mut inputs, &mut bad)?;
            }
        }
        Contracts::Overlay(ps) => {
            let mut over = Vec::new();
            let mut over_bad = Vec::new();
            for p in ps {
                read_rule_path(p, &mut over, &mut over_bad)?;
            }
            let module_of = |text: &str| crate::syntax::parse_module(text, FileId(0)).0.map(|m| m.name.node);
            let first = inputs.len();
            inputs.extend(CONTRACTS.iter().map(|(n, t)| Input {
                name: n.to_string(),
                text: t.to_string(),
                is_stdlib: false,
            }));
            let names: Vec<Option<String>> = inputs[first..].iter().map(|i| module_of(&i.text)).collect();
            for (k, input) in over.into_iter().enumerate() {
                let name = module_of(&input.text);
                let at = match names.iter().position(|n| name.is_some() && *n == name) {
                    Some(j) => {
                        inputs[first + j] = input;
                        first + j
                    }
                    None => {
                        inputs.push(input);
                        inputs.len() - 1
                    }
                };
                bad.extend(over_bad.iter().filter(|(i, _)| *i == k).map(|&(_, off)| (at, off)));
            }
        }
    }
    let (mut program, mut diags) = check_files(inputs);
    for &(input, at) in &bad {
        let file = FileId(input as u32);
        diags.insert(0, not_utf8(file, at));
    }
    if !bad.is_empty()
        && let Ok(p) = &program
    {
        program = Err(p.sources.clone());
    }
    Ok(Loaded { program, diags })
}

/// The module a file declares (`None` if its header does not parse).
fn module_name(text: &str) -> Option<String> {
    crate::syntax::parse_module(text, FileId(0)).0.map(|m| m.name.node)
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
