//! The checker: resolves every name to a slot, checks types and units, rejects
//! cycles, and lowers the AST to the IR. It reports every error it finds.

mod builtins;
mod collect;
mod expr;
mod items;
mod names;
mod ops;

use std::borrow::Cow;
use std::collections::HashMap;

pub use builtins::{BUILTINS, BuiltinDoc};

use crate::diag::Diagnostic;
use crate::ir::*;
use crate::source::SourceMap;
use crate::syntax::ast;
use crate::syntax::span::{FileId, Span};
use crate::types::TypeNames;

/// One input file for the checker.
pub struct Input {
    pub name: String,
    pub text: String,
    pub is_stdlib: bool,
}

/// What checking a set of files found: the program as far as it checked,
/// and the diagnostics.
pub struct Analysis {
    /// Every declaration that checked — modules, rules and functions, facts,
    /// tables, enums, records, with their spans, types, docs and citations —
    /// the symbol tables ([`Program::symbols`]) and the use-site index
    /// ([`Program::uses`]), also when there are errors: an editor can hover,
    /// complete and go to definitions in a file with errors. Where an error
    /// was, a body or type is a placeholder: evaluate only [`Analysis::program`].
    /// A file that does not parse contributes nothing but its diagnostics.
    pub checked: Program,
    pub diags: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The program, when there are no errors (warnings may be present).
    pub fn program(&self) -> Option<&Program> {
        (!self.has_errors()).then_some(&self.checked)
    }

    /// The program when there are no errors, or the sources to render the
    /// errors against; with the diagnostics.
    pub fn into_result(self) -> (Result<Program, SourceMap>, Vec<Diagnostic>) {
        if self.has_errors() {
            return (Err(self.checked.sources), self.diags);
        }
        (Ok(self.checked), self.diags)
    }
}

/// Parses and checks a set of files, keeping what checked when there are errors.
pub fn analyze(inputs: Vec<Input>) -> Analysis {
    let mut sources = SourceMap::default();
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for input in inputs {
        let file = sources.add(input.name, input.text);
        let (module, mut ds) = crate::syntax::parse_module(&sources.get(file).text, file);
        diags.append(&mut ds);
        if let Some(mut m) = module {
            crate::syntax::apply_module_source(&mut m);
            parsed.push((file, m, input.is_stdlib));
        }
    }
    analyze_parsed(sources, &parsed, diags)
}

/// Checks modules parsed already (`(file, module, is_stdlib)`, with the parser's
/// diagnostics), as [`analyze`] does after parsing: the language server keeps
/// each file's tree until its text changes.
pub fn analyze_parsed(sources: SourceMap, parsed: &[(FileId, ast::Module, bool)], diags: Vec<Diagnostic>) -> Analysis {
    let mut checker = Checker::new(sources);
    checker.diags = diags;
    checker.run(parsed);
    let diags = std::mem::take(&mut checker.diags);
    Analysis {
        checked: checker.finish(),
        diags,
    }
}

/// Parses and checks a set of files into a program. Returns the program when
/// there are no errors (warnings may be present).
pub fn check_files(inputs: Vec<Input>) -> (Result<Program, SourceMap>, Vec<Diagnostic>) {
    analyze(inputs).into_result()
}

/// A checked expression, for `--expr` and the REPL.
pub struct CheckedExpr {
    pub expr: Expr,
    pub ty: Type,
    pub locals: u32,
}

/// Checks an expression in the context of the whole program: qualified rule
/// names, facts, and the standard library. The checker borrows the program's
/// symbol tables; nothing of the program is copied. On errors, the
/// diagnostics come with the sources they point into (see [`expr_sources`]).
pub fn check_expr(prog: &Program, name: &str, text: &str) -> Result<CheckedExpr, (SourceMap, Vec<Diagnostic>)> {
    check_expr_as(prog, name, text, None)
}

/// [`check_expr`] with the type the context expects, so that a bare enum variant
/// (`mail`) or a string of its external spelling resolves (the REPL's `:set`).
/// The caller checks that the resulting type fits.
pub fn check_expr_as(
    prog: &Program,
    name: &str,
    text: &str,
    expected: Option<&Type>,
) -> Result<CheckedExpr, (SourceMap, Vec<Diagnostic>)> {
    // The expression's file comes after the program's.
    let file = FileId(prog.sources.files.len() as u32);
    let e = match crate::syntax::parse_expr(text, file) {
        Ok(e) => e,
        Err(d) => return Err((expr_sources(prog, name, text, &d), d)),
    };
    let mut c = Checker::from_program(prog);
    // A module of its own, with no items: it sees the standard library.
    let module = ModuleId::from_index(c.modules.len());
    let mut s = Scope::new(module, None);
    let (expr, ty) = c.expr(&mut s, &e, expected);
    if c.diags.iter().any(Diagnostic::is_error) {
        return Err((expr_sources(prog, name, text, &c.diags), c.diags));
    }
    Ok(CheckedExpr {
        expr,
        ty,
        locals: s.max_local,
    })
}

/// The sources to render an expression's diagnostics against: the program's
/// files that the diagnostics name (others are left empty, keeping every file
/// id), then the expression. Only the named files are copied.
pub fn expr_sources(prog: &Program, name: &str, text: &str, diags: &[Diagnostic]) -> SourceMap {
    let mut named = vec![false; prog.sources.files.len()];
    for d in diags {
        for sp in std::iter::once(d.primary.span).chain(d.secondary.iter().map(|l| l.span)) {
            if let Some(n) = named.get_mut(sp.file.0 as usize) {
                *n = true;
            }
        }
    }
    let mut sources = SourceMap::default();
    for (f, named) in prog.sources.files.iter().zip(named) {
        if named {
            sources.add(f.name.clone(), f.text.clone());
        } else {
            sources.add(String::new(), String::new());
        }
    }
    sources.add(name, text);
    sources
}

pub(crate) use crate::ir::ItemRef;

/// What a narrowing refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entity {
    Fact(FactId),
    Rule(RuleId),
    Local(u32),
}

/// The checker's state. Checking a whole program owns its tables; checking an
/// expression against a program borrows the program's (`Cow::Borrowed`), so
/// nothing of the program is copied.
pub(crate) struct Checker<'p> {
    pub sources: SourceMap,
    pub diags: Vec<Diagnostic>,
    pub modules: Cow<'p, [ModuleInfo]>,
    pub module_index: Cow<'p, HashMap<String, ModuleId>>,
    pub module_items: Cow<'p, [HashMap<String, (ItemRef, Span)>]>,
    pub imports: Cow<'p, [HashMap<String, ItemRef>]>,
    pub prelude: Cow<'p, HashMap<String, ItemRef>>,
    pub enums: Cow<'p, [EnumInfo]>,
    pub records: Cow<'p, [RecordInfo]>,
    pub facts: Cow<'p, [FactInfo]>,
    pub fact_index: Cow<'p, HashMap<String, FactId>>,
    /// Paths that are groups of facts (`grievance`, `grievance.step1`).
    pub fact_groups: Cow<'p, HashMap<String, Span>>,
    pub rules: Cow<'p, [RuleInfo]>,
    pub tables: Cow<'p, [TableInfo]>,
    pub tests: Vec<TestInfo>,
    pub calendar: Option<CalendarInfo>,
    /// Rules and functions each rule refers to, with the reference's span.
    pub deps: Vec<Vec<(RuleId, Span)>>,
    /// Where names are used and declared; recorded for a whole program only.
    pub index: Option<UseIndex>,
}

/// Per-body state: locals in scope and narrowed optional values.
#[derive(Default)]
pub(crate) struct Scope {
    pub module: ModuleId,
    pub locals: Vec<(String, u32, Type)>,
    pub next_local: u32,
    pub max_local: u32,
    pub narrowed: Vec<(Entity, Type)>,
    pub rule: Option<RuleId>,
}

impl Scope {
    pub fn new(module: ModuleId, rule: Option<RuleId>) -> Scope {
        Scope {
            module,
            rule,
            ..Scope::default()
        }
    }

    pub fn push_local(&mut self, name: &str, ty: Type) -> u32 {
        let slot = self.next_local;
        self.next_local += 1;
        self.max_local = self.max_local.max(self.next_local);
        self.locals.push((name.to_string(), slot, ty));
        slot
    }

    pub fn pop_local(&mut self) {
        self.locals.pop();
        self.next_local -= 1;
    }

    pub fn local(&self, name: &str) -> Option<(u32, Type)> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, s, t)| (*s, t.clone()))
    }

    pub fn narrowed(&self, e: Entity) -> Option<Type> {
        self.narrowed
            .iter()
            .rev()
            .find(|(x, _)| *x == e)
            .map(|(_, t)| t.clone())
    }
}

impl TypeNames for Checker<'_> {
    fn enum_name(&self, id: crate::ir::EnumId) -> &str {
        &self.enums[id].name
    }
    fn record_name(&self, id: crate::ir::RecordId) -> &str {
        &self.records[id].name
    }
}

impl Checker<'_> {
    fn new(sources: SourceMap) -> Checker<'static> {
        let mut c = Checker {
            sources,
            diags: Vec::new(),
            modules: Cow::Owned(Vec::new()),
            module_index: Cow::Owned(HashMap::new()),
            module_items: Cow::Owned(Vec::new()),
            imports: Cow::Owned(Vec::new()),
            prelude: Cow::Owned(HashMap::new()),
            enums: Cow::Owned(Vec::new()),
            records: Cow::Owned(Vec::new()),
            facts: Cow::Owned(Vec::new()),
            fact_index: Cow::Owned(HashMap::new()),
            fact_groups: Cow::Owned(HashMap::new()),
            rules: Cow::Owned(Vec::new()),
            tables: Cow::Owned(Vec::new()),
            tests: Vec::new(),
            calendar: None,
            deps: Vec::new(),
            index: Some(UseIndex::default()),
        };
        c.enums.to_mut().push(EnumInfo {
            name: "Weekday".into(),
            variants: WEEKDAYS.iter().map(|s| s.to_string()).collect(),
            external: WEEKDAYS.iter().map(|s| s.to_string()).collect(),
            span: Span::default(),
        });
        c.prelude.to_mut().insert("Weekday".into(), ItemRef::Enum(WEEKDAY_ENUM));
        c
    }

    fn run(&mut self, parsed: &[(FileId, ast::Module, bool)]) {
        self.collect(parsed);
        self.check_bodies(parsed);
        self.check_cycles();
    }

    /// Displays a type for messages.
    pub fn ty(&self, t: &Type) -> String {
        crate::types::DisplayType(t, self).to_string()
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Records that the name at `span` means `sym` (a whole program only).
    pub fn used(&mut self, span: Span, sym: impl Into<SymbolRef>) {
        if let Some(ix) = &mut self.index {
            ix.add_use(span, sym.into());
        }
    }

    /// Records where `sym` is declared (a whole program only).
    pub fn declared(&mut self, sym: impl Into<SymbolRef>, span: Span) {
        if let Some(ix) = &mut self.index {
            ix.add_def(sym.into(), span);
        }
    }
}

impl<'p> Checker<'p> {
    /// A checker over a checked program's tables, borrowed: for one expression.
    fn from_program(prog: &'p Program) -> Checker<'p> {
        let n = &prog.symbols;
        Checker {
            sources: SourceMap::default(),
            diags: Vec::new(),
            modules: Cow::Borrowed(&prog.modules),
            module_index: Cow::Borrowed(&n.module_index),
            module_items: Cow::Borrowed(&n.module_items),
            imports: Cow::Borrowed(&n.imports),
            prelude: Cow::Borrowed(&n.prelude),
            enums: Cow::Borrowed(&prog.enums),
            records: Cow::Borrowed(&prog.records),
            facts: Cow::Borrowed(&prog.facts),
            fact_index: Cow::Borrowed(&n.fact_index),
            fact_groups: Cow::Borrowed(&n.fact_groups),
            rules: Cow::Borrowed(&prog.rules),
            tables: Cow::Borrowed(&prog.tables),
            tests: Vec::new(),
            calendar: None,
            deps: Vec::new(),
            index: None,
        }
    }

    fn finish(self) -> Program {
        let mut fact_tree = FactTree::default();
        for (id, f) in self.facts.iter().enumerate() {
            insert_fact(&mut fact_tree, &f.path, FactId::from_index(id));
        }
        let rule_index = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.qualified.clone(), RuleId::from_index(i)))
            .collect();
        let closures_fact = self.fact_index.get("calendar.closures").copied();
        let as_of_fact = self.fact_index.get("as_of").copied();
        let symbols = Symbols {
            module_index: self.module_index.into_owned(),
            module_items: self.module_items.into_owned(),
            imports: self.imports.into_owned(),
            prelude: self.prelude.into_owned(),
            fact_index: self.fact_index.into_owned(),
            fact_groups: self.fact_groups.into_owned(),
        };
        let mut uses = self.index.unwrap_or_default();
        uses.finish();
        let mut rules = self.rules.into_owned();
        let cases = crate::ir::ids::number_cases(&mut rules);
        Program {
            symbols,
            uses,
            sources: self.sources,
            modules: self.modules.into_owned(),
            facts: self.facts.into_owned(),
            rules,
            cases,
            tables: self.tables.into_owned(),
            enums: self.enums.into_owned(),
            records: self.records.into_owned(),
            tests: self.tests,
            calendar: self.calendar,
            fact_tree,
            rule_index,
            workdays: std::sync::OnceLock::new(),
            compiled: crate::ir::Compiled::default(),
            closures_fact,
            as_of_fact,
        }
    }
}

pub(crate) const WEEKDAY_ENUM: EnumId = EnumId(0);
pub(crate) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn insert_fact(tree: &mut FactTree, path: &str, id: FactId) {
    let mut node = tree;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let pos = node.children.iter().position(|(n, _)| n == part);
        let pos = match pos {
            Some(p) => p,
            None => {
                let kind = if last {
                    FactNodeKind::Leaf(id)
                } else {
                    FactNodeKind::Group(FactTree::default())
                };
                node.children.push((part.to_string(), kind));
                node.children.len() - 1
            }
        };
        match &mut node.children[pos].1 {
            FactNodeKind::Group(g) if !last => node = g,
            _ => return,
        }
    }
}
