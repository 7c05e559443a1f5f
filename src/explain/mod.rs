//! Why a rule answers what it does: its answer, citation and doc comment, and
//! the facts and rules its body reads, with their values.
//!
//! A minimal version for the REPL's `:why`; the explanations work replaces it
//! (keeping [`why_text`]'s signature).

use crate::eval::format::text;
use crate::eval::value::Value;
use crate::eval::{Case, Slot};
use crate::ir::{Expr, ExprKind, FactId, RuleId};
use crate::types::Type;

/// A fact, or a field inside a fact of record type.
type FactRef = (FactId, Vec<u32>);

/// The explanation of one rule's answer for the case, as text.
pub fn why_text(case: &mut Case, rule: RuleId) -> String {
    let prog = case.prog;
    let r = &prog.rules[rule as usize];
    let mut out = format!("{} = {}\n", r.qualified, answer(case, rule));
    if let Some(c) = &r.citation {
        match &c.quote {
            Some(q) => out.push_str(&format!("  {c} \"{q}\"\n")),
            None => out.push_str(&format!("  {c}\n")),
        }
    }
    for line in r.doc.iter().flat_map(|d| d.lines()) {
        out.push_str(&format!("  {line}\n"));
    }
    let (facts, rules) = direct_reads(&r.body);
    if facts.is_empty() && rules.is_empty() {
        return out;
    }
    out.push_str("  reads:\n");
    let mut lines: Vec<(String, String)> = Vec::new();
    for (f, fields) in &facts {
        lines.push(fact_line(case, *f, fields));
    }
    for x in rules {
        let xr = &prog.rules[x as usize];
        let cite = xr.citation.as_ref().map(|c| format!("  ({c})")).unwrap_or_default();
        lines.push((xr.qualified.clone(), format!("{}{cite}", answer(case, x))));
    }
    let width = lines.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
    for (name, value) in lines {
        out.push_str(&format!("    {name:width$} = {value}\n"));
    }
    let direct: Vec<FactId> = facts.iter().map(|(f, _)| *f).collect();
    let further: Vec<String> = prog
        .facts_read(rule)
        .into_iter()
        .filter(|f| !direct.contains(f) && Some(*f) != prog.closures_fact)
        .map(|f| format!("`{}`", prog.facts[f as usize].path))
        .collect();
    if !further.is_empty() {
        out.push_str(&format!("  and, through those rules, {}\n", further.join(", ")));
    }
    out
}

fn answer(case: &mut Case, rule: RuleId) -> String {
    let prog = case.prog;
    match case.rule(rule) {
        Ok(v) => text(prog, &v, &prog.rules[rule as usize].ty),
        Err(e) => format!("error: {}", e.message(prog)),
    }
}

fn fact_line(case: &Case, f: FactId, fields: &[u32]) -> (String, String) {
    let prog = case.prog;
    let info = &prog.facts[f as usize];
    let mut path = info.path.clone();
    let mut ty = info.ty.clone();
    let mut value = match &case.facts[f as usize] {
        Slot::Value(v) => Some(v.clone()),
        Slot::Missing => return (path, "missing".into()),
        Slot::Bad(why) => return (path, format!("error: {why}")),
    };
    for &ix in fields {
        let Type::Record(r) = ty.strip_optional() else { break };
        let Some((name, fty, _)) = prog.records[*r as usize].fields.get(ix as usize) else {
            break;
        };
        path = format!("{path}.{name}");
        value = match value {
            Some(Value::Record(fs)) => fs.get(ix as usize).cloned(),
            _ => None,
        };
        ty = fty.clone();
    }
    let given = match &value {
        Some(Value::None) | None => "",
        Some(_) if case.provided[f as usize] => "",
        Some(_) => "  (default)",
    };
    let shown = value.map_or_else(|| "none".into(), |v| text(prog, &v, &ty));
    (path, format!("{shown}{given}"))
}

/// The facts (and fields of facts) and the parameterless rules an expression
/// reads directly, each once, in order of appearance.
fn direct_reads(body: &Expr) -> (Vec<FactRef>, Vec<RuleId>) {
    let mut facts: Vec<FactRef> = Vec::new();
    let mut rules = Vec::new();
    let mut todo = vec![body];
    while let Some(e) = todo.pop() {
        if let Some(r) = fact_ref(e) {
            if !facts.contains(&r) {
                facts.push(r);
            }
            continue;
        }
        if let ExprKind::Rule(x) = e.kind
            && !rules.contains(&x)
        {
            rules.push(x);
        }
        let mut children = Vec::new();
        e.for_each_child(|c| children.push(c));
        todo.extend(children.into_iter().rev());
    }
    (facts, rules)
}

/// `grievance.step1.answered_on`: a fact, or field accesses into one.
fn fact_ref(e: &Expr) -> Option<FactRef> {
    match &e.kind {
        ExprKind::Fact(f) => Some((*f, Vec::new())),
        ExprKind::Field(inner, ix) => {
            let (f, mut fields) = fact_ref(inner)?;
            fields.push(*ix);
            Some((f, fields))
        }
        _ => None,
    }
}
