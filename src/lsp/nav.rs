//! What a name at the cursor is, where it is declared and used; the outline of
//! a document and the symbols of the workspace.

use lsp_types::{DocumentSymbol, Location, SymbolInformation, SymbolKind, TextDocumentPositionParams, Uri};

use super::text::LineIndex;
use super::workspace::{Analysis, Group, Workspace};
use crate::check::{BUILTINS, BuiltinDoc, ItemRef};
use crate::ir::{EnumId, FactId, ModuleId, Program, RecordId, RuleId, TableId};
use crate::syntax::ast;
use crate::syntax::span::{FileId, Span};

/// What a name refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Symbol {
    Rule(RuleId),
    Table(TableId),
    Enum(EnumId),
    Variant(EnumId, u32),
    Record(RecordId),
    Fact(FactId),
    /// A group of facts: `grievance.step1`.
    FactGroup(String),
    Module(ModuleId),
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

fn item_symbol(i: ItemRef) -> Symbol {
    match i {
        ItemRef::Rule(r) => Symbol::Rule(r),
        ItemRef::Table(t) => Symbol::Table(t),
        ItemRef::Enum(e) => Symbol::Enum(e),
        ItemRef::Record(r) => Symbol::Record(r),
    }
}

/// The module a file holds.
pub fn module_of(prog: &Program, file: FileId) -> Option<ModuleId> {
    prog.modules.iter().position(|m| m.file == file).map(|i| i as ModuleId)
}

/// Resolves a (dotted) name as written in a module: its items and imports, the
/// prelude, built-in functions, facts, modules, `module.item` and enum variants.
pub fn resolve(prog: &Program, module: Option<ModuleId>, path: &str) -> Option<Symbol> {
    let n = &prog.names;
    let segs: Vec<&str> = path.split('.').collect();
    if let Some(&f) = n.fact_index.get(path) {
        return Some(Symbol::Fact(f));
    }
    if n.fact_groups.contains_key(path) {
        return Some(Symbol::FactGroup(path.to_string()));
    }
    if let [name] = segs[..] {
        if let Some(m) = module {
            let m = m as usize;
            if let Some((i, _)) = n.module_items.get(m).and_then(|x| x.get(name)) {
                return Some(item_symbol(*i));
            }
            if let Some(i) = n.imports.get(m).and_then(|x| x.get(name)) {
                return Some(item_symbol(*i));
            }
        }
        if let Some(i) = n.prelude.get(name) {
            return Some(item_symbol(*i));
        }
        if let Some(b) = BUILTINS.iter().find(|b| b.name == name) {
            return Some(Symbol::Builtin(b));
        }
        if let Some(&m) = n.module_index.get(name) {
            return Some(Symbol::Module(m));
        }
        // A variant: of an enum of this module first.
        let file = module.map(|m| prog.modules[m as usize].file);
        let mut found = None;
        for (e, info) in prog.enums.iter().enumerate() {
            if let Some(v) = info.variants.iter().position(|v| v == name) {
                let sym = Symbol::Variant(e as EnumId, v as u32);
                if Some(info.span.file) == file {
                    return Some(sym);
                }
                found = found.or(Some(sym));
            }
        }
        return found;
    }
    if let [m, item] = segs[..]
        && let Some(&mid) = n.module_index.get(m)
        && let Some((i, _)) = n.module_items.get(mid as usize).and_then(|x| x.get(item))
    {
        return Some(item_symbol(*i));
    }
    None
}

/// The declaration of a symbol.
pub fn declaration(prog: &Program, sym: &Symbol) -> Option<Span> {
    // The name of a table, enum or record, as the module's items keep it.
    let named = |want: ItemRef, whole: Span| {
        prog.names
            .module_items
            .iter()
            .flat_map(|m| m.values())
            .find(|(i, _)| *i == want)
            .map_or(whole, |(_, s)| *s)
    };
    Some(match *sym {
        Symbol::Rule(r) => prog.rules[r as usize].name_span,
        Symbol::Table(t) => named(ItemRef::Table(t), prog.tables[t as usize].span),
        Symbol::Enum(e) | Symbol::Variant(e, _) => named(ItemRef::Enum(e), prog.enums[e as usize].span),
        Symbol::Record(r) => named(ItemRef::Record(r), prog.records[r as usize].span),
        Symbol::Fact(f) => prog.facts[f as usize].span,
        Symbol::FactGroup(ref g) => *prog.names.fact_groups.get(g)?,
        Symbol::Module(m) => Span::new(prog.modules[m as usize].file, 0, 0),
        Symbol::Builtin(_) => return None,
    })
}

/// The symbol at an offset of a file of the program, with the range of its name.
pub fn symbol_at(prog: &Program, file: FileId, offset: usize) -> Option<(Symbol, usize, usize)> {
    let text = &prog.sources.files.get(file.0 as usize)?.text;
    let (start, end) = name_at(text, offset)?;
    let sym = resolve(prog, module_of(prog, file), &text[start..end])?;
    Some((sym, start, end))
}

/// Every name written in the program's source, with what it refers to: in each
/// file, each dotted name (outside comments and strings) and each of its
/// leading parts (`grievance`, `grievance.step1`, `grievance.step1.received_on`).
pub fn occurrences(prog: &Program) -> Vec<(Span, Symbol)> {
    let mut out = Vec::new();
    for (i, f) in prog.sources.files.iter().enumerate() {
        let file = FileId(i as u32);
        let module = module_of(prog, file);
        let b = f.text.as_bytes();
        let mut at = 0;
        while at < b.len() {
            let c = b[at];
            if c == b'/' && b.get(at + 1) == Some(&b'/') {
                at += b[at..].iter().position(|&x| x == b'\n').unwrap_or(b.len() - at);
            } else if c == b'"' {
                at += 1;
                while at < b.len() && b[at] != b'"' && b[at] != b'\n' {
                    at += if b[at] == b'\\' { 2 } else { 1 };
                }
                at += 1;
            } else if c.is_ascii_alphabetic() || c == b'_' {
                let start = at;
                let mut ends = Vec::new();
                loop {
                    while at < b.len() && is_name_char(b[at]) {
                        at += 1;
                    }
                    ends.push(at);
                    if at + 1 < b.len() && b[at] == b'.' && (b[at + 1].is_ascii_alphabetic() || b[at + 1] == b'_') {
                        at += 1;
                    } else {
                        break;
                    }
                }
                for end in ends {
                    if let Some(sym) = resolve(prog, module, &f.text[start..end]) {
                        out.push((Span::new(file, start, end), sym));
                    }
                }
            } else if c.is_ascii_digit() {
                while at < b.len() && is_name_char(b[at]) {
                    at += 1;
                }
            } else {
                at += 1;
            }
        }
    }
    out
}

fn location(a: &Analysis, prog: &Program, span: Span) -> Option<Location> {
    let uri = a.uri_of(span.file)?.clone();
    let ix = LineIndex::new(&prog.sources.files.get(span.file.0 as usize)?.text);
    Some(Location::new(uri, ix.range(span.start as usize, span.end as usize)))
}

/// The program and file of a document, and the byte offset of a position.
fn at(
    ws: &mut Workspace,
    p: &TextDocumentPositionParams,
) -> Option<(std::sync::Arc<Program>, std::sync::Arc<Analysis>, FileId, usize)> {
    let (prog, a) = ws.program(&p.text_document.uri)?;
    let file = a.file_of(&p.text_document.uri)?;
    let text = &prog.sources.files.get(file.0 as usize)?.text;
    let offset = LineIndex::new(text).offset(p.position);
    Some((prog, a, file, offset))
}

pub fn definition(ws: &mut Workspace, p: &TextDocumentPositionParams) -> Option<Location> {
    let (prog, a, file, offset) = at(ws, p)?;
    let (sym, _, _) = symbol_at(&prog, file, offset)?;
    location(&a, &prog, declaration(&prog, &sym)?)
}

pub fn references(
    ws: &mut Workspace,
    p: &TextDocumentPositionParams,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (prog, a, file, offset) = at(ws, p)?;
    let (sym, _, _) = symbol_at(&prog, file, offset)?;
    let decl = declaration(&prog, &sym);
    let mut out: Vec<Location> = occurrences(&prog)
        .into_iter()
        .filter(|(s, x)| *x == sym && (include_declaration || Some(*s) != decl))
        .filter_map(|(s, _)| location(&a, &prog, s))
        .collect();
    if include_declaration
        && let Some(d) = decl.and_then(|d| location(&a, &prog, d))
        && !out.contains(&d)
    {
        out.insert(0, d);
    }
    Some(out)
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
    let Some((prog, a)) = ws.program_of(&Group::Base) else {
        return Vec::new();
    };
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
            let module = module_of(&prog, span.file).map(|m| prog.modules[m as usize].name.clone());
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
        assert_eq!(at("1;").or(at(" 1")), None);
    }

    #[test]
    fn fuzzy_matches_letters_in_order() {
        assert!(fuzzy("grievance.step1_due", "gsd"));
        assert!(!fuzzy("pay.rate", "gsd"));
        assert!(fuzzy("anything", ""));
    }
}
