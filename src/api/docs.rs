//! What the program says about itself: [`RuleDoc`] for each rule and function,
//! [`FactDoc`] for each fact (the schema of a fact file).

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Engine, SelectError};
use crate::ir::{Citation, Default, ExprKind, Program, RuleId, TableId};
use crate::syntax::span::Span;
use crate::types::{DisplayType, Type, TypeNames};

struct Names<'a>(&'a Program);

impl TypeNames for Names<'_> {
    fn enum_name(&self, id: crate::ir::EnumId) -> &str {
        &self.0.enums[id].name
    }
    fn record_name(&self, id: crate::ir::RecordId) -> &str {
        &self.0.records[id].name
    }
}

/// A type as written in rules: `date`, `money?`, `list of method`.
pub fn type_name(prog: &Program, ty: &Type) -> String {
    DisplayType(ty, &Names(prog)).to_string()
}

/// Where an item is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub column: usize,
    /// Byte offsets into the file.
    pub start: u32,
    pub end: u32,
}

impl Location {
    pub fn of(prog: &Program, span: Span) -> Location {
        let (line, column) = prog.sources.line_col(span.file, span.start);
        Location {
            file: prog.sources.get(span.file).name.clone(),
            line,
            column,
            start: span.start,
            end: span.end,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A citation of the Agreement: `Art. 10 §6.A`, with the quoted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitationDoc {
    /// As explanations print it: `Art. 10 §6.A`.
    pub text: String,
    pub article: Option<u32>,
    pub section: Option<String>,
    pub quote: Option<String>,
}

impl CitationDoc {
    fn of(c: &Citation) -> CitationDoc {
        CitationDoc {
            text: c.to_string(),
            article: c.article,
            section: c.section.clone(),
            quote: c.quote.clone(),
        }
    }
}

/// An inline `test` block that checks a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestDoc {
    pub module: String,
    pub name: String,
    pub location: Location,
}

/// A parameter of a function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamDoc {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// One rule or function, described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    #[serde(skip)]
    pub id: RuleId,
    /// `module.rule`
    pub name: String,
    pub module: String,
    /// `None` for a rule (a query); the parameters of a function.
    pub params: Option<Vec<ParamDoc>>,
    #[serde(rename = "type")]
    pub ty: String,
    pub doc: Option<String>,
    pub citation: Option<CitationDoc>,
    /// Every fact it can read, directly or through the rules it uses.
    pub facts_read: Vec<String>,
    /// The rules and functions its body (and its exceptions) use directly.
    pub uses: Vec<String>,
    /// The tables it reads directly.
    pub tables: Vec<String>,
    /// The rules and functions that use it directly.
    pub used_by: Vec<String>,
    /// The inline tests that expect an answer of it.
    pub tests: Vec<TestDoc>,
    pub location: Location,
    pub from_stdlib: bool,
}

/// One fact a case can give.
#[derive(Debug, Clone, Serialize)]
pub struct FactDoc {
    /// `grievance.step1.received_on`
    pub path: String,
    #[serde(rename = "type")]
    pub ty: String,
    /// The default, as a fact file would write it (`today` for the date of
    /// the evaluation); `None` when there is none.
    pub default: Option<Box<RawValue>>,
    pub doc: Option<String>,
    /// The spellings a fact file may use, for an enum (or list of enum) fact.
    pub enum_values: Option<Vec<String>>,
    /// Whether the fact may be `null`.
    pub optional: bool,
    pub location: Location,
}

/// The rules and functions each expression uses directly, and the tables.
fn direct_uses(prog: &Program, rule: RuleId) -> (Vec<RuleId>, Vec<TableId>) {
    let mut rules = Vec::new();
    let mut tables = Vec::new();
    let mut todo = vec![&prog.rules[rule].body];
    while let Some(e) = todo.pop() {
        match &e.kind {
            ExprKind::Rule(r) | ExprKind::Call(r, _) if *r != rule => rules.push(*r),
            ExprKind::Table(t, _) => tables.push(*t),
            _ => {}
        }
        e.for_each_child(|c| todo.push(c));
    }
    rules.sort_unstable();
    rules.dedup();
    tables.sort_unstable();
    tables.dedup();
    (rules, tables)
}

fn rule_doc(prog: &Program, id: RuleId, uses: &[Vec<RuleId>], tables: &[Vec<TableId>]) -> RuleDoc {
    let r = &prog.rules[id];
    let m = &prog.modules[r.module];
    let name = |x: &RuleId| prog.rules[x.index()].qualified.clone();
    RuleDoc {
        id,
        name: r.qualified.clone(),
        module: m.name.clone(),
        params: r.params.as_ref().map(|ps| {
            ps.iter()
                .map(|(n, t)| ParamDoc {
                    name: n.clone(),
                    ty: type_name(prog, t),
                })
                .collect()
        }),
        ty: type_name(prog, &r.ty),
        doc: r.doc.clone(),
        citation: r.citation.as_ref().map(CitationDoc::of),
        facts_read: prog
            .facts_read(id)
            .into_iter()
            .map(|f| prog.facts[f].path.clone())
            .collect(),
        uses: uses[id.index()].iter().map(name).collect(),
        tables: tables[id.index()]
            .iter()
            .map(|t| prog.tables[t.index()].qualified.clone())
            .collect(),
        used_by: (0..prog.rules.len())
            .map(RuleId::from_index)
            .filter(|x| uses[x.index()].contains(&id))
            .map(|x| name(&x))
            .collect(),
        tests: prog
            .tests
            .iter()
            .filter(|t| t.expects.iter().any(|x| x.rule == id))
            .map(|t| TestDoc {
                module: prog.modules[t.module].name.clone(),
                name: t.name.clone(),
                location: Location::of(prog, t.span),
            })
            .collect(),
        location: Location::of(prog, r.name_span),
        from_stdlib: m.is_stdlib,
    }
}

fn all_uses(prog: &Program) -> (Vec<Vec<RuleId>>, Vec<Vec<TableId>>) {
    (0..prog.rules.len())
        .map(RuleId::from_index)
        .map(|r| direct_uses(prog, r))
        .unzip()
}

impl Engine {
    /// Every rule and function, in the order written (standard library first).
    pub fn rules(&self) -> Vec<RuleDoc> {
        let prog = self.program();
        let (uses, tables) = all_uses(prog);
        (0..prog.rules.len())
            .map(RuleId::from_index)
            .map(|r| rule_doc(prog, r, &uses, &tables))
            .collect()
    }

    /// One rule or function by qualified name (or by its own name when only
    /// one rule has it).
    pub fn rule(&self, name: &str) -> Result<RuleDoc, SelectError> {
        let prog = self.program();
        let id = super::select::find_rule(prog, name)?;
        let (uses, tables) = all_uses(prog);
        Ok(rule_doc(prog, id, &uses, &tables))
    }

    /// Every fact a case can give: the schema of a fact file.
    pub fn facts_schema(&self) -> Vec<FactDoc> {
        let prog = self.program();
        prog.facts
            .iter()
            .map(|f| {
                let inner = f.ty.strip_optional();
                let elem = match inner {
                    Type::List(t) => t.strip_optional(),
                    t => t,
                };
                let default = match &f.default {
                    Default::None => None,
                    Default::Today => RawValue::from_string("\"today\"".into()).ok(),
                    Default::Value(v) => {
                        let mut s = String::new();
                        crate::eval::format::write_json(&mut s, prog, v, &f.ty);
                        RawValue::from_string(s).ok()
                    }
                };
                FactDoc {
                    path: f.path.clone(),
                    ty: type_name(prog, &f.ty),
                    default,
                    doc: f.doc.clone(),
                    enum_values: match elem {
                        Type::Enum(e) => Some(prog.enums[e.index()].external.clone()),
                        _ => None,
                    },
                    optional: matches!(f.ty, Type::Optional(_)),
                    location: Location::of(prog, f.span),
                }
            })
            .collect()
    }
}
