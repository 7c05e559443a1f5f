//! Symbol tables as data: the names of a program's modules, items and facts,
//! and where each name is used. The checker builds them and the program owns
//! them; an expression checked later (the REPL, `--expr`) borrows them, and an
//! editor reads the use-site index for hover, go-to-definition and references.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{EnumId, FactId, ModuleId, RecordId, RuleId, TableId};
use crate::syntax::span::{FileId, Span};

/// An item a name in a module can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemRef {
    Rule(RuleId),
    Table(TableId),
    Enum(EnumId),
    Record(RecordId),
}

/// The name tables: what each written name means.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Symbols {
    /// Module name → module.
    pub module_index: HashMap<String, ModuleId>,
    /// Per module: its own items, with the span of the declared name.
    pub module_items: Vec<HashMap<String, (ItemRef, Span)>>,
    /// Per module: the items it imports with `use`.
    pub imports: Vec<HashMap<String, ItemRef>>,
    /// Items of the standard library, seen from every module.
    pub prelude: HashMap<String, ItemRef>,
    /// Dotted fact path → fact.
    pub fact_index: HashMap<String, FactId>,
    /// Paths that are groups of facts (`grievance`, `grievance.step1`).
    pub fact_groups: HashMap<String, Span>,
}

impl Symbols {
    /// The item `name` means in `module`: its own, imported, or the standard
    /// library's. A module id past the tables (an expression's) sees the
    /// standard library only.
    pub fn item(&self, module: ModuleId, name: &str) -> Option<ItemRef> {
        self.module_items
            .get(module.index())
            .and_then(|m| m.get(name))
            .map(|(r, _)| *r)
            .or_else(|| self.imports.get(module.index()).and_then(|m| m.get(name)).copied())
            .or_else(|| self.prelude.get(name).copied())
    }

    /// The item `module.name` (its own items only).
    pub fn qualified(&self, module: &str, name: &str) -> Option<ItemRef> {
        let mid = *self.module_index.get(module)?;
        self.module_items[mid.index()].get(name).map(|x| x.0)
    }
}

/// What a name in the source refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SymbolRef {
    Module(ModuleId),
    /// A rule or a function.
    Rule(RuleId),
    Fact(FactId),
    Table(TableId),
    Enum(EnumId),
    /// An enum and the index of one of its variants.
    Variant(EnumId, u32),
    Record(RecordId),
    /// A record and the index of one of its fields.
    Field(RecordId, u32),
}

impl From<ItemRef> for SymbolRef {
    fn from(r: ItemRef) -> SymbolRef {
        match r {
            ItemRef::Rule(x) => SymbolRef::Rule(x),
            ItemRef::Table(x) => SymbolRef::Table(x),
            ItemRef::Enum(x) => SymbolRef::Enum(x),
            ItemRef::Record(x) => SymbolRef::Record(x),
        }
    }
}

/// Where each resolved name is used and where each symbol is declared: in
/// rule and function bodies, exceptions, tables, tests, types and imports.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UseIndex {
    /// Each use: the span of the written name and what it resolved to, sorted
    /// by file and position.
    pub uses: Vec<(Span, SymbolRef)>,
    /// Each symbol's declaration: the span of its declared name.
    pub defs: HashMap<SymbolRef, Span>,
}

impl UseIndex {
    /// Records a use.
    pub fn add_use(&mut self, span: Span, sym: SymbolRef) {
        self.uses.push((span, sym));
    }

    /// Records a declaration (the first one of a symbol counts).
    pub fn add_def(&mut self, sym: SymbolRef, span: Span) {
        self.defs.entry(sym).or_insert(span);
    }

    /// Sorts the uses and removes repeats (an expression checked twice).
    pub fn finish(&mut self) {
        self.uses
            .sort_by_key(|(s, r)| (s.file, s.start, std::cmp::Reverse(s.end), *r));
        self.uses.dedup();
    }

    /// The symbol at a byte offset of a file: the innermost use there, or the
    /// declaration whose name is there.
    pub fn at(&self, file: FileId, offset: u32) -> Option<SymbolRef> {
        self.span_at(file, offset).map(|(_, r)| r)
    }

    /// [`UseIndex::at`] with the span of the name found (to highlight it).
    pub fn span_at(&self, file: FileId, offset: u32) -> Option<(Span, SymbolRef)> {
        let inside = |s: &Span| s.file == file && s.start <= offset && offset < s.end;
        let used = self
            .uses
            .iter()
            .filter(|(s, _)| inside(s))
            .min_by_key(|(s, _)| s.end - s.start)
            .copied();
        used.or_else(|| {
            self.defs
                .iter()
                .filter(|(_, s)| inside(s))
                .min_by_key(|(r, s)| (s.end - s.start, **r))
                .map(|(r, s)| (*s, *r))
        })
    }

    /// The span of a symbol's declared name.
    pub fn definition(&self, sym: SymbolRef) -> Option<Span> {
        self.defs.get(&sym).copied()
    }

    /// Every use of a symbol, in file and source order.
    pub fn references(&self, sym: SymbolRef) -> Vec<Span> {
        self.uses.iter().filter(|(_, r)| *r == sym).map(|(s, _)| *s).collect()
    }
}

impl super::Program {
    /// The rules and functions whose declarations or exceptions use a symbol,
    /// each once, in id order, the symbol itself left out: "the rules that use it".
    pub fn rules_using(&self, sym: SymbolRef) -> Vec<RuleId> {
        let contains =
            |outer: Span, inner: Span| outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end;
        let mut out: Vec<RuleId> = self
            .uses
            .references(sym)
            .into_iter()
            .filter_map(|s| {
                self.rules
                    .iter()
                    .position(|r| contains(r.span, s) || r.exceptions.iter().any(|x| contains(x.span, s)))
            })
            .map(RuleId::from_index)
            .filter(|r| SymbolRef::Rule(*r) != sym)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// How a symbol is written in full: `grievance.step1_deadline`,
    /// `grievance.knew_on`, `Method.mail`, `Step.received_on`, `grievance`.
    pub fn symbol_name(&self, sym: SymbolRef) -> String {
        match sym {
            SymbolRef::Module(m) => self.modules[m].name.clone(),
            SymbolRef::Rule(r) => self.rules[r].qualified.clone(),
            SymbolRef::Fact(f) => self.facts[f].path.clone(),
            SymbolRef::Table(t) => self.tables[t].qualified.clone(),
            SymbolRef::Enum(e) => self.enums[e].name.clone(),
            SymbolRef::Variant(e, v) => {
                let info = &self.enums[e];
                format!("{}.{}", info.name, info.variants[v as usize])
            }
            SymbolRef::Record(r) => self.records[r].name.clone(),
            SymbolRef::Field(r, f) => {
                let info = &self.records[r];
                format!("{}.{}", info.name, info.fields[f as usize].0)
            }
        }
    }
}
