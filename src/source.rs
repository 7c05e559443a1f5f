//! Source files: the embedded standard library and Agreement, or files on disk.

use std::path::{Path, PathBuf};

use crate::syntax::span::FileId;

/// One source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Display name: `stdlib/calendar.cba`, `contracts/grievance.cba`, or a path.
    pub name: String,
    pub text: String,
}

/// All files of a program; a [`FileId`] indexes `files`.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pub files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: u32) -> (usize, usize) {
        line_col(&self.get(id).text, offset as usize)
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The standard library and the Agreement, embedded at build time (they live in
/// [`crate::builtin`], so that the build script can include this file).
pub use crate::builtin::{CONTRACTS, STDLIB};

/// Every `.cba` file under `dir`, recursively, sorted by path. A file that is
/// not UTF-8 text is an error naming it (see [`read_dir_rules`] to report it as
/// diagnostic E0007 instead).
pub fn read_dir_cba(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    read_dir_rules(dir)?
        .into_iter()
        .map(|f| match f.not_utf8 {
            None => Ok((f.name, f.text)),
            Some(at) => {
                let (line, col) = line_col(&f.text, at);
                Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("`{}`:{line}:{col}: the file is not UTF-8 text", f.name),
                ))
            }
        })
        .collect()
}

/// A rule file as read from disk.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub name: String,
    /// The text; bytes that are not UTF-8 are replaced by U+FFFD.
    pub text: String,
    /// Where the first byte that is not UTF-8 was (its replacement in `text`).
    pub not_utf8: Option<usize>,
}

/// Reads one rule file; bytes that are not UTF-8 are noted, not fatal, so the
/// file can be reported as diagnostic E0007 at its line and column.
pub fn read_rule_file(path: &Path) -> std::io::Result<RuleFile> {
    let (text, not_utf8) = decode(std::fs::read(path)?);
    Ok(RuleFile {
        name: path.display().to_string(),
        text,
        not_utf8,
    })
}

/// Every `.cba` file under `dir`, recursively, sorted by path ([`read_rule_file`]).
pub fn read_dir_rules(dir: &Path) -> std::io::Result<Vec<RuleFile>> {
    let mut paths = Vec::new();
    collect(dir, &mut paths)?;
    paths.sort();
    paths.iter().map(|p| read_rule_file(p)).collect()
}

/// The text of `bytes`, and the offset of the first byte that is not UTF-8.
pub fn decode(bytes: Vec<u8>) -> (String, Option<usize>) {
    match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "cba") {
            out.push(path);
        }
    }
    Ok(())
}
