//! What a name at the cursor is, where it is declared and used; the outline of
//! a document and the symbols of the workspace.

use std::sync::Arc;

use lsp_types::{DocumentSymbol, Location, SymbolInformation, SymbolKind, TextDocumentPositionParams, Uri};

use super::text::LineIndex;
use super::workspace::{Analysis, Group, Workspace};
use crate::check::{BUILTINS, BuiltinDoc};
use crate::ir::symbols::SymbolRef;
use crate::ir::{ModuleId, Program};
use crate::syntax::ast;
use crate::syntax::span::{FileId, Span};

/// What a name at the cursor refers to: a symbol of the checker's use-site
/// index, or what the index does not hold (a group of facts, a built-in function).
#[derive(Debug, Clone, PartialEq)]
pub enum Symbol {
    Ref(SymbolRef),
    /// A group of facts: `grievance.step1`.
    FactGroup(String),
    Builtin(&'static BuiltinDoc),
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The dotted name around `offset`, up to the end of the part the offset is in:
/// in `grievance.step1.received_on` with the cursor on `step1`, the range of
/// `grievance.step1`.
pub fn name_at(text: &str, offset: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let offset = offset.min(b.len());
    let mut start = offset;
    while start > 0
        && (is_name_char(b[start - 1]) || (b[start - 1] == b'.' && start >= 2 && is_name_char(b[start - 2])))
    {
        start -= 1;
    }
    let mut end = offset;
    while end < b.len() && is_name_char(b[end]) {
        end += 1;
    }
    (start < end && !b[start].is_ascii_digit()).then_some((start, end))
}

/// The module a file holds.
pub fn module_of(prog: &Program, file: FileId) -> Option<ModuleId> {
    prog.modules
        .iter()
        .position(|m| m.file == file)
        .map(ModuleId::from_index)
}

/// What the checker's tables say a (dotted) name written in a module means,
/// for a file the index cannot answer for (it does not parse now): a fact or
/// group of facts, an item of the module, `module.item`, a module, a built-in.
pub fn lookup(prog: &Program, module: Option<ModuleId>, path: &str) -> Option<Symbol> {
    let n = &prog.symbols;
    if let Some(&f) = n.fact_index.get(path) {
        return Some(Symbol::Ref(SymbolRef::Fact(f)));
    }
    if n.fact_groups.contains_key(path) {
        return Some(Symbol::FactGroup(path.to_string()));
    }
    match path.split_once('.') {
        None => {
            if let Some(i) = module
                .and_then(|m| n.item(m, path))
                .or_else(|| n.prelude.get(path).copied())
            {
                return Some(Symbol::Ref(i.into()));
            }
            if let Some(b) = BUILTINS.iter().find(|b| b.name == path) {
                return Some(Symbol::Builtin(b));
            }
            n.module_index.get(path).map(|&m| Symbol::Ref(SymbolRef::Module(m)))
        }
        Some((m, item)) => n.qualified(m, item).map(|i| Symbol::Ref(i.into())),
    }
}

/// The symbol at an offset of a file of the program, with the byte range of its
/// name: from the use-site index; else a group of facts or a built-in function
/// named there.
pub fn symbol_at(prog: &Program, file: FileId, offset: usize) -> Option<(Symbol, usize, usize)> {
    if let Some((span, r)) = prog.uses.span_at(file, offset as u32) {
        return Some((Symbol::Ref(r), span.start as usize, span.end as usize));
    }
    let text = &prog.sources.files.get(file.0 as usize)?.text;
    let (start, end) = name_at(text, offset)?;
    let name = &text[start..end];
    if prog.symbols.fact_groups.contains_key(name) {
        return Some((Symbol::FactGroup(name.to_string()), start, end));
    }
    // A built-in function: a name followed by `(` that is nothing else.
    let called = text[end..].trim_start().starts_with('(');
    let b = BUILTINS.iter().find(|b| b.name == name).filter(|_| called)?;
    Some((Symbol::Builtin(b), start, end))
}

/// The declaration of a symbol.
pub fn declaration(prog: &Program, sym: &Symbol) -> Option<Span> {
    match sym {
        Symbol::Ref(r) => prog.uses.definition(*r),
        Symbol::FactGroup(g) => prog.symbols.fact_groups.get(g).copied(),
        Symbol::Builtin(_) => None,
    }
}

fn location(a: &Analysis, prog: &Program, span: Span) -> Option<Location> {
    let uri = a.uri_of(span.file)?.clone();
    let ix = LineIndex::new(&prog.sources.files.get(span.file.0 as usize)?.text);
    Some(Location::new(uri, ix.range(span.start as usize, span.end as usize)))
}

/// The symbol under the cursor, with the program it belongs to, the snapshot
/// and the byte range of its name in the document.
pub struct Under {
    pub prog: Arc<Program>,
    pub analysis: Arc<Analysis>,
    pub symbol: Symbol,
    pub start: usize,
    pub end: usize,
}

/// The symbol under the cursor. The use-site index answers while the document
/// parses; while it does not, the name is looked up in the last program where
/// it did.
pub fn symbol_under(ws: &mut Workspace, p: &TextDocumentPositionParams) -> Option<Under> {
    let uri = &p.text_document.uri;
    let text = ws.doc(uri)?.text.clone();
    let offset = LineIndex::new(&text).offset(p.position);
    let (prog, analysis) = ws.program(uri);
    let file = analysis.file_of(uri)?;
    let (symbol, start, end) = if Arc::ptr_eq(&prog, &analysis.program) {
        symbol_at(&prog, file, offset)?
    } else {
        let (s, e) = name_at(&text, offset)?;
        (lookup(&prog, module_of(&prog, file), &text[s..e])?, s, e)
    };
    Some(Under {
        prog,
        analysis,
        symbol,
        start,
        end,
    })
}

pub fn definition(ws: &mut Workspace, p: &TextDocumentPositionParams) -> Option<Location> {
    let u = symbol_under(ws, p)?;
    location(&u.analysis, &u.prog, declaration(&u.prog, &u.symbol)?)
}

pub fn references(
    ws: &mut Workspace,
    p: &TextDocumentPositionParams,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let Under {
        prog,
        analysis: a,
        symbol,
        ..
    } = symbol_under(ws, p)?;
    let Symbol::Ref(r) = symbol else {
        return Some(Vec::new());
    };
    let mut spans = prog.uses.references(r);
    if include_declaration && let Some(d) = prog.uses.definition(r) {
        spans.insert(0, d);
    }
    spans.dedup();
    Some(spans.into_iter().filter_map(|s| location(&a, &prog, s)).collect())
}

#[allow(deprecated)]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    ix: &LineIndex,
    span: Span,
    sel: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let range = ix.range(span.start as usize, span.end as usize);
    let mut selection = ix.range(sel.start as usize, sel.end as usize);
    if selection.start < range.start || selection.end > range.end {
        selection = range;
    }
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    }
}

fn source_of(text: &str, span: Span) -> Option<String> {
    text.get(span.range())
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn facts_symbols(block: &ast::FactsBlock, text: &str, ix: &LineIndex) -> Vec<DocumentSymbol> {
    block
        .entries
        .iter()
        .map(|e| match e {
            ast::FactEntry::Fact(f) => symbol(
                f.name.node.clone(),
                source_of(text, f.ty.span),
                SymbolKind::FIELD,
                ix,
                f.span,
                f.name.span,
                Vec::new(),
            ),
            ast::FactEntry::Group(g) => {
                let name: Vec<&str> = g.prefix.iter().map(|i| i.node.as_str()).collect();
                let sel = g.prefix.first().map_or(g.span, |f| f.span);
                symbol(
                    name.join("."),
                    None,
                    SymbolKind::NAMESPACE,
                    ix,
                    g.span,
                    sel,
                    facts_symbols(g, text, ix),
                )
            }
        })
        .collect()
}

/// The outline of a document: its facts, enums, records, rules, functions,
/// exceptions, tables, tests and calendar. `None` when it does not parse.
pub fn document_symbols(ws: &Workspace, uri: &Uri) -> Option<Vec<DocumentSymbol>> {
    let doc = ws.doc(uri)?;
    let text = &doc.text;
    let (module, _) = crate::syntax::parse_module(text, FileId(0));
    let module = module?;
    let ix = LineIndex::new(text);
    let no = Vec::new;
    let out = module
        .items
        .iter()
        .map(|item| match item {
            ast::Item::Facts(b) => {
                let name: Vec<&str> = b.prefix.iter().map(|i| i.node.as_str()).collect();
                let name = if name.is_empty() {
                    "facts".to_string()
                } else {
                    format!("facts {}", name.join("."))
                };
                let sel = b.prefix.first().map_or(b.span, |f| f.span);
                symbol(
                    name,
                    None,
                    SymbolKind::NAMESPACE,
                    &ix,
                    b.span,
                    sel,
                    facts_symbols(b, text, &ix),
                )
            }
            ast::Item::Enum(e) => {
                let vs = e
                    .variants
                    .iter()
                    .map(|v| {
                        symbol(
                            v.name.node.clone(),
                            None,
                            SymbolKind::ENUM_MEMBER,
                            &ix,
                            v.name.span,
                            v.name.span,
                            no(),
                        )
                    })
                    .collect();
                symbol(
                    e.name.node.clone(),
                    None,
                    SymbolKind::ENUM,
                    &ix,
                    e.span,
                    e.name.span,
                    vs,
                )
            }
            ast::Item::Record(r) => {
                let fs = r
                    .fields
                    .iter()
                    .map(|f| {
                        symbol(
                            f.name.node.clone(),
                            source_of(text, f.ty.span),
                            SymbolKind::FIELD,
                            &ix,
                            f.span,
                            f.name.span,
                            no(),
                        )
                    })
                    .collect();
                symbol(
                    r.name.node.clone(),
                    None,
                    SymbolKind::STRUCT,
                    &ix,
                    r.span,
                    r.name.span,
                    fs,
                )
            }
            ast::Item::Rule(r) => {
                let kind = if r.params.is_some() {
                    SymbolKind::FUNCTION
                } else {
                    SymbolKind::VARIABLE
                };
                symbol(
                    r.name.node.clone(),
                    source_of(text, r.ty.span),
                    kind,
                    &ix,
                    r.span,
                    r.name.span,
                    no(),
                )
            }
            ast::Item::Exception(e) => {
                let target: Vec<&str> = e.target.iter().map(|i| i.node.as_str()).collect();
                let sel = e.target.first().map_or(e.span, |t| t.span);
                symbol(
                    format!("exception to {}", target.join(".")),
                    None,
                    SymbolKind::EVENT,
                    &ix,
                    e.span,
                    sel,
                    no(),
                )
            }
            ast::Item::Table(t) => symbol(
                t.name.node.clone(),
                source_of(text, t.ty.span),
                SymbolKind::ARRAY,
                &ix,
                t.span,
                t.name.span,
                no(),
            ),
            ast::Item::Test(t) => symbol(
                format!("test \"{}\"", t.name.node),
                None,
                SymbolKind::METHOD,
                &ix,
                t.span,
                t.name.span,
                no(),
            ),
            ast::Item::Calendar(c) => symbol(
                format!("calendar {}", c.name.node),
                None,
                SymbolKind::OBJECT,
                &ix,
                c.span,
                c.name.span,
                no(),
            ),
        })
        .collect();
    Some(out)
}

/// Whether the letters of `query` appear in `name` in order (case-insensitive).
fn fuzzy(name: &str, query: &str) -> bool {
    let mut q = query.chars().flat_map(char::to_lowercase).peekable();
    for c in name.chars().flat_map(char::to_lowercase) {
        if q.peek() == Some(&c) {
            q.next();
        }
    }
    q.peek().is_none()
}

/// The rules, functions, tables, enums, records and facts of the workspace's
/// contracts (and the standard library's, where they have a file) whose name
/// matches the query.
#[allow(deprecated)]
pub fn workspace_symbols(ws: &mut Workspace, query: &str) -> Vec<SymbolInformation> {
    let a = ws.analysis_of(Group::Base);
    let prog = a.program.clone();
    let mut items: Vec<(String, SymbolKind, Span)> = Vec::new();
    for r in &prog.rules {
        let kind = if r.params.is_some() {
            SymbolKind::FUNCTION
        } else {
            SymbolKind::VARIABLE
        };
        items.push((r.qualified.clone(), kind, r.name_span));
    }
    for t in &prog.tables {
        items.push((t.qualified.clone(), SymbolKind::ARRAY, t.span));
    }
    for e in prog.enums.iter().skip(1) {
        items.push((e.name.clone(), SymbolKind::ENUM, e.span));
    }
    for r in &prog.records {
        items.push((r.name.clone(), SymbolKind::STRUCT, r.span));
    }
    for f in &prog.facts {
        items.push((f.path.clone(), SymbolKind::FIELD, f.span));
    }
    items
        .into_iter()
        .filter(|(n, _, _)| fuzzy(n, query))
        .filter_map(|(name, kind, span)| {
            let module = module_of(&prog, span.file).map(|m| prog.modules[m].name.clone());
            Some(SymbolInformation {
                name,
                kind,
                tags: None,
                deprecated: None,
                location: location(&a, &prog, span)?,
                container_name: module,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_at_the_cursor_ends_with_its_part() {
        let t = "x = grievance.step1.received_on + 1";
        let at = |s: &str| name_at(t, t.find(s).unwrap()).map(|(a, b)| &t[a..b]);
        assert_eq!(at("grievance"), Some("grievance"));
        assert_eq!(at("step1"), Some("grievance.step1"));
        assert_eq!(at("received"), Some("grievance.step1.received_on"));
        assert_eq!(at(" 1"), None);
    }

    #[test]
    fn fuzzy_matches_letters_in_order() {
        assert!(fuzzy("grievance.step1_due", "gsd"));
        assert!(!fuzzy("pay.rate", "gsd"));
        assert!(fuzzy("anything", ""));
    }
}
