//! Reading a fact file into a case's slots, typed by the declared facts.
//! A mistyped fact is kept as a [`Slot::Bad`] naming where it is and why, so
//! only the queries that read it fail.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{FactNode, FactValue, UNKNOWN_OFFSET};
use crate::eval::{Case, Slot, dates};
use crate::ir::{Default, FactNodeKind, FactTree, Program};
use crate::types::{QUnit, Type};
use crate::values::value::Value;

/// Where a fact file's values came from, for messages.
pub struct Origin<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl Origin<'_> {
    fn at(&self, offset: u32) -> String {
        if offset == UNKNOWN_OFFSET {
            return format!("in {}", self.name);
        }
        let (l, c) = crate::source::line_col(self.text, offset as usize);
        format!("at {}:{l}:{c}", self.name)
    }
}

/// Fills a case's fact slots from a parsed fact file. Returns an error only when
/// the file is not an object at the top.
pub fn fill_case(case: &mut Case, root: &FactNode, origin: &Origin) -> Result<(), String> {
    if !matches!(root.value, FactValue::Object(_)) {
        return Err(format!(
            "a fact file must be an object of facts, but this is {}",
            root.value.kind()
        ));
    }
    let prog = case.prog;
    walk(prog, &prog.fact_tree, root, "", origin, case);
    mark_provided(&prog.fact_tree, root, &mut case.provided);
    case.reset_memo();
    Ok(())
}

fn walk(prog: &Program, tree: &FactTree, node: &FactNode, prefix: &str, origin: &Origin, case: &mut Case) {
    for (name, kind) in &tree.children {
        let Some(child) = node.get(name) else { continue };
        match kind {
            FactNodeKind::Leaf(id) => {
                let info = &prog.facts[id.index()];
                let slot = match (&child.value, &info.ty) {
                    (FactValue::Null, Type::Optional(_)) => Slot::Value(Value::None),
                    (FactValue::Null, _) => match &info.default {
                        Default::Value(v) => Slot::Value(v.clone()),
                        _ => Slot::Missing,
                    },
                    (_, ty) => match convert(prog, child, ty, origin) {
                        Ok(v) => Slot::Value(v),
                        Err(why) => Slot::Bad(Arc::from(why)),
                    },
                };
                case.set_slot(*id, slot);
            }
            FactNodeKind::Group(sub) => {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                match &child.value {
                    FactValue::Object(_) => walk(prog, sub, child, &path, origin, case),
                    FactValue::Null => {}
                    other => {
                        let why: Arc<str> = Arc::from(format!(
                            "is mistyped: `{path}` should be an object of facts, but is {} {}",
                            other.kind(),
                            origin.at(child.offset)
                        ));
                        mark_bad(sub, &why, case);
                    }
                }
            }
        }
    }
}

/// The keys a fact file gives that name no declared fact (nor a group of facts),
/// as messages with the nearest declared name when there is one: "`grievance.knew_onn`
/// is not a fact of these rules (did you mean `grievance.knew_on`?)". Top-level keys in
/// `ignore` (a batch's id field) are not facts and not reported. Inside a fact
/// (a record or a list) nothing is reported: the fact's type checks it.
pub fn unknown_facts(prog: &Program, root: &FactNode, ignore: &[&str]) -> Vec<String> {
    fn walk(tree: &FactTree, node: &FactNode, prefix: &str, ignore: &[&str], out: &mut Vec<String>) {
        let FactValue::Object(members) = &node.value else {
            return;
        };
        for (key, child) in members {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match tree.children.iter().find(|(n, _)| n == key) {
                Some((_, FactNodeKind::Group(sub))) => walk(sub, child, &path, &[], out),
                Some((_, FactNodeKind::Leaf(_))) => {}
                None if ignore.contains(&key.as_str()) => {}
                None => {
                    let hint = crate::diag::did_you_mean(key, tree.children.iter().map(|(n, _)| n.as_str()))
                        .map(|s| {
                            let near = if prefix.is_empty() {
                                s.to_string()
                            } else {
                                format!("{prefix}.{s}")
                            };
                            format!(" (did you mean `{near}`?)")
                        })
                        .unwrap_or_default();
                    out.push(format!("`{path}` is not a fact of these rules{hint}"));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&prog.fact_tree, root, "", ignore, &mut out);
    out
}

fn mark_provided(tree: &FactTree, node: &FactNode, provided: &mut [bool]) {
    for (name, kind) in &tree.children {
        let Some(child) = node.get(name) else { continue };
        match (kind, &child.value) {
            (FactNodeKind::Leaf(id), value) => provided[id.index()] = !matches!(value, FactValue::Null),
            (FactNodeKind::Group(sub), FactValue::Object(_)) => mark_provided(sub, child, provided),
            (FactNodeKind::Group(_), FactValue::Null) => {}
            // A group given as something else (`"grievance": "oops"`, TOML's
            // `[[grievance]]`): its facts are given, wrongly, so every query that
            // reads them is asked and answers with the mistake, never dropped.
            (FactNodeKind::Group(sub), _) => mark_all(sub, provided),
        }
    }
}

fn mark_all(tree: &FactTree, provided: &mut [bool]) {
    for (_, kind) in &tree.children {
        match kind {
            FactNodeKind::Leaf(id) => provided[id.index()] = true,
            FactNodeKind::Group(g) => mark_all(g, provided),
        }
    }
}

fn mark_bad(tree: &FactTree, why: &Arc<str>, case: &mut Case) {
    for (_, kind) in &tree.children {
        match kind {
            FactNodeKind::Leaf(id) => {
                case.set_slot(*id, Slot::Bad(why.clone()));
            }
            FactNodeKind::Group(g) => mark_bad(g, why, case),
        }
    }
}

fn shown(v: &FactValue) -> String {
    match v {
        FactValue::Null => "null".into(),
        FactValue::Bool(b) => b.to_string(),
        FactValue::Number(n) => n.clone(),
        FactValue::String(s) => format!("\"{s}\""),
        FactValue::Array(_) => "an array".into(),
        FactValue::Object(_) => "an object".into(),
    }
}

/// What a value of the type looks like, for messages.
fn expected(prog: &Program, ty: &Type) -> String {
    match ty {
        Type::Bool => "true or false".into(),
        Type::Int => "a whole number".into(),
        Type::Decimal => "a number".into(),
        Type::Percent => "a percentage like 33.26".into(),
        Type::Qty(QUnit::Money) => "an amount of money like 1500.00".into(),
        Type::Qty(u) => format!("a number of {}", u.name().replace('_', " ")),
        Type::Date => "a date like \"2025-02-14\"".into(),
        Type::Time => "a time like \"09:30\"".into(),
        Type::DateTime => "a date-time like \"2025-02-14T09:30\"".into(),
        Type::YearMonth => "a month like \"2025-02\"".into(),
        Type::String => "a string".into(),
        Type::Enum(e) => {
            let ext = &prog.enums[e.index()].external;
            let shown: Vec<String> = ext.iter().take(8).map(|s| format!("\"{s}\"")).collect();
            format!("one of {}{}", shown.join(", "), if ext.len() > 8 { ", …" } else { "" })
        }
        Type::Record(r) => format!(
            "an object with {}",
            prog.records[r.index()]
                .fields
                .iter()
                .map(|f| format!("`{}`", f.0))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::List(t) => format!("a list of {}", expected(prog, t)),
        Type::Optional(t) => format!("{} or null", expected(prog, t)),
        _ => "a value".into(),
    }
}

/// A number's text as an exact decimal (plain or scientific notation).
pub(crate) fn parse_number(s: &str) -> Option<Decimal> {
    let t = s.trim();
    Decimal::from_str_exact(t)
        .ok()
        .or_else(|| Decimal::from_scientific(t).ok())
}

/// Converts one value to the declared type.
pub fn convert(prog: &Program, node: &FactNode, ty: &Type, origin: &Origin) -> Result<Value, String> {
    let bad = || {
        format!(
            "is mistyped: expected {}, found `{}` {}",
            expected(prog, ty),
            shown(&node.value),
            origin.at(node.offset)
        )
    };
    let v = &node.value;
    Ok(match ty {
        Type::Optional(inner) => match v {
            FactValue::Null => Value::None,
            _ => return convert(prog, node, inner, origin),
        },
        Type::Bool => match v {
            FactValue::Bool(b) => Value::Bool(*b),
            _ => return Err(bad()),
        },
        Type::Int | Type::Decimal | Type::Percent | Type::Qty(_) => {
            let n = match v {
                FactValue::Number(n) => parse_number(n),
                FactValue::String(s) if matches!(ty, Type::Qty(QUnit::Money)) => {
                    parse_number(&s.replace(['$', ','], ""))
                }
                FactValue::String(s) => parse_number(s),
                _ => None,
            };
            let n = n.ok_or_else(bad)?;
            match ty {
                Type::Int if !n.fract().is_zero() => return Err(bad()),
                Type::Percent => Value::Num(n / Decimal::from(100)),
                _ => Value::Num(n),
            }
        }
        Type::Date => Value::Date(str_of(v).and_then(dates::parse_date).ok_or_else(bad)?),
        Type::Time => Value::Time(str_of(v).and_then(dates::parse_time).ok_or_else(bad)?),
        Type::DateTime => Value::DateTime(str_of(v).and_then(dates::parse_datetime).ok_or_else(bad)?),
        Type::YearMonth => Value::YearMonth(str_of(v).and_then(dates::parse_year_month).ok_or_else(bad)?),
        Type::String => match v {
            FactValue::String(s) => Value::Str(s.as_str().into()),
            _ => return Err(bad()),
        },
        Type::Enum(e) => {
            let info = &prog.enums[e.index()];
            let s = str_of(v).ok_or_else(bad)?;
            let ix = info
                .external
                .iter()
                .position(|x| x == s)
                .or_else(|| info.variants.iter().position(|x| x == s));
            Value::Enum(ix.ok_or_else(bad)? as u32)
        }
        Type::List(t) => match v {
            FactValue::Array(xs) => {
                let mut out = Vec::with_capacity(xs.len());
                for x in xs {
                    out.push(convert(prog, x, t, origin)?);
                }
                Value::List(out.into())
            }
            _ => return Err(bad()),
        },
        Type::Record(r) => match v {
            FactValue::Object(_) => {
                let fields = &prog.records[r.index()].fields;
                let mut out = Vec::with_capacity(fields.len());
                for (name, fty, default) in fields {
                    match node.get(name) {
                        Some(x) if !matches!(x.value, FactValue::Null) || matches!(fty, Type::Optional(_)) => {
                            out.push(convert(prog, x, fty, origin)?)
                        }
                        _ => match default {
                            Default::Value(d) => out.push(d.clone()),
                            _ => {
                                return Err(format!(
                                    "is missing the field `{name}` ({}) {}",
                                    expected(prog, fty),
                                    origin.at(node.offset)
                                ));
                            }
                        },
                    }
                }
                Value::Record(out.into())
            }
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    })
}

fn str_of(v: &FactValue) -> Option<&str> {
    match v {
        FactValue::String(s) => Some(s.as_str()),
        _ => None,
    }
}

/// Parses a fact file's text (JSON, or TOML when `toml` is true).
pub fn parse(text: &str, toml: bool) -> Result<FactNode, super::FactSyntaxError> {
    if toml {
        super::parse_toml(text)
    } else {
        super::parse_json(text)
    }
}
