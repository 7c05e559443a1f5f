//! The spanned syntax tree of a `.cba` module.
//!
//! Every node that can be the subject of a diagnostic carries a [`Span`]. Spans
//! are ignored by equality (see [`Spanned`]), so tests compare trees written
//! without positions and `parse(fmt(x)) == parse(x)` holds.

use rust_decimal::Decimal;

use super::span::{Span, Spanned};

/// An identifier with its span.
pub type Ident = Spanned<String>;

/// One `.cba` file.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub doc: Option<String>,
    pub name: Ident,
    /// `article 10 "Grievance Procedure"`
    pub article: Option<Article>,
    /// `source "5 CFR 930.205"` after the header: the citation of every rule,
    /// exception, table or calendar of the module that has none of its own.
    pub source: Option<Spanned<String>>,
    pub uses: Vec<Use>,
    pub items: Vec<Item>,
    /// The plain `//` comments of the file, in order (for the formatter; the
    /// checker ignores them).
    pub comments: Vec<Comment>,
}

/// A `//` comment: its text from `//` on, trailing spaces dropped.
pub type Comment = Spanned<String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub number: Spanned<u32>,
    pub title: Option<Spanned<String>>,
}

/// `use calendar.{add_workdays, next_workday}` or `use calendar.add_workdays`.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    pub module: Ident,
    pub names: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Facts(FactsBlock),
    Enum(EnumDecl),
    Record(RecordDecl),
    Rule(RuleDecl),
    Exception(ExceptionDecl),
    Table(TableDecl),
    Test(TestDecl),
    Calendar(CalendarDecl),
}

/// `facts grievance { … }` or `facts { … }` (top level).
#[derive(Debug, Clone, PartialEq)]
pub struct FactsBlock {
    pub doc: Option<String>,
    /// Dotted prefix: `grievance`, `grievance.step1`; empty for top level.
    pub prefix: Vec<Ident>,
    pub entries: Vec<FactEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FactEntry {
    /// `knew_on: date`, `subject: Subject?`, `continuing: bool = false`
    Fact(FactDecl),
    /// `step1 { … }`
    Group(FactsBlock),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

/// `enum Method { in_person, mail = "by mail" }`
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub variants: Vec<Variant>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub doc: Option<String>,
    pub name: Ident,
    /// External spelling (JSON), when it differs from the name.
    pub external: Option<Spanned<String>>,
}

/// `record Entry { date: date, hours: hours }`; fields may have defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub fields: Vec<FactDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
}

/// `rule name(params): type citation body`; a rule with parameters (or declared
/// with `fn`) is a function.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    pub doc: Option<String>,
    /// Declared with `fn` rather than `rule`.
    pub is_fn: bool,
    pub name: Ident,
    /// `None` for a plain rule; `Some(vec![])` for `fn f(): T`.
    pub params: Option<Vec<Param>>,
    pub ty: TypeExpr,
    pub citation: Option<Citation>,
    pub body: Body,
    pub span: Span,
}

/// `= expr` or `when … => … otherwise => …`.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Expr(Expr),
    Cases(Cases),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cases {
    pub branches: Vec<Branch>,
    /// Missing `otherwise` is a checker error (the parser accepts it).
    pub otherwise: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub cond: Expr,
    pub value: Expr,
    pub span: Span,
}

/// `exception to cap_hours §8.C "…" when … => …` (no `otherwise`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionDecl {
    pub doc: Option<String>,
    /// The rule excepted from: `cap_hours` or `module.rule`.
    pub target: Vec<Ident>,
    pub citation: Option<Citation>,
    pub branches: Vec<Branch>,
    pub span: Span,
}

/// `table name: T by K1, K2 citation { rows }`
#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub ty: TypeExpr,
    pub keys: Vec<TypeExpr>,
    pub citation: Option<Citation>,
    pub rows: Vec<TableRow>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub doc: Option<String>,
    pub key: TableKey,
    /// Provenance: `from 2016-01-10 "2016-ALJ": …`
    pub note: Option<Spanned<String>>,
    pub value: TableValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableKey {
    /// `from 2013-10-01`
    From(Spanned<Date>),
    /// A variant name, string, integer: written as an expression literal.
    Key(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableValue {
    Value(Expr),
    /// A nested block for the next key: `{ al3_a: $107,000, … }`
    Nested(Vec<TableRow>),
}

/// `test "name" { given path = expr … expect rule = expr … }`
#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    /// `///` lines before the test (added by the parser; tests may be documented).
    pub doc: Option<String>,
    pub name: Spanned<String>,
    pub givens: Vec<Given>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub path: Vec<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The query: `step1_deadline` or `grievance.step1_deadline`.
    pub rule: Vec<Ident>,
    /// `None` for `expect error rule`.
    pub value: Option<Expr>,
    pub span: Span,
}

/// `calendar employer source "…" { weekend: saturday, sunday  holidays: f  closures: path }`
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub citation: Option<Citation>,
    pub weekend: Vec<Ident>,
    pub holidays: Vec<Ident>,
    pub closures: Option<Vec<Ident>>,
    pub span: Span,
}

/// A citation as written after a rule's type.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// `Art. 23`
    pub article: Option<Spanned<u32>>,
    /// `§6.A`, `§A-B` (the text after `§`, range dash normalised to `-`).
    pub section: Option<Spanned<String>>,
    /// `sub 5.C`
    pub sub: Option<Spanned<String>>,
    pub sidebar: bool,
    /// `source "5 U.S.C. 6103(a)"`
    pub source: Option<Spanned<String>>,
    /// The quoted phrase.
    pub quote: Option<Spanned<String>>,
    pub span: Span,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExprKind {
    /// `date`, `money`, `Method`, …
    Named(String),
    /// `list of T`
    List(Box<TypeExpr>),
    /// `T?`
    Optional(Box<TypeExpr>),
}
pub type TypeExpr = Spanned<TypeExprKind>;

/// Units of quantities. `Minutes` literals are hours in the type system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Money,
    Percent,
    Hours,
    Minutes,
    Days,
    Workdays,
    Weeks,
    Months,
    Years,
    PayPeriods,
}

/// A calendar date as written (validated by the parser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    /// `35 workdays`, `$1,500.00`, `150%`, `24 h` (the number as written).
    Quantity(Decimal, Unit),
    Date(Date),
    /// `2025-02`
    YearMonth(i32, u32),
    /// minutes since midnight
    Time(u32),
    /// date and minutes since midnight
    DateTime(Date, u32),
    String(String),
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    In,
    NotIn,
    /// `??`
    Coalesce,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

/// A generator inside a call or list: `EXPR for x in LIST if COND`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comprehension {
    pub element: Box<Expr>,
    pub var: Ident,
    pub list: Box<Expr>,
    pub filter: Option<Box<Expr>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Lit(Literal),
    /// A dotted name: `grievance.step1.received_on`, `x`, `Method.mail`.
    /// Resolution (local, fact, rule, field access) is the checker's job.
    Path(Vec<Ident>),
    /// Field access on a non-path expression: `first(xs).name`.
    Field(Box<Expr>, Ident),
    /// `f(args)`; `callee` is a dotted name.
    Call(Vec<Ident>, Vec<Expr>),
    /// `f(EXPR for x in xs if c)`: an aggregate over a generator.
    CallGen(Vec<Ident>, Comprehension),
    /// `sort(xs)` or `sort(r in xs by k1, k2)`; keys may be marked `desc`.
    Sort {
        var: Option<Ident>,
        list: Box<Expr>,
        keys: Vec<(Expr, bool)>,
    },
    /// `fold(acc = init, x in xs => body)`
    Fold {
        acc: Ident,
        init: Box<Expr>,
        var: Ident,
        list: Box<Expr>,
        body: Box<Expr>,
    },
    /// `base[k1, k2]`
    Index(Box<Expr>, Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `expr UNIT`: `n workdays`, `(a + b) days`.
    WithUnit(Box<Expr>, Unit),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Let(Ident, Box<Expr>, Box<Expr>),
    /// `when … => … otherwise => …` used as an expression.
    Cases(Cases),
    /// `[a, b]` or `{a, b}`
    List(Vec<Expr>),
    /// `[EXPR for x in xs if c]`
    ListComp(Comprehension),
    /// `Entry { date: d, hours: h }`
    Record(Ident, Vec<(Ident, Expr)>),
    /// `error("message")`
    Error(Box<Expr>),
    /// `(expr)`; kept so the formatter can keep the reader's parentheses.
    Paren(Box<Expr>),
}
pub type Expr = Spanned<ExprKind>;
