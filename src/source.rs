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

/// Every `.cba` file under `dir`, recursively, sorted by path.
pub fn read_dir_cba(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut paths = Vec::new();
    collect(dir, &mut paths)?;
    paths.sort();
    paths
        .into_iter()
        .map(|p| Ok((p.display().to_string(), std::fs::read_to_string(&p)?)))
        .collect()
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
