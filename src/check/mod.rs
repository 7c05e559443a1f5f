//! The checker: resolves every name to a slot, checks types and units, rejects
//! cycles, and lowers the AST to the IR. It reports every error it finds.

mod builtins;
mod collect;
mod expr;
mod items;
mod names;
mod ops;

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

/// Parses and checks a set of files into a program. Returns the program when
/// there are no errors (warnings may be present).
pub fn check_files(inputs: Vec<Input>) -> (Result<Program, SourceMap>, Vec<Diagnostic>) {
    let mut sources = SourceMap::default();
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for input in inputs {
        let file = sources.add(input.name, input.text);
        let (module, mut ds) = crate::syntax::parse_module(&sources.get(file).text, file);
        diags.append(&mut ds);
        if let Some(m) = module {
            parsed.push((file, m, input.is_stdlib));
        }
    }
    check_parsed(sources, &parsed, diags)
}

/// Checks modules parsed already (`(file, module, is_stdlib)`, with the parser's
/// diagnostics), as [`check_files`] does after parsing: the language server keeps
/// each file's tree until its text changes.
pub fn check_parsed(
    sources: SourceMap,
    parsed: &[(FileId, ast::Module, bool)],
    diags: Vec<Diagnostic>,
) -> (Result<Program, SourceMap>, Vec<Diagnostic>) {
    let mut checker = Checker::new(sources);
    checker.diags = diags;
    checker.run(parsed);
    let diags = std::mem::take(&mut checker.diags);
    if diags.iter().any(Diagnostic::is_error) {
        return (Err(checker.sources), diags);
    }
    (Ok(checker.finish()), diags)
}

/// A checked expression, for `--expr` and the REPL.
pub struct CheckedExpr {
    pub expr: Expr,
    pub ty: Type,
    pub locals: u32,
}

/// Checks an expression in the context of the whole program: qualified rule
/// names, facts, and the standard library. The text is added to `sources` of a
/// copy, so diagnostics point into it; they are returned with that source map.
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
    let mut sources = prog.sources.clone();
    let file = sources.add(name, text);
    let parsed = crate::syntax::parse_expr(text, file);
    let e = match parsed {
        Ok(e) => e,
        Err(d) => return Err((sources, d)),
    };
    let mut c = Checker::from_program(prog, sources);
    let module = c.modules.len() as ModuleId;
    c.module_items.push(HashMap::new());
    c.imports.push(HashMap::new());
    let mut s = Scope::new(module, None);
    let (expr, ty) = c.expr(&mut s, &e, expected);
    if c.diags.iter().any(Diagnostic::is_error) {
        return Err((c.sources, c.diags));
    }
    Ok(CheckedExpr {
        expr,
        ty,
        locals: s.max_local,
    })
}

/// Name tables kept with the program so expressions can be checked later.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub(crate) module_index: HashMap<String, ModuleId>,
    pub(crate) module_items: Vec<HashMap<String, (ItemRef, Span)>>,
    pub(crate) imports: Vec<HashMap<String, ItemRef>>,
    pub(crate) prelude: HashMap<String, ItemRef>,
    pub(crate) fact_index: HashMap<String, FactId>,
    pub(crate) fact_groups: HashMap<String, Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemRef {
    Rule(RuleId),
    Table(TableId),
    Enum(EnumId),
    Record(RecordId),
}

/// What a narrowing refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entity {
    Fact(FactId),
    Rule(RuleId),
    Local(u32),
}

pub(crate) struct Checker {
    pub sources: SourceMap,
    pub diags: Vec<Diagnostic>,
    pub modules: Vec<ModuleInfo>,
    pub module_index: HashMap<String, ModuleId>,
    pub module_items: Vec<HashMap<String, (ItemRef, Span)>>,
    pub imports: Vec<HashMap<String, ItemRef>>,
    pub prelude: HashMap<String, ItemRef>,
    pub enums: Vec<EnumInfo>,
    pub records: Vec<RecordInfo>,
    pub facts: Vec<FactInfo>,
    pub fact_index: HashMap<String, FactId>,
    /// Paths that are groups of facts (`grievance`, `grievance.step1`).
    pub fact_groups: HashMap<String, Span>,
    pub rules: Vec<RuleInfo>,
    pub tables: Vec<TableInfo>,
    pub tests: Vec<TestInfo>,
    pub calendar: Option<CalendarInfo>,
    /// Rules and functions each rule refers to, with the reference's span.
    pub deps: Vec<Vec<(RuleId, Span)>>,
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

impl TypeNames for Checker {
    fn enum_name(&self, id: u32) -> &str {
        &self.enums[id as usize].name
    }
    fn record_name(&self, id: u32) -> &str {
        &self.records[id as usize].name
    }
}

impl Checker {
    fn new(sources: SourceMap) -> Checker {
        let mut c = Checker {
            sources,
            diags: Vec::new(),
            modules: Vec::new(),
            module_index: HashMap::new(),
            module_items: Vec::new(),
            imports: Vec::new(),
            prelude: HashMap::new(),
            enums: Vec::new(),
            records: Vec::new(),
            facts: Vec::new(),
            fact_index: HashMap::new(),
            fact_groups: HashMap::new(),
            rules: Vec::new(),
            tables: Vec::new(),
            tests: Vec::new(),
            calendar: None,
            deps: Vec::new(),
        };
        c.enums.push(EnumInfo {
            name: "Weekday".into(),
            variants: WEEKDAYS.iter().map(|s| s.to_string()).collect(),
            external: WEEKDAYS.iter().map(|s| s.to_string()).collect(),
            span: Span::default(),
        });
        c.prelude.insert("Weekday".into(), ItemRef::Enum(WEEKDAY_ENUM));
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

    fn from_program(prog: &Program, sources: SourceMap) -> Checker {
        let n = prog.names.clone();
        Checker {
            sources,
            diags: Vec::new(),
            modules: prog.modules.clone(),
            module_index: n.module_index,
            module_items: n.module_items,
            imports: n.imports,
            prelude: n.prelude,
            enums: prog.enums.clone(),
            records: prog.records.clone(),
            facts: prog.facts.clone(),
            fact_index: n.fact_index,
            fact_groups: n.fact_groups,
            rules: prog
                .rules
                .iter()
                .map(|r| RuleInfo {
                    body: Expr {
                        kind: ExprKind::Const(crate::eval::value::Value::None),
                        span: r.span,
                    },
                    ..r.clone()
                })
                .collect(),
            tables: prog.tables.clone(),
            tests: Vec::new(),
            calendar: None,
            deps: vec![Vec::new(); prog.rules.len()],
        }
    }

    fn finish(self) -> Program {
        let mut fact_tree = FactTree::default();
        for (id, f) in self.facts.iter().enumerate() {
            insert_fact(&mut fact_tree, &f.path, id as FactId);
        }
        let rule_index = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.qualified.clone(), i as RuleId))
            .collect();
        let closures_fact = self.fact_index.get("calendar.closures").copied();
        let as_of_fact = self.fact_index.get("as_of").copied();
        let names = Names {
            module_index: self.module_index,
            module_items: self.module_items,
            imports: self.imports,
            prelude: self.prelude,
            fact_index: self.fact_index,
            fact_groups: self.fact_groups,
        };
        Program {
            names,
            sources: self.sources,
            modules: self.modules,
            facts: self.facts,
            rules: self.rules,
            tables: self.tables,
            enums: self.enums,
            records: self.records,
            tests: self.tests,
            calendar: self.calendar,
            fact_tree,
            rule_index,
            workdays: std::sync::OnceLock::new(),
            closures_fact,
            as_of_fact,
        }
    }
}

pub(crate) const WEEKDAY_ENUM: EnumId = 0;
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
