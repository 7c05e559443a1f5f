//! The checked, slot-resolved program that the evaluator runs.
//!
//! Every name is resolved: facts, rules, tables and locals are integer ids, and
//! every operator is specialised to its operand types, so evaluation does no
//! string lookups and no type dispatch beyond the value itself.

// Paths spelled out: the build script includes this file with `#[path]` (see build.rs).
#[path = "ir/ids.rs"]
pub mod ids;
#[path = "ir/select.rs"]
pub mod select;
#[path = "ir/symbols.rs"]
pub mod symbols;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::source::SourceMap;
use crate::syntax::span::Span;
pub use crate::types::{QUnit, Type};
use crate::values::value::Value;
use crate::values::workdays::WorkdayTable;
pub use ids::{BranchId, BranchKey, CasesId, CasesInfo, EnumId, FactId, ModuleId, RecordId, RuleId, TableId};
pub use symbols::{ItemRef, SymbolRef, Symbols, UseIndex};

/// The whole checked program: standard library and contracts.
#[derive(Debug, Serialize, Deserialize)]
pub struct Program {
    /// Not serialized: the built-in program's texts are in the binary already
    /// (see [`crate::builtin`]).
    #[serde(skip)]
    pub sources: SourceMap,
    /// Name tables, for checking expressions against the program later.
    pub symbols: Symbols,
    /// Where each name is used and declared, for editors and cross-references.
    pub uses: UseIndex,
    pub modules: Vec<ModuleInfo>,
    pub facts: Vec<FactInfo>,
    pub rules: Vec<RuleInfo>,
    pub tables: Vec<TableInfo>,
    pub enums: Vec<EnumInfo>,
    pub records: Vec<RecordInfo>,
    pub tests: Vec<TestInfo>,
    /// Every `when … otherwise` group of every rule body, by [`CasesId`].
    pub cases: Vec<CasesInfo>,
    pub calendar: Option<CalendarInfo>,
    /// Fact paths, for reading fact files (edges only, never in evaluation).
    pub fact_tree: FactTree,
    /// `module.rule` → rule, for queries (edges only).
    pub rule_index: HashMap<String, RuleId>,
    /// The precomputed workday table, built on first use.
    #[serde(skip)]
    pub workdays: OnceLock<Result<WorkdayTable, String>>,
    /// The evaluator's compiled form of the rules, built rule by rule on first
    /// evaluation (see `crate::eval::code`).
    #[serde(skip)]
    pub compiled: Compiled,
    /// The fact `calendar.closures`, if declared.
    pub closures_fact: Option<FactId>,
    /// The fact `as_of`, if declared.
    pub as_of_fact: Option<FactId>,
}

/// A slot for the evaluator's compiled form of a program. The program does not
/// know the form's type (the evaluator is a later stage), only that it is built
/// once and shared by every thread that evaluates.
#[derive(Default)]
pub struct Compiled(pub OnceLock<Box<dyn std::any::Any + Send + Sync>>);

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Compiled(built)"
        } else {
            "Compiled(not yet)"
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModuleInfo {
    pub name: String,
    pub doc: Option<String>,
    pub article: Option<u32>,
    pub title: Option<String>,
    pub file: crate::syntax::span::FileId,
    pub is_stdlib: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Default {
    None,
    Value(Value),
    Today,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FactInfo {
    /// Dotted path: `grievance.step1.received_on`.
    pub path: String,
    pub ty: Type,
    pub default: Default,
    pub doc: Option<String>,
    pub span: Span,
}

/// Paths of facts as a tree, for reading nested fact files.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FactTree {
    pub children: Vec<(String, FactNodeKind)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FactNodeKind {
    Leaf(FactId),
    Group(FactTree),
}

/// A citation, normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub article: Option<u32>,
    pub section: Option<String>,
    pub sub: Option<String>,
    pub sidebar: bool,
    pub source: Option<String>,
    pub quote: Option<String>,
}

impl std::fmt::Display for Citation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(a) = self.article {
            parts.push(format!("Art. {a}"));
        }
        if let Some(s) = &self.section {
            parts.push(format!("§{s}"));
        }
        if let Some(s) = &self.sub {
            parts.push(format!("sub {s}"));
        }
        if self.sidebar {
            parts.push("Sidebar".into());
        }
        if let Some(s) = &self.source {
            parts.push(s.clone());
        }
        write!(f, "{}", parts.join(" "))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleInfo {
    pub module: ModuleId,
    pub name: String,
    /// `module.name`
    pub qualified: String,
    pub ty: Type,
    /// Parameter types; `None` for a rule (memoized, a query).
    pub params: Option<Vec<(String, Type)>>,
    pub citation: Option<Citation>,
    pub doc: Option<String>,
    pub body: Expr,
    /// Local slots the body needs (parameters first).
    pub locals: u32,
    pub span: Span,
    pub name_span: Span,
    /// The exceptions to this rule, in the order their branches open the body's
    /// `Cases` (latest declared first).
    pub exceptions: Vec<ExceptionInfo>,
}

/// An exception to a rule: its branches come first in the rule's body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExceptionInfo {
    pub module: ModuleId,
    pub citation: Option<Citation>,
    pub doc: Option<String>,
    /// How many of the body's branches, after those of the exceptions before it, are its own.
    pub branches: u32,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableInfo {
    pub module: ModuleId,
    pub name: String,
    pub qualified: String,
    pub ty: Type,
    pub keys: Vec<Type>,
    pub citation: Option<Citation>,
    pub doc: Option<String>,
    pub rows: TableRows,
    pub span: Span,
}

/// Rows of one key level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TableRows {
    /// Effective-dated: sorted by date.
    Dated(Vec<(i32, Option<String>, TableCell)>),
    Keyed(Vec<(Value, TableCell)>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TableCell {
    Value(Value),
    Nested(TableRows),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnumInfo {
    pub name: String,
    pub variants: Vec<String>,
    /// JSON spelling of each variant.
    pub external: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordInfo {
    pub name: String,
    pub fields: Vec<(String, Type, Default)>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestInfo {
    pub module: ModuleId,
    pub name: String,
    pub givens: Vec<(FactId, Value, Span)>,
    pub expects: Vec<TestExpect>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestExpect {
    pub rule: RuleId,
    /// `None`: the query is expected to fail.
    pub value: Option<Value>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarInfo {
    pub weekend: [bool; 7],
    /// A function `(year: int): list of date`.
    pub holidays: RuleId,
    pub closures: Option<FactId>,
}

/// An expression with the span of the text it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ExprKind {
    Const(Value),
    Fact(FactId),
    Rule(RuleId),
    Local(u32),
    Call(RuleId, Vec<Expr>),
    Builtin(Builtin, Vec<Expr>),
    Field(Box<Expr>, u32),
    Table(TableId, Vec<Expr>),
    ListIndex(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Coalesce(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `when c => v … otherwise => o`: the group's id (see [`ids`]), the
    /// branches and the `otherwise`.
    Cases(CasesId, Vec<(Expr, Expr)>, Box<Expr>),
    Let(u32, Box<Expr>, Box<Expr>),
    List(Vec<Expr>),
    /// Map/filter over a list: `[element for var in list if filter]`.
    Comp {
        var: u32,
        list: Box<Expr>,
        element: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Sort {
        var: u32,
        list: Box<Expr>,
        keys: Vec<(Expr, bool)>,
    },
    Fold {
        acc: u32,
        init: Box<Expr>,
        var: u32,
        list: Box<Expr>,
        body: Box<Expr>,
    },
    Record(Vec<Expr>),
    Error(Box<Expr>),
}

/// Binary operators specialised to operand types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// Numbers and quantities (including money): exact decimal arithmetic.
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// date ± days
    DateAddDays(i64),
    /// date ± months (×1 or ×12 for years), clamped
    DateAddMonths(i64),
    /// date ± workdays (sign)
    DateAddWorkdays(i64),
    /// date - date → days
    DateDiff,
    /// time ± hours
    TimeAddHours(i64),
    TimeDiff,
    DateTimeAddHours(i64),
    DateTimeAddDays(i64),
    DateTimeAddWorkdays(i64),
    DateTimeDiff,
    YearMonthAddMonths(i64),
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Builtin {
    Min,
    Max,
    MinList,
    MaxList,
    Abs,
    Floor,
    Ceil,
    Round,
    RoundTo,
    RoundUp,
    RoundDown,
    Number,
    Count,
    Sum,
    Any,
    All,
    First,
    Last,
    Reverse,
    Distinct,
    Range,
    Len,
    Contains,
    ListConcat,
    Date,
    Year,
    Month,
    Day,
    Weekday,
    DaysBetween,
    LastDayOfMonth,
    YearMonthOf,
    FirstDay,
    LastDay,
    DateOf,
    TimeOf,
    DateTime,
    Today,
    WorkdaysBetween,
    Text,
    /// `required(fact)`: the optional fact's value, or a missing-fact error.
    Required,
    /// `text` of an enum value: its external spelling; the second argument is the enum id.
    EnumText,
    StartsWith,
    StrContains,
    Lower,
    Upper,
    StrLen,
}

impl Expr {
    /// Calls `f` on each direct subexpression.
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        use ExprKind::*;
        match &self.kind {
            Const(_) | Fact(_) | Rule(_) | Local(_) => {}
            Call(_, xs) | Builtin(_, xs) | Table(_, xs) | List(xs) | Record(xs) => xs.iter().for_each(f),
            Field(x, _) | Not(x) | Neg(x) | Error(x) => f(x),
            ListIndex(a, b) | And(a, b) | Or(a, b) | Coalesce(a, b) | Let(_, a, b) | Bin(_, a, b) => {
                f(a);
                f(b)
            }
            If(a, b, c) => {
                f(a);
                f(b);
                f(c)
            }
            Cases(_, bs, o) => {
                for (c, v) in bs {
                    f(c);
                    f(v);
                }
                f(o)
            }
            Comp {
                list, element, filter, ..
            } => {
                f(list);
                f(element);
                if let Some(x) = filter {
                    f(x)
                }
            }
            Sort { list, keys, .. } => {
                f(list);
                keys.iter().for_each(|(k, _)| f(k))
            }
            Fold { init, list, body, .. } => {
                f(init);
                f(list);
                f(body)
            }
        }
    }

    /// Calls `f` on each direct subexpression, mutably.
    pub fn for_each_child_mut(&mut self, mut f: impl FnMut(&mut Expr)) {
        use ExprKind::*;
        match &mut self.kind {
            Const(_) | Fact(_) | Rule(_) | Local(_) => {}
            Call(_, xs) | Builtin(_, xs) | Table(_, xs) | List(xs) | Record(xs) => xs.iter_mut().for_each(f),
            Field(x, _) | Not(x) | Neg(x) | Error(x) => f(x),
            ListIndex(a, b) | And(a, b) | Or(a, b) | Coalesce(a, b) | Let(_, a, b) | Bin(_, a, b) => {
                f(a);
                f(b)
            }
            If(a, b, c) => {
                f(a);
                f(b);
                f(c)
            }
            Cases(_, bs, o) => {
                for (c, v) in bs {
                    f(c);
                    f(v);
                }
                f(o)
            }
            Comp {
                list, element, filter, ..
            } => {
                f(list);
                f(element);
                if let Some(x) = filter {
                    f(x)
                }
            }
            Sort { list, keys, .. } => {
                f(list);
                keys.iter_mut().for_each(|(k, _)| f(k))
            }
            Fold { init, list, body, .. } => {
                f(init);
                f(list);
                f(body)
            }
        }
    }
}

impl Program {
    /// The facts a rule reads, directly or through the rules and functions it uses.
    pub fn facts_read(&self, rule: RuleId) -> Vec<FactId> {
        let mut seen_rules = vec![false; self.rules.len()];
        let mut facts = Vec::new();
        let mut stack = vec![rule];
        while let Some(r) = stack.pop() {
            if std::mem::replace(&mut seen_rules[r.index()], true) {
                continue;
            }
            let mut todo = vec![&self.rules[r].body];
            while let Some(e) = todo.pop() {
                match &e.kind {
                    ExprKind::Fact(f) => facts.push(*f),
                    ExprKind::Rule(x) | ExprKind::Call(x, _) => stack.push(*x),
                    _ => {}
                }
                e.for_each_child(|c| todo.push(c));
            }
        }
        facts.sort_unstable();
        facts.dedup();
        facts
    }

    /// For each rule and function: whether its answer is the same for every
    /// case. Such a rule reads no fact, not today's date, and counts no
    /// workdays (the closures are a fact), directly or through the rules and
    /// functions it uses.
    pub fn case_independent(&self) -> Vec<bool> {
        let direct: Vec<bool> = self.rules.iter().map(|r| !reads_case(&r.body)).collect();
        let mut independent = direct.clone();
        loop {
            let mut changed = false;
            for (i, r) in self.rules.iter().enumerate() {
                if independent[i] && !uses_only(&r.body, &independent) {
                    independent[i] = false;
                    changed = true;
                }
            }
            if !changed {
                return independent;
            }
        }
    }
}

/// Whether an expression reads the case itself (not through other rules).
fn reads_case(e: &Expr) -> bool {
    let here = match &e.kind {
        ExprKind::Fact(_) => true,
        ExprKind::Builtin(b, _) => matches!(b, Builtin::Today | Builtin::WorkdaysBetween),
        ExprKind::Bin(op, _, _) => matches!(op, Op::DateAddWorkdays(_) | Op::DateTimeAddWorkdays(_)),
        _ => false,
    };
    let mut children = false;
    e.for_each_child(|c| children = children || reads_case(c));
    here || children
}

/// Whether every rule or function the expression uses is marked in `ok`.
fn uses_only(e: &Expr, ok: &[bool]) -> bool {
    let here = match &e.kind {
        ExprKind::Rule(r) | ExprKind::Call(r, _) => ok.get(r.index()).copied().unwrap_or(false),
        _ => true,
    };
    let mut children = true;
    e.for_each_child(|c| children = children && uses_only(c, ok));
    here && children
}

/// Types by name (`date?`, `Method`, `list of Step`).
pub struct TypeText<'a>(pub &'a Program);

impl crate::types::TypeNames for TypeText<'_> {
    fn enum_name(&self, id: EnumId) -> &str {
        &self.0.enums[id].name
    }
    fn record_name(&self, id: RecordId) -> &str {
        &self.0.records[id].name
    }
}

impl TypeText<'_> {
    pub fn of(&self, t: &Type) -> String {
        crate::types::DisplayType(t, self).to_string()
    }
}
