//! The workspace: the contracts the open documents are checked against, the open
//! documents themselves, and the checked [`Analysis`] of each group of them.
//!
//! The contracts are the workspace's `contracts/` directory when it has one, else
//! the Agreement built into the binary. An open document that is one of those
//! files replaces it; any other document is checked on its own with them: when it
//! declares a module they have, it replaces that module (a proposal's overlay, as
//! `cba diff --base` reads one), otherwise it is a new module beside them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::Uri;

use crate::check::{Input, analyze_parsed};
use crate::diag::Diagnostic;
use crate::ir::Program;
use crate::lint::outline::Outline;
use crate::source::{CONTRACTS, SourceMap};
use crate::syntax::span::FileId;

/// One file of the contracts the workspace checks against.
#[derive(Debug, Clone)]
pub struct BaseFile {
    /// The name diagnostics and `cba check` give it.
    pub name: String,
    /// On disk; `None` for the built-in Agreement.
    pub path: Option<PathBuf>,
    pub text: String,
    /// The module it declares.
    pub module: Option<String>,
}

/// An open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    pub text: String,
    pub version: i32,
}

/// Which documents are checked together: the workspace's own contracts (with
/// every open one of them), or one other document on its own with them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Group {
    Base,
    Alone(String),
}

/// A checked snapshot of one group.
pub struct Analysis {
    pub sources: SourceMap,
    /// Errors of the checker and, when it checks, warnings of the lints: what
    /// `cba check` reports.
    pub diags: Vec<Diagnostic>,
    /// The program as far as it checked: every declaration that checked, the
    /// symbol tables and the use-site index, also when there are errors.
    pub program: Arc<Program>,
    /// No errors: the program can be evaluated (tests run).
    pub checks: bool,
    /// The document (or file on disk) of each source file; `None` for the
    /// standard library and the built-in Agreement.
    pub uris: Vec<Option<Uri>>,
}

impl Analysis {
    /// The source file of a document.
    pub fn file_of(&self, uri: &Uri) -> Option<FileId> {
        self.uris
            .iter()
            .position(|u| u.as_ref() == Some(uri))
            .map(|i| FileId(i as u32))
    }

    pub fn uri_of(&self, file: FileId) -> Option<&Uri> {
        self.uris.get(file.0 as usize).and_then(Option::as_ref)
    }
}

pub struct Workspace {
    pub root: Option<PathBuf>,
    pub base: Vec<BaseFile>,
    /// The contracts are the built-in Agreement (the workspace has no `contracts/`).
    pub embedded: bool,
    pub outline: Option<Outline>,
    pub docs: HashMap<String, Document>,
    /// Bumped by every change to a document.
    generation: u64,
    cache: HashMap<Group, (u64, Arc<Analysis>)>,
    /// The last program that checked, per group: names for hover and completion
    /// while the text has errors.
    last_good: HashMap<Group, Arc<Program>>,
    /// The syntax tree of each file as last parsed.
    trees: HashMap<FileId, Parsed>,
}

/// The module a text declares (`module name`), read without parsing so that a
/// half-typed file still has one.
pub fn declared_module(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("module")?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

/// `file:///a/b%20c.cba` → `/a/b c.cba`.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = rest.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    let s = match s.strip_prefix('/') {
        Some(r) if r.get(1..2) == Some(":") => r.to_string(),
        _ => s,
    };
    Some(PathBuf::from(s))
}

/// `/a/b c.cba` → `file:///a/b%20c.cba`.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut s = String::from("file://");
    let text = abs.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        s.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().ok()
}

fn same_path(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

impl Workspace {
    /// The workspace of a root folder: its `contracts/` when it has one (read
    /// once, here), else the built-in Agreement.
    pub fn new(root: Option<PathBuf>) -> Workspace {
        let dir = root.as_ref().map(|r| r.join("contracts")).filter(|d| d.is_dir());
        let (base, embedded, outline) = match &dir {
            Some(d) => {
                let files = crate::source::read_dir_cba(d).unwrap_or_default();
                let base = files
                    .into_iter()
                    .map(|(name, text)| BaseFile {
                        path: Some(PathBuf::from(&name)),
                        module: declared_module(&text),
                        name,
                        text,
                    })
                    .collect();
                let outline = crate::lint::outline_for(&crate::load::Contracts::Dir(d.clone()))
                    .ok()
                    .flatten();
                (base, false, outline)
            }
            None => {
                let base = CONTRACTS
                    .iter()
                    .map(|(n, t)| BaseFile {
                        name: n.to_string(),
                        path: None,
                        text: t.to_string(),
                        module: declared_module(t),
                    })
                    .collect();
                let outline = Outline::parse(crate::lint::outline::EMBEDDED).ok();
                (base, true, outline)
            }
        };
        Workspace {
            root,
            base,
            embedded,
            outline,
            docs: HashMap::new(),
            generation: 0,
            cache: HashMap::new(),
            last_good: HashMap::new(),
            trees: HashMap::new(),
        }
    }

    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let path = uri_to_path(&uri);
        self.generation += 1;
        self.docs.insert(
            uri.as_str().to_string(),
            Document {
                uri,
                path,
                text,
                version,
            },
        );
    }

    pub fn close(&mut self, uri: &Uri) {
        self.generation += 1;
        self.docs.remove(uri.as_str());
        self.cache.remove(&Group::Alone(uri.as_str().to_string()));
    }

    /// Replaces (part of) a document's text.
    pub fn change(&mut self, uri: &Uri, version: i32, range: Option<lsp_types::Range>, text: String) {
        let Some(doc) = self.docs.get_mut(uri.as_str()) else {
            return;
        };
        self.generation += 1;
        doc.version = version;
        match range {
            None => doc.text = text,
            Some(r) => {
                let ix = super::text::LineIndex::new(&doc.text);
                let (s, e) = (ix.offset(r.start), ix.offset(r.end));
                let (s, e) = (s.min(e), e.max(s));
                doc.text.replace_range(s..e, &text);
            }
        }
    }

    pub fn doc(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri.as_str())
    }

    /// The base file a document is, if it is one.
    fn base_index(&self, doc: &Document) -> Option<usize> {
        let path = doc.path.as_ref()?;
        self.base
            .iter()
            .position(|b| b.path.as_ref().is_some_and(|p| same_path(p, path)))
    }

    pub fn group_of(&self, uri: &Uri) -> Group {
        match self.doc(uri).and_then(|d| self.base_index(d)) {
            Some(_) => Group::Base,
            None => Group::Alone(uri.as_str().to_string()),
        }
    }

    /// The open documents checked in a group.
    pub fn members(&self, group: &Group) -> Vec<Uri> {
        let mut out: Vec<Uri> = self
            .docs
            .values()
            .filter(|d| self.group_of(&d.uri) == *group)
            .map(|d| d.uri.clone())
            .collect();
        out.sort();
        out
    }

    /// The checked snapshot of a document's group, computed when a document changed
    /// since the last one.
    pub fn analysis(&mut self, uri: &Uri) -> Arc<Analysis> {
        let group = self.group_of(uri);
        self.analysis_of(group)
    }

    /// The checked snapshot of a group.
    pub fn analysis_of(&mut self, group: Group) -> Arc<Analysis> {
        if let Some((g, a)) = self.cache.get(&group)
            && *g == self.generation
        {
            return a.clone();
        }
        let a = Arc::new(self.analyse(&group));
        // Every file parsed: the program has all the declarations.
        if a.program.modules.len() == a.uris.len() {
            self.last_good.insert(group.clone(), a.program.clone());
        }
        self.cache.insert(group, (self.generation, a.clone()));
        a
    }

    /// The program for a document's names: the current one, else — while the
    /// document does not parse — the last one in which it did (its spans are
    /// out of date for the document; look names up, not offsets).
    pub fn program(&mut self, uri: &Uri) -> (Arc<Program>, Arc<Analysis>) {
        let group = self.group_of(uri);
        let a = self.analysis_of(group.clone());
        let parsed = a
            .file_of(uri)
            .is_none_or(|f| a.program.modules.iter().any(|m| m.file == f));
        match self.last_good.get(&group) {
            Some(p) if !parsed => (p.clone(), a),
            _ => (a.program.clone(), a),
        }
    }

    /// Checks one group: the standard library, the contracts with the open
    /// documents in place, and the lints when it checks. Only files whose text
    /// changed since the last check are parsed again.
    fn analyse(&mut self, group: &Group) -> Analysis {
        let (inputs, uris) = self.inputs(group);
        let mut sources = SourceMap::default();
        let mut diags = Vec::new();
        let mut parsed = Vec::new();
        for input in inputs {
            let file = sources.add(input.name, input.text);
            let text = &sources.get(file).text;
            let cached = self.trees.get(&file).filter(|p| p.text == *text);
            let tree = match cached {
                Some(p) => p,
                None => {
                    let (mut module, diags) = crate::syntax::parse_module(text, file);
                    // A module-level `source "…"` cites every item without its own, as `check` reads it.
                    if let Some(m) = &mut module {
                        crate::syntax::apply_module_source(m);
                    }
                    let p = Parsed {
                        text: text.clone(),
                        module,
                        diags,
                    };
                    self.trees.insert(file, p);
                    &self.trees[&file]
                }
            };
            diags.extend(tree.diags.iter().cloned());
            if let Some(m) = &tree.module {
                parsed.push((file, m.clone(), input.is_stdlib));
            }
        }
        let analysis = analyze_parsed(sources, &parsed, diags);
        let checks = !analysis.has_errors();
        let program = analysis.checked;
        let mut diags = analysis.diags;
        if checks {
            let trees = &self.trees;
            diags.extend(crate::lint::lint_parsed(&program, self.outline.as_ref(), |f| {
                trees
                    .get(&f)
                    .and_then(|t| t.module.as_ref())
                    .map(std::borrow::Cow::Borrowed)
            }));
        }
        Analysis {
            sources: program.sources.clone(),
            diags,
            program: Arc::new(program),
            checks,
            uris,
        }
    }

    /// The files of a group, with the document (or file on disk) of each.
    fn inputs(&self, group: &Group) -> (Vec<Input>, Vec<Option<Uri>>) {
        let mut inputs: Vec<Input> = crate::load::stdlib_inputs();
        let mut uris: Vec<Option<Uri>> = vec![None; inputs.len()];
        let alone = match group {
            Group::Alone(u) => self.docs.get(u),
            Group::Base => None,
        };
        let alone_module = alone.and_then(|d| declared_module(&d.text));
        let mut placed = false;
        for b in &self.base {
            let open = b.path.as_ref().and_then(|p| {
                self.docs
                    .values()
                    .find(|d| d.path.as_ref().is_some_and(|dp| same_path(dp, p)))
            });
            let (text, uri) = match (alone, open) {
                (Some(d), _) if !placed && alone_module.is_some() && b.module == alone_module => {
                    placed = true;
                    (d.text.clone(), Some(d.uri.clone()))
                }
                (_, Some(d)) => (d.text.clone(), Some(d.uri.clone())),
                _ => (b.text.clone(), b.path.as_deref().and_then(path_to_uri)),
            };
            let name = match (&uri, alone) {
                (Some(u), Some(d)) if *u == d.uri => d
                    .path
                    .as_ref()
                    .map_or(u.as_str().to_string(), |p| p.display().to_string()),
                _ => b.name.clone(),
            };
            inputs.push(Input {
                name,
                text,
                is_stdlib: false,
            });
            uris.push(uri);
        }
        if let Some(d) = alone
            && !placed
        {
            inputs.push(Input {
                name: d
                    .path
                    .as_ref()
                    .map_or(d.uri.as_str().to_string(), |p| p.display().to_string()),
                text: d.text.clone(),
                is_stdlib: false,
            });
            uris.push(Some(d.uri.clone()));
        }
        (inputs, uris)
    }
}

/// A file's syntax tree, kept until its text changes.
struct Parsed {
    text: String,
    module: Option<crate::syntax::ast::Module>,
    diags: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_declared_in_a_half_typed_file() {
        assert_eq!(declared_module("/// doc\nmodule leave\nrule"), Some("leave".into()));
        assert_eq!(declared_module("modules\n"), None);
        assert_eq!(declared_module("module \n"), None);
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let p = PathBuf::from("/tmp/a dir/§6.cba");
        let u = path_to_uri(&p).expect("a uri");
        assert_eq!(u.as_str(), "file:///tmp/a%20dir/%C2%A76.cba");
        assert_eq!(uri_to_path(&u), Some(p));
    }
}
